//! Settings enums shared by `config.toml` and the protocol.
//!
//! Every variant list and its order matters: serde builds the
//! "unknown variant `x`, expected one of …" message from it, and that message
//! is what users see for a typo in `config.toml`. Aliases are listed by serde
//! as well (sorted together with the variant's own name).

use std::fmt;
use std::num::NonZeroU64;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

/// Implements `as_str` and `Display` from one `variant => "spelling"` table.
macro_rules! impl_spelling {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The spelling used in `config.toml` and on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// How much reasoning the model spends on a turn (`model_reasoning_effort`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    /// No reasoning.
    None,
    /// The smallest amount of reasoning.
    Minimal,
    /// Light reasoning.
    Low,
    /// The default level.
    #[default]
    Medium,
    /// Deep reasoning.
    High,
    /// The deepest level offered by some models.
    #[serde(rename = "xhigh")]
    XHigh,
}

impl_spelling!(ReasoningEffort {
    None => "none",
    Minimal => "minimal",
    Low => "low",
    Medium => "medium",
    High => "high",
    XHigh => "xhigh",
});

/// Whether and how reasoning summaries are requested (`model_reasoning_summary`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningSummary {
    /// Let the model decide.
    #[default]
    Auto,
    /// Short summaries.
    Concise,
    /// Long summaries.
    Detailed,
    /// No summaries at all.
    None,
}

impl_spelling!(ReasoningSummary {
    Auto => "auto",
    Concise => "concise",
    Detailed => "detailed",
    None => "none",
});

/// Output length hint sent as `text.verbosity` (`model_verbosity`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    /// Terse answers.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Long answers.
    High,
}

impl_spelling!(Verbosity {
    Low => "low",
    Medium => "medium",
    High => "high",
});

/// Coarse sandbox choice (`sandbox_mode`, `--sandbox`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    /// Commands may read anything but write nothing.
    #[default]
    ReadOnly,
    /// Commands may write inside the workspace and temp dirs.
    WorkspaceWrite,
    /// No sandbox at all.
    DangerFullAccess,
}

impl_spelling!(SandboxMode {
    ReadOnly => "read-only",
    WorkspaceWrite => "workspace-write",
    DangerFullAccess => "danger-full-access",
});

/// When the user is asked before a command runs (`approval_policy`).
///
/// In TOML the granular form is a table:
/// `approval_policy = { granular = { sandbox_approval = true, rules = true, mcp_elicitations = true } }`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AskForApproval {
    /// Only known-safe read commands run without asking.
    #[serde(rename = "untrusted")]
    UnlessTrusted,
    /// Deprecated: run in the sandbox, ask when a command fails there.
    OnFailure,
    /// The model decides when to ask.
    #[default]
    OnRequest,
    /// Per-category switches; a `false` category is rejected without asking.
    Granular(GranularApprovalConfig),
    /// Never ask; failures go straight back to the model.
    Never,
}

impl AskForApproval {
    /// The spelling used in `config.toml` and in `--ask-for-approval`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnlessTrusted => "untrusted",
            Self::OnFailure => "on-failure",
            Self::OnRequest => "on-request",
            Self::Granular(_) => "granular",
            Self::Never => "never",
        }
    }
}

impl fmt::Display for AskForApproval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The switches of [`AskForApproval::Granular`]; `true` allows the prompt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GranularApprovalConfig {
    /// Shell command escalations (including `require_escalated`).
    pub sandbox_approval: bool,
    /// Prompts caused by execpolicy `prompt` rules.
    pub rules: bool,
    /// Prompts caused by skill scripts.
    #[serde(default)]
    pub skill_approval: bool,
    /// Prompts from the `request_permissions` tool.
    #[serde(default)]
    pub request_permissions: bool,
    /// MCP elicitation prompts.
    pub mcp_elicitations: bool,
}

/// Who reviews an escalated approval request (`approvals_reviewer`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalsReviewer {
    /// The human user.
    #[default]
    User,
    /// The automatic reviewer; `guardian_subagent` is its former name.
    #[serde(alias = "guardian_subagent")]
    AutoReview,
}

impl_spelling!(ApprovalsReviewer {
    User => "user",
    AutoReview => "auto_review",
});

