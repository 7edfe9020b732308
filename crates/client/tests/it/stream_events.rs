//! Every event type the client decodes, through a real HTTP round trip,
//! whatever the chunking.

use pretty_assertions::assert_eq;
use recodex_client::ResponseEvent;
use recodex_protocol::models::{
    ContentItem, FunctionCallOutputPayload, ReasoningItemContent, ReasoningItemReasoningSummary,
    ResponseItem,
};
use recodex_protocol::usage::{RateLimitSnapshot, RateLimitWindow, TokenUsage};
use recodex_testkit::{Chunking, MockReply, sse};
use serde_json::Value;

use crate::support::{body_events, client, run, server};

fn script_events() -> Vec<Value> {
    let mut events = vec![sse::created("resp_1")];
    events.extend(sse::reasoning(0, "rs_1", &["Thinking"], &["raw"]));
    events.extend(sse::message(1, "msg_1", "Hello there"));
    events.extend(sse::function_call(
        2,
        "call_1",
        "exec_command",
        r#"{"cmd":"ls"}"#,
    ));
    events.extend(sse::custom_tool_call(
        3,
        "call_2",
        "apply_patch",
        "*** Begin Patch",
    ));
    events.push(serde_json::json!({"type": "response.in_progress"}));
    events.push(sse::completed("resp_1", sse::default_usage()));
    events
}

