//! Token accounting and rate-limit snapshots, as reported by the model
//! provider and recorded in `token_count` events.
//!
//! Field order is the reference's rollout order (`token_count` payloads).

use serde::Deserialize;
use serde::Serialize;

/// Tokens used by one response or accumulated over a thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Prompt tokens, cached ones included.
    pub input_tokens: i64,
    /// Prompt tokens served from the cache.
    pub cached_input_tokens: i64,
    /// Generated tokens, reasoning included.
    pub output_tokens: i64,
    /// Generated reasoning tokens.
    pub reasoning_output_tokens: i64,
    /// The total the server reported.
    pub total_tokens: i64,
}

impl TokenUsage {
    /// Adds `other` to `self`, field by field.
    pub fn add_assign(&mut self, other: &TokenUsage) {
        self.input_tokens += other.input_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.output_tokens += other.output_tokens;
        self.reasoning_output_tokens += other.reasoning_output_tokens;
        self.total_tokens += other.total_tokens;
    }
}

/// Usage of a thread so far and of its last response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsageInfo {
    /// Sum over the thread.
    pub total_token_usage: TokenUsage,
    /// The last response alone.
    pub last_token_usage: TokenUsage,
    /// The model's context window, when known.
    #[serde(default)]
    pub model_context_window: Option<i64>,
}

/// One rate-limit window (for example the 5-hour or the weekly one).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimitWindow {
    /// Percentage of the window consumed (0-100).
    pub used_percent: f64,
    /// Length of the window in minutes.
    #[serde(default)]
    pub window_minutes: Option<i64>,
    /// Unix time (seconds) at which the window resets.
    #[serde(default)]
    pub resets_at: Option<i64>,
}

/// Credit balance of a ChatGPT account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsSnapshot {
    /// Whether any credits remain.
    pub has_credits: bool,
    /// Whether credits are unlimited.
    pub unlimited: bool,
    /// The balance, as the server formats it.
    #[serde(default)]
    pub balance: Option<String>,
}

/// ChatGPT plan of the signed-in account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanType {
    /// Free.
    Free,
    /// Go.
    Go,
    /// Plus.
    Plus,
    /// Pro.
    Pro,
    /// Pro Lite.
    Prolite,
    /// Team.
    Team,
    /// Self-serve business, usage based.
    SelfServeBusinessUsageBased,
    /// Business.
    Business,
    /// Enterprise CBP, usage based.
    EnterpriseCbpUsageBased,
    /// Enterprise.
    Enterprise,
    /// Education.
    Edu,
    /// Any other plan.
    #[serde(other)]
    Unknown,
}

/// Which limit was reached, when the server says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitReachedType {
    /// A plain rate limit.
    RateLimitReached,
    /// The workspace owner ran out of credits.
    WorkspaceOwnerCreditsDepleted,
    /// A workspace member's workspace ran out of credits.
    WorkspaceMemberCreditsDepleted,
    /// The owner hit the workspace spend cap.
    WorkspaceOwnerUsageLimitReached,
    /// A member hit the workspace spend cap.
    WorkspaceMemberUsageLimitReached,
}

/// Rate-limit state from the `x-codex-*` response headers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitSnapshot {
    /// Metered limit id (`codex`, `codex_other`, ...).
    #[serde(default)]
    pub limit_id: Option<String>,
    /// Display name of the limit.
    #[serde(default)]
    pub limit_name: Option<String>,
    /// The short window.
    #[serde(default)]
    pub primary: Option<RateLimitWindow>,
    /// The long window.
    #[serde(default)]
    pub secondary: Option<RateLimitWindow>,
    /// Credits, for accounts that have them.
    #[serde(default)]
    pub credits: Option<CreditsSnapshot>,
    /// The account's plan.
    #[serde(default)]
    pub plan_type: Option<PlanType>,
    /// Which limit was reached.
    #[serde(default)]
    pub rate_limit_reached_type: Option<RateLimitReachedType>,
}
