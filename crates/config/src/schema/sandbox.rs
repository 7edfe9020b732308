//! Sandbox and process environment tables: `[sandbox_workspace_write]`,
//! `[shell_environment_policy]` and `[windows]`.

use std::collections::BTreeMap;

use recodex_protocol::ShellEnvironmentPolicyInherit;
use serde::Deserialize;
use serde::Serialize;

use super::ConfigPath;

/// Settings applied when `sandbox_mode = "workspace-write"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxWorkspaceWrite {
    /// Extra writable directories besides the workspace and temp dirs.
    #[serde(default)]
    pub writable_roots: Vec<ConfigPath>,
    /// Allow outbound network access.
    #[serde(default)]
    pub network_access: bool,
    /// Do not make `$TMPDIR` writable.
    #[serde(default)]
    pub exclude_tmpdir_env_var: bool,
    /// Do not make `/tmp` writable.
    #[serde(default)]
    pub exclude_slash_tmp: bool,
}

/// How the environment of spawned commands is built
/// (`[shell_environment_policy]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellEnvironmentPolicyToml {
    /// Starting set of variables (default `all`).
    pub inherit: Option<ShellEnvironmentPolicyInherit>,
    /// Skip the built-in `*KEY*`/`*SECRET*`/`*TOKEN*` filter (default `true`).
    pub ignore_default_excludes: Option<bool>,
    /// Case-insensitive glob patterns of variables to drop.
    pub exclude: Option<Vec<String>>,
    /// Variables to set.
    pub set: Option<BTreeMap<String, String>>,
    /// When non-empty, keep only variables matching these patterns.
    pub include_only: Option<Vec<String>>,
    /// Run commands through the user's shell profile.
    pub experimental_use_profile: Option<bool>,
}

/// Windows sandbox implementation (`windows.sandbox`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WindowsSandboxModeToml {
    /// Uses an elevated helper.
    Elevated,
    /// Runs without elevation.
    Unelevated,
}

/// `[windows]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsToml {
    /// Sandbox implementation.
    pub sandbox: Option<WindowsSandboxModeToml>,
    /// Run the sandboxed child on a private desktop (default `true`).
    pub sandbox_private_desktop: Option<bool>,
}
