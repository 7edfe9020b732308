//! Confinement for the commands the agent runs: what a command may touch, enforced by the
//! kernel from inside the recodex binary (no helper program to install).
//!
//! - The sandbox policy (read-only, workspace-write, danger-full-access, network on/off) and
//!   the permission profile (the reference's `--permission-profile` JSON) are the wire types
//!   of `recodex_protocol::permissions`; both resolve, for one working directory, into a
//!   [`ResolvedPolicy`]: writable roots (cwd, extra roots, `/tmp`, `$TMPDIR`) each with
//!   read-only carve-outs (`.git`, `.agents`, `.codex`).
//! - On Linux, [`run_confined`] runs a command under a resolved policy: new user, mount, PID
//!   and IPC namespaces (and a network namespace when the network is off), the whole tree
//!   read-only with the writable roots bound back and the carve-outs bound read-only again,
//!   a minimal `/dev`, a fresh `/proc`, every capability dropped, `no_new_privs`, Landlock
//!   as a second wall and a seccomp filter (no non-Unix sockets when the network is off; no
//!   mount, namespace, ptrace, keyring or io_uring calls). When the kernel lacks a mechanism
//!   it refuses with [`SandboxError`]; it never runs a command unconfined instead.
//! - [`run_linux_sandbox_main`] is the `codex-linux-sandbox` personality (`argv[0]`) that the
//!   engine spawns, with the arguments [`linux_sandbox_args`] builds.
//!
//! This crate knows nothing of models, configuration files or approvals.
//!
//! ```no_run
//! use recodex_protocol::SandboxMode;
//! use recodex_sandbox::{ResolvedPolicy, WorkspaceWriteSettings, sandbox_policy_from_mode};
//! use std::path::Path;
//!
//! let policy = sandbox_policy_from_mode(SandboxMode::WorkspaceWrite, &WorkspaceWriteSettings::default());
//! let resolved = ResolvedPolicy::from_sandbox_policy(&policy, Path::new("/work/project"), None).unwrap();
//! assert!(resolved.can_write(Path::new("/work/project/src/main.rs")));
//! assert!(!resolved.can_write(Path::new("/work/project/.git/config")));
//! ```

mod error;
mod glob;
mod helper;
#[cfg(target_os = "linux")]
mod linux;
mod policy;
mod profile;
mod seatbelt;

pub use error::SandboxError;
pub use glob::expand_deny_globs;
pub use helper::{
    LINUX_SANDBOX_ARG0, is_linux_sandbox_arg0, linux_sandbox_args, linux_sandbox_args_for_profile,
    run_linux_sandbox_main,
};
#[cfg(target_os = "linux")]
pub use linux::{ConfinedCommand, Support, probe_support, run_confined};
pub use policy::{ResolvedPolicy, WorkspaceWriteSettings, WritableRoot, sandbox_policy_from_mode};
pub use profile::parse_permission_profile;
pub use seatbelt::{
    MACOS_SANDBOX_EXEC, SEATBELT_ENV, SeatbeltCommand, SeatbeltProfile, seatbelt_command,
    seatbelt_profile,
};
