use pretty_assertions::assert_eq;

use super::*;

/// Parses `input` (as the server or a rollout writes it) and checks that
/// writing it back gives `expected`, byte for byte.
fn check(input: &str, expected: &str) {
    let item: ResponseItem = match serde_json::from_str(input) {
        Ok(item) => item,
        Err(err) => panic!("cannot parse {input}: {err}"),
    };
    let written = serde_json::to_string(&item).unwrap_or_default();
    assert_eq!(written, expected);
}

#[test]
fn message_drops_id_and_annotations() {
    check(
        r#"{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"hi","annotations":[]}]}"#,
        r#"{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hi"}]}"#,
    );
    check(
        r#"{"type":"message","role":"assistant","phase":"commentary","content":[]}"#,
        r#"{"type":"message","role":"assistant","content":[],"phase":"commentary"}"#,
    );
}

#[test]
fn reasoning_content_rules_match_the_reference() {
    check(
        r#"{"type":"reasoning","id":"rs_1","summary":[]}"#,
        r#"{"type":"reasoning","summary":[],"content":null,"encrypted_content":null}"#,
    );
    check(
        r#"{"type":"reasoning","id":"rs","summary":[{"type":"summary_text","text":"s"}],"content":[{"type":"text","text":"t"}]}"#,
        r#"{"type":"reasoning","summary":[{"type":"summary_text","text":"s"}],"encrypted_content":null}"#,
    );
    check(
        r#"{"type":"reasoning","summary":[],"content":[{"type":"reasoning_text","text":"r"}],"encrypted_content":"E"}"#,
        r#"{"type":"reasoning","summary":[],"content":[{"type":"reasoning_text","text":"r"}],"encrypted_content":"E"}"#,
    );
}

#[test]
fn tool_calls_keep_the_reference_field_order() {
    check(
        r#"{"type":"function_call","id":"fc","call_id":"c1","name":"exec_command","arguments":"{}"}"#,
        r#"{"type":"function_call","name":"exec_command","arguments":"{}","call_id":"c1"}"#,
    );
    check(
        r#"{"type":"function_call","namespace":"ns","call_id":"c1","name":"x","arguments":"{}"}"#,
        r#"{"type":"function_call","name":"x","namespace":"ns","arguments":"{}","call_id":"c1"}"#,
    );
    check(
        r#"{"type":"custom_tool_call","id":"c","status":"completed","call_id":"c2","name":"apply_patch","input":"x"}"#,
        r#"{"type":"custom_tool_call","status":"completed","call_id":"c2","name":"apply_patch","input":"x"}"#,
    );
    check(
        r#"{"type":"local_shell_call","id":"l","call_id":"c3","status":"completed","action":{"type":"exec","command":["echo","x"],"timeout_ms":1000}}"#,
        r#"{"type":"local_shell_call","call_id":"c3","status":"completed","action":{"type":"exec","command":["echo","x"],"timeout_ms":1000,"working_directory":null,"env":null,"user":null}}"#,
    );
}

#[test]
fn outputs_are_strings_or_parts() {
    check(
        r#"{"type":"function_call_output","call_id":"c1","output":"done"}"#,
        r#"{"type":"function_call_output","call_id":"c1","output":"done"}"#,
    );
    check(
        r#"{"type":"custom_tool_call_output","call_id":"c2","output":[{"type":"input_text","text":"a"},{"type":"input_image","image_url":"data:x"}]}"#,
        r#"{"type":"custom_tool_call_output","call_id":"c2","output":[{"type":"input_text","text":"a"},{"type":"input_image","image_url":"data:x"}]}"#,
    );
}

#[test]
fn hosted_tools_and_unknown_items() {
    check(
        r#"{"type":"web_search_call","id":"ws","status":"completed","action":{"type":"search","query":"q","queries":["q"]}}"#,
        r#"{"type":"web_search_call","status":"completed","action":{"type":"search","query":"q","queries":["q"]}}"#,
    );
    check(
        r#"{"type":"web_search_call","id":"ws2"}"#,
        r#"{"type":"web_search_call"}"#,
    );
    check(
        r#"{"type":"image_generation_call","id":"ig","status":"completed","revised_prompt":"cat","result":"aGk="}"#,
        r#"{"type":"image_generation_call","id":"ig","status":"completed","revised_prompt":"cat","result":"aGk="}"#,
    );
    check(r#"{"type":"brand_new_item","x":1}"#, r#"{"type":"other"}"#);
    check(
        r#"{"type":"compaction_summary","encrypted_content":"e"}"#,
        r#"{"type":"compaction","encrypted_content":"e"}"#,
    );
}

#[test]
fn rollout_sample_items_round_trip() {
    let sample = include_str!("../tests/fixtures/rollout-sample.jsonl");
    let mut seen = 0;
    for line in sample.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            panic!("bad sample line");
        };
        if value["type"] != "response_item" {
            continue;
        }
        let payload = value["payload"].to_string();
        check(&payload, &payload);
        seen += 1;
    }
    assert_eq!(seen, 6);
}
