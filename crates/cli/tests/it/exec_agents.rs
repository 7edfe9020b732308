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
        let args = serde_json::json!({"message": "CHILD TASK: say hi"});
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
    let thread_source: String = db
        .query_row(
            "SELECT thread_source FROM threads WHERE id = ?1",
            [&child],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(thread_source, "subagent");
}

/// Bad calls get an error text and the turn goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_agent_calls_are_answered_with_errors() {
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
            serde_json::json!({"target": "nope", "message": "hi"}),
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
    assert!(
        outs["b2"].as_str().unwrap().contains("nope"),
        "{}",
        outs["b2"]
    );
    assert_eq!(outs["b3"], "Provide one of: message or items");
    assert!(
        outs["b4"].as_str().unwrap().contains("nope"),
        "{}",
        outs["b4"]
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches(r#""status":"failed""#).count(),
        4,
        "{stdout}"
    );
}
