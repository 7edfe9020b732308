//! `exec_command` / `write_stdin` handlers on good and hostile arguments.

use std::collections::BTreeMap;
use std::path::Path;

use pretty_assertions::assert_eq;
use recodex_process::NoSandbox;
use recodex_process::Shell;
use recodex_process::TruncationPolicy;
use recodex_process::UnifiedExecManager;
use recodex_tools::shell_command::handle_shell_command;
use recodex_tools::unified_exec::ExecContext;
use recodex_tools::unified_exec::handle_exec_command;
use recodex_tools::unified_exec::handle_write_stdin;

fn ctx(cwd: &Path) -> ExecContext {
    ExecContext {
        cwd: cwd.to_path_buf(),
        env: BTreeMap::from([
            ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
            ("HOME".to_owned(), cwd.display().to_string()),
        ]),
        shell: Shell::new("/bin/bash"),
        // Tests avoid the login profile of the machine they run on.
        allow_login_shell: false,
        escalation_refused: true,
        truncation: TruncationPolicy::Tokens(10_000),
        snapshot: None,
    }
}

fn status_lines(text: &str) -> Vec<&str> {
    // Chunk ID and wall time vary; keep the rest.
    text.lines().skip(2).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_command_output_text() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = handle_exec_command(
        &manager,
        &ctx(dir.path()),
        r#"{"cmd":"echo hi; printf 'é\n'"}"#,
    )
    .await;
    assert!(out.text.starts_with("Chunk ID: "), "{}", out.text);
    assert_eq!(
        status_lines(&out.text),
        [
            "Process exited with code 0",
            "Original token count: 2",
            "Output:",
            "hi",
            "é"
        ]
    );
    let out = handle_exec_command(
        &manager,
        &ctx(dir.path()),
        r#"{"cmd":"seq 1 100","max_output_tokens":20}"#,
    )
    .await;
    assert!(out.text.ends_with("Total output lines: 100\n\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n1…53 tokens truncated…88\n89\n90\n91\n92\n93\n94\n95\n96\n97\n98\n99\n100\n"));
}

