//! Running commands for the model.
//!
//! - [`build_env`] derives a command's environment from the parent
//!   environment (a map handed in by the caller; this crate never reads the
//!   process environment) and `[shell_environment_policy]`.
//! - [`Shell`] picks the user's shell and builds `/bin/bash -lc '<script>'`.
//! - [`UnifiedExecManager`] runs `exec_command` / `write_stdin`: commands that
//!   return after a short wait and, if still running, stay available as
//!   sessions (optionally in a PTY) that the model polls or types into.
//! - [`run_to_completion`] runs a command to its end with a time limit
//!   (`shell_command`).
//! - [`format_exec_output`] / [`format_shell_output`] render the text the
//!   model reads, with the reference's head-and-tail truncation.
//!
//! Every start goes through a [`SandboxWrapper`], the seam the sandbox crate
//! fills in; [`NoSandbox`] runs commands as given. Children lead their own
//! session (never the user's terminal) and process group, which is killed as
//! a whole on timeout, cancellation, pruning or drop, and they die with
//! recodex however it ends (`lifetime`).

mod buffer;
mod confine;
mod env;
mod error;
mod ids;
mod lifetime;
mod manager;
mod oneshot;
mod output;
mod session;
mod shell;
mod snapshot;
mod spawn;

pub use buffer::{HeadTailBuffer, OUTPUT_MAX_BYTES};
pub use confine::{
    LinuxSandbox, RUN_AS_LINUX_SANDBOX_FLAG, likely_sandbox_denial, with_globs_expanded,
};
pub use env::{
    CORE_ENV_VARS, EnvPolicy, NETWORK_DISABLED_ENV_VAR, THREAD_ID_ENV_VAR, UNIFIED_EXEC_ENV,
    apply_unified_exec_env, build_env, glob_matches,
};
pub use error::ProcessError;
pub use ids::chunk_id;
pub use lifetime::{detach_and_tie_std, tie_to_parent};
pub use manager::{
    DEFAULT_EXEC_YIELD_TIME_MS, DEFAULT_MAX_EMPTY_YIELD_TIME_MS, DEFAULT_WRITE_STDIN_YIELD_TIME_MS,
    ExecCommandRequest, ExecHooks, ExecOutput, MAX_SESSIONS, MAX_YIELD_TIME_MS,
    MIN_EMPTY_YIELD_TIME_MS, MIN_YIELD_TIME_MS, UnifiedExecManager, WARNING_SESSIONS,
};
pub use oneshot::{
    DEFAULT_SHELL_TIMEOUT_MS, RunOutput, TIMEOUT_EXIT_CODE, Termination, run_to_completion,
};
pub use output::{
    DEFAULT_MAX_OUTPUT_TOKENS, TruncationPolicy, approx_token_count, format_exec_output,
    format_shell_output, truncate_for_policy, truncate_tokens,
};
pub use shell::{Shell, join_for_display};
pub use snapshot::{EnvChanges, SNAPSHOT_TIMEOUT, ShellSnapshot, SnapshotError, capture};
pub use spawn::{ExecRequest, NoSandbox, PTY_COLS, PTY_ROWS, SandboxWrapper};
