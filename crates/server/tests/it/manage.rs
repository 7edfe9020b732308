//! Reading, naming, archiving and unarchiving one stored thread.

use serde_json::json;

use crate::fixture::{A, B, C, Home, call, call_all, error_message, ids, standard};

#[test]
fn read_reports_the_rollout_and_rebuilds_turns_on_request() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let plain = call(&mut server, "thread/read", json!({"threadId": B}));
    let thread = &plain["result"]["thread"];
    assert_eq!(thread["preview"], "Second thread: run echo hi");
    assert_eq!(thread["createdAt"], 1_795_653_371);
    assert_eq!(thread["updatedAt"], 1_795_653_371);
    assert_eq!(thread["threadSource"], json!(null));
    assert_eq!(thread["turns"], json!([]));
    assert_eq!(thread["status"], json!({"type": "notLoaded"}));

    let full = call(
        &mut server,
        "thread/read",
        json!({"threadId": B, "includeTurns": true}),
    );
    let thread = &full["result"]["thread"];
    assert_eq!(thread["threadSource"], "user");
    assert_eq!(
        thread["turns"],
        json!([{
            "id": "01a21548-turn",
            "items": [
                {"type": "userMessage", "id": "item-1", "clientId": null,
                 "content": [{"type": "text", "text": "Second thread: run echo hi", "text_elements": []}]},
                {"type": "agentMessage", "id": "item-2", "text": "Hello from the mock model.",
                 "phase": null, "memoryCitation": null}
            ],
            "itemsView": "full", "status": "completed", "error": null,
            "startedAt": 1_795_653_371, "completedAt": 1_795_653_371, "durationMs": 173
        }])
    );

    let upper = call(
        &mut server,
        "thread/read",
        json!({"threadId": B.to_uppercase()}),
    );
    assert_eq!(upper["result"]["thread"]["id"], B);
    let unknown = call(
        &mut server,
        "thread/read",
        json!({"threadId": "01a21548-0000-7000-8000-000000000000"}),
    );
    assert_eq!(
        error_message(&unknown),
        "thread not loaded: 01a21548-0000-7000-8000-000000000000"
    );
    let bad = call(
        &mut server,
        "thread/read",
        json!({"threadId": "not-a-uuid"}),
    );
    assert_eq!(
        error_message(&bad),
        "invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1"
    );
    let missing = call(&mut server, "thread/read", json!({}));
    assert_eq!(
        error_message(&missing),
        "Invalid request: missing field `threadId`"
    );
}

#[test]
fn names_are_trimmed_recorded_and_shown() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let lines = call_all(
        &mut server,
        "thread/name/set",
        json!({"threadId": A, "name": "  padded name  "}),
    );
    assert_eq!(
        lines,
        [
            json!({"id": 7, "result": {}}),
            json!({"method": "thread/name/updated", "params": {"threadId": A, "threadName": "padded name"}}),
        ]
    );
    let index = std::fs::read_to_string(home.path().join("session_index.jsonl")).unwrap();
    assert!(
        index.contains(&format!(
            r#"{{"id":"{A}","thread_name":"padded name","updated_at":""#
        )),
        "{index}"
    );
    let read = call(&mut server, "thread/read", json!({"threadId": A}));
    assert_eq!(read["result"]["thread"]["name"], "padded name");
    let found = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": ["exec"], "searchTerm": "padded"}),
    );
    assert_eq!(ids(&found), [A]);
    assert_eq!(found["result"]["data"][0]["name"], "padded name");

    let empty = call(
        &mut server,
        "thread/name/set",
        json!({"threadId": A, "name": "   "}),
    );
    assert_eq!(error_message(&empty), "thread name must not be empty");
    let unknown = call(
        &mut server,
        "thread/name/set",
        json!({"threadId": "01a21548-0000-7000-8000-000000000000", "name": "x"}),
    );
    assert_eq!(
        error_message(&unknown),
        "thread not found: 01a21548-0000-7000-8000-000000000000"
    );
    let bad = call(
        &mut server,
        "thread/name/set",
        json!({"threadId": "bad", "name": "x"}),
    );
    assert_eq!(
        error_message(&bad),
        "invalid thread id: invalid length: expected length 32 for simple format, found 3"
    );
}

#[test]
fn archive_and_unarchive_move_the_rollout_and_notify() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let original = home.rollout(C).unwrap();
    let bytes = std::fs::read(&original).unwrap();
    let lines = call_all(&mut server, "thread/archive", json!({"threadId": C}));
    assert_eq!(
        lines,
        [
            json!({"id": 7, "result": {}}),
            json!({"method": "thread/archived", "params": {"threadId": C}})
        ]
    );
    let archived = home
        .path()
        .join("archived_sessions")
        .join(original.file_name().unwrap());
    assert_eq!(std::fs::read(&archived).unwrap(), bytes, "moved unchanged");
    assert!(!original.exists());

    let live = call(&mut server, "thread/list", json!({"sourceKinds": ["exec"]}));
    assert_eq!(ids(&live), [B, A]);
    let listed = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": ["exec"], "archived": true}),
    );
    assert_eq!(ids(&listed), [C]);
    assert_eq!(
        listed["result"]["data"][0]["path"],
        archived.display().to_string()
    );
    let read = call(&mut server, "thread/read", json!({"threadId": C}));
    assert_eq!(
        read["result"]["thread"]["path"],
        archived.display().to_string()
    );
    let twice = call(&mut server, "thread/archive", json!({"threadId": C}));
    assert_eq!(
        error_message(&twice),
        format!("no rollout found for thread id {C}")
    );
    let bad = call(&mut server, "thread/archive", json!({"threadId": "bad"}));
    assert_eq!(
        error_message(&bad),
        "invalid session id: invalid length: expected length 32 for simple format, found 3"
    );

    let lines = call_all(&mut server, "thread/unarchive", json!({"threadId": C}));
    assert_eq!(lines.len(), 2, "{lines:?}");
    let thread = &lines[0]["result"]["thread"];
    assert_eq!(thread["path"], original.display().to_string());
    assert_eq!(thread["updatedAt"], thread["createdAt"]);
    assert_eq!(
        lines[1],
        json!({"method": "thread/unarchived", "params": {"threadId": C}})
    );
    assert_eq!(std::fs::read(&original).unwrap(), bytes);
    let again = call(&mut server, "thread/unarchive", json!({"threadId": C}));
    assert_eq!(
        error_message(&again),
        format!("no archived rollout found for thread id {C}")
    );
    // Unarchiving counts as an update: the thread now sorts first by update time.
    let updated = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": ["exec"], "sortKey": "updated_at"}),
    );
    assert_eq!(ids(&updated)[0], C);
}

#[test]
fn searches_find_threads_by_their_recorded_name() {
    let home = Home::new(&standard());
    let mut server = home.server();
    // A name in session_index.jsonl only (the index title still holds the first message,
    // as after the reference reconciles a thread).
    recodex_state::append_thread_name(home.path(), A, "Quarterly report").unwrap();
    let found = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": ["exec"], "searchTerm": "Quarterly"}),
    );
    assert_eq!(ids(&found), [A]);
    assert_eq!(found["result"]["data"][0]["name"], "Quarterly report");
}
