//! `codex sandbox [--permissions-profile NAME] -- COMMAND...`: runs one command under the
//! sandbox the configuration (or the named built-in profile) describes, through this
//! binary's own Linux sandbox helper, and exits with the command's status.

use std::path::PathBuf;
use std::process::Command;

use recodex_config::Config;
use recodex_protocol::permissions::SandboxPolicy;

use super::Context;
use crate::args::SandboxArgs;
use crate::exit::Failure;

/// Exit status when no command is given (the reference's helper panics there).
const NO_COMMAND_STATUS: i32 = 101;

pub(crate) fn run(
    args: &SandboxArgs,
    config: &Config,
    ctx: &Context,
    cwd: PathBuf,
) -> Result<(), Failure> {
    // `--permissions-profile`, else what the configuration selects; with no selection the
    // command runs read-only, even in a trusted project (as in the reference).
    use recodex_session::sandbox::{
        Selected, configured_selection, profile_policy, unselected_profiles_error,
    };
    let selection = match &args.permissions_profile {
        Some(name) => Some(Selected::Profile(name.clone())),
        None => configured_selection(config),
    };
    // A named profile's own rules (its globs expanded now), under which the command runs.
    let mut recorded = None;
    let policy = match selection {
        Some(Selected::Profile(name)) => {
            let home = ctx.env.get("HOME").map(PathBuf::from);
            let resolved = profile_policy(&name, config, &cwd, home.as_deref())
                .map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
            recorded = resolved
                .recorded
                .map(|p| recodex_process::with_globs_expanded(&p, resolved.glob_scan_max_depth));
            resolved.policy
        }
        Some(Selected::Mode(mode)) => {
            recodex_session::sandbox::sandbox_policy(mode, config, &[], &cwd)
        }
        None => {
            if let Some(error) = unselected_profiles_error(config) {
                return Err(Failure::Other(anyhow::anyhow!(error)));
            }
            SandboxPolicy::ReadOnly {
                network_access: false,
            }
        }
    };
    if args.command.is_empty() {
        eprintln!("No command specified to execute.");
        return Err(Failure::Exit(NO_COMMAND_STATUS));
    }
    let exe = std::env::current_exe().map_err(|e| Failure::Other(anyhow::Error::new(e)))?;
    let mut env = ctx.env.utf8_vars();
    if network_disabled(&policy) {
        env.insert("CODEX_SANDBOX_NETWORK_DISABLED".to_owned(), "1".to_owned());
    }
    let mut command = match policy {
        SandboxPolicy::DangerFullAccess => {
            let mut command = Command::new(&args.command[0]);
            command.args(&args.command[1..]);
            command
        }
        policy => {
            // The sandboxed command is told where it starts, as the reference's helper does.
            env.insert("PWD".to_owned(), cwd.display().to_string());
            let argv: Vec<std::ffi::OsString> = args.command.iter().map(Into::into).collect();
            // A named profile runs under its own rules; otherwise the policy's.
            let helper_args = match &recorded {
                Some(profile) => {
                    recodex_sandbox::linux_sandbox_args_for_profile(profile, &cwd, &cwd, &argv)
                }
                None => recodex_sandbox::linux_sandbox_args(&policy, &cwd, &cwd, &argv),
            };
            let mut command = Command::new(&exe);
            command
                .arg(recodex_process::RUN_AS_LINUX_SANDBOX_FLAG)
                .args(helper_args);
            command
        }
    };
    // The command dies with this process (a killed `codex sandbox` leaves nothing running)
    // but keeps the user's terminal: it is run interactively.
    recodex_process::tie_to_parent(&mut command);
    let status = command
        .current_dir(&cwd)
        .env_clear()
        .envs(&env)
        .status()
        .map_err(|e| Failure::Other(anyhow::anyhow!("failed to run {}: {e}", args.command[0])))?;
    match exit_status(status) {
        0 => Ok(()),
        code => Err(Failure::Exit(code)),
    }
}

fn network_disabled(policy: &SandboxPolicy) -> bool {
    !matches!(
        policy,
        SandboxPolicy::DangerFullAccess
            | SandboxPolicy::ReadOnly {
                network_access: true
            }
            | SandboxPolicy::WorkspaceWrite {
                network_access: true,
                ..
            }
    )
}

/// The command's exit code, or 128 + the signal that ended it.
fn exit_status(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(1)
}
