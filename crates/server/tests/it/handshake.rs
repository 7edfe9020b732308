//! The handshake and the framing: what each kind of line gets back.

use recodex_server::Processor;
use serde_json::json;

use crate::fixture::{Home, call, call_raw, error_message};

#[test]
fn requests_wait_for_initialize_and_initialize_happens_once() {
    let home = Home::new(&[]);
    let mut server = Processor::new(home.context());
    let early = call(&mut server, "thread/list", json!({}));
    assert_eq!(error_message(&early), "Not initialized");

    let bad = call_raw(
        &mut server,
        r#"{"id":2,"method":"initialize","params":{"clientInfo":{}}}"#,
    );
    assert_eq!(
        error_message(&bad[0]),
        "Invalid request: missing field `name`"
    );

    let lines = call_raw(
        &mut server,
        r#"{"id":"init","method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}"#,
    );
    let codex_home = home.path().display().to_string();
    assert_eq!(
        lines,
        vec![
            json!({"id": "init", "result": {
                "userAgent": "x/0.136.0 (Debian 12.0.0; x86_64) xterm (x; 1)",
                "codexHome": codex_home, "platformFamily": "unix", "platformOs": "linux"}}),
            json!({"method": "remoteControl/status/changed", "params": {
                "status": "disabled", "serverName": "vm",
                "installationId": "5e17de81-d5eb-4184-9f5b-6e4f2310db71", "environmentId": null}}),
        ]
    );
    let again = call_raw(
        &mut server,
        r#"{"id":3,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}"#,
    );
    assert_eq!(error_message(&again[0]), "Already initialized");
    assert!(call_raw(&mut server, r#"{"method":"initialized"}"#).is_empty());
}

#[test]
fn errors_put_error_before_id_and_use_the_reference_texts() {
    let home = Home::new(&[]);
    let mut server = home.server();
    let mut log = Vec::new();
    let raw = server.handle_line(r#"{"id":9,"method":"bogus/method","params":{}}"#, &mut log);
    assert!(
        raw[0].starts_with(
            r#"{"error":{"code":-32600,"message":"Invalid request: unknown variant `bogus/method`, expected one of `initialize`, `thread/start`,"#
        ),
        "{raw:?}"
    );
    assert!(
        raw[0].ends_with(r#"`fuzzyFileSearch/sessionStop`"},"id":9}"#),
        "{raw:?}"
    );

    for (params, message) in [
        (None, "Invalid request: missing field `params`"),
        (Some(json!(null)), "Invalid request: missing field `params`"),
        (
            Some(json!("x")),
            "Invalid request: invalid type: string \"x\", expected struct ThreadListParams",
        ),
        (
            Some(json!([])),
            "Invalid request: invalid length 0, expected struct ThreadListParams with 10 elements",
        ),
        (
            Some(json!({"limit": -1})),
            "Invalid request: invalid value: integer `-1`, expected u32",
        ),
        (
            Some(json!({"sortKey": "bogus"})),
            "Invalid request: unknown variant `bogus`, expected `created_at` or `updated_at`",
        ),
        (
            Some(json!({"cwd": 5})),
            "Invalid request: data did not match any variant of untagged enum ThreadListCwdFilter",
        ),
    ] {
        let mut request = json!({"id": 1, "method": "thread/list"});
        if let Some(params) = params {
            request["params"] = params;
        }
        let answer = &call_raw(&mut server, &request.to_string())[0];
        assert_eq!(error_message(answer), message);
    }
}

#[test]
fn lines_that_are_not_requests_get_no_answer_and_the_server_goes_on() {
    let home = Home::new(&[]);
    let mut server = home.server();
    let mut log = Vec::new();
    for line in [
        "this is not json",
        r#"{"id": 50, "method": "thread/list", "params": {}"#,
        "",
        r#"{"id": 51}"#,
        r#"[{"id": 54, "method": "thread/list", "params": {}}]"#,
        "42",
        r#"{"method": "thread/list", "params": {}}"#,
        r#"{"method": "bogus/notification"}"#,
        r#"{"id": 52, "result": {}}"#,
        r#"{"id": 53, "error": {"code": 1, "message": "x"}}"#,
    ] {
        assert!(server.handle_line(line, &mut log).is_empty(), "{line}");
    }
    let log = String::from_utf8(log).unwrap();
    assert!(
        log.contains("Failed to deserialize JSONRPCMessage"),
        "{log}"
    );
    let answer = &call_raw(
        &mut server,
        r#"{"jsonrpc":"2.0","id":55,"method":"thread/loaded/list","params":{}}"#,
    )[0];
    assert_eq!(
        answer,
        &json!({"id": 55, "result": {"data": [], "nextCursor": null}})
    );
}

#[test]
fn methods_that_need_the_engine_say_they_are_not_built() {
    let home = Home::new(&[]);
    let mut server = home.server();
    let answer = call(
        &mut server,
        "turn/start",
        json!({"threadId": "x", "input": []}),
    );
    assert_eq!(answer["error"]["code"], -32601);
    assert_eq!(
        answer["error"]["message"],
        "`turn/start` is not supported yet by recodex"
    );
}

#[test]
fn the_login_is_reported_as_the_reference_reports_it() {
    let home = Home::new(&[]);
    let context = |requires: bool, key: Option<&str>| {
        let mut context = home.context();
        context.auth = recodex_server::AuthFacts {
            requires_openai_auth: requires,
            api_key: key.map(str::to_owned),
            chatgpt: false,
        };
        context
    };
    let ask = |context, method: &str, params: serde_json::Value| {
        let mut server = Processor::new(context);
        call_raw(
            &mut server,
            r#"{"id":0,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}"#,
        );
        call(&mut server, method, params)["result"].clone()
    };
    // No login.
    assert_eq!(
        ask(context(true, None), "account/read", json!({})),
        json!({"account": null, "requiresOpenaiAuth": true})
    );
    assert_eq!(
        ask(
            context(true, None),
            "getAuthStatus",
            json!({"includeToken": true})
        ),
        json!({"authMethod": null, "authToken": null, "requiresOpenaiAuth": true})
    );
    // An API key in auth.json; the key itself only on request.
    assert_eq!(
        ask(
            context(true, Some("sk-1")),
            "account/read",
            json!({"refreshToken": false})
        ),
        json!({"account": {"type": "apiKey"}, "requiresOpenaiAuth": true})
    );
    assert_eq!(
        ask(context(true, Some("sk-1")), "getAuthStatus", json!({})),
        json!({"authMethod": "apikey", "authToken": null, "requiresOpenaiAuth": true})
    );
    assert_eq!(
        ask(
            context(true, Some("sk-1")),
            "getAuthStatus",
            json!({"includeToken": true})
        )["authToken"],
        "sk-1"
    );
    // A provider that needs no OpenAI login reports none, whatever auth.json holds.
    assert_eq!(
        ask(context(false, Some("sk-1")), "account/read", json!({})),
        json!({"account": null, "requiresOpenaiAuth": false})
    );
    assert_eq!(
        ask(
            context(false, Some("sk-1")),
            "getAuthStatus",
            json!({"includeToken": true})
        ),
        json!({"authMethod": null, "authToken": null, "requiresOpenaiAuth": false})
    );
}

/// A handler that takes a while per line, to fill the incoming queue.
struct Slow(Vec<String>);

impl recodex_server::LineHandler for Slow {
    fn handle_line(&mut self, line: &str, _log: &mut dyn std::io::Write) -> Vec<String> {
        std::thread::sleep(std::time::Duration::from_millis(2));
        let id: serde_json::Value =
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].clone();
        self.0.push(line.to_owned());
        vec![json!({"id": id, "result": {}}).to_string()]
    }
}

/// Issue 22.10: a flood of requests is answered `-32001 Server overloaded; retry later.` for
/// what does not fit the queue of 128 (the reference's transport), every request gets exactly
/// one answer, and memory stays bounded (the queue was unbounded).
#[test]
fn a_flood_of_requests_is_answered_overloaded_beyond_the_queue() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let total = 1000;
    let input: String = (0..total)
        .map(|i| format!("{{\"id\":{i},\"method\":\"thread/list\",\"params\":{{}}}}\n"))
        .collect();
    let output = Shared(Arc::default());
    recodex_server::serve_lines(
        |_outbox| Box::new(Slow(Vec::new())),
        recodex_server::Backpressure::Overload(|line| {
            let value: serde_json::Value = serde_json::from_str(line).ok()?;
            Some(json!({"error": {"code": -32001, "message": "Server overloaded; retry later."}, "id": value["id"]}).to_string())
        }),
        std::io::Cursor::new(input.into_bytes()),
        output.clone(),
        std::io::sink(),
    )
    .unwrap();
    let text = String::from_utf8(output.0.lock().unwrap().clone()).unwrap();
    let answers: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), total);
    let overloaded = answers
        .iter()
        .filter(|a| a["error"]["code"] == -32001)
        .count();
    assert!(overloaded > 0, "nothing was refused");
    assert!(overloaded < total - 128, "{overloaded}");
    let mut ids: Vec<i64> = answers.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..total as i64).collect::<Vec<_>>());
}

/// The app-server runs inside the caller's process and answers over channels exactly as it
/// answers over stdio (issue 14: the TUI is a client of an in-process app-server).
#[test]
fn an_in_process_server_speaks_the_same_protocol() {
    let home = Home::new(&[]);
    let context = home.context();
    let connection = recodex_server::InProcessConnection::start(move |_outbox| {
        Box::new(Processor::new(context))
    })
    .unwrap();
    let next = |connection: &recodex_server::InProcessConnection| {
        connection
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap()
            .expect("an answer")
    };
    connection
        .send(&json!({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "tui", "version": "1"}}}))
        .unwrap();
    let init = next(&connection);
    assert_eq!(init["id"], 1);
    assert!(
        init["result"]["userAgent"]
            .as_str()
            .unwrap()
            .starts_with("tui/0.136.0 (")
    );
    assert_eq!(next(&connection)["method"], "remoteControl/status/changed");
    connection
        .send(&json!({"id": "list", "method": "thread/list", "params": {}}))
        .unwrap();
    let listed = next(&connection);
    assert_eq!(listed["id"], "list");
    assert!(listed["result"]["data"].is_array(), "{listed}");
    connection.close().unwrap();
}
