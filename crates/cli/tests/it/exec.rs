//! `recodex exec` end to end against the testkit mock model.

use std::path::Path;
use std::process::{Command, Stdio};

use recodex_testkit::{MockReply, MockResponsesServer, sse};
use serde_json::Value;

/// A scripted streamed response: `events`, then `response.completed` with `id`.
pub(crate) fn reply(mut events: Vec<Value>, id: &str) -> MockReply {
    events.push(sse::completed(id, sse::default_usage()));
    MockReply::sse(events)
}

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_recodex");

pub(crate) fn write_config(home: &Path, base_url: &str) {
    let text = format!(
        "model = \"gpt-5.1-codex\"\nmodel_provider = \"mock\"\n\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"{base_url}\"\nwire_api = \"responses\"\nenv_key = \"MOCK_KEY\"\nrequest_max_retries = 0\nstream_max_retries = 0\n"
    );
    std::fs::write(home.join("config.toml"), text).unwrap();
}

pub(crate) fn exec(home: &Path, cwd: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .arg("exec")
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.parent().unwrap())
        .env("CODEX_HOME", home)
        .env("MOCK_KEY", "sk-test")
        .env("TMPDIR", home.parent().unwrap().join("tmp"))
        .env("TZ", "UTC")
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn dirs() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    (dir, home, work)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_turn_prints_the_reference_event_sequence_and_records_the_session() {
    let reply = reply(
        sse::message(0, "msg_1", "Hello from the mock model."),
        "resp_1",
    );
    let server = MockResponsesServer::start(vec![reply]).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &[
                "--json",
                "--skip-git-repo-check",
                "-s",
                "workspace-write",
                "Say hello.",
            ],
            "",
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Reading additional input from stdin..."));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "thread.started",
            "turn.started",
            "item.completed",
            "turn.completed"
        ]
    );
    assert_eq!(lines[2]["item"]["id"], "item_0");
    assert_eq!(lines[2]["item"]["type"], "agent_message");
    assert_eq!(lines[2]["item"]["text"], "Hello from the mock model.");
    assert!(lines[3]["usage"]["input_tokens"].as_i64().unwrap() > 0);
    let thread_id = lines[0]["thread_id"].as_str().unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk-test"));
    assert_eq!(requests[0].header("originator"), Some("codex_exec"));
    let body = requests[0].json();
    assert_eq!(body["prompt_cache_key"], thread_id);
    assert!(
        body["tools"].as_array().is_some_and(|t| !t.is_empty()),
        "tools are offered"
    );
    let installation = std::fs::read_to_string(home.join("installation_id")).unwrap();
    assert_eq!(
        body["client_metadata"]["x-codex-installation-id"],
        installation.as_str()
    );

    let sessions: Vec<_> = walk(&home.join("sessions"));
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert!(
        sessions[0]
            .to_string_lossy()
            .ends_with(&format!("{thread_id}.jsonl"))
    );
    for db in [
        "state_5.sqlite",
        "logs_2.sqlite",
        "goals_1.sqlite",
        "memories_1.sqlite",
    ] {
        assert!(home.join(db).exists(), "{db}");
    }
    let conn = recodex_state::open_db(&home, recodex_state::DbKind::State).unwrap();
    let (id, title, source): (String, String, String) = conn
        .query_row("SELECT id, title, source FROM threads", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (id.as_str(), title.as_str(), source.as_str()),
        (thread_id, "Say hello.", "exec")
    );
    let config = std::fs::read_to_string(home.join("config.toml")).unwrap();
    assert!(
        config.contains("trust_level = \"trusted\""),
        "workspace-write trusts the project: {config}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn human_mode_prints_the_answer_on_stdout_and_appends_stdin() {
    let reply = reply(sse::message(0, "msg_1", "Done."), "resp_1");
    let server = MockResponsesServer::start(vec![reply]).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &[
                "--skip-git-repo-check",
                "--ephemeral",
                "Explain this input.",
            ],
            "some piped data\n",
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Done.\n");
    assert!(
        stderr.contains("OpenAI Codex v0.136.0\n--------\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\nuser\nExplain this input.\n\n<stdin>\nsome piped data\n</stdin>\n"),
        "{stderr}"
    );
    assert!(stderr.contains("\ncodex\nDone.\ntokens used\n"), "{stderr}");
    let body = server.requests()[0].json();
    let input = body["input"].as_array().unwrap();
    assert_eq!(
        input.last().unwrap()["content"][0]["text"],
        "Explain this input.\n\n<stdin>\nsome piped data\n</stdin>"
    );
    assert!(
        !home.join("sessions").exists(),
        "--ephemeral writes no rollout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_response_fails_the_turn_with_status_one() {
    let server = MockResponsesServer::start(vec![MockReply::http(
        400,
        r#"{"error":{"message":"bad request"}}"#,
    )])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "hi"], "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("\"type\":\"turn.failed\"")),
        "{stdout}"
    );
}

