//! Command lines that parse, and the values they produce.

use std::path::PathBuf;

use clap::error::ErrorKind;
use pretty_assertions::assert_eq;
use recodex::args::{
    Cli, CloudCommand, Command, ExecCommand, ExecpolicyCommand, ListenAddress, McpCommand,
    SandboxMode, try_parse_from, try_parse_from_with_version,
};

fn check(words: &[&str]) -> Cli {
    let argv = std::iter::once("codex").chain(words.iter().copied());
    match try_parse_from(argv) {
        Ok(cli) => cli,
        Err(err) => panic!("{words:?} was rejected:\n{err}"),
    }
}

fn paths(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(PathBuf::from).collect()
}

#[test]
fn root_options_feed_the_interactive_session() {
    let cli = check(&[
        "-m",
        "o3",
        "--yolo",
        "-s",
        "read-only",
        "-C",
        "/w",
        "fix the bug",
    ]);
    assert_eq!(cli.command, None);
    let session = &cli.interactive.session;
    assert_eq!(session.model.as_deref(), Some("o3"));
    assert!(session.dangerously_bypass_approvals_and_sandbox);
    assert_eq!(session.sandbox_mode, Some(SandboxMode::ReadOnly));
    assert_eq!(session.cwd, Some(PathBuf::from("/w")));
    assert_eq!(cli.interactive.prompt.as_deref(), Some("fix the bug"));
}

#[test]
fn images_take_comma_lists_and_following_words() {
    let cli = check(&["-i", "a.png,b.png", "c.png"]);
    assert_eq!(
        cli.interactive.session.images,
        paths(&["a.png", "b.png", "c.png"])
    );
    assert_eq!(cli.interactive.prompt, None);

    let Some(Command::Exec(exec)) = check(&["exec", "resume", "-i", "a,b", "id", "go"]).command
    else {
        panic!("not exec");
    };
    let Some(ExecCommand::Resume(resume)) = exec.command else {
        panic!("not resume")
    };
    assert_eq!(resume.images, paths(&["a", "b"]));
    assert_eq!(resume.session_and_prompt(), (Some("id"), Some("go")));
}

#[test]
fn config_overrides_are_global_and_the_deepest_level_wins() {
    let cli = check(&["--enable", "x", "features", "list"]);
    assert_eq!(cli.overrides.enable, ["x"]);

    let cli = check(&["-c", "a=1", "mcp", "list", "-c", "b=2"]);
    assert_eq!(cli.overrides.config, ["b=2"]);

    let cli = check(&["-c", "a=1", "--disable", "y", "mcp", "list"]);
    assert_eq!(cli.overrides.config, ["a=1"]);
    assert_eq!(cli.overrides.disable, ["y"]);

    // `archive` declares -c itself; the values still reach the root.
    let cli = check(&["archive", "id", "-c", "k=v"]);
    assert_eq!(cli.overrides.config, ["k=v"]);
    let Some(Command::Archive(archive)) = cli.command else {
        panic!("not archive")
    };
    assert_eq!(archive.config.config, ["k=v"]);
    assert_eq!(archive.target, "id");
}

#[test]
fn exec_globals_are_read_from_exec() {
    let cli = check(&[
        "e",
        "resume",
        "--last",
        "-m",
        "o3",
        "--experimental-json",
        "hi",
    ]);
    let Some(Command::Exec(exec)) = cli.command else {
        panic!("not exec")
    };
    assert!(exec.json);
    assert_eq!(exec.session.model.as_deref(), Some("o3"));
    let Some(ExecCommand::Resume(resume)) = exec.command else {
        panic!("not resume")
    };
    assert_eq!(resume.session_and_prompt(), (None, Some("hi")));

    let cli = check(&["exec", "--full-auto", "-o", "out.txt", "task"]);
    let Some(Command::Exec(exec)) = cli.command else {
        panic!("not exec")
    };
    assert!(exec.full_auto);
    assert_eq!(exec.output_last_message, Some(PathBuf::from("out.txt")));
    assert_eq!(exec.prompt.as_deref(), Some("task"));
}

