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
