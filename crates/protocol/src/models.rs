//! Responses API items: what the model returns and what the client sends back
//! as conversation input.
//!
//! The same values appear in three places with one spelling: the `input` array
//! of a request, `response.output_item.*` SSE events, and `response_item`
//! lines of a rollout file. Field order is the reference's serialization order
//! (verified against captured requests), because requests are compared byte for
//! byte after canonicalization and rollouts are read by other tools.
//!
//! Server-only fields such as item `id`s are read but never written back,
//! exactly as the reference does (`writeOnly` in its schema).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;
use serde::Serializer;
use serde_json::Value;

/// One item of a conversation, as the Responses API names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseItem {
    /// A message from the user, the developer (harness) or the assistant.
    Message {
        /// Server-assigned id; never sent back.
        #[serde(default, skip_serializing)]
        id: Option<String>,
        /// `user`, `developer`, `assistant` or `system`.
        role: String,
        /// Text and image parts.
        content: Vec<ContentItem>,
        /// Commentary or final answer, when the model says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phase: Option<MessagePhase>,
    },
    /// The model's reasoning: summaries, optional raw text, opaque state.
    Reasoning {
        /// Server-assigned id; never sent back.
        #[serde(default, skip_serializing)]
        id: String,
        /// Reasoning summary parts.
        summary: Vec<ReasoningItemReasoningSummary>,
        /// Raw reasoning text. Written as `null` when absent, and left out when
        /// it holds no `reasoning_text` part (as the reference does).
        #[serde(default, skip_serializing_if = "reasoning_content_is_skipped")]
        content: Option<Vec<ReasoningItemContent>>,
        /// Encrypted reasoning state, echoed back verbatim.
        #[serde(default)]
        encrypted_content: Option<String>,
    },
    /// A command the model asks the client to run (legacy `local_shell` tool).
    LocalShellCall {
        /// Legacy id; never sent back.
        #[serde(default, skip_serializing)]
        id: Option<String>,
        /// Call id, set by the Responses API.
        #[serde(default)]
        call_id: Option<String>,
        /// Progress of the call.
        status: LocalShellStatus,
        /// What to run.
        action: LocalShellAction,
    },
    /// A call of a JSON-schema function tool.
    FunctionCall {
        /// Server-assigned id; never sent back.
        #[serde(default, skip_serializing)]
        id: Option<String>,
        /// Tool name.
        name: String,
        /// Namespace of a namespaced tool (MCP, multi-agent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
        /// Arguments as a JSON text (not parsed: the model may produce bad JSON).
        arguments: String,
        /// Id that ties the call to its output.
        call_id: String,
    },
    /// A `tool_search` call.
    ToolSearchCall {
        /// Server-assigned id; never sent back.
        #[serde(default, skip_serializing)]
        id: Option<String>,
        /// Id that ties the call to its output.
        #[serde(default)]
        call_id: Option<String>,
        /// Progress of the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        /// `client` or `server`.
        execution: String,
        /// Search arguments.
        arguments: Value,
    },
    /// The result of a function call.
    FunctionCallOutput {
        /// The call this answers.
        call_id: String,
        /// Text or content parts.
        output: FunctionCallOutputPayload,
    },
    /// A call of a freeform (grammar) tool such as `apply_patch`.
    CustomToolCall {
        /// Server-assigned id; never sent back.
        #[serde(default, skip_serializing)]
        id: Option<String>,
        /// Progress of the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        /// Id that ties the call to its output.
        call_id: String,
        /// Tool name.
        name: String,
        /// Raw tool input.
        input: String,
    },
    /// The result of a custom tool call.
    CustomToolCallOutput {
        /// The call this answers.
        call_id: String,
        /// Tool name, when recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Text or content parts.
        output: FunctionCallOutputPayload,
    },
    /// The tools a `tool_search` call loaded.
    ToolSearchOutput {
        /// The call this answers.
        #[serde(default)]
        call_id: Option<String>,
        /// Progress of the search.
        status: String,
        /// `client` or `server`.
        execution: String,
        /// Tool specs, as JSON.
        tools: Vec<Value>,
    },
    /// A hosted web search the model ran.
    WebSearchCall {
        /// Server-assigned id; never sent back.
        #[serde(default, skip_serializing)]
        id: Option<String>,
        /// Progress of the search.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        /// What was searched or opened.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<WebSearchAction>,
    },
    /// A hosted image generation.
    ImageGenerationCall {
        /// Server-assigned id (kept: the image file is named after it).
        id: String,
        /// Progress of the generation.
        status: String,
        /// The prompt the server actually used.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revised_prompt: Option<String>,
        /// Base64 image data.
        result: String,
    },
    /// Server-side compaction state.
    #[serde(alias = "compaction_summary")]
    Compaction {
        /// Opaque compacted history.
        encrypted_content: String,
    },
    /// Marker asking the server to compact.
    CompactionTrigger,
    /// Compaction produced inline by the model.
    ContextCompaction {
        /// Opaque compacted history.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        encrypted_content: Option<String>,
    },
    /// Any item type this client does not know.
    #[serde(other)]
    Other,
}

