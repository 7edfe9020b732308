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
    /// How deep a profile's deny globs search (`glob_scan_max_depth`); they are expanded
    /// when each command starts, so files created since are covered.
    pub glob_depth: Option<usize>,
    /// A named permission profile: commands run under its own rules (its glob rules
    /// expanded when each command starts) rather than under `policy`.
    pub profile: Option<recodex_protocol::permissions::PermissionProfile>,
}

impl SandboxWrapper for LinuxSandbox {
    fn wrap(&self, request: ExecRequest) -> Result<ExecRequest, ProcessError> {
        let command: Vec<OsString> = request.argv.iter().map(OsString::from).collect();
        let args = match &self.profile {
            Some(profile) => recodex_sandbox::linux_sandbox_args_for_profile(
                &with_globs_expanded(profile, self.glob_depth),
                &self.policy_cwd,
                &request.cwd,
                &command,
            ),
            None => recodex_sandbox::linux_sandbox_args(
                &self.policy,
                &self.policy_cwd,
                &request.cwd,
                &command,
            ),
        };
        let mut argv = vec![
            self.exe.to_string_lossy().into_owned(),
            RUN_AS_LINUX_SANDBOX_FLAG.to_owned(),
        ];
        argv.extend(args.iter().map(|a| a.to_string_lossy().into_owned()));
        Ok(ExecRequest { argv, ..request })
    }
}

/// `profile` with each deny glob replaced by deny rules for the paths it matches now.
pub fn with_globs_expanded(
    profile: &recodex_protocol::permissions::PermissionProfile,
    depth: Option<usize>,
) -> recodex_protocol::permissions::PermissionProfile {
    use recodex_protocol::permissions::{
        FileSystemPath, FileSystemSandboxEntry, ManagedFileSystemPermissions, PermissionProfile,
    };
    let mut profile = profile.clone();
    if let PermissionProfile::Managed {
        file_system: ManagedFileSystemPermissions::Restricted { entries, .. },
        ..
    } = &mut profile
    {
        let mut expanded = Vec::with_capacity(entries.len());
        for entry in entries.drain(..) {
            match &entry.path {
                FileSystemPath::GlobPattern { pattern } => {
                    let paths =
                        recodex_sandbox::expand_deny_globs(std::slice::from_ref(pattern), depth);
                    expanded.extend(paths.into_iter().map(|path| FileSystemSandboxEntry {
                        path: FileSystemPath::Path { path },
                        access: entry.access,
                    }));
                }
                _ => expanded.push(entry),
            }
        }
        *entries = expanded;
    }
    profile
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
            glob_depth: None,
            profile: None,
        };
        let request = ExecRequest {
            argv: vec!["bash".into(), "-lc".into(), "ls".into()],
            cwd: PathBuf::from("/w"),
            env: Default::default(),
            tty: false,
            stdin: None,
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

/// Words in a failed command's output that suggest the sandbox stopped it.
const DENIAL_WORDS: [&str; 7] = [
    "operation not permitted",
    "permission denied",
    "read-only file system",
    "seccomp",
    "sandbox",
    "landlock",
    "failed to write file",
];

/// Whether a sandboxed command that exited with `exit_code` and printed `output` was
/// probably stopped by the sandbox (the reference's heuristic): a failure whose output
/// names a denial, or a seccomp kill (SIGSYS); shell usage errors, "not executable" and
/// "not found" (2, 126, 127) are not.
pub fn likely_sandbox_denial(exit_code: i32, output: &str) -> bool {
    if exit_code == 0 {
        return false;
    }
    let lower = output.to_lowercase();
    if DENIAL_WORDS.iter().any(|word| lower.contains(word)) {
        return true;
    }
    if matches!(exit_code, 2 | 126 | 127) {
        return false;
    }
    // 128 + SIGSYS (31 on Linux): killed by the seccomp filter.
    exit_code == 128 + 31
}

#[cfg(test)]
mod denial_tests {
    use super::likely_sandbox_denial;

    #[test]
    fn denials_are_recognised_by_their_words_or_sigsys() {
        assert!(likely_sandbox_denial(1, "bash: x: Read-only file system\n"));
        assert!(likely_sandbox_denial(1, "touch: Permission denied"));
        assert!(likely_sandbox_denial(159, ""));
        assert!(!likely_sandbox_denial(0, "permission denied"));
        assert!(!likely_sandbox_denial(127, "bash: foo: command not found"));
        assert!(!likely_sandbox_denial(1, "test failed"));
    }
}
