//! Threads: the `Thread` object, its status and source, and the `thread/*` methods over
//! stored threads (list, read, archive, unarchive, name).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::turn::Turn;

/// A thread as the app-server reports it. Field order is the wire's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    /// Thread id (UUIDv7).
    pub id: String,
    /// Id shared by the threads of one session tree (the root thread's id).
    pub session_id: String,
    /// The thread this one was forked from.
    pub forked_from_id: Option<String>,
    /// Usually the first user message.
    pub preview: String,
    /// Whether the thread is kept in memory only.
    pub ephemeral: bool,
    /// Provider id.
    pub model_provider: String,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Last update, Unix seconds.
    pub updated_at: i64,
    /// Runtime status.
    pub status: ThreadStatus,
    /// The rollout file.
    pub path: Option<String>,
    /// Working directory.
    pub cwd: String,
    /// Version of the CLI that created the thread.
    pub cli_version: String,
    /// Where the thread came from.
    pub source: SessionSource,
    /// Analytics classification (`user`, `subagent`, ...).
    pub thread_source: Option<String>,
    /// A sub-agent's nickname.
    pub agent_nickname: Option<String>,
    /// A sub-agent's role.
    pub agent_role: Option<String>,
    /// Git metadata captured at creation.
    pub git_info: Option<GitInfo>,
    /// User-facing name.
    pub name: Option<String>,
    /// Filled only by `thread/read` with turns, `thread/resume` and `thread/fork`.
    pub turns: Vec<Turn>,
}

/// A thread's runtime status, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ThreadStatus {
    /// Stored, not loaded in this server.
    NotLoaded,
    /// Loaded, no turn running.
    Idle,
    /// Loaded, failed.
    SystemError,
    /// A turn is running.
    #[serde(rename_all = "camelCase")]
    Active {
        /// `waitingOnApproval`, `waitingOnUserInput`.
        active_flags: Vec<String>,
    },
}

/// Where a thread came from: `cli`, `vscode`, `exec`, `appServer`, `unknown`,
/// `{"custom": name}` or `{"subAgent": source}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionSource {
    /// The TUI.
    Cli,
    /// An IDE through the app-server (the app-server's default).
    #[serde(rename = "vscode")]
    VsCode,
    /// `codex exec`.
    Exec,
    /// The app-server on behalf of another program (also the MCP server's threads).
    AppServer,
    /// Unrecognised.
    Unknown,
    /// A client-named source.
    Custom(String),
    /// A sub-agent; the payload is the rollout's sub-agent source as written there.
    SubAgent(Value),
}

impl SessionSource {
    /// The v2 source of a rollout's `session_meta.source` (`"exec"`, `"mcp"`,
    /// `{"subagent": ...}`, ...).
    pub fn from_rollout(source: &Value) -> Self {
        match source {
            Value::String(s) => match s.as_str() {
                "cli" => Self::Cli,
                "vscode" => Self::VsCode,
                "exec" => Self::Exec,
                "mcp" | "app_server" | "appServer" => Self::AppServer,
                _ => Self::Unknown,
            },
            Value::Object(map) => {
                if let Some(sub) = map.get("subagent").or_else(|| map.get("subAgent")) {
                    Self::SubAgent(sub.clone())
                } else if let Some(Value::String(name)) = map.get("custom") {
                    Self::Custom(name.clone())
                } else {
                    Self::Unknown
                }
            }
            _ => Self::Unknown,
        }
    }

    /// The `sourceKinds` filter name of this source.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::VsCode => "vscode",
            Self::Exec => "exec",
            Self::AppServer => "appServer",
            Self::Unknown | Self::Custom(_) => "unknown",
            Self::SubAgent(sub) => match sub {
                Value::String(s) if s == "review" => "subAgentReview",
                Value::String(s) if s == "compact" => "subAgentCompact",
                Value::Object(map) if map.contains_key("thread_spawn") => "subAgentThreadSpawn",
                _ => "subAgentOther",
            },
        }
    }
}

/// Git metadata of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitInfo {
    /// Commit hash.
    pub sha: Option<String>,
    /// Branch name.
    pub branch: Option<String>,
    /// `origin` URL.
    pub origin_url: Option<String>,
}

