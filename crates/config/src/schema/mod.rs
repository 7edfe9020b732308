//! Typed shape of `config.toml`, key for key as `codex` 0.136.0 reads it.
//!
//! These are raw types: they say which keys exist, their value types, enum
//! spellings and serde defaults, nothing more. Layer merging, profile
//! selection, path resolution and semantic checks live elsewhere in this
//! crate. Unknown keys are not rejected here (no `deny_unknown_fields`,
//! except where the reference itself rejects them); [`parse_config_toml`]
//! reports them by dotted path so callers can warn, or fail under
//! `--strict-config`.
//!
//! Main types: [`ConfigToml`] (the whole file), [`ConfigProfile`]
//! (`[profiles.<name>]`), [`ModelProviderInfo`], [`McpServerConfig`],
//! [`Tui`], [`FeaturesToml`], [`PermissionsToml`], [`HooksToml`].

use std::collections::BTreeMap;

use recodex_protocol::ApprovalsReviewer;
use recodex_protocol::AskForApproval;
use recodex_protocol::AuthCredentialsStoreMode;
use recodex_protocol::AutoCompactTokenLimitScope;
use recodex_protocol::ForcedLoginMethod;
use recodex_protocol::OAuthCredentialsStoreMode;
use recodex_protocol::Personality;
use recodex_protocol::ReasoningEffort;
use recodex_protocol::ReasoningSummary;
use recodex_protocol::SandboxMode;
use recodex_protocol::Verbosity;
use recodex_protocol::WebSearchMode;
use serde::Deserialize;
use serde::Serialize;

mod agents;
mod apps;
mod experimental;
mod features;
mod hooks;
mod ignored;
mod keymap;
mod keyspec;
mod mcp;
mod notice;
mod paths;
mod permissions;
mod profile;
mod providers;
mod sandbox;
mod telemetry;
mod tui;

#[cfg(test)]
mod tests;

pub use agents::*;
pub use apps::*;
pub use experimental::*;
pub use features::*;
pub use hooks::*;
pub use ignored::*;
pub use keymap::*;
pub use keyspec::*;
pub use mcp::*;
pub use notice::*;
pub use paths::*;
pub use permissions::*;
pub use profile::*;
pub use providers::*;
pub use sandbox::*;
pub use telemetry::*;
pub use tui::*;

/// Default of `project_doc_max_bytes` (32 KiB).
pub const DEFAULT_PROJECT_DOC_MAX_BYTES: usize = 32 * 1024;

