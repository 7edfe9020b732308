//! `thread/list`: filters, order, page size and the reference's cursors.

use serde_json::json;

use crate::fixture::{A, B, C, D, Home, call, error_message, ids, standard};

const EXEC_AND_IDE: [&str; 2] = ["exec", "vscode"];

#[test]
fn interactive_threads_of_the_configured_provider_are_listed_by_default() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let answer = call(&mut server, "thread/list", json!({}));
    assert_eq!(ids(&answer), [D]);
    let thread = &answer["result"]["data"][0];
    let path = home.rollout(D).unwrap().display().to_string();
    let expected = json!({
        "id": D, "sessionId": D, "forkedFromId": null, "preview": "Fourth thread from an IDE",
        "ephemeral": false, "modelProvider": "mock", "createdAt": 1_795_653_389,
        "updatedAt": 1_795_653_389, "status": {"type": "notLoaded"}, "path": path,
        "cwd": "/w/one", "cliVersion": "0.136.0", "source": "vscode", "threadSource": null,
        "agentNickname": null, "agentRole": null,
        "gitInfo": {"sha": "6b903afae4c763ca78bc6302dd967eccc32e57f7", "branch": "master", "originUrl": null},
        "name": null, "turns": []
    });
    assert_eq!(thread, &expected);
    // Key order is the wire's.
    let keys: Vec<&String> = thread.as_object().unwrap().keys().collect();
    assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
    assert_eq!(keys.last().map(|k| k.as_str()), Some("turns"));
    assert_eq!(answer["result"]["nextCursor"], json!(null));
    assert_eq!(
        answer["result"]["backwardsCursor"],
        "2026-11-26T00:36:29.196Z"
    );

    let exec = call(&mut server, "thread/list", json!({"sourceKinds": ["exec"]}));
    assert_eq!(ids(&exec), [C, B, A]);
    let none = call(&mut server, "thread/list", json!({"sourceKinds": ["cli"]}));
    assert_eq!(
        none["result"],
        json!({"data": [], "nextCursor": null, "backwardsCursor": null})
    );
}

#[test]
fn providers_default_to_the_configured_one_and_an_empty_list_means_all() {
    let mut specs = standard();
    specs[0].provider = "openai";
    let home = Home::new(&specs);
    let mut server = home.server();
    let mine = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE}),
    );
    assert_eq!(ids(&mine), [D, C, B]);
    let all = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "modelProviders": []}),
    );
    assert_eq!(ids(&all), [D, C, B, A]);
    // All providers with non-interactive sources page from the index, in whole seconds.
    assert_eq!(all["result"]["backwardsCursor"], "2026-11-26T00:36:28.999Z");
    let named = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "modelProviders": ["openai"]}),
    );
    assert_eq!(ids(&named), [A]);
}

#[test]
fn pages_follow_second_precision_cursors_in_both_directions() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let mut seen = Vec::new();
    let mut cursors = Vec::new();
    let mut cursor = serde_json::Value::Null;
    loop {
        let page = call(
            &mut server,
            "thread/list",
            json!({"sourceKinds": EXEC_AND_IDE, "limit": 1, "cursor": cursor}),
        );
        seen.extend(ids(&page));
        cursor = page["result"]["nextCursor"].clone();
        if cursor.is_null() {
            break;
        }
        cursors.push(cursor.as_str().unwrap().to_owned());
    }
    assert_eq!(seen, [D, C, B, A]);
    assert_eq!(
        cursors,
        [
            "2026-11-26T00:36:29Z",
            "2026-11-26T00:36:12Z",
            "2026-11-26T00:36:11Z"
        ]
    );

    let up = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "limit": 2, "sortDirection": "asc"}),
    );
    assert_eq!(ids(&up), [A, B]);
    assert_eq!(up["result"]["nextCursor"], "2026-11-26T00:36:11Z");
    assert_eq!(up["result"]["backwardsCursor"], "2026-11-26T00:36:10.024Z");

    // A millisecond cursor and the rollout file-name form are read too.
    let ms = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "limit": 2, "cursor": "2026-11-26T00:36:12.500+00:00"}),
    );
    assert_eq!(ids(&ms), [C, B]);
    let dashed = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "limit": 2, "cursor": "2026-11-26T00-36-12"}),
    );
    assert_eq!(ids(&dashed), [B, A]);
    let bad = call(&mut server, "thread/list", json!({"cursor": "1795653372"}));
    assert_eq!(error_message(&bad), "invalid cursor: 1795653372");
}

