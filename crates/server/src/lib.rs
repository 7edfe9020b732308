//! The JSON-RPC front ends. Today: the app-server over stdio, serving the handshake and
//! the methods over stored threads (`thread/list`, `thread/read`, `thread/archive`,
//! `thread/unarchive`, `thread/name/set`, `thread/loaded/list`, `thread/resume`,
//! `thread/fork`). Methods that need a live engine (`thread/start`, `turn/start`, ...)
//! are answered with an error saying they are not supported yet.
//!
//! The server reads one JSON message per line and writes one per line, in the
//! reference's framing (see `recodex_app_protocol::jsonrpc`). Lines that are not
//! messages get no answer (as in the reference) and are logged to the log sink.
//!
//! Every message the app-server writes is built from the protocol types generated from
//! the reference's schema (`recodex_app_protocol::generated`): answers are the `*Response`
//! structs, notifications a `root::ServerNotification` (sent with `Outbox::send`), requests
//! to the client a `root::ServerRequest`. Requests are routed on their method name and only
//! the params of the methods served are decoded.

mod account;
mod approvals;
mod dispatch;
mod fork;
mod in_process;
mod listing;
mod live;
mod mcp;
mod models;
mod opened;
mod outbox;
mod params;
mod stored;
mod threads;
mod turn_events;
mod turns;
mod wire;

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::rc::Rc;

pub use dispatch::Processor;
pub use in_process::{InProcessConnection, InProcessError};
pub use mcp::{McpServer, serve_mcp};
pub use opened::sandbox_v2;
pub use outbox::Outbox;
pub use recodex_session::{OpenRequest, SessionFactory};

/// What the server needs to know about its host and configuration.
#[derive(Debug, Clone)]
pub struct ServerContext {
    /// The resolved CODEX_HOME.
    pub codex_home: PathBuf,
    /// The server's working directory (a new thread's default cwd).
    pub cwd: PathBuf,
    /// Where the SQLite databases live (`CODEX_SQLITE_HOME` or CODEX_HOME).
    pub sqlite_dir: PathBuf,
    /// The configured `model_provider` id (thread/list's default provider filter).
    pub model_provider: String,
    /// Host name (`remoteControl/status/changed.serverName`).
    pub host_name: String,
    /// Contents of `$CODEX_HOME/installation_id`.
    pub installation_id: String,
    /// `<os name> <os version>` for the user agent (`Debian 12.0.0`).
    pub os: String,
    /// CPU architecture for the user agent (`x86_64`).
    pub arch: String,
    /// Terminal token for the user agent (`TERM`, or `unknown`).
    pub terminal: String,
    /// What threads this server opens run with (resume and fork report it).
    pub settings: ThreadSettings,
    /// The login the server started with.
    pub auth: AuthFacts,
}

/// The login as the server read it at start-up (it is not re-read while it runs).
#[derive(Debug, Clone, Default)]
pub struct AuthFacts {
    /// Whether the configured provider needs an OpenAI login (`requires_openai_auth`).
    pub requires_openai_auth: bool,
    /// The API key stored in `auth.json`, when the login is one.
    pub api_key: Option<String>,
    /// Whether `auth.json` holds a ChatGPT login.
    pub chatgpt: bool,
}

/// The settings a thread opened by this server runs with, as `thread/resume` and
/// `thread/fork` report them, already in wire form.
#[derive(Debug, Clone)]
pub struct ThreadSettings {
    /// Model slug.
    pub model: String,
    /// The model's base instructions (a new rollout's `session_meta.base_instructions`).
    pub base_instructions: String,
    /// `serviceTier`.
    pub service_tier: Option<String>,
    /// `approvalPolicy` (`"on-request"` or a granular object).
    pub approval_policy: serde_json::Value,
    /// `approvalsReviewer` (`user`).
    pub approvals_reviewer: String,
    /// `sandbox`: the v2 sandbox policy object (`{"type":"workspaceWrite",...}`).
    pub sandbox: serde_json::Value,
    /// `activePermissionProfile` (`{"id":":workspace","extends":null}`).
    pub active_permission_profile: serde_json::Value,
    /// `reasoningEffort`.
    pub reasoning_effort: Option<String>,
}

