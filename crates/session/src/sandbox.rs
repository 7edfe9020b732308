//! Which sandbox a session runs under: a mode the user or client names, else the
//! configuration's `sandbox_mode` or `default_permissions` profile (the higher layer wins),
//! else what the project's trust gives. Also where trust is recorded when a writable sandbox
//! runs in a project that has no trust entry yet.

use std::path::{Path, PathBuf};

use recodex_config::{Config, PermissionProfileError, ResolvedProfile, TrustLevel};
use recodex_protocol::permissions::SandboxPolicy;
use recodex_protocol::{AskForApproval, SandboxMode};

use crate::error::SessionError;

/// How a front end asks for the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxRequest {
    /// A mode named by a flag or a client; `add_dirs` (`--add-dir`, relative to the
    /// session directory) extend workspace-write.
    Mode {
        /// The mode.
        mode: SandboxMode,
        /// Extra writable directories.
        add_dirs: Vec<PathBuf>,
    },
    /// `exec`: the configuration's selection, else workspace-write in a trusted project and
    /// read-only elsewhere.
    Configured {
        /// Extra writable directories.
        add_dirs: Vec<PathBuf>,
    },
    /// The app-server and MCP server: the configuration's selection, else by the project's
    /// trust entry (`:workspace` when there is one, `:read-only` when there is none).
    ByProjectTrust,
}

/// The sandbox a session runs under and how it was chosen.
#[derive(Debug, Clone)]
pub struct ResolvedSandbox {
    /// The policy and, for a named profile, its own rules.
    pub profile: ResolvedProfile,
    /// The active permission profile's name, when the sandbox came from one (reported as
    /// the app-server's `activePermissionProfile`); `None` for a named mode.
    pub active_profile: Option<String>,
    /// The approval policy the project's trust implies when the front end names none:
    /// `untrusted` in a project the user marked untrusted.
    pub approval: Option<AskForApproval>,
}

impl ResolvedSandbox {
    fn plain(policy: SandboxPolicy, active: Option<&str>) -> Self {
        Self {
            profile: ResolvedProfile::plain(policy),
            active_profile: active.map(str::to_owned),
            approval: None,
        }
    }
}

/// Resolves `request` for a session in `cwd`; `home` is `$HOME` (for `~` in profiles);
/// `trusted_now`: the project was recorded as trusted after `config` was loaded.
pub fn resolve_sandbox(
    request: &SandboxRequest,
    config: &Config,
    cwd: &Path,
    home: Option<&Path>,
    trusted_now: bool,
) -> Result<ResolvedSandbox, SessionError> {
    let add_dirs = match request {
        SandboxRequest::Mode { mode, add_dirs } => {
            return Ok(ResolvedSandbox::plain(
                sandbox_policy(*mode, config, add_dirs, cwd),
                None,
            ));
        }
        SandboxRequest::Configured { add_dirs } => add_dirs.as_slice(),
        SandboxRequest::ByProjectTrust => &[],
    };
    match configured_selection(config) {
        Some(Selected::Profile(name)) => {
            return match profile_policy(&name, config, cwd, home) {
                Ok(profile) => Ok(ResolvedSandbox {
                    profile,
                    active_profile: Some(name),
                    approval: None,
                }),
                Err(err) => Err(SessionError::PermissionProfile(err)),
            };
        }
        Some(Selected::Mode(mode)) => {
            return Ok(ResolvedSandbox::plain(
                sandbox_policy(mode, config, add_dirs, cwd),
                None,
            ));
        }
        None => {}
    }
    if let (SandboxRequest::Configured { .. }, Some(error)) =
        (request, unselected_profiles_error(config))
    {
        return Err(SessionError::PermissionProfile(error));
    }
    let level = config
        .project_trust_level(cwd)
        .or(trusted_now.then_some(TrustLevel::Trusted));
    Ok(match (request, level) {
        (SandboxRequest::ByProjectTrust, Some(level)) => ResolvedSandbox {
            approval: (level == TrustLevel::Untrusted).then_some(AskForApproval::UnlessTrusted),
            ..ResolvedSandbox::plain(
                sandbox_policy(SandboxMode::WorkspaceWrite, config, &[], cwd),
                Some(":workspace"),
            )
        },
        (SandboxRequest::ByProjectTrust, None) => ResolvedSandbox::plain(
            SandboxPolicy::ReadOnly {
                network_access: false,
            },
            Some(":read-only"),
        ),
        (_, Some(TrustLevel::Trusted)) => ResolvedSandbox::plain(
            sandbox_policy(SandboxMode::WorkspaceWrite, config, add_dirs, cwd),
            None,
        ),
        _ => ResolvedSandbox::plain(
            SandboxPolicy::ReadOnly {
                network_access: false,
            },
            None,
        ),
    })
}

/// Records the project of `cwd` as trusted (`[projects."<root>"] trust_level = "trusted"`)
/// when `policy` may write and the project has no trust entry, as the reference does; an
/// `untrusted` entry is kept. Returns the root it recorded.
pub fn trust_if_writable(
    config: &Config,
    policy: &SandboxPolicy,
    cwd: &Path,
) -> Result<Option<PathBuf>, recodex_config::ConfigError> {
    if matches!(policy, SandboxPolicy::ReadOnly { .. }) || config.project_trust_level(cwd).is_some()
    {
        return Ok(None);
    }
    let root = config.project_root(cwd);
    let edit = recodex_config::ConfigEdit::Set {
        path: vec![
            "projects".to_owned(),
            root.display().to_string(),
            "trust_level".to_owned(),
        ],
        value: toml_edit::Value::from("trusted"),
    };
    recodex_config::apply_edits(&config.codex_home, &[edit])?;
    Ok(Some(root))
}

/// The policy of `mode`: workspace-write takes `[sandbox_workspace_write]` and the extra
/// writable directories (`--add-dir`, relative to `cwd`).
pub fn sandbox_policy(
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
pub enum Selected {
    /// `sandbox_mode`.
    Mode(SandboxMode),
    /// `default_permissions`.
    Profile(String),
}

/// The configuration's selection, if any layer makes one.
pub fn configured_selection(config: &Config) -> Option<Selected> {
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

/// The policy of permissions profile `name` for a session in `cwd`: the built-ins
/// `:read-only`, `:workspace` (which, unlike `sandbox_mode = "workspace-write"`, does not
/// read `[sandbox_workspace_write]`) and `:danger-full-access`, or a profile from
/// `[permissions]` ([`recodex_config::resolve_named_profile`]), with the reference's errors.
pub fn profile_policy(
    name: &str,
    config: &Config,
    cwd: &Path,
    home: Option<&Path>,
) -> Result<ResolvedProfile, PermissionProfileError> {
    let builtin = |policy| Ok(ResolvedProfile::plain(policy));
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
        _ if name.starts_with(':') => Err(PermissionProfileError(format!(
            "default_permissions refers to unknown built-in profile `{name}`"
        ))),
        _ => match &config.toml.permissions {
            None => Err(PermissionProfileError(
                "default_permissions requires a `[permissions]` table".to_owned(),
            )),
            Some(table) => recodex_config::resolve_named_profile(name, table, cwd, home),
        },
    }
}

/// The error when `[permissions]` defines profiles and nothing selects a sandbox.
pub fn unselected_profiles_error(config: &Config) -> Option<PermissionProfileError> {
    config
        .toml
        .permissions
        .as_ref()
        .filter(|table| !table.entries.is_empty())
        .map(|_| {
            PermissionProfileError(
                "config defines `[permissions]` profiles but does not set `default_permissions`"
                    .to_owned(),
            )
        })
}