/// `thread/list` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadListParams {
    /// Cursor from a previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// `created_at` (default) or `updated_at`.
    pub sort_key: Option<ThreadSortKey>,
    /// `desc` (default) or `asc`.
    pub sort_direction: Option<SortDirection>,
    /// Providers to keep; empty keeps all.
    pub model_providers: Option<Vec<String>>,
    /// Source kinds to keep; none or empty keeps the interactive ones.
    pub source_kinds: Option<Vec<ThreadSourceKind>>,
    /// `true`: archived threads only; otherwise live ones only.
    pub archived: Option<bool>,
    /// One cwd or several.
    pub cwd: Option<ThreadListCwdFilter>,
    /// Substring of the title.
    pub search_term: Option<String>,
    /// Read the state database only (no rollout scan).
    #[serde(default)]
    pub use_state_db_only: bool,
}

/// Sort key of `thread/list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadSortKey {
    /// Creation time.
    CreatedAt,
    /// Last update.
    UpdatedAt,
}

/// Sort direction of `thread/list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

/// A `sourceKinds` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThreadSourceKind {
    /// The TUI.
    Cli,
    /// IDE clients.
    #[serde(rename = "vscode")]
    VsCode,
    /// `codex exec`.
    Exec,
    /// Other app-server clients.
    AppServer,
    /// Any sub-agent.
    SubAgent,
    /// Review sub-agents.
    SubAgentReview,
    /// Compaction sub-agents.
    SubAgentCompact,
    /// Spawned sub-agents.
    SubAgentThreadSpawn,
    /// Other sub-agents.
    SubAgentOther,
    /// Unrecognised sources.
    Unknown,
}

impl ThreadSourceKind {
    /// Whether a thread of `source` passes this filter entry.
    pub fn admits(self, source: &SessionSource) -> bool {
        let kind = source.kind();
        match self {
            Self::SubAgent => kind.starts_with("subAgent"),
            other => {
                serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.as_str().map(|s| s == kind))
                    == Some(true)
            }
        }
    }
}

/// The `cwd` filter: one path or several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ThreadListCwdFilter {
    /// One path.
    One(String),
    /// Any of these paths.
    Many(Vec<String>),
}

impl ThreadListCwdFilter {
    /// The paths accepted.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Self::One(p) => vec![p.as_str()],
            Self::Many(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

/// `thread/list` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadListResponse {
    /// The page.
    pub data: Vec<Thread>,
    /// Cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
    /// Cursor for reading backwards from this page's start.
    pub backwards_cursor: Option<String>,
}

/// Params naming one thread (`thread/read`, `thread/archive`, `thread/unarchive`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadIdParams {
    /// The thread.
    pub thread_id: String,
    /// `thread/read` only: include turns and their items.
    #[serde(default)]
    pub include_turns: bool,
}

/// `thread/name/set` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSetNameParams {
    /// The thread.
    pub thread_id: String,
    /// Its new name.
    pub name: String,
}

/// A result holding one thread (`thread/read`, `thread/unarchive`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadResponse {
    /// The thread.
    pub thread: Thread,
}

/// `thread/loaded/list` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadLoadedListParams {
    /// Cursor from a previous page.
    pub cursor: Option<String>,
    /// Page size (no limit by default).
    pub limit: Option<u32>,
}

/// `thread/loaded/list` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadLoadedListResponse {
    /// Ids of the threads loaded in this server.
    pub data: Vec<String>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// `thread/name/updated` notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadNameUpdatedNotification {
    /// The thread.
    pub thread_id: String,
    /// Its name.
    pub thread_name: Option<String>,
}

/// `thread/archived` and `thread/unarchived` notifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadIdNotification {
    /// The thread.
    pub thread_id: String,
}

/// `thread/resume` and `thread/fork` params: the thread, and the settings the client
/// overrides for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadOpenParams {
    /// The thread to resume or fork.
    pub thread_id: String,
    /// Working directory (default: the thread's).
    pub cwd: Option<String>,
    /// Model slug (default: the configured one).
    pub model: Option<String>,
    /// Provider id (default: the configured one).
    pub model_provider: Option<String>,
    /// Approval policy override.
    pub approval_policy: Option<Value>,
    /// Approvals reviewer override.
    pub approvals_reviewer: Option<String>,
    /// Service tier override.
    pub service_tier: Option<String>,
    /// Fork only: keep the new thread in memory.
    #[serde(default)]
    pub ephemeral: bool,
}