/// Serves one client over `input`/`output` until `input` ends. With a `factory` the
/// server also starts threads and runs their turns (in the background, beside the
/// request loop). Diagnostics (lines that are not messages) go to `log`.
pub fn serve(
    context: ServerContext,
    factory: Option<Rc<dyn SessionFactory>>,
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    log: impl Write,
) -> io::Result<()> {
    serve_lines(
        move |outbox| -> Box<dyn LineHandler> {
            match factory {
                Some(factory) => Box::new(Processor::with_engine(context, factory, outbox)),
                None => Box::new(Processor::new(context)),
            }
        },
        Backpressure::Overload(crate::dispatch::overloaded_reply),
        input,
        output,
        log,
    )
}

/// Lines waiting for the handler, at most (the reference's incoming channel capacity).
pub const INCOMING_CAPACITY: usize = 128;

/// What the reader does when [`INCOMING_CAPACITY`] lines are already waiting.
#[derive(Debug, Clone, Copy)]
pub enum Backpressure {
    /// Wait for room (nothing is refused).
    Wait,
    /// Answer a request at once with what the function gives for its line (the app-server's
    /// `-32001 Server overloaded; retry later.`); other messages wait for room.
    Overload(fn(&str) -> Option<String>),
}

/// A connection's message handling: each input line gives the lines to send at once;
/// background work sends through the outbox it was made with.
pub trait LineHandler {
    /// Handles one input line.
    fn handle_line(&mut self, line: &str, log: &mut dyn Write) -> Vec<String>;
}

impl LineHandler for Processor {
    fn handle_line(&mut self, line: &str, log: &mut dyn Write) -> Vec<String> {
        Processor::handle_line(self, line, log)
    }
}

/// The stdio loop shared by the JSON-RPC servers: a reader thread feeds input lines to
/// the handler on a current-thread runtime's `LocalSet` (where background turns run), a
/// writer thread writes what the handler and its turns send, one line each.
pub fn serve_lines(
    handler: impl FnOnce(Outbox) -> Box<dyn LineHandler>,
    backpressure: Backpressure,
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    mut log: impl Write,
) -> io::Result<()> {
    let (outbox, outgoing) = Outbox::channel();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        let mut output = output;
        for line in outgoing {
            output.write_all(line.as_bytes())?;
            output.write_all(b"\n")?;
            output.flush()?;
        }
        Ok(())
    });
    // Bounded: a client that floods the server cannot grow its memory without limit.
    let (lines_tx, mut lines) = tokio::sync::mpsc::channel::<io::Result<String>>(INCOMING_CAPACITY);
    // Reading stdin blocks; a thread of its own feeds the loop.
    let reader_outbox = outbox.clone();
    std::thread::spawn(move || {
        use tokio::sync::mpsc::error::TrySendError;
        for line in input.lines() {
            let line = match lines_tx.try_send(line) {
                Ok(()) => continue,
                Err(TrySendError::Closed(_)) => break,
                Err(TrySendError::Full(line)) => line,
            };
            if let (Backpressure::Overload(reply), Ok(text)) = (backpressure, &line)
                && let Some(answer) = reply(text)
            {
                reader_outbox.line(answer);
                continue;
            }
            if lines_tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let result = local.block_on(&runtime, async {
        let mut processor = handler(outbox.clone());
        while let Some(line) = lines.recv().await {
            for message in processor.handle_line(&line?, &mut log) {
                outbox.line(message);
            }
        }
        Ok(())
    });
    // Running turns end with the connection.
    drop(local);
    drop(outbox);
    match writer.join() {
        Ok(written) => result.and(written),
        Err(_) => Err(io::Error::other("the output writer panicked")),
    }
}
