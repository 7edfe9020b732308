//! The sandbox policy a command runs under, from flags and configuration.

use std::path::{Path, PathBuf};

use recodex_config::Config;
use recodex_protocol::SandboxMode;
use recodex_protocol::permissions::SandboxPolicy;

/// The sandbox mode: the one the flags chose, else `sandbox_mode` from the
/// configuration, else workspace-write for a trusted project and read-only otherwise.
pub(crate) fn sandbox_mode(
    chosen: Option<SandboxMode>,
    config: &Config,
    trusted: bool,
) -> SandboxMode {
    chosen.or(config.toml.sandbox_mode).unwrap_or(if trusted {
        SandboxMode::WorkspaceWrite
    } else {
        SandboxMode::ReadOnly
    })
}

/// The policy of `mode`: workspace-write takes `[sandbox_workspace_write]` and the extra
/// writable directories (`--add-dir`, relative to `cwd`).
pub(crate) fn sandbox_policy(
    mode: SandboxMode,
    config: &Config,
    add_dirs: &[PathBuf],
    cwd: &Path,
) -> SandboxPolicy {
    match mode {
        SandboxMode::ReadOnly => SandboxPolicy::ReadOnly {
            network_access: false,
        },
        SandboxMode::DangerFullAccess => SandboxPolicy::DangerFullAccess,
        SandboxMode::WorkspaceWrite => {
            let ww = config
                .toml
                .sandbox_workspace_write
                .clone()
                .unwrap_or_default();
            let mut writable_roots: Vec<PathBuf> = ww
                .writable_roots
                .iter()
                .map(|p| p.resolve(cwd, None))
                .collect();
            for dir in add_dirs {
                let dir = if dir.is_absolute() {
                    dir.clone()
                } else {
                    cwd.join(dir)
                };
                if !writable_roots.contains(&dir) {
                    writable_roots.push(dir);
                }
            }
            SandboxPolicy::WorkspaceWrite {
                writable_roots,
                network_access: ww.network_access,
                exclude_tmpdir_env_var: ww.exclude_tmpdir_env_var,
                exclude_slash_tmp: ww.exclude_slash_tmp,
            }
        }
    }
}

/// What the configuration selects for the sandbox: a `sandbox_mode` or a permissions
/// profile (`default_permissions`), from the highest layer that sets either (both in one
/// layer: the profile), as the reference resolves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selected {
    /// `sandbox_mode`.
    Mode(SandboxMode),
    /// `default_permissions`.
    Profile(String),
}

/// The configuration's selection, if any layer makes one.
pub(crate) fn configured_selection(config: &Config) -> Option<Selected> {
    for layer in config.stack.layers.iter().rev() {
        let Some(table) = layer.value.as_table() else {
            continue;
        };
        if let Some(name) = table.get("default_permissions").and_then(|v| v.as_str()) {
            return Some(Selected::Profile(name.to_owned()));
        }
        if table.contains_key("sandbox_mode")
            && let Some(mode) = config.toml.sandbox_mode
        {
            return Some(Selected::Mode(mode));
        }
    }
    None
}

/// The policy of permissions profile `name` for a session in `cwd`, and the warnings exec
/// prints about it: the built-ins `:read-only`, `:workspace` (which, unlike
/// `sandbox_mode = "workspace-write"`, does not read `[sandbox_workspace_write]`) and
/// `:danger-full-access`, or a profile from `[permissions]`
/// ([`recodex_config::resolve_named_profile`]), with the reference's errors.
pub(crate) fn profile_policy(
    name: &str,
    config: &Config,
    cwd: &Path,
    home: Option<&Path>,
) -> Result<recodex_config::ResolvedProfile, String> {
    let builtin = |policy| Ok(recodex_config::ResolvedProfile::plain(policy));
    match name {
        ":read-only" => builtin(SandboxPolicy::ReadOnly {
            network_access: false,
        }),
        ":workspace" => builtin(SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        }),
        ":danger-full-access" => builtin(SandboxPolicy::DangerFullAccess),
        _ if name.starts_with(':') => Err(format!(
            "default_permissions refers to unknown built-in profile `{name}`"
        )),
        _ => match &config.toml.permissions {
            None => Err("default_permissions requires a `[permissions]` table".to_owned()),
            Some(table) => recodex_config::resolve_named_profile(name, table, cwd, home),
        },
    }
}

/// The error when `[permissions]` defines profiles and nothing selects a sandbox.
pub(crate) fn unselected_profiles_error(config: &Config) -> Option<String> {
    config
        .toml
        .permissions
        .as_ref()
        .filter(|table| !table.entries.is_empty())
        .map(|_| {
            "config defines `[permissions]` profiles but does not set `default_permissions`"
                .to_owned()
        })
}

/// The sandbox the configuration selects when no flag does (`default_permissions` or
/// `sandbox_mode`, whichever the higher layer sets), else workspace-write in a trusted
/// project and read-only elsewhere; with the warnings exec prints about a profile.
/// `add_dirs` (`--add-dir`) extend a workspace-write mode.
pub(crate) fn configured_policy(
    config: &Config,
    cwd: &Path,
    home: Option<&Path>,
    trusted: bool,
    add_dirs: &[PathBuf],
) -> Result<recodex_config::ResolvedProfile, String> {
    let mode = match configured_selection(config) {
        Some(Selected::Profile(name)) => return profile_policy(&name, config, cwd, home),
        Some(Selected::Mode(mode)) => mode,
        None => match unselected_profiles_error(config) {
            Some(error) => return Err(error),
            None => sandbox_mode(None, config, trusted),
        },
    };
    Ok(recodex_config::ResolvedProfile::plain(sandbox_policy(
        mode, config, add_dirs, cwd,
    )))
}
