//! Errors of policy resolution and of the Linux confinement.

use std::path::PathBuf;

/// Why a command could not be confined.
///
/// Every variant means the command did **not** run: the sandbox never falls back to running
/// a command unconfined.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The policy's working directory is relative.
    #[error("sandbox policy cwd must be absolute: {}", .0.display())]
    RelativeCwd(PathBuf),
    /// A permission profile could not be parsed.
    #[error("invalid permission profile: {0}")]
    InvalidProfile(String),
    /// The policy asks for something this sandbox cannot enforce.
    #[error("unsupported sandbox policy: {0}")]
    Unsupported(String),
    /// The kernel lacks a mechanism the policy needs.
    #[error("the Linux sandbox cannot run here: {what} ({source})")]
    KernelLacks {
        /// The missing mechanism, in words.
        what: &'static str,
        /// The error the kernel returned.
        source: std::io::Error,
    },
    /// A step of the sandbox set-up failed.
    #[error("sandbox set-up failed: {step}: {source}")]
    Setup {
        /// The step, with the path it concerned when there is one.
        step: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The process is not single-threaded, so it cannot enter new namespaces.
    #[error(
        "the Linux sandbox must be entered from a single-threaded process ({threads} threads running)"
    )]
    MultiThreaded {
        /// How many threads the process has.
        threads: usize,
    },
    /// The command to run is empty or contains a NUL byte.
    #[error("invalid command: {0}")]
    InvalidCommand(String),
    /// A sandbox process reported a set-up failure before the command started (the text is
    /// that failure's message).
    #[error("{0}")]
    Child(String),
    /// The command could not be executed inside the sandbox.
    #[error("failed to execvp {program}: {message}")]
    Exec {
        /// The program.
        program: String,
        /// The error, as text.
        message: String,
    },
    /// The sandbox is only implemented on Linux.
    #[error("the Linux sandbox is only available on Linux")]
    NotLinux,
}

impl SandboxError {
    /// A set-up step that failed with the current `errno`.
    pub(crate) fn setup(step: impl Into<String>, source: std::io::Error) -> Self {
        Self::Setup {
            step: step.into(),
            source,
        }
    }
}
