//! Threads started here and their turns: `thread/start`, `turn/start` with its answer
//! and notifications in the reference's order, commands as items, `turn/interrupt`,
//! and a forked thread taking its first turn.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use recodex_client::models::fallback_model_info;
use recodex_client::{EnvMap, LoginAuth, ModelClient, Provider};
use recodex_config::schema::ModelProviderInfo;
use recodex_core::{Session, SessionSettings};
use recodex_protocol::AskForApproval;
use recodex_protocol::permissions::SandboxPolicy;
use recodex_server::{OpenRequest, Outbox, Processor, SessionFactory};
use recodex_testkit::{MockReply, MockResponsesServer, sse};
use serde_json::{Value, json};

use crate::fixture::{B, Home, standard};

/// Sessions against the mock model, unsandboxed, recorded in the fixture home.
pub(crate) struct MockSessions {
    pub(crate) home: PathBuf,
    pub(crate) base_url: String,
    /// Workspace-write with no sandbox helper: a command can only run outside the
    /// sandbox, that is, after an approved escalation.
    pub(crate) confined: bool,
}

impl SessionFactory for MockSessions {
    fn model_tools(&self, _session: &Session, slug: &str) -> recodex_core::ModelTools {
        recodex_core::ModelTools {
            model: fallback_model_info(slug),
            tools: vec![json!({"type": "function", "name": format!("tool_for_{slug}")})],
            parallel_tool_calls: false,
            deferred_tools: Vec::new(),
        }
    }

    fn open(&self, request: &OpenRequest) -> Result<Session, recodex_session::SessionError> {
        let env = EnvMap::from([
            ("MOCK_KEY".to_owned(), "sk-test".to_owned()),
            ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
        ]);
        let info = ModelProviderInfo {
            name: "mock".to_owned(),
            base_url: Some(self.base_url.clone()),
            env_key: Some("MOCK_KEY".to_owned()),
            request_max_retries: Some(0),
            stream_max_retries: Some(0),
            ..ModelProviderInfo::default()
        };
        let provider = Provider::from_info("mock", &info, &env);
        let client = ModelClient::new(provider.clone(), &LoginAuth::default(), &env).unwrap();
        let settings = SessionSettings {
            codex_home: self.home.clone(),
            cwd: request.cwd.clone(),
            model: fallback_model_info("gpt-5.1-codex"),
            provider_id: "mock".to_owned(),
            provider,
            approval_policy: match (request.approval_policy, &request.approvals) {
                (Some(policy), Some(_)) => policy,
                (_, Some(_)) => AskForApproval::OnRequest,
                (_, None) => AskForApproval::Never,
            },
            denied_paths: Vec::new(),
            glob_scan_max_depth: None,
            recorded_profile: None,
            active_profile: None,
            sandbox_policy: if request.sandbox == Some(recodex_protocol::SandboxMode::ReadOnly) {
                SandboxPolicy::ReadOnly {
                    network_access: false,
                }
            } else if self.confined {
                SandboxPolicy::WorkspaceWrite {
                    writable_roots: Vec::new(),
                    network_access: false,
                    exclude_tmpdir_env_var: false,
                    exclude_slash_tmp: false,
                }
            } else {
                SandboxPolicy::DangerFullAccess
            },
            originator: request.originator.clone(),
            thread_source: None,
            source: request.source.to_owned(),
            user_agent: "probe/0.136.0 (test)".to_owned(),
            env,
            ephemeral: request.ephemeral,
            timezone: "Etc/UTC".to_owned(),
            tools: Vec::new(),
            parallel_tool_calls: false,
            reasoning_effort: None,
            reasoning_summary: None,
            service_tier: None,
            exec_policy: None,
            output_schema: None,
            state_dir: Some(self.home.clone()),
            sandbox_exe: None,
            env_policy: recodex_process::EnvPolicy::from_toml(&Default::default()),
            allow_login_shell: false,
            shell_snapshot: false,
            deferred_tools: Vec::new(),
            multi_agent: None,
            subagent: None,
            approvals: request.approvals.clone(),
        };
        match &request.resume {
            None => Session::start(settings, client, "install".to_owned()),
            Some(rollout) => Session::resume(settings, client, "install".to_owned(), rollout),
        }
        .map_err(Into::into)
    }
}

