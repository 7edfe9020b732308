//! The body of `POST {base_url}/responses`.
//!
//! Field order and presence are the reference's (verified against captured
//! requests): `reasoning` is always present (`null` for models without
//! reasoning), `service_tier` and `text` only when set, and
//! `client_metadata` last.

use recodex_protocol::ReasoningEffort;
use recodex_protocol::ReasoningSummary;
use recodex_protocol::Verbosity;
use recodex_protocol::models::ResponseItem;
use serde::Serialize;
use serde_json::Value;

/// One sampling request, ready to be serialized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponsesRequest {
    /// Model slug.
    pub model: String,
    /// Base instructions (system prompt).
    pub instructions: String,
    /// Conversation so far.
    pub input: Vec<ResponseItem>,
    /// Tool specs, as JSON (built by the tools layer).
    pub tools: Vec<Value>,
    /// Always `auto` in the reference.
    pub tool_choice: String,
    /// Whether the model may call several tools at once.
    pub parallel_tool_calls: bool,
    /// Reasoning controls; `null` for models without reasoning.
    pub reasoning: Option<Reasoning>,
    /// Always `false`: responses are not stored server-side.
    pub store: bool,
    /// Always `true`.
    pub stream: bool,
    /// Extra output to include (`reasoning.encrypted_content`).
    pub include: Vec<String>,
    /// `priority` or `flex`, when a tier is selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// Cache key: the thread id.
    pub prompt_cache_key: String,
    /// Verbosity and output schema, when either is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextControls>,
    /// Client metadata (`x-codex-installation-id`).
    pub client_metadata: ClientMetadata,
}

impl ResponsesRequest {
    /// A request with the reference's fixed values (`tool_choice: auto`,
    /// `store: false`, `stream: true`) and everything else empty.
    pub fn new(model: impl Into<String>, instructions: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            instructions: instructions.into(),
            input: Vec::new(),
            tools: Vec::new(),
            tool_choice: "auto".to_owned(),
            parallel_tool_calls: false,
            reasoning: None,
            store: false,
            stream: true,
            include: Vec::new(),
            service_tier: None,
            prompt_cache_key: String::new(),
            text: None,
            client_metadata: ClientMetadata::default(),
        }
    }

    /// The body as sent: compact JSON.
    pub fn to_json_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}

/// `reasoning` controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reasoning {
    /// Effort, when the model takes one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<ReasoningEffort>,
    /// Summary mode, when summaries are requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<ReasoningSummary>,
}

/// `text` controls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextControls {
    /// Output length hint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbosity: Option<Verbosity>,
    /// Structured output (`--output-schema`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<TextFormat>,
}

/// A JSON-schema output format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextFormat {
    /// Always `json_schema`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always `true`.
    pub strict: bool,
    /// The user's schema.
    pub schema: Value,
    /// Always `codex_output_schema`.
    pub name: String,
}

impl TextFormat {
    /// The format the reference sends for `--output-schema`.
    pub fn output_schema(schema: Value) -> Self {
        Self {
            kind: "json_schema".to_owned(),
            strict: true,
            schema,
            name: "codex_output_schema".to_owned(),
        }
    }
}

/// `client_metadata` of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientMetadata {
    /// Contents of `$CODEX_HOME/installation_id`.
    #[serde(rename = "x-codex-installation-id")]
    pub installation_id: String,
}
