//! Tool toggles and experimental or legacy tables: `[tools]`, `[realtime]`,
//! `[audio]`, `experimental_thread_store`, `[debug]`, `[ghost_snapshot]`.

use recodex_protocol::RealtimeConversationVersion;
use recodex_protocol::RealtimeVoice;
use recodex_protocol::WebSearchToolConfig;
use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

use super::ConfigPath;

/// `[tools]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolsToml {
    /// Web search tool settings; a bare boolean is accepted and ignored.
    #[serde(default, deserialize_with = "deserialize_web_search_tool")]
    pub web_search: Option<WebSearchToolConfig>,
    /// The experimental `request_user_input` tool.
    pub experimental_request_user_input: Option<ExperimentalRequestUserInput>,
}

/// `[tools.experimental_request_user_input]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperimentalRequestUserInput {
    /// Offer the tool.
    pub enabled: Option<bool>,
}

/// Accepted shapes of `tools.web_search`; the name shows up in serde errors.
#[derive(Deserialize)]
#[serde(untagged)]
enum WebSearchToolConfigInput {
    // The boolean is accepted for compatibility and deliberately unused.
    Enabled(#[allow(dead_code)] bool),
    Config(WebSearchToolConfig),
}

fn deserialize_web_search_tool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<WebSearchToolConfig>, D::Error> {
    Ok(
        match Option::<WebSearchToolConfigInput>::deserialize(deserializer)? {
            Some(WebSearchToolConfigInput::Config(config)) => Some(config),
            // The boolean form predates the `web_search` mode setting and is ignored.
            Some(WebSearchToolConfigInput::Enabled(_)) | None => None,
        },
    )
}

/// `[realtime]`: realtime session selection (experimental).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealtimeToml {
    /// Protocol version.
    pub version: Option<RealtimeConversationVersion>,
    /// Session kind.
    #[serde(rename = "type")]
    pub session_type: Option<RealtimeWsMode>,
    /// Transport.
    pub transport: Option<RealtimeTransport>,
    /// Voice.
    pub voice: Option<RealtimeVoice>,
}

/// Kind of realtime session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RealtimeWsMode {
    /// Spoken conversation.
    #[default]
    Conversational,
    /// Transcription only.
    Transcription,
}

/// Realtime transport.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RealtimeTransport {
    /// WebRTC.
    #[default]
    #[serde(rename = "webrtc")]
    WebRtc,
    /// Websocket.
    Websocket,
}

/// `[audio]`: realtime audio devices of this machine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealtimeAudioToml {
    /// Input device name.
    pub microphone: Option<String>,
    /// Output device name.
    pub speaker: Option<String>,
}

/// `experimental_thread_store`: where threads are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ThreadStoreToml {
    /// Local files and SQLite.
    Local {},
    /// In memory, for tests.
    InMemory {
        /// Store id.
        id: String,
    },
}

/// `[debug]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugToml {
    /// Session config lock files.
    pub config_lockfile: Option<DebugConfigLockToml>,
}

/// `[debug.config_lockfile]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugConfigLockToml {
    /// Directory where effective-config lock files are written.
    pub export_dir: Option<ConfigPath>,
    /// Lock file replayed as the effective config.
    pub load_path: Option<ConfigPath>,
    /// Replay a lock written by another version.
    pub allow_codex_version_mismatch: Option<bool>,
    /// Also save fields resolved from the model catalog.
    pub save_fields_resolved_from_model_catalog: Option<bool>,
}

/// `[ghost_snapshot]`: legacy settings, accepted and ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GhostSnapshotToml {
    /// Legacy.
    #[serde(alias = "ignore_untracked_files_over_bytes")]
    pub ignore_large_untracked_files: Option<i64>,
    /// Legacy.
    #[serde(alias = "large_untracked_dir_warning_threshold")]
    pub ignore_large_untracked_dirs: Option<i64>,
    /// Legacy.
    pub disable_warnings: Option<bool>,
}
