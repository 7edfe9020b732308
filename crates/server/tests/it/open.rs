//! `thread/resume` and `thread/fork`: what they answer, announce and write.

use serde_json::{Value, json};

use crate::fixture::{A, B, C, Home, call, call_all, error_message, ids, standard};

fn settings_tail(cwd: &str) -> Value {
    json!({
        "model": "gpt-5.1-codex", "modelProvider": "mock", "serviceTier": null, "cwd": cwd,
        "runtimeWorkspaceRoots": [cwd], "instructionSources": [], "approvalPolicy": "on-request",
        "approvalsReviewer": "user",
        "sandbox": {"type": "workspaceWrite", "writableRoots": [], "networkAccess": false,
            "excludeTmpdirEnvVar": false, "excludeSlashTmp": false},
        "activePermissionProfile": {"id": ":workspace", "extends": null}, "reasoningEffort": null
    })
}

fn usage(thread: &str, turn: &str) -> Value {
    let tokens = json!({"totalTokens": 112, "inputTokens": 100, "cachedInputTokens": 0,
        "outputTokens": 12, "reasoningOutputTokens": 0});
    json!({"method": "thread/tokenUsage/updated", "params": {"threadId": thread, "turnId": turn,
        "tokenUsage": {"total": tokens, "last": tokens, "modelContextWindow": 258_400}}})
}

#[test]
fn resume_loads_the_thread_and_reports_its_turns_and_usage() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let before = std::fs::read(home.rollout(A).unwrap()).unwrap();
    let lines = call_all(&mut server, "thread/resume", json!({"threadId": A}));
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(
        lines[0],
        json!({"method": "thread/status/changed", "params": {"threadId": A, "status": {"type": "idle"}}})
    );
    let result = lines[1]["result"].as_object().unwrap();
    let keys: Vec<&str> = result.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "thread",
            "model",
            "modelProvider",
            "serviceTier",
            "cwd",
            "runtimeWorkspaceRoots",
            "instructionSources",
            "approvalPolicy",
            "approvalsReviewer",
            "sandbox",
            "activePermissionProfile",
            "reasoningEffort",
            "initialTurnsPage"
        ]
    );
    for (key, value) in settings_tail("/w/one").as_object().unwrap() {
        assert_eq!(&result[key], value, "{key}");
    }
    let thread = &result["thread"];
    assert_eq!(thread["status"], json!({"type": "idle"}));
    assert_eq!(thread["threadSource"], "user");
    assert_eq!(thread["turns"][0]["items"].as_array().unwrap().len(), 2);
    assert_eq!(lines[2], usage(A, "01a21548-turn"));
    assert_eq!(
        lines[3],
        json!({"method": "thread/goal/cleared", "params": {"threadId": A}})
    );

    // Loaded now: listed and read as idle; a second resume announces no status change.
    let loaded = call(&mut server, "thread/loaded/list", json!({}));
    assert_eq!(loaded["result"], json!({"data": [A], "nextCursor": null}));
    let listed = call(&mut server, "thread/list", json!({"sourceKinds": ["exec"]}));
    assert_eq!(
        listed["result"]["data"][2]["status"],
        json!({"type": "idle"})
    );
    let again = call_all(&mut server, "thread/resume", json!({"threadId": A}));
    assert_eq!(again.len(), 3);
    assert_eq!(
        std::fs::read(home.rollout(A).unwrap()).unwrap(),
        before,
        "resume writes nothing"
    );

    let unknown = call(
        &mut server,
        "thread/resume",
        json!({"threadId": "01a21548-0000-7000-8000-000000000000"}),
    );
    assert_eq!(
        error_message(&unknown),
        "no rollout found for thread id 01a21548-0000-7000-8000-000000000000"
    );
    let bad = call(&mut server, "thread/resume", json!({"threadId": "nope"}));
    assert!(error_message(&bad).starts_with("invalid session id: invalid character:"));
}

#[test]
fn fork_copies_the_history_into_a_new_indexed_thread() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let lines = call_all(&mut server, "thread/fork", json!({"threadId": B}));
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let result = &lines[0]["result"];
    let thread = &result["thread"];
    let id = thread["id"].as_str().unwrap().to_owned();
    assert_ne!(id, B);
    assert_eq!(thread["sessionId"], id.as_str());
    assert_eq!(thread["forkedFromId"], B);
    assert_eq!(thread["preview"], "Second thread: run echo hi");
    assert_eq!(thread["source"], "vscode");
    assert_eq!(thread["threadSource"], json!(null));
    assert_eq!(thread["status"], json!({"type": "idle"}));
    assert_eq!(
        thread["turns"][0]["id"], "01a21548-turn",
        "the parent's turns, same ids"
    );
    assert!(result.get("initialTurnsPage").is_none());
    assert_eq!(result["cwd"], "/w/one");
    assert_eq!(lines[1], usage(&id, "01a21548-turn"));
    assert_eq!(lines[2]["method"], "thread/started");
    assert_eq!(lines[2]["params"]["thread"]["turns"], json!([]));
    assert_eq!(lines[2]["params"]["thread"]["id"], id.as_str());

    // On disk: a new session_meta naming the parent, then every parent line restamped.
    let parent = std::fs::read_to_string(home.rollout(B).unwrap()).unwrap();
    let path = home.rollout(&id).expect("the fork's rollout");
    let forked = std::fs::read_to_string(&path).unwrap();
    let forked: Vec<Value> = forked
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let parent: Vec<Value> = parent
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(forked.len(), parent.len() + 1);
    let meta = forked[0]["payload"].as_object().unwrap();
    let keys: Vec<&str> = meta.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "forked_from_id",
            "timestamp",
            "cwd",
            "originator",
            "cli_version",
            "source",
            "model_provider",
            "base_instructions",
            "git"
        ]
    );
    assert_eq!(meta["originator"], "probe");
    for (copy, original) in forked[1..].iter().zip(&parent) {
        assert_eq!(copy["type"], original["type"]);
        assert_eq!(copy["payload"], original["payload"]);
    }

    // Indexed: listed first (newest), read with its origin, and loaded.
    let listed = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": ["exec", "vscode"], "limit": 1}),
    );
    assert_eq!(ids(&listed), [id.as_str()]);
    assert_eq!(listed["result"]["data"][0]["forkedFromId"], json!(null));
    let read = call(&mut server, "thread/read", json!({"threadId": id}));
    assert_eq!(read["result"]["thread"]["forkedFromId"], B);
    let loaded = call(&mut server, "thread/loaded/list", json!({}));
    assert_eq!(loaded["result"]["data"], json!([id]));
}

#[test]
fn archived_threads_must_be_unarchived_before_a_fork() {
    let home = Home::new(&standard());
    let mut server = home.server();
    call_all(&mut server, "thread/archive", json!({"threadId": C}));
    let answer = call(&mut server, "thread/fork", json!({"threadId": C}));
    assert_eq!(
        error_message(&answer),
        format!("session {C} is archived. Run `codex unarchive {C}` to unarchive it first.")
    );
}
