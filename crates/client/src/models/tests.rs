use pretty_assertions::assert_eq;

use super::*;

#[test]
fn bundled_catalog_order_and_priorities() {
    let slugs: Vec<(&str, i32)> = bundled_catalog()
        .iter()
        .map(|model| (model.slug.as_str(), model.priority))
        .collect();
    assert_eq!(
        slugs,
        vec![
            ("gpt-5.5", 0),
            ("gpt-5.4", 2),
            ("gpt-5.4-mini", 4),
            ("gpt-5.3-codex", 6),
            ("gpt-5.2", 10),
            ("codex-auto-review", 29),
        ]
    );
}

#[test]
fn find_model_is_exact() {
    let model = find_model("gpt-5.4").map(|model| model.display_name.as_str());
    assert_eq!(model, Some("gpt-5.4"));
    assert!(find_model("gpt-5.4-foo").is_none());
    assert!(find_model("GPT-5.4").is_none());
    assert_eq!(
        find_model("codex-auto-review").map(|model| model.visibility),
        Some(ModelVisibility::Hide)
    );
}

#[test]
fn resolve_prefers_longest_prefix() {
    let model = resolve_model_info("gpt-5.4-mini-2026", bundled_catalog());
    assert!(!model.used_fallback_model_metadata);
    assert_eq!(model.slug, "gpt-5.4-mini-2026");
    assert_eq!(model.display_name, "GPT-5.4-Mini");

    let model = resolve_model_info("gpt-5.2-codex", bundled_catalog());
    assert_eq!(model.display_name, "gpt-5.2");
}

#[test]
fn resolve_strips_simple_namespace() {
    let model = resolve_model_info("openai/gpt-5.3-codex", bundled_catalog());
    assert!(!model.used_fallback_model_metadata);
    assert_eq!(model.slug, "openai/gpt-5.3-codex");
    assert_eq!(model.display_name, "gpt-5.3-codex");

    for slug in ["a.b/gpt-5.4", "/gpt-5.4", "x/y/gpt-5.4"] {
        assert!(
            resolve_model_info(slug, bundled_catalog()).used_fallback_model_metadata,
            "{slug}"
        );
    }
}

#[test]
fn unknown_slug_gets_fallback() {
    let model = resolve_model_info("gpt-5.1-codex", bundled_catalog());
    assert_eq!(model, fallback_model_info("gpt-5.1-codex"));
    assert!(model.used_fallback_model_metadata);
    assert_eq!(model.display_name, "gpt-5.1-codex");
    assert_eq!(model.description, None);
    assert_eq!(model.shell_type, ConfigShellToolType::Default);
    assert_eq!(model.visibility, ModelVisibility::None);
    assert_eq!(model.priority, 99);
    assert_eq!(model.context_window, Some(272_000));
    assert_eq!(model.max_context_window, Some(272_000));
    assert_eq!(
        model.truncation_policy,
        TruncationPolicyConfig::bytes(10_000)
    );
    assert_eq!(model.default_reasoning_summary, ReasoningSummary::Auto);
    assert_eq!(model.web_search_tool_type, WebSearchToolType::Text);
    assert_eq!(model.apply_patch_tool_type, None);
    assert!(!model.supports_parallel_tool_calls);
    assert!(!model.supports_reasoning_summaries);
    assert!(!model.supports_search_tool);
    assert!(model.model_messages.is_none());
    assert_eq!(model.auto_compact_token_limit(), Some(244_800));
}

#[test]
fn fallback_personality_slugs_get_template() {
    let model = fallback_model_info("exp-codex-personality");
    assert!(model.supports_personality());
    let friendly = model.instructions_for(Personality::Friendly);
    assert!(!friendly.contains(PERSONALITY_PLACEHOLDER));
    assert!(friendly.ends_with(&model.base_instructions));
}

#[test]
fn fallback_warning_text() {
    assert_eq!(
        fallback_metadata_warning("gpt-5.1-codex"),
        "Model metadata for `gpt-5.1-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."
    );
}

#[test]
fn base_instructions_bake_in_default_personality() {
    for model in bundled_catalog() {
        let Some(messages) = &model.model_messages else {
            assert_eq!(model.slug, "gpt-5.2");
            continue;
        };
        assert!(model.supports_personality(), "{}", model.slug);
        let vars = messages.instructions_variables.as_ref();
        assert_eq!(
            vars.and_then(|vars| vars.personality_default.as_deref()),
            Some("")
        );
        let baked = if model.slug == "gpt-5.5" {
            Personality::Friendly
        } else {
            Personality::Pragmatic
        };
        let text = vars
            .and_then(|vars| vars.personality_text(baked))
            .unwrap_or_default();
        let template = messages
            .instructions_template
            .as_deref()
            .unwrap_or_default();
        assert_eq!(
            model.base_instructions,
            template.replace(PERSONALITY_PLACEHOLDER, text.trim_end()),
            "{}",
            model.slug
        );
        assert!(model.base_instructions.ends_with('\n'));
    }
}

#[test]
fn gpt_5_2_has_no_personality_template() {
    let model = find_model("gpt-5.2");
    assert!(model.is_some_and(|model| !model.supports_personality()));
    assert!(model.is_some_and(|model| {
        model.instructions_for(Personality::Pragmatic) == model.base_instructions
    }));
}

#[test]
fn debug_json_is_compact_with_one_trailing_newline() {
    let out = debug_models_json(bundled_catalog());
    assert!(out.starts_with("{\"models\":[{\"slug\":\"gpt-5.5\",\"display_name\":\"GPT-5.5\","));
    assert!(out.ends_with("}]}\n"));
    assert_eq!(out.matches('\n').count(), 1);
}

#[test]
fn model_info_round_trips() {
    let out = debug_models_json(bundled_catalog());
    let parsed: Result<ModelsResponse, _> = serde_json::from_str(&out);
    let parsed = parsed.map(|response| response.models);
    assert_eq!(parsed.ok().as_deref(), Some(bundled_catalog()));
}
