//! `[agents]`, `[memories]` and `[auto_review]`: sub-agents and memory.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

use super::ConfigPath;

/// `[agents]`: limits, plus user-defined roles as sub-tables.
///
/// Any key that is not a limit is a role name (`[agents.researcher]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentsToml {
    /// Maximum number of open agent threads (at least 1; unset = no limit).
    pub max_threads: Option<usize>,
    /// Maximum nesting depth of spawned agents (root is 0).
    pub max_depth: Option<i32>,
    /// Default runtime limit of agent job workers, in seconds.
    pub job_max_runtime_seconds: Option<u64>,
    /// Record a model-visible message when an agent turn is interrupted.
    pub interrupt_message: Option<bool>,
    /// Roles by name.
    #[serde(default, flatten)]
    pub roles: BTreeMap<String, AgentRoleToml>,
}

/// `[agents.<role>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRoleToml {
    /// What the role is for, shown to the spawning model.
    pub description: Option<String>,
    /// Config layer applied to agents of this role.
    pub config_file: Option<ConfigPath>,
    /// Nicknames given to spawned agents.
    pub nickname_candidates: Option<Vec<String>>,
}

/// `[memories]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoriesToml {
    /// Mark threads as polluted when external context (MCP, web) is used.
    #[serde(alias = "no_memories_if_mcp_or_web_search")]
    pub disable_on_external_context: Option<bool>,
    /// Create memories from new threads.
    pub generate_memories: Option<bool>,
    /// Inject memory usage instructions.
    pub use_memories: Option<bool>,
    /// Expose dedicated memory tools.
    pub dedicated_tools: Option<bool>,
    /// Raw memories kept for consolidation (1–4096).
    pub max_raw_memories_for_consolidation: Option<usize>,
    /// Days unused before a memory is no longer selected.
    pub max_unused_days: Option<i64>,
    /// Maximum age of threads used for memories, in days.
    pub max_rollout_age_days: Option<i64>,
    /// Rollouts processed per startup (1–128).
    pub max_rollouts_per_startup: Option<usize>,
    /// Idle hours before a thread is summarized.
    pub min_rollout_idle_hours: Option<i64>,
    /// Rate-limit headroom (percent) required before memory work starts.
    pub min_rate_limit_remaining_percent: Option<i64>,
    /// Model used to summarize threads.
    pub extract_model: Option<String>,
    /// Model used to consolidate memories.
    pub consolidation_model: Option<String>,
}

/// `[auto_review]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReviewToml {
    /// Extra policy text for the automatic reviewer.
    pub policy: Option<String>,
}
