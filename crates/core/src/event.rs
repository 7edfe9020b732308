//! What the engine tells its front end.

use std::path::PathBuf;

use recodex_protocol::usage::TokenUsage;

/// One event of a session, in the order things happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The thread exists; its rollout file is at `rollout_path` (none when ephemeral).
    SessionConfigured {
        /// Thread id (UUIDv7).
        thread_id: String,
        /// Where the rollout is written.
        rollout_path: Option<PathBuf>,
    },
    /// A turn began.
    TurnStarted {
        /// Turn id.
        turn_id: String,
    },
    /// The model produced a complete message.
    AgentMessage {
        /// The text.
        text: String,
    },
    /// The model produced a reasoning summary.
    Reasoning {
        /// The summary text.
        text: String,
    },
    /// Token usage after a response.
    TokenCount {
        /// The last response's usage.
        last: TokenUsage,
        /// The thread's total.
        total: TokenUsage,
    },
    /// A command the model asked for ran (begin and end are reported together).
    CommandExecuted {
        /// The command line as started (e.g. `/bin/bash -lc 'echo hi'`).
        command: String,
        /// Its output.
        output: String,
        /// Exit status, when it finished.
        exit_code: Option<i32>,
        /// Where it ran.
        cwd: std::path::PathBuf,
        /// How long it ran, in milliseconds.
        duration_ms: u64,
    },
    /// A sampling request failed and is being sent again (`Reconnecting... n/m (...)`).
    StreamError {
        /// The notice.
        message: String,
    },
    /// The model replaced its plan (`update_plan`): each step and whether it is done.
    PlanUpdated {
        /// The steps, in order.
        steps: Vec<(String, bool)>,
    },
    /// A non-fatal problem.
    Warning {
        /// What happened.
        message: String,
    },
    /// The turn ended.
    TurnComplete {
        /// The last message of the turn, if any.
        last_agent_message: Option<String>,
    },
    /// The turn failed.
    Error {
        /// What happened.
        message: String,
    },
}
