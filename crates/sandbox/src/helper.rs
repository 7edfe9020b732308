//! The `codex-linux-sandbox` personality: the program the engine runs (as `argv[0]` =
//! `codex-linux-sandbox`) to start one command confined, and the arguments it takes.
//!
//! Flags, as the reference's helper takes them (hidden ones marked):
//! `--sandbox-policy-cwd DIR` (the directory the policy is resolved against),
//! `--command-cwd DIR` (hidden; where the command starts, default the current directory),
//! `--permission-profile JSON` (hidden; a `recodex_protocol::permissions::PermissionProfile`),
//! `--sandbox-policy JSON` (hidden; the older `SandboxPolicy` form),
//! `--no-proc`, `--use-legacy-landlock` (hidden; accepted, the one pipeline is used),
//! `--apply-seccomp-then-exec` (hidden; only seccomp + `no_new_privs`, then exec: the
//! reference's inner stage), `--allow-network-for-proxy` and `--proxy-route-spec` (hidden;
//! the managed network proxy is not supported and is refused), then `-- COMMAND...`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap::Parser;

use recodex_protocol::permissions::{PermissionProfile, SandboxPolicy};

use crate::error::SandboxError;
use crate::policy::ResolvedPolicy;
use crate::profile::parse_permission_profile;

/// The `argv[0]` the helper personality answers to.
pub const LINUX_SANDBOX_ARG0: &str = "codex-linux-sandbox";

/// Runs one command inside the Linux sandbox.
///
/// This is the helper the agent starts for every sandboxed command: it resolves the policy,
/// builds the confinement (namespaces, bind mounts, seccomp, Landlock) and then runs the
/// command, returning its exit status.
#[derive(Debug, Parser)]
#[command(name = "codex-linux-sandbox", disable_version_flag = true)]
struct HelperArgs {
    /// Directory the sandbox policy is resolved against (its workspace root); it may differ
    /// from the directory the command starts in.
    #[arg(long = "sandbox-policy-cwd")]
    sandbox_policy_cwd: PathBuf,

    /// Directory the command starts in (default: the current directory).
    #[arg(long = "command-cwd", hide = true)]
    command_cwd: Option<PathBuf>,

    /// The permission profile, as JSON.
    #[arg(long = "permission-profile", hide = true)]
    permission_profile: Option<String>,

    /// The older policy form.
    #[arg(long = "sandbox-policy", hide = true)]
    sandbox_policy: Option<String>,

    /// Accepted for compatibility; the single pipeline is always used.
    #[arg(long = "use-legacy-landlock", hide = true, default_value_t = false)]
    use_legacy_landlock: bool,

    /// Only install seccomp and `no_new_privs`, then run the command (for a process that is
    /// already inside a sandbox's filesystem view).
    #[arg(long = "apply-seccomp-then-exec", hide = true, default_value_t = false)]
    apply_seccomp_then_exec: bool,

    /// Managed network proxy mode (not supported: refused).
    #[arg(long = "allow-network-for-proxy", hide = true, default_value_t = false)]
    allow_network_for_proxy: bool,

    /// Route specification of the managed network proxy (not supported: refused).
    #[arg(long = "proxy-route-spec", hide = true)]
    proxy_route_spec: Option<String>,

    /// Do not mount a fresh `/proc` in the sandbox's PID namespace; `/proc` is then an
    /// empty directory. For containers that refuse to mount `proc`.
    #[arg(long = "no-proc", default_value_t = false)]
    no_proc: bool,

    /// The command to run and its arguments.
    #[arg(trailing_var_arg = true)]
    command: Vec<OsString>,
}

/// Runs the helper with `args` (`args[0]` is the program name) and returns its exit code.
///
/// This is an entry point: it reads `$TMPDIR` and the current directory, and prints its
/// errors on stderr as `codex-linux-sandbox: <error>`. A command that ran returns its own
/// exit code; a usage error returns 2, a sandbox that could not be built 1, a command that
/// could not be executed 127.
#[allow(clippy::print_stderr)]
pub fn run_linux_sandbox_main<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = match HelperArgs::try_parse_from(args) {
        Ok(parsed) => parsed,
        Err(err) => {
            let _ = err.print();
            return err.exit_code();
        }
    };
    match run(parsed) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{LINUX_SANDBOX_ARG0}: {err}");
            match err {
                SandboxError::Exec { .. } => 127,
                _ => 1,
            }
        }
    }
}

