//! `codex login` and its `status` subcommand (`codex logout` takes no options of its own).

use clap::{Args, Subcommand};

/// `codex login`: sign in with ChatGPT, an API key or an access token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct LoginArgs {
    /// Sign in with an API key piped on stdin instead of typed on the command line
    #[arg(long = "with-api-key")]
    pub with_api_key: bool,

    /// Sign in with an access token piped on stdin
    #[arg(long = "with-access-token")]
    pub with_access_token: bool,

    /// Removed: the key used to be passed here; now the command only explains --with-api-key
    #[arg(
        long = "api-key",
        value_name = "API_KEY",
        num_args = 0..=1,
        default_missing_value = "",
        hide = true
    )]
    pub api_key: Option<String>,

    /// Sign in with a device code shown in the terminal instead of a browser redirect
    #[arg(long = "device-auth")]
    pub device_auth: bool,

    /// Advanced: OAuth issuer base URL to sign in against
    #[arg(long = "experimental_issuer", value_name = "URL", hide = true)]
    pub issuer_base_url: Option<String>,

    /// Advanced: OAuth client id to sign in with
    #[arg(long = "experimental_client-id", value_name = "CLIENT_ID", hide = true)]
    pub client_id: Option<String>,

    /// Optional action; without one the sign-in flow starts.
    #[command(subcommand)]
    pub action: Option<LoginCommand>,
}

/// `codex login` subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum LoginCommand {
    /// Report whether you are signed in, and how
    Status,
}
