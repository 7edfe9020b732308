//! Issue 22: what a hostile or runaway model, a killed recodex, or odd input must not achieve.
//! Each test here failed before its fix.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use recodex_testkit::{MockResponsesServer, sse};

use super::exec::{BIN, dirs, reply, write_config};

/// Starts `recodex exec` in the background (stdout and stderr discarded).
fn spawn_exec(home: &Path, cwd: &Path, args: &[&str]) -> std::process::Child {
    Command::new(BIN)
        .arg("exec")
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.parent().unwrap())
        .env("CODEX_HOME", home)
        .env("MOCK_KEY", "sk-test")
        .env("TMPDIR", home.parent().unwrap().join("tmp"))
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_for(path: &Path, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Issue 22.4: after `kill -9` of `recodex exec`, the model's command dies too, sandboxed or
/// not; it used to go on writing into the workspace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_exec_takes_its_commands_with_it() {
    for sandbox in ["workspace-write", "danger-full-access"] {
        let call = sse::function_call(
            0,
            "call_1",
            "exec_command",
            r#"{"cmd":"touch started; sleep 2; touch survived","yield_time_ms":10000}"#,
        );
        let server = MockResponsesServer::start(vec![reply(call, "resp_1")])
            .await
            .unwrap();
        let (_dir, home, work) = dirs();
        write_config(&home, &server.base_url());
        let (h, w) = (home.clone(), work.clone());
        let sandbox_name = sandbox.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut child = spawn_exec(
                &h,
                &w,
                &["--skip-git-repo-check", "-s", &sandbox_name, "Go."],
            );
            assert!(
                wait_for(&w.join("started"), Duration::from_secs(20)),
                "{sandbox_name}: the command never started"
            );
            child.kill().unwrap();
            child.wait().unwrap();
            std::thread::sleep(Duration::from_secs(3));
            assert!(
                !w.join("survived").exists(),
                "{sandbox_name}: the command outlived recodex"
            );
            // The sandbox helper, told by SIGTERM, removed its mount placeholders.
            let tmpdir = h.parent().unwrap().join("tmp");
            for name in [".git", ".agents", ".codex"] {
                assert!(
                    !tmpdir.join(name).exists(),
                    "{sandbox_name}: placeholder {name} left in $TMPDIR"
                );
            }
        })
        .await
        .unwrap();
    }
}

/// Issue 22.4: `recodex sandbox` killed while its command runs takes the command with it.
#[test]
fn a_killed_sandbox_command_takes_its_command_with_it() {
    let (_dir, home, work) = dirs();
    let mut child = Command::new(BIN)
        .args([
            "sandbox",
            "--permissions-profile",
            ":workspace",
            "--",
            "sh",
            "-c",
            "touch started; sleep 2; touch survived",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.parent().unwrap())
        .env("CODEX_HOME", &home)
        .current_dir(&work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_for(&work.join("started"), Duration::from_secs(20)));
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert!(!work.join("survived").exists());
}

/// Issue 22.5: a command the model runs never reaches the user's terminal: `/dev/tty` is not
/// there for it (ENXIO), so it can neither turn echo off nor print past the output capture.
/// recodex runs under `script` (util-linux, essential on Debian), which gives it a controlling
/// terminal as a user's shell would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_commands_cannot_reach_the_users_terminal() {
    let call = sse::function_call(
        0,
        "call_1",
        "exec_command",
        r#"{"cmd":"printf 'LEAKED-%s' TO-TTY > /dev/tty; stty -F /dev/tty -echo; echo done"}"#,
    );
    let server = MockResponsesServer::start(vec![
        reply(call, "resp_1"),
        reply(sse::message(0, "msg_2", "Finished."), "resp_2"),
    ])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let inner = format!(
            "{BIN} exec --skip-git-repo-check -s workspace-write Go. </dev/null; stty -a | grep -o -- '-\\?echo ' | head -1"
        );
        Command::new("script")
            .args(["-qec", &inner, "/dev/null"])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", h.parent().unwrap())
            .env("CODEX_HOME", &h)
            .env("MOCK_KEY", "sk-test")
            .env("TMPDIR", h.parent().unwrap().join("tmp"))
            .env("SHELL", "/bin/sh")
            .current_dir(&w)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(terminal.contains("Finished."), "{terminal}");
    // (The transcript shows the command line itself, where the two halves are apart.)
    assert!(!terminal.contains("LEAKED-TO-TTY"), "{terminal}");
    // The terminal still echoes after the turn.
    assert!(terminal.lines().any(|l| l.trim() == "echo"), "{terminal}");
    let requests = server.requests();
    let output = requests[1].json().to_string();
    assert!(output.contains("No such device or address"), "{output}");
}

