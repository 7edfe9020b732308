//! Long-running servers: `codex app-server` (with its daemon, proxy and schema tooling),
//! `codex remote-control` and `codex exec-server`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum, ValueHint};

/// `codex app-server`: run the JSON-RPC app server, or one of its tools.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct AppServerArgs {
    /// Tooling to run instead of the server.
    #[command(subcommand)]
    pub command: Option<AppServerCommand>,

    /// Refuse to start when config.toml has keys this version does not recognise
    #[arg(long = "strict-config")]
    pub strict_config: bool,

    /// Where to listen: `stdio://` (the default), `unix://` (default socket), `unix://PATH`,
    /// `ws://IP:PORT`, or `off`
    #[arg(
        long = "listen",
        value_name = "URL",
        default_value = "stdio://",
        value_parser = ListenAddress::parse
    )]
    pub listen: ListenAddress,

    /// Serve on stdin/stdout; the same as `--listen stdio://`
    #[arg(long = "stdio", conflicts_with = "listen")]
    pub stdio: bool,

    /// Turn remote control on for this server process
    #[arg(long = "remote-control", hide = true)]
    pub remote_control: bool,

    /// Enable analytics unless config.toml turns them off
    ///
    /// The app server normally sends analytics only when `[analytics]` in config.toml enables
    /// them. First-party clients pass this flag to flip that default; `enabled = false` under
    /// `[analytics]` still opts out.
    #[arg(long = "analytics-default-enabled")]
    pub analytics_default_enabled: bool,

    /// Websocket authentication options.
    #[command(flatten)]
    pub ws_auth: WsAuthArgs,
}

/// A parsed `--listen` value of `codex app-server`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddress {
    /// `stdio://`: JSON-RPC over stdin and stdout.
    Stdio,
    /// `unix://` (the default control socket, `None`) or `unix://PATH`.
    Unix(Option<PathBuf>),
    /// `ws://IP:PORT`.
    WebSocket(SocketAddr),
    /// `off`: no listener.
    Off,
}

impl ListenAddress {
    /// Value parser for `--listen`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw == "stdio://" {
            return Ok(Self::Stdio);
        }
        if raw == "off" {
            return Ok(Self::Off);
        }
        if let Some(path) = raw.strip_prefix("unix://") {
            return Ok(Self::Unix((!path.is_empty()).then(|| PathBuf::from(path))));
        }
        if let Some(addr) = raw.strip_prefix("ws://") {
            return addr.parse().map(Self::WebSocket).map_err(|_| {
                format!("invalid websocket --listen URL `{raw}`; expected `ws://IP:PORT`")
            });
        }
        Err(format!(
            "unsupported --listen URL `{raw}`; expected `stdio://`, `unix://`, `unix://PATH`, \
             `ws://IP:PORT`, or `off`"
        ))
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stdio => f.write_str("stdio://"),
            Self::Unix(None) => f.write_str("unix://"),
            Self::Unix(Some(path)) => write!(f, "unix://{}", path.display()),
            Self::WebSocket(addr) => write!(f, "ws://{addr}"),
            Self::Off => f.write_str("off"),
        }
    }
}

/// Authentication for websocket listeners of `codex app-server`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct WsAuthArgs {
    /// How websocket clients on non-loopback addresses authenticate
    #[arg(long = "ws-auth", value_name = "MODE", value_enum)]
    pub ws_auth: Option<WsAuthMode>,

    /// File holding the capability token (absolute path)
    #[arg(long = "ws-token-file", value_name = "PATH")]
    pub ws_token_file: Option<PathBuf>,

    /// SHA-256 of the capability token, hex encoded
    #[arg(long = "ws-token-sha256", value_name = "HEX")]
    pub ws_token_sha256: Option<String>,

    /// File holding the shared secret that signs JWT bearer tokens (absolute path)
    #[arg(long = "ws-shared-secret-file", value_name = "PATH")]
    pub ws_shared_secret_file: Option<PathBuf>,

    /// Issuer that signed JWT bearer tokens must name
    #[arg(long = "ws-issuer", value_name = "ISSUER")]
    pub ws_issuer: Option<String>,

    /// Audience that signed JWT bearer tokens must name
    #[arg(long = "ws-audience", value_name = "AUDIENCE")]
    pub ws_audience: Option<String>,

    /// Clock skew tolerated when checking signed JWT bearer tokens, in seconds
    #[arg(long = "ws-max-clock-skew-seconds", value_name = "SECONDS")]
    pub ws_max_clock_skew_seconds: Option<u64>,
}

/// `--ws-auth` values.
// Variant doc comments would be rendered as per-value help in `--help`, which the reference
// does not show for this option.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum WsAuthMode {
    CapabilityToken,
    SignedBearerToken,
}

/// `codex app-server` subcommands.
// Doc comments double as help text, where `[experimental]` is a literal tag, not a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AppServerCommand {
    /// Control the app server daemon running on this machine
    Daemon(DaemonArgs),
    /// Relay stdin/stdout to the control socket of the running app server
    Proxy(AppServerProxyArgs),
    /// [experimental] Emit TypeScript definitions of the app server protocol
    GenerateTs(GenerateTsArgs),
    /// [experimental] Emit a JSON Schema bundle describing the app server protocol
    GenerateJsonSchema(GenerateJsonSchemaArgs),
    /// [internal] Write the JSON Schema files used by Codex's own tooling
    #[command(hide = true)]
    GenerateInternalJsonSchema(GenerateOutArgs),
}

