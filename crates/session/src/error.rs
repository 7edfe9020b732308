//! Why a session could not be built.

/// A failure of session building, worded as the reference words it where it has words.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// `model_provider` (or `--local-provider`) names no known provider.
    #[error("Model provider `{0}` not found")]
    UnknownProvider(String),
    /// The model client could not be built (a missing API key variable, ...).
    #[error("{0}")]
    Client(#[from] recodex_client::ClientError),
    /// The engine refused to start or resume the session.
    #[error("{0}")]
    Core(#[from] recodex_core::CoreError),
    /// A `.rules` file did not load.
    #[error("{0}")]
    Rules(#[from] recodex_execpolicy::LoadError),
    /// The permission profile the configuration selects cannot be used.
    #[error("{0}")]
    PermissionProfile(#[from] recodex_config::PermissionProfileError),
    /// The installation id could not be read or created.
    #[error("{0}")]
    InstallationId(std::io::Error),
}
