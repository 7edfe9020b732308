//! The model catalog bundled with the binary, and the fallback record used
//! for slugs the catalog does not know.
//!
//! Numbers, enum values, slugs, display names and the catalog order are
//! facts that must match the reference; every prose field (descriptions,
//! instructions, personality texts, notices) is our own text. Long texts
//! live in `prompts/*.md`.

use super::types::ApplyPatchToolType;
use super::types::ConfigShellToolType;
use super::types::ModelAvailabilityNux;
use super::types::ModelInfo;
use super::types::ModelInfoUpgrade;
use super::types::ModelInstructionsVariables;
use super::types::ModelMessages;
use super::types::ModelServiceTier;
use super::types::ModelVisibility;
use super::types::PERSONALITY_PLACEHOLDER;
use super::types::ReasoningEffort;
use super::types::ReasoningEffortPreset;
use super::types::ReasoningSummary;
use super::types::TruncationPolicyConfig;
use super::types::Verbosity;
use super::types::WebSearchToolType;
use super::types::default_input_modalities;

const GPT_5_5_TEMPLATE: &str = include_str!("prompts/gpt_5_5_template.md");
const GPT_5_5_FRIENDLY: &str = include_str!("prompts/gpt_5_5_friendly.md");
const GPT_5_5_PRAGMATIC: &str = include_str!("prompts/gpt_5_5_pragmatic.md");
const GPT_5_4_TEMPLATE: &str = include_str!("prompts/gpt_5_4_template.md");
const FRIENDLY: &str = include_str!("prompts/friendly.md");
const PRAGMATIC: &str = include_str!("prompts/pragmatic.md");
/// Instructions for models without a personality template, and for
/// fallback metadata.
const LEGACY_INSTRUCTIONS: &str = include_str!("prompts/legacy.md");

const GPT_5_5_NUX: &str = "GPT-5.5 has arrived in Codex: our strongest model yet for agentic coding. \
It works through large codebases, checks its assumptions with tools, and sees tasks through to the end.\n\n\
Details: https://openai.com/index/introducing-gpt-5-5/\n\n";

const GPT_5_4_MIGRATION: &str = "GPT-5.4 is now available\n\n\
Codex has been upgraded to GPT-5.4, our most capable model for professional work. \
It handles long-running tasks, tool calls and frontend work better than earlier models \
while using fewer tokens.\n\n\
Details: https://openai.com/index/introducing-gpt-5-4\n\n\
You can switch back to your previous model at any time.\n";

const FALLBACK_HEADER: &str = "You are Codex, a coding agent built on GPT-5. You share a workspace with the user and work with them toward their goals.";
const FALLBACK_FRIENDLY: &str =
    "You care about being a supportive, encouraging teammate as much as about code quality.";
const FALLBACK_PRAGMATIC: &str = "You are a thoroughly pragmatic and effective software engineer.";

/// Slugs that receive a locally built personality template when they fall
/// back to generic metadata.
const LOCAL_PERSONALITY_SLUGS: [&str; 2] = ["gpt-5.2-codex", "exp-codex-personality"];

fn effort(effort: ReasoningEffort, description: &str) -> ReasoningEffortPreset {
    ReasoningEffortPreset {
        effort,
        description: description.to_owned(),
    }
}

/// The low..xhigh ladder offered by current models.
fn standard_efforts() -> Vec<ReasoningEffortPreset> {
    vec![
        effort(ReasoningEffort::Low, "Quick answers with light reasoning"),
        effort(
            ReasoningEffort::Medium,
            "Good mix of speed and depth for most work",
        ),
        effort(
            ReasoningEffort::High,
            "Deeper reasoning for harder problems",
        ),
        effort(
            ReasoningEffort::XHigh,
            "Deepest reasoning for the hardest problems",
        ),
    ]
}

/// The same ladder with the descriptions gpt-5.2 carries.
fn gpt_5_2_efforts() -> Vec<ReasoningEffortPreset> {
    vec![
        effort(
            ReasoningEffort::Low,
            "Some reasoning at good speed; suits simple questions and short explanations",
        ),
        effort(
            ReasoningEffort::Medium,
            "Even trade-off between reasoning depth and latency for general tasks",
        ),
        effort(
            ReasoningEffort::High,
            "Most reasoning depth for complex or unclear problems",
        ),
        effort(
            ReasoningEffort::XHigh,
            "Extra-deep reasoning for complex problems",
        ),
    ]
}