/// Who started a thread, as rollouts, the index and request metadata record it
/// (`thread_source`); app-server threads carry it only when their client names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadSource {
    /// A person (exec, the TUI).
    User,
    /// A sub-agent spawned by another thread.
    Subagent,
    /// The memory consolidation job.
    MemoryConsolidation,
}

impl_spelling!(ThreadSource {
    User => "user",
    Subagent => "subagent",
    MemoryConsolidation => "memory_consolidation",
});

/// The hosted web search tool mode (`web_search`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebSearchMode {
    /// No web search tool.
    Disabled,
    /// Search results from the provider's cache only.
    #[default]
    Cached,
    /// Live web access.
    Live,
}

impl_spelling!(WebSearchMode {
    Disabled => "disabled",
    Cached => "cached",
    Live => "live",
});

/// Trust decision recorded for a project directory (`projects.<path>.trust_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrustLevel {
    /// The user trusts the project.
    Trusted,
    /// The user does not trust the project.
    Untrusted,
}

impl_spelling!(TrustLevel {
    Trusted => "trusted",
    Untrusted => "untrusted",
});

/// A known service tier. `config.toml` stores `service_tier` as a free
/// string; this enum names the tiers the client knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceTier {
    /// Priority processing (request value `priority`).
    Fast,
    /// Flex processing.
    Flex,
}

impl_spelling!(ServiceTier {
    Fast => "fast",
    Flex => "flex",
});

impl ServiceTier {
    /// Config value meaning "no tier at all, not even a catalog default".
    pub const DEFAULT_REQUEST_VALUE: &'static str = "default";

    /// The value sent as `service_tier` in a request.
    pub const fn request_value(self) -> &'static str {
        match self {
            Self::Fast => "priority",
            Self::Flex => "flex",
        }
    }

    /// Maps a configured value (`fast`, `priority`, `flex`) to a tier.
    pub fn from_request_value(value: &str) -> Option<Self> {
        match value {
            "fast" | "priority" => Some(Self::Fast),
            "flex" => Some(Self::Flex),
            _ => None,
        }
    }
}

/// Personality preset for the model (`personality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Personality {
    /// No personality instructions.
    None,
    /// Warm and chatty.
    Friendly,
    /// Direct and to the point.
    Pragmatic,
}

impl_spelling!(Personality {
    None => "none",
    Friendly => "friendly",
    Pragmatic => "pragmatic",
});

/// Restricts which login mechanism may be used (`forced_login_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForcedLoginMethod {
    /// ChatGPT sign-in only.
    Chatgpt,
    /// API key only.
    Api,
}

impl_spelling!(ForcedLoginMethod {
    Chatgpt => "chatgpt",
    Api => "api",
});

/// Where CLI credentials are kept (`cli_auth_credentials_store`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthCredentialsStoreMode {
    /// `$CODEX_HOME/auth.json`.
    #[default]
    File,
    /// The OS keyring; fails when it is unavailable.
    Keyring,
    /// The keyring when available, else the file.
    Auto,
    /// In memory for this process only.
    Ephemeral,
}

impl_spelling!(AuthCredentialsStoreMode {
    File => "file",
    Keyring => "keyring",
    Auto => "auto",
    Ephemeral => "ephemeral",
});

/// Where MCP OAuth tokens are kept (`mcp_oauth_credentials_store`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OAuthCredentialsStoreMode {
    /// The keyring when available, else the file.
    #[default]
    Auto,
    /// `$CODEX_HOME/.credentials.json`.
    File,
    /// The OS keyring; fails when it is unavailable.
    Keyring,
}

impl_spelling!(OAuthCredentialsStoreMode {
    Auto => "auto",
    File => "file",
    Keyring => "keyring",
});

/// Message returned for the removed `wire_api = "chat"`.
pub const CHAT_WIRE_API_REMOVED_ERROR: &str = "`wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.\nMore info: https://github.com/openai/codex/discussions/7782";

/// The HTTP protocol a model provider speaks (`model_providers.<id>.wire_api`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WireApi {
    /// The Responses API (`POST /responses`).
    #[default]
    Responses,
}

impl_spelling!(WireApi {
    Responses => "responses",
});

impl<'de> Deserialize<'de> for WireApi {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        match value.as_str() {
            "responses" => Ok(Self::Responses),
            "chat" => Err(serde::de::Error::custom(CHAT_WIRE_API_REMOVED_ERROR)),
            other => Err(serde::de::Error::unknown_variant(other, &["responses"])),
        }
    }
}

