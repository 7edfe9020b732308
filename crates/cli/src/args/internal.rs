//! Hidden helper commands started by other Codex processes: `codex responses-api-proxy` and
//! `codex stdio-to-uds`.

use std::path::PathBuf;

use clap::{Args, ValueHint};

/// `codex responses-api-proxy` (hidden): a local forwarding proxy for the Responses API.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ResponsesApiProxyArgs {
    /// Port to listen on; an ephemeral port is picked when it is not given
    #[arg(long = "port", value_name = "PORT")]
    pub port: Option<u16>,

    /// File to write one line of startup information to, such as {"port": 1234}
    #[arg(long = "server-info", value_name = "FILE")]
    pub server_info: Option<PathBuf>,

    /// Serve GET /shutdown, which stops the proxy
    #[arg(long = "http-shutdown")]
    pub http_shutdown: bool,

    /// Absolute URL requests are forwarded to
    #[arg(
        long = "upstream-url",
        value_name = "UPSTREAM_URL",
        default_value = "https://api.openai.com/v1/responses"
    )]
    pub upstream_url: String,

    /// Directory to write each request and response to, as JSON
    #[arg(long = "dump-dir", value_name = "DIR")]
    pub dump_dir: Option<PathBuf>,
}

/// `codex stdio-to-uds` (hidden): copy stdin to a Unix socket and the socket to stdout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct StdioToUdsArgs {
    /// Path of the Unix socket
    #[arg(value_name = "SOCKET_PATH", value_hint = ValueHint::Unknown)]
    pub socket_path: PathBuf,
}
