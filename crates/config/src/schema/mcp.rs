//! `[mcp_servers.<name>]`: MCP servers, raw and validated.
//!
//! [`RawMcpServerConfig`] is the table as written (every key optional, so a
//! layer may hold a fragment); [`McpServerConfig`] is the checked form with
//! exactly one transport, and is what [`super::ConfigToml`] holds.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;
use serde::Serializer;

/// Environment id used when `environment_id` is absent.
pub const DEFAULT_MCP_SERVER_ENVIRONMENT_ID: &str = "local";

/// Approval mode for app and MCP tools.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppToolApproval {
    /// Follow the session's approval policy.
    #[default]
    Auto,
    /// Always ask.
    Prompt,
    /// Never ask.
    Approve,
}

/// Per-tool settings (`mcp_servers.<name>.tools.<tool>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerToolConfig {
    /// Approval mode for this tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_mode: Option<AppToolApproval>,
}

/// One entry of `env_vars`: a bare name or `{ name, source }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum McpServerEnvVar {
    /// Forward this variable from the local environment.
    Name(String),
    /// Forward a variable from the given source (`local` or `remote`).
    Config {
        /// Variable name.
        name: String,
        /// `local` (default) or `remote`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
}

impl McpServerEnvVar {
    /// The variable name.
    pub fn name(&self) -> &str {
        match self {
            Self::Name(name) | Self::Config { name, .. } => name,
        }
    }

    /// The declared source, if any.
    pub fn source(&self) -> Option<&str> {
        match self {
            Self::Name(_) => None,
            Self::Config { source, .. } => source.as_deref(),
        }
    }

    fn validate_source(&self) -> Result<(), String> {
        match self.source() {
            None | Some("local") | Some("remote") => Ok(()),
            Some(source) => Err(format!(
                "unsupported env_vars source `{source}`; expected `local` or `remote`"
            )),
        }
    }
}

/// OAuth client settings for an MCP server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerOAuthConfig {
    /// Client id presented during authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// An MCP server table as written; every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RawMcpServerConfig {
    /// Stdio: program to start.
    pub command: Option<String>,
    /// Stdio: its arguments.
    #[serde(default)]
    pub args: Option<Vec<String>>,
    /// Stdio: variables to set.
    #[serde(default)]
    pub env: Option<BTreeMap<String, String>>,
    /// Stdio: variables to forward.
    #[serde(default)]
    pub env_vars: Option<Vec<McpServerEnvVar>>,
    /// Stdio: working directory.
    #[serde(default)]
    pub cwd: Option<PathBuf>,
    /// HTTP: literal headers.
    pub http_headers: Option<BTreeMap<String, String>>,
    /// HTTP: headers whose values come from environment variables.
    #[serde(default)]
    pub env_http_headers: Option<BTreeMap<String, String>>,
    /// HTTP: server URL.
    pub url: Option<String>,
    /// Rejected with a targeted message; use `bearer_token_env_var`.
    pub bearer_token: Option<String>,
    /// HTTP: variable holding the bearer token.
    pub bearer_token_env_var: Option<String>,
    /// Where to start the server (`local` by default).
    #[serde(default)]
    pub environment_id: Option<String>,
    /// Startup timeout in seconds.
    #[serde(default)]
    pub startup_timeout_sec: Option<f64>,
    /// Startup timeout in milliseconds (used when `startup_timeout_sec` is absent).
    #[serde(default)]
    pub startup_timeout_ms: Option<u64>,
    /// Default tool-call timeout in seconds.
    #[serde(default, deserialize_with = "deserialize_duration_secs")]
    pub tool_timeout_sec: Option<Duration>,
    /// `false` skips the server.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `true` makes `codex exec` fail when the server cannot start.
    #[serde(default)]
    pub required: Option<bool>,
    /// Advertise every tool as safe for parallel calls.
    #[serde(default)]
    pub supports_parallel_tool_calls: Option<bool>,
    /// Approval mode for tools without their own setting.
    #[serde(default)]
    pub default_tools_approval_mode: Option<AppToolApproval>,
    /// Allow-list of tool names.
    #[serde(default)]
    pub enabled_tools: Option<Vec<String>>,
    /// Deny-list of tool names, applied after `enabled_tools`.
    #[serde(default)]
    pub disabled_tools: Option<Vec<String>>,
    /// OAuth scopes to request.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// OAuth client settings.
    #[serde(default)]
    pub oauth: Option<McpServerOAuthConfig>,
    /// OAuth `resource` parameter (RFC 8707).
    #[serde(default)]
    pub oauth_resource: Option<String>,
    /// Legacy display name; accepted and ignored.
    #[serde(default, rename = "name")]
    pub legacy_name: Option<String>,
    /// Per-tool settings.
    #[serde(default)]
    pub tools: Option<BTreeMap<String, McpServerToolConfig>>,
}

