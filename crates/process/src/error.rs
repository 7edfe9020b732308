//! Errors of running commands.

use std::io;
use std::path::PathBuf;

/// Why a command could not be run or a session could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The process could not be started.
    #[error("failed to start `{command}`: {source}")]
    Spawn {
        /// The command line, quoted for display.
        command: String,
        /// The underlying error.
        source: io::Error,
    },
    /// The working directory does not exist or is not a directory.
    #[error("working directory {path}: {source}")]
    Workdir {
        /// The directory asked for.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The sandbox wrapper refused or failed to rewrite the command.
    #[error("sandbox: {0}")]
    Sandbox(String),
    /// An empty argv.
    #[error("missing command line")]
    MissingCommandLine,
    /// No live session has this id.
    #[error("unknown process id {0}")]
    UnknownSession(i32),
    /// Input was sent to a session that has no stdin (started without `tty`).
    #[error("stdin is closed for this session")]
    StdinClosed,
    /// Writing to a session's terminal failed.
    #[error("failed to write to session {session_id}: {source}")]
    Write {
        /// The session.
        session_id: i32,
        /// The underlying error.
        source: io::Error,
    },
}

impl ProcessError {
    /// The reference's wording of this error, as the model reads it after
    /// the tool's `exec_command failed ...` / `write_stdin failed: ` prefix.
    pub fn model_message(&self) -> String {
        match self {
            Self::UnknownSession(id) => format!("Unknown process id {id}"),
            Self::StdinClosed => {
                "stdin is closed for this session; rerun exec_command with tty=true to keep stdin open"
                    .to_owned()
            }
            Self::Spawn { source, .. } | Self::Workdir { source, .. } => create_process_message(
                &format!("Failed to create unified exec process: {source}"),
            ),
            Self::Sandbox(message) => create_process_message(message),
            Self::MissingCommandLine => "missing command line for PTY".to_owned(),
            Self::Write { source, .. } => format!("failed to write to stdin: {source}"),
        }
    }
}

/// The reference reports spawn failures as the debug form of its nested error values.
fn create_process_message(inner: &str) -> String {
    let rejected = format!("Rejected({inner:?})");
    format!("CreateProcess {{ message: {rejected:?} }}")
}
