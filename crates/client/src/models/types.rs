//! Serde types for model metadata as served by the `/models` endpoint and
//! printed by `codex debug models`.
//!
//! Field order in every struct is the wire order: serde serializes fields in
//! declaration order, and the reference output is compared key by key. The
//! small enums here (`ReasoningEffort`, `Verbosity`, ...) are local stand-ins
//! until they are unified with `recodex-protocol`'s config types.

use serde::Deserialize;
use serde::Serialize;

// The reasoning, verbosity and personality enums are the protocol's own.
pub use recodex_protocol::{
    ApplyPatchToolType, ConfigShellToolType, Personality, ReasoningEffort, ReasoningSummary,
    Verbosity, WebSearchToolType,
};

/// Placeholder inside [`ModelMessages::instructions_template`] that is
/// replaced by the selected personality text.
pub const PERSONALITY_PLACEHOLDER: &str = "{{ personality }}";

/// User-input modality a model accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputModality {
    /// Text turns and tool payloads.
    Text,
    /// Image attachments.
    Image,
}

/// The modalities assumed when a payload omits `input_modalities`.
pub fn default_input_modalities() -> Vec<InputModality> {
    vec![InputModality::Text, InputModality::Image]
}

/// Whether and where a model shows up in the model picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelVisibility {
    /// Shown in the picker.
    List,
    /// Usable but hidden from the picker.
    Hide,
    /// Not advertised at all (used by fallback metadata).
    None,
}

/// Unit in which tool output is truncated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TruncationMode {
    /// Limit counted in bytes.
    Bytes,
    /// Limit counted in tokens.
    Tokens,
}

/// Tool-output truncation policy of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TruncationPolicyConfig {
    /// Unit of `limit`.
    pub mode: TruncationMode,
    /// Maximum size in `mode` units.
    pub limit: i64,
}

impl TruncationPolicyConfig {
    /// A byte-based policy.
    pub const fn bytes(limit: i64) -> Self {
        Self {
            mode: TruncationMode::Bytes,
            limit,
        }
    }

    /// A token-based policy.
    pub const fn tokens(limit: i64) -> Self {
        Self {
            mode: TruncationMode::Tokens,
            limit,
        }
    }
}

/// One selectable reasoning effort with its picker description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasoningEffortPreset {
    /// The effort level.
    pub effort: ReasoningEffort,
    /// Short description shown next to the effort.
    pub description: String,
}

/// A service tier a model can run on (e.g. the `priority` tier shown as "Fast").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelServiceTier {
    /// Tier id sent on the wire.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Short description.
    pub description: String,
}

/// Notice shown once when a model becomes available to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelAvailabilityNux {
    /// Markdown message.
    pub message: String,
}

/// Recommended upgrade away from a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfoUpgrade {
    /// Slug of the recommended model.
    pub model: String,
    /// Markdown explaining the upgrade.
    pub migration_markdown: String,
}

/// Personality-aware instructions: a template plus the texts for each
/// personality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelMessages {
    /// Instructions containing [`PERSONALITY_PLACEHOLDER`].
    pub instructions_template: Option<String>,
    /// Texts substituted for the placeholder.
    pub instructions_variables: Option<ModelInstructionsVariables>,
}

/// Personality texts substituted into [`ModelMessages::instructions_template`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInstructionsVariables {
    /// Text for [`Personality::None`] (empty in the bundled catalog).
    pub personality_default: Option<String>,
    /// Text for [`Personality::Friendly`].
    pub personality_friendly: Option<String>,
    /// Text for [`Personality::Pragmatic`].
    pub personality_pragmatic: Option<String>,
}

impl ModelInstructionsVariables {
    /// The text for `personality`, if present.
    pub fn personality_text(&self, personality: Personality) -> Option<&str> {
        match personality {
            Personality::None => self.personality_default.as_deref(),
            Personality::Friendly => self.personality_friendly.as_deref(),
            Personality::Pragmatic => self.personality_pragmatic.as_deref(),
        }
    }

    fn is_complete(&self) -> bool {
        self.personality_default.is_some()
            && self.personality_friendly.is_some()
            && self.personality_pragmatic.is_some()
    }
}

const fn default_effective_context_window_percent() -> i64 {
    95
}