/// Use of the terminal's alternate screen (`tui.alternate_screen`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AltScreenMode {
    /// Use the alternate screen.
    #[default]
    Auto,
    /// Always use the alternate screen.
    Always,
    /// Inline mode only; scrollback is kept.
    Never,
}

impl_spelling!(AltScreenMode {
    Auto => "auto",
    Always => "always",
    Never => "never",
});

/// Starting set of variables for spawned commands
/// (`shell_environment_policy.inherit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShellEnvironmentPolicyInherit {
    /// A small platform set such as HOME, PATH, SHELL and USER.
    Core,
    /// The whole parent environment.
    #[default]
    All,
    /// Nothing.
    None,
}

impl_spelling!(ShellEnvironmentPolicyInherit {
    Core => "core",
    All => "all",
    None => "none",
});

/// What `model_auto_compact_token_limit` is compared with
/// (`model_auto_compact_token_limit_scope`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoCompactTokenLimitScope {
    /// The whole active context.
    #[default]
    Total,
    /// Only what follows the prefix carried over from the last compaction.
    BodyAfterPrefix,
}

impl_spelling!(AutoCompactTokenLimitScope {
    Total => "total",
    BodyAfterPrefix => "body_after_prefix",
});

/// Search context size of the hosted web search tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebSearchContextSize {
    /// Small context.
    Low,
    /// Medium context.
    Medium,
    /// Large context.
    High,
}

/// Approximate user location passed to the web search tool.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSearchLocation {
    /// Two-letter country code.
    pub country: Option<String>,
    /// Region or state.
    pub region: Option<String>,
    /// City.
    pub city: Option<String>,
    /// IANA time zone.
    pub timezone: Option<String>,
}

/// Settings of the hosted web search tool (`tools.web_search` table form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSearchToolConfig {
    /// How much search context to use.
    pub context_size: Option<WebSearchContextSize>,
    /// Restrict results to these domains.
    pub allowed_domains: Option<Vec<String>>,
    /// Approximate user location.
    pub location: Option<WebSearchLocation>,
}

/// Default of [`ModelProviderAuthInfo::timeout_ms`].
pub const DEFAULT_PROVIDER_AUTH_TIMEOUT_MS: u64 = 5_000;
/// Default of [`ModelProviderAuthInfo::refresh_interval_ms`].
pub const DEFAULT_PROVIDER_AUTH_REFRESH_INTERVAL_MS: u64 = 300_000;

/// A command that prints a bearer token for a provider
/// (`model_providers.<id>.auth`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelProviderAuthInfo {
    /// Program to run; bare names are looked up in `PATH`.
    pub command: String,
    /// Its arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// How long the command may run, in milliseconds.
    #[serde(default = "default_provider_auth_timeout_ms")]
    pub timeout_ms: NonZeroU64,
    /// Maximum token age before the command is run again; `0` refreshes
    /// only after a 401.
    #[serde(default = "default_provider_auth_refresh_interval_ms")]
    pub refresh_interval_ms: u64,
    /// Working directory as written; relative paths are resolved against the
    /// directory of the config file, and an absent value means that directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
}

fn default_provider_auth_timeout_ms() -> NonZeroU64 {
    NonZeroU64::new(DEFAULT_PROVIDER_AUTH_TIMEOUT_MS).unwrap_or(NonZeroU64::MIN)
}

fn default_provider_auth_refresh_interval_ms() -> u64 {
    DEFAULT_PROVIDER_AUTH_REFRESH_INTERVAL_MS
}

/// Version of the realtime conversation protocol (`realtime.version`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RealtimeConversationVersion {
    /// First version.
    V1,
    /// Second version.
    #[default]
    V2,
}

/// Voice used by realtime conversations (`realtime.voice`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)] // The variants are voice names.
pub enum RealtimeVoice {
    Alloy,
    Arbor,
    Ash,
    Ballad,
    Breeze,
    Cedar,
    Coral,
    Cove,
    Echo,
    Ember,
    Juniper,
    Maple,
    Marin,
    Sage,
    Shimmer,
    Sol,
    Spruce,
    Vale,
    Verse,
}

#[cfg(test)]
#[path = "config_types_tests.rs"]
mod tests;