fn reasoning_content_is_skipped(content: &Option<Vec<ReasoningItemContent>>) -> bool {
    content.as_ref().is_some_and(|parts| {
        !parts
            .iter()
            .any(|part| matches!(part, ReasoningItemContent::ReasoningText { .. }))
    })
}

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentItem {
    /// Text from the user or the harness.
    InputText {
        /// The text.
        text: String,
    },
    /// An image, usually a `data:` URL.
    InputImage {
        /// Image URL.
        image_url: String,
        /// Resolution hint.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<ImageDetail>,
    },
    /// Text written by the model.
    OutputText {
        /// The text.
        text: String,
    },
}

/// Image resolution hint of an `input_image` part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageDetail {
    /// Let the server decide.
    Auto,
    /// Low resolution.
    Low,
    /// High resolution.
    High,
    /// The original image.
    Original,
}

/// Whether an assistant message is interim commentary or the final answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessagePhase {
    /// Progress narration; more output may follow.
    Commentary,
    /// The turn's answer.
    FinalAnswer,
}

/// A reasoning summary part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReasoningItemReasoningSummary {
    /// Summary text.
    SummaryText {
        /// The text.
        text: String,
    },
}

/// A raw reasoning part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReasoningItemContent {
    /// Raw reasoning text.
    ReasoningText {
        /// The text.
        text: String,
    },
    /// Plain text (open-weight models).
    Text {
        /// The text.
        text: String,
    },
}

/// Progress of a `local_shell_call`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalShellStatus {
    /// Finished.
    Completed,
    /// Still running.
    InProgress,
    /// Stopped early.
    Incomplete,
}

/// What a `local_shell_call` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LocalShellAction {
    /// Run a command.
    Exec(LocalShellExecAction),
}

/// The command of a `local_shell_call`. Absent fields are written as `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalShellExecAction {
    /// argv.
    pub command: Vec<String>,
    /// Timeout in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Working directory.
    #[serde(default)]
    pub working_directory: Option<String>,
    /// Extra environment.
    #[serde(default)]
    pub env: Option<BTreeMap<String, String>>,
    /// User to run as.
    #[serde(default)]
    pub user: Option<String>,
}

/// What a hosted web search did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WebSearchAction {
    /// A search.
    Search {
        /// The query.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        query: Option<String>,
        /// Every query, when several were run.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queries: Option<Vec<String>>,
    },
    /// A page was opened.
    OpenPage {
        /// Its URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// A pattern was searched within a page.
    FindInPage {
        /// The page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// The pattern.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
    },
    /// Any other action.
    #[serde(other)]
    Other,
}

/// One part of a structured tool output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FunctionCallOutputContentItem {
    /// Text.
    InputText {
        /// The text.
        text: String,
    },
    /// An image.
    InputImage {
        /// Image URL.
        image_url: String,
        /// Resolution hint.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<ImageDetail>,
    },
    /// Opaque content.
    EncryptedContent {
        /// The data.
        encrypted_content: String,
    },
}

/// The body of a tool output: a string or a list of parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FunctionCallOutputBody {
    /// Plain text.
    Text(String),
    /// Structured parts.
    ContentItems(Vec<FunctionCallOutputContentItem>),
}

/// A tool output as sent to the model. Only `body` is on the wire; `success`
/// is kept for the harness and never serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCallOutputPayload {
    /// What the model sees.
    pub body: FunctionCallOutputBody,
    /// Whether the tool reported success, when it said.
    pub success: Option<bool>,
}

impl FunctionCallOutputPayload {
    /// A plain-text output.
    pub fn from_text(text: impl Into<String>) -> Self {
        Self {
            body: FunctionCallOutputBody::Text(text.into()),
            success: None,
        }
    }
}

impl Serialize for FunctionCallOutputPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FunctionCallOutputPayload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self {
            body: FunctionCallOutputBody::deserialize(deserializer)?,
            success: None,
        })
    }
}

#[cfg(test)]
#[path = "models_tests.rs"]
mod tests;