#[test]
fn outside_a_git_repo_without_the_flag_is_refused() {
    let (_dir, home, work) = dirs();
    write_config(&home, "http://127.0.0.1:9/v1");
    let out = exec(&home, &work, &["hi"], "");
    if work.ancestors().any(|d| d.join(".git").exists()) {
        return; // The temp dir sits inside a git checkout on this machine.
    }
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "Not inside a trusted directory and --skip-git-repo-check was not specified."
        )
    );
}

pub(crate) fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn tool_then_reply(cmd: &str) -> Vec<MockReply> {
    let args = serde_json::json!({ "cmd": cmd }).to_string();
    let first = reply(
        sse::function_call(0, "call_1", "exec_command", &args),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "Done."), "resp_2");
    vec![first, second]
}

async fn run_tool_turn(
    sandbox: &'static str,
    cmd: &str,
) -> (Vec<Value>, std::path::PathBuf, tempfile::TempDir) {
    let server = MockResponsesServer::start(tool_then_reply(cmd))
        .await
        .unwrap();
    let (dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &["--json", "--skip-git-repo-check", "-s", sandbox, "Run it."],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let output = requests[1].json()["input"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "function_call_output")
        .map(|i| i["output"].as_str().unwrap_or_default().to_owned())
        .unwrap();
    assert!(output.starts_with("Chunk ID: "), "{output}");
    (lines, work, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_write_commands_run_confined_and_may_write_the_workspace() {
    let (lines, work, _dir) =
        run_tool_turn("workspace-write", "echo hi > out.txt && cat out.txt").await;
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "thread.started",
            "turn.started",
            "item.started",
            "item.completed",
            "item.completed",
            "turn.completed"
        ]
    );
    let done = &lines[3]["item"];
    assert_eq!(done["type"], "command_execution");
    assert_eq!(done["exit_code"], 0, "{done}");
    assert_eq!(done["aggregated_output"], "hi\n");
    assert_eq!(
        std::fs::read_to_string(work.join("out.txt")).unwrap(),
        "hi\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_commands_cannot_write() {
    let (lines, work, _dir) = run_tool_turn("read-only", "echo hi > out.txt").await;
    // A quick sandbox denial is reported to the model only: no command item, as in the
    // reference.
    assert!(
        !lines
            .iter()
            .any(|l| l["item"]["type"] == "command_execution"),
        "{lines:?}"
    );
    assert!(
        !work.join("out.txt").exists(),
        "the read-only sandbox let a write through"
    );
}

#[test]
fn the_sandbox_helper_copes_with_a_missing_tmpdir() {
    let (_dir, _home, work) = dirs();
    let profile = serde_json::json!({
        "type": "managed",
        "file_system": {"type": "restricted", "entries": [
            {"path": {"type": "special", "value": {"kind": "root"}}, "access": "read"},
            {"path": {"type": "path", "path": work}, "access": "write"}
        ]},
        "network": "restricted"
    });
    let out = Command::new(BIN)
        .args(["--codex-run-as-linux-sandbox", "--sandbox-policy-cwd"])
        .arg(&work)
        .arg("--command-cwd")
        .arg(&work)
        .args([
            "--permission-profile",
            &profile.to_string(),
            "--",
            "/bin/sh",
            "-c",
            "echo ok > f; cat f",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TMPDIR", "/nonexistent-tmp")
        .current_dir(&work)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(work.join("f")).unwrap(), "ok\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_interrupts_the_turn_and_records_it_as_aborted() {
    use std::io::BufRead;
    let first = reply(
        sse::function_call(0, "call_1", "exec_command", r#"{"cmd":"sleep 30"}"#),
        "resp_1",
    );
    let server = MockResponsesServer::start(vec![first]).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let (status, stdout) = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(BIN)
            .args([
                "exec",
                "--json",
                "--skip-git-repo-check",
                "-s",
                "workspace-write",
                "Go.",
            ])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", h.parent().unwrap())
            .env("CODEX_HOME", &h)
            .env("MOCK_KEY", "sk-test")
            .env("TMPDIR", h.parent().unwrap().join("tmp"))
            .current_dir(&w)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        let mut line = String::new();
        // Wait until the command has been announced, then press Ctrl-C.
        while reader.read_line(&mut line).unwrap() > 0 {
            lines.push(std::mem::take(&mut line));
            if lines.last().unwrap().contains("\"item.started\"") {
                break;
            }
        }
        let ok = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let started = std::time::Instant::now();
        let status = child.wait().unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        for rest in reader.lines() {
            lines.push(rest.unwrap());
        }
        (status, lines)
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(stdout.len(), 3, "no event after the interrupt: {stdout:?}");
    assert_eq!(server.requests().len(), 1, "no follow-up request");
    let rollout = walk(&home.join("sessions"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let lines: Vec<Value> = std::fs::read_to_string(rollout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let payload_types: Vec<&str> = lines
        .iter()
        .rev()
        .take(3)
        .map(|l| l["payload"]["type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(payload_types, ["turn_aborted", "message", "token_count"]);
    let output = lines
        .iter()
        .find(|l| l["payload"]["type"] == "function_call_output")
        .unwrap();
    let text = output["payload"]["output"].as_str().unwrap();
    assert!(text.starts_with("aborted by user after "), "{text}");
    assert_eq!(lines.last().unwrap()["payload"]["reason"], "interrupted");
}

#[test]
fn oss_needs_a_local_provider_that_answers() {
    let (_dir, home, work) = dirs();
    write_config(&home, "http://127.0.0.1:9/v1");
    let cases: [(&[&str], &str); 3] = [
        (
            &["--oss", "Hi."],
            "Error: No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml",
        ),
        (
            &["--oss", "--local-provider", "foo", "Hi."],
            "Error: Model provider `foo` not found",
        ),
        (
            &["--oss", "--local-provider", "ollama", "Hi."],
            "Error: OSS setup failed: No running Ollama server detected.",
        ),
    ];
    for (args, want) in cases {
        let mut command = Command::new(BIN);
        command
            .arg("exec")
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.parent().unwrap())
            .env("CODEX_HOME", &home)
            // Nothing listens on port 9 (discard) here, so the local server is "down".
            .env("CODEX_OSS_PORT", "9")
            .current_dir(&work);
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("Reading additional input"),
            "checked before stdin"
        );
    }
}

#[test]
fn debug_prompt_input_prints_the_first_request_input() {
    let (_dir, home, work) = dirs();
    write_config(&home, "http://127.0.0.1:9/v1");
    let out = Command::new(BIN)
        .args(["debug", "prompt-input", "hi there"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.parent().unwrap())
        .env("CODEX_HOME", &home)
        .env("TZ", "UTC")
        .current_dir(&work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("[\n  {\n    \"type\": \"message\""),
        "{text}"
    );
    assert!(text.ends_with("\n]\n"));
    let items: Value = serde_json::from_str(&text).unwrap();
    let roles: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["developer", "user", "user"]);
    let env = items[1]["content"][0]["text"].as_str().unwrap();
    assert!(env.starts_with(&format!(
        "<environment_context>\n  <cwd>{}</cwd>",
        work.display()
    )));
    assert_eq!(items[2]["content"][0]["text"], "hi there");
}

#[test]
fn a_codex_home_that_is_not_a_directory_is_reported_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "").unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", dir.path())
            .env("CODEX_HOME", &file)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let cases: [(&[&str], &str); 2] = [
        (
            &["exec", "--skip-git-repo-check", "Hi."],
            "\nError finding codex home: CODEX_HOME points to",
        ),
        (&["archive", "x"], "\nError: failed to find Codex home\n"),
    ];
    for (args, want) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            b"",
            "nothing written over it"
        );
    }
}

/// The stdin notice says whether stdin is the prompt or an addition to it, as the
/// reference's does (issue 14).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stdin_notice_names_what_stdin_is() {
    let server = MockResponsesServer::start(vec![
        reply(sse::message(0, "m1", "one"), "r1"),
        reply(sse::message(0, "m2", "two"), "r2"),
    ])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let (only_stdin, appended) = tokio::task::spawn_blocking(move || {
        (
            exec(&h, &w, &["--skip-git-repo-check"], "The prompt.\n"),
            exec(&h, &w, &["--skip-git-repo-check", "Prompt."], "more\n"),
        )
    })
    .await
    .unwrap();
    let first = String::from_utf8_lossy(&only_stdin.stderr);
    assert!(
        first.starts_with("Reading prompt from stdin...\n"),
        "{first}"
    );
    let second = String::from_utf8_lossy(&appended.stderr);
    assert!(
        second.starts_with("Reading additional input from stdin...\n"),
        "{second}"
    );
}

/// `model_reasoning_summary` reaches the request (found by the TypeScript SDK side by side
/// with the reference, issue 14).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_reasoning_summary_is_sent() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "ok"), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let config = std::fs::read_to_string(home.join("config.toml")).unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!("model_reasoning_summary = \"detailed\"\n{config}")
            .replace("gpt-5.1-codex", "gpt-5.4"),
    )
    .unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "hi"], "")
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = server.requests()[0].json();
    assert_eq!(
        body["reasoning"]["summary"], "detailed",
        "{}",
        body["reasoning"]
    );
}
