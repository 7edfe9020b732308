//! What real clients (the official SDKs, IDE extensions) found different from the reference,
//! each pinned here: streamed reasoning and command output, failed turns, methods without
//! params and the experimentalApi gate, what thread/start reports (issue 14).

use recodex_testkit::{MockResponsesServer, sse};
use serde_json::{Value, json};

use crate::fixture::Home;
use crate::turn::{Client, completed, reply};

fn text(t: &str) -> Value {
    json!([{"type": "text", "text": t, "text_elements": []}])
}

/// Runs one turn on a new thread; the thread id and every line the turn sent.
async fn one_turn(client: &mut Client, home: &Home, prompt: &str) -> (String, Vec<Value>) {
    let started = client.send("thread/start", json!({"cwd": home.path()}));
    let id = started[0]["result"]["thread"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    client.send("turn/start", json!({"threadId": id, "input": text(prompt)}));
    (id.clone(), client.collect_until(completed).await)
}

fn with_method<'a>(lines: &'a [Value], method: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["method"] == method).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn reasoning_streams_under_the_models_item_id_and_is_read_back() {
    let mut events = sse::reasoning(
        0,
        "rs_model_1",
        &["first part", "second part"],
        &["raw one"],
    );
    events.extend(sse::message(1, "msg_1", "thought done"));
    let model = MockResponsesServer::start(vec![reply(events, "r1")])
        .await
        .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let (id, lines) = one_turn(&mut client, &home, "think").await;
            let reasoning: Vec<(String, Value)> = lines
                .iter()
                .filter(|l| {
                    l["method"].as_str().is_some_and(|m| m.starts_with("item/reasoning/"))
                        || l["params"]["item"]["type"] == "reasoning"
                })
                .map(|l| {
                    let mut params = l["params"].clone();
                    for key in ["threadId", "turnId", "startedAtMs", "completedAtMs"] {
                        params.as_object_mut().unwrap().remove(key);
                    }
                    (l["method"].as_str().unwrap().to_owned(), params)
                })
                .collect();
            let item = |summary: Value, content: Value| {
                json!({"item": {"type": "reasoning", "id": "rs_model_1", "summary": summary, "content": content}})
            };
            assert_eq!(
                reasoning,
                [
                    ("item/started".to_owned(), item(json!([]), json!([]))),
                    ("item/reasoning/summaryPartAdded".to_owned(), json!({"itemId": "rs_model_1", "summaryIndex": 0})),
                    ("item/reasoning/summaryTextDelta".to_owned(), json!({"itemId": "rs_model_1", "delta": "first part", "summaryIndex": 0})),
                    ("item/reasoning/summaryPartAdded".to_owned(), json!({"itemId": "rs_model_1", "summaryIndex": 1})),
                    ("item/reasoning/summaryTextDelta".to_owned(), json!({"itemId": "rs_model_1", "delta": "second part", "summaryIndex": 1})),
                    ("item/reasoning/textDelta".to_owned(), json!({"itemId": "rs_model_1", "delta": "raw one", "contentIndex": 0})),
                    ("item/completed".to_owned(), item(json!(["first part", "second part"]), json!(["raw one"]))),
                ]
            );
            // Read back, the summary parts are one reasoning item between the messages.
            let read = client.send("thread/read", json!({"threadId": id, "includeTurns": true}));
            let items = &read[0]["result"]["thread"]["turns"][0]["items"];
            let kinds: Vec<&str> = items
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["type"].as_str().unwrap())
                .collect();
            assert_eq!(kinds, ["userMessage", "reasoning", "agentMessage"]);
            assert_eq!(
                items[1],
                json!({"type": "reasoning", "id": "item-2", "summary": ["first part", "second part"], "content": []})
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn command_output_streams_and_the_item_names_its_process() {
    let call = sse::function_call(
        0,
        "call_1",
        "exec_command",
        r#"{"cmd":"echo one; sleep 0.4; echo two"}"#,
    );
    let model = MockResponsesServer::start(vec![
        reply(call, "r1"),
        reply(sse::message(0, "m2", "Done."), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let (_, lines) = one_turn(&mut client, &home, "run").await;
            let deltas: String = with_method(&lines, "item/commandExecution/outputDelta")
                .iter()
                .map(|l| {
                    assert_eq!(l["params"]["itemId"], "call_1");
                    let keys: Vec<&String> = l["params"].as_object().unwrap().keys().collect();
                    assert_eq!(keys, ["threadId", "turnId", "itemId", "delta"]);
                    l["params"]["delta"].as_str().unwrap().to_owned()
                })
                .collect();
            // Nothing is lost: the output before the announcement streams too.
            assert_eq!(deltas, "one\ntwo\n");
            let command = |method: &str| {
                with_method(&lines, method)
                    .into_iter()
                    .find(|l| l["params"]["item"]["type"] == "commandExecution")
                    .unwrap()["params"]["item"]
                    .clone()
            };
            let started = command("item/started");
            let process = started["processId"].as_str().expect("a process id string");
            assert!(process.parse::<i32>().is_ok(), "{process}");
            let done = command("item/completed");
            assert_eq!(done["processId"], process);
            assert_eq!(done["aggregatedOutput"], "one\ntwo\n");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_turn_leaves_the_thread_in_system_error_and_listed() {
    let model = MockResponsesServer::start(vec![recodex_testkit::MockReply::http(
        400,
        r#"{"error":{"message":"bad request from mock","type":"invalid_request_error"}}"#,
    )])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let (id, lines) = one_turn(&mut client, &home, "please fail").await;
            let tail: Vec<&str> = lines
                .iter()
                .skip_while(|l| {
                    l["method"] != "thread/status/changed"
                        || l["params"]["status"]["type"] != "systemError"
                })
                .map(|l| l["method"].as_str().unwrap_or("answer"))
                .collect();
            assert_eq!(
                tail,
                ["thread/status/changed", "error", "turn/completed"],
                "{lines:#?}"
            );
            let error = with_method(&lines, "error")[0];
            assert_eq!(error["params"]["error"]["codexErrorInfo"], "other");
            let turn = &with_method(&lines, "turn/completed")[0]["params"]["turn"];
            assert_eq!(turn["status"], "failed");
            assert_eq!(turn["error"]["codexErrorInfo"], "other");
            let listed = client.send("thread/list", json!({}));
            let thread = listed[0]["result"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == id.as_str())
                .cloned()
                .expect("the thread is listed");
            assert_eq!(thread["status"], json!({"type": "systemError"}));
            assert_eq!(thread["preview"], "please fail");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn methods_without_params_and_the_experimental_gate() {
    let model = MockResponsesServer::start(Vec::new()).await.unwrap();
    let home = Home::new(&[]);
    let mut client = Client::new(home.path(), &model);
    let mut call = |method: &str, params: Option<Value>| -> Value {
        let line = match params {
            Some(p) => json!({"id": 9, "method": method, "params": p}),
            None => json!({"id": 9, "method": method}),
        };
        client.send_raw(&line.to_string())[0].clone()
    };
    for params in [None, Some(Value::Null), Some(json!({}))] {
        assert_eq!(
            call("configRequirements/read", params.clone())["result"],
            json!({"requirements": null})
        );
        assert_eq!(
            call("windowsSandbox/readiness", params.clone())["result"],
            json!({"status": "notConfigured"})
        );
        assert_eq!(
            call("remoteControl/status/read", params.clone())["error"],
            json!({"code": -32600, "message": "remoteControl/status/read requires experimentalApi capability"})
        );
        assert_eq!(
            call("account/rateLimits/read", params)["error"]["message"],
            "codex account authentication required to read rate limits"
        );
    }
    // Methods whose params are a struct still need them.
    assert_eq!(
        call("thread/list", None)["error"]["message"],
        "Invalid request: missing field `params`"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn thread_start_echoes_the_thread_source_and_has_no_git_facts_yet() {
    let model = MockResponsesServer::start(Vec::new()).await.unwrap();
    let home = Home::new(&[]);
    std::fs::create_dir_all(home.path().join(".git")).unwrap();
    std::fs::write(home.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let mut client = Client::new(home.path(), &model);
    let plain = client.send("thread/start", json!({"cwd": home.path()}));
    assert_eq!(plain[0]["result"]["thread"]["threadSource"], Value::Null);
    assert_eq!(plain[0]["result"]["thread"]["gitInfo"], Value::Null);
    let named = client.send(
        "thread/start",
        json!({"cwd": home.path(), "threadSource": "subagent"}),
    );
    assert_eq!(named[0]["result"]["thread"]["threadSource"], "subagent");
}

#[tokio::test(flavor = "current_thread")]
async fn a_plan_update_carries_the_models_explanation() {
    let args = r#"{"explanation":"two steps","plan":[{"step":"a","status":"in_progress"},{"step":"b","status":"pending"}]}"#;
    let model = MockResponsesServer::start(vec![
        reply(
            sse::function_call(0, "call_plan", "update_plan", args),
            "r1",
        ),
        reply(sse::message(0, "msg_1", "planned"), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let (_, lines) = one_turn(&mut client, &home, "plan it").await;
            let plan = with_method(&lines, "turn/plan/updated");
            assert_eq!(plan.len(), 1, "{lines:#?}");
            assert_eq!(plan[0]["params"]["explanation"], "two steps");
            assert_eq!(
                plan[0]["params"]["plan"],
                json!([{"step": "a", "status": "inProgress"}, {"step": "b", "status": "pending"}])
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_turn_that_overflows_the_context_is_classified_as_such() {
    let failed = vec![
        sse::created("r1"),
        sse::failed("r1", "context_length_exceeded", "too long"),
    ];
    let model = MockResponsesServer::start(vec![recodex_testkit::MockReply::sse(failed)])
        .await
        .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let (_, lines) = one_turn(&mut client, &home, "overflow").await;
            let error = with_method(&lines, "error")[0];
            assert_eq!(
                error["params"]["error"]["codexErrorInfo"],
                "contextWindowExceeded"
            );
            assert_eq!(error["params"]["willRetry"], false);
            let turn = &with_method(&lines, "turn/completed")[0]["params"]["turn"];
            assert_eq!(turn["error"]["codexErrorInfo"], "contextWindowExceeded");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn turn_start_summary_holds_and_its_output_schema_binds_that_turn_only() {
    let model = MockResponsesServer::start(vec![
        reply(sse::message(0, "msg_1", "{\"ok\":true}"), "r1"),
        reply(sse::message(0, "msg_2", "free text"), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let started = client.send("thread/start", json!({"cwd": home.path()}));
            let id = started[0]["result"]["thread"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}},
                "required": ["ok"], "additionalProperties": false});
            client.send(
                "turn/start",
                json!({"threadId": id, "input": text("structured"), "summary": "detailed",
                    "outputSchema": schema}),
            );
            client.collect_until(completed).await;
            client.send("turn/start", json!({"threadId": id, "input": text("free")}));
            client.collect_until(completed).await;
            // The test model has no reasoning levels, so the summary shows in the turn
            // contexts the rollout records rather than in the requests.
            let path = started[0]["result"]["thread"]["path"]
                .as_str()
                .unwrap()
                .to_owned();
            let summaries: Vec<Value> = std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .filter(|l| l["type"] == "turn_context")
                .map(|l| l["payload"]["summary"].clone())
                .collect();
            assert_eq!(summaries, [json!("detailed"), json!("detailed")]);
            let requests = model.requests();
            let first = requests[0].json();
            let second = requests[1].json();
            assert_eq!(first["text"]["format"]["schema"], schema);
            assert!(
                second.get("text").is_none_or(|t| t.get("format").is_none()),
                "{second:#}"
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn turn_steer_joins_the_running_turn_before_its_next_request() {
    let slow = sse::function_call(
        0,
        "call_s",
        "exec_command",
        r#"{"cmd":"sleep 1; echo slept"}"#,
    );
    let model = MockResponsesServer::start(vec![
        reply(slow, "r1"),
        reply(sse::message(0, "msg_2", "steered"), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let started = client.send("thread/start", json!({"cwd": home.path()}));
            let id = started[0]["result"]["thread"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let idle = client.send(
                "turn/steer",
                json!({"threadId": id, "expectedTurnId": "x", "input": text("early")}),
            );
            assert_eq!(idle[0]["error"]["message"], "no active turn to steer");
            client.send(
                "turn/start",
                json!({"threadId": id, "input": text("sleep")}),
            );
            let running = client
                .collect_until(|ls| ls.iter().any(|l| l["params"]["item"]["id"] == "call_s"))
                .await;
            let turn_id = running[0]["result"]["turn"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let wrong = client.send(
                "turn/steer",
                json!({"threadId": id, "expectedTurnId": "other", "input": text("no")}),
            );
            assert_eq!(
                wrong[0]["error"]["message"],
                format!("expected active turn id `other` but found `{turn_id}`")
            );
            let empty = client.send(
                "turn/steer",
                json!({"threadId": id, "expectedTurnId": turn_id, "input": []}),
            );
            assert_eq!(empty[0]["error"]["message"], "input must not be empty");
            let steer = client.send(
                "turn/steer",
                json!({"threadId": id, "expectedTurnId": turn_id, "input": text("steer text")}),
            );
            assert_eq!(steer[0]["result"], json!({"turnId": turn_id}));
            let lines = client.collect_until(completed).await;
            // Announced as a user message once taken in, after the command ended.
            let order: Vec<String> = lines
                .iter()
                .filter(|l| l["method"] == "item/completed")
                .map(|l| l["params"]["item"]["type"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(order, ["commandExecution", "userMessage", "agentMessage"]);
            let user = lines
                .iter()
                .find(|l| {
                    l["method"] == "item/completed" && l["params"]["item"]["type"] == "userMessage"
                })
                .unwrap();
            assert_eq!(user["params"]["item"]["content"], text("steer text"));
            // The next request ends with the steered message, after the command's output.
            let input = model.requests()[1].json()["input"]
                .as_array()
                .unwrap()
                .clone();
            let tail: Vec<&str> = input[input.len() - 2..]
                .iter()
                .map(|i| i["type"].as_str().unwrap())
                .collect();
            assert_eq!(tail, ["function_call_output", "message"]);
            assert_eq!(input[input.len() - 1]["content"][0]["text"], "steer text");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_ephemeral_thread_reads_back_without_turns() {
    let model = MockResponsesServer::start(vec![reply(sse::message(0, "m", "hi"), "r1")])
        .await
        .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let started = client.send(
                "thread/start",
                json!({"cwd": home.path(), "ephemeral": true}),
            );
            let id = started[0]["result"]["thread"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let read = client.send("thread/read", json!({"threadId": id}));
            let thread = &read[0]["result"]["thread"];
            assert_eq!(thread["id"], id.as_str(), "{read:#?}");
            assert_eq!(thread["ephemeral"], true);
            assert_eq!(thread["path"], Value::Null);
            assert_eq!(thread["status"], json!({"type": "idle"}));
            client.send(
                "turn/start",
                json!({"threadId": id, "input": text("hello")}),
            );
            client.collect_until(completed).await;
            let turns = client.send("thread/read", json!({"threadId": id, "includeTurns": true}));
            assert_eq!(turns[0]["error"]["code"], -32600);
            assert_eq!(
                turns[0]["error"]["message"],
                "ephemeral threads do not support includeTurns"
            );
        })
        .await;
}
