use std::path::Path;

use pretty_assertions::assert_eq;
use recodex_client::models::fallback_model_info;
use recodex_client::{EnvMap, LoginAuth, ModelClient, Provider};
use recodex_config::schema::ModelProviderInfo;
use recodex_core::{Event, PlanStep, Session, SessionSettings, StepStatus};
use recodex_protocol::permissions::SandboxPolicy;
use recodex_testkit::{MockReply, MockResponsesServer, sse};
use serde_json::Value;
use tokio::sync::mpsc;

/// A scripted streamed response: `events`, then `response.completed` with `id`.
fn reply(mut events: Vec<Value>, id: &str) -> MockReply {
    events.push(sse::completed(id, sse::default_usage()));
    MockReply::sse(events)
}

fn settings(
    home: &Path,
    cwd: &Path,
    server: &MockResponsesServer,
    ephemeral: bool,
) -> (SessionSettings, ModelClient) {
    let env = EnvMap::from([("MOCK_KEY".to_owned(), "sk-test".to_owned())]);
    let info = ModelProviderInfo {
        name: "mock".to_owned(),
        base_url: Some(server.base_url()),
        env_key: Some("MOCK_KEY".to_owned()),
        request_max_retries: Some(0),
        stream_max_retries: Some(0),
        ..ModelProviderInfo::default()
    };
    let provider = Provider::from_info("mock", &info, &env);
    let client = ModelClient::new(provider.clone(), &LoginAuth::default(), &env).unwrap();
    let settings = SessionSettings {
        codex_home: home.to_path_buf(),
        cwd: cwd.to_path_buf(),
        model: fallback_model_info("gpt-5.1-codex"),
        provider_id: "mock".to_owned(),
        provider,
        approval_policy: recodex_protocol::AskForApproval::Never,
        denied_paths: Vec::new(),
        glob_scan_max_depth: None,
        recorded_profile: None,
        active_profile: None,
        sandbox_policy: SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        },
        originator: "codex_exec".to_owned(),
        thread_source: Some(recodex_protocol::ThreadSource::User),
        source: "exec".to_owned(),
        user_agent: "codex_exec/0.136.0 (test) (recodex; test)".to_owned(),
        env,
        ephemeral,
        timezone: "Etc/UTC".to_owned(),
        tools: Vec::new(),
        parallel_tool_calls: false,
        reasoning_effort: None,
        reasoning_summary: None,
        service_tier: None,
        exec_policy: None,
        output_schema: None,
        state_dir: None,
        sandbox_exe: None,
        env_policy: recodex_process::EnvPolicy::from_toml(&Default::default()),
        allow_login_shell: true,
        shell_snapshot: false,
        deferred_tools: Vec::new(),
        multi_agent: None,
        subagent: None,
        approvals: None,
    };
    (settings, client)
}

async fn drain(mut rx: mpsc::Receiver<Event>) -> Vec<Event> {
    let mut events = Vec::new();
    while let Some(e) = rx.recv().await {
        events.push(e);
    }
    events
}

