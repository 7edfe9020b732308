//! Decoding Responses API stream payloads into [`ResponseEvent`]s.
//!
//! Handles exactly the event types the reference acts on; every other type
//! (`response.in_progress`, `response.content_part.*`, `error`,
//! `response.function_call_arguments.delta`, ...) is ignored, and so is a
//! payload that is not JSON, as the reference does. `response.failed` is
//! classified by `error.code` into the reference's error classes.

use std::time::Duration;

use recodex_protocol::models::ResponseItem;
use recodex_protocol::usage::RateLimitSnapshot;
use recodex_protocol::usage::TokenUsage;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ClientError;

/// Fallback text of a `cyber_policy` failure without a message.
pub const CYBER_POLICY_FALLBACK_MESSAGE: &str =
    "This request has been flagged for possible cybersecurity risk.";

/// One thing the model did, in stream order.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseEvent {
    /// `response.created`.
    Created,
    /// An output item started (`response.output_item.added`).
    OutputItemAdded(ResponseItem),
    /// An output item is complete (`response.output_item.done`).
    OutputItemDone(ResponseItem),
    /// Assistant text (`response.output_text.delta`).
    OutputTextDelta(String),
    /// Input of a custom tool call (`response.custom_tool_call_input.delta`).
    ToolCallInputDelta {
        /// The item (or, failing that, the call) the input belongs to.
        item_id: String,
        /// The call id, when sent.
        call_id: Option<String>,
        /// The text.
        delta: String,
    },
    /// Reasoning summary text (`response.reasoning_summary_text.delta`).
    ReasoningSummaryDelta {
        /// The text.
        delta: String,
        /// Which summary part.
        summary_index: i64,
    },
    /// A new reasoning summary part (`response.reasoning_summary_part.added`).
    ReasoningSummaryPartAdded {
        /// Which summary part.
        summary_index: i64,
    },
    /// Raw reasoning text (`response.reasoning_text.delta`).
    ReasoningContentDelta {
        /// The text.
        delta: String,
        /// Which content part.
        content_index: i64,
    },
    /// The response finished (`response.completed`); the stream ends here.
    Completed {
        /// Response id.
        response_id: String,
        /// Usage, when reported.
        token_usage: Option<TokenUsage>,
        /// Whether the model ended its turn, when reported.
        end_turn: Option<bool>,
    },
    /// Rate limits from the response headers.
    RateLimits(RateLimitSnapshot),
    /// `x-models-etag` response header.
    ModelsEtag(String),
    /// `openai-model` response header: the model that actually answered.
    ServerModel(String),
    /// `x-reasoning-included` response header was present.
    ServerReasoningIncluded(bool),
}