#[test]
fn subcommands_may_follow_a_prompt() {
    // As in the reference, a root prompt does not stop subcommand matching.
    let cli = check(&["hello", "exec"]);
    assert_eq!(cli.interactive.prompt.as_deref(), Some("hello"));
    assert!(matches!(cli.command, Some(Command::Exec(_))));
}

#[test]
fn mcp_add_transports() {
    let cli = check(&[
        "mcp", "add", "docs", "--env", "A=1", "--", "npx", "-y", "server",
    ]);
    let Some(Command::Mcp(mcp)) = cli.command else {
        panic!("not mcp")
    };
    let McpCommand::Add(add) = mcp.command else {
        panic!("not add")
    };
    let stdio = add.transport.stdio.expect("stdio transport");
    assert_eq!(stdio.command, ["npx", "-y", "server"]);
    assert_eq!(stdio.env, [("A".to_owned(), "1".to_owned())]);
    assert_eq!(add.transport.streamable_http, None);

    let cli = check(&[
        "mcp",
        "add",
        "docs",
        "--url",
        "https://x",
        "--bearer-token-env-var",
        "T",
    ]);
    let Some(Command::Mcp(mcp)) = cli.command else {
        panic!("not mcp")
    };
    let McpCommand::Add(add) = mcp.command else {
        panic!("not add")
    };
    let http = add.transport.streamable_http.expect("http transport");
    assert_eq!(http.url, "https://x");
    assert_eq!(http.bearer_token_env_var.as_deref(), Some("T"));
}

#[test]
fn trailing_commands_keep_their_flags() {
    let Some(Command::Sandbox(sandbox)) = check(&["sandbox", "ls", "-la"]).command else {
        panic!("not sandbox");
    };
    assert_eq!(sandbox.command, ["ls", "-la"]);

    let cli = check(&["execpolicy", "check", "-r", "a.rules", "git", "--pretty"]);
    let Some(Command::Execpolicy(policy)) = cli.command else {
        panic!("not execpolicy")
    };
    let ExecpolicyCommand::Check(check_args) = policy.command;
    assert_eq!(check_args.command, ["git", "--pretty"]);
    assert!(!check_args.pretty);
}

#[test]
fn aliases_and_defaults() {
    assert!(matches!(
        check(&["a", "task-1"]).command,
        Some(Command::Apply(_))
    ));
    let Some(Command::Cloud(cloud)) = check(&["cloud-tasks", "list"]).command else {
        panic!("not cloud");
    };
    let Some(CloudCommand::List(list)) = cloud.command else {
        panic!("not list")
    };
    assert_eq!(list.limit, 20);

    let Some(Command::AppServer(server)) = check(&["app-server"]).command else {
        panic!("not app-server");
    };
    assert_eq!(server.listen, ListenAddress::Stdio);

    let Some(Command::Login(login)) = check(&["login", "--api-key"]).command else {
        panic!("not login");
    };
    assert_eq!(login.api_key.as_deref(), Some(""));
}

#[test]
fn version_flags() {
    let version = |words: &[&str]| {
        let argv = std::iter::once("codex").chain(words.iter().copied());
        let err = try_parse_from_with_version(argv, "9.8.7").expect_err("version request");
        assert_eq!(err.kind(), ErrorKind::DisplayVersion, "{words:?}");
        err.render().to_string()
    };
    assert_eq!(version(&["--version"]), "codex-cli 9.8.7\n");
    assert_eq!(version(&["-V", "exec"]), "codex-cli 9.8.7\n");
    assert_eq!(version(&["exec", "-V"]), "codex-cli-exec 9.8.7\n");
    assert_eq!(
        version(&["resume", "--version"]),
        "codex-cli-resume 9.8.7\n"
    );
    assert_eq!(version(&["fork", "-V"]), "codex-cli-fork 9.8.7\n");
    assert_eq!(version(&["cloud-tasks", "-V"]), "codex-cli-cloud 9.8.7\n");
}

#[test]
fn help_requests() {
    for words in [
        &["--help"][..],
        &["help", "exec"],
        &["exec", "help", "resume"],
        &["mcp", "add", "-h"],
    ] {
        let argv = std::iter::once("codex").chain(words.iter().copied());
        let err = try_parse_from(argv).expect_err("help request");
        assert_eq!(err.kind(), ErrorKind::DisplayHelp, "{words:?}");
    }
}