#[tokio::test]
async fn a_plain_reply_turn_sends_the_context_and_records_the_rollout() {
    let reply = reply(
        sse::message(0, "msg_1", "Hello from the mock model."),
        "resp_1",
    );
    let server = MockResponsesServer::start(vec![reply]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, false);
    let mut session = Session::start(settings, client, "inst-id".to_owned()).unwrap();
    let Event::SessionConfigured {
        rollout_path: Some(path),
        ..
    } = session.configured_event()
    else {
        panic!("no rollout")
    };
    let (tx, rx) = mpsc::channel(64);
    let outcome = session.run_turn("Say hello", &tx).await.unwrap();
    drop(tx);
    assert_eq!(
        outcome.last_agent_message.as_deref(),
        Some("Hello from the mock model.")
    );
    let events = drain(rx).await;
    assert!(matches!(events.first(), Some(Event::TurnStarted { .. })));
    assert!(events.contains(&Event::AgentMessage {
        text: "Hello from the mock model.".to_owned()
    }));
    assert!(matches!(events.last(), Some(Event::TurnComplete { .. })));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let body = requests[0].json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "model",
            "instructions",
            "input",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning",
            "store",
            "stream",
            "include",
            "prompt_cache_key",
            "client_metadata"
        ]
    );
    let input = body["input"].as_array().unwrap();
    let roles: Vec<&str> = input.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["developer", "user", "user"]);
    let env_ctx = input[1]["content"][0]["text"].as_str().unwrap();
    assert!(
        env_ctx.starts_with("<environment_context>\n  <cwd>"),
        "{env_ctx}"
    );
    assert_eq!(input[2]["content"][0]["text"], "Say hello");
    assert_eq!(
        body["prompt_cache_key"],
        Value::String(session.thread_id().to_owned())
    );
    assert_eq!(
        body["client_metadata"]["x-codex-installation-id"],
        "inst-id"
    );
    assert_eq!(requests[0].header("originator"), Some("codex_exec"));
    assert_eq!(requests[0].header("session-id"), Some(session.thread_id()));

    let contents = recodex_state::read_rollout(&path).unwrap();
    assert!(contents.skipped.is_empty(), "{:?}", contents.skipped);
    let kinds: Vec<String> = contents
        .lines
        .iter()
        .map(|l| {
            let v = serde_json::to_value(&l.item).unwrap();
            match v["payload"]["type"].as_str() {
                Some(t) => format!("{}:{t}", v["type"].as_str().unwrap()),
                None => v["type"].as_str().unwrap().to_owned(),
            }
        })
        .collect();
    // The reference's exec rollout (samples/rollout-sample-exec-plain.jsonl) has the same
    // sequence of line kinds.
    assert_eq!(
        kinds,
        [
            "session_meta",
            "event_msg:task_started",
            "response_item:message",
            "response_item:message",
            "turn_context",
            "response_item:message",
            "event_msg:user_message",
            "event_msg:agent_message",
            "response_item:message",
            "event_msg:token_count",
            "event_msg:task_complete",
        ]
    );
}

#[tokio::test]
async fn tool_calls_get_an_error_output_and_the_turn_continues() {
    let first = reply(
        sse::function_call(0, "call_1", "exec_command", r#"{"cmd":"ls"}"#),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, true);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    let outcome = session.run_turn("go", &tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    assert_eq!(outcome.last_agent_message.as_deref(), Some("done"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let input = requests[1].json()["input"].as_array().unwrap().clone();
    let last = input.last().unwrap();
    assert_eq!(last["type"], "function_call_output");
    assert_eq!(last["call_id"], "call_1");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "ephemeral sessions write nothing"
    );
}

/// Issue 22.3: a long tool loop is not cut off after some number of rounds; the turn runs
/// until the model stops calling tools (the reference completes a 70-step turn).
#[tokio::test]
async fn a_seventy_step_turn_runs_to_its_final_message() {
    let steps = 70;
    let mut script: Vec<MockReply> = (0..steps)
        .map(|i| {
            reply(
                sse::function_call(0, &format!("call_{i}"), "no_such_tool", "{}"),
                &format!("resp_{i}"),
            )
        })
        .collect();
    script.push(reply(sse::message(0, "msg_last", "all done"), "resp_last"));
    let server = MockResponsesServer::start(script).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, true);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(1024);
    let outcome = session.run_turn("go", &tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    assert_eq!(outcome.last_agent_message.as_deref(), Some("all done"));
    let requests = server.requests();
    assert_eq!(requests.len(), steps + 1);
    // The last tool output reached the model.
    let input = requests[steps].json()["input"].as_array().unwrap().clone();
    let last = input.last().unwrap();
    assert_eq!(last["type"], "function_call_output");
    assert_eq!(last["call_id"], format!("call_{}", steps - 1));
}

#[tokio::test]
async fn a_stream_without_completion_fails_the_turn() {
    let partial = sse::message(0, "msg_1", "partial");
    let server = MockResponsesServer::start(vec![MockReply::sse(partial)])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, true);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, _rx) = mpsc::channel(64);
    let err = session.run_turn("go", &tx).await.unwrap_err();
    assert!(err.to_string().contains("stream"), "{err}");
}