fn fast_tier() -> Vec<ModelServiceTier> {
    vec![ModelServiceTier {
        id: "priority".to_owned(),
        name: "Fast".to_owned(),
        description: "Faster responses at higher usage cost".to_owned(),
    }]
}

fn gpt_5_4_upgrade() -> Option<ModelInfoUpgrade> {
    Some(ModelInfoUpgrade {
        model: "gpt-5.4".to_owned(),
        migration_markdown: GPT_5_4_MIGRATION.to_owned(),
    })
}

/// Which personality text is baked into `base_instructions`.
#[derive(Clone, Copy)]
enum BakedPersonality {
    Friendly,
    Pragmatic,
}

/// Builds `model_messages` and the matching `base_instructions` (the
/// template with the baked-in personality substituted).
fn personality_instructions(
    template: &str,
    friendly: &str,
    pragmatic: &str,
    baked: BakedPersonality,
) -> (String, ModelMessages) {
    let baked_text = match baked {
        BakedPersonality::Friendly => friendly,
        BakedPersonality::Pragmatic => pragmatic,
    };
    let base = template.replace(PERSONALITY_PLACEHOLDER, baked_text.trim_end());
    let messages = ModelMessages {
        instructions_template: Some(template.to_owned()),
        instructions_variables: Some(ModelInstructionsVariables {
            personality_default: Some(String::new()),
            personality_friendly: Some(friendly.to_owned()),
            personality_pragmatic: Some(pragmatic.to_owned()),
        }),
    };
    (base, messages)
}

/// A current-generation model: shell_command, freeform apply_patch,
/// token truncation, parallel tools, 272k context, tool search.
fn current_model(slug: &str, display_name: &str, description: &str, priority: i32) -> ModelInfo {
    let (base_instructions, messages) = personality_instructions(
        GPT_5_4_TEMPLATE,
        FRIENDLY,
        PRAGMATIC,
        BakedPersonality::Pragmatic,
    );
    ModelInfo {
        slug: slug.to_owned(),
        display_name: display_name.to_owned(),
        description: Some(description.to_owned()),
        default_reasoning_level: Some(ReasoningEffort::Medium),
        supported_reasoning_levels: standard_efforts(),
        shell_type: ConfigShellToolType::ShellCommand,
        visibility: ModelVisibility::List,
        supported_in_api: true,
        priority,
        additional_speed_tiers: Vec::new(),
        service_tiers: Vec::new(),
        availability_nux: None,
        upgrade: None,
        base_instructions,
        model_messages: Some(messages),
        supports_reasoning_summaries: true,
        default_reasoning_summary: ReasoningSummary::None,
        support_verbosity: true,
        default_verbosity: Some(Verbosity::Low),
        apply_patch_tool_type: Some(ApplyPatchToolType::Freeform),
        web_search_tool_type: WebSearchToolType::TextAndImage,
        truncation_policy: TruncationPolicyConfig::tokens(10_000),
        supports_parallel_tool_calls: true,
        supports_image_detail_original: true,
        context_window: Some(272_000),
        max_context_window: Some(272_000),
        auto_compact_token_limit: None,
        effective_context_window_percent: 95,
        experimental_supported_tools: Vec::new(),
        input_modalities: default_input_modalities(),
        used_fallback_model_metadata: false,
        supports_search_tool: true,
    }
}

fn gpt_5_5() -> ModelInfo {
    let (base_instructions, messages) = personality_instructions(
        GPT_5_5_TEMPLATE,
        GPT_5_5_FRIENDLY,
        GPT_5_5_PRAGMATIC,
        BakedPersonality::Friendly,
    );
    ModelInfo {
        additional_speed_tiers: vec!["fast".to_owned()],
        service_tiers: fast_tier(),
        availability_nux: Some(ModelAvailabilityNux {
            message: GPT_5_5_NUX.to_owned(),
        }),
        base_instructions,
        model_messages: Some(messages),
        ..current_model(
            "gpt-5.5",
            "GPT-5.5",
            "Frontier model for demanding coding, research and real-world tasks.",
            0,
        )
    }
}

