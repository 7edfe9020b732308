//! `codex mcp-server`: an MCP server over stdio (JSON-RPC 2.0 with the `"jsonrpc"`
//! member) offering the `codex` and `codex-reply` tools. A call starts (or continues) a
//! thread, streams its events as `codex/event` notifications and answers with the
//! turn's final message.

mod events;
mod tools;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use recodex_core::{ApprovalRequest, Event, ReviewDecision, Session, UserInput};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::approvals::next_question;
use crate::outbox::Outbox;
use crate::{LineHandler, ServerContext};
use events::McpTurn;
use recodex_session::{OpenRequest, SessionFactory};

/// The originator of the threads this server starts.
const ORIGINATOR: &str = "codex_cli_rs";

/// Threads started through `codex`, by id; a thread's session is out while it runs.
type Threads = Rc<RefCell<HashMap<String, Option<Session>>>>;

/// Each thread's approval questions, read by its running call.
type Questions = Rc<RefCell<HashMap<String, mpsc::UnboundedReceiver<ApprovalRequest>>>>;

/// One MCP connection.
pub struct McpServer {
    context: ServerContext,
    factory: Rc<dyn SessionFactory>,
    outbox: Outbox,
    initialized: bool,
    threads: Threads,
    questions: Questions,
    /// Approval elicitations waiting for the client's answer.
    pending: crate::approvals::SharedApprovals,
    /// Running calls by request id, to interrupt them on `notifications/cancelled`.
    running: Running,
    /// Calls cancelled by the client: their turns end unanswered.
    cancelled: Rc<RefCell<std::collections::HashSet<String>>>,
}

type Running = Rc<RefCell<HashMap<String, recodex_core::InterruptHandle>>>;

impl McpServer {
    /// A connection whose turns run on sessions from `factory` and report through
    /// `outbox`. Must be driven inside a `tokio::task::LocalSet`.
    pub fn new(context: ServerContext, factory: Rc<dyn SessionFactory>, outbox: Outbox) -> Self {
        Self {
            context,
            factory,
            outbox,
            initialized: false,
            threads: Threads::default(),
            questions: Questions::default(),
            pending: crate::approvals::SharedApprovals::default(),
            running: Running::default(),
            cancelled: Rc::default(),
        }
    }

    fn request(&mut self, id: Value, method: &str, params: Option<Value>) -> Option<String> {
        let result = match method {
            "initialize" => self.initialize(params.as_ref()),
            "ping" => Ok(json!({})),
            "tools/list" => Ok(tools::tools_list()),
            "tools/call" => match params
                .as_ref()
                .and_then(|p| p["name"].as_str().map(|n| (n, p)))
            {
                Some((name, params)) => {
                    let arguments = params.get("arguments").filter(|a| !a.is_null()).cloned();
                    match self.call(id.clone(), name, arguments) {
                        // Answered by the turn when it ends.
                        Ok(None) => return None,
                        Ok(Some(result)) => Ok(result),
                        Err(error) => Err(error),
                    }
                }
                None => Err(not_found(method)),
            },
            _ => Err(not_found(method)),
        };
        Some(match result {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string(),
            Err(error) => json!({"jsonrpc": "2.0", "id": id, "error": error}).to_string(),
        })
    }

    /// `initialize`: the protocol version is echoed; params that do not fit are answered
    /// as the reference answers them (`method not found`).
    fn initialize(&mut self, params: Option<&Value>) -> Result<Value, Value> {
        let params = params.ok_or_else(|| not_found("initialize"))?;
        let client = &params["clientInfo"];
        let (Some(version), Some(name), Some(client_version)) = (
            params["protocolVersion"].as_str(),
            client["name"].as_str(),
            client["version"].as_str(),
        ) else {
            return Err(not_found("initialize"));
        };
        if !params["capabilities"].is_object() {
            return Err(not_found("initialize"));
        }
        if self.initialized {
            return Err(json!({"code": -32600, "message": "initialize called more than once"}));
        }
        self.initialized = true;
        let context = &self.context;
        Ok(json!({
            "protocolVersion": version,
            "capabilities": {"tools": {"listChanged": true}},
            "serverInfo": {
                "name": "codex-mcp-server",
                "title": "Codex",
                "version": recodex_state::CLI_VERSION,
                "user_agent": format!(
                    "{ORIGINATOR}/{} ({}; {}) {} ({name}; {client_version})",
                    recodex_state::CLI_VERSION,
                    context.os,
                    context.arch,
                    context.terminal,
                ),
            },
        }))
    }