#[test]
fn updated_order_and_searches_page_in_milliseconds() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let updated = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "limit": 1, "sortKey": "updated_at"}),
    );
    assert_eq!(ids(&updated), [D]);
    assert_eq!(updated["result"]["nextCursor"], "2026-11-26T00:36:29.317Z");
    assert_eq!(
        updated["result"]["backwardsCursor"],
        "2026-11-26T00:36:29.316Z"
    );

    let search = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "limit": 1, "searchTerm": "e"}),
    );
    assert_eq!(ids(&search), [D]);
    assert_eq!(search["result"]["nextCursor"], "2026-11-26T00:36:29.197Z");
    assert_eq!(
        search["result"]["backwardsCursor"],
        "2026-11-26T00:36:28.999Z"
    );
    let case = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "searchTerm": "FOURTH"}),
    );
    assert_eq!(ids(&case), Vec::<String>::new());
    let hello = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "searchTerm": "hello"}),
    );
    assert_eq!(ids(&hello), [A]);
    // Assistant text is not searched.
    let reply = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "searchTerm": "mock model"}),
    );
    assert_eq!(ids(&reply), Vec::<String>::new());

    // A thread found by its name anchors the backwards cursor on its creation millisecond.
    recodex_state::append_thread_name(home.path(), D, "Nightly cleanup").unwrap();
    let named = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "searchTerm": "Nightly"}),
    );
    assert_eq!(ids(&named), [D]);
    assert_eq!(
        named["result"]["backwardsCursor"],
        "2026-11-26T00:36:29.196Z"
    );
}

#[test]
fn cwd_filters_and_page_size_bounds() {
    let home = Home::new(&standard());
    let mut server = home.server();
    let two = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "cwd": "/w/two"}),
    );
    assert_eq!(ids(&two), [C]);
    let both = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "cwd": ["/w/two", "/w/one"]}),
    );
    assert_eq!(ids(&both), [D, C, B, A]);
    let relative = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "cwd": "w/one"}),
    );
    assert_eq!(ids(&relative), Vec::<String>::new());
    let zero = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": EXEC_AND_IDE, "limit": 0}),
    );
    assert_eq!(ids(&zero), [D]);
    assert_eq!(zero["result"]["nextCursor"], "2026-11-26T00:36:29Z");
}

#[test]
fn a_thousand_sessions_list_in_pages_of_at_most_a_hundred() {
    let specs: Vec<_> = (0..250)
        .map(|i| {
            let id: &'static str =
                Box::leak(format!("01a21548-{:04x}-7000-8000-000000000000", i).into_boxed_str());
            crate::fixture::Spec {
                id,
                created_ms: 1_795_653_000_000 + i * 1000,
                source: "vscode",
                provider: "mock",
                cwd: "/w",
                prompt: "a prompt",
                reply: "ok",
                git: false,
            }
        })
        .collect();
    let home = Home::new(&specs);
    let mut server = home.server();
    let page = call(&mut server, "thread/list", json!({"limit": 1000}));
    assert_eq!(ids(&page).len(), 100);
    let default = call(&mut server, "thread/list", json!({}));
    assert_eq!(ids(&default).len(), 25);
    let mut total = 0;
    let mut cursor = serde_json::Value::Null;
    loop {
        let page = call(
            &mut server,
            "thread/list",
            json!({"limit": 100, "cursor": cursor}),
        );
        total += ids(&page).len();
        cursor = page["result"]["nextCursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(total, 250);
}

#[test]
fn update_order_follows_the_files_and_pages_end() {
    let home = Home::new(&standard());
    // The index says A was updated last; its file says otherwise.
    let db = set_recorded_update(home.path(), A, 1_900_000_000_000);
    assert!(db);
    let mut server = home.server();
    let mut seen = Vec::new();
    let mut cursor = serde_json::Value::Null;
    for _ in 0..10 {
        let page = call(
            &mut server,
            "thread/list",
            json!({"sourceKinds": EXEC_AND_IDE, "limit": 1, "sortKey": "updated_at",
                   "sortDirection": "asc", "cursor": cursor}),
        );
        seen.extend(ids(&page));
        cursor = page["result"]["nextCursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(seen, [A, B, C, D]);
}

/// Sets a thread's recorded update time through the state crate's own upsert path.
fn set_recorded_update(home: &std::path::Path, id: &str, updated_ms: i64) -> bool {
    let row = recodex_state::get_thread(home, id).unwrap().unwrap();
    let mut thread = recodex_state::ThreadRow {
        id: row.id,
        rollout_path: row.rollout_path,
        created_at_ms: row.created_at_ms,
        updated_at_ms: updated_ms,
        source: row.source,
        thread_source: row.thread_source,
        agent_nickname: None,
        agent_role: None,
        model_provider: row.model_provider,
        cwd: row.cwd,
        first_user_message: row.first_user_message,
        sandbox_policy: String::new(),
        approval_mode: "never".to_owned(),
        tokens_used: 112,
        model: "gpt-5.1-codex".to_owned(),
        reasoning_effort: None,
        git_sha: None,
        git_branch: None,
        git_origin_url: None,
    };
    thread.git_sha = row.git_sha;
    recodex_state::upsert_thread(home, &thread).unwrap();
    recodex_state::get_thread(home, id)
        .unwrap()
        .unwrap()
        .updated_at_ms
        == updated_ms
}
