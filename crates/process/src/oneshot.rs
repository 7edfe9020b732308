//! Running a command to completion (the `shell_command` tool): pipes, stdin
//! from `/dev/null`, a time limit, and cancellation.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::ProcessError;
use crate::session::Process;
use crate::spawn::ExecRequest;
use crate::spawn::SandboxWrapper;
use crate::spawn::spawn;

/// Exit code reported for a command stopped by its time limit.
pub const TIMEOUT_EXIT_CODE: i32 = 124;

/// Default time limit of `shell_command`.
pub const DEFAULT_SHELL_TIMEOUT_MS: u64 = 10_000;

/// How a finished command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// It exited by itself.
    Exited,
    /// The time limit killed it.
    TimedOut,
    /// The caller cancelled it.
    Cancelled,
}

/// Result of [`run_to_completion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    /// Exit code (124 after a timeout, 128 + N after signal N).
    pub exit_code: i32,
    /// Interleaved stdout and stderr, at most 1 MiB (head and tail kept).
    pub output: Vec<u8>,
    /// Time from start to end.
    pub wall_time: Duration,
    /// How it ended.
    pub termination: Termination,
}

impl RunOutput {
    /// The output as the model sees it: lossy UTF-8, prefixed by
    /// `command timed out after N milliseconds` after a timeout.
    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.output);
        match self.termination {
            Termination::TimedOut => format!(
                "command timed out after {} milliseconds\n{text}",
                self.wall_time.as_millis()
            ),
            _ => text.into_owned(),
        }
    }
}

/// Runs `request` (never in a PTY) until it exits, `timeout` passes or
/// `cancel` resolves; the process group is killed in the last two cases.
pub async fn run_to_completion(
    wrapper: &dyn SandboxWrapper,
    mut request: ExecRequest,
    timeout: Duration,
    cancel: impl Future<Output = ()>,
) -> Result<RunOutput, ProcessError> {
    request.tty = false;
    let wrapped = wrapper.wrap(request)?;
    let process = Process::start(spawn(&wrapped)?, false, None);
    let start = Instant::now();
    let termination = tokio::select! {
        _ = process.wait() => Termination::Exited,
        _ = tokio::time::sleep(timeout) => Termination::TimedOut,
        _ = cancel => Termination::Cancelled,
    };
    let wall_time = start.elapsed();
    if termination != Termination::Exited {
        process.terminate();
    }
    let exit_code = match termination {
        Termination::TimedOut => TIMEOUT_EXIT_CODE,
        _ => process.wait().await,
    };
    // The output streams end shortly after the process group is gone; wait a little for them.
    let drain_until = Instant::now()
        + Duration::from_millis(if termination == Termination::Exited {
            2_000
        } else {
            200
        });
    Ok(RunOutput {
        exit_code,
        output: process.collect_until(drain_until).await,
        wall_time,
        termination,
    })
}