/// The whole `config.toml` (or one merged stack of layers).
///
/// Field order follows the reference; a few fields carry serde defaults that
/// are `Some(..)` rather than `None`, exactly as the reference does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigToml {
    /// Model slug, e.g. `gpt-5.5`.
    pub model: Option<String>,
    /// Model used by `/review`.
    pub review_model: Option<String>,
    /// Key into `model_providers` (or a built-in provider id).
    pub model_provider: Option<String>,
    /// Context window size in tokens.
    pub model_context_window: Option<i64>,
    /// Token count that triggers automatic compaction.
    pub model_auto_compact_token_limit: Option<i64>,
    /// What the auto-compaction limit is compared with.
    pub model_auto_compact_token_limit_scope: Option<AutoCompactTokenLimitScope>,
    /// When to ask before running commands.
    pub approval_policy: Option<AskForApproval>,
    /// Who reviews escalated approval requests.
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Extra instructions for the automatic reviewer.
    #[serde(default)]
    pub auto_review: Option<AutoReviewToml>,
    /// Environment handed to spawned commands.
    #[serde(default)]
    pub shell_environment_policy: ShellEnvironmentPolicyToml,
    /// Whether tools may run a login shell; defaults to `Some(true)`.
    #[serde(default = "default_allow_login_shell")]
    pub allow_login_shell: Option<bool>,
    /// Coarse sandbox choice.
    pub sandbox_mode: Option<SandboxMode>,
    /// Settings used when `sandbox_mode = "workspace-write"`.
    pub sandbox_workspace_write: Option<SandboxWorkspaceWrite>,
    /// Name of the `[permissions]` profile to apply (`:name` for built-ins).
    pub default_permissions: Option<String>,
    /// Named permission profiles.
    #[serde(default)]
    pub permissions: Option<PermissionsToml>,
    /// Program (with arguments) run for end-user notifications.
    #[serde(default)]
    pub notify: Option<Vec<String>>,
    /// Replacement system instructions.
    pub instructions: Option<String>,
    /// Text added as a `developer` message.
    #[serde(default)]
    pub developer_instructions: Option<String>,
    /// Whether the `<permissions instructions>` block is sent.
    pub include_permissions_instructions: Option<bool>,
    /// Whether the `<apps_instructions>` block is sent.
    pub include_apps_instructions: Option<bool>,
    /// Whether the `<collaboration_mode>` block is sent.
    pub include_collaboration_mode_instructions: Option<bool>,
    /// Whether the `<environment_context>` block is sent.
    pub include_environment_context: Option<bool>,
    /// File whose text replaces the built-in model instructions.
    pub model_instructions_file: Option<ConfigPath>,
    /// Prompt used for history compaction.
    pub compact_prompt: Option<String>,
    /// ChatGPT workspace(s) that login is restricted to.
    #[serde(default)]
    pub forced_chatgpt_workspace_id: Option<ForcedChatgptWorkspaceIds>,
    /// Login mechanism that must be used.
    #[serde(default)]
    pub forced_login_method: Option<ForcedLoginMethod>,
    /// Where CLI credentials are stored.
    #[serde(default)]
    pub cli_auth_credentials_store: Option<AuthCredentialsStoreMode>,
    /// MCP servers by name, validated into a transport.
    #[serde(default)]
    pub mcp_servers: BTreeMap<String, McpServerConfig>,
    /// Where MCP OAuth tokens are stored.
    #[serde(default)]
    pub mcp_oauth_credentials_store: Option<OAuthCredentialsStoreMode>,
    /// Fixed port of the local MCP OAuth callback listener.
    pub mcp_oauth_callback_port: Option<u16>,
    /// Redirect URI sent during MCP OAuth login.
    pub mcp_oauth_callback_url: Option<String>,
    /// User-defined model providers; built-in ids are rejected.
    #[serde(default, deserialize_with = "deserialize_model_providers")]
    pub model_providers: BTreeMap<String, ModelProviderInfo>,
    /// Byte cap for AGENTS.md content; defaults to 32 KiB.
    #[serde(default = "default_project_doc_max_bytes")]
    pub project_doc_max_bytes: Option<usize>,
    /// File names tried when AGENTS.md is missing; defaults to empty.
    #[serde(default = "default_project_doc_fallback_filenames")]
    pub project_doc_fallback_filenames: Option<Vec<String>>,
    /// Token budget for stored tool output.
    pub tool_output_token_limit: Option<usize>,
    /// Longest `write_stdin` poll window in milliseconds.
    pub background_terminal_max_timeout: Option<u64>,
    /// Deprecated and ignored.
    pub js_repl_node_path: Option<ConfigPath>,
    /// Deprecated and ignored.
    pub js_repl_node_module_dirs: Option<Vec<ConfigPath>>,
    /// Name of the profile to apply from `profiles`.
    pub profile: Option<String>,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, ConfigProfile>,
    /// `history.jsonl` settings; defaults to `Some(History::default())`.
    #[serde(default = "default_history")]
    pub history: Option<History>,
    /// Directory of the SQLite state database.
    pub sqlite_home: Option<ConfigPath>,
    /// Directory for log files.
    pub log_dir: Option<ConfigPath>,
    /// Debugging and reproducibility settings.
    pub debug: Option<DebugToml>,
    /// Editor URI scheme used to hyperlink file citations.
    pub file_opener: Option<UriBasedFileOpener>,
    /// Terminal UI settings.
    pub tui: Option<Tui>,
    /// Hide reasoning events; defaults to `Some(false)`.
    #[serde(default = "default_hide_agent_reasoning")]
    pub hide_agent_reasoning: Option<bool>,
    /// Show raw reasoning content.
    pub show_raw_agent_reasoning: Option<bool>,
    /// Reasoning effort for normal turns.
    pub model_reasoning_effort: Option<ReasoningEffort>,
    /// Reasoning effort while in plan mode.
    pub plan_mode_reasoning_effort: Option<ReasoningEffort>,
    /// Reasoning summary setting.
    pub model_reasoning_summary: Option<ReasoningSummary>,
    /// Output verbosity hint.
    pub model_verbosity: Option<Verbosity>,
    /// Force reasoning summaries on for the configured model.
    pub model_supports_reasoning_summaries: Option<bool>,
    /// JSON model catalog read at startup.
    pub model_catalog_json: Option<ConfigPath>,
    /// Personality preset.
    pub personality: Option<Personality>,
    /// Service tier request value (`fast`, `flex`, `default`, …).
    pub service_tier: Option<String>,
    /// Base URL of the ChatGPT backend.
    pub chatgpt_base_url: Option<String>,
    /// Product SKU sent to the hosted apps MCP server.
    pub apps_mcp_product_sku: Option<String>,
    /// Base URL override for the built-in `openai` provider.
    pub openai_base_url: Option<String>,
    /// Realtime audio devices.
    #[serde(default)]
    pub audio: Option<RealtimeAudioToml>,
    /// Experimental: realtime websocket base URL.
    pub experimental_realtime_ws_base_url: Option<String>,
    /// Experimental: realtime websocket model.
    pub experimental_realtime_ws_model: Option<String>,
    /// Experimental: realtime session selection.
    #[serde(default)]
    pub realtime: Option<RealtimeToml>,
    /// Experimental: realtime backend prompt.
    pub experimental_realtime_ws_backend_prompt: Option<String>,
    /// Experimental: realtime startup context (empty disables it).
    pub experimental_realtime_ws_startup_context: Option<String>,
    /// Experimental: instructions added when realtime starts.
    pub experimental_realtime_start_instructions: Option<String>,
    /// Experimental: endpoint serving thread-scoped config.
    pub experimental_thread_config_endpoint: Option<String>,
    /// Removed; kept so that setting it can be reported as an error.
    pub experimental_thread_store_endpoint: Option<String>,
    /// Experimental: thread store implementation.
    pub experimental_thread_store: Option<ThreadStoreToml>,
    /// Per-directory trust decisions keyed by absolute path.
    pub projects: Option<BTreeMap<String, ProjectConfig>>,
    /// Web search tool mode.
    pub web_search: Option<WebSearchMode>,
    /// Tool settings.
    pub tools: Option<ToolsToml>,
    /// Extra tools that may be suggested for installation.
    pub tool_suggest: Option<ToolSuggestConfig>,
    /// Sub-agent limits and roles.
    pub agents: Option<AgentsToml>,
    /// Memories settings.
    pub memories: Option<MemoriesToml>,
    /// Skill settings.
    pub skills: Option<SkillsConfig>,
    /// Lifecycle hooks and their trust state.
    pub hooks: Option<HooksToml>,
    /// Plugins by name.
    #[serde(default)]
    pub plugins: BTreeMap<String, PluginConfig>,
    /// Plugin marketplaces by name.
    #[serde(default)]
    pub marketplaces: BTreeMap<String, MarketplaceConfig>,
    /// Feature flags.
    #[serde(default)]
    pub features: Option<FeaturesToml>,
    /// Silence the warning about under-development features.
    pub suppress_unstable_features_warning: Option<bool>,
    /// Legacy ghost snapshot settings (no effect).
    #[serde(default)]
    pub ghost_snapshot: Option<GhostSnapshotToml>,
    /// Marker names that identify a project root; defaults to `[".git"]`.
    #[serde(default)]
    pub project_root_markers: Option<Vec<String>>,
    /// Check for updates at startup.
    pub check_for_update_on_startup: Option<bool>,
    /// Turn off paste-burst detection in the composer.
    pub disable_paste_burst: Option<bool>,
    /// Analytics switch.
    pub analytics: Option<AnalyticsConfigToml>,
    /// Feedback switch.
    pub feedback: Option<FeedbackConfigToml>,
    /// App (connector) settings.
    #[serde(default)]
    pub apps: Option<AppsConfigToml>,
    /// Opaque desktop-app settings kept in the same file.
    #[serde(default)]
    pub desktop: Option<BTreeMap<String, serde_json::Value>>,
    /// OpenTelemetry export.
    pub otel: Option<OtelConfigToml>,
    /// Windows sandbox settings.
    #[serde(default)]
    pub windows: Option<WindowsToml>,
    /// Acknowledged notices and prompts.
    pub notice: Option<Notice>,
    /// Experimental: file holding the compaction prompt.
    pub experimental_compact_prompt_file: Option<ConfigPath>,
    /// Experimental: use the unified exec tool.
    pub experimental_use_unified_exec_tool: Option<bool>,
    /// Preferred local provider (`lmstudio` or `ollama`).
    pub oss_provider: Option<String>,
}