#[derive(Debug, Deserialize)]
struct StreamEvent {
    #[serde(rename = "type")]
    kind: String,
    response: Option<Value>,
    item: Option<Value>,
    item_id: Option<String>,
    call_id: Option<String>,
    delta: Option<String>,
    summary_index: Option<i64>,
    content_index: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct FailureDetails {
    code: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ResponseCompleted {
    id: String,
    #[serde(default)]
    usage: Option<ResponseCompletedUsage>,
    #[serde(default)]
    end_turn: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct ResponseCompletedUsage {
    input_tokens: i64,
    input_tokens_details: Option<ResponseCompletedInputTokensDetails>,
    output_tokens: i64,
    output_tokens_details: Option<ResponseCompletedOutputTokensDetails>,
    total_tokens: i64,
}

#[derive(Debug, Deserialize)]
struct ResponseCompletedInputTokensDetails {
    cached_tokens: i64,
}

#[derive(Debug, Deserialize)]
struct ResponseCompletedOutputTokensDetails {
    reasoning_tokens: i64,
}

impl From<ResponseCompletedUsage> for TokenUsage {
    fn from(usage: ResponseCompletedUsage) -> Self {
        Self {
            input_tokens: usage.input_tokens,
            cached_input_tokens: usage.input_tokens_details.map_or(0, |d| d.cached_tokens),
            output_tokens: usage.output_tokens,
            reasoning_output_tokens: usage
                .output_tokens_details
                .map_or(0, |d| d.reasoning_tokens),
            total_tokens: usage.total_tokens,
        }
    }
}

/// Decodes one `data:` payload. `Ok(None)` means "nothing to report";
/// `Err` ends the stream with that error.
pub fn decode_event(payload: &str) -> Result<Option<ResponseEvent>, ClientError> {
    let Ok(event) = serde_json::from_str::<StreamEvent>(payload) else {
        return Ok(None);
    };
    let parse_item = |item: Option<Value>| item.and_then(|v| serde_json::from_value(v).ok());
    let decoded = match event.kind.as_str() {
        "response.created" => event.response.map(|_| ResponseEvent::Created),
        "response.output_item.added" => parse_item(event.item).map(ResponseEvent::OutputItemAdded),
        "response.output_item.done" => parse_item(event.item).map(ResponseEvent::OutputItemDone),
        "response.output_text.delta" => event.delta.map(ResponseEvent::OutputTextDelta),
        "response.custom_tool_call_input.delta" => {
            let item_id = event.item_id.or_else(|| event.call_id.clone());
            match (event.delta, item_id) {
                (Some(delta), Some(item_id)) => Some(ResponseEvent::ToolCallInputDelta {
                    item_id,
                    call_id: event.call_id,
                    delta,
                }),
                _ => None,
            }
        }
        "response.reasoning_summary_text.delta" => match (event.delta, event.summary_index) {
            (Some(delta), Some(summary_index)) => Some(ResponseEvent::ReasoningSummaryDelta {
                delta,
                summary_index,
            }),
            _ => None,
        },
        "response.reasoning_summary_part.added" => event
            .summary_index
            .map(|summary_index| ResponseEvent::ReasoningSummaryPartAdded { summary_index }),
        "response.reasoning_text.delta" => match (event.delta, event.content_index) {
            (Some(delta), Some(content_index)) => Some(ResponseEvent::ReasoningContentDelta {
                delta,
                content_index,
            }),
            _ => None,
        },
        "response.completed" => match event.response {
            Some(response) => Some(completed(response)?),
            None => None,
        },
        "response.failed" => return Err(failed(event.response)),
        "response.incomplete" => {
            let reason = event
                .response
                .as_ref()
                .and_then(|r| r.get("incomplete_details"))
                .and_then(|d| d.get("reason"))
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            return Err(ClientError::stream(format!(
                "Incomplete response returned, reason: {reason}"
            )));
        }
        _ => None,
    };
    Ok(decoded)
}

fn completed(response: Value) -> Result<ResponseEvent, ClientError> {
    let response: ResponseCompleted = serde_json::from_value(response)
        .map_err(|err| ClientError::stream(format!("failed to parse ResponseCompleted: {err}")))?;
    Ok(ResponseEvent::Completed {
        response_id: response.id,
        token_usage: response.usage.map(Into::into),
        end_turn: response.end_turn,
    })
}

/// Classifies a `response.failed` payload.
fn failed(response: Option<Value>) -> ClientError {
    let generic = || ClientError::stream("response.failed event received");
    let Some(details) = response
        .as_ref()
        .and_then(|r| r.get("error"))
        .and_then(|e| serde_json::from_value::<FailureDetails>(e.clone()).ok())
    else {
        return generic();
    };
    match details.code.as_deref() {
        Some("context_length_exceeded") => ClientError::ContextWindowExceeded,
        Some("insufficient_quota") => ClientError::QuotaExceeded,
        Some("usage_not_included") => ClientError::UsageNotIncluded,
        Some("cyber_policy") => ClientError::CyberPolicy {
            message: details
                .message
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| CYBER_POLICY_FALLBACK_MESSAGE.to_owned()),
        },
        Some("invalid_prompt" | "bio_policy") => ClientError::InvalidRequest(
            details
                .message
                .unwrap_or_else(|| "Invalid request.".to_owned()),
        ),
        Some("server_is_overloaded" | "slow_down") => ClientError::ServerOverloaded,
        code => {
            let retry_after = (code == Some("rate_limit_exceeded"))
                .then(|| details.message.as_deref().and_then(parse_try_again_in))
                .flatten();
            ClientError::Stream {
                message: details.message.unwrap_or_default(),
                retry_after,
            }
        }
    }
}

/// Reads the delay out of "... try again in 1.5s" / "in 28ms" / "in 35
/// seconds" (case-insensitive), as the reference does.
pub fn parse_try_again_in(message: &str) -> Option<Duration> {
    let lower = message.to_ascii_lowercase();
    let start = lower.find("try again in")? + "try again in".len();
    let rest = lower[start..].trim_start();
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, unit) = rest.split_at(number_len);
    // The number is digits with at most one fractional part.
    let mut parts = number.splitn(2, '.');
    let whole = parts.next().filter(|w| !w.is_empty())?;
    if parts
        .next()
        .is_some_and(|f| f.is_empty() || f.contains('.'))
    {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let unit = unit.trim_start();
    if unit.starts_with("ms") {
        Some(Duration::from_millis(value as u64))
    } else if unit.starts_with('s') {
        Duration::try_from_secs_f64(value).ok()
    } else {
        None
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
