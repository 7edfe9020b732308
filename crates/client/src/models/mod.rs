//! Model metadata: the catalog bundled with the binary, lookup of a slug's
//! metadata (with fallback for unknown slugs), and the `debug models` JSON.
//!
//! This module holds no network code; refreshing the catalog from `/models`
//! and caching it on disk are built on top of these types elsewhere. Main
//! items: [`ModelInfo`], [`bundled_catalog`], [`resolve_model_info`],
//! [`fallback_model_info`], [`debug_models_json`].

mod catalog;
mod types;

use std::sync::LazyLock;

use serde::Serialize;

pub use types::ApplyPatchToolType;
pub use types::ConfigShellToolType;
pub use types::InputModality;
pub use types::ModelAvailabilityNux;
pub use types::ModelInfo;
pub use types::ModelInfoUpgrade;
pub use types::ModelInstructionsVariables;
pub use types::ModelMessages;
pub use types::ModelServiceTier;
pub use types::ModelVisibility;
pub use types::ModelsResponse;
pub use types::PERSONALITY_PLACEHOLDER;
pub use types::Personality;
pub use types::ReasoningEffort;
pub use types::ReasoningEffortPreset;
pub use types::ReasoningSummary;
pub use types::TruncationMode;
pub use types::TruncationPolicyConfig;
pub use types::Verbosity;
pub use types::WebSearchToolType;
pub use types::default_input_modalities;

static BUNDLED: LazyLock<Vec<ModelInfo>> = LazyLock::new(catalog::build_bundled_catalog);

/// The catalog shipped with this binary, in catalog order (what
/// `debug models --bundled` prints).
pub fn bundled_catalog() -> &'static [ModelInfo] {
    &BUNDLED
}

/// The bundled entry whose slug equals `slug` exactly.
pub fn find_model(slug: &str) -> Option<&'static ModelInfo> {
    bundled_catalog().iter().find(|model| model.slug == slug)
}

/// Generic metadata for a slug no catalog entry matches: 272k context, byte
/// truncation, default shell tool, no reasoning controls. Marked with
/// `used_fallback_model_metadata`.
pub fn fallback_model_info(slug: &str) -> ModelInfo {
    catalog::build_fallback(slug)
}

/// The user-visible warning emitted when `slug` resolves to fallback
/// metadata.
pub fn fallback_metadata_warning(slug: &str) -> String {
    format!(
        "Model metadata for `{slug}` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."
    )
}

/// Metadata for `slug` among `candidates`.
///
/// The entry whose slug is the longest prefix of `slug` wins (so
/// `gpt-5.4-mini-2026` uses `gpt-5.4-mini`). Failing that, one leading
/// `namespace/` made of ASCII letters, digits, `_` or `-` is stripped and the
/// prefix match retried. The result carries the requested slug. When nothing
/// matches, [`fallback_model_info`] is returned.
pub fn resolve_model_info(slug: &str, candidates: &[ModelInfo]) -> ModelInfo {
    let found = longest_prefix_match(slug, candidates)
        .or_else(|| namespaced_suffix_match(slug, candidates));
    match found {
        Some(model) => ModelInfo {
            slug: slug.to_owned(),
            used_fallback_model_metadata: false,
            ..model.clone()
        },
        None => fallback_model_info(slug),
    }
}

fn longest_prefix_match<'a>(slug: &str, candidates: &'a [ModelInfo]) -> Option<&'a ModelInfo> {
    // On equal lengths the earlier entry wins, as in catalog order.
    candidates
        .iter()
        .filter(|candidate| slug.starts_with(candidate.slug.as_str()))
        .fold(None, |best: Option<&ModelInfo>, candidate| match best {
            Some(current) if current.slug.len() >= candidate.slug.len() => Some(current),
            _ => Some(candidate),
        })
}

fn namespaced_suffix_match<'a>(slug: &str, candidates: &'a [ModelInfo]) -> Option<&'a ModelInfo> {
    let (namespace, rest) = slug.split_once('/')?;
    let simple_namespace = !namespace.is_empty()
        && namespace
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !simple_namespace || rest.contains('/') {
        return None;
    }
    longest_prefix_match(rest, candidates)
}

#[derive(Serialize)]
struct ModelsView<'a> {
    models: &'a [ModelInfo],
}

/// The `debug models` output for `models`: compact JSON `{"models":[...]}`
/// followed by one newline.
pub fn debug_models_json(models: &[ModelInfo]) -> String {
    // Serializing these plain structs (string keys, no maps with non-string
    // keys, no failing custom impls) cannot fail.
    #[allow(clippy::expect_used)]
    let mut out =
        serde_json::to_string(&ModelsView { models }).expect("model metadata always serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests;