fn default_allow_login_shell() -> Option<bool> {
    Some(true)
}

fn default_project_doc_max_bytes() -> Option<usize> {
    Some(DEFAULT_PROJECT_DOC_MAX_BYTES)
}

fn default_project_doc_fallback_filenames() -> Option<Vec<String>> {
    Some(Vec::new())
}

fn default_history() -> Option<History> {
    Some(History::default())
}

fn default_hide_agent_reasoning() -> Option<bool> {
    Some(false)
}

/// `forced_chatgpt_workspace_id`: one workspace id or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ForcedChatgptWorkspaceIds {
    /// One id.
    Single(String),
    /// Several ids.
    Multiple(Vec<String>),
}

impl ForcedChatgptWorkspaceIds {
    /// The ids as a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Self::Single(id) => vec![id],
            Self::Multiple(ids) => ids,
        }
    }
}

impl<'de> Deserialize<'de> for ForcedChatgptWorkspaceIds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The enum name shows up in serde's "did not match" message.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Single(String),
            Multiple(Vec<String>),
        }
        match Repr::deserialize(deserializer)? {
            Repr::Single(id) if id.contains(',') => Err(serde::de::Error::custom(
                "forced_chatgpt_workspace_id must be a single workspace ID string or a TOML list \
of strings; comma-separated strings are not supported. Use \
`forced_chatgpt_workspace_id = [\"123e4567-e89b-42d3-a456-426614174000\", \
\"123e4567-e89b-42d3-a456-426614174001\"]` instead.",
            )),
            Repr::Single(id) => Ok(Self::Single(id)),
            Repr::Multiple(ids) => Ok(Self::Multiple(ids)),
        }
    }
}