/// Issue 22.8: the thread is in the index from the moment its turn is recorded: a turn that
/// fails leaves it listed, and so does one whose process is killed while the model answers
/// (the row was written only when a turn completed).
#[tokio::test]
async fn the_thread_is_indexed_when_its_turn_starts() {
    let server = MockResponsesServer::start(vec![
        reply(sse::message(0, "m", "late"), "r").delay(std::time::Duration::from_secs(30)),
    ])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, false);
    settings.state_dir = Some(dir.path().to_path_buf());
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let id = session.thread_id().to_owned();
    let (tx, _rx) = mpsc::channel(64);
    // The model has not answered within the second: the row is there already.
    let turn = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        session.run_turn("listed while running", &tx),
    )
    .await;
    assert!(
        turn.is_err(),
        "the turn should still be waiting for the model"
    );
    let row = recodex_state::get_thread(dir.path(), &id).unwrap().unwrap();
    assert_eq!(row.first_user_message, "listed while running");
}

#[tokio::test]
async fn a_failed_request_still_closes_the_turn_in_the_rollout() {
    let server =
        MockResponsesServer::start(vec![MockReply::http(400, r#"{"error":{"message":"bad"}}"#)])
            .await
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, false);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let Event::SessionConfigured {
        rollout_path: Some(path),
        ..
    } = session.configured_event()
    else {
        panic!("no rollout")
    };
    let (tx, _rx) = mpsc::channel(64);
    assert!(session.run_turn("hi", &tx).await.is_err());
    let contents = recodex_state::read_rollout(&path).unwrap();
    let last = serde_json::to_value(&contents.lines.last().unwrap().item).unwrap();
    assert_eq!(last["payload"]["type"], "task_complete");
    assert_eq!(last["payload"]["last_agent_message"], Value::Null);
    assert!(last["payload"].get("time_to_first_token_ms").is_none());
}

#[tokio::test]
async fn an_output_schema_is_sent_as_the_text_format() {
    let reply = reply(sse::message(0, "msg_1", "{}"), "resp_1");
    let server = MockResponsesServer::start(vec![reply]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, true);
    settings.output_schema = Some(serde_json::json!({"type": "object"}));
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, _rx) = mpsc::channel(64);
    session.run_turn("go", &tx).await.unwrap();
    let body = server.requests()[0].json();
    assert_eq!(
        body["text"],
        serde_json::json!({"format": {"type": "json_schema", "strict": true, "schema": {"type": "object"}, "name": "codex_output_schema"}})
    );
}

#[derive(Debug)]
struct NoSleep;

impl recodex_client::Sleeper for NoSleep {
    fn sleep(
        &self,
        _: std::time::Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async {})
    }
}