fn expected() -> Vec<ResponseEvent> {
    let reasoning_added = ResponseItem::Reasoning {
        id: "rs_1".into(),
        summary: vec![],
        content: None,
        encrypted_content: None,
    };
    let reasoning_done = ResponseItem::Reasoning {
        id: "rs_1".into(),
        summary: vec![ReasoningItemReasoningSummary::SummaryText {
            text: "Thinking".into(),
        }],
        content: Some(vec![ReasoningItemContent::ReasoningText {
            text: "raw".into(),
        }]),
        encrypted_content: Some("gAAAAENC".into()),
    };
    let message = |content: Vec<ContentItem>| ResponseItem::Message {
        id: Some("msg_1".into()),
        role: "assistant".into(),
        content,
        phase: None,
    };
    let call = |arguments: &str| ResponseItem::FunctionCall {
        id: Some("fc_call_1".into()),
        name: "exec_command".into(),
        namespace: None,
        arguments: arguments.into(),
        call_id: "call_1".into(),
    };
    let custom = |input: &str| ResponseItem::CustomToolCall {
        id: Some("ctc_call_2".into()),
        status: None,
        call_id: "call_2".into(),
        name: "apply_patch".into(),
        input: input.into(),
    };
    vec![
        ResponseEvent::Created,
        ResponseEvent::OutputItemAdded(reasoning_added),
        ResponseEvent::ReasoningSummaryPartAdded { summary_index: 0 },
        ResponseEvent::ReasoningSummaryDelta {
            delta: "Thinking".into(),
            summary_index: 0,
        },
        ResponseEvent::ReasoningContentDelta {
            delta: "raw".into(),
            content_index: 0,
        },
        ResponseEvent::OutputItemDone(reasoning_done),
        ResponseEvent::OutputItemAdded(message(vec![])),
        ResponseEvent::OutputTextDelta("Hello ".into()),
        ResponseEvent::OutputTextDelta("there".into()),
        ResponseEvent::OutputItemDone(message(vec![ContentItem::OutputText {
            text: "Hello there".into(),
        }])),
        ResponseEvent::OutputItemAdded(call("")),
        ResponseEvent::OutputItemDone(call(r#"{"cmd":"ls"}"#)),
        ResponseEvent::OutputItemAdded(custom("")),
        ResponseEvent::ToolCallInputDelta {
            item_id: "ctc_call_2".into(),
            call_id: Some("call_2".into()),
            delta: "*** Begin Patch".into(),
        },
        ResponseEvent::OutputItemDone(custom("*** Begin Patch")),
        ResponseEvent::Completed {
            response_id: "resp_1".into(),
            token_usage: Some(TokenUsage {
                input_tokens: 100,
                cached_input_tokens: 0,
                output_tokens: 10,
                reasoning_output_tokens: 0,
                total_tokens: 110,
            }),
            end_turn: None,
        },
    ]
}

#[tokio::test]
async fn every_event_type_in_order_whatever_the_chunking() {
    for chunking in [
        Chunking::Whole,
        Chunking::PerEvent,
        Chunking::Bytes(1),
        Chunking::Bytes(7),
        Chunking::Bytes(100),
    ] {
        let server = server(vec![MockReply::sse(script_events()).chunking(chunking)]).await;
        let (client, _) = client(&server);
        let (events, error) = run(&client).await;
        assert!(error.is_none(), "{chunking:?}: {error:?}");
        assert_eq!(body_events(events), expected(), "{chunking:?}");
    }
}

#[tokio::test]
async fn crlf_framing_and_comments_are_accepted() {
    let mut body = String::from(": keep-alive\r\n\r\n");
    for event in [sse::created("r"), sse::completed("r", sse::default_usage())] {
        body.push_str(&format!("event: x\r\ndata: {event}\r\n\r\n"));
    }
    let server = server(vec![MockReply::raw(body).chunking(Chunking::Bytes(3))]).await;
    let (client, _) = client(&server);
    let (events, error) = run(&client).await;
    assert!(error.is_none());
    assert_eq!(body_events(events).len(), 2);
}

#[tokio::test]
async fn rate_limit_headers_become_the_first_events() {
    let reply = MockReply::sse(vec![sse::completed("r", sse::default_usage())])
        .header("x-codex-primary-used-percent", "12.5")
        .header("x-codex-primary-window-minutes", "300")
        .header("x-codex-primary-reset-at", "1704069000")
        .header("x-codex-credits-has-credits", "true")
        .header("x-codex-credits-unlimited", "false")
        .header("openai-model", "gpt-5.1-codex-routed")
        .header("x-models-etag", "etag-1");
    let server = server(vec![reply]).await;
    let (client, _) = client(&server);
    let (events, _) = run(&client).await;
    let snapshot = RateLimitSnapshot {
        limit_id: Some("codex".into()),
        primary: Some(RateLimitWindow {
            used_percent: 12.5,
            window_minutes: Some(300),
            resets_at: Some(1_704_069_000),
        }),
        credits: Some(recodex_protocol::usage::CreditsSnapshot {
            has_credits: true,
            unlimited: false,
            balance: None,
        }),
        ..RateLimitSnapshot::default()
    };
    assert_eq!(
        events[..3],
        [
            ResponseEvent::ServerModel("gpt-5.1-codex-routed".into()),
            ResponseEvent::RateLimits(snapshot),
            ResponseEvent::ModelsEtag("etag-1".into()),
        ]
    );
}

#[tokio::test]
async fn no_rate_limit_headers_still_give_an_empty_codex_snapshot() {
    let server = server(vec![MockReply::sse(vec![sse::completed(
        "r",
        sse::default_usage(),
    )])])
    .await;
    let (client, _) = client(&server);
    let (events, _) = run(&client).await;
    assert_eq!(
        events[0],
        ResponseEvent::RateLimits(RateLimitSnapshot {
            limit_id: Some("codex".into()),
            ..RateLimitSnapshot::default()
        })
    );
}

#[test]
fn tool_outputs_serialize_like_the_reference() {
    let item = ResponseItem::FunctionCallOutput {
        call_id: "call_1".into(),
        output: FunctionCallOutputPayload::from_text("hi\n"),
    };
    assert_eq!(
        serde_json::to_string(&item).unwrap_or_default(),
        r#"{"type":"function_call_output","call_id":"call_1","output":"hi\n"}"#
    );
}
