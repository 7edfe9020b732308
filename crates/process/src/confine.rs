//! The sandbox seam for real: a [`SandboxWrapper`] that starts each command through
//! this binary's Linux sandbox helper (`recodex --codex-run-as-linux-sandbox ...`,
//! equivalent to the `codex-linux-sandbox` personality).

use std::ffi::OsString;
use std::path::PathBuf;

use recodex_protocol::permissions::SandboxPolicy;

use crate::error::ProcessError;
use crate::spawn::{ExecRequest, SandboxWrapper};

/// The flag that makes the binary act as the sandbox helper.
pub const RUN_AS_LINUX_SANDBOX_FLAG: &str = "--codex-run-as-linux-sandbox";

/// Wraps commands in the Linux sandbox helper for `policy`.
#[derive(Debug, Clone)]
pub struct LinuxSandbox {
    /// The recodex executable.
    pub exe: PathBuf,
    /// The policy commands run under.
    pub policy: SandboxPolicy,
    /// The directory the policy's workspace roots are relative to (the session cwd).
    pub policy_cwd: PathBuf,
}

impl SandboxWrapper for LinuxSandbox {
    fn wrap(&self, request: ExecRequest) -> Result<ExecRequest, ProcessError> {
        let command: Vec<OsString> = request.argv.iter().map(OsString::from).collect();
        let args = recodex_sandbox::linux_sandbox_args(
            &self.policy,
            &self.policy_cwd,
            &request.cwd,
            &command,
        );
        let mut argv = vec![
            self.exe.to_string_lossy().into_owned(),
            RUN_AS_LINUX_SANDBOX_FLAG.to_owned(),
        ];
        argv.extend(args.iter().map(|a| a.to_string_lossy().into_owned()));
        Ok(ExecRequest { argv, ..request })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_prefixed_with_the_helper() {
        let wrapper = LinuxSandbox {
            exe: PathBuf::from("/bin/recodex"),
            policy: SandboxPolicy::ReadOnly {
                network_access: false,
            },
            policy_cwd: PathBuf::from("/w"),
        };
        let request = ExecRequest {
            argv: vec!["bash".into(), "-lc".into(), "ls".into()],
            cwd: PathBuf::from("/w"),
            env: Default::default(),
            tty: false,
        };
        let wrapped = wrapper.wrap(request).unwrap();
        assert_eq!(
            &wrapped.argv[..3],
            [
                "/bin/recodex",
                RUN_AS_LINUX_SANDBOX_FLAG,
                "--sandbox-policy-cwd"
            ]
        );
        assert_eq!(
            &wrapped.argv[wrapped.argv.len() - 3..],
            ["bash", "-lc", "ls"]
        );
        assert_eq!(wrapped.cwd, PathBuf::from("/w"));
    }
}
