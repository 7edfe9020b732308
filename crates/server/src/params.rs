//! The params of the `thread/*` methods over stored threads, as the reference's own Rust
//! types decode them. The generated `*Params` give every optional field a serde default,
//! which changes what serde accepts and says: `[]` would read as empty params instead of
//! the reference's `invalid length 0, expected struct ThreadListParams with 10 elements`.
//! These keep the reference's field sets (their count shows in those texts) and reuse the
//! generated enums, whose variants and error texts are the reference's.

use recodex_app_protocol::generated::v2::{
    ApprovalsReviewer, AskForApproval, SortDirection, ThreadListCwdFilter, ThreadSortKey,
    ThreadSourceKind,
};
use serde::Deserialize;

/// `thread/list` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThreadListParams {
    /// Cursor from a previous page.
    pub(crate) cursor: Option<String>,
    /// Page size.
    pub(crate) limit: Option<u32>,
    /// `created_at` (default) or `updated_at`.
    pub(crate) sort_key: Option<ThreadSortKey>,
    /// `desc` (default) or `asc`.
    pub(crate) sort_direction: Option<SortDirection>,
    /// Providers to keep; empty keeps all.
    pub(crate) model_providers: Option<Vec<String>>,
    /// Source kinds to keep; none or empty keeps the interactive ones.
    pub(crate) source_kinds: Option<Vec<ThreadSourceKind>>,
    /// `true`: archived threads only; otherwise live ones only.
    pub(crate) archived: Option<bool>,
    /// One cwd or several.
    pub(crate) cwd: Option<ThreadListCwdFilter>,
    /// Substring of the title.
    pub(crate) search_term: Option<String>,
    /// Read the state database only (no rollout scan).
    #[serde(default)]
    pub(crate) use_state_db_only: bool,
}

/// Params naming one thread (`thread/read`, `thread/archive`, `thread/unarchive`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThreadIdParams {
    /// The thread.
    pub(crate) thread_id: String,
    /// `thread/read` only: include turns and their items.
    #[serde(default)]
    pub(crate) include_turns: bool,
}

/// `thread/name/set` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThreadSetNameParams {
    /// The thread.
    pub(crate) thread_id: String,
    /// Its new name.
    pub(crate) name: String,
}

/// `thread/loaded/list` params.
#[derive(Debug, Deserialize)]
pub(crate) struct ThreadLoadedListParams {
    /// Cursor from a previous page.
    pub(crate) cursor: Option<String>,
    /// Page size (no limit by default).
    pub(crate) limit: Option<u32>,
}

/// `thread/resume` and `thread/fork` params: the thread, and the settings the client
/// overrides for it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThreadOpenParams {
    /// The thread to resume or fork.
    pub(crate) thread_id: String,
    /// Working directory (default: the thread's).
    pub(crate) cwd: Option<String>,
    /// Model slug (default: the configured one).
    pub(crate) model: Option<String>,
    /// Provider id (default: the configured one).
    pub(crate) model_provider: Option<String>,
    /// Approval policy override.
    pub(crate) approval_policy: Option<AskForApproval>,
    /// Approvals reviewer override.
    pub(crate) approvals_reviewer: Option<ApprovalsReviewer>,
    /// Service tier override.
    pub(crate) service_tier: Option<String>,
    /// Fork only: keep the new thread in memory.
    #[serde(default)]
    pub(crate) ephemeral: bool,
}
