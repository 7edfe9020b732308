//! `[features]`: feature flags.
//!
//! Most entries are `name = bool`; a few features also accept a table of
//! settings. Whether a name is a known feature is decided elsewhere (the
//! feature registry), see [`super::unknown_feature_paths`].

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

use super::NetworkDomainPermissionsToml;
use super::NetworkMode;
use super::NetworkUnixSocketPermissionsToml;

/// `[features]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeaturesToml {
    /// `multi_agent_v2`: a switch or its settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_agent_v2: Option<FeatureToml<MultiAgentV2ConfigToml>>,
    /// `apps_mcp_path_override`: a switch or its settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apps_mcp_path_override: Option<FeatureToml<AppsMcpPathOverrideConfigToml>>,
    /// `network_proxy`: a switch or its settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_proxy: Option<FeatureToml<NetworkProxyConfigToml>>,
    /// Every other flag by name.
    #[serde(flatten)]
    pub entries: BTreeMap<String, bool>,
}

impl FeaturesToml {
    /// All switches by name, including the `enabled` state of table-form
    /// features when they set one.
    pub fn enabled_entries(&self) -> BTreeMap<String, bool> {
        let mut entries = self.entries.clone();
        let typed = [
            (
                "multi_agent_v2",
                self.multi_agent_v2.as_ref().and_then(FeatureToml::enabled),
            ),
            (
                "apps_mcp_path_override",
                self.apps_mcp_path_override
                    .as_ref()
                    .and_then(FeatureToml::enabled),
            ),
            (
                "network_proxy",
                self.network_proxy.as_ref().and_then(FeatureToml::enabled),
            ),
        ];
        for (name, enabled) in typed {
            if let Some(enabled) = enabled {
                entries.insert(name.to_string(), enabled);
            }
        }
        entries
    }
}

/// A feature given as a bare switch or as a settings table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FeatureToml<T> {
    /// `name = true`.
    Enabled(bool),
    /// `[features.name]` with settings.
    Config(T),
}

/// Settings tables that carry an optional `enabled` switch.
pub trait FeatureConfig {
    /// The table's `enabled` value.
    fn enabled(&self) -> Option<bool>;
}

impl<T: FeatureConfig> FeatureToml<T> {
    /// The switch, from either form.
    pub fn enabled(&self) -> Option<bool> {
        match self {
            Self::Enabled(enabled) => Some(*enabled),
            Self::Config(config) => config.enabled(),
        }
    }
}

/// `[features.multi_agent_v2]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiAgentV2ConfigToml {
    /// Switch.
    pub enabled: Option<bool>,
    /// Concurrent agent threads per session (at least 1).
    pub max_concurrent_threads_per_session: Option<usize>,
    /// Shortest wait timeout in milliseconds.
    pub min_wait_timeout_ms: Option<u64>,
    /// Longest wait timeout in milliseconds.
    pub max_wait_timeout_ms: Option<u64>,
    /// Default wait timeout in milliseconds.
    pub default_wait_timeout_ms: Option<u64>,
    /// Show the usage hint.
    pub usage_hint_enabled: Option<bool>,
    /// Usage hint text.
    pub usage_hint_text: Option<String>,
    /// Usage hint for the root agent.
    pub root_agent_usage_hint_text: Option<String>,
    /// Usage hint for sub-agents.
    pub subagent_usage_hint_text: Option<String>,
    /// Namespace of the agent tools.
    pub tool_namespace: Option<String>,
    /// Hide spawn metadata from the model.
    pub hide_spawn_agent_metadata: Option<bool>,
    /// Only when code mode is off.
    pub non_code_mode_only: Option<bool>,
}

impl FeatureConfig for MultiAgentV2ConfigToml {
    fn enabled(&self) -> Option<bool> {
        self.enabled
    }
}

/// `[features.apps_mcp_path_override]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppsMcpPathOverrideConfigToml {
    /// Switch.
    pub enabled: Option<bool>,
    /// Path used for the hosted apps MCP server.
    pub path: Option<String>,
}

impl FeatureConfig for AppsMcpPathOverrideConfigToml {
    fn enabled(&self) -> Option<bool> {
        self.enabled
    }
}

/// `[features.network_proxy]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkProxyConfigToml {
    /// Switch.
    pub enabled: Option<bool>,
    /// HTTP proxy listen URL.
    pub proxy_url: Option<String>,
    /// Enable the SOCKS5 listener.
    pub enable_socks5: Option<bool>,
    /// SOCKS5 listen URL.
    pub socks_url: Option<String>,
    /// Allow UDP over SOCKS5.
    pub enable_socks5_udp: Option<bool>,
    /// Chain to the proxy from the environment.
    pub allow_upstream_proxy: Option<bool>,
    /// Allow listening on non-loopback addresses.
    pub dangerously_allow_non_loopback_proxy: Option<bool>,
    /// Allow every Unix socket.
    pub dangerously_allow_all_unix_sockets: Option<bool>,
    /// `limited` or `full`.
    pub mode: Option<NetworkMode>,
    /// Domain rules.
    pub domains: Option<NetworkDomainPermissionsToml>,
    /// Unix socket rules.
    pub unix_sockets: Option<NetworkUnixSocketPermissionsToml>,
    /// Allow binding local ports.
    pub allow_local_binding: Option<bool>,
}

impl FeatureConfig for NetworkProxyConfigToml {
    fn enabled(&self) -> Option<bool> {
        self.enabled
    }
}
