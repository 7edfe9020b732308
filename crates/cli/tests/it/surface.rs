//! Our clap tree against the vendored reference surface, in both directions.
//!
//! Every command, alias, positional and option of the fixture must exist in our tree with the
//! same facts, and our tree must show nothing the fixture lacks. Hidden things the reference
//! also hides (it does not list them) are named explicitly below.

use std::collections::BTreeSet;

use clap::Arg;

use crate::facts::{OptionFacts, PositionalFacts, help_order, option_key};
use crate::fixture::{Node, Opt, find, ours, reference};

/// Hidden options we declare because the reference binary accepts them: (command path, long).
const HIDDEN_OPTIONS: &[(&[&str], &str)] = &[
    (&["exec"], "full-auto"),
    (&["exec", "resume"], "full-auto"),
    (&["exec", "review"], "full-auto"),
    (&["login"], "api-key"),
    (&["login"], "experimental_issuer"),
    (&["login"], "experimental_client-id"),
    (&["app-server"], "remote-control"),
];

/// Hidden long aliases the reference binary accepts: (command path, option long, alias).
const HIDDEN_OPTION_ALIASES: &[(&[&str], &str, &str)] = &[
    (&[], "dangerously-bypass-approvals-and-sandbox", "yolo"),
    (
        &["exec"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (
        &["exec", "resume"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (
        &["exec", "review"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (
        &["resume"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (
        &["fork"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (
        &["archive"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (
        &["unarchive"],
        "dangerously-bypass-approvals-and-sandbox",
        "yolo",
    ),
    (&["exec"], "json", "experimental-json"),
    (&["exec", "resume"], "json", "experimental-json"),
    (&["exec", "review"], "json", "experimental-json"),
];

/// Hidden command aliases: (command path, alias).
const HIDDEN_COMMAND_ALIASES: &[(&[&str], &str)] = &[(&["cloud"], "cloud-tasks")];

/// Options the fixture marks optional because the reference usage line shows them inside an
/// either-or group, while clap marks them required within their group: (path, long).
const REQUIRED_WITHIN_GROUP: &[(&[&str], &str)] = &[(&["mcp", "add"], "url")];

fn check_node(node: &Node, cmd: &clap::Command, problems: &mut Vec<String>) {
    let path = node.path.join(" ");
    let words = node.words();
    let mut report = |what: String| problems.push(format!("{path}: {what}"));

    if cmd.is_hide_set() != node.hidden {
        report(format!(
            "hidden is {}, reference {}",
            cmd.is_hide_set(),
            node.hidden
        ));
    }

    // Command aliases: visible ones match, hidden ones are the listed exceptions.
    let visible: Vec<&str> = cmd.get_visible_aliases().collect();
    if visible != node.aliases {
        report(format!(
            "visible aliases {visible:?}, reference {:?}",
            node.aliases
        ));
    }
    let hidden: BTreeSet<&str> = cmd
        .get_all_aliases()
        .filter(|a| !visible.contains(a))
        .collect();
    let expected: BTreeSet<&str> = HIDDEN_COMMAND_ALIASES
        .iter()
        .filter(|(p, _)| *p == words.as_slice())
        .map(|(_, alias)| *alias)
        .collect();
    if hidden != expected {
        report(format!("hidden aliases {hidden:?}, expected {expected:?}"));
    }

    if node.is_help() {
        // clap's generated `help` subcommand. Its `[COMMAND]...` positional is not modelled as
        // an argument by this clap version (it dispatches on nested subcommands instead), so
        // only check that it has no options; `help_subcommands_show_help` covers behaviour.
        if cmd.get_arguments().next().is_some() {
            report("generated help subcommand has arguments".to_owned());
        }
        return;
    }

    // Positionals, in order.
    let mut positionals: Vec<&Arg> = cmd.get_positionals().collect();
    positionals.sort_by_key(|arg| arg.get_index());
    let ours: Vec<PositionalFacts> = positionals
        .iter()
        .map(|a| PositionalFacts::of_ours(a))
        .collect();
    let theirs: Vec<PositionalFacts> = node
        .args
        .iter()
        .map(PositionalFacts::of_reference)
        .collect();
    if ours != theirs {
        report(format!(
            "positionals\n  ours:      {ours:?}\n  reference: {theirs:?}"
        ));
    }

    // Reference options exist in our tree with identical facts.
    let options: Vec<&Arg> = cmd.get_arguments().filter(|a| !a.is_positional()).collect();
    for opt in &node.options {
        let flag = opt.flag();
        match options.iter().find(|arg| option_key(arg) == flag) {
            None => report(format!("missing option {flag}")),
            Some(arg) => {
                if arg.is_hide_set() {
                    report(format!("{flag} is hidden"));
                }
                let mut ours = OptionFacts::of_ours(arg);
                let theirs = OptionFacts::of_reference(opt);
                if REQUIRED_WITHIN_GROUP
                    .iter()
                    .any(|(p, long)| *p == words.as_slice() && opt.long.as_deref() == Some(*long))
                {
                    ours.required = false;
                }
                if ours != theirs {
                    report(format!(
                        "{flag}\n  ours:      {ours:?}\n  reference: {theirs:?}"
                    ));
                }
            }
        }
    }

    // Our options: visible ones are in the reference, hidden ones are listed exceptions.
    for arg in &options {
        let key = option_key(arg);
        let in_reference = node.options.iter().any(|opt| opt.flag() == key);
        let listed = HIDDEN_OPTIONS
            .iter()
            .any(|(p, long)| *p == words.as_slice() && arg.get_long() == Some(*long));
        match (arg.is_hide_set(), in_reference, listed) {
            (false, true, false) | (true, false, true) => {}
            (false, false, _) => report(format!("extra visible option {key}")),
            (true, _, false) => report(format!("unlisted hidden option {key}")),
            (_, true, true) => report(format!("{key} is both in the reference and hidden")),
        }
        let visible: Vec<&str> = arg.get_visible_aliases().unwrap_or_default();
        if !visible.is_empty() {
            report(format!("{key} has visible aliases {visible:?}"));
        }
        let all: BTreeSet<&str> = arg
            .get_all_aliases()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let expected: BTreeSet<&str> = HIDDEN_OPTION_ALIASES
            .iter()
            .filter(|(p, long, _)| *p == words.as_slice() && arg.get_long() == Some(*long))
            .map(|(_, _, alias)| *alias)
            .collect();
        if all != expected {
            report(format!(
                "{key} has hidden aliases {all:?}, expected {expected:?}"
            ));
        }
        if arg
            .get_short_and_visible_aliases()
            .is_some_and(|s| s.len() > 1)
        {
            report(format!("{key} has short aliases"));
        }
    }

    // Same order as the reference help.
    let order = help_order(cmd);
    let reference_order: Vec<String> = node.options.iter().map(Opt::flag).collect();
    if order != reference_order {
        report(format!(
            "option order\n  ours:      {order:?}\n  reference: {reference_order:?}"
        ));
    }

    // Subcommands: the same set, hidden ones included.
    let ours: BTreeSet<&str> = cmd.get_subcommands().map(|sub| sub.get_name()).collect();
    let theirs: BTreeSet<&str> = node
        .subcommands
        .iter()
        .map(|sub| sub.command.as_str())
        .collect();
    if ours != theirs {
        report(format!(
            "subcommands\n  ours:      {ours:?}\n  reference: {theirs:?}"
        ));
    }
    // Visible subcommands are listed in the reference order.
    let ours: Vec<&str> = cmd
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .map(|sub| sub.get_name())
        .collect();
    let theirs: Vec<&str> = node
        .subcommands
        .iter()
        .filter(|sub| !sub.hidden && !sub.is_help())
        .map(|sub| sub.command.as_str())
        .collect();
    if ours != theirs {
        report(format!(
            "subcommand order\n  ours:      {ours:?}\n  reference: {theirs:?}"
        ));
    }

    for sub in &node.subcommands {
        if let Some(ours) = cmd.get_subcommands().find(|c| c.get_name() == sub.command) {
            check_node(sub, ours, problems);
        }
    }
}

#[test]
fn surface_matches_the_reference_in_both_directions() {
    let root = ours();
    let mut problems = Vec::new();
    check_node(reference(), &root, &mut problems);
    assert!(
        problems.is_empty(),
        "{} surface mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn fixture_has_the_expected_size() {
    // 64 visible commands, 8 hidden, 14 generated `help` subcommands, and the root.
    let nodes = reference().walk();
    assert_eq!(nodes.len(), 87);
    let options: usize = nodes.iter().map(|node| node.options.len()).sum();
    assert_eq!(options, 503);
}

#[test]
fn every_fixture_path_resolves() {
    let root = ours();
    for node in reference().walk().into_iter().skip(1) {
        let cmd = find(&root, &node.words());
        assert_eq!(cmd.get_name(), node.command);
    }
    assert_eq!(root.get_bin_name(), Some("codex"));
}

#[test]
fn usage_lines_name_codex() {
    let root = ours();
    let usage = |words: &[&str]| {
        let mut cmd = find(&root, words).clone();
        cmd.render_usage().to_string()
    };
    assert_eq!(
        usage(&[]),
        "Usage: codex [OPTIONS] [PROMPT]\n       codex [OPTIONS] <COMMAND> [ARGS]"
    );
    assert_eq!(
        usage(&["exec"]),
        "Usage: codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]"
    );
    assert_eq!(
        usage(&["mcp", "add"]),
        "Usage: codex mcp add [OPTIONS] <NAME> (--url <URL> | -- <COMMAND>...)"
    );
    assert_eq!(
        usage(&["execpolicy", "check"]),
        "Usage: codex execpolicy check [OPTIONS] --rules <PATH> <COMMAND>..."
    );
    assert_eq!(
        usage(&["cloud", "exec"]),
        "Usage: codex cloud exec [OPTIONS] --env <ENV_ID> [QUERY]"
    );
    assert_eq!(
        usage(&["plugin", "add"]),
        "Usage: codex plugin add [OPTIONS] <PLUGIN[@MARKETPLACE]>"
    );
}

#[test]
fn help_subcommands_show_help() {
    for node in reference().walk().into_iter().filter(|node| node.is_help()) {
        let parent = &node.path[1..node.path.len() - 1];
        let sibling = reference()
            .walk()
            .into_iter()
            .find(|n| {
                n.path.len() == node.path.len()
                    && n.path[..n.path.len() - 1] == node.path[..node.path.len() - 1]
                    && !n.is_help()
            })
            .expect("a help subcommand has siblings");
        let argv = std::iter::once("codex")
            .chain(parent.iter().map(String::as_str))
            .chain(["help", sibling.command.as_str()]);
        let err = recodex::args::try_parse_from(argv).expect_err("help request");
        assert_eq!(
            err.kind(),
            clap::error::ErrorKind::DisplayHelp,
            "{:?}",
            node.path
        );
    }
}