/// Issue 22.10: the model's `shell` argument cannot choose an arbitrary program to run the
/// command: anything but an installed POSIX shell runs it in `/bin/sh`, as in the reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_models_shell_argument_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = handle_exec_command(
        &manager,
        &ctx(dir.path()),
        r#"{"cmd":"echo ran","shell":"/bin/false"}"#,
    )
    .await;
    assert_eq!(
        status_lines(&out.text),
        [
            "Process exited with code 0",
            "Original token count: 1",
            "Output:",
            "ran"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_round_trip_through_write_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let c = ctx(dir.path());
    let first = handle_exec_command(
        &manager,
        &c,
        r#"{"cmd":"read -r x; echo got:$x","tty":true,"yield_time_ms":300}"#,
    )
    .await;
    let id = first.exec.as_ref().and_then(|e| e.session_id).unwrap();
    assert!(
        first
            .text
            .contains(&format!("Process running with session ID {id}\n"))
    );
    let args = format!(r#"{{"session_id":{id},"chars":"hello\n","yield_time_ms":2000}}"#);
    let second = handle_write_stdin(&manager, &c, &args).await;
    assert_eq!(
        status_lines(&second.text),
        [
            "Process exited with code 0",
            "Original token count: 5",
            "Output:",
            "hello",
            "got:hello"
        ]
    );
}

/// Each hostile argument gets the reference's error text and no panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let c = ctx(dir.path());
    let cases = [
        (
            "not json",
            "failed to parse function arguments: expected ident at line 1 column 2",
        ),
        (
            r#"{"nocmd":1}"#,
            "failed to parse function arguments: missing field `cmd` at line 1 column 11",
        ),
        (
            r#"{"cmd":"echo hi","yield_time_ms":-5}"#,
            "failed to parse function arguments: invalid value: integer `-5`, expected u64 at line 1 column 35",
        ),
        (
            r#"{"cmd":"echo hi","yield_time_ms":1.5}"#,
            "failed to parse function arguments: invalid type: floating point `1.5`, expected u64 at line 1 column 36",
        ),
        (
            r#"{"cmd":"echo hi","max_output_tokens":"7"}"#,
            "failed to parse function arguments: invalid type: string \"7\", expected usize at line 1 column 40",
        ),
        (
            r#"{"cmd":"echo hi","workdir":"sub"}"#,
            r#"exec_command failed for `/bin/bash -c 'echo hi'`: CreateProcess { message: "Rejected(\"Failed to create unified exec process: No such file or directory (os error 2)\")" }"#,
        ),
        (
            r#"{"cmd":"echo hi","login":true}"#,
            "login shell is disabled by config; omit `login` or set it to false.",
        ),
        // Texts captured from codex-cli 0.136.0 (approval policy `never`).
        (
            r#"{"cmd":"touch /x","sandbox_permissions":"require_escalated","justification":"j"}"#,
            "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never",
        ),
        (
            r#"{"cmd":"echo hi","sandbox_permissions":"bogus"}"#,
            "failed to parse function arguments: unknown variant `bogus`, expected one of `use_default`, `require_escalated`, `with_additional_permissions` at line 1 column 46",
        ),
    ];
    for (args, want) in cases {
        let out = handle_exec_command(&manager, &c, args).await;
        assert_eq!(out.text, want, "{args}");
        assert!(out.exec.is_none());
    }
    let stdin_cases = [
        (
            r#"{"session_id":4242}"#,
            "write_stdin failed: Unknown process id 4242",
        ),
        (
            r#"{"session_id":12.5}"#,
            "failed to parse function arguments: invalid type: floating point `12.5`, expected i32 at line 1 column 18",
        ),
        (
            "{",
            "failed to parse function arguments: EOF while parsing an object at line 1 column 1",
        ),
    ];
    for (args, want) in stdin_cases {
        assert_eq!(
            handle_write_stdin(&manager, &c, args).await.text,
            want,
            "{args}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writing_to_a_pipe_session_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let c = ctx(dir.path());
    let first = handle_exec_command(&manager, &c, r#"{"cmd":"sleep 5","yield_time_ms":250}"#).await;
    let id = first.exec.and_then(|e| e.session_id).unwrap();
    let out = handle_write_stdin(
        &manager,
        &c,
        &format!(r#"{{"session_id":{id},"chars":"x"}}"#),
    )
    .await;
    assert_eq!(
        out.text,
        "write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open"
    );
    manager.terminate_all();
}

async fn shell(c: &ExecContext, args: &str) -> String {
    handle_shell_command(&NoSandbox, c, args, std::future::pending())
        .await
        .text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_command_results() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = ctx(dir.path());
    c.truncation = TruncationPolicy::Bytes(10_000);
    let out = shell(&c, r#"{"command":"echo out; exit 4"}"#).await;
    assert!(out.starts_with("Exit code: 4\nWall time: "), "{out}");
    assert!(out.ends_with(" seconds\nOutput:\nout\n"), "{out}");
    // No unified-exec variables for shell_command.
    let out = shell(&c, r#"{"command":"echo ${NO_COLOR:-unset}"}"#).await;
    assert!(out.ends_with("Output:\nunset\n"), "{out}");
    let out = shell(&c, r#"{"command":"echo start; sleep 5","timeout_ms":300}"#).await;
    assert!(
        out.starts_with(
            "Exit code: 124\nWall time: 0.3 seconds\nOutput:\ncommand timed out after 3"
        ),
        "{out}"
    );
    assert!(out.ends_with(" milliseconds\nstart\n"), "{out}");
    let out = shell(&c, r#"{"command":"seq 1 30000"}"#).await;
    assert!(
        out.contains("\nTotal output lines: 30000\nOutput:\n1\n2\n"),
        "{}",
        &out[..80]
    );
    assert!(out.contains("…158894 chars truncated…"));
    assert_eq!(
        shell(&c, r#"{"command":"ls","workdir":"/nonexistent"}"#).await,
        r#"execution error: Io(Os { code: 2, kind: NotFound, message: "No such file or directory" })"#
    );
    assert_eq!(
        shell(&c, "{bad").await,
        "failed to parse function arguments: key must be a string at line 1 column 2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_command_is_cancelled_by_an_interrupt() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(dir.path());
    let out = handle_shell_command(
        &NoSandbox,
        &c,
        r#"{"command":"sleep 30","timeout_ms":60000}"#,
        tokio::time::sleep(std::time::Duration::from_millis(200)),
    )
    .await;
    let run = out.run.unwrap();
    assert_eq!(run.termination, recodex_process::Termination::Cancelled);
    assert!(run.wall_time < std::time::Duration::from_secs(5));
}

/// Once the session's shell snapshot is ready, a login-shell command in the session's
/// directory runs without reading the startup files again (`-c`), with the environment
/// they produced; elsewhere it still runs with `-lc`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_commands_use_the_shell_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join(".bash_profile"),
        "export FROM_PROFILE=yes\n",
    )
    .unwrap();
    let mut c = ctx(dir.path());
    c.allow_login_shell = true;
    let changes = recodex_process::EnvChanges {
        set: BTreeMap::from([("FROM_SNAPSHOT".to_owned(), "1".to_owned())]),
        removed: Vec::new(),
    };
    c.snapshot = Some(std::sync::Arc::new(recodex_process::ShellSnapshot::ready(
        Shell::new("/bin/bash"),
        dir.path().to_path_buf(),
        Some(changes),
    )));
    let manager = UnifiedExecManager::default();
    let script = r#"echo snap=$FROM_SNAPSHOT profile=$FROM_PROFILE; shopt -q login_shell && echo login || echo plain"#;
    let here = handle_exec_command(
        &manager,
        &c,
        &serde_json::json!({ "cmd": script }).to_string(),
    )
    .await;
    assert!(
        here.text.ends_with("snap=1 profile=\nplain\n"),
        "{}",
        here.text
    );
    let elsewhere = handle_exec_command(
        &manager,
        &c,
        &serde_json::json!({ "cmd": script, "workdir": "sub" }).to_string(),
    )
    .await;
    assert!(
        elsewhere.text.ends_with("snap= profile=yes\nlogin\n"),
        "{}",
        elsewhere.text
    );
}