/// Metadata for one model: capabilities, limits, tool flavours and
/// instructions. Serializes with the reference's key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Model id sent as `model`.
    pub slug: String,
    /// Name shown in UIs.
    pub display_name: String,
    /// Short description for the picker (`null` when unknown).
    pub description: Option<String>,
    /// Effort used when none is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_reasoning_level: Option<ReasoningEffort>,
    /// Efforts offered in the picker.
    pub supported_reasoning_levels: Vec<ReasoningEffortPreset>,
    /// Shell tool flavour.
    pub shell_type: ConfigShellToolType,
    /// Picker visibility.
    pub visibility: ModelVisibility,
    /// Whether API-key users may use the model.
    pub supported_in_api: bool,
    /// Sort key; lower comes first.
    pub priority: i32,
    /// Extra speed tiers (e.g. `fast`).
    #[serde(default)]
    pub additional_speed_tiers: Vec<String>,
    /// Service tiers the model can run on.
    #[serde(default)]
    pub service_tiers: Vec<ModelServiceTier>,
    /// Announcement shown when the model becomes available.
    #[serde(default)]
    pub availability_nux: Option<ModelAvailabilityNux>,
    /// Recommended replacement model.
    #[serde(default)]
    pub upgrade: Option<ModelInfoUpgrade>,
    /// System instructions when no personality template applies.
    pub base_instructions: String,
    /// Personality-aware instructions (omitted when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_messages: Option<ModelMessages>,
    /// Whether reasoning summaries may be requested.
    pub supports_reasoning_summaries: bool,
    /// Summary mode used when none is configured.
    #[serde(default)]
    pub default_reasoning_summary: ReasoningSummary,
    /// Whether `text.verbosity` is accepted.
    pub support_verbosity: bool,
    /// Verbosity used when none is configured.
    pub default_verbosity: Option<Verbosity>,
    /// `apply_patch` tool flavour, if the model gets one.
    pub apply_patch_tool_type: Option<ApplyPatchToolType>,
    /// Web search tool flavour.
    #[serde(default)]
    pub web_search_tool_type: WebSearchToolType,
    /// Tool-output truncation policy.
    pub truncation_policy: TruncationPolicyConfig,
    /// Whether `parallel_tool_calls` is enabled.
    pub supports_parallel_tool_calls: bool,
    /// Whether images may be sent with `detail: "original"`.
    #[serde(default)]
    pub supports_image_detail_original: bool,
    /// Context window in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<i64>,
    /// Largest context window a config override may select.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_context_window: Option<i64>,
    /// Token count that triggers auto-compaction; derived from the context
    /// window when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_compact_token_limit: Option<i64>,
    /// Share of the context window usable for input.
    #[serde(default = "default_effective_context_window_percent")]
    pub effective_context_window_percent: i64,
    /// Experimental tool names enabled for the model.
    pub experimental_supported_tools: Vec<String>,
    /// Accepted input modalities.
    #[serde(default = "default_input_modalities")]
    pub input_modalities: Vec<InputModality>,
    /// Set when this record was synthesized by
    /// [`fallback_model_info`](super::fallback_model_info); never serialized.
    #[serde(skip)]
    pub used_fallback_model_metadata: bool,
    /// Whether the `tool_search` tool is offered.
    #[serde(default)]
    pub supports_search_tool: bool,
}

impl ModelInfo {
    /// The service tier a request for `requested` runs on with this model: `default`
    /// stays `default` (no tier is sent), `fast` names the priority tier, and a tier the
    /// model does not offer is dropped (`None`), as the reference drops it silently.
    pub fn resolve_service_tier(&self, requested: &str) -> Option<String> {
        if requested == recodex_protocol::ServiceTier::DEFAULT_REQUEST_VALUE {
            return Some(requested.to_owned());
        }
        let id = match recodex_protocol::ServiceTier::from_request_value(requested) {
            Some(tier) => tier.request_value(),
            None => requested,
        };
        self.service_tiers
            .iter()
            .any(|tier| tier.id == id)
            .then(|| id.to_owned())
    }

    /// Auto-compaction threshold: the explicit limit, or 90% of the context
    /// window.
    pub fn auto_compact_token_limit(&self) -> Option<i64> {
        self.auto_compact_token_limit
            .or_else(|| self.context_window.map(|window| window * 9 / 10))
    }

    /// Whether the model has a template and a complete set of personality
    /// texts.
    pub fn supports_personality(&self) -> bool {
        self.model_messages.as_ref().is_some_and(|messages| {
            messages
                .instructions_template
                .as_deref()
                .is_some_and(|template| template.contains(PERSONALITY_PLACEHOLDER))
                && messages
                    .instructions_variables
                    .as_ref()
                    .is_some_and(ModelInstructionsVariables::is_complete)
        })
    }

    /// The system instructions for `personality`: the template with the
    /// personality text substituted when there is a template, otherwise
    /// `base_instructions`.
    pub fn instructions_for(&self, personality: Personality) -> String {
        let Some(messages) = &self.model_messages else {
            return self.base_instructions.clone();
        };
        let Some(template) = &messages.instructions_template else {
            return self.base_instructions.clone();
        };
        let text = messages
            .instructions_variables
            .as_ref()
            .and_then(|vars| vars.personality_text(personality))
            .unwrap_or_default();
        template.replace(PERSONALITY_PLACEHOLDER, text)
    }
}

/// The `/models` response body and the `debug models` output.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModelsResponse {
    /// Models in catalog order.
    pub models: Vec<ModelInfo>,
}
