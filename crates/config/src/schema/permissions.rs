//! `[permissions.<profile>]`: named filesystem and network permission profiles.
//!
//! Most tables here are maps keyed by user data (paths, domains), so they are
//! `flatten`ed; as in the reference, keys inside them are never reported as
//! unknown.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

/// `[permissions]`: profiles by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionsToml {
    /// Profiles by name.
    #[serde(flatten)]
    pub entries: BTreeMap<String, PermissionProfileToml>,
}

/// One permission profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionProfileToml {
    /// Human-readable description.
    pub description: Option<String>,
    /// Parent profile (`:name` for built-ins) whose settings are inherited.
    pub extends: Option<String>,
    /// Extra workspace roots, path to enabled flag.
    pub workspace_roots: Option<WorkspaceRootsToml>,
    /// Filesystem access rules.
    pub filesystem: Option<FilesystemPermissionsToml>,
    /// Network rules.
    pub network: Option<NetworkToml>,
}

/// `workspace_roots`: path to enabled flag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRootsToml {
    /// Roots by path.
    #[serde(flatten)]
    pub entries: BTreeMap<String, bool>,
}

/// `filesystem`: path (or special path) to access mode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilesystemPermissionsToml {
    /// Depth limit for expanding unreadable glob patterns (at least 1).
    pub glob_scan_max_depth: Option<usize>,
    /// Rules by path.
    #[serde(flatten)]
    pub entries: BTreeMap<String, FilesystemPermissionToml>,
}

/// Access to one path, or to sub-paths below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FilesystemPermissionToml {
    /// Access to the path itself.
    Access(FileSystemAccessMode),
    /// Access to sub-paths, relative to the key.
    Scoped(BTreeMap<String, FileSystemAccessMode>),
}

/// Filesystem access mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileSystemAccessMode {
    /// Read only.
    Read,
    /// Read and write.
    Write,
    /// No access; `none` is accepted as a synonym.
    #[serde(alias = "none")]
    Deny,
}

/// `network`: proxy and allow-list settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkToml {
    /// Enable the network proxy.
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
    /// Request-rewriting hooks.
    pub mitm: Option<NetworkMitmToml>,
}

/// Network proxy mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// Read-only methods only.
    Limited,
    /// Everything allowed by the domain rules.
    #[default]
    Full,
}

/// `domains`: domain pattern to permission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkDomainPermissionsToml {
    /// Rules by pattern.
    #[serde(flatten)]
    pub entries: BTreeMap<String, NetworkDomainPermissionToml>,
}

/// Permission for one domain pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkDomainPermissionToml {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
}

/// `unix_sockets`: socket path to permission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkUnixSocketPermissionsToml {
    /// Rules by path.
    #[serde(flatten)]
    pub entries: BTreeMap<String, NetworkUnixSocketPermissionToml>,
}

/// Permission for one Unix socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkUnixSocketPermissionToml {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
}

/// `mitm`: hooks that match requests and the actions they trigger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NetworkMitmToml {
    /// Hooks by name.
    pub hooks: Option<BTreeMap<String, NetworkMitmHookToml>>,
    /// Actions by name.
    pub actions: Option<BTreeMap<String, NetworkMitmActionToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkMitmTomlUnchecked {
    hooks: Option<BTreeMap<String, NetworkMitmHookToml>>,
    actions: Option<BTreeMap<String, NetworkMitmActionToml>>,
}

impl<'de> Deserialize<'de> for NetworkMitmToml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = NetworkMitmTomlUnchecked::deserialize(deserializer)?;
        let mitm = Self {
            hooks: raw.hooks,
            actions: raw.actions,
        };
        mitm.check_definitions().map_err(serde::de::Error::custom)?;
        Ok(mitm)
    }
}

impl NetworkMitmToml {
    /// Every action must do something and every hook must name an action.
    pub fn check_definitions(&self) -> Result<(), crate::InvalidValue> {
        self.check().map_err(crate::InvalidValue::Permissions)
    }

    fn check(&self) -> Result<(), String> {
        for (name, action) in self.actions.iter().flatten() {
            if action.strip_request_headers.is_empty() && action.inject_request_headers.is_empty() {
                return Err(format!(
                    "network.mitm.actions.{name} must define at least one operation"
                ));
            }
        }
        for (name, hook) in self.hooks.iter().flatten() {
            if hook.action.is_empty() {
                return Err(format!(
                    "network.mitm.hooks.{name}.action must not be empty"
                ));
            }
        }
        Ok(())
    }
}

/// One request-matching hook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkMitmHookToml {
    /// Host to match.
    pub host: String,
    /// HTTP methods to match.
    pub methods: Vec<String>,
    /// Path prefixes to match.
    pub path_prefixes: Vec<String>,
    /// Query parameters to match.
    #[serde(default)]
    pub query: BTreeMap<String, Vec<String>>,
    /// Headers to match.
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
    /// Body matcher, passed through unchanged.
    pub body: Option<serde_json::Value>,
    /// Names of the actions to run.
    pub action: Vec<String>,
}

/// One action: headers to strip and headers to inject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkMitmActionToml {
    /// Request headers to remove.
    pub strip_request_headers: Vec<String>,
    /// Request headers to add.
    pub inject_request_headers: Vec<NetworkMitmInjectedHeaderToml>,
}

/// A header added to matching requests, its value read from a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkMitmInjectedHeaderToml {
    /// Header name.
    pub name: String,
    /// Variable holding the value.
    pub secret_env_var: Option<String>,
    /// File holding the value.
    pub secret_file: Option<String>,
    /// Text put before the value (e.g. `Bearer `).
    pub prefix: Option<String>,
}
