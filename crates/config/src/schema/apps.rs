//! `[apps]`, `[plugins]`, `[marketplaces]`, `[skills]` and `[tool_suggest]`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

use super::AppToolApproval;
use super::ConfigPath;
use super::McpServerToolConfig;

fn default_enabled() -> bool {
    true
}

/// `[apps]`: defaults under `_default`, everything else is an app id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppsConfigToml {
    /// Settings for all apps (`[apps._default]`).
    #[serde(default, rename = "_default", skip_serializing_if = "Option::is_none")]
    pub default: Option<AppsDefaultConfig>,
    /// Per-app settings by id (`[apps.google_drive]`).
    #[serde(default, flatten)]
    pub apps: BTreeMap<String, AppConfig>,
}

/// `[apps._default]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppsDefaultConfig {
    /// `false` disables apps unless an app enables itself.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Allow tools marked destructive.
    #[serde(default = "default_enabled")]
    pub destructive_enabled: bool,
    /// Allow tools marked open-world.
    #[serde(default = "default_enabled")]
    pub open_world_enabled: bool,
}

impl Default for AppsDefaultConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            destructive_enabled: true,
            open_world_enabled: true,
        }
    }
}

/// `[apps.<id>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppConfig {
    /// `false` hides the app.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Allow this app's destructive tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive_enabled: Option<bool>,
    /// Allow this app's open-world tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_world_enabled: Option<bool>,
    /// Approval mode for tools without their own setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_tools_approval_mode: Option<AppToolApproval>,
    /// Whether tools are enabled unless listed otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_tools_enabled: Option<bool>,
    /// Per-tool settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<AppToolsConfig>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            destructive_enabled: None,
            open_world_enabled: None,
            default_tools_approval_mode: None,
            default_tools_enabled: None,
            tools: None,
        }
    }
}

/// `[apps.<id>.tools]`: tool name to settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppToolsConfig {
    /// Settings by tool name (for example `repos/list`).
    #[serde(default, flatten)]
    pub tools: BTreeMap<String, AppToolConfig>,
}

/// Settings of one app tool.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppToolConfig {
    /// Explicitly enable or disable the tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Approval mode of the tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_mode: Option<AppToolApproval>,
}

/// `[plugins.<name>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginConfig {
    /// `false` disables the plugin.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Policy for MCP servers the plugin contributes, by server name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mcp_servers: BTreeMap<String, PluginMcpServerConfig>,
}

impl Default for PluginConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            mcp_servers: BTreeMap::new(),
        }
    }
}

/// Policy for one plugin-provided MCP server (its transport comes from the plugin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginMcpServerConfig {
    /// `false` skips the server.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Approval mode for tools without their own setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_tools_approval_mode: Option<AppToolApproval>,
    /// Allow-list of tool names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_tools: Option<Vec<String>>,
    /// Deny-list of tool names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_tools: Option<Vec<String>>,
    /// Per-tool settings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tools: BTreeMap<String, McpServerToolConfig>,
}

impl Default for PluginMcpServerConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            default_tools_approval_mode: None,
            enabled_tools: None,
            disabled_tools: None,
            tools: BTreeMap::new(),
        }
    }
}

/// `[marketplaces.<name>]`, written by `codex plugin marketplace add`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplaceConfig {
    /// When it was last added or refreshed.
    #[serde(default)]
    pub last_updated: Option<String>,
    /// Git revision last activated.
    #[serde(default)]
    pub last_revision: Option<String>,
    /// Kind of source.
    #[serde(default)]
    pub source_type: Option<MarketplaceSourceType>,
    /// Source location as given when added.
    #[serde(default)]
    pub source: Option<String>,
    /// Git ref to check out.
    #[serde(default, rename = "ref")]
    pub ref_name: Option<String>,
    /// Sparse checkout paths.
    #[serde(default)]
    pub sparse_paths: Option<Vec<String>>,
}

/// Kind of marketplace source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketplaceSourceType {
    /// A git repository.
    Git,
    /// A local directory.
    Local,
}

/// `[skills]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillsConfig {
    /// Bundled skills switch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundled: Option<BundledSkillsConfig>,
    /// Send the automatic skills instructions block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_instructions: Option<bool>,
    /// Per-skill switches (`[[skills.config]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<SkillConfig>,
}

/// `[[skills.config]]`: enables or disables one skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillConfig {
    /// Select by SKILL.md path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<ConfigPath>,
    /// Select by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Required on/off switch.
    pub enabled: bool,
}

/// `[skills.bundled]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundledSkillsConfig {
    /// `false` hides the bundled skills.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
}

impl Default for BundledSkillsConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// `[tool_suggest]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolSuggestConfig {
    /// Extra connectors or plugins that may be suggested.
    #[serde(default)]
    pub discoverables: Vec<ToolSuggestDiscoverable>,
    /// Connectors or plugins never to suggest.
    #[serde(default)]
    pub disabled_tools: Vec<ToolSuggestDisabledTool>,
}

/// One suggestable (or suppressed) tool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ToolSuggestDiscoverable {
    /// Connector or plugin.
    #[serde(rename = "type")]
    pub kind: ToolSuggestDiscoverableType,
    /// Its id.
    pub id: String,
}

/// One tool that must not be suggested.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ToolSuggestDisabledTool {
    /// Connector or plugin.
    #[serde(rename = "type")]
    pub kind: ToolSuggestDiscoverableType,
    /// Its id.
    pub id: String,
}

/// Kind of suggestable tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolSuggestDiscoverableType {
    /// An app connector.
    Connector,
    /// A plugin.
    Plugin,
}
