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

use recodex_core::{Event, Session, UserInput};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::live::{OpenRequest, SessionFactory};
use crate::outbox::Outbox;
use crate::{LineHandler, ServerContext};
use events::McpTurn;

/// The MCP protocol version answered when the client names none.
const PROTOCOL_VERSION: &str = "2025-06-18";
/// The originator of the threads this server starts.
const ORIGINATOR: &str = "codex_cli_rs";

/// Threads started through `codex`, by id; a thread's session is out while it runs.
type Threads = Rc<RefCell<HashMap<String, Option<Session>>>>;

/// One MCP connection.
pub struct McpServer {
    context: ServerContext,
    factory: Rc<dyn SessionFactory>,
    outbox: Outbox,
    initialized: bool,
    threads: Threads,
}

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
        }
    }

    fn request(&mut self, id: Value, method: &str, params: Value) -> Option<String> {
        let result = match method {
            "initialize" => self.initialize(&params),
            "ping" => Ok(json!({})),
            "tools/list" => Ok(tools::tools_list()),
            "tools/call" => match self.call(id.clone(), &params) {
                // Answered by the turn when it ends.
                Ok(()) => return None,
                Err(error) => Err(error),
            },
            _ => Err((-32601, format!("Method not found: {method}"))),
        };
        Some(match result {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string(),
            Err((code, message)) => error_line(&id, code, &message),
        })
    }

    fn initialize(&mut self, params: &Value) -> Result<Value, (i64, String)> {
        let client = &params["clientInfo"];
        let version = params["protocolVersion"]
            .as_str()
            .unwrap_or(PROTOCOL_VERSION);
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
                    "{ORIGINATOR}/{} ({}; {}) {} ({}; {})",
                    recodex_state::CLI_VERSION,
                    context.os,
                    context.arch,
                    context.terminal,
                    client["name"].as_str().unwrap_or_default(),
                    client["version"].as_str().unwrap_or_default(),
                ),
            },
        }))
    }

    /// `tools/call`: `codex` opens a thread, `codex-reply` continues one; either runs a
    /// turn in the background.
    fn call(&mut self, id: Value, params: &Value) -> Result<(), (i64, String)> {
        let arguments = params.get("arguments").cloned().unwrap_or(json!({}));
        let invalid = |e: serde_json::Error| (-32602, format!("Invalid params: {e}"));
        match params["name"].as_str() {
            Some("codex") => {
                let args: CodexArgs = serde_json::from_value(arguments).map_err(invalid)?;
                let cwd = match &args.cwd {
                    Some(dir) => self.context.cwd.join(dir),
                    None => self.context.cwd.clone(),
                };
                let session = self
                    .factory
                    .open(&OpenRequest {
                        cwd,
                        model: args.model.clone(),
                        originator: ORIGINATOR.to_owned(),
                        ephemeral: false,
                        resume: None,
                        source: "mcp",
                        sandbox: args.sandbox.clone(),
                    })
                    .map_err(|message| (-32603, message))?;
                let thread_id = session.thread_id().to_owned();
                self.threads.borrow_mut().insert(thread_id.clone(), None);
                let turn = McpTurn::new(
                    self.outbox.clone(),
                    id.clone(),
                    thread_id,
                    session.context_window(),
                );
                turn.emit(session_configured(&session), "");
                turn.emit(
                    json!({"type": "mcp_startup_complete", "ready": [], "failed": [], "cancelled": []}),
                    "",
                );
                if let Some(message) = crate::live::fallback_notice(&session) {
                    turn.emit(
                        json!({"type": "warning", "message": message}),
                        &id_text(&id),
                    );
                }
                tokio::task::spawn_local(run(
                    Rc::clone(&self.threads),
                    self.outbox.clone(),
                    id,
                    session,
                    turn,
                    args.prompt,
                ));
                Ok(())
            }
            Some("codex-reply") => {
                let args: ReplyArgs = serde_json::from_value(arguments).map_err(invalid)?;
                let thread_id = args.thread_id.or(args.conversation_id).ok_or_else(|| {
                    (
                        -32602,
                        "Invalid params: missing field `threadId`".to_owned(),
                    )
                })?;
                let session = match self.threads.borrow_mut().get_mut(&thread_id) {
                    Some(slot) => slot.take().ok_or_else(|| {
                        (
                            -32600,
                            format!("thread {thread_id} already has a turn in progress"),
                        )
                    })?,
                    None => {
                        return Err((
                            -32602,
                            format!("Session not found for thread_id: {thread_id}"),
                        ));
                    }
                };
                let turn = McpTurn::new(
                    self.outbox.clone(),
                    id.clone(),
                    thread_id,
                    session.context_window(),
                );
                tokio::task::spawn_local(run(
                    Rc::clone(&self.threads),
                    self.outbox.clone(),
                    id,
                    session,
                    turn,
                    args.prompt,
                ));
                Ok(())
            }
            Some(other) => Err((-32602, format!("Unknown tool '{other}'"))),
            None => Err((-32602, "Invalid params: missing field `name`".to_owned())),
        }
    }
}

impl LineHandler for McpServer {
    fn handle_line(&mut self, line: &str, log: &mut dyn Write) -> Vec<String> {
        let message: Value = match serde_json::from_str(line) {
            Ok(Value::Object(map)) => Value::Object(map),
            Ok(_) | Err(_) => {
                let _ = writeln!(
                    log,
                    "ERROR recodex_server::mcp: not a JSON-RPC message: {line}"
                );
                return Vec::new();
            }
        };
        let (Some(method), Some(id)) = (message["method"].as_str(), message.get("id")) else {
            // Notifications (`notifications/initialized`, ...) and answers need no reply.
            return Vec::new();
        };
        if !(id.is_string() || id.is_i64() || id.is_u64()) {
            return Vec::new();
        }
        let params = message.get("params").cloned().unwrap_or(json!({}));
        self.request(id.clone(), method, params)
            .into_iter()
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodexArgs {
    prompt: String,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    sandbox: Option<String>,
    #[serde(default, rename = "approval-policy")]
    _approval_policy: Option<String>,
    #[serde(default, rename = "base-instructions")]
    _base_instructions: Option<String>,
    #[serde(default, rename = "developer-instructions")]
    _developer_instructions: Option<String>,
    #[serde(default, rename = "compact-prompt")]
    _compact_prompt: Option<String>,
    #[serde(default)]
    _config: Option<Value>,
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
        "active_permission_profile": {"id": ":workspace"},
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

fn error_line(id: &Value, code: i64, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// Runs one turn of a `tools/call` and answers it with the final message.
async fn run(
    threads: Threads,
    outbox: Outbox,
    request: Value,
    mut session: Session,
    mut turn: McpTurn,
    prompt: String,
) {
    let thread_id = session.thread_id().to_owned();
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let input = UserInput::text(prompt.clone());
    let running = async {
        let outcome = session.run_turn_with(&input, &tx).await;
        drop(tx);
        outcome
    };
    let pump = async {
        while let Some(event) = rx.recv().await {
            if matches!(event, Event::TurnStarted { .. }) {
                turn.started(&prompt);
            }
            turn.event(event);
        }
    };
    let (outcome, ()) = tokio::join!(running, pump);
    if let Some(slot) = threads.borrow_mut().get_mut(&thread_id) {
        *slot = Some(session);
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
        input,
        output,
        log,
    )
}