/// Issue 22.6: a working directory or `--add-dir` whose name is not UTF-8 is an error (exit 1,
/// the path named), not a panic; the app-server answers -32603 and keeps serving.
#[test]
fn non_utf8_paths_are_errors_not_panics() {
    use std::ffi::OsStr;
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::ffi::OsStrExt;

    let (dir, home, work) = dirs();
    std::fs::write(
        home.join("config.toml"),
        "model_provider = \"mock\"\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"http://127.0.0.1:9\"\nenv_key = \"MOCK_KEY\"\n",
    )
    .unwrap();
    let bad = dir.path().join(OsStr::from_bytes(b"bad-\xff-dir"));
    std::fs::create_dir(&bad).unwrap();
    let run = |cwd: &Path, extra: &[&OsStr]| {
        Command::new(BIN)
            .args(["exec", "--skip-git-repo-check", "-s", "workspace-write"])
            .args(extra)
            .arg("hi")
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.parent().unwrap())
            .env("CODEX_HOME", &home)
            .env("MOCK_KEY", "sk-test")
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for out in [
        run(&bad, &[]),
        run(&work, &[OsStr::new("--add-dir"), bad.as_os_str()]),
    ] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("invalid UTF-8"), "{stderr}");
        assert!(stderr.contains("bad-"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }

    let mut child = Command::new(BIN)
        .arg("app-server")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.parent().unwrap())
        .env("CODEX_HOME", &home)
        .env("MOCK_KEY", "sk-test")
        .current_dir(&bad)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut answer = |request: &str, id: i64| -> serde_json::Value {
        writeln!(stdin, "{request}").unwrap();
        for line in lines.by_ref() {
            let message: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            if message["id"] == id {
                return message;
            }
        }
        panic!("the app-server closed its output");
    };
    answer(
        r#"{"id":1,"method":"initialize","params":{"clientInfo":{"name":"t","version":"1"}}}"#,
        1,
    );
    let started = answer(r#"{"id":2,"method":"thread/start","params":{}}"#, 2);
    assert_eq!(started["error"]["code"], -32603, "{started}");
    let listed = answer(r#"{"id":3,"method":"thread/list","params":{}}"#, 3);
    assert!(listed["result"]["data"].is_array(), "{listed}");
    drop(stdin);
    child.wait().unwrap();
}

/// Issue 22.10: a prompt over 1,048,576 characters is refused before anything is sent or
/// recorded: exec exits 1 with the reference's line, the app-server answers -32602 with the
/// counts and the thread stays usable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_over_the_limit_is_refused_before_it_is_sent() {
    use std::io::{BufRead, BufReader, Write};

    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "small"), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    // Characters, not bytes: 1,048,576 `é` are 2 MiB and allowed; one more is not.
    let prompt = "é".repeat(1 << 20) + "x";
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        super::exec::exec(&h, &w, &["--json", "--skip-git-repo-check", "-"], &prompt)
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.ends_with(
            "Error: turn/start: turn/start failed: Input exceeds the maximum length of 1048576 characters. (code -32602), data: {\"input_error_code\":\"input_too_large\",\"max_chars\":1048576,\"actual_chars\":1048577}\n"
        ),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("turn."), "{stdout}");
    assert!(server.requests().is_empty());

    let (h, w) = (home.clone(), work.clone());
    let messages = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(BIN)
            .arg("app-server")
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", h.parent().unwrap())
            .env("CODEX_HOME", &h)
            .env("MOCK_KEY", "sk-test")
            .current_dir(&w)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut answer = |request: serde_json::Value, id: i64| -> serde_json::Value {
            writeln!(stdin, "{request}").unwrap();
            for line in lines.by_ref() {
                let message: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                if message["id"] == id {
                    return message;
                }
            }
            panic!("the app-server closed its output");
        };
        answer(
            serde_json::json!({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "t", "version": "1"}}}),
            1,
        );
        let started = answer(
            serde_json::json!({"id": 2, "method": "thread/start", "params": {"cwd": w}}),
            2,
        );
        let thread = started["result"]["thread"]["id"].as_str().unwrap().to_owned();
        let half = "a".repeat(600_000);
        let text = |t: &str| serde_json::json!({"type": "text", "text": t, "text_elements": []});
        let refused = answer(
            serde_json::json!({"id": 3, "method": "turn/start", "params": {"threadId": thread, "input": [text(&half), text(&half)]}}),
            3,
        );
        let accepted = answer(
            serde_json::json!({"id": 4, "method": "turn/start", "params": {"threadId": thread, "input": [text("hi")]}}),
            4,
        );
        drop(stdin);
        let _ = child.kill();
        child.wait().unwrap();
        (refused, accepted)
    })
    .await
    .unwrap();
    let (refused, accepted) = messages;
    assert_eq!(
        refused["error"],
        serde_json::json!({"code": -32602, "message": "Input exceeds the maximum length of 1048576 characters.", "data": {"input_error_code": "input_too_large", "max_chars": 1048576, "actual_chars": 1200000}})
    );
    assert!(accepted["result"]["turn"]["id"].is_string(), "{accepted}");
}

