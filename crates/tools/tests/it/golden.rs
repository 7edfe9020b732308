//! Every `tests/golden/<variant>.json` holds the `tools` array the reference
//! (codex-cli 0.136.0) sent for six models under one configuration, with
//! descriptions replaced by `<TEXT>` and grammars by their SHA-256. We build
//! the same configuration, mask our output the same way (grammars compared
//! as `<GRAMMAR>`, since ours is our own text) and require equal JSON.
//! Regenerate the goldens with `scripts/capture-tool-goldens.py`.

use std::path::Path;

use pretty_assertions::assert_eq;
use recodex_config::Features;
use recodex_protocol::WebSearchMode;
use recodex_protocol::WebSearchToolConfig;
use recodex_tools::ApplyPatchToolType;
use recodex_tools::ModelToolFacts;
use recodex_tools::ShellToolType;
use recodex_tools::ToolSettings;
use recodex_tools::ToolsConfig;
use recodex_tools::WebSearchToolType;
use recodex_tools::build_tool_plan;
use serde_json::Value;

/// The catalog facts of each model, as `crates/client/src/models/catalog.rs` has them.
fn facts(model: &str) -> ModelToolFacts {
    let current = |web: WebSearchToolType, detail: bool| ModelToolFacts {
        shell_type: ShellToolType::ShellCommand,
        apply_patch_tool_type: Some(ApplyPatchToolType::Freeform),
        web_search_tool_type: web,
        supports_parallel_tool_calls: true,
        supports_search_tool: true,
        supports_image_detail_original: detail,
    };
    match model {
        "gpt-5.5" | "gpt-5.4" | "gpt-5.4-mini" => current(WebSearchToolType::TextAndImage, true),
        "gpt-5.3-codex" => current(WebSearchToolType::Text, true),
        "gpt-5.2" => current(WebSearchToolType::Text, false),
        _ => ModelToolFacts::fallback(),
    }
}

fn features(toggles: &Value) -> Features {
    let mut features = Features::with_defaults();
    for (key, on) in toggles.as_object().into_iter().flatten() {
        features.apply(key, on.as_bool().unwrap_or(false));
    }
    features
}

fn settings(value: &Value) -> ToolSettings {
    let web_search_mode = value["web_search"].as_str().map(|mode| match mode {
        "disabled" => WebSearchMode::Disabled,
        "live" => WebSearchMode::Live,
        _ => WebSearchMode::Cached,
    });
    let web_search_config: Option<WebSearchToolConfig> = value
        .get("web_search_config")
        .map(|c| serde_json::from_value(c.clone()).unwrap());
    ToolSettings {
        web_search_mode,
        web_search_config,
        danger_full_access: value["sandbox"] == "danger-full-access",
        allow_login_shell: value["allow_login_shell"].as_bool().unwrap_or(true),
        request_user_input: value["request_user_input"].as_bool().unwrap_or(true),
    }
}

/// Descriptions become `<TEXT>`, grammar definitions `<GRAMMAR>`.
fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &*v) {
                    ("description", Value::String(_)) => *v = Value::String("<TEXT>".into()),
                    ("definition", Value::String(_)) => *v = Value::String("<GRAMMAR>".into()),
                    _ => mask(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

fn check_variant(path: &Path) -> usize {
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let features = features(&golden["features"]);
    let settings = settings(&golden["settings"]);
    let mut checked = 0;
    for (model, expected) in golden["models"].as_object().unwrap() {
        let mut want = golden["tool_sets"][expected["tools"].as_str().unwrap()].clone();
        mask(&mut want);
        let config = ToolsConfig::new(&facts(model), &features, &settings);
        let plan = build_tool_plan(&config);
        let mut got = plan.to_json();
        mask(&mut got);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(got, want, "{name} / {model}");
        assert_eq!(
            Value::Bool(plan.parallel_tool_calls),
            expected["parallel_tool_calls"],
            "{name} / {model}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn tools_arrays_equal_the_reference() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let checked: usize = files.iter().map(|p| check_variant(p)).sum();
    assert!(files.len() >= 30, "golden files: {}", files.len());
    assert_eq!(checked, files.len() * 6);
}

#[test]
fn descriptions_are_our_own_and_present() {
    let config = ToolsConfig::new(
        &facts("gpt-5.5"),
        &Features::with_defaults(),
        &ToolSettings::default(),
    );
    let json = build_tool_plan(&config).to_json();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if let ("description", Value::String(text)) = (k.as_str(), v) {
                        out.push(text.clone());
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut descriptions = Vec::new();
    walk(&json, &mut descriptions);
    assert!(descriptions.len() > 40);
    let empty: Vec<_> = descriptions
        .iter()
        .filter(|d| d.trim().is_empty())
        .collect();
    assert!(empty.is_empty(), "{descriptions:#?}");
}
