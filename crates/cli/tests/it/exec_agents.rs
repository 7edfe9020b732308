//! `recodex exec` with sub-agents (the `multi_agent_v1` tools) against the testkit mock:
//! the parent and its child ask the mock concurrently, so replies are routed by content.

use recodex_testkit::{MockReply, MockResponsesServer, RecordedRequest, sse};
use serde_json::Value;

use super::exec::{dirs, exec, reply, walk, write_config};

/// A `multi_agent_v1` function call, as the model sends one.
fn agent_call(call_id: &str, name: &str, arguments: &Value) -> Vec<Value> {
    let mut events = sse::function_call(0, call_id, name, &arguments.to_string());
    for event in &mut events {
        if let Some(item) = event.get_mut("item").and_then(Value::as_object_mut) {
            item.insert("namespace".to_owned(), "multi_agent_v1".into());
        }
    }
    events
}

/// The outputs of the function calls in a request, by call id.
fn outputs(request: &RecordedRequest) -> serde_json::Map<String, Value> {
    request.json()["input"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| item["type"] == "function_call_output")
        .map(|item| {
            let id = item["call_id"].as_str().unwrap_or_default().to_owned();
            (id, item["output"].clone())
        })
        .collect()
}

/// The parent's next step: spawn, then wait for the child, then close it, then answer.
fn parent_step(request: &RecordedRequest) -> MockReply {
    let outs = outputs(request);
    let agent = || {
        let spawned: Value = serde_json::from_str(outs["call_s"].as_str().unwrap()).unwrap();
        spawned["agent_id"].as_str().unwrap().to_owned()
    };
    let events = if outs.contains_key("call_c") {
        sse::message(0, "m", "parent done")
    } else if outs.contains_key("call_w") {
        agent_call(
            "call_c",
            "close_agent",
            &serde_json::json!({"target": agent()}),
        )
    } else if outs.contains_key("call_s") {
        let args = serde_json::json!({"targets": [agent()], "timeout_ms": 20000});
        agent_call("call_w", "wait_agent", &args)
    } else {
        let args = serde_json::json!({"message": "CHILD TASK: say hi", "agent_type": "explorer"});
        agent_call("call_s", "spawn_agent", &args)
    };
    reply(events, "resp")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_agent_runs_as_its_own_thread_and_reports_back() {
    let mut script = vec![MockReply::dynamic("\"text\":\"CHILD TASK", |_| {
        reply(sse::message(0, "c", "child says hi"), "resp_child")
    })];
    for _ in 0..4 {
        script.push(MockReply::dynamic("PARENT PROMPT", parent_step));
    }
    let server = MockResponsesServer::start(script).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &["--json", "--skip-git-repo-check", "PARENT PROMPT"],
            "",
        )
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.unconsumed(), 0);

    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let parent = events[0]["thread_id"].as_str().unwrap().to_owned();
    let collab: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "item.completed" && e["item"]["type"] == "collab_tool_call")
        .map(|e| &e["item"])
        .collect();
    let tools: Vec<&str> = collab.iter().map(|i| i["tool"].as_str().unwrap()).collect();
    assert_eq!(tools, ["spawn_agent", "wait", "close_agent"]);
    let child = collab[0]["receiver_thread_ids"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(collab[0]["sender_thread_id"], parent.as_str());
    assert_eq!(collab[0]["prompt"], "CHILD TASK: say hi");
    assert_eq!(collab[0]["agents_states"][&child]["status"], "pending_init");
    assert_eq!(
        collab[1]["agents_states"][&child],
        serde_json::json!({"status": "completed", "message": "child says hi"})
    );

    let requests = server.requests();
    let (child_requests, parent_requests): (Vec<_>, Vec<_>) = requests
        .iter()
        .filter(|r| r.method == "POST")
        .partition(|r| r.header("thread-id") == Some(child.as_str()));
    assert_eq!((child_requests.len(), parent_requests.len()), (1, 4));
    // The child's requests name it, its parent and the conversation it belongs to.
    let c = child_requests[0];
    assert_eq!(c.header("x-openai-subagent"), Some("collab_spawn"));
    assert_eq!(c.header("x-codex-parent-thread-id"), Some(parent.as_str()));
    assert_eq!(c.header("session-id"), Some(parent.as_str()));
    let metadata: Value = serde_json::from_str(c.header("x-codex-turn-metadata").unwrap()).unwrap();
    assert_eq!(metadata["thread_source"], "subagent");
    assert_eq!(metadata["subagent_kind"], "thread_spawn");
    assert_eq!(metadata["parent_thread_id"], parent.as_str());
    assert_eq!(c.json()["prompt_cache_key"], child.as_str());
    // The child cannot spawn agents itself.
    assert!(!c.json()["tools"].to_string().contains("spawn_agent"));

    let spawned: Value =
        serde_json::from_str(outputs(parent_requests[1])["call_s"].as_str().unwrap()).unwrap();
    assert_eq!(spawned["agent_id"], child.as_str());
    assert!(spawned["nickname"].as_str().is_some_and(|n| !n.is_empty()));
    let after_wait = parent_requests[2];
    assert_eq!(
        outputs(after_wait)["call_w"],
        serde_json::json!({"status": {&child: {"completed": "child says hi"}}, "timed_out": false})
            .to_string()
    );
    let notice = format!(
        "<subagent_notification>\n{{\"agent_path\":\"{child}\",\"status\":{{\"completed\":\"child says hi\"}}}}\n</subagent_notification>"
    );
    let last_input = after_wait.json()["input"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(last_input["role"], "user");
    assert_eq!(last_input["content"][0]["text"], notice.as_str());
    assert_eq!(
        outputs(parent_requests[3])["call_c"],
        r#"{"previous_status":{"completed":"child says hi"}}"#
    );

    // Both threads are recorded: the child's rollout names its parent, and the index
    // holds the (closed) spawn edge.
    let rollouts = walk(&home.join("sessions"));
    assert_eq!(rollouts.len(), 2);
    let child_rollout = rollouts
        .iter()
        .find(|p| p.to_string_lossy().contains(&child))
        .unwrap();
    let first = std::fs::read_to_string(child_rollout).unwrap();
    let meta: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(meta["payload"]["forked_from_id"], parent.as_str());
    assert_eq!(meta["payload"]["thread_source"], "subagent");
    assert_eq!(
        meta["payload"]["source"]["subagent"]["thread_spawn"]["parent_thread_id"],
        parent.as_str()
    );
    let db = recodex_state::open_db(&home, recodex_state::DbKind::State).unwrap();
    let edge: (String, String, String) = db
        .query_row(
            "SELECT parent_thread_id, child_thread_id, status FROM thread_spawn_edges",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(edge, (parent.clone(), child.clone(), "closed".to_owned()));
    let (thread_source, role): (String, Option<String>) = db
        .query_row(
            "SELECT thread_source, agent_role FROM threads WHERE id = ?1",
            [&child],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (thread_source.as_str(), role.as_deref()),
        ("subagent", Some("explorer"))
    );
    assert_eq!(meta["payload"]["agent_role"], "explorer");
}

/// Bad calls get the reference's error texts and the turn goes on. Calls whose arguments
/// are unusable show no item; calls about an unknown agent end as failed items; a spawn
/// refused for its role begins and never ends, as in the reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_agent_calls_are_answered_with_errors() {
    let unknown = "01a21408-07a4-7fd1-8fc4-5601e54be599";
    let calls = [
        (
            "b1",
            "wait_agent",
            serde_json::json!({"targets": ["nope"], "timeout_ms": 0}),
        ),
        ("b2", "close_agent", serde_json::json!({"target": "nope"})),
        ("b3", "spawn_agent", serde_json::json!({})),
        (
            "b4",
            "send_input",
            serde_json::json!({"target": unknown, "message": "hi"}),
        ),
        (
            "b5",
            "wait_agent",
            serde_json::json!({"targets": [unknown]}),
        ),
        (
            "b6",
            "spawn_agent",
            serde_json::json!({"message": "x", "agent_type": "nosuch"}),
        ),
    ];
    let mut events = Vec::new();
    for (index, (id, name, args)) in calls.iter().enumerate() {
        let mut call = agent_call(id, name, args);
        for event in &mut call {
            event["output_index"] = index.into();
        }
        events.extend(call);
    }
    let server = MockResponsesServer::start(vec![
        reply(events, "r1"),
        reply(sse::message(0, "m", "ok"), "r2"),
    ])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "Go."], "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let outs = outputs(&server.requests()[1]);
    assert_eq!(outs["b1"], "timeout_ms must be greater than zero");
    assert_eq!(
        outs["b2"],
        "invalid agent id nope: Error(ParseChar { character: 'n', index: 1 })"
    );
    assert_eq!(outs["b3"], "Provide one of: message or items");
    assert_eq!(
        outs["b4"],
        format!("agent with id {unknown} not found").as_str()
    );
    assert_eq!(
        outs["b5"],
        format!(r#"{{"status":{{"{unknown}":"not_found"}},"timed_out":false}}"#).as_str()
    );
    assert_eq!(outs["b6"], "unknown agent_type 'nosuch'");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let started = stdout.matches(r#""type":"item.started""#).count();
    assert_eq!(started, 3, "{stdout}");
    assert_eq!(
        stdout.matches(r#""status":"failed""#).count(),
        2,
        "{stdout}"
    );
    // Every error text is also logged, as the reference logs tool errors.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("ERROR codex_core::tools::router: error=")
            .count(),
        5,
        "{stderr}"
    );
}

/// A closed agent is gone (a second close finds nothing) until `resume_agent` brings it
/// back from its rollout; a message then starts its next turn with its history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_agent_can_be_resumed_and_messaged() {
    let steps = |request: &RecordedRequest| {
        let outs = outputs(request);
        let agent = || {
            let spawned: Value = serde_json::from_str(outs["s"].as_str().unwrap()).unwrap();
            spawned["agent_id"].as_str().unwrap().to_owned()
        };
        let (id, name, args) = match ["s", "w1", "c1", "c2", "r", "m", "w2"]
            .into_iter()
            .find(|id| !outs.contains_key(*id))
        {
            Some("s") => (
                "s",
                "spawn_agent",
                serde_json::json!({"message": "CHILD one"}),
            ),
            Some(id @ ("w1" | "w2")) => (
                id,
                "wait_agent",
                serde_json::json!({"targets": [agent()], "timeout_ms": 20000}),
            ),
            Some(id @ ("c1" | "c2")) => (id, "close_agent", serde_json::json!({"target": agent()})),
            Some("r") => ("r", "resume_agent", serde_json::json!({"id": agent()})),
            Some(_) => (
                "m",
                "send_input",
                serde_json::json!({"target": agent(), "message": "CHILD two"}),
            ),
            None => return reply(sse::message(0, "m", "parent done"), "resp"),
        };
        reply(agent_call(id, name, &args), "resp")
    };
    let mut script = vec![
        MockReply::dynamic("\"text\":\"CHILD two", |_| {
            reply(sse::message(0, "c", "second answer"), "resp_c2")
        }),
        MockReply::dynamic("\"text\":\"CHILD one", |_| {
            reply(sse::message(0, "c", "first answer"), "resp_c1")
        }),
    ];
    for _ in 0..8 {
        script.push(MockReply::dynamic("PARENT PROMPT", steps));
    }
    let server = MockResponsesServer::start(script).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &["--json", "--skip-git-repo-check", "PARENT PROMPT"],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let requests = server.requests();
    let last = requests
        .iter()
        .rev()
        .find(|r| String::from_utf8_lossy(&r.body).contains("PARENT PROMPT"))
        .unwrap();
    let outs = outputs(last);
    let spawned: Value = serde_json::from_str(outs["s"].as_str().unwrap()).unwrap();
    let child = spawned["agent_id"].as_str().unwrap();
    assert_eq!(
        outs["c1"],
        r#"{"previous_status":{"completed":"first answer"}}"#
    );
    assert_eq!(
        outs["c2"],
        format!("agent with id {child} not found").as_str()
    );
    assert_eq!(outs["r"], r#"{"status":"pending_init"}"#);
    assert_eq!(
        outs["w2"],
        serde_json::json!({"status": {child: {"completed": "second answer"}}, "timed_out": false})
            .to_string()
    );
    // The resumed child's request carries its earlier turn.
    let second = requests
        .iter()
        .find(|r| String::from_utf8_lossy(&r.body).contains("\"text\":\"CHILD two"))
        .unwrap();
    assert!(String::from_utf8_lossy(&second.body).contains("first answer"));
    let db = recodex_state::open_db(&home, recodex_state::DbKind::State).unwrap();
    let status: String = db
        .query_row("SELECT status FROM thread_spawn_edges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "open");
}

/// A client-run `tool_search` finds the deferred multi-agent tools, marked
/// `defer_loading`, in their namespace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_search_finds_the_deferred_agent_tools() {
    let search = |query: &str, call_id: &str| {
        vec![serde_json::json!({
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {"type": "tool_search_call", "id": "ts", "call_id": call_id,
                     "status": "completed", "execution": "client",
                     "arguments": {"query": query, "limit": 20}},
        })]
    };
    let mut first = search("spawn agent", "ts1");
    let mut second = search("calendar", "ts2");
    for event in &mut second {
        event["output_index"] = 1.into();
    }
    first.append(&mut second);
    let server = MockResponsesServer::start(vec![
        reply(first, "r1"),
        reply(sse::message(0, "m", "ok"), "r2"),
    ])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        // A model with the search tool: the agent tools are deferred behind it.
        let args = ["--json", "--skip-git-repo-check", "-m", "gpt-5.2", "Go."];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let input = server.requests()[1].json()["input"].clone();
    let found = |call_id: &str| {
        input
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == "tool_search_output" && i["call_id"] == call_id)
            .unwrap()["tools"]
            .clone()
    };
    let agents = found("ts1");
    assert_eq!(agents[0]["type"], "namespace");
    assert_eq!(agents[0]["name"], "multi_agent_v1");
    assert_eq!(agents[0]["tools"][0]["name"], "spawn_agent");
    assert_eq!(agents[0]["tools"][0]["defer_loading"], true);
    assert_eq!(found("ts2"), serde_json::json!([]));
}

/// `fork_context` starts the agent from the conversation so far: the developer and user
/// messages (as the reference forks), without the parent's answers and tool calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forked_agent_starts_from_the_parents_messages() {
    let parent = |request: &RecordedRequest| {
        let outs = outputs(request);
        let events = if outs.contains_key("w") {
            sse::message(0, "m", "parent done")
        } else if let Some(spawned) = outs.get("s") {
            let spawned: Value = serde_json::from_str(spawned.as_str().unwrap()).unwrap();
            let args = serde_json::json!({"targets": [spawned["agent_id"]], "timeout_ms": 20000});
            agent_call("w", "wait_agent", &args)
        } else if outs.contains_key("e") {
            let args = serde_json::json!({"message": "FORKED CHILD task", "fork_context": true});
            agent_call("s", "spawn_agent", &args)
        } else {
            let mut events = sse::message(0, "m1", "Looking around first.");
            let mut call = sse::function_call(1, "e", "exec_command", r#"{"cmd":"echo x"}"#);
            events.append(&mut call);
            events
        };
        reply(events, "resp")
    };
    let mut script = vec![MockReply::dynamic("\"text\":\"FORKED CHILD", |_| {
        reply(sse::message(0, "c", "forked done"), "resp_c")
    })];
    for _ in 0..4 {
        script.push(MockReply::dynamic("PARENT PROMPT", parent));
    }
    let server = MockResponsesServer::start(script).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "--skip-git-repo-check",
            "-s",
            "danger-full-access",
            "PARENT PROMPT",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let child = server
        .requests()
        .into_iter()
        .find(|r| r.header("x-openai-subagent").is_some())
        .unwrap();
    let input = child.json()["input"].as_array().unwrap().clone();
    let texts: Vec<(String, String)> = input
        .iter()
        .map(|item| {
            (
                item["role"].as_str().unwrap_or("-").to_owned(),
                item["content"][0]["text"]
                    .as_str()
                    .unwrap_or("-")
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert_eq!(texts[0].0, "developer");
    assert!(texts[1].1.starts_with("<environment_context>"));
    assert_eq!(texts[2], ("user".to_owned(), "PARENT PROMPT".to_owned()));
    assert_eq!(
        texts[3],
        ("user".to_owned(), "FORKED CHILD task".to_owned())
    );
}

/// A message sent to a busy agent without `interrupt` joins its running turn: the agent
/// answers it in one more request of the same turn, and `wait_agent` reports that answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_to_a_busy_agent_joins_its_turn() {
    let parent = |request: &RecordedRequest| {
        let outs = outputs(request);
        let agent = || {
            let spawned: Value = serde_json::from_str(outs["s"].as_str().unwrap()).unwrap();
            spawned["agent_id"].as_str().unwrap().to_owned()
        };
        let events = if outs.contains_key("w") {
            sse::message(0, "m", "parent done")
        } else if outs.contains_key("m") {
            let args = serde_json::json!({"targets": [agent()], "timeout_ms": 20000});
            agent_call("w", "wait_agent", &args)
        } else if outs.contains_key("s") {
            let args = serde_json::json!({"target": agent(), "message": "STEERED note"});
            agent_call("m", "send_input", &args)
        } else {
            agent_call(
                "s",
                "spawn_agent",
                &serde_json::json!({"message": "SLOW CHILD"}),
            )
        };
        reply(events, "resp")
    };
    let mut script = vec![
        MockReply::dynamic("\"text\":\"STEERED note", |_| {
            reply(sse::message(0, "c2", "saw the note"), "resp_c2")
        }),
        // The child's first answer comes late, so the note arrives while it runs.
        reply(sse::message(0, "c1", "first answer"), "resp_c1")
            .delay(std::time::Duration::from_millis(800))
            .when_body_contains("\"text\":\"SLOW CHILD"),
    ];
    for _ in 0..4 {
        script.push(MockReply::dynamic("PARENT PROMPT", parent));
    }
    let server = MockResponsesServer::start(script).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &["--json", "--skip-git-repo-check", "PARENT PROMPT"],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let requests = server.requests();
    let child: Vec<&RecordedRequest> = requests
        .iter()
        .filter(|r| r.header("x-openai-subagent").is_some())
        .collect();
    assert_eq!(child.len(), 2);
    let texts: Vec<String> = child[1].json()["input"]
        .as_array()
        .unwrap()
        .iter()
        .skip(2)
        .map(|i| {
            i["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, ["SLOW CHILD", "first answer", "STEERED note"]);
    let last = requests
        .iter()
        .rev()
        .find(|r| r.header("x-openai-subagent").is_none())
        .unwrap();
    let waited = outputs(last)["w"].as_str().unwrap().to_owned();
    assert!(
        waited.contains(r#"{"completed":"saw the note"}"#),
        "{waited}"
    );
    // One turn in the child's rollout.
    let rollout = walk(&home.join("sessions"))
        .into_iter()
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("\"thread_source\":\"subagent\"")
        })
        .unwrap();
    let text = std::fs::read_to_string(rollout).unwrap();
    assert_eq!(text.matches("\"type\":\"task_started\"").count(), 1);
}