fn run(args: HelperArgs) -> Result<i32, SandboxError> {
    if args.command.is_empty() {
        return Err(SandboxError::InvalidCommand(
            "no command specified to execute".to_owned(),
        ));
    }
    if args.allow_network_for_proxy || args.proxy_route_spec.is_some() {
        return Err(SandboxError::Unsupported(
            "the managed network proxy (--allow-network-for-proxy) is not supported".to_owned(),
        ));
    }
    let current_dir = std::env::current_dir()
        .map_err(|err| SandboxError::setup("reading the current directory", err))?;
    let policy_cwd = current_dir.join(&args.sandbox_policy_cwd);
    let command_cwd = args
        .command_cwd
        .as_deref()
        .map_or(current_dir.clone(), |dir| current_dir.join(dir));
    let tmpdir = std::env::var_os("TMPDIR");
    let resolved = match (&args.permission_profile, &args.sandbox_policy) {
        (Some(profile), _) => ResolvedPolicy::from_permission_profile(
            &parse_permission_profile(profile)?,
            &policy_cwd,
            tmpdir.as_deref(),
        )?,
        (None, Some(policy)) => {
            let policy: SandboxPolicy = serde_json::from_str(policy)
                .map_err(|err| SandboxError::InvalidProfile(err.to_string()))?;
            ResolvedPolicy::from_sandbox_policy(&policy, &policy_cwd, tmpdir.as_deref())?
        }
        (None, None) => {
            return Err(SandboxError::InvalidProfile(
                "missing --permission-profile".to_owned(),
            ));
        }
    };
    let mut resolved = resolved;
    if args.apply_seccomp_then_exec {
        // The reference's inner stage: the filesystem view already exists.
        resolved.full_disk_write = true;
    }
    #[cfg(not(target_os = "linux"))]
    return Err(SandboxError::NotLinux);
    #[cfg(target_os = "linux")]
    crate::run_confined(&crate::ConfinedCommand {
        argv: args.command,
        cwd: command_cwd,
        policy: resolved,
        mount_proc: !args.no_proc,
        marker_dir: None,
    })
}

/// The helper's arguments (after `argv[0]`) for running `command` under `policy`: the caller
/// spawns its own executable with `argv[0]` = [`LINUX_SANDBOX_ARG0`] and these arguments.
pub fn linux_sandbox_args(
    policy: &SandboxPolicy,
    policy_cwd: &Path,
    command_cwd: &Path,
    command: &[OsString],
) -> Vec<OsString> {
    let profile = PermissionProfile::for_sandbox_policy(policy, policy_cwd);
    linux_sandbox_args_for_profile(&profile, policy_cwd, command_cwd, command)
}

/// What a caller passes the helper to run `command` under `profile` (a permission profile
/// as the reference records it; glob entries must have been expanded to paths).
pub fn linux_sandbox_args_for_profile(
    profile: &PermissionProfile,
    policy_cwd: &Path,
    command_cwd: &Path,
    command: &[OsString],
) -> Vec<OsString> {
    // Serializing plain enums and paths cannot fail; an empty profile would be refused.
    let profile = serde_json::to_string(profile).unwrap_or_default();
    let mut args: Vec<OsString> = vec![
        "--sandbox-policy-cwd".into(),
        policy_cwd.as_os_str().to_owned(),
        "--command-cwd".into(),
        command_cwd.as_os_str().to_owned(),
        "--permission-profile".into(),
        profile.into(),
        "--".into(),
    ];
    args.extend(command.iter().cloned());
    args
}

/// Whether `arg0` (a path or a name) selects the helper personality.
pub fn is_linux_sandbox_arg0(arg0: &OsStr) -> bool {
    Path::new(arg0).file_name() == Some(OsStr::new(LINUX_SANDBOX_ARG0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    /// The usage line, the visible options and their value names are the reference's; the
    /// prose is ours.
    #[test]
    fn help_has_the_reference_shape() {
        let reference = include_str!("../tests/golden/arg0-codex-linux-sandbox.txt");
        let err = HelperArgs::try_parse_from(["codex-linux-sandbox", "--help"]).unwrap_err();
        let ours = err.to_string();
        let shape = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|line| {
                    line.starts_with("Usage:")
                        || line.trim_start().starts_with('-')
                        || line.trim_start().starts_with('[')
                })
                .map(|line| line.trim().to_owned())
                .collect()
        };
        assert_eq!(shape(&ours), shape(reference));
    }

    #[test]
    fn args_round_trip_through_the_parser() {
        let read_only = SandboxPolicy::ReadOnly {
            network_access: false,
        };
        let args = linux_sandbox_args(
            &read_only,
            Path::new("/work"),
            Path::new("/work/sub"),
            &["ls".into(), "-la".into()],
        );
        let mut argv = vec![OsString::from(LINUX_SANDBOX_ARG0)];
        argv.extend(args);
        let parsed = HelperArgs::try_parse_from(argv).unwrap();
        assert_eq!(parsed.sandbox_policy_cwd, PathBuf::from("/work"));
        assert_eq!(parsed.command_cwd, Some(PathBuf::from("/work/sub")));
        assert_eq!(parsed.command, vec![OsString::from("ls"), "-la".into()]);
        let profile = parse_permission_profile(&parsed.permission_profile.unwrap()).unwrap();
        assert_eq!(
            profile,
            PermissionProfile::for_sandbox_policy(&read_only, Path::new("/work"))
        );
    }

    #[test]
    fn arg0_detection() {
        assert!(is_linux_sandbox_arg0(OsStr::new(
            "/tmp/x/codex-linux-sandbox"
        )));
        assert!(!is_linux_sandbox_arg0(OsStr::new("codex")));
    }

    #[test]
    fn missing_command_and_proxy_are_errors() {
        assert_eq!(
            run_linux_sandbox_main(["codex-linux-sandbox", "--sandbox-policy-cwd", "/"]),
            1
        );
        assert_eq!(
            run_linux_sandbox_main([
                "codex-linux-sandbox",
                "--sandbox-policy-cwd",
                "/",
                "--allow-network-for-proxy",
                "--",
                "true"
            ]),
            1
        );
    }
}
