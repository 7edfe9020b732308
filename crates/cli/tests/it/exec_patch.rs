//! `recodex exec` patches: apply_patch in its forms, file_change items, the sandbox.

use serde_json::Value;

use recodex_testkit::{MockResponsesServer, sse};

use super::exec::{dirs, exec, reply, write_config};

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

/// Issue 22.7: a patch larger than one process argument may be (128 KiB) is applied in the
/// sandbox like any other (it failed with "Argument list too long" and echoed the patch).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_over_128_kib_is_applied() {
    let body: String = (0..40_000).map(|i| format!("+line number {i}\n")).collect();
    let patch = format!("*** Begin Patch\n*** Add File: big.txt\n{body}*** End Patch\n");
    assert!(patch.len() > 512 * 1024);
    let (output, _stdout, work, _dir) = run_patch_turn(&patch, &[]).await;
    assert!(
        output.contains("Success. Updated the following files:"),
        "{}",
        &output[..output.len().min(400)]
    );
    let written = std::fs::read_to_string(work.join("big.txt")).unwrap();
    assert_eq!(written.lines().count(), 40_000);
}
