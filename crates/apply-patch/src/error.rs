//! Errors of parsing and applying a patch.
//!
//! Unlike the rest of the workspace, the `Display` texts here are not our own prose: the model
//! reads them (as the `apply_patch` output) and retries on them, so they are the reference's
//! words, capitals and full stops included. [`ApplyPatchError::stderr_text`] is the exact line
//! the `apply_patch` command prints.

use std::io;
use std::path::PathBuf;

/// Why the patch text does not follow the envelope grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The `*** Begin Patch` / `*** End Patch` boundaries are missing.
    #[error("invalid patch: {0}")]
    InvalidPatch(String),
    /// One hunk is malformed; `line_number` is 1-based within the patch text.
    #[error("invalid hunk at line {line_number}, {message}")]
    InvalidHunk {
        /// What is wrong, in the reference's words.
        message: String,
        /// The line the problem was found on.
        line_number: usize,
    },
}

/// Why a patch could not be verified or applied. Paths are absolute (resolved against the
/// working directory), as the reference prints them.
#[derive(Debug, thiserror::Error)]
pub enum ApplyPatchError {
    /// The patch text is malformed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The envelope holds no hunk at all.
    #[error("No files were modified.")]
    NoFilesModified,
    /// A file to update could not be read (missing, a directory, not UTF-8, ...).
    #[error("Failed to read file to update {}: {source}", path.display())]
    ReadForUpdate {
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// An `@@ context` line was not found after the previous chunk.
    #[error("Failed to find context '{context}' in {}", path.display())]
    ContextNotFound {
        /// The file being updated.
        path: PathBuf,
        /// The context line, as written in the patch.
        context: String,
    },
    /// The old lines of a chunk were not found.
    #[error("Failed to find expected lines in {}:\n{lines}", path.display())]
    LinesNotFound {
        /// The file being updated.
        path: PathBuf,
        /// The chunk's old lines joined with `\n`.
        lines: String,
    },
    /// The directories above a new file could not be created.
    #[error("Failed to create parent directories for {}", path.display())]
    CreateParents {
        /// The file whose parents were being created.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// A file could not be written.
    #[error("Failed to write file {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// A file to delete is missing, is a directory, or could not be removed.
    #[error("Failed to delete file {}", path.display())]
    Delete {
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// The source of a move could not be removed after the destination was written.
    #[error("Failed to remove original {}", path.display())]
    RemoveOriginal {
        /// The source file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// A file the plan read was changed by someone else before the plan was applied.
    #[error("{} changed after the patch was verified", path.display())]
    ChangedSinceVerified {
        /// The file.
        path: PathBuf,
    },
}

impl ApplyPatchError {
    /// The text the `apply_patch` command prints on stderr for this error, without the
    /// final newline. Parse errors are worded differently there than in `Display`.
    pub fn stderr_text(&self) -> String {
        match self {
            Self::Parse(ParseError::InvalidPatch(message)) => format!("Invalid patch: {message}"),
            Self::Parse(ParseError::InvalidHunk {
                message,
                line_number,
            }) => format!("Invalid patch hunk on line {line_number}: {message}"),
            other => other.to_string(),
        }
    }
}