#[tokio::test]
async fn a_retryable_failure_is_announced_and_the_request_sent_again() {
    let reply = reply(sse::message(0, "msg_1", "second time lucky"), "resp_1");
    let server = MockResponsesServer::start(vec![
        MockReply::http(401, r#"{"error":{"message":"Incorrect API key provided"}}"#),
        reply,
    ])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, true);
    let client = client.with_retry_policy(recodex_client::RetryPolicy {
        request_max_retries: 0,
        stream_max_retries: 1,
        sleeper: std::sync::Arc::new(NoSleep),
        jitter: std::sync::Arc::new(recodex_client::FixedJitter(1.0)),
    });
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    let outcome = session.run_turn("hi", &tx).await.unwrap();
    drop(tx);
    let events = drain(rx).await;
    assert_eq!(
        outcome.last_agent_message.as_deref(),
        Some("second time lucky")
    );
    let notice = events
        .iter()
        .find_map(|e| match e {
            Event::StreamError { message } => Some(message.clone()),
            _ => None,
        })
        .unwrap();
    assert!(
        notice.starts_with("Reconnecting... 1/1 (unexpected status 401"),
        "{notice}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn update_plan_reports_the_steps_and_answers_plan_updated() {
    let args = r#"{"explanation":"x","plan":[{"step":"Read code","status":"completed"},{"step":"Write fix","status":"in_progress"}]}"#;
    let first = reply(
        sse::function_call(0, "call_plan", "update_plan", args),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "Plan recorded."), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, true);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("plan", &tx).await.unwrap();
    drop(tx);
    let events = drain(rx).await;
    assert!(events.contains(&Event::PlanUpdated {
        explanation: Some("x".to_owned()),
        steps: vec![
            PlanStep {
                step: "Read code".to_owned(),
                status: StepStatus::Completed
            },
            PlanStep {
                step: "Write fix".to_owned(),
                status: StepStatus::InProgress
            },
        ]
    }));
    let input = server.requests()[1].json()["input"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(input.last().unwrap()["output"], "Plan updated");
}

#[tokio::test]
async fn the_calls_of_one_response_run_in_order_and_their_outputs_follow_all_calls() {
    let mut events = sse::function_call(0, "call_a", "update_plan", r#"{"plan":[]}"#);
    events.extend(sse::function_call(
        1,
        "call_b",
        "update_plan",
        r#"{"plan":[{"step":"x","status":"pending"}]}"#,
    ));
    let first = reply(events, "resp_1");
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, false);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("go", &tx).await.unwrap();
    drop(tx);
    let events = drain(rx).await;
    let plans: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            Event::PlanUpdated { steps, .. } => Some(steps.len()),
            _ => None,
        })
        .collect();
    assert_eq!(plans, [0, 1], "the calls ran in order");
    let input = server.requests()[1].json()["input"]
        .as_array()
        .unwrap()
        .clone();
    let tail: Vec<(String, String)> = input[input.len() - 4..]
        .iter()
        .map(|i| {
            (
                i["type"].as_str().unwrap().to_owned(),
                i["call_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("function_call", "call_a"),
        ("function_call", "call_b"),
        ("function_call_output", "call_a"),
        ("function_call_output", "call_b"),
    ];
    assert_eq!(
        tail,
        expected.map(|(t, c)| (t.to_owned(), c.to_owned())),
        "as in the reference"
    );
    // The rollout has the same order, the outputs before the response's token count.
    let Event::SessionConfigured {
        rollout_path: Some(path),
        ..
    } = session.configured_event()
    else {
        panic!("the session has a rollout");
    };
    let kinds: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter_map(|l| l["payload"]["type"].as_str().map(str::to_owned))
        .skip_while(|t| t != "function_call")
        .take(5)
        .collect();
    assert_eq!(
        kinds,
        [
            "function_call",
            "function_call",
            "function_call_output",
            "function_call_output",
            "token_count"
        ]
    );
}

#[tokio::test]
async fn view_image_gives_the_model_the_image_and_request_user_input_is_declined() {
    let mut events = sse::function_call(0, "call_v", "view_image", r#"{"path":"red.png"}"#);
    events.extend(sse::function_call(
        1,
        "call_m",
        "view_image",
        r#"{"path":"gone.png"}"#,
    ));
    events.extend(sse::function_call(
        2,
        "call_q",
        "request_user_input",
        r#"{"questions":[]}"#,
    ));
    let first = reply(events, "resp_1");
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("red.png"), b"\x89PNG\r\n\x1a\nrest").unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, true);
    settings.tools = vec![
        serde_json::json!({"type": "function", "name": "view_image"}),
        serde_json::json!({"type": "function", "name": "request_user_input"}),
    ];
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("look", &tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    let input = server.requests()[1].json()["input"].clone();
    let output = |id: &str| {
        input
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == "function_call_output" && i["call_id"] == id)
            .unwrap()["output"]
            .clone()
    };
    assert_eq!(
        output("call_v"),
        serde_json::json!([{"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgpyZXN0", "detail": "high"}])
    );
    let missing = output("call_m");
    assert!(
        missing
            .as_str()
            .unwrap()
            .starts_with("unable to locate image at `"),
        "{missing}"
    );
    assert_eq!(
        output("call_q"),
        "request_user_input is unavailable in Default mode"
    );
}

/// Issue 22.2: `view_image` on a device, a FIFO, a directory or a huge file answers the
/// reference's texts at once, without reading (it used to read /dev/zero until killed and
/// hang on a FIFO).
#[tokio::test]
async fn view_image_refuses_devices_fifos_directories_and_huge_files() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    std::fs::create_dir(cwd.join("subdir")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(cwd.join("fifo.png"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::File::create(cwd.join("big.png"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let paths = ["/dev/zero", "/dev/urandom", "fifo.png", "subdir", "big.png"];
    let mut events = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let args = serde_json::json!({ "path": path }).to_string();
        events.extend(sse::function_call(
            u32::try_from(i).unwrap(),
            &format!("call_{i}"),
            "view_image",
            &args,
        ));
    }
    let server = MockResponsesServer::start(vec![
        reply(events, "resp_1"),
        reply(sse::message(0, "msg_2", "done"), "resp_2"),
    ])
    .await
    .unwrap();
    let (mut settings, client) = settings(cwd, cwd, &server, true);
    settings.tools = vec![serde_json::json!({"type": "function", "name": "view_image"})];
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    let turn = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        session.run_turn("look", &tx),
    )
    .await
    .expect("view_image blocked");
    turn.unwrap();
    drop(tx);
    drain(rx).await;
    let input = server.requests()[1].json()["input"].clone();
    let outputs: Vec<String> = input
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "function_call_output")
        .map(|i| i["output"].as_str().unwrap().to_owned())
        .collect();
    let at = |p: &str| cwd.join(p).display().to_string();
    assert_eq!(
        outputs,
        [
            "image path `/dev/zero` is not a file".to_owned(),
            "image path `/dev/urandom` is not a file".to_owned(),
            format!("image path `{}` is not a file", at("fifo.png")),
            format!("image path `{}` is not a file", at("subdir")),
            format!(
                "unable to read image at `{}`: file is too large to read: limit is 536870912 bytes",
                at("big.png")
            ),
        ]
    );
}

#[tokio::test]
async fn goals_are_created_read_completed_and_stored() {
    let mut events = sse::function_call(
        0,
        "call_c",
        "create_goal",
        r#"{"objective":"Ship it","token_budget":1000}"#,
    );
    events.extend(sse::function_call(
        1,
        "call_x",
        "create_goal",
        r#"{"objective":"Again"}"#,
    ));
    events.extend(sse::function_call(
        2,
        "call_u",
        "update_goal",
        r#"{"status":"paused"}"#,
    ));
    events.extend(sse::function_call(
        3,
        "call_d",
        "update_goal",
        r#"{"status":"complete"}"#,
    ));
    events.extend(sse::function_call(4, "call_g", "get_goal", "{}"));
    let first = reply(events, "resp_1");
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, false);
    settings.state_dir = Some(dir.path().to_path_buf());
    settings.tools = ["get_goal", "create_goal", "update_goal"]
        .iter()
        .map(|name| serde_json::json!({"type": "function", "name": name}))
        .collect();
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let thread = session.thread_id().to_owned();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("goal", &tx).await.unwrap();
    session.finish(&tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    let input = server.requests()[1].json()["input"].clone();
    let output = |id: &str| -> Value {
        let text = input
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == "function_call_output" && i["call_id"] == id)
            .unwrap()["output"]
            .as_str()
            .unwrap()
            .to_owned();
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    let created = output("call_c");
    assert_eq!(created["goal"]["objective"], "Ship it");
    assert_eq!(created["goal"]["status"], "active");
    assert_eq!(created["goal"]["threadId"], thread.as_str());
    assert_eq!(created["remainingTokens"], 1000);
    assert_eq!(created["completionBudgetReport"], Value::Null);
    assert_eq!(
        output("call_x"),
        "cannot create a new goal because this thread already has a goal; use update_goal only when the existing goal is complete"
    );
    assert!(
        output("call_u")
            .as_str()
            .unwrap()
            .starts_with("update_goal can only mark the existing goal complete or blocked")
    );
    let done = output("call_d");
    assert_eq!(done["goal"]["status"], "complete");
    assert!(done["completionBudgetReport"].is_string());
    assert_eq!(output("call_g")["goal"]["status"], "complete");
    let store = recodex_state::GoalStore::open(dir.path()).unwrap();
    let stored = store.get(&thread).unwrap().unwrap();
    assert_eq!(
        (stored.objective.as_str(), stored.status.as_str()),
        ("Ship it", "complete")
    );
    assert_eq!(stored.token_budget, Some(1000));
}

#[tokio::test]
async fn an_active_goal_counts_the_turn_and_finish_records_the_aborted_continuation() {
    let first = reply(
        sse::function_call(0, "call_c", "create_goal", r#"{"objective":"Keep going"}"#),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, false);
    settings.state_dir = Some(dir.path().to_path_buf());
    settings.tools = vec![serde_json::json!({"type": "function", "name": "create_goal"})];
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("goal", &tx).await.unwrap();
    session.finish(&tx).await.unwrap();
    drop(tx);
    let events = drain(rx).await;
    assert!(!events.contains(&Event::TurnAborted), "exec is not told");
    let Event::SessionConfigured {
        rollout_path: Some(path),
        ..
    } = session.configured_event()
    else {
        panic!("the session has a rollout");
    };
    let lines: Vec<Value> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<String> = lines
        .iter()
        .map(|l| {
            let payload = l["payload"]["type"].as_str().unwrap_or_default();
            format!("{}:{payload}", l["type"].as_str().unwrap())
        })
        .collect();
    let tail = &kinds[kinds.len() - 6..];
    assert_eq!(
        tail,
        [
            "event_msg:thread_goal_updated",
            "event_msg:task_complete",
            "event_msg:task_started",
            "turn_context:",
            "response_item:message",
            "event_msg:turn_aborted",
        ]
    );
    // The goal counted the tokens of the response after the one that created it.
    let updated = &lines[lines.len() - 6]["payload"]["goal"];
    assert_eq!(updated["tokensUsed"], 110, "{updated}");
}

#[tokio::test]
async fn a_client_tool_search_is_answered_with_no_tools() {
    let call = serde_json::json!({"type": "tool_search_call", "id": "ts_1", "call_id": "call_t",
        "status": "completed", "execution": "client", "arguments": {"query": "calendar"}});
    let first = reply(
        vec![
            serde_json::json!({"type": "response.output_item.done", "output_index": 0, "item": call}),
        ],
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settings, client) = settings(dir.path(), dir.path(), &server, true);
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("search", &tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    let input = server.requests()[1].json()["input"].clone();
    assert_eq!(
        input.as_array().unwrap().last().unwrap(),
        &serde_json::json!({"type": "tool_search_output", "call_id": "call_t",
            "status": "completed", "execution": "client", "tools": []})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shell_calls_of_one_response_run_together() {
    let mut events = sse::function_call(
        0,
        "call_a",
        "exec_command",
        r#"{"cmd":"sleep 0.5; echo a","login":false}"#,
    );
    events.extend(sse::function_call(
        1,
        "call_b",
        "exec_command",
        r#"{"cmd":"sleep 0.5; echo b","login":false}"#,
    ));
    let first = reply(events, "resp_1");
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, true);
    settings.sandbox_policy = SandboxPolicy::DangerFullAccess;
    settings
        .env
        .insert("PATH".to_owned(), "/usr/bin:/bin".to_owned());
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("both", &tx).await.unwrap();
    drop(tx);
    let events = drain(rx).await;
    let order: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::CommandBegin { .. } => Some("begin"),
            Event::CommandEnd { .. } => Some("end"),
            _ => None,
        })
        .collect();
    assert_eq!(
        order,
        ["begin", "begin", "end", "end"],
        "both started before either ended"
    );
    let input = server.requests()[1].json()["input"].clone();
    let outputs: Vec<&str> = input
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "function_call_output")
        .map(|i| i["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        ["call_a", "call_b"],
        "outputs keep the calls' order"
    );
}

#[tokio::test]
async fn a_resumed_thread_keeps_counting_its_active_goal() {
    let first = reply(
        sse::function_call(0, "call_c", "create_goal", r#"{"objective":"Keep going"}"#),
        "resp_1",
    );
    let second = reply(sse::message(0, "msg_2", "done"), "resp_2");
    let third = reply(sse::message(0, "msg_3", "again"), "resp_3");
    let server = MockResponsesServer::start(vec![first, second, third])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings_a, client) = settings(dir.path(), dir.path(), &server, false);
    settings_a.state_dir = Some(dir.path().to_path_buf());
    settings_a.tools = vec![serde_json::json!({"type": "function", "name": "create_goal"})];
    let settings_b = settings_a.clone();
    let mut session = Session::start(settings_a, client, "i".to_owned()).unwrap();
    let thread = session.thread_id().to_owned();
    let (tx, rx) = mpsc::channel(64);
    session.run_turn("goal", &tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    let Event::SessionConfigured {
        rollout_path: Some(path),
        ..
    } = session.configured_event()
    else {
        panic!("the session has a rollout");
    };
    drop(session);
    let store = recodex_state::GoalStore::open(dir.path()).unwrap();
    let before = store.get(&thread).unwrap().unwrap().tokens_used;
    let client = recodex_client::ModelClient::new(
        settings_b.provider.clone(),
        &recodex_client::LoginAuth::default(),
        &settings_b.env,
    )
    .unwrap();
    let mut resumed = Session::resume(settings_b, client, "i".to_owned(), &path).unwrap();
    let (tx, rx) = mpsc::channel(64);
    resumed.run_turn("more", &tx).await.unwrap();
    drop(tx);
    drain(rx).await;
    let after = store.get(&thread).unwrap().unwrap().tokens_used;
    assert_eq!(
        after - before,
        110,
        "the resumed turn's tokens count toward the goal"
    );
}

/// A conversation that no longer fits reports a full context window before failing, as the
/// reference does (found by the Python SDK side by side, issue 14).
#[tokio::test]
async fn a_context_window_failure_reports_full_usage() {
    let server = MockResponsesServer::start(vec![MockReply::sse(vec![
        sse::created("resp_1"),
        sse::failed("resp_1", "context_length_exceeded", "too long"),
    ])])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut settings, client) = settings(dir.path(), dir.path(), &server, true);
    settings.model = recodex_client::models::resolve_model_info(
        "gpt-5.4",
        recodex_client::models::bundled_catalog(),
    );
    let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
    let window = session.context_window().expect("a known window");
    let (tx, rx) = mpsc::channel(64);
    let err = session.run_turn("go", &tx).await.unwrap_err();
    drop(tx);
    assert_eq!(
        err.class(),
        recodex_core::ErrorClass::ContextWindowExceeded,
        "{err}"
    );
    let events = drain(rx).await;
    let usage = events.iter().find_map(|e| match e {
        Event::TokenCount { total, .. } => Some(*total),
        _ => None,
    });
    assert_eq!(usage.map(|u| u.total_tokens), Some(window));
}

#[tokio::test]
async fn a_chosen_service_tier_is_sent_and_the_default_tier_is_not() {
    let server = MockResponsesServer::start(vec![
        reply(sse::message(0, "m1", "one"), "r1"),
        reply(sse::message(0, "m2", "two"), "r2"),
    ])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (tier, sent) in [("priority", Some("priority")), ("default", None)] {
        let (mut settings, client) = settings(dir.path(), dir.path(), &server, true);
        settings.service_tier = Some(tier.to_owned());
        let mut session = Session::start(settings, client, "i".to_owned()).unwrap();
        let (tx, rx) = mpsc::channel(64);
        session.run_turn("hi", &tx).await.unwrap();
        drop(tx);
        drain(rx).await;
        let request = server.requests().last().unwrap().json();
        assert_eq!(request.get("service_tier").and_then(Value::as_str), sent);
    }
}