pub(crate) fn reply(mut events: Vec<Value>, id: &str) -> MockReply {
    events.push(sse::completed(id, sse::default_usage()));
    MockReply::sse(events)
}

/// A connection that runs turns, initialized, and the lines it has sent.
pub(crate) struct Client {
    server: Processor,
    lines: std::sync::mpsc::Receiver<String>,
    next_id: i64,
}

impl Client {
    pub(crate) fn new(home: &Path, model: &MockResponsesServer) -> Self {
        Self::with(home, model, false)
    }

    fn with(home: &Path, model: &MockResponsesServer, confined: bool) -> Self {
        let (outbox, lines) = Outbox::channel();
        let factory = MockSessions {
            home: home.to_path_buf(),
            base_url: model.base_url(),
            confined,
        };
        let context = Home::context_for(home);
        let mut server = Processor::with_engine(context, Rc::new(factory), outbox);
        let mut log = Vec::new();
        let init = r#"{"id":0,"method":"initialize","params":{"clientInfo":{"name":"probe","version":"1"}}}"#;
        assert_eq!(server.handle_line(init, &mut log).len(), 2);
        Self {
            server,
            lines,
            next_id: 1,
        }
    }

    /// Sends a request; returns the lines answered at once.
    pub(crate) fn send(&mut self, method: &str, params: Value) -> Vec<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let line = json!({"id": id, "method": method, "params": params}).to_string();
        let mut log = Vec::new();
        self.server
            .handle_line(&line, &mut log)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Sends one raw line; returns the lines answered at once.
    pub(crate) fn send_raw(&mut self, line: &str) -> Vec<Value> {
        let mut log = Vec::new();
        self.server
            .handle_line(line, &mut log)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Lets background turns run until `done` says the collected lines are complete.
    pub(crate) async fn collect_until(&mut self, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        for _ in 0..500 {
            while let Ok(line) = self.lines.try_recv() {
                seen.push(serde_json::from_str(&line).unwrap());
            }
            if done(&seen) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("timed out; seen: {seen:#?}");
    }
}

fn methods(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| match l.get("method") {
            Some(m) => m.as_str().unwrap().to_owned(),
            None => format!("answer {}", l["id"]),
        })
        .collect()
}

pub(crate) fn completed(lines: &[Value]) -> bool {
    lines.iter().any(|l| l["method"] == "turn/completed")
}

#[tokio::test(flavor = "current_thread")]
async fn a_started_thread_runs_a_turn_with_the_reference_notifications() {
    let model =
        MockResponsesServer::start(vec![reply(sse::message(0, "msg_1", "Hello there."), "r1")])
            .await
            .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let cwd = home.path().display().to_string();
            let started = client.send("thread/start", json!({"cwd": cwd}));
            assert_eq!(methods(&started), ["answer 1", "thread/started"]);
            let thread = &started[0]["result"]["thread"];
            let id = thread["id"].as_str().unwrap().to_owned();
            assert_eq!(thread["status"], json!({"type": "idle"}));
            assert_eq!(thread["source"], "vscode");
            assert_eq!(thread["preview"], "");
            assert_eq!(started[0]["result"]["cwd"], cwd.as_str());

            let at_once = client.send(
                "turn/start",
                json!({"threadId": id, "input": [{"type": "text", "text": "Say hello", "text_elements": []}]}),
            );
            assert!(at_once.is_empty(), "answered by the turn: {at_once:?}");
            let lines = client.collect_until(completed).await;
            assert_eq!(
                methods(&lines),
                [
                    "answer 2",
                    "warning",
                    "thread/status/changed",
                    "turn/started",
                    "item/started",
                    "item/completed",
                    "item/started",
                    "item/agentMessage/delta",
                    "item/agentMessage/delta",
                    "item/completed",
                    "thread/tokenUsage/updated",
                    "account/rateLimits/updated",
                    "thread/status/changed",
                    "turn/completed",
                ]
            );
            let turn_id = lines[0]["result"]["turn"]["id"].as_str().unwrap();
            assert_eq!(lines[0]["result"]["turn"]["status"], "inProgress");
            assert_eq!(lines[1]["params"]["message"], "Model metadata for `gpt-5.1-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.");
            assert_eq!(lines[0]["result"]["turn"]["startedAt"], json!(null));
            assert_eq!(lines[2]["params"]["status"], json!({"type": "active", "activeFlags": []}));
            assert_eq!(lines[4]["params"]["item"]["type"], "userMessage");
            assert_eq!(lines[4]["params"]["item"]["content"][0]["text"], "Say hello");
            assert_eq!(lines[4]["params"]["turnId"], turn_id);
            // The message streams under the model's item id.
            assert_eq!(lines[6]["params"]["item"], json!({"type": "agentMessage", "id": "msg_1",
                "text": "", "phase": null, "memoryCitation": null}));
            assert_eq!(lines[7]["params"]["delta"], "Hello ");
            assert_eq!(lines[8]["params"]["delta"], "there.");
            assert_eq!(lines[8]["params"]["itemId"], "msg_1");
            assert_eq!(lines[9]["params"]["item"]["text"], "Hello there.");
            assert_eq!(lines[9]["params"]["item"]["id"], "msg_1");
            let done = &lines[13]["params"]["turn"];
            assert_eq!(done["id"], turn_id);
            assert_eq!(done["status"], "completed");
            assert_eq!(lines[12]["params"]["status"], json!({"type": "idle"}));

            // The thread is recorded: listed with its first message, readable with its turn.
            let read = client.send("thread/read", json!({"threadId": id, "includeTurns": true}));
            let turns = &read[0]["result"]["thread"]["turns"];
            assert_eq!(turns[0]["id"], turn_id);
            assert_eq!(turns[0]["items"][1]["text"], "Hello there.");
            assert_eq!(read[0]["result"]["thread"]["status"], json!({"type": "idle"}));
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn commands_are_items_and_interrupt_stops_a_turn() {
    let call = sse::function_call(0, "call_7", "exec_command", r#"{"cmd":"echo hi"}"#);
    let slow = sse::function_call(0, "call_8", "exec_command", r#"{"cmd":"sleep 30"}"#);
    let model = MockResponsesServer::start(vec![
        reply(call, "r1"),
        reply(sse::message(0, "msg_2", "It printed hi."), "r2"),
        reply(slow, "r3"),
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
            let text = |t: &str| json!([{"type": "text", "text": t, "text_elements": []}]);
            client.send(
                "turn/start",
                json!({"threadId": id, "input": text("Run echo hi")}),
            );
            let lines = client.collect_until(completed).await;
            let command: Vec<&Value> = lines
                .iter()
                .filter(|l| l["params"]["item"]["type"] == "commandExecution")
                .collect();
            assert_eq!(command.len(), 2, "{lines:#?}");
            assert_eq!(command[0]["method"], "item/started");
            assert_eq!(command[0]["params"]["item"]["status"], "inProgress");
            assert_eq!(command[0]["params"]["item"]["id"], "call_7");
            let done = &command[1]["params"]["item"];
            assert_eq!(done["status"], "completed");
            assert_eq!(done["aggregatedOutput"], "hi\n");
            assert_eq!(done["exitCode"], 0);
            assert_eq!(
                done["commandActions"],
                json!([{"type": "unknown", "command": "echo hi"}])
            );

            // A second turn runs a long command; turn/interrupt ends it as interrupted.
            client.send(
                "turn/start",
                json!({"threadId": id, "input": text("Sleep")}),
            );
            let running = client
                .collect_until(|ls| ls.iter().any(|l| l["params"]["item"]["id"] == "call_8"))
                .await;
            let turn_id = running[0]["result"]["turn"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let busy = client.send(
                "turn/start",
                json!({"threadId": id, "input": text("Again")}),
            );
            assert_eq!(
                busy[0]["error"]["message"],
                format!("thread {id} already has a turn in progress")
            );
            let stop = client.send("turn/interrupt", json!({"threadId": id, "turnId": turn_id}));
            assert_eq!(stop[0]["result"], json!({}));
            let lines = client.collect_until(completed).await;
            let done = lines
                .iter()
                .find(|l| l["method"] == "turn/completed")
                .unwrap();
            assert_eq!(done["params"]["turn"]["status"], "interrupted");
            let idle = client.send("turn/interrupt", json!({"threadId": id}));
            assert_eq!(idle[0]["error"]["code"], -32600);
            assert_eq!(idle[0]["error"]["message"], "no active turn to interrupt");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_forked_thread_takes_its_first_turn_with_the_parents_history() {
    let model =
        MockResponsesServer::start(vec![reply(sse::message(0, "msg_3", "Continued."), "r1")])
            .await
            .unwrap();
    let home = Home::new(&standard());
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let forked = client.send("thread/fork", json!({"threadId": B}));
            let id = forked[0]["result"]["thread"]["id"].as_str().unwrap().to_owned();
            client.send(
                "turn/start",
                json!({"threadId": id, "input": [{"type": "text", "text": "And then?", "text_elements": []}]}),
            );
            let lines = client.collect_until(completed).await;
            let done = lines.iter().find(|l| l["method"] == "turn/completed").unwrap();
            assert_eq!(done["params"]["turn"]["status"], "completed", "{lines:#?}");
            // The request carried the parent's conversation, then the new message.
            let body = model.requests()[0].json();
            let texts: Vec<String> = body["input"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|i| i["content"][0]["text"].as_str().map(str::to_owned))
                .collect();
            assert!(texts.iter().any(|t| t == "Second thread: run echo hi"), "{texts:?}");
            assert_eq!(texts.last().map(String::as_str), Some("And then?"));
        })
        .await;
}

/// The tool outputs the model was sent, in order.
fn tool_outputs(model: &MockResponsesServer) -> Vec<String> {
    model
        .requests()
        .iter()
        .flat_map(|r| r.json()["input"].as_array().cloned().unwrap_or_default())
        .filter(|i| i["type"] == "function_call_output")
        .map(|i| i["output"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// An escalation request, a later decision, and the output the model got.
struct Escalation {
    lines: Vec<Value>,
    outputs: Vec<String>,
    home: Home,
}

/// Runs one turn whose model asks to run `touch <outside>` outside the sandbox, answers
/// the approval request with `decision`, and returns what happened.
async fn escalate(decision: Value, outside: &Path) -> Escalation {
    let args = json!({"cmd": format!("touch {}", outside.display()),
        "sandbox_permissions": "require_escalated", "justification": "need to write outside"});
    let call = sse::function_call(0, "call_1", "exec_command", &args.to_string());
    let model = MockResponsesServer::start(vec![
        reply(call, "r1"),
        reply(sse::message(0, "m2", "Done."), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let mut client = Client::with(home.path(), &model, true);
    let started = client.send("thread/start", json!({"cwd": home.path()}));
    let id = started[0]["result"]["thread"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    client.send(
        "turn/start",
        json!({"threadId": id, "input": [{"type": "text", "text": "Touch it", "text_elements": []}]}),
    );
    let mut lines = client
        .collect_until(|ls| {
            ls.iter()
                .any(|l| l["method"] == "item/commandExecution/requestApproval")
        })
        .await;
    let ask = lines.last().unwrap().clone();
    let answer = json!({"id": ask["id"], "result": {"decision": decision}});
    let mut log = Vec::new();
    let resolved = client.server.handle_line(&answer.to_string(), &mut log);
    lines.extend(
        resolved
            .iter()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()),
    );
    lines.extend(client.collect_until(completed).await);
    let outputs = tool_outputs(&model);
    Escalation {
        lines,
        outputs,
        home,
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_escalation_waits_for_the_clients_approval_and_runs_outside_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.txt");
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let run = escalate(json!("accept"), &outside).await;
            let ask = run
                .lines
                .iter()
                .find(|l| l["method"] == "item/commandExecution/requestApproval")
                .unwrap();
            let keys: Vec<&str> = ask
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, ["method", "id", "params"]);
            let params = &ask["params"];
            let keys: Vec<&str> = params
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
                    "command",
                    "cwd",
                    "commandActions",
                    "proposedExecpolicyAmendment",
                    "availableDecisions"
                ]
            );
            assert_eq!(params["itemId"], "call_1");
            assert_eq!(params["reason"], "need to write outside");
            let order: Vec<String> = run
                .lines
                .iter()
                .filter_map(|l| l["method"].as_str().map(str::to_owned))
                .filter(|m| m.starts_with("item/") || m.starts_with("serverRequest"))
                .collect();
            let position = |m: &str| order.iter().position(|o| o == m).unwrap();
            assert!(
                position("item/started") < position("item/commandExecution/requestApproval"),
                "{order:?}"
            );
            assert!(
                position("serverRequest/resolved")
                    < order.iter().rposition(|o| o == "item/completed").unwrap()
            );
            // Waiting shows in the thread's status, from the question until the answer.
            let at = |m: &str| run.lines.iter().position(|l| l["method"] == m).unwrap();
            let flags = |want: Value| {
                run.lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l["method"] == "thread/status/changed")
                    .filter(|(_, l)| l["params"]["status"]["activeFlags"] == want)
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>()
            };
            let waiting = flags(json!(["waitingOnApproval"]))[0];
            let command_started = run
                .lines
                .iter()
                .position(|l| {
                    l["method"] == "item/started"
                        && l["params"]["item"]["type"] == "commandExecution"
                })
                .unwrap();
            assert!(waiting < command_started);
            assert!(command_started < at("item/commandExecution/requestApproval"));
            let resolved = at("serverRequest/resolved");
            assert!(flags(json!([])).iter().any(|&i| i > resolved));
            assert!(
                outside.exists(),
                "the approved command ran outside the sandbox"
            );
            // Announced by the agent while waiting; completed as the process that ran, with
            // its id, and no output since `touch` prints nothing.
            let item = |method: &str| {
                run.lines
                    .iter()
                    .find(|l| {
                        l["method"] == method && l["params"]["item"]["type"] == "commandExecution"
                    })
                    .map(|l| l["params"]["item"].clone())
                    .unwrap()
            };
            let (begun, done) = (item("item/started"), item("item/completed"));
            assert_eq!(begun["source"], "agent");
            assert_eq!(begun["processId"], Value::Null);
            assert_eq!(done["source"], "unifiedExecStartup");
            assert!(
                done["processId"].as_str().is_some_and(|p| !p.is_empty()),
                "{done}"
            );
            assert_eq!(done["aggregatedOutput"], Value::Null);
            assert!(
                run.outputs[0].contains("Process exited with code 0"),
                "{:?}",
                run.outputs
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_declined_escalation_never_runs_and_the_model_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.txt");
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let run = escalate(json!("decline"), &outside).await;
            assert!(!outside.exists());
            let done = run
                .lines
                .iter()
                .filter(|l| l["method"] == "item/completed")
                .find(|l| l["params"]["item"]["type"] == "commandExecution")
                .unwrap();
            let item = &done["params"]["item"];
            assert_eq!(item["status"], "declined");
            // Never ran: announced by the agent, no process, output or duration.
            assert_eq!(item["source"], "agent");
            assert_eq!(item["processId"], Value::Null);
            assert_eq!(item["aggregatedOutput"], Value::Null);
            assert_eq!(item["durationMs"], Value::Null);
            assert_eq!(
                run.outputs[0],
                format!(
                    "exec_command failed for `/bin/bash -c 'touch {}'`: CreateProcess {{ message: \"Rejected(\\\"rejected by user\\\")\" }}",
                    outside.display()
                )
            );
            let turn = run.lines.iter().find(|l| l["method"] == "turn/completed").unwrap();
            assert_eq!(turn["params"]["turn"]["status"], "completed");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_escalation_stops_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.txt");
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let run = escalate(json!("cancel"), &outside).await;
            assert!(!outside.exists());
            let turn = run
                .lines
                .iter()
                .find(|l| l["method"] == "turn/completed")
                .unwrap();
            assert_eq!(turn["params"]["turn"]["status"], "interrupted");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_approval_with_a_rule_appends_it_to_the_users_rules() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.txt");
    let touch = outside.display().to_string();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let decision = json!({"acceptWithExecpolicyAmendment": {
                "execpolicy_amendment": ["touch", touch]}});
            let run = escalate(decision, &outside).await;
            assert!(outside.exists());
            let rules =
                std::fs::read_to_string(run.home.path().join("rules/default.rules")).unwrap();
            assert_eq!(
                rules,
                format!("prefix_rule(pattern=[\"touch\", \"{touch}\"], decision=\"allow\")\n")
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_thread_started_with_approval_never_asks_nothing() {
    let args = json!({"cmd": "echo hi", "sandbox_permissions": "require_escalated",
        "justification": "please"});
    let call = sse::function_call(0, "call_1", "exec_command", &args.to_string());
    let model = MockResponsesServer::start(vec![
        reply(call, "r1"),
        reply(sse::message(0, "m2", "Ok."), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::with(home.path(), &model, true);
            let started = client.send(
                "thread/start",
                json!({"cwd": home.path(), "approvalPolicy": "never"}),
            );
            assert_eq!(started[0]["result"]["approvalPolicy"], "never");
            let id = started[0]["result"]["thread"]["id"].as_str().unwrap().to_owned();
            client.send(
                "turn/start",
                json!({"threadId": id, "input": [{"type": "text", "text": "Go", "text_elements": []}]}),
            );
            let lines = client.collect_until(completed).await;
            assert!(
                !lines.iter().any(|l| l["method"] == "item/commandExecution/requestApproval"),
                "{lines:#?}"
            );
            let output = tool_outputs(&model).remove(0);
            assert!(!output.contains("Process exited with code 0"), "{output}");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_clients_sandbox_choice_confines_the_thread() {
    let call = sse::function_call(0, "call_1", "exec_command", r#"{"cmd":"echo hi"}"#);
    let model = MockResponsesServer::start(vec![
        reply(call, "r1"),
        reply(sse::message(0, "m2", "Ok."), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let bad = client.send("thread/start", json!({"sandbox": "bogus"}));
            assert_eq!(bad[0]["error"]["code"], -32600);
            let started = client.send(
                "thread/start",
                json!({"cwd": home.path(), "sandbox": "read-only"}),
            );
            let result = &started[0]["result"];
            assert_eq!(result["sandbox"], json!({"type": "readOnly", "networkAccess": false}));
            // A sandbox the client names is no permission profile (the reference: null).
            assert_eq!(result["activePermissionProfile"], serde_json::Value::Null);
            let id = result["thread"]["id"].as_str().unwrap().to_owned();
            client.send(
                "turn/start",
                json!({"threadId": id, "input": [{"type": "text", "text": "Go", "text_elements": []}]}),
            );
            client.collect_until(completed).await;
            // The test sessions have no sandbox helper: a confined command cannot start.
            let output = tool_outputs(&model).remove(0);
            assert!(!output.contains("Process exited with code 0"), "{output}");
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_turn_may_switch_the_model_for_itself_and_the_next_turns() {
    let model = MockResponsesServer::start(vec![
        reply(sse::message(0, "m1", "One."), "r1"),
        reply(sse::message(0, "m2", "Two."), "r2"),
    ])
    .await
    .unwrap();
    let home = Home::new(&[]);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let mut client = Client::new(home.path(), &model);
            let started = client.send("thread/start", json!({"cwd": home.path()}));
            let id = started[0]["result"]["thread"]["id"].as_str().unwrap().to_owned();
            let text = |t: &str| json!([{"type": "text", "text": t, "text_elements": []}]);
            let bad = client.send(
                "turn/start",
                json!({"threadId": id, "input": text("x"), "effort": "bogus"}),
            );
            assert!(bad[0]["error"]["message"].as_str().unwrap().starts_with("Invalid request: unknown variant `bogus`"));
            client.send(
                "turn/start",
                json!({"threadId": id, "input": text("One"), "model": "other-model", "effort": "high"}),
            );
            client.collect_until(completed).await;
            client.send("turn/start", json!({"threadId": id, "input": text("Two")}));
            let second = client.collect_until(completed).await;
            // An unknown model is announced with every turn, not the first only.
            assert!(second.iter().any(|l| l["method"] == "warning"), "{second:#?}");
            for request in model.requests() {
                let body = request.json();
                assert_eq!(body["model"], "other-model");
                assert_eq!(body["tools"][0]["name"], "tool_for_other-model");
            }
        })
        .await;
}

/// A turn runs on an in-process server as on a stdio one: the caller sees the same
/// notifications in the same order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_process_server_runs_turns() {
    let model =
        MockResponsesServer::start(vec![reply(sse::message(0, "msg_1", "In process."), "r1")])
            .await
            .unwrap();
    let home = Home::new(&[]);
    let (path, base_url) = (home.path().to_path_buf(), model.base_url());
    let lines = tokio::task::spawn_blocking(move || {
        let context = Home::context_for(&path);
        let factory = MockSessions {
            home: path.clone(),
            base_url,
            confined: false,
        };
        let connection = recodex_server::InProcessConnection::start(move |outbox| {
            Box::new(Processor::with_engine(context, Rc::new(factory), outbox))
        })
        .unwrap();
        let mut seen = Vec::new();
        let mut until = |done: &dyn Fn(&Value) -> bool| loop {
            let message = connection
                .recv_timeout(Duration::from_secs(20))
                .unwrap()
                .expect("a message");
            seen.push(message.clone());
            if done(&message) {
                return message;
            }
        };
        connection
            .send(&json!({"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "tui", "version": "1"}}}))
            .unwrap();
        until(&|m| m["id"] == 0);
        connection
            .send(&json!({"id": 1, "method": "thread/start", "params": {"cwd": path}}))
            .unwrap();
        let started = until(&|m| m["id"] == 1);
        let thread = started["result"]["thread"]["id"].as_str().unwrap().to_owned();
        connection
            .send(&json!({"id": 2, "method": "turn/start", "params": {"threadId": thread,
                "input": [{"type": "text", "text": "hi", "text_elements": []}]}}))
            .unwrap();
        until(&|m| m["method"] == "turn/completed");
        connection.close().unwrap();
        seen
    })
    .await
    .unwrap();
    let text: Vec<&str> = lines
        .iter()
        .filter(|l| l["method"] == "item/completed")
        .filter_map(|l| l["params"]["item"]["text"].as_str())
        .collect();
    assert_eq!(text, ["In process."]);
    assert_eq!(
        lines.last().unwrap()["params"]["turn"]["status"],
        "completed"
    );
}