    /// `tools/call`: `codex` opens a thread, `codex-reply` continues one; either runs a
    /// turn in the background (`Ok(None)`). Bad arguments are tool results with
    /// `isError`, as in the reference.
    fn call(
        &mut self,
        id: Value,
        name: &str,
        arguments: Option<Value>,
    ) -> Result<Option<Value>, Value> {
        let parse_error = |e: serde_json::Error| {
            tool_error(&format!(
                "Failed to parse configuration for Codex tool: {e}"
            ))
        };
        match name {
            "codex" => {
                let Some(arguments) = arguments else {
                    return Ok(Some(tool_error(
                        "Missing arguments for codex tool-call; the `prompt` field is required.",
                    )));
                };
                let args: CodexArgs = match serde_json::from_value(arguments) {
                    Ok(args) => args,
                    Err(e) => return Ok(Some(parse_error(e))),
                };
                let cwd = match &args.cwd {
                    Some(dir) => self.context.cwd.join(dir),
                    None => self.context.cwd.clone(),
                };
                let (approvals, questions) = crate::approvals::channel();
                let session = match self.factory.open(&OpenRequest {
                    cwd,
                    model: args.model.clone(),
                    originator: ORIGINATOR.to_owned(),
                    client: None,
                    ephemeral: false,
                    resume: None,
                    source: "mcp",
                    thread_source: None,
                    sandbox: args.sandbox.map(SandboxArg::mode),
                    approvals: Some(approvals),
                    approval_policy: None,
                    service_tier: recodex_session::ServiceTierRequest::Configured,
                }) {
                    Ok(session) => session,
                    Err(err) => {
                        return Ok(Some(tool_error(&format!(
                            "Failed to load Codex configuration from overrides: {err}"
                        ))));
                    }
                };
                let thread_id = session.thread_id().to_owned();
                self.threads.borrow_mut().insert(thread_id.clone(), None);
                self.questions
                    .borrow_mut()
                    .insert(thread_id.clone(), questions);
                let turn = McpTurn::new(
                    self.outbox.clone(),
                    id.clone(),
                    id_text(&id),
                    thread_id,
                    session.context_window(),
                );
                turn.emit(session_configured(&session), "");
                turn.emit(
                    json!({"type": "mcp_startup_complete", "ready": [], "failed": [], "cancelled": []}),
                    "",
                );
                self.spawn(id, session, turn, args.prompt);
                Ok(None)
            }
            "codex-reply" => {
                let Some(arguments) = arguments else {
                    return Ok(Some(tool_error(
                        "Missing arguments for codex-reply tool-call; the `thread_id` and `prompt` fields are required.",
                    )));
                };
                let args: ReplyArgs = match serde_json::from_value(arguments) {
                    Ok(args) => args,
                    Err(e) => return Ok(Some(parse_error(e))),
                };
                let Some(raw) = args.thread_id.or(args.conversation_id) else {
                    return Ok(Some(tool_error(
                        "Failed to parse thread_id: either threadId or conversationId must be provided",
                    )));
                };
                let thread_id = match uuid::Uuid::parse_str(&raw) {
                    Ok(parsed) => parsed.hyphenated().to_string(),
                    Err(e) => {
                        let why = crate::threads::uuid_error(&raw, &e);
                        return Ok(Some(tool_error(&format!(
                            "Failed to parse thread_id: {why}"
                        ))));
                    }
                };
                let taken = self
                    .threads
                    .borrow_mut()
                    .get_mut(&thread_id)
                    .map(Option::take);
                let session = match taken {
                    Some(Some(session)) => session,
                    Some(None) => {
                        return Ok(Some(failed(
                            &thread_id,
                            &format!("thread {thread_id} already has a turn in progress"),
                        )));
                    }
                    None => {
                        return Ok(Some(failed(
                            &thread_id,
                            &format!("Session not found for thread_id: {thread_id}"),
                        )));
                    }
                };
                // A reply's turn is named afresh (the first turn takes the request id).
                let turn_id = uuid::Uuid::now_v7().to_string();
                let turn = McpTurn::new(
                    self.outbox.clone(),
                    id.clone(),
                    turn_id,
                    thread_id,
                    session.context_window(),
                );
                self.spawn(id, session, turn, args.prompt);
                Ok(None)
            }
            other => Ok(Some(tool_error(&format!("Unknown tool '{other}'")))),
        }
    }

