//! The handshake: `initialize` (request) and `initialized` (client notification).

use serde::{Deserialize, Serialize};

/// `initialize` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    /// Who is connecting; its name becomes the `originator` of model requests.
    pub client_info: ClientInfo,
    /// Optional capabilities.
    pub capabilities: Option<InitializeCapabilities>,
}

/// The client's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInfo {
    /// Product name (`codex_vscode`, `codex-tui`, ...).
    pub name: String,
    /// Display title.
    pub title: Option<String>,
    /// Product version.
    pub version: String,
}

/// What the client can do.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeCapabilities {
    /// Opt into experimental methods and fields.
    #[serde(default)]
    pub experimental_api: bool,
    /// Notification methods the client does not want to receive.
    pub opt_out_notification_methods: Option<Vec<String>>,
}

/// `initialize` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResponse {
    /// The user agent model requests will carry.
    pub user_agent: String,
    /// The resolved CODEX_HOME.
    pub codex_home: String,
    /// `unix` or `windows`.
    pub platform_family: String,
    /// `linux`, `macos`, `windows`.
    pub platform_os: String,
}
