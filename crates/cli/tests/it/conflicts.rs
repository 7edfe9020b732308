//! Conflicts, requirements and value checks found by running the reference binary.

use clap::error::ErrorKind;

use crate::fixture::{kind_of, parse, strings};

/// Conflicts, requirements and value checks observed in the reference binary.
#[test]
fn reference_conflicts_and_value_checks() {
    use ErrorKind::{
        ArgumentConflict, InvalidValue, MissingRequiredArgument, UnknownArgument, ValueValidation,
    };
    let cases: &[(&[&str], ErrorKind)] = &[
        // Approval policy and the full bypass exclude each other.
        (
            &["--dangerously-bypass-approvals-and-sandbox", "-a", "never"],
            ArgumentConflict,
        ),
        (&["--yolo", "-a", "never"], ArgumentConflict),
        (&["-a", "never", "--yolo"], ArgumentConflict),
        (&["resume", "--yolo", "-a", "never"], ArgumentConflict),
        (&["fork", "-a", "on-request", "--yolo"], ArgumentConflict),
        (&["exec", "--full-auto", "--yolo"], ArgumentConflict),
        (
            &[
                "exec",
                "resume",
                "--full-auto",
                "--dangerously-bypass-approvals-and-sandbox",
            ],
            ArgumentConflict,
        ),
        // `fork --last` takes no session id.
        (&["fork", "--last", "id"], ArgumentConflict),
        (&["fork", "--last", "id", "prompt"], ArgumentConflict),
        // Review targets exclude each other and a custom prompt; --title needs --commit.
        (
            &["review", "--uncommitted", "--base", "main"],
            ArgumentConflict,
        ),
        (
            &["review", "--uncommitted", "look closely"],
            ArgumentConflict,
        ),
        (
            &["review", "--base", "main", "--commit", "abc"],
            ArgumentConflict,
        ),
        (
            &["review", "--commit", "abc", "look closely"],
            ArgumentConflict,
        ),
        (&["review", "--title", "t"], MissingRequiredArgument),
        (
            &["exec", "review", "--uncommitted", "--commit", "abc"],
            ArgumentConflict,
        ),
        (&["exec", "review", "--title", "t"], MissingRequiredArgument),
        // `mcp add` needs exactly one of a command or --url; HTTP options need --url.
        (&["mcp", "add", "srv"], MissingRequiredArgument),
        (
            &["mcp", "add", "srv", "--url", "http://x", "--", "cmd"],
            ArgumentConflict,
        ),
        (
            &[
                "mcp",
                "add",
                "srv",
                "--bearer-token-env-var",
                "T",
                "--",
                "cmd",
            ],
            MissingRequiredArgument,
        ),
        (
            &["mcp", "add", "srv", "--oauth-client-id", "id", "--", "cmd"],
            MissingRequiredArgument,
        ),
        (
            &["mcp", "add", "srv", "--oauth-resource", "r", "--", "cmd"],
            MissingRequiredArgument,
        ),
        (
            &["mcp", "add", "srv", "--env", "NOEQUALS", "--", "cmd"],
            ValueValidation,
        ),
        (
            &["mcp", "add", "srv", "--env", "=v", "--", "cmd"],
            ValueValidation,
        ),
        // app-server transport options.
        (
            &["app-server", "--stdio", "--listen", "stdio://"],
            ArgumentConflict,
        ),
        (&["app-server", "--listen", "stdio"], ValueValidation),
        (
            &["app-server", "--listen", "ws://localhost:80"],
            ValueValidation,
        ),
        (
            &["app-server", "--ws-max-clock-skew-seconds", "soon"],
            ValueValidation,
        ),
        (&["app-server", "generate-ts"], MissingRequiredArgument),
        // exec-server registration options.
        (
            &[
                "exec-server",
                "--listen",
                "ws://127.0.0.1:1",
                "--remote",
                "u",
                "--environment-id",
                "e",
            ],
            ArgumentConflict,
        ),
        (&["exec-server", "--remote", "u"], MissingRequiredArgument),
        (
            &["exec-server", "--use-agent-identity-auth"],
            MissingRequiredArgument,
        ),
        // sandbox: -C and --include-managed-config need --permissions-profile.
        (&["sandbox", "-C", "/tmp", "pwd"], MissingRequiredArgument),
        (
            &["sandbox", "--include-managed-config", "true"],
            MissingRequiredArgument,
        ),
        (&["sandbox", "-p", "a/b", "true"], ValueValidation),
        // Profile names are plain words.
        (&["-p", "bad/name"], ValueValidation),
        (&["exec", "--profile", "a.b"], ValueValidation),
        (&["archive", "-p", "", "id"], ValueValidation),
        // Cloud numbers are range-checked.
        (&["cloud", "exec", "task"], MissingRequiredArgument),
        (
            &["cloud", "exec", "--env", "e", "--attempts", "0", "q"],
            ValueValidation,
        ),
        (
            &["cloud", "exec", "--env", "e", "--attempts", "5", "q"],
            ValueValidation,
        ),
        (&["cloud", "list", "--limit", "21"], ValueValidation),
        (&["cloud", "apply", "--attempt", "x", "t"], ValueValidation),
        (&["cloud", "diff", "--attempt", "0", "t"], ValueValidation),
        (&["responses-api-proxy", "--port", "70000"], ValueValidation),
        (&["completion", "pwsh"], InvalidValue),
        // -V exists only where the reference has it.
        (&["exec", "resume", "-V"], UnknownArgument),
        (&["review", "--version"], UnknownArgument),
        (&["login", "status", "--with-api-key"], UnknownArgument),
        (&["remote-control", "start", "stop"], UnknownArgument),
    ];
    for (words, expected) in cases {
        let words = strings(words);
        assert_eq!(kind_of(&words), Some(*expected), "{words:?}");
    }
}

#[test]
fn field_errors_are_formatted_like_the_reference() {
    let words = strings(&[
        "mcp",
        "add",
        "srv",
        "--bearer-token-env-var",
        "T",
        "--",
        "cmd",
    ]);
    let err = parse(&words).expect_err("--url is missing");
    let text = err.render().to_string();
    assert!(
        text.starts_with("error: the following required argument was not provided: url"),
        "{text}"
    );
    assert!(text.contains("Usage: codex [OPTIONS] [PROMPT]"), "{text}");

    let err = parse(&strings(&["cloud", "list", "--limit", "0"])).expect_err("out of range");
    assert!(
        err.render().to_string().starts_with(
            "error: invalid value '0' for '--limit <N>': limit must be between 1 and 20"
        ),
        "{err}"
    );
}