    fn spawn(&self, id: Value, session: Session, turn: McpTurn, prompt: String) {
        self.running
            .borrow_mut()
            .insert(id_text(&id), session.interrupt_handle());
        tokio::task::spawn_local(run(
            Shared {
                threads: Rc::clone(&self.threads),
                questions: Rc::clone(&self.questions),
                pending: Rc::clone(&self.pending),
                running: Rc::clone(&self.running),
                cancelled: Rc::clone(&self.cancelled),
            },
            self.outbox.clone(),
            id,
            session,
            turn,
            prompt,
        ));
    }

    /// The client's answer to elicitation `id`: `{"decision": ...}` as the reference reads
    /// it (anything else, an error included, declines).
    fn answered(&self, id: i64, result: Option<&Value>, log: &mut dyn Write) {
        let decision = match result.map(|r| &r["decision"]) {
            Some(Value::String(d)) if d == "approved" => ReviewDecision::Approved,
            Some(Value::String(d)) if d == "approved_for_session" => {
                ReviewDecision::ApprovedForSession
            }
            Some(Value::Object(d)) if d.contains_key("approved_execpolicy_amendment") => {
                let words: Vec<&str> =
                    d["approved_execpolicy_amendment"]["proposed_execpolicy_amendment"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                if !words.is_empty() {
                    let _ = crate::approvals::append_allow_rule(&self.context.codex_home, &words);
                }
                ReviewDecision::ApprovedForSession
            }
            Some(Value::String(d)) if d == "abort" => ReviewDecision::Abort,
            other => {
                if other.is_none_or(|d| !d.is_string()) {
                    let _ = writeln!(
                        log,
                        "ERROR recodex_server::mcp: failed to read the approval answer {id}: missing field `decision`"
                    );
                }
                ReviewDecision::Denied
            }
        };
        self.pending.answer(id, decision);
    }

    /// `notifications/cancelled`: the named call's turn is interrupted and never answered.
    fn cancel(&self, params: &Value) {
        let request = id_text(&params["requestId"]);
        if let Some(handle) = self.running.borrow_mut().remove(&request) {
            self.cancelled.borrow_mut().insert(request);
            handle.interrupt();
        }
    }
}

fn not_found(method: &str) -> Value {
    json!({"code": -32601, "message": format!("method not found: {method}"),
           "data": {"method": method}})
}

/// A tool result reporting bad arguments (no structured content).
fn tool_error(message: &str) -> Value {
    json!({"content": [{"type": "text", "text": message}], "isError": true})
}

impl LineHandler for McpServer {
    fn handle_line(&mut self, line: &str, log: &mut dyn Write) -> Vec<String> {
        let message: Value = match serde_json::from_str(line) {
            Ok(Value::Object(map)) if map.get("jsonrpc") == Some(&json!("2.0")) => {
                Value::Object(map)
            }
            Ok(_) => {
                let _ = writeln!(
                    log,
                    "ERROR recodex_server::mcp: Failed to deserialize JSON-RPC message: not a JSON-RPC 2.0 message"
                );
                return Vec::new();
            }
            Err(e) => {
                let _ = writeln!(
                    log,
                    "ERROR recodex_server::mcp: Failed to deserialize JSON-RPC message: {e}"
                );
                return Vec::new();
            }
        };
        let Some(method) = message["method"].as_str() else {
            // An answer to an elicitation resolves it; others are ignored.
            if let Some(id) = message["id"].as_i64() {
                self.answered(id, message.get("result"), log);
            }
            return Vec::new();
        };
        let id = message
            .get("id")
            .filter(|id| id.is_string() || id.is_i64() || id.is_u64());
        let Some(id) = id else {
            if method == "notifications/cancelled" {
                self.cancel(&message["params"]);
            }
            return Vec::new();
        };
        let params = message.get("params").filter(|p| !p.is_null()).cloned();
        self.request(id.clone(), method, params)
            .into_iter()
            .collect()
    }
}

/// `codex` arguments, in the reference's field order (its serde errors list them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodexArgs {
    prompt: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default, rename = "approval-policy")]
    _approval_policy: Option<ApprovalArg>,
    #[serde(default)]
    sandbox: Option<SandboxArg>,
    #[serde(default, rename = "config")]
    _config: Option<Value>,
    #[serde(default, rename = "base-instructions")]
    _base_instructions: Option<String>,
    #[serde(default, rename = "developer-instructions")]
    _developer_instructions: Option<String>,
    #[serde(default, rename = "compact-prompt")]
    _compact_prompt: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum SandboxArg {
    ReadOnly,
    WorkspaceWrite,
    DangerFullAccess,
}