/// How Codex talks to an MCP server.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum McpServerTransportConfig {
    /// A child process speaking MCP over stdin/stdout.
    Stdio {
        /// Program to start.
        command: String,
        /// Its arguments.
        args: Vec<String>,
        /// Variables to set.
        #[serde(skip_serializing_if = "Option::is_none")]
        env: Option<BTreeMap<String, String>>,
        /// Variables to forward.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        env_vars: Vec<McpServerEnvVar>,
        /// Working directory.
        #[serde(skip_serializing_if = "Option::is_none")]
        cwd: Option<PathBuf>,
    },
    /// Streamable HTTP.
    StreamableHttp {
        /// Server URL.
        url: String,
        /// Variable holding the bearer token.
        #[serde(skip_serializing_if = "Option::is_none")]
        bearer_token_env_var: Option<String>,
        /// Literal headers.
        #[serde(skip_serializing_if = "Option::is_none")]
        http_headers: Option<BTreeMap<String, String>>,
        /// Headers read from environment variables.
        #[serde(skip_serializing_if = "Option::is_none")]
        env_http_headers: Option<BTreeMap<String, String>>,
    },
}

/// A validated MCP server.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerConfig {
    /// The transport.
    pub transport: McpServerTransportConfig,
    /// Where to start it.
    pub environment_id: String,
    /// `false` skips the server.
    pub enabled: bool,
    /// Startup failure is fatal for `codex exec`.
    pub required: bool,
    /// Tools are safe for parallel calls.
    pub supports_parallel_tool_calls: bool,
    /// Startup timeout.
    pub startup_timeout: Option<Duration>,
    /// Default tool-call timeout.
    pub tool_timeout: Option<Duration>,
    /// Approval mode for tools without their own setting.
    pub default_tools_approval_mode: Option<AppToolApproval>,
    /// Allow-list of tool names.
    pub enabled_tools: Option<Vec<String>>,
    /// Deny-list of tool names.
    pub disabled_tools: Option<Vec<String>>,
    /// OAuth scopes.
    pub scopes: Option<Vec<String>>,
    /// OAuth client settings.
    pub oauth: Option<McpServerOAuthConfig>,
    /// OAuth `resource` parameter.
    pub oauth_resource: Option<String>,
    /// Per-tool settings.
    pub tools: BTreeMap<String, McpServerToolConfig>,
}

impl McpServerConfig {
    /// True when the server runs on this machine.
    pub fn is_local_environment(&self) -> bool {
        self.environment_id == DEFAULT_MCP_SERVER_ENVIRONMENT_ID
    }
}

fn reject_for(transport: &str, field: &str, set: bool) -> Result<(), String> {
    if set {
        Err(format!("{field} is not supported for {transport}"))
    } else {
        Ok(())
    }
}

impl TryFrom<RawMcpServerConfig> for McpServerConfig {
    type Error = String;