/// Issue 22.10: `-C` naming a directory that does not exist, or a working directory that was
/// deleted, fails at once with the reference's text and exit 1 (it used to run with exit 0).
#[test]
fn a_missing_or_deleted_working_directory_fails() {
    let (dir, home, _work) = dirs();
    let expected = "Error: No such file or directory (os error 2)\n";
    let missing = Command::new(BIN)
        .args([
            "exec",
            "--skip-git-repo-check",
            "-C",
            "/nonexistent-recodex-dir",
            "hi",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("CODEX_HOME", &home)
        .env("MOCK_KEY", "k")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // (A CODEX_HOME under /tmp also gets the reference's helper warning first.)
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).ends_with(expected));
    let doomed = dir.path().join("doomed");
    std::fs::create_dir(&doomed).unwrap();
    let deleted = Command::new("sh")
        .args([
            "-c",
            "cd \"$1\" && rmdir \"$1\" && exec \"$2\" exec --skip-git-repo-check -C /tmp hi",
            "sh",
        ])
        .arg(&doomed)
        .arg(BIN)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("CODEX_HOME", &home)
        .env("MOCK_KEY", "k")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(deleted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&deleted.stderr).ends_with(expected));
}

/// Issue 22.10: a broken `auth.json` stops exec with the parser's words and exit 1, as in the
/// reference, instead of being ignored; an empty object is accepted.
#[test]
fn a_broken_auth_json_is_an_error_in_exec() {
    let (_dir, home, work) = dirs();
    write_config(&home, "http://127.0.0.1:9");
    let cases = [
        ("garbage", "expected value at line 1 column 1\n"),
        (
            "{\"OPENAI_API_KEY\": \"sk-",
            "EOF while parsing a string at line 1 column 23\n",
        ),
        ("", "EOF while parsing a value at line 1 column 0\n"),
        (
            "{\"auth_mode\":\"bogus\"}",
            "unknown variant `bogus`, expected one of `apikey`, `chatgpt`, `chatgptAuthTokens`, `agentIdentity` at line 1 column 20\n",
        ),
    ];
    for (content, expected) in cases {
        std::fs::write(home.join("auth.json"), content).unwrap();
        let out = Command::new(BIN)
            .args(["exec", "--skip-git-repo-check", "hi"])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.parent().unwrap())
            .env("CODEX_HOME", &home)
            .env("MOCK_KEY", "k")
            .current_dir(&work)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{content}: {stderr}");
        assert!(stderr.ends_with(expected), "{content}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}
