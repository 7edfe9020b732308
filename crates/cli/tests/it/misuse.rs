//! Command lines the reference rejects (and a few it accepts), driven by the fixture where it
//! can be and by an explicit table for conflicts and value checks found in the reference.

use clap::error::ErrorKind;

use crate::fixture::{
    Node, Opt, find, kind_of, ours, parse, reference, reference_node, sample_value, strings,
};

/// Extra words that make the command at `node` complete: its required options and
/// positionals and, when it needs a subcommand, the first one (itself completed).
struct Completion {
    options: Vec<String>,
    positionals: Vec<String>,
    subcommand: Vec<String>,
}

fn completion(node: &Node) -> Completion {
    let mut options = Vec::new();
    for opt in node.options.iter().filter(|opt| opt.required) {
        options.push(opt.flag());
        options.push(sample_value(opt));
    }
    if node.words() == ["mcp", "add"] {
        options.extend(strings(&["--url", "http://localhost:1"]));
    }
    let positionals = node
        .args
        .iter()
        .filter(|arg| arg.required)
        .map(|_| "word".to_owned())
        .collect();
    let root = ours();
    let mut subcommand = Vec::new();
    if find(&root, &node.words()).is_subcommand_required_set() {
        let sub = node
            .subcommands
            .iter()
            .find(|sub| !sub.is_help() && !sub.hidden)
            .expect("a command that needs a subcommand has one");
        subcommand.push(sub.command.clone());
        subcommand.extend(complete_words(sub, &[]));
    }
    Completion {
        options,
        positionals,
        subcommand,
    }
}

/// The words after `node`'s path that make it complete, with `given` placed where only it can
/// make the line fail.
fn complete_words(node: &Node, given: &[String]) -> Vec<String> {
    let Completion {
        options,
        positionals,
        subcommand,
    } = completion(node);
    let mut words = Vec::new();
    if node.args.last().is_some_and(|arg| arg.variadic) {
        // A variadic positional swallows what follows it: options go first.
        words.extend(given.iter().cloned());
        words.extend(options);
        words.extend(positionals);
    } else {
        // `-i FILE...` swallows following words: positionals go first.
        words.extend(positionals);
        words.extend(options);
        words.extend(given.iter().cloned());
    }
    words.extend(subcommand);
    words
}

/// `codex <path> <given...>` completed so that only `given` can make it fail.
fn complete_line(node: &Node, given: &[String]) -> Vec<String> {
    let mut words = strings(&node.words());
    words.extend(complete_words(node, given));
    words
}

fn with_value(opt: &Opt, value: &str) -> Vec<String> {
    let mut words = vec![opt.flag()];
    if opt.takes_value {
        words.push(value.to_owned());
    }
    words
}

fn commands() -> impl Iterator<Item = &'static Node> {
    reference()
        .walk()
        .into_iter()
        .filter(|node| !node.is_help())
}

#[test]
fn invalid_possible_values_are_rejected() {
    let mut checked = 0;
    for node in commands() {
        for opt in node
            .options
            .iter()
            .filter(|opt| opt.possible_values.is_some())
        {
            let mut words = strings(&node.words());
            words.extend(with_value(opt, "not-a-valid-choice"));
            assert_eq!(kind_of(&words), Some(ErrorKind::InvalidValue), "{words:?}");
            checked += 1;
        }
        for arg in node.args.iter().filter(|arg| arg.possible_values.is_some()) {
            let mut words = strings(&node.words());
            words.push("not-a-valid-choice".to_owned());
            assert_eq!(
                kind_of(&words),
                Some(ErrorKind::InvalidValue),
                "{words:?} ({})",
                arg.name
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

#[test]
fn non_repeatable_options_given_twice_are_rejected() {
    let mut checked = 0;
    for node in commands() {
        for opt in node
            .options
            .iter()
            .filter(|opt| !opt.repeatable && !opt.is_generated())
        {
            let once = with_value(opt, &sample_value(opt));
            let twice: Vec<String> = once.iter().chain(&once).cloned().collect();
            let words = complete_line(node, &twice);
            assert_eq!(
                kind_of(&words),
                Some(ErrorKind::ArgumentConflict),
                "{words:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 150, "only {checked} checks ran");
}

#[test]
fn repeatable_options_are_accepted_twice() {
    let mut checked = 0;
    for node in commands() {
        for opt in node.options.iter().filter(|opt| opt.repeatable) {
            let once = with_value(opt, &sample_value(opt));
            let twice: Vec<String> = once.iter().chain(&once).cloned().collect();
            let words = complete_line(node, &twice);
            if let Err(err) = parse(&words) {
                panic!("{words:?} was rejected:\n{err}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 200, "only {checked} checks ran");
}

#[test]
fn unknown_options_are_rejected() {
    for node in commands() {
        // `execpolicy check` hands every word after its options to the checked command.
        if node.words() == ["execpolicy", "check"] {
            continue;
        }
        let words = complete_line(node, &strings(&["--no-such-option"]));
        assert_eq!(
            kind_of(&words),
            Some(ErrorKind::UnknownArgument),
            "{words:?}"
        );
    }
}

#[test]
fn commands_parse_once_completed() {
    for node in commands() {
        let words = complete_line(node, &[]);
        if let Err(err) = parse(&words) {
            panic!("{words:?} was rejected:\n{err}");
        }
    }
}

#[test]
fn missing_required_positionals_are_rejected() {
    let mut checked = 0;
    for node in commands().filter(|node| node.args.iter().any(|arg| arg.required)) {
        let mut words = strings(&node.words());
        for opt in node.options.iter().filter(|opt| opt.required) {
            words.extend(with_value(opt, &sample_value(opt)));
        }
        assert_eq!(
            kind_of(&words),
            Some(ErrorKind::MissingRequiredArgument),
            "{words:?}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} checks ran");
}

#[test]
fn missing_required_options_are_rejected() {
    let mut checked = 0;
    for node in commands() {
        for opt in node.options.iter().filter(|opt| opt.required) {
            let words = complete_line(node, &[]);
            // Drop the option and its value from the completed line.
            let flag = opt.flag();
            let mut pruned = Vec::new();
            let mut skip = 0;
            for word in words {
                if skip > 0 {
                    skip -= 1;
                } else if word == flag {
                    skip = usize::from(opt.takes_value);
                } else {
                    pruned.push(word);
                }
            }
            assert_eq!(
                kind_of(&pruned),
                Some(ErrorKind::MissingRequiredArgument),
                "{pruned:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 5);
}

#[test]
fn commands_needing_a_subcommand_say_so() {
    for path in [
        &["mcp"][..],
        &["plugin"],
        &["plugin", "marketplace"],
        &["debug"],
        &["features"],
    ] {
        assert!(!reference_node(path).subcommands.is_empty(), "{path:?}");
        let words = strings(path);
        assert_eq!(
            kind_of(&words),
            Some(ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand),
            "{words:?}"
        );
    }
}
