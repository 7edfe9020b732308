//! Inputs that decide which tools a turn offers: the model's facts, the
//! feature flags and a few settings, resolved once into [`ToolsConfig`].
//!
//! The model facts come from the model catalog, which lives in a crate this
//! one may not depend on, so the caller copies them into [`ModelToolFacts`].

use recodex_config::Features;
use recodex_protocol::WebSearchMode;
use recodex_protocol::WebSearchToolConfig;
// The model facts are the protocol's; `ShellToolType` is the catalog's `shell_type`.
pub use recodex_protocol::{
    ApplyPatchToolType, ConfigShellToolType as ShellToolType, WebSearchToolType,
};
use serde::Deserialize;
use serde::Serialize;

/// The catalog facts about one model that shape its tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelToolFacts {
    /// Preferred shell tool.
    pub shell_type: ShellToolType,
    /// `apply_patch` declaration, if the model gets the tool.
    pub apply_patch_tool_type: Option<ApplyPatchToolType>,
    /// Web search result kinds.
    pub web_search_tool_type: WebSearchToolType,
    /// Request-level `parallel_tool_calls`.
    pub supports_parallel_tool_calls: bool,
    /// Whether tools may be deferred behind `tool_search`.
    pub supports_search_tool: bool,
    /// Whether `view_image` offers the `detail` argument.
    pub supports_image_detail_original: bool,
}

impl ModelToolFacts {
    /// The facts of fallback metadata (a model the catalog does not know).
    pub fn fallback() -> Self {
        Self {
            shell_type: ShellToolType::Default,
            apply_patch_tool_type: None,
            web_search_tool_type: WebSearchToolType::Text,
            supports_parallel_tool_calls: false,
            supports_search_tool: false,
            supports_image_detail_original: false,
        }
    }
}

/// Settings from the resolved configuration that shape the tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolSettings {
    /// `web_search` from the profile or `config.toml`, if set.
    pub web_search_mode: Option<WebSearchMode>,
    /// `tools.web_search` options.
    pub web_search_config: Option<WebSearchToolConfig>,
    /// Whether the turn runs with `danger-full-access` (web search goes live).
    pub danger_full_access: bool,
    /// `allow_login_shell` (default `true`): offers the `login` argument.
    pub allow_login_shell: bool,
    /// `tools.experimental_request_user_input.enabled` (default `true`).
    pub request_user_input: bool,
}

impl Default for ToolSettings {
    fn default() -> Self {
        Self {
            web_search_mode: None,
            web_search_config: None,
            danger_full_access: false,
            allow_login_shell: true,
            request_user_input: true,
        }
    }
}

/// The shell tool a turn ends up with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShellTool {
    /// `exec_command` and `write_stdin`.
    UnifiedExec,
    /// `shell_command`.
    ShellCommand,
    /// `local_shell`.
    LocalShell,
    /// None.
    Disabled,
}

/// Which tools one turn offers, fully resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolsConfig {
    /// The shell tool.
    pub shell: ShellTool,
    /// Offer the `login` argument.
    pub allow_login_shell: bool,
    /// Offer `additional_permissions` on shell tools.
    pub exec_permission_approvals: bool,
    /// `get_goal`, `create_goal`, `update_goal`.
    pub goals: bool,
    /// `request_user_input`.
    pub request_user_input: bool,
    /// `request_user_input` is also usable outside plan mode.
    pub default_mode_request_user_input: bool,
    /// `request_permissions`.
    pub request_permissions: bool,
    /// `apply_patch`.
    pub apply_patch: Option<ApplyPatchToolType>,
    /// `view_image` offers `detail`.
    pub view_image_detail: bool,
    /// The `multi_agent_v1` namespace.
    pub multi_agent_v1: bool,
    /// The flat multi-agent v2 tools (replace v1).
    pub multi_agent_v2: bool,
    /// `spawn_agents_on_csv`.
    pub agent_jobs: bool,
    /// Deferred tools go behind `tool_search`.
    pub search_tool: bool,
    /// Effective web search mode.
    pub web_search_mode: WebSearchMode,
    /// `tools.web_search` options.
    pub web_search_config: Option<WebSearchToolConfig>,
    /// Web search result kinds.
    pub web_search_tool_type: WebSearchToolType,
    /// Request-level `parallel_tool_calls`.
    pub parallel_tool_calls: bool,
}

impl ToolsConfig {
    /// Resolves the tools of a turn from the model facts, features and settings.
    pub fn new(model: &ModelToolFacts, features: &Features, settings: &ToolSettings) -> Self {
        let on = |key: &str| features.enabled(key);
        let shell = if !on("shell_tool") {
            ShellTool::Disabled
        } else if on("shell_zsh_fork") {
            ShellTool::ShellCommand
        } else if on("unified_exec") {
            ShellTool::UnifiedExec
        } else {
            match model.shell_type {
                // 0.136.0 offers `shell_command` where older releases had `shell`.
                ShellToolType::Default | ShellToolType::ShellCommand => ShellTool::ShellCommand,
                ShellToolType::Local => ShellTool::LocalShell,
                ShellToolType::UnifiedExec => ShellTool::UnifiedExec,
                ShellToolType::Disabled => ShellTool::Disabled,
            }
        };
        let multi_agent_v2 = on("multi_agent_v2");
        // Agent jobs need the agent tools, so the fan-out flag brings them along.
        let multi_agent_v1 = !multi_agent_v2 && (on("multi_agent") || on("enable_fanout"));
        Self {
            shell,
            allow_login_shell: settings.allow_login_shell,
            exec_permission_approvals: on("exec_permission_approvals"),
            goals: on("goals"),
            request_user_input: settings.request_user_input,
            default_mode_request_user_input: on("default_mode_request_user_input"),
            request_permissions: on("request_permissions_tool"),
            apply_patch: model.apply_patch_tool_type,
            view_image_detail: model.supports_image_detail_original,
            multi_agent_v1,
            multi_agent_v2,
            agent_jobs: on("enable_fanout"),
            search_tool: model.supports_search_tool,
            web_search_mode: effective_web_search_mode(
                settings.web_search_mode,
                features,
                settings.danger_full_access,
            ),
            web_search_config: settings.web_search_config.clone(),
            web_search_tool_type: model.web_search_tool_type,
            parallel_tool_calls: model.supports_parallel_tool_calls,
        }
    }
}

/// The web search mode of a turn: the configured mode, else the deprecated
/// `web_search_cached` / `web_search_request` flags, else cached; a
/// `danger-full-access` turn upgrades any enabled mode to live.
pub fn effective_web_search_mode(
    configured: Option<WebSearchMode>,
    features: &Features,
    danger_full_access: bool,
) -> WebSearchMode {
    let preferred = configured.unwrap_or(if features.enabled("web_search_cached") {
        WebSearchMode::Cached
    } else if features.enabled("web_search_request") {
        WebSearchMode::Live
    } else {
        WebSearchMode::Cached
    });
    if danger_full_access && preferred != WebSearchMode::Disabled {
        WebSearchMode::Live
    } else {
        preferred
    }
}