/// `codex app-server daemon`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct DaemonArgs {
    /// Daemon action.
    #[command(subcommand)]
    pub command: DaemonCommand,
}

/// `codex app-server daemon` subcommands.
// Doc comments double as help text, where `[experimental]` is a literal tag, not a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum DaemonCommand {
    /// Set up a managed app server that survives logouts, for use over SSH
    Bootstrap(DaemonBootstrapArgs),
    /// Start the daemon unless it is already running
    Start,
    /// Stop the daemon and start it again
    Restart,
    /// Turn remote control on, now and for later starts of the managed daemon
    EnableRemoteControl,
    /// Turn remote control off, now and for later starts of the managed daemon
    DisableRemoteControl,
    /// Shut the daemon down
    Stop,
    /// Print the CLI version and the running app server version as JSON
    Version,
    /// [internal] Updater loop of the pid-file managed daemon
    #[command(hide = true)]
    PidUpdateLoop,
}

/// `codex app-server daemon bootstrap`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Args)]
pub struct DaemonBootstrapArgs {
    /// Start the managed app server with remote control on
    #[arg(long = "remote-control")]
    pub remote_control: bool,
}

/// `codex app-server proxy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct AppServerProxyArgs {
    /// Control socket to connect to (defaults to the daemon's socket)
    #[arg(long = "sock", value_name = "SOCKET_PATH", value_hint = ValueHint::Unknown)]
    pub socket_path: Option<PathBuf>,
}

/// `codex app-server generate-ts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct GenerateTsArgs {
    /// Directory to write the .ts files to
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out_dir: PathBuf,

    /// Prettier executable used to format the output
    #[arg(short = 'p', long = "prettier", value_name = "PRETTIER_BIN")]
    pub prettier: Option<PathBuf>,

    /// Include methods and fields that are still experimental
    #[arg(long = "experimental")]
    pub experimental: bool,
}

/// `codex app-server generate-json-schema`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct GenerateJsonSchemaArgs {
    /// Directory to write the schema bundle to
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out_dir: PathBuf,

    /// Include methods and fields that are still experimental
    #[arg(long = "experimental")]
    pub experimental: bool,
}

/// An output directory only (`generate-internal-json-schema`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct GenerateOutArgs {
    /// Directory to write the schema files to
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out_dir: PathBuf,
}

/// `codex remote-control`: the app server daemon with remote control switched on.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct RemoteControlArgs {
    /// Print the result as JSON
    #[arg(long = "json", global = true)]
    pub json: bool,

    /// Action; without one the daemon is started.
    #[command(subcommand)]
    pub command: Option<RemoteControlCommand>,
}

/// `codex remote-control` subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum RemoteControlCommand {
    /// Start the app server daemon with remote control on
    Start,
    /// Stop the app server daemon
    Stop,
}

/// `codex exec-server`: the standalone command execution service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ExecServerArgs {
    /// Refuse to start when config.toml has keys this version does not recognise
    #[arg(long = "strict-config")]
    pub strict_config: bool,

    /// Where to listen: `ws://IP:PORT` (the default), `stdio` or `stdio://`
    #[arg(long = "listen", value_name = "URL", conflicts_with = "remote")]
    pub listen: Option<String>,

    /// Register with this base URL as a remote environment instead of listening locally
    #[arg(long = "remote", value_name = "URL", requires = "environment_id")]
    pub remote: Option<String>,

    /// Id of the environment this server registers under (with --remote)
    #[arg(long = "environment-id", value_name = "ID")]
    pub environment_id: Option<String>,

    /// Display name of the environment
    #[arg(long = "name", value_name = "NAME")]
    pub name: Option<String>,

    /// Authenticate the remote registration with the Agent Identity from CODEX_ACCESS_TOKEN
    #[arg(long = "use-agent-identity-auth", requires = "remote")]
    pub use_agent_identity_auth: bool,
}

#[cfg(test)]
mod tests {
    use super::ListenAddress;

    #[test]
    fn listen_addresses() {
        for ok in [
            "stdio://",
            "unix://",
            "unix:///tmp/x",
            "unix://rel",
            "ws://127.0.0.1:8080",
            "ws://[::1]:80",
            "off",
        ] {
            let parsed = ListenAddress::parse(ok);
            assert_eq!(parsed.map(|l| l.to_string()), Ok(ok.to_owned()));
        }
        for bad in ["stdio", "", "OFF", "wss://127.0.0.1:80", "http://x:1"] {
            let err = ListenAddress::parse(bad).unwrap_err();
            assert!(err.starts_with("unsupported --listen URL"), "{bad}: {err}");
        }
        for bad in [
            "ws://",
            "ws://localhost:80",
            "ws://127.0.0.1",
            "ws://1.2.3.4:99999",
        ] {
            let err = ListenAddress::parse(bad).unwrap_err();
            assert!(
                err.starts_with("invalid websocket --listen URL"),
                "{bad}: {err}"
            );
        }
    }
}
