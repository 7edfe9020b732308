//! `codex mcp` (manage the MCP servers Codex connects to) and `codex mcp-server`.

use clap::{ArgGroup, Args, Subcommand};

/// `codex mcp`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct McpArgs {
    /// What to do with the configured servers.
    #[command(subcommand)]
    pub command: McpCommand,
}

/// `codex mcp` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum McpCommand {
    /// Show the configured MCP servers
    List(McpListArgs),
    /// Show one configured MCP server
    Get(McpGetArgs),
    /// Add an MCP server to the user config, launched as a command or reached by URL
    Add(McpAddArgs),
    /// Delete an MCP server from the user config
    Remove(McpNameArgs),
    /// Sign in to an MCP server with OAuth
    Login(McpLoginArgs),
    /// Forget the OAuth credentials stored for an MCP server
    Logout(McpNameArgs),
}

/// `codex mcp list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpListArgs {
    /// Print the list as JSON
    #[arg(long = "json")]
    pub json: bool,
}

/// `codex mcp get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpGetArgs {
    /// Configured server name
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Print the server entry as JSON
    #[arg(long = "json")]
    pub json: bool,
}

/// A single configured server name (`remove`, `logout`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpNameArgs {
    /// Configured server name
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// `codex mcp login`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpLoginArgs {
    /// Configured server name to sign in to
    #[arg(value_name = "NAME")]
    pub name: String,

    /// OAuth scopes to ask for, separated by commas
    #[arg(long = "scopes", value_name = "SCOPE,SCOPE", value_delimiter = ',')]
    pub scopes: Vec<String>,
}

/// `codex mcp add`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(override_usage = "codex mcp add [OPTIONS] <NAME> (--url <URL> | -- <COMMAND>...)")]
pub struct McpAddArgs {
    /// Name to store the server under
    #[arg(value_name = "NAME")]
    pub name: String,

    /// How the server is reached: exactly one of a launch command or `--url`.
    #[command(flatten)]
    pub transport: McpTransportArgs,
}

/// The transport of a new MCP server: a stdio command or a streamable HTTP URL, never both.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(group(
    ArgGroup::new("transport")
        .args(["command", "url"])
        .required(true)
        .multiple(false)
))]
pub struct McpTransportArgs {
    /// Present when a launch command (or `--env`) was given.
    #[command(flatten)]
    pub stdio: Option<McpStdioArgs>,

    /// Present when `--url` (or one of the HTTP-only options) was given.
    #[command(flatten)]
    pub streamable_http: Option<McpHttpArgs>,
}

/// A server launched as a child process speaking MCP over stdio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpStdioArgs {
    /// Program and arguments that start the server (put them after `--`); use --url instead for
    /// an HTTP server
    #[arg(value_name = "COMMAND", trailing_var_arg = true, num_args = 0..)]
    pub command: Vec<String>,

    /// Environment variable for the launched server, as KEY=VALUE (repeatable; stdio only)
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env_pair)]
    pub env: Vec<(String, String)>,
}

/// A server reached over streamable HTTP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpHttpArgs {
    /// URL of the server's streamable HTTP endpoint
    #[arg(long = "url", value_name = "URL")]
    pub url: String,

    /// Environment variable to read a bearer token from (HTTP only)
    #[arg(long = "bearer-token-env-var", value_name = "ENV_VAR")]
    pub bearer_token_env_var: Option<String>,

    /// OAuth client id to use with this server
    #[arg(long = "oauth-client-id", value_name = "CLIENT_ID")]
    pub oauth_client_id: Option<String>,

    /// OAuth `resource` parameter to send when signing in to this server
    #[arg(long = "oauth-resource", value_name = "RESOURCE")]
    pub oauth_resource: Option<String>,
}

/// Value parser for `--env KEY=VALUE`: splits at the first `=`; the key must not be empty.
fn parse_env_pair(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("environment entries must be in KEY=VALUE form".to_owned()),
    }
}

/// `codex mcp-server`: serve Codex itself over MCP on stdio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct McpServerArgs {
    /// Refuse to start when config.toml has keys this version does not recognise
    #[arg(long = "strict-config")]
    pub strict_config: bool,
}

#[cfg(test)]
mod tests {
    use super::parse_env_pair;

    #[test]
    fn env_pairs_split_at_the_first_equals_sign() {
        assert_eq!(parse_env_pair("K=V"), Ok(("K".into(), "V".into())));
        assert_eq!(parse_env_pair("K="), Ok(("K".into(), String::new())));
        assert_eq!(parse_env_pair("A=B=C"), Ok(("A".into(), "B=C".into())));
        assert!(parse_env_pair("=V").is_err());
        assert!(parse_env_pair("K").is_err());
    }
}
