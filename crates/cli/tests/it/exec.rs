//! `recodex exec` end to end against the testkit mock model.

use std::path::Path;
use std::process::{Command, Stdio};

use recodex_testkit::{MockReply, MockResponsesServer, sse};
use serde_json::Value;

/// A scripted streamed response: `events`, then `response.completed` with `id`.
fn reply(mut events: Vec<Value>, id: &str) -> MockReply {
    events.push(sse::completed(id, sse::default_usage()));
    MockReply::sse(events)
}

const BIN: &str = env!("CARGO_BIN_EXE_recodex");

fn write_config(home: &Path, base_url: &str) {
    let text = format!(
        "model = \"gpt-5.1-codex\"\nmodel_provider = \"mock\"\n\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"{base_url}\"\nwire_api = \"responses\"\nenv_key = \"MOCK_KEY\"\nrequest_max_retries = 0\nstream_max_retries = 0\n"
    );
    std::fs::write(home.join("config.toml"), text).unwrap();
}

fn exec(home: &Path, cwd: &Path, args: &[&str], stdin: &str) -> std::process::Output {
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

fn dirs() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
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

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
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

/// One `exec --json` turn in which a model that declares the freeform apply_patch tool
/// sends `patch`: the tool output the model got back, the JSONL stdout, the workspace.
async fn run_patch_turn(
    patch: &str,
    extra: &'static [&'static str],
) -> (String, String, std::path::PathBuf, tempfile::TempDir) {
    let first = reply(
        sse::custom_tool_call(0, "call_p", "apply_patch", patch),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "Done."), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let (dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let mut args = vec![
            "--json",
            "--skip-git-repo-check",
            "-s",
            "workspace-write",
            "-m",
            "gpt-5.2-codex",
        ];
        args.extend_from_slice(extra);
        args.push("Patch it.");
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let requests = server.requests();
    let output = requests[1].json()["input"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "custom_tool_call_output")
        .map(|i| i["output"].as_str().unwrap_or_default().to_owned())
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (output, stdout, work, dir)
}

/// The `item` of every `file_change` event line, in order.
fn file_change_items(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["item"]["type"] == "file_change")
        .map(|mut event| {
            let mut item = event["item"].take();
            item["event"] = event["type"].take();
            item
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_patch_writes_inside_the_workspace() {
    let patch = "*** Begin Patch\n*** Add File: notes/hello.txt\n+hello\n*** End Patch\n";
    let (output, stdout, work, _dir) = run_patch_turn(patch, &[]).await;
    assert!(output.starts_with("Exit code: 0\n"), "{output}");
    let path = work.join("notes/hello.txt").display().to_string();
    let expected: Vec<Value> = ["item.started", "item.completed"]
        .iter()
        .zip(["in_progress", "completed"])
        .map(|(event, status)| {
            serde_json::json!({"id": "item_0", "type": "file_change",
                "changes": [{"path": path, "kind": "add"}], "status": status, "event": event})
        })
        .collect();
    assert_eq!(file_change_items(&stdout), expected);
    assert!(
        output.contains("Success. Updated the following files:\nA notes/hello.txt"),
        "{output}"
    );
    assert_eq!(
        std::fs::read_to_string(work.join("notes/hello.txt")).unwrap(),
        "hello\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_patch_cannot_write_outside_the_workspace() {
    let patch = "*** Begin Patch\n*** Add File: ../escaped.txt\n+nope\n*** End Patch\n";
    // The test tree lives under /tmp, itself a writable root unless excluded.
    let exclude = &[
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "-c",
        "sandbox_workspace_write.exclude_tmpdir_env_var=true",
    ];
    let (output, stdout, work, _dir) = run_patch_turn(patch, exclude).await;
    assert_eq!(
        output,
        "patch rejected: writing outside of the project; rejected by user approval settings"
    );
    assert_eq!(file_change_items(&stdout), Vec::<Value>::new());
    assert!(
        !work.parent().unwrap().join("escaped.txt").exists(),
        "the patch escaped the sandbox"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_last_continues_the_thread_with_its_history() {
    let first = reply(sse::message(0, "msg_1", "Noted: banana."), "resp_1");
    let second = reply(sse::message(0, "msg_2", "The word was banana."), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let outs = tokio::task::spawn_blocking(move || {
        let a = exec(
            &h,
            &w,
            &[
                "--json",
                "--skip-git-repo-check",
                "Remember the word banana.",
            ],
            "",
        );
        let b = exec(
            &h,
            &w,
            &[
                "--json",
                "--skip-git-repo-check",
                "resume",
                "--last",
                "What word?",
            ],
            "",
        );
        (a, b)
    })
    .await
    .unwrap();
    let first_id = first_thread_id(&outs.0.stdout);
    assert_eq!(
        outs.1.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&outs.1.stderr)
    );
    assert_eq!(
        first_thread_id(&outs.1.stdout),
        first_id,
        "the same thread continues"
    );
    let requests = server.requests();
    let input = requests[1].json()["input"].as_array().unwrap().clone();
    let texts: Vec<String> = input
        .iter()
        .map(|i| {
            i["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        texts[2..],
        ["Remember the word banana.", "Noted: banana.", "What word?"]
    );
    let sessions = walk(&home.join("sessions"));
    assert_eq!(sessions.len(), 1, "resume appends to the same rollout");
    let text = std::fs::read_to_string(&sessions[0]).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"task_complete\""))
            .count(),
        2
    );
}

fn first_thread_id(stdout: &[u8]) -> String {
    let line = String::from_utf8_lossy(stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let value: Value = serde_json::from_str(&line).unwrap();
    value["thread_id"].as_str().unwrap().to_owned()
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
async fn apply_patch_through_a_heredoc_is_intercepted_and_reported_as_a_file_change() {
    let script = "cd sub && apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: s.txt\n@@\n-a\n+b\n*** End Patch\nEOF\n";
    let arguments = serde_json::json!({ "cmd": script }).to_string();
    let first = reply(
        sse::function_call(0, "call_h", "exec_command", &arguments),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "Done."), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    std::fs::create_dir_all(work.join("sub")).unwrap();
    std::fs::write(work.join("sub/s.txt"), "a\n").unwrap();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "--skip-git-repo-check",
            "-s",
            "workspace-write",
            "Go.",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(work.join("sub/s.txt")).unwrap(),
        "b\n"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let items = file_change_items(&stdout);
    assert_eq!(items.len(), 2, "{stdout}");
    assert_eq!(items[1]["status"], "completed");
    assert_eq!(
        items[1]["changes"][0]["path"],
        work.join("sub/s.txt").display().to_string()
    );
    assert!(!stdout.contains("command_execution"), "{stdout}");
    let requests = server.requests();
    let output = requests[1].json()["input"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "function_call_output")
        .map(|i| i["output"].as_str().unwrap_or_default().to_owned())
        .unwrap();
    assert!(output.starts_with("Wall time: "), "{output}");
    assert!(
        output.contains("\nOutput:\nExit code: 0\n")
            && output.ends_with("Success. Updated the following files:\nM s.txt\n"),
        "{output}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_to_a_hard_link_does_not_write_the_file_outside() {
    let patch =
        "*** Begin Patch\n*** Update File: linked.txt\n@@\n-secret\n+changed\n*** End Patch\n";
    let first = reply(
        sse::custom_tool_call(0, "call_p", "apply_patch", patch),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "Done."), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let (dir, home, work) = dirs();
    let outside = dir.path().join("outside.txt");
    std::fs::write(&outside, "secret\n").unwrap();
    std::fs::hard_link(&outside, work.join("linked.txt")).unwrap();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "--skip-git-repo-check",
            "-s",
            "workspace-write",
            "-m",
            "gpt-5.2-codex",
            "-c",
            "sandbox_workspace_write.exclude_slash_tmp=true",
            "Go.",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "secret\n");
    assert_eq!(
        std::fs::read_to_string(work.join("linked.txt")).unwrap(),
        "changed\n"
    );
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

/// A session written by codex-cli 0.136.0 (fixture: its rollout after one turn with a tool
/// call, upstream prose replaced by placeholders) is resumed by recodex, which must send
/// the model the same input the reference itself sent when resuming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_written_by_the_reference_resumes_with_the_same_history() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cross-resume");
    let server = MockResponsesServer::start(vec![reply(
        sse::message(0, "msg_9", "I created out.txt."),
        "resp_9",
    )])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().display().to_string();
    let (home, work) = (dir.path().join("codex_home"), dir.path().join("ws"));
    let sessions = home.join("sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let rollout = std::fs::read_to_string(fixtures.join("rollout-reference.jsonl"))
        .unwrap()
        .replace("{{ROOT}}", &root);
    let name = "rollout-2026-11-25T17-35-42-01a213c7-0f08-7c91-823c-03d49a51ff7f.jsonl";
    std::fs::write(sessions.join(name), &rollout).unwrap();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "resume",
            "--last",
            "--json",
            "--skip-git-repo-check",
            "What did you do?",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("reference-resume-input.json"))
            .unwrap()
            .replace("{{ROOT}}", &root),
    )
    .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    pretty_assertions::assert_eq!(requests[0].json()["input"], expected);
    // The thread keeps its id, and the turn is appended to the same file.
    let thread = requests[0].json()["prompt_cache_key"].clone();
    assert_eq!(thread, "01a213c7-0f08-7c91-823c-03d49a51ff7f");
    let after = std::fs::read_to_string(sessions.join(name)).unwrap();
    assert!(
        after.starts_with(&rollout),
        "the original lines are kept as they were"
    );
    assert!(after.len() > rollout.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_without_a_session_starts_one_and_an_unknown_thread_id_is_an_error() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Fresh."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let (fresh, unknown) = tokio::task::spawn_blocking(move || {
        let fresh = exec(
            &h,
            &w,
            &["resume", "--last", "--json", "--skip-git-repo-check", "Hi."],
            "",
        );
        let unknown = exec(
            &h,
            &w,
            &[
                "resume",
                "0199a213-0000-7000-8000-000000000000",
                "--skip-git-repo-check",
                "Hi.",
            ],
            "",
        );
        (fresh, unknown)
    })
    .await
    .unwrap();
    assert_eq!(fresh.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&fresh.stdout).contains("\"Fresh.\""));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains(
            "no rollout found for thread id 0199a213-0000-7000-8000-000000000000 (code -32600)"
        ),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
}
