//! Turns and the items they hold, as `thread/read`, `thread/resume`, `thread/fork` and the
//! `turn/*` and `item/*` notifications carry them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One turn: a user input and everything the agent did for it. Field order is the wire's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// Turn id.
    pub id: String,
    /// The items (empty unless [`TurnItemsView::Full`]).
    pub items: Vec<ThreadItem>,
    /// How much of `items` is loaded.
    pub items_view: TurnItemsView,
    /// Outcome so far.
    pub status: TurnStatus,
    /// Why the turn failed.
    pub error: Option<TurnError>,
    /// Start, Unix seconds.
    pub started_at: Option<i64>,
    /// End, Unix seconds.
    pub completed_at: Option<i64>,
    /// Duration, milliseconds.
    pub duration_ms: Option<i64>,
}

/// How much of a turn's items a payload carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TurnItemsView {
    /// None (the field is intentionally empty).
    NotLoaded,
    /// A display summary.
    Summary,
    /// Every item from the persisted history.
    Full,
}

/// A turn's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TurnStatus {
    /// Ended normally.
    Completed,
    /// Stopped by the user.
    Interrupted,
    /// Ended with an error.
    Failed,
    /// Still running.
    InProgress,
}

/// Why a turn failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnError {
    /// What the user reads.
    pub message: String,
    /// Classified error, when known.
    pub codex_error_info: Option<Value>,
    /// More detail.
    pub additional_details: Option<String>,
}

/// An item of a turn, tagged by `type`. Nested payloads the app-server passes through
/// unchanged (user input parts, command actions, file changes) are kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ThreadItem {
    /// What the user sent.
    #[serde(rename_all = "camelCase")]
    UserMessage {
        /// Item id.
        id: String,
        /// The client's own id for the message.
        client_id: Option<String>,
        /// `UserInput` parts (`text`, `image`, `localImage`, ...).
        content: Vec<Value>,
    },
    /// What the agent said.
    #[serde(rename_all = "camelCase")]
    AgentMessage {
        /// Item id.
        id: String,
        /// The text.
        text: String,
        /// `commentary` or `final_answer`, when the model marks it.
        phase: Option<String>,
        /// Memory citation, when there is one.
        memory_citation: Option<Value>,
    },
    /// A plan's text.
    Plan {
        /// Item id.
        id: String,
        /// The plan.
        text: String,
    },
    /// The model's reasoning.
    Reasoning {
        /// Item id.
        id: String,
        /// Summary parts.
        summary: Vec<String>,
        /// Raw reasoning parts.
        content: Vec<String>,
    },
    /// A command the agent ran.
    #[serde(rename_all = "camelCase")]
    CommandExecution {
        /// Item id (the call id).
        id: String,
        /// The command line as run.
        command: String,
        /// Where it ran.
        cwd: String,
        /// The unified-exec process id.
        process_id: Option<String>,
        /// `agent`, `userShell`, `unifiedExecStartup`, `unifiedExecInteraction`.
        source: String,
        /// `inProgress`, `completed`, `failed`, `declined`.
        status: String,
        /// What the command does, parsed.
        command_actions: Vec<Value>,
        /// Combined output.
        aggregated_output: Option<String>,
        /// Exit code.
        exit_code: Option<i64>,
        /// Duration, milliseconds.
        duration_ms: Option<i64>,
    },
    /// Files an apply_patch changed.
    FileChange {
        /// Item id (the call id).
        id: String,
        /// `{path, kind, diff}` entries.
        changes: Vec<Value>,
        /// `inProgress`, `completed`, `failed`, `declined`.
        status: String,
    },
    /// A web search.
    WebSearch {
        /// Item id.
        id: String,
        /// The query.
        query: String,
        /// What the search did.
        action: Option<Value>,
    },
    /// An image the agent looked at.
    ImageView {
        /// Item id.
        id: String,
        /// The image file.
        path: String,
    },
    /// The history was compacted here.
    ContextCompaction {
        /// Item id.
        id: String,
    },
}