    fn try_from(raw: RawMcpServerConfig) -> Result<Self, String> {
        let startup_timeout = match (raw.startup_timeout_sec, raw.startup_timeout_ms) {
            (Some(secs), _) => {
                Some(Duration::try_from_secs_f64(secs).map_err(|err| err.to_string())?)
            }
            (None, Some(ms)) => Some(Duration::from_millis(ms)),
            (None, None) => None,
        };
        let transport = if let Some(command) = raw.command {
            let stdio = "stdio";
            reject_for(stdio, "url", raw.url.is_some())?;
            reject_for(
                stdio,
                "bearer_token_env_var",
                raw.bearer_token_env_var.is_some(),
            )?;
            reject_for(stdio, "bearer_token", raw.bearer_token.is_some())?;
            reject_for(stdio, "http_headers", raw.http_headers.is_some())?;
            reject_for(stdio, "env_http_headers", raw.env_http_headers.is_some())?;
            reject_for(stdio, "oauth", raw.oauth.is_some())?;
            reject_for(stdio, "oauth_resource", raw.oauth_resource.is_some())?;
            let env_vars = raw.env_vars.unwrap_or_default();
            env_vars
                .iter()
                .try_for_each(McpServerEnvVar::validate_source)?;
            McpServerTransportConfig::Stdio {
                command,
                args: raw.args.unwrap_or_default(),
                env: raw.env,
                env_vars,
                cwd: raw.cwd,
            }
        } else if let Some(url) = raw.url {
            let http = "streamable_http";
            reject_for(http, "args", raw.args.is_some())?;
            reject_for(http, "env", raw.env.is_some())?;
            reject_for(http, "env_vars", raw.env_vars.is_some())?;
            reject_for(http, "cwd", raw.cwd.is_some())?;
            reject_for(http, "bearer_token", raw.bearer_token.is_some())?;
            McpServerTransportConfig::StreamableHttp {
                url,
                bearer_token_env_var: raw.bearer_token_env_var,
                http_headers: raw.http_headers,
                env_http_headers: raw.env_http_headers,
            }
        } else {
            return Err("invalid transport".to_string());
        };
        let environment_id = raw
            .environment_id
            .unwrap_or_else(|| DEFAULT_MCP_SERVER_ENVIRONMENT_ID.to_string());
        check_remote_stdio_cwd(&transport, &environment_id)?;
        Ok(Self {
            transport,
            environment_id,
            enabled: raw.enabled.unwrap_or(true),
            required: raw.required.unwrap_or(false),
            supports_parallel_tool_calls: raw.supports_parallel_tool_calls.unwrap_or(false),
            startup_timeout,
            tool_timeout: raw.tool_timeout_sec,
            default_tools_approval_mode: raw.default_tools_approval_mode,
            enabled_tools: raw.enabled_tools,
            disabled_tools: raw.disabled_tools,
            scopes: raw.scopes,
            oauth: raw.oauth,
            oauth_resource: raw.oauth_resource,
            tools: raw.tools.unwrap_or_default(),
        })
    }
}

/// A server started somewhere else needs an absolute working directory.
fn check_remote_stdio_cwd(
    transport: &McpServerTransportConfig,
    environment_id: &str,
) -> Result<(), String> {
    if environment_id == DEFAULT_MCP_SERVER_ENVIRONMENT_ID {
        return Ok(());
    }
    let McpServerTransportConfig::Stdio { cwd, .. } = transport else {
        return Ok(());
    };
    let prefix = format!(
        "remote stdio MCP servers require an absolute cwd when environment_id is `{environment_id}`"
    );
    match cwd {
        None => Err(prefix),
        Some(cwd) if cwd.is_absolute() => Ok(()),
        Some(cwd) => Err(format!("{prefix}, got `{}`", cwd.display())),
    }
}

impl<'de> Deserialize<'de> for McpServerConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawMcpServerConfig::deserialize(deserializer)?
            .try_into()
            .map_err(serde::de::Error::custom)
    }
}

/// Flat, `config.toml`-shaped view used to serialize [`McpServerConfig`].
#[derive(Serialize)]
struct McpServerConfigOut<'a> {
    #[serde(flatten)]
    transport: &'a McpServerTransportConfig,
    #[serde(skip_serializing_if = "is_default_environment")]
    environment_id: &'a str,
    enabled: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    required: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    supports_parallel_tool_calls: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    startup_timeout_sec: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_timeout_sec: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_tools_approval_mode: Option<AppToolApproval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled_tools: &'a Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_tools: &'a Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: &'a Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oauth: &'a Option<McpServerOAuthConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oauth_resource: &'a Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tools: &'a BTreeMap<String, McpServerToolConfig>,
}

fn is_default_environment(id: &&str) -> bool {
    *id == DEFAULT_MCP_SERVER_ENVIRONMENT_ID
}

impl Serialize for McpServerConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        McpServerConfigOut {
            transport: &self.transport,
            environment_id: &self.environment_id,
            enabled: self.enabled,
            required: self.required,
            supports_parallel_tool_calls: self.supports_parallel_tool_calls,
            startup_timeout_sec: self.startup_timeout.map(|d| d.as_secs_f64()),
            tool_timeout_sec: self.tool_timeout.map(|d| d.as_secs_f64()),
            default_tools_approval_mode: self.default_tools_approval_mode,
            enabled_tools: &self.enabled_tools,
            disabled_tools: &self.disabled_tools,
            scopes: &self.scopes,
            oauth: &self.oauth,
            oauth_resource: &self.oauth_resource,
            tools: &self.tools,
        }
        .serialize(serializer)
    }
}

fn deserialize_duration_secs<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    Option::<f64>::deserialize(deserializer)?
        .map(|secs| Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom))
        .transpose()
}
