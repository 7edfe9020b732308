//! The JSON-RPC front ends. Today: the app-server over stdio, serving the handshake and
//! the methods over stored threads (`thread/list`, `thread/read`, `thread/archive`,
//! `thread/unarchive`, `thread/name/set`, `thread/loaded/list`, `thread/resume`,
//! `thread/fork`). Methods that need a live engine (`thread/start`, `turn/start`, ...)
//! are answered with an error saying they are not supported yet.
//!
//! The server reads one JSON message per line and writes one per line, in the
//! reference's framing (see `recodex_app_protocol::jsonrpc`). Lines that are not
//! messages get no answer (as in the reference) and are logged to the log sink.

mod dispatch;
mod fork;
mod listing;
mod stored;
mod threads;
mod turns;

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

pub use dispatch::Processor;

/// What the server needs to know about its host and configuration.
#[derive(Debug, Clone)]
pub struct ServerContext {
    /// The resolved CODEX_HOME.
    pub codex_home: PathBuf,
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

/// Serves one client over `input`/`output` until `input` ends. Diagnostics (lines that
/// are not messages) go to `log`.
pub fn serve(
    context: ServerContext,
    input: impl BufRead,
    mut output: impl Write,
    mut log: impl Write,
) -> io::Result<()> {
    let mut processor = Processor::new(context);
    for line in input.lines() {
        let line = line?;
        for message in processor.handle_line(&line, &mut log) {
            output.write_all(message.as_bytes())?;
            output.write_all(b"\n")?;
        }
        output.flush()?;
    }
    Ok(())
}
