//! `debug models` output against the reference capture, with prose masked.

use pretty_assertions::assert_eq;
use recodex_client::models::bundled_catalog;
use recodex_client::models::debug_models_json;
use serde_json::Value;

/// The reference output with prose replaced by `<TEXT len=N>` placeholders.
const REFERENCE: &str = include_str!("../fixtures/debug-models.redacted.json");

/// Keys whose string values are prose: written in our own words, so only
/// their presence and emptiness are compared.
const PROSE_KEYS: &[&str] = &[
    "description",
    "message",
    "migration_markdown",
    "base_instructions",
    "instructions_template",
    "personality_default",
    "personality_friendly",
    "personality_pragmatic",
];

fn mask_prose(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(text) if PROSE_KEYS.contains(&key.as_str()) => {
                        if !text.is_empty() {
                            *text = "<PROSE>".to_owned();
                        }
                    }
                    _ => mask_prose(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_prose),
        _ => {}
    }
}

/// Parses, masks prose and re-serializes; `preserve_order` keeps key order,
/// so comparing the strings also compares key order.
fn masked(json: &str) -> String {
    let mut value: Value = match serde_json::from_str(json) {
        Ok(value) => value,
        Err(err) => panic!("invalid JSON: {err}"),
    };
    mask_prose(&mut value);
    match serde_json::to_string_pretty(&value) {
        Ok(text) => text,
        Err(err) => panic!("cannot serialize: {err}"),
    }
}

fn check(ours: &str, reference: &str) {
    let reference = masked(reference);
    assert!(
        !reference.contains("<TEXT len="),
        "a redacted reference field is missing from PROSE_KEYS"
    );
    assert_eq!(masked(ours), reference);
}

#[test]
fn bundled_catalog_matches_reference_modulo_prose() {
    check(&debug_models_json(bundled_catalog()), REFERENCE);
}

#[test]
fn output_framing_matches_reference() {
    let ours = debug_models_json(bundled_catalog());
    // Compact JSON on one line, terminated by exactly one newline.
    assert!(REFERENCE.ends_with("}]}\n"));
    assert_eq!(REFERENCE.matches('\n').count(), 1);
    assert!(ours.ends_with("}]}\n"));
    assert_eq!(ours.matches('\n').count(), 1);
    assert!(ours.starts_with("{\"models\":[{\"slug\":"));
}
