//! `recodex app-server` end to end, with the real sandbox: a patch that writes outside the
//! writable roots is asked about, and applied (outside the sandbox) only when approved.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use recodex_testkit::{MockResponsesServer, sse};
use serde_json::{Value, json};

use super::exec::{BIN, dirs, reply, write_config};

/// Runs one turn whose model adds `target` with a patch, answers the approval request
/// with `decision`, and returns every message the server sent.
fn patch_turn(home: &Path, work: &Path, target: &Path, decision: &str) -> Vec<Value> {
    let mut child = Command::new(BIN)
        .arg("app-server")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.parent().unwrap())
        .env("CODEX_HOME", home)
        .env("MOCK_KEY", "sk-test")
        .env("TMPDIR", home.parent().unwrap().join("tmp"))
        .current_dir(work)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let mut send = |message: Value| writeln!(stdin, "{message}").unwrap();
    let mut until = |seen: &mut Vec<Value>, what: &dyn Fn(&Value) -> bool| -> Value {
        for line in lines.by_ref() {
            let message: Value = serde_json::from_str(&line.unwrap()).unwrap();
            seen.push(message.clone());
            if what(&message) {
                return message;
            }
        }
        panic!("the server closed its output: {seen:#?}");
    };
    send(
        json!({"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "t", "version": "1"}}}),
    );
    until(&mut seen, &|m| m["id"] == 0);
    send(
        json!({"id": 1, "method": "thread/start", "params": {"cwd": work, "model": "gpt-5.2-codex"}}),
    );
    let started = until(&mut seen, &|m| m["id"] == 1);
    let thread = started["result"]["thread"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    send(
        json!({"id": 2, "method": "turn/start", "params": {"threadId": thread,
        "input": [{"type": "text", "text": format!("Create {}", target.display()), "text_elements": []}]}}),
    );
    let ask = until(&mut seen, &|m| {
        m["method"] == "item/fileChange/requestApproval"
    });
    send(json!({"id": ask["id"], "result": {"decision": decision}}));
    until(&mut seen, &|m| m["method"] == "turn/completed");
    drop(stdin);
    let _ = child.wait();
    seen
}

async fn setup(decision: &'static str) -> (Vec<Value>, bool, Vec<String>) {
    let (dir, home, work) = dirs();
    // Outside every writable root: not the workspace, and /tmp and TMPDIR excluded.
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let target = outside.join("made.txt");
    let patch = format!(
        "*** Begin Patch\n*** Add File: {}\n+made\n*** End Patch\n",
        target.display()
    );
    let server = MockResponsesServer::start(vec![
        reply(
            sse::custom_tool_call(0, "call_p", "apply_patch", &patch),
            "resp_1",
        ),
        reply(sse::message(0, "msg_2", "Done."), "resp_2"),
    ])
    .await
    .unwrap();
    write_config(&home, &server.base_url());
    let config = std::fs::read_to_string(home.join("config.toml")).unwrap()
        + "\n[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n";
    std::fs::write(home.join("config.toml"), config).unwrap();
    let (h, w, t) = (home.clone(), work.clone(), target.clone());
    let seen = tokio::task::spawn_blocking(move || patch_turn(&h, &w, &t, decision))
        .await
        .unwrap();
    let outputs = server
        .requests()
        .iter()
        .flat_map(|r| r.json()["input"].as_array().cloned().unwrap_or_default())
        .filter(|i| i["type"] == "custom_tool_call_output" || i["type"] == "function_call_output")
        .map(|i| i["output"].as_str().unwrap_or_default().to_owned())
        .collect();
    (seen, target.exists(), outputs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_patch_outside_the_roots_is_applied() {
    let (seen, written, outputs) = setup("accept").await;
    assert!(written, "{seen:#?}");
    let ask = seen
        .iter()
        .find(|m| m["method"] == "item/fileChange/requestApproval")
        .unwrap();
    let keys: Vec<&str> = ask["params"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "threadId",
            "turnId",
            "itemId",
            "startedAtMs",
            "reason",
            "grantRoot"
        ]
    );
    assert_eq!(ask["params"]["itemId"], "call_p");
    let started = seen
        .iter()
        .position(|m| m["method"] == "item/started" && m["params"]["item"]["type"] == "fileChange")
        .unwrap();
    let asked = seen
        .iter()
        .position(|m| m["method"] == "item/fileChange/requestApproval")
        .unwrap();
    assert!(started < asked, "the item shows before the question");
    let done = seen
        .iter()
        .find(|m| m["method"] == "item/completed" && m["params"]["item"]["type"] == "fileChange")
        .unwrap();
    assert_eq!(done["params"]["item"]["status"], "completed");
    assert!(outputs[0].contains("Success."), "{outputs:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_patch_writes_nothing_and_the_model_is_told() {
    let (seen, written, outputs) = setup("decline").await;
    assert!(!written);
    let done = seen
        .iter()
        .find(|m| m["method"] == "item/completed" && m["params"]["item"]["type"] == "fileChange")
        .unwrap();
    assert_eq!(done["params"]["item"]["status"], "declined");
    assert_eq!(outputs[0], "patch rejected by user");
}

/// The reference opens its four databases when the server starts, before any thread: a
/// client that only initializes finds them in `CODEX_HOME`.
#[test]
fn the_databases_are_opened_at_start_up() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("codex");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(BIN)
        .arg("app-server")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", root.path())
        .env("CODEX_HOME", &home)
        .current_dir(root.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let hello = json!({"id": 0, "method": "initialize",
        "params": {"clientInfo": {"name": "t", "version": "1"}}});
    writeln!(stdin, "{hello}").unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let answer: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(answer["id"], 0, "{answer}");
    drop(stdin);
    let _ = child.wait();
    for name in [
        "state_5.sqlite",
        "logs_2.sqlite",
        "goals_1.sqlite",
        "memories_1.sqlite",
    ] {
        assert!(home.join(name).is_file(), "{name} missing");
    }
}

/// Issue 14 (security): a thread in a project with no trust entry runs read-only unless the
/// client asks for more, as the reference's; asking for workspace-write trusts the project in
/// config.toml (so later threads there are writable), and a project the user marked
/// untrusted is writable with every command not known to be safe asked about.
#[test]
fn a_threads_sandbox_follows_project_trust() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("codex");
    let plain = root.path().join("plain");
    let marked = root.path().join("marked");
    for dir in [&home, &plain, &marked] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(
        home.join("config.toml"),
        format!(
            "model_provider = \"mock\"\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"http://127.0.0.1:9\"\nenv_key = \"MOCK_KEY\"\n\n[projects.\"{}\"]\ntrust_level = \"untrusted\"\n",
            marked.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(BIN)
        .arg("app-server")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", root.path())
        .env("CODEX_HOME", &home)
        .env("MOCK_KEY", "k")
        .current_dir(root.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next_id = 0;
    let mut call = |method: &str, params: Value| -> Value {
        next_id += 1;
        let request = json!({"id": next_id, "method": method, "params": params});
        writeln!(stdin, "{request}").unwrap();
        for line in lines.by_ref() {
            let message: Value = serde_json::from_str(&line.unwrap()).unwrap();
            if message["id"] == next_id {
                return message["result"].clone();
            }
        }
        panic!("the server closed its output");
    };
    call(
        "initialize",
        json!({"clientInfo": {"name": "t", "version": "1"}}),
    );
    let shape = |r: &Value| {
        (
            r["sandbox"]["type"].as_str().unwrap_or_default().to_owned(),
            r["activePermissionProfile"]["id"]
                .as_str()
                .map(str::to_owned),
            r["approvalPolicy"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let some = |s: &str| Some(s.to_owned());
    let first = call("thread/start", json!({"cwd": plain}));
    assert_eq!(
        shape(&first),
        ("readOnly".into(), some(":read-only"), "on-request".into())
    );
    let config = || std::fs::read_to_string(home.join("config.toml")).unwrap();
    assert!(!config().contains(&format!("[projects.\"{}\"]", plain.display())));
    let asked = call(
        "thread/start",
        json!({"cwd": plain, "sandbox": "workspace-write"}),
    );
    assert_eq!(
        shape(&asked),
        ("workspaceWrite".into(), None, "on-request".into())
    );
    assert!(
        config().contains(&format!(
            "[projects.\"{}\"]\ntrust_level = \"trusted\"",
            plain.display()
        )),
        "{}",
        config()
    );
    let later = call("thread/start", json!({"cwd": plain}));
    assert_eq!(
        shape(&later),
        (
            "workspaceWrite".into(),
            some(":workspace"),
            "on-request".into()
        )
    );
    let untrusted = call("thread/start", json!({"cwd": marked}));
    assert_eq!(
        shape(&untrusted),
        (
            "workspaceWrite".into(),
            some(":workspace"),
            "untrusted".into()
        )
    );
    assert!(config().contains("trust_level = \"untrusted\""));
    // The service tier: absent is none, null the default tier, `fast` the catalog's
    // priority tier on a model that offers it and nothing on one that does not.
    let mut tier = |params: Value| call("thread/start", params)["serviceTier"].clone();
    assert_eq!(tier(json!({"cwd": plain, "model": "gpt-5.5"})), Value::Null);
    assert_eq!(
        tier(json!({"cwd": plain, "model": "gpt-5.5", "serviceTier": null})),
        "default"
    );
    assert_eq!(
        tier(json!({"cwd": plain, "model": "gpt-5.5", "serviceTier": "fast"})),
        "priority"
    );
    assert_eq!(
        tier(json!({"cwd": plain, "model": "gpt-5.4-mini", "serviceTier": "fast"})),
        Value::Null
    );
    // `auto_review` is reported by its legacy name.
    let reviewer = call(
        "thread/start",
        json!({"cwd": plain, "approvalsReviewer": "auto_review"}),
    );
    assert_eq!(reviewer["approvalsReviewer"], "guardian_subagent");
    drop(stdin);
    let _ = child.wait();
}

/// `app-server generate-json-schema`, `generate-ts` and `generate-internal-json-schema`
/// write the reference's trees (their contents are checked file by file against the
/// reference's digests in `recodex-app-protocol`'s tests).
#[test]
fn the_schema_generators_write_the_reference_trees() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("codex");
    std::fs::create_dir_all(&home).unwrap();
    let generate = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("app-server")
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", root.path())
            .env("CODEX_HOME", &home)
            .current_dir(root.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let count = |dir: &str| {
        fn walk(dir: &Path) -> usize {
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { walk(&p) } else { 1 })
                .sum()
        }
        walk(&root.path().join(dir))
    };
    generate(&["generate-json-schema", "--out", "json"]);
    generate(&["generate-json-schema", "--out", "json-x", "--experimental"]);
    generate(&["generate-ts", "-o", "ts"]);
    generate(&["generate-internal-json-schema", "--out", "internal"]);
    assert_eq!(count("json"), 256);
    assert_eq!(count("json-x"), 306);
    assert_eq!(count("ts"), 546);
    assert!(root.path().join("json/ClientRequest.json").is_file());
    assert!(root.path().join("ts/v2/ThreadStartParams.ts").is_file());
    assert!(root.path().join("internal/RolloutLine.json").is_file());
}
