//! `[profiles.<name>]`: a named bundle of settings applied over the top level.

use recodex_protocol::ApprovalsReviewer;
use recodex_protocol::AskForApproval;
use recodex_protocol::Personality;
use recodex_protocol::ReasoningEffort;
use recodex_protocol::ReasoningSummary;
use recodex_protocol::SandboxMode;
use recodex_protocol::Verbosity;
use recodex_protocol::WebSearchMode;
use serde::Deserialize;
use serde::Serialize;

use super::AnalyticsConfigToml;
use super::ConfigPath;
use super::FeaturesToml;
use super::SessionPickerViewMode;
use super::ToolsToml;
use super::WindowsToml;

/// One named profile. Only these keys may be overridden per profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigProfile {
    /// Model slug.
    pub model: Option<String>,
    /// Service tier request value.
    pub service_tier: Option<String>,
    /// Key into `model_providers`.
    pub model_provider: Option<String>,
    /// When to ask before running commands.
    pub approval_policy: Option<AskForApproval>,
    /// Who reviews escalated approval requests.
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Coarse sandbox choice.
    pub sandbox_mode: Option<SandboxMode>,
    /// Reasoning effort for normal turns.
    pub model_reasoning_effort: Option<ReasoningEffort>,
    /// Reasoning effort in plan mode.
    pub plan_mode_reasoning_effort: Option<ReasoningEffort>,
    /// Reasoning summary setting.
    pub model_reasoning_summary: Option<ReasoningSummary>,
    /// Output verbosity hint.
    pub model_verbosity: Option<Verbosity>,
    /// JSON model catalog read at startup.
    pub model_catalog_json: Option<ConfigPath>,
    /// Personality preset.
    pub personality: Option<Personality>,
    /// Base URL of the ChatGPT backend.
    pub chatgpt_base_url: Option<String>,
    /// File whose text replaces the built-in model instructions.
    pub model_instructions_file: Option<ConfigPath>,
    /// Deprecated and ignored.
    pub js_repl_node_path: Option<ConfigPath>,
    /// Deprecated and ignored.
    pub js_repl_node_module_dirs: Option<Vec<ConfigPath>>,
    /// Experimental: file holding the compaction prompt.
    pub experimental_compact_prompt_file: Option<ConfigPath>,
    /// Whether the `<permissions instructions>` block is sent.
    pub include_permissions_instructions: Option<bool>,
    /// Whether the `<apps_instructions>` block is sent.
    pub include_apps_instructions: Option<bool>,
    /// Whether the `<collaboration_mode>` block is sent.
    pub include_collaboration_mode_instructions: Option<bool>,
    /// Whether the `<environment_context>` block is sent.
    pub include_environment_context: Option<bool>,
    /// Experimental: use the unified exec tool.
    pub experimental_use_unified_exec_tool: Option<bool>,
    /// Tool settings.
    pub tools: Option<ToolsToml>,
    /// Web search tool mode.
    pub web_search: Option<WebSearchMode>,
    /// Analytics switch.
    pub analytics: Option<AnalyticsConfigToml>,
    /// TUI settings allowed per profile.
    #[serde(default)]
    pub tui: Option<ProfileTui>,
    /// Windows sandbox settings.
    #[serde(default)]
    pub windows: Option<WindowsToml>,
    /// Feature flags for this profile.
    #[serde(default)]
    pub features: Option<FeaturesToml>,
    /// Preferred local provider.
    pub oss_provider: Option<String>,
}

/// `[profiles.<name>.tui]`. Unlike most tables, unknown keys here are an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileTui {
    /// Layout of the resume/fork session picker.
    #[serde(default)]
    pub session_picker_view: Option<SessionPickerViewMode>,
}