fn gpt_5_4() -> ModelInfo {
    ModelInfo {
        additional_speed_tiers: vec!["fast".to_owned()],
        service_tiers: fast_tier(),
        max_context_window: Some(1_000_000),
        ..current_model(
            "gpt-5.4",
            "gpt-5.4",
            "Capable model for day-to-day coding.",
            2,
        )
    }
}

fn gpt_5_4_mini() -> ModelInfo {
    ModelInfo {
        default_verbosity: Some(Verbosity::Medium),
        ..current_model(
            "gpt-5.4-mini",
            "GPT-5.4-Mini",
            "Small, quick and economical model for simpler coding work.",
            4,
        )
    }
}

fn gpt_5_3_codex() -> ModelInfo {
    ModelInfo {
        upgrade: gpt_5_4_upgrade(),
        web_search_tool_type: WebSearchToolType::Text,
        ..current_model(
            "gpt-5.3-codex",
            "gpt-5.3-codex",
            "Model tuned for coding.",
            6,
        )
    }
}

fn gpt_5_2() -> ModelInfo {
    ModelInfo {
        supported_reasoning_levels: gpt_5_2_efforts(),
        upgrade: gpt_5_4_upgrade(),
        base_instructions: LEGACY_INSTRUCTIONS.to_owned(),
        model_messages: None,
        default_reasoning_summary: ReasoningSummary::Auto,
        web_search_tool_type: WebSearchToolType::Text,
        truncation_policy: TruncationPolicyConfig::bytes(10_000),
        supports_image_detail_original: false,
        ..current_model(
            "gpt-5.2",
            "gpt-5.2",
            "Built for professional work and long-running agent tasks.",
            10,
        )
    }
}

fn codex_auto_review() -> ModelInfo {
    ModelInfo {
        visibility: ModelVisibility::Hide,
        max_context_window: Some(1_000_000),
        ..current_model(
            "codex-auto-review",
            "Codex Auto Review",
            "Model that reviews approval requests automatically in Codex.",
            29,
        )
    }
}

/// Builds the bundled catalog in reference order.
pub(super) fn build_bundled_catalog() -> Vec<ModelInfo> {
    vec![
        gpt_5_5(),
        gpt_5_4(),
        gpt_5_4_mini(),
        gpt_5_3_codex(),
        gpt_5_2(),
        codex_auto_review(),
    ]
}

fn local_personality_messages(slug: &str) -> Option<ModelMessages> {
    if !LOCAL_PERSONALITY_SLUGS.contains(&slug) {
        return None;
    }
    Some(ModelMessages {
        instructions_template: Some(format!(
            "{FALLBACK_HEADER}\n\n{PERSONALITY_PLACEHOLDER}\n\n{LEGACY_INSTRUCTIONS}"
        )),
        instructions_variables: Some(ModelInstructionsVariables {
            personality_default: Some(String::new()),
            personality_friendly: Some(FALLBACK_FRIENDLY.to_owned()),
            personality_pragmatic: Some(FALLBACK_PRAGMATIC.to_owned()),
        }),
    })
}

/// Generic metadata for a slug that matches nothing in the catalog.
pub(super) fn build_fallback(slug: &str) -> ModelInfo {
    ModelInfo {
        slug: slug.to_owned(),
        display_name: slug.to_owned(),
        description: None,
        default_reasoning_level: None,
        supported_reasoning_levels: Vec::new(),
        shell_type: ConfigShellToolType::Default,
        visibility: ModelVisibility::None,
        supported_in_api: true,
        priority: 99,
        additional_speed_tiers: Vec::new(),
        service_tiers: Vec::new(),
        availability_nux: None,
        upgrade: None,
        base_instructions: LEGACY_INSTRUCTIONS.to_owned(),
        model_messages: local_personality_messages(slug),
        supports_reasoning_summaries: false,
        default_reasoning_summary: ReasoningSummary::Auto,
        support_verbosity: false,
        default_verbosity: None,
        apply_patch_tool_type: None,
        web_search_tool_type: WebSearchToolType::Text,
        truncation_policy: TruncationPolicyConfig::bytes(10_000),
        supports_parallel_tool_calls: false,
        supports_image_detail_original: false,
        context_window: Some(272_000),
        max_context_window: Some(272_000),
        auto_compact_token_limit: None,
        effective_context_window_percent: 95,
        experimental_supported_tools: Vec::new(),
        input_modalities: default_input_modalities(),
        used_fallback_model_metadata: true,
        supports_search_tool: false,
    }
}
