//! The MCP server: handshake, the tool list, a `codex` call streaming `codex/event`s and
//! answering with the final message, `codex-reply` continuing the thread, and errors.

use std::rc::Rc;
use std::time::Duration;

use recodex_server::{LineHandler, McpServer, Outbox};
use recodex_testkit::{MockResponsesServer, sse};
use serde_json::{Value, json};

use crate::fixture::Home;
use crate::turn::{MockSessions, reply};

struct Client {
    server: McpServer,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Client {
    fn new(home: &Home, model: &MockResponsesServer) -> Self {
        Self::with(home, model, false)
    }

    fn with(home: &Home, model: &MockResponsesServer, confined: bool) -> Self {
        let (outbox, lines) = Outbox::channel();
        let factory = MockSessions {
            home: home.path().to_path_buf(),
            base_url: model.base_url(),
            confined,
        };
        Self {
            server: McpServer::new(home.context(), Rc::new(factory), outbox),
            lines,
        }
    }

    fn send(&mut self, message: Value) -> Vec<Value> {
        let mut log = Vec::new();
        self.server
            .handle_line(&message.to_string(), &mut log)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Runs background turns until the answer to request `id` arrives; returns every
    /// line sent meanwhile, the answer last.
    async fn until_answer(&mut self, id: i64) -> Vec<Value> {
        let mut seen: Vec<Value> = Vec::new();
        for _ in 0..500 {
            while let Ok(line) = self.lines.try_recv() {
                seen.push(serde_json::from_str(&line).unwrap());
            }
            if seen.last().is_some_and(|l| l["id"] == id) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no answer to {id}: {seen:#?}");
    }
}

fn event_types(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l["method"] == "codex/event")
        .map(|l| l["params"]["msg"]["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_codex_call_streams_events_and_answers_with_the_final_message() {
    let call = sse::function_call(0, "call_1", "exec_command", r#"{"cmd":"echo hi"}"#);
    let model = MockResponsesServer::start(vec![
        reply(sse::message(0, "m1", "Hello."), "r1"),
        reply(call, "r2"),
        reply(sse::message(0, "m2", "It printed hi."), "r3"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(&home, &model);
            let init = client.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "probe", "version": "0.0.1"}}}));
            assert_eq!(init[0]["jsonrpc"], "2.0");
            assert_eq!(init[0]["result"]["protocolVersion"], "2025-06-18");
            assert_eq!(init[0]["result"]["capabilities"], json!({"tools": {"listChanged": true}}));
            assert_eq!(init[0]["result"]["serverInfo"]["name"], "codex-mcp-server");
            assert_eq!(
                init[0]["result"]["serverInfo"]["user_agent"],
                "codex_cli_rs/0.136.0 (Debian 12.0.0; x86_64) xterm (probe; 0.0.1)"
            );
            assert!(client.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).is_empty());

            let tools = client.send(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}));
            let names: Vec<&str> = tools[0]["result"]["tools"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, ["codex", "codex-reply"]);
            assert_eq!(tools[0]["result"]["tools"][0]["inputSchema"]["required"], json!(["prompt"]));

            let cwd = home.path().display().to_string();
            let at_once = client.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "codex", "arguments": {"prompt": "Say hello", "cwd": cwd}}}));
            assert!(at_once.is_empty(), "{at_once:?}");
            let lines = client.until_answer(2).await;
            assert_eq!(
                event_types(&lines),
                ["session_configured", "mcp_startup_complete", "warning", "task_started", "item_started",
                 "item_completed", "user_message", "item_started", "agent_message_content_delta",
                 "item_completed", "agent_message", "token_count", "task_complete"]
            );
            let first = &lines[0]["params"];
            let thread = first["_meta"]["threadId"].as_str().unwrap().to_owned();
            assert_eq!(first["_meta"]["requestId"], 2);
            assert_eq!(first["id"], "");
            assert_eq!(lines[3]["params"]["id"], "2");
            assert_eq!(lines[3]["params"]["msg"]["turn_id"], "2");
            // Found by the MCP SDK side by side: the first token's time is reported.
            let complete = &lines[lines.len() - 2]["params"]["msg"];
            assert_eq!(complete["type"], "task_complete");
            assert!(complete["time_to_first_token_ms"].is_i64(), "{complete}");
            let answer = lines.last().unwrap();
            assert_eq!(
                answer["result"],
                json!({"content": [{"type": "text", "text": "Hello."}],
                       "structuredContent": {"threadId": thread, "content": "Hello."}})
            );

            // codex-reply continues the same thread.
            client.send(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                "params": {"name": "codex-reply", "arguments": {"prompt": "Run echo hi", "threadId": thread}}}));
            let lines = client.until_answer(3).await;
            let types = event_types(&lines);
            assert!(types.contains(&"exec_command_begin".to_owned()), "{types:?}");
            let end = lines
                .iter()
                .find(|l| l["params"]["msg"]["type"] == "exec_command_end")
                .unwrap();
            assert_eq!(end["params"]["msg"]["aggregated_output"], "hi\n");
            // The test sessions run commands without a login shell.
            assert_eq!(end["params"]["msg"]["command"], json!(["/bin/bash", "-c", "echo hi"]));
            assert_eq!(lines.last().unwrap()["result"]["structuredContent"]["content"], "It printed hi.");
            // Its history carried the first turn.
            let body = model.requests()[2].json();
            let text = body["input"].to_string();
            assert!(text.contains("Say hello") && text.contains("Run echo hi"), "{text}");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn bad_calls_are_answered_as_the_reference_answers_them() {
    let model = MockResponsesServer::start(vec![]).await.unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(&home, &model);
            let mut log = Vec::new();
            assert!(client.server.handle_line("not json", &mut log).is_empty());
            assert!(client.server.handle_line(r#"{"id":1,"method":"ping"}"#, &mut log).is_empty());
            assert!(String::from_utf8(log).unwrap().contains("Failed to deserialize JSON-RPC message"));

            let call = |name: &str, arguments: Value| {
                json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                       "params": {"name": name, "arguments": arguments}})
            };
            let text = |lines: &[Value]| {
                assert_eq!(lines[0]["result"]["isError"], true, "{lines:?}");
                lines[0]["result"]["content"][0]["text"].as_str().unwrap().to_owned()
            };
            assert_eq!(text(&client.send(call("nope", json!({})))), "Unknown tool 'nope'");
            assert_eq!(
                text(&client.send(call("codex", Value::Null))),
                "Missing arguments for codex tool-call; the `prompt` field is required."
            );
            assert_eq!(
                text(&client.send(call("codex", json!({"cwd": "/"})))),
                "Failed to parse configuration for Codex tool: missing field `prompt`"
            );
            assert_eq!(
                text(&client.send(call("codex", json!({"prompt": "x", "sandbox": "bogus"})))),
                "Failed to parse configuration for Codex tool: unknown variant `bogus`, expected one of `read-only`, `workspace-write`, `danger-full-access`"
            );
            assert!(text(&client.send(call("codex", json!({"prompt": "x", "bogus": 1}))))
                .ends_with("unknown field `bogus`, expected one of `prompt`, `model`, `cwd`, `approval-policy`, `sandbox`, `config`, `base-instructions`, `developer-instructions`, `compact-prompt`"));
            assert_eq!(
                text(&client.send(call("codex-reply", json!({"prompt": "x", "threadId": "bad"})))),
                "Failed to parse thread_id: invalid length: expected length 32 for simple format, found 3"
            );
            let lost = client.send(call(
                "codex-reply",
                json!({"prompt": "x", "conversationId": "01a21548-0000-7000-8000-000000000000"}),
            ));
            assert_eq!(
                lost[0]["result"]["structuredContent"],
                json!({"threadId": "01a21548-0000-7000-8000-000000000000",
                       "content": "Session not found for thread_id: 01a21548-0000-7000-8000-000000000000"})
            );

            let unknown = client.send(json!({"jsonrpc": "2.0", "id": 1, "method": "bogus"}));
            assert_eq!(
                unknown[0]["error"],
                json!({"code": -32601, "message": "method not found: bogus", "data": {"method": "bogus"}})
            );
            let ping = client.send(json!({"jsonrpc": "2.0", "id": 5, "method": "ping"}));
            assert_eq!(ping[0], json!({"jsonrpc": "2.0", "id": 5, "result": {}}));
            let bare = client.send(json!({"jsonrpc": "2.0", "id": 6, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "clientInfo": {"name": "x", "version": "1"}}}));
            assert_eq!(bare[0]["error"]["message"], "method not found: initialize");
            let init = json!({"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {
                "protocolVersion": "1999-bogus", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}}});
            assert_eq!(client.send(init.clone())[0]["result"]["protocolVersion"], "1999-bogus");
            assert_eq!(
                client.send(init)[0]["error"],
                json!({"code": -32600, "message": "initialize called more than once"})
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_call_is_interrupted_and_left_unanswered() {
    let slow = sse::function_call(0, "call_9", "exec_command", r#"{"cmd":"sleep 30"}"#);
    let model = MockResponsesServer::start(vec![reply(slow, "r1")])
        .await
        .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(&home, &model);
            client.send(json!({"jsonrpc": "2.0", "id": "A", "method": "tools/call",
                "params": {"name": "codex", "arguments": {"prompt": "Sleep", "cwd": home.path()}}}));
            let mut seen: Vec<Value> = Vec::new();
            for _ in 0..500 {
                while let Ok(line) = client.lines.try_recv() {
                    seen.push(serde_json::from_str(&line).unwrap());
                }
                if event_types(&seen).contains(&"exec_command_begin".to_owned()) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert!(client
                .send(json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                    "params": {"requestId": "A"}}))
                .is_empty());
            for _ in 0..300 {
                while let Ok(line) = client.lines.try_recv() {
                    seen.push(serde_json::from_str(&line).unwrap());
                }
                if event_types(&seen).contains(&"turn_aborted".to_owned()) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            while let Ok(line) = client.lines.try_recv() {
                seen.push(serde_json::from_str(&line).unwrap());
            }
            assert!(event_types(&seen).contains(&"turn_aborted".to_owned()), "{seen:#?}");
            assert!(!seen.iter().any(|l| l["id"] == "A"), "answered: {seen:#?}");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_escalation_is_elicited_from_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.txt");
    let args = json!({"cmd": format!("touch {}", outside.display()),
        "sandbox_permissions": "require_escalated", "justification": "need to write outside"});
    let call = sse::function_call(0, "call_1", "exec_command", &args.to_string());
    let model = MockResponsesServer::start(vec![
        reply(call, "r1"),
        reply(sse::message(0, "m2", "Touched."), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::with(&home, &model, true);
            client.send(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "codex", "arguments": {"prompt": "Touch", "cwd": home.path()}}}));
            let mut seen: Vec<Value> = Vec::new();
            for _ in 0..500 {
                while let Ok(line) = client.lines.try_recv() {
                    seen.push(serde_json::from_str(&line).unwrap());
                }
                if seen.iter().any(|l| l["method"] == "elicitation/create") {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let event = seen
                .iter()
                .find(|l| l["params"]["msg"]["type"] == "exec_approval_request")
                .expect("the approval event comes first");
            assert_eq!(event["params"]["msg"]["call_id"], "call_1");
            let ask = seen.iter().find(|l| l["method"] == "elicitation/create").unwrap();
            let params = &ask["params"];
            assert_eq!(params["codex_elicitation"], "exec-approval");
            assert_eq!(params["codex_call_id"], "call_1");
            assert_eq!(params["codex_mcp_tool_call_id"], "1");
            // The reason is in the event only; the question is the command and where (as the
            // reference asks it; found by the MCP SDK side by side).
            assert!(params["message"].as_str().unwrap().starts_with("Allow Codex to run `"));
            assert_eq!(event["params"]["msg"]["reason"], "need to write outside");
            // The command is announced only once the client has answered.
            assert!(!seen.iter().any(|l| l["params"]["msg"]["type"] == "exec_command_begin"));
            let keys: Vec<&str> = params.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["message", "requestedSchema", "threadId", "codex_elicitation",
                "codex_mcp_tool_call_id", "codex_event_id", "codex_call_id", "codex_command",
                "codex_cwd", "codex_parsed_cmd"]);
            assert!(client
                .send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"decision": "approved"}}))
                .is_empty());
            let lines = client.until_answer(1).await;
            assert!(outside.exists(), "approved, it ran outside the (refusing) sandbox");
            assert_eq!(lines.last().unwrap()["result"]["content"][0]["text"], "Touched.");
        })
        .await;
}