impl SandboxArg {
    fn mode(self) -> recodex_protocol::SandboxMode {
        match self {
            Self::ReadOnly => recodex_protocol::SandboxMode::ReadOnly,
            Self::WorkspaceWrite => recodex_protocol::SandboxMode::WorkspaceWrite,
            Self::DangerFullAccess => recodex_protocol::SandboxMode::DangerFullAccess,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ApprovalArg {
    Untrusted,
    OnFailure,
    OnRequest,
    Never,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplyArgs {
    prompt: String,
    #[serde(default)]
    thread_id: Option<String>,
    #[serde(default)]
    conversation_id: Option<String>,
}

/// The `session_configured` event of a new thread.
fn session_configured(session: &Session) -> Value {
    let settings = session.settings();
    json!({
        "type": "session_configured",
        "session_id": session.thread_id(),
        "thread_id": session.thread_id(),
        "model": settings.model.slug,
        "model_provider_id": settings.provider_id,
        "approval_policy": settings.approval_policy,
        "approvals_reviewer": "user",
        "permission_profile": settings.permission_profile(),
        "active_permission_profile": settings.active_profile.as_ref().map(|id| json!({"id": id})),
        "cwd": settings.cwd,
        "rollout_path": session.rollout_path(),
    })
}

/// A request id as the events' submission id (`"2"`).
fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What a running call shares with the connection.
struct Shared {
    threads: Threads,
    questions: Questions,
    pending: crate::approvals::SharedApprovals,
    running: Running,
    cancelled: Rc<RefCell<std::collections::HashSet<String>>>,
}

/// Runs one turn of a `tools/call` and answers it with the final message.
async fn run(
    shared: Shared,
    outbox: Outbox,
    request: Value,
    mut session: Session,
    mut turn: McpTurn,
    prompt: String,
) {
    let thread_id = session.thread_id().to_owned();
    // An unknown model is announced before every turn, as the reference does.
    let notice = crate::live::fallback_notice(&session);
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let input = UserInput::text(prompt.clone());
    let turn_run = async {
        let outcome = session.run_turn_with(&input, &tx).await;
        drop(tx);
        outcome
    };
    let mut questions = shared.questions.borrow_mut().remove(&thread_id);
    let pump = async {
        loop {
            let event = tokio::select! {
                biased;
                question = next_question(&mut questions) => {
                    turn.elicit(&shared.pending, question);
                    continue;
                }
                event = rx.recv() => match event {
                    Some(event) => event,
                    None => break,
                },
            };
            if matches!(event, Event::TurnStarted { .. }) {
                if let Some(message) = &notice {
                    turn.warning(message);
                }
                turn.started(&prompt);
            }
            turn.event(event);
        }
    };
    let (outcome, ()) = tokio::join!(turn_run, pump);
    if let Err(err) = &outcome
        && !matches!(err, recodex_core::CoreError::Interrupted)
    {
        turn.failed(err);
    }
    if let Some(slot) = shared.threads.borrow_mut().get_mut(&thread_id) {
        *slot = Some(session);
    }
    if let Some(questions) = questions {
        shared
            .questions
            .borrow_mut()
            .insert(thread_id.clone(), questions);
    }
    let key = id_text(&request);
    shared.running.borrow_mut().remove(&key);
    if shared.cancelled.borrow_mut().remove(&key) {
        // The client cancelled the call: it gets no answer.
        return;
    }
    let answer = match (outcome, turn.error.take()) {
        (Ok(_), None) => {
            let text = turn.last_message.take().unwrap_or_default();
            json!({
                "content": [{"type": "text", "text": text}],
                "structuredContent": {"threadId": thread_id, "content": text},
            })
        }
        (Ok(_), Some(message)) | (Err(_), Some(message)) => failed(&thread_id, &message),
        (Err(err), None) => failed(&thread_id, &err.to_string()),
    };
    outbox.line(json!({"jsonrpc": "2.0", "id": request, "result": answer}).to_string());
}

/// A tool result reporting a failed turn.
fn failed(thread_id: &str, message: &str) -> Value {
    json!({
        "content": [{"type": "text", "text": message}],
        "structuredContent": {"threadId": thread_id, "content": message},
        "isError": true,
    })
}

/// Serves MCP on `input`/`output` until `input` ends.
pub fn serve_mcp(
    context: ServerContext,
    factory: Rc<dyn SessionFactory>,
    input: impl std::io::BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    log: impl Write,
) -> std::io::Result<()> {
    crate::serve_lines(
        move |outbox| -> Box<dyn LineHandler> {
            Box::new(McpServer::new(context, factory, outbox))
        },
        crate::Backpressure::Wait,
        input,
        output,
        log,
    )
}
