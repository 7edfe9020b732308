use std::time::Duration;

use pretty_assertions::assert_eq;
use recodex_protocol::models::ContentItem;
use serde_json::json;

use super::*;

fn decode(value: serde_json::Value) -> Result<Option<ResponseEvent>, String> {
    decode_event(&value.to_string()).map_err(|err| err.to_string())
}

#[test]
fn deltas_and_items() {
    assert_eq!(
        decode(json!({"type":"response.created","response":{"id":"r"}})),
        Ok(Some(ResponseEvent::Created))
    );
    assert_eq!(
        decode(json!({"type":"response.output_text.delta","delta":"Hi"})),
        Ok(Some(ResponseEvent::OutputTextDelta("Hi".into())))
    );
    assert_eq!(
        decode(
            json!({"type":"response.output_item.done","item":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"x"}]}})
        ),
        Ok(Some(ResponseEvent::OutputItemDone(ResponseItem::Message {
            id: None,
            role: "assistant".into(),
            content: vec![ContentItem::OutputText { text: "x".into() }],
            phase: None,
        })))
    );
    assert_eq!(
        decode(json!({"type":"response.custom_tool_call_input.delta","call_id":"c","delta":"*"})),
        Ok(Some(ResponseEvent::ToolCallInputDelta {
            item_id: "c".into(),
            call_id: Some("c".into()),
            delta: "*".into()
        }))
    );
    assert_eq!(
        decode(
            json!({"type":"response.reasoning_summary_text.delta","delta":"t","summary_index":1})
        ),
        Ok(Some(ResponseEvent::ReasoningSummaryDelta {
            delta: "t".into(),
            summary_index: 1
        }))
    );
    assert_eq!(
        decode(json!({"type":"response.reasoning_text.delta","delta":"r","content_index":0})),
        Ok(Some(ResponseEvent::ReasoningContentDelta {
            delta: "r".into(),
            content_index: 0
        }))
    );
}

#[test]
fn ignored_payloads() {
    for value in [
        json!({"type":"response.in_progress"}),
        json!({"type":"error","message":"x"}),
        json!({"type":"response.function_call_arguments.delta","delta":"{"}),
        json!({"type":"response.output_item.done","item":{"type":"message"}}),
        json!({"type":"response.reasoning_summary_text.delta","delta":"no index"}),
        json!({"no_type": true}),
    ] {
        assert_eq!(decode(value), Ok(None));
    }
    assert_eq!(
        decode_event("not json").map_err(|e| e.to_string()),
        Ok(None)
    );
}

#[test]
fn completed_carries_usage() {
    let usage = json!({"input_tokens":10,"input_tokens_details":{"cached_tokens":4},
        "output_tokens":5,"output_tokens_details":{"reasoning_tokens":2},"total_tokens":15});
    assert_eq!(
        decode(json!({"type":"response.completed","response":{"id":"r1","usage":usage}})),
        Ok(Some(ResponseEvent::Completed {
            response_id: "r1".into(),
            token_usage: Some(TokenUsage {
                input_tokens: 10,
                cached_input_tokens: 4,
                output_tokens: 5,
                reasoning_output_tokens: 2,
                total_tokens: 15,
            }),
            end_turn: None,
        }))
    );
    assert_eq!(
        decode(json!({"type":"response.completed","response":{"nope":1}})),
        Err("stream disconnected before completion: failed to parse ResponseCompleted: missing field `id`".into())
    );
}

fn failed(code: &str, message: &str) -> String {
    let value =
        json!({"type":"response.failed","response":{"error":{"code":code,"message":message}}});
    match decode(value) {
        Err(message) => message,
        Ok(other) => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn failure_classes_use_the_reference_texts() {
    assert_eq!(
        failed("context_length_exceeded", "x"),
        "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying."
    );
    assert_eq!(
        failed("insufficient_quota", "x"),
        "Quota exceeded. Check your plan and billing details."
    );
    assert_eq!(
        failed("usage_not_included", "x"),
        "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus."
    );
    assert_eq!(failed("cyber_policy", ""), CYBER_POLICY_FALLBACK_MESSAGE);
    assert_eq!(failed("invalid_prompt", "Bad prompt."), "Bad prompt.");
    assert_eq!(
        failed("slow_down", "x"),
        "Selected model is at capacity. Please try a different model."
    );
    assert_eq!(
        failed("weird", "something odd"),
        "stream disconnected before completion: something odd"
    );
    assert_eq!(
        decode(json!({"type":"response.failed"})),
        Err("stream disconnected before completion: response.failed event received".into())
    );
    assert_eq!(
        decode(json!({"type":"response.incomplete","response":{"incomplete_details":{"reason":"max_output_tokens"}}})),
        Err("stream disconnected before completion: Incomplete response returned, reason: max_output_tokens".into())
    );
}

#[test]
fn rate_limit_failures_carry_the_requested_delay() {
    let value = json!({"type":"response.failed","response":{"error":{"code":"rate_limit_exceeded","message":"Please try again in 1.5s."}}});
    let err = decode_event(&value.to_string()).err();
    assert_eq!(
        err.and_then(|e| e.retry_after()),
        Some(Duration::from_millis(1500))
    );
}

#[test]
fn try_again_in_units() {
    let cases = [
        ("Please try again in 28ms.", Some(Duration::from_millis(28))),
        (
            "Please try again in 1.898s.",
            Some(Duration::from_secs_f64(1.898)),
        ),
        ("Try again in 35 seconds.", Some(Duration::from_secs(35))),
        ("TRY AGAIN IN 2 S", Some(Duration::from_secs(2))),
        ("try again in 5 minutes", None),
        ("try again in 1.s", None),
        ("try again later", None),
    ];
    for (message, expected) in cases {
        assert_eq!(parse_try_again_in(message), expected, "{message}");
    }
}
