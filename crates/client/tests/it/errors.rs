//! Every error class, with the message the reference shows for it.

use pretty_assertions::assert_eq;
use recodex_client::ClientError;
use recodex_testkit::{MockReply, sse};

use crate::support::{client, client_for, mock_info, run, server};

/// Runs one request against `script` and returns the error's message.
async fn check(script: Vec<MockReply>, expected: &str) {
    let server = server(script).await;
    let (client, _) = client(&server);
    let (_, error) = run(&client).await;
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    let expected = expected.replace("{URL}", &format!("{}/responses", server.base_url()));
    assert_eq!(message, expected);
}

fn failed(code: &str, message: &str) -> Vec<MockReply> {
    vec![MockReply::sse(vec![
        sse::created("r"),
        sse::failed("r", code, message),
    ])]
}

#[tokio::test]
async fn http_statuses() {
    check(
        vec![MockReply::http(401, r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#)],
        "unexpected status 401 Unauthorized: Incorrect API key provided, url: {URL}",
    )
    .await;
    check(
        vec![MockReply::http(
            404,
            r#"{"error":{"message":"no such model"}}"#,
        )],
        "unexpected status 404 Not Found: no such model, url: {URL}",
    )
    .await;
    check(
        vec![MockReply::http(403, "<html>Cloudflare blocked you</html>")
            .header("cf-ray", "abc123")
            .header("x-request-id", "req_9")],
        "Access blocked by Cloudflare. This usually happens when connecting from a restricted region (status 403 Forbidden), url: {URL}, cf-ray: abc123, request id: req_9",
    )
    .await;
    let body = r#"{"error": {"message": "bad param", "type": "invalid_request_error", "param": "x", "code": null}}"#;
    check(vec![MockReply::http(400, body)], body).await;
    check(
        vec![MockReply::http(413, "too big plain text")],
        "unexpected status 413 Payload Too Large: too big plain text, url: {URL}",
    )
    .await;
}

#[tokio::test]
async fn rate_limits_usage_limits_and_overload() {
    check(
        vec![
            MockReply::http(429, r#"{"error":{"message":"slow"}}"#).header("x-request-id", "req_7"),
        ],
        "exceeded retry limit, last status: 429 Too Many Requests, request id: req_7",
    )
    .await;
    check(
        vec![MockReply::http(429, r#"{"error":{"type":"usage_limit_reached","message":"limit","plan_type":"plus","resets_at":null}}"#)],
        "You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again later.",
    )
    .await;
    check(
        vec![MockReply::http(
            429,
            r#"{"error":{"type":"usage_not_included","message":"nope"}}"#,
        )],
        "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
    )
    .await;
    let overloaded = r#"{"error":{"code":"server_is_overloaded","message":"busy"}}"#;
    check(
        vec![MockReply::http(503, overloaded); 3],
        "Selected model is at capacity. Please try a different model.",
    )
    .await;
    check(
        vec![MockReply::http(500, r#"{"error":{"message":"boom"}}"#); 3],
        "We're currently experiencing high demand, which may cause temporary errors.",
    )
    .await;
    check(
        vec![MockReply::http(502, ""); 3],
        "unexpected status 502 Bad Gateway: Unknown error, url: {URL}",
    )
    .await;
}

#[tokio::test]
async fn failed_and_incomplete_responses() {
    check(
        failed("context_length_exceeded", "too long"),
        "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
    )
    .await;
    check(
        failed("insufficient_quota", "no money"),
        "Quota exceeded. Check your plan and billing details.",
    )
    .await;
    check(
        failed("invalid_prompt", "Mock says the prompt is invalid."),
        "Mock says the prompt is invalid.",
    )
    .await;
    check(
        failed("cyber_policy", ""),
        "This request has been flagged for possible cybersecurity risk.",
    )
    .await;
    check(
        failed("weird", "something odd"),
        "stream disconnected before completion: something odd",
    )
    .await;
    check(
        vec![MockReply::sse(vec![sse::created("r"), sse::incomplete("r", "max_output_tokens")])],
        "stream disconnected before completion: Incomplete response returned, reason: max_output_tokens",
    )
    .await;
}

#[tokio::test]
async fn broken_streams() {
    let mut partial = vec![sse::created("r")];
    partial.extend(sse::message(0, "m", "partial"));
    check(
        vec![MockReply::sse(partial)],
        "stream disconnected before completion: stream closed before response.completed",
    )
    .await;
    check(
        vec![MockReply::raw(
            b"data: {\"type\":\"response.created\",\"response\":{}}\n\ndata: \xff\n\n".to_vec(),
        )],
        "stream disconnected before completion: invalid UTF-8 in event stream line 3",
    )
    .await;
    // The reference ignores `error` events; the stream then just ends.
    check(
        vec![MockReply::sse(vec![
            sse::created("r"),
            serde_json::json!({"type": "error", "code": "bad", "message": "sse error event"}),
        ])],
        "stream disconnected before completion: stream closed before response.completed",
    )
    .await;
    check(
        vec![MockReply::sse(vec![serde_json::json!({"type": "response.completed", "response": {"nope": 1}})])],
        "stream disconnected before completion: failed to parse ResponseCompleted: missing field `id`",
    )
    .await;
}

#[tokio::test]
async fn missing_env_key_is_reported_when_streaming() {
    let server = server(vec![]).await;
    let mut info = mock_info(&server);
    info.env_key = Some("NOPE_KEY".into());
    info.env_key_instructions = Some("Set NOPE_KEY please.".into());
    let (client, _) = client_for(&info);
    let (_, error) = run(&client).await;
    assert_eq!(
        error.map(|e| e.to_string()).unwrap_or_default(),
        "Missing environment variable: `NOPE_KEY`. Set NOPE_KEY please."
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn connection_refused_is_a_retryable_stream_error() {
    let server = server(vec![]).await;
    let mut info = mock_info(&server);
    // Port 9 (discard) is closed on loopback.
    info.base_url = Some("http://127.0.0.1:9/v1".into());
    let (client, sleeper) = client_for(&info);
    let (_, error) = run(&client).await;
    assert!(matches!(error, Some(ClientError::Stream { .. })));
    assert_eq!(
        error.map(|e| e.to_string()).unwrap_or_default(),
        "stream disconnected before completion: error sending request for url (http://127.0.0.1:9/v1/responses)"
    );
    assert_eq!(sleeper.sleeps().len(), 2);
}
