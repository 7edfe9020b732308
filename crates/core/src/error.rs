//! Errors of the engine.

/// Why a session could not start or a turn could not run.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The model client failed (after its retries).
    #[error("{0}")]
    Client(#[from] recodex_client::ClientError),
    /// The rollout or another state file could not be written.
    #[error("failed to record session: {0}")]
    Record(#[from] std::io::Error),
    /// A rollout cannot be resumed (the reference's texts).
    #[error("failed to read thread {}: {problem}", .path.display())]
    UnreadableRollout {
        /// The rollout file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        problem: RolloutProblem,
    },
    /// The user interrupted the turn (the rollout records it as aborted).
    #[error("turn interrupted")]
    Interrupted,
    /// A path the session records (its working directory, CODEX_HOME, a writable root) is
    /// not UTF-8, so it cannot be written into the rollout or any JSON message.
    #[error("path contains invalid UTF-8 characters: {}", .0.display())]
    NonUtf8Path(std::path::PathBuf),
    /// The turn's input text is longer than the limit; nothing was recorded or sent.
    #[error("Input exceeds the maximum length of {max_chars} characters.")]
    InputTooLarge {
        /// The limit, in characters.
        max_chars: usize,
        /// The input's length, in characters.
        actual_chars: usize,
    },
    /// The stream ended without `response.completed`.
    #[error("stream disconnected before completion: stream closed before response.completed")]
    Incomplete,
}

/// Why a rollout cannot be resumed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolloutProblem {
    /// Some byte of the file is not UTF-8 (the reference reads the whole file as text).
    #[error("stream did not contain valid UTF-8")]
    NotUtf8,
    /// The file has no `session_meta` line.
    #[error("rollout at {} does not start with session metadata", .0.display())]
    NoSessionMeta(std::path::PathBuf),
}

/// The class of a failed turn, as front ends report it (`codexErrorInfo` /
/// `codex_error_info`). Only the classes recodex tells apart are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The conversation no longer fits the model's context window.
    ContextWindowExceeded,
    /// The account's usage limit or quota is reached.
    UsageLimitExceeded,
    /// The provider is overloaded.
    ServerOverloaded,
    /// The provider failed (HTTP 5xx).
    InternalServerError,
    /// The credentials were refused (HTTP 401).
    Unauthorized,
    /// Anything else.
    Other,
}

impl ErrorClass {
    /// The app-server's spelling (`internalServerError`).
    pub const fn camel_case(self) -> &'static str {
        match self {
            Self::ContextWindowExceeded => "contextWindowExceeded",
            Self::UsageLimitExceeded => "usageLimitExceeded",
            Self::ServerOverloaded => "serverOverloaded",
            Self::InternalServerError => "internalServerError",
            Self::Unauthorized => "unauthorized",
            Self::Other => "other",
        }
    }

    /// The event spelling of the MCP server and rollouts (`internal_server_error`).
    pub const fn snake_case(self) -> &'static str {
        match self {
            Self::ContextWindowExceeded => "context_window_exceeded",
            Self::UsageLimitExceeded => "usage_limit_exceeded",
            Self::ServerOverloaded => "server_overloaded",
            Self::InternalServerError => "internal_server_error",
            Self::Unauthorized => "unauthorized",
            Self::Other => "other",
        }
    }
}

impl CoreError {
    /// The class front ends report this failure as.
    pub fn class(&self) -> ErrorClass {
        use recodex_client::ClientError;
        let Self::Client(err) = self else {
            return ErrorClass::Other;
        };
        match err {
            ClientError::ContextWindowExceeded => ErrorClass::ContextWindowExceeded,
            ClientError::QuotaExceeded | ClientError::UsageLimitReached(_) => {
                ErrorClass::UsageLimitExceeded
            }
            ClientError::ServerOverloaded => ErrorClass::ServerOverloaded,
            ClientError::InternalServerError => ErrorClass::InternalServerError,
            other => match other.http_status().map(|s| s.as_u16()) {
                Some(401) => ErrorClass::Unauthorized,
                Some(500..=599) => ErrorClass::InternalServerError,
                _ => ErrorClass::Other,
            },
        }
    }
}