/// Trust settings of one project directory (`[projects."<path>"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectConfig {
    /// Trusted or untrusted; absent means no decision yet.
    pub trust_level: Option<recodex_protocol::TrustLevel>,
}

impl ProjectConfig {
    /// True when the project is marked trusted.
    pub fn is_trusted(&self) -> bool {
        self.trust_level == Some(recodex_protocol::TrustLevel::Trusted)
    }

    /// True when the project is marked untrusted.
    pub fn is_untrusted(&self) -> bool {
        self.trust_level == Some(recodex_protocol::TrustLevel::Untrusted)
    }
}

/// Editor whose URI scheme hyperlinks file citations (`file_opener`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UriBasedFileOpener {
    /// `vscode://`
    #[serde(rename = "vscode")]
    VsCode,
    /// `vscode-insiders://`
    #[serde(rename = "vscode-insiders")]
    VsCodeInsiders,
    /// `windsurf://`
    #[serde(rename = "windsurf")]
    Windsurf,
    /// `cursor://`
    #[serde(rename = "cursor")]
    Cursor,
    /// No hyperlinks.
    #[serde(rename = "none")]
    None,
}

impl UriBasedFileOpener {
    /// The URI scheme, or `None` when hyperlinks are off.
    pub const fn scheme(self) -> Option<&'static str> {
        match self {
            Self::VsCode => Some("vscode"),
            Self::VsCodeInsiders => Some("vscode-insiders"),
            Self::Windsurf => Some("windsurf"),
            Self::Cursor => Some("cursor"),
            Self::None => None,
        }
    }
}
