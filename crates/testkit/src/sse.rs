//! Builders for Responses API stream events, as the real API (and
//! `mockmodel.py`) sends them.

use serde_json::Value;
use serde_json::json;

/// Default usage of `response.completed`.
pub fn default_usage() -> Value {
    json!({
        "input_tokens": 100,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 10,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 110
    })
}

/// `response.created`.
pub fn created(response_id: &str) -> Value {
    json!({"type": "response.created", "response": {"id": response_id}})
}

/// `response.completed` with `usage`.
pub fn completed(response_id: &str, usage: Value) -> Value {
    json!({"type": "response.completed", "response": {"id": response_id, "status": "completed", "usage": usage}})
}

/// `response.failed` with an error code and message.
pub fn failed(response_id: &str, code: &str, message: &str) -> Value {
    json!({"type": "response.failed", "response": {"id": response_id, "status": "failed", "error": {"code": code, "message": message}}})
}

/// `response.incomplete` with a reason.
pub fn incomplete(response_id: &str, reason: &str) -> Value {
    json!({"type": "response.incomplete", "response": {"id": response_id, "status": "incomplete", "incomplete_details": {"reason": reason}}})
}

/// An assistant message: `output_item.added`, one text delta per word, and
/// `output_item.done`.
pub fn message(index: u32, item_id: &str, text: &str) -> Vec<Value> {
    let mut events = vec![
        json!({"type": "response.output_item.added", "output_index": index,
        "item": {"type": "message", "role": "assistant", "id": item_id, "content": []}}),
    ];
    for word in text.split_inclusive(' ') {
        events.push(
            json!({"type": "response.output_text.delta", "item_id": item_id,
            "output_index": index, "content_index": 0, "delta": word}),
        );
    }
    events.push(
        json!({"type": "response.output_item.done", "output_index": index,
        "item": {"type": "message", "role": "assistant", "id": item_id,
                 "content": [{"type": "output_text", "text": text, "annotations": []}]}}),
    );
    events
}

/// A function call: `output_item.added` (empty arguments), argument deltas,
/// `output_item.done`.
pub fn function_call(index: u32, call_id: &str, name: &str, arguments: &str) -> Vec<Value> {
    let item_id = format!("fc_{call_id}");
    let item = json!({"type": "function_call", "id": item_id, "call_id": call_id,
        "name": name, "arguments": arguments});
    let mut added = item.clone();
    added["arguments"] = json!("");
    vec![
        json!({"type": "response.output_item.added", "output_index": index, "item": added}),
        json!({"type": "response.function_call_arguments.delta", "item_id": item_id,
            "output_index": index, "delta": arguments}),
        json!({"type": "response.output_item.done", "output_index": index, "item": item}),
    ]
}

/// A custom tool call with one input delta.
pub fn custom_tool_call(index: u32, call_id: &str, name: &str, input: &str) -> Vec<Value> {
    let item_id = format!("ctc_{call_id}");
    let item = json!({"type": "custom_tool_call", "id": item_id, "call_id": call_id,
        "name": name, "input": input});
    let mut added = item.clone();
    added["input"] = json!("");
    vec![
        json!({"type": "response.output_item.added", "output_index": index, "item": added}),
        json!({"type": "response.custom_tool_call_input.delta", "item_id": item_id,
            "call_id": call_id, "output_index": index, "delta": input}),
        json!({"type": "response.output_item.done", "output_index": index, "item": item}),
    ]
}

/// A reasoning item with summary parts, raw content and encrypted state.
pub fn reasoning(index: u32, item_id: &str, summary: &[&str], content: &[&str]) -> Vec<Value> {
    let mut events = vec![
        json!({"type": "response.output_item.added", "output_index": index,
        "item": {"type": "reasoning", "id": item_id, "summary": []}}),
    ];
    for (i, text) in summary.iter().enumerate() {
        events.push(json!({"type": "response.reasoning_summary_part.added", "item_id": item_id,
            "output_index": index, "summary_index": i, "part": {"type": "summary_text", "text": ""}}));
        events.push(
            json!({"type": "response.reasoning_summary_text.delta", "item_id": item_id,
            "output_index": index, "summary_index": i, "delta": text}),
        );
    }
    for (i, text) in content.iter().enumerate() {
        events.push(
            json!({"type": "response.reasoning_text.delta", "item_id": item_id,
            "output_index": index, "content_index": i, "delta": text}),
        );
    }
    let summary: Vec<Value> = summary
        .iter()
        .map(|t| json!({"type": "summary_text", "text": t}))
        .collect();
    let content: Vec<Value> = content
        .iter()
        .map(|t| json!({"type": "reasoning_text", "text": t}))
        .collect();
    events.push(
        json!({"type": "response.output_item.done", "output_index": index,
        "item": {"type": "reasoning", "id": item_id, "summary": summary,
                 "content": content, "encrypted_content": "gAAAAENC"}}),
    );
    events
}

/// Serializes events as an SSE body (`event:` + `data:` + blank line).
pub fn body(events: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for event in events {
        let kind = event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("message");
        out.push_str(&format!("event: {kind}\ndata: {event}\n\n"));
    }
    out.into_bytes()
}
