//! The request the client sends for the reference's own inputs equals the
//! reference's captured request (`exec-requests.jsonl`, prose masked): same
//! body fields in the same order with the same values, and the same
//! headers in the same order. Only `user-agent` (built separately, see
//! `user_agent_keeps_the_reference_product_token`), `host` and `content-length`
//! are left out.

use pretty_assertions::assert_eq;
use recodex_client::{
    ClientMetadata, Reasoning, ResponsesRequest, TextControls, TurnContextHeaders,
};
use recodex_testkit::{MockReply, sse};
use serde_json::Value;

use crate::support::{client, server};

const GOLDEN: &str = include_str!("../fixtures/exec-requests.golden.jsonl");

fn field<T: serde::de::DeserializeOwned>(body: &Value, key: &str) -> T {
    match serde_json::from_value(body[key].clone()) {
        Ok(value) => value,
        Err(err) => panic!("field {key}: {err}"),
    }
}

/// Rebuilds the typed request from a captured body.
fn request_from(body: &Value) -> ResponsesRequest {
    let reasoning = body["reasoning"].as_object().map(|r| Reasoning {
        effort: r
            .get("effort")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        summary: r
            .get("summary")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
    });
    let text = body.get("text").map(|t| TextControls {
        verbosity: t
            .get("verbosity")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        format: None,
    });
    ResponsesRequest {
        model: field(body, "model"),
        instructions: field(body, "instructions"),
        input: field(body, "input"),
        tools: field(body, "tools"),
        tool_choice: field(body, "tool_choice"),
        parallel_tool_calls: field(body, "parallel_tool_calls"),
        reasoning,
        store: field(body, "store"),
        stream: field(body, "stream"),
        include: field(body, "include"),
        service_tier: None,
        prompt_cache_key: field(body, "prompt_cache_key"),
        text,
        client_metadata: ClientMetadata {
            installation_id: field(&body["client_metadata"], "x-codex-installation-id"),
        },
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Headers that are compared: everything but transport and identity.
fn comparable(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "host" | "content-length" | "user-agent"))
        .map(|(name, value)| {
            let value = if name == "authorization" {
                "Bearer <REDACTED>".to_owned()
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .collect()
}

#[tokio::test]
async fn requests_match_the_reference_capture() {
    for line in GOLDEN.lines() {
        let golden: Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(err) => panic!("fixture: {err}"),
        };
        let run = golden["run"].as_str().unwrap_or_default();
        let headers: Vec<(String, String)> = field(&golden, "headers");
        let body = &golden["body"];

        let server = server(vec![MockReply::sse(vec![sse::completed(
            "r",
            sse::default_usage(),
        )])])
        .await;
        let (client, _) = client(&server);
        let turn = TurnContextHeaders {
            originator: header(&headers, "originator").to_owned(),
            user_agent: "recodex/test".to_owned(),
            session_id: header(&headers, "session-id").to_owned(),
            thread_id: header(&headers, "thread-id").to_owned(),
            client_request_id: header(&headers, "x-client-request-id").to_owned(),
            window_id: header(&headers, "x-codex-window-id").to_owned(),
            turn_metadata: Some(header(&headers, "x-codex-turn-metadata").to_owned()),
            beta_features: Some(header(&headers, "x-codex-beta-features").to_owned()),
            subagent: None,
        };
        let request = request_from(body);
        let stream = client.stream(&request, &turn).await;
        assert!(stream.is_ok(), "{run}");
        drop(stream);

        let recorded = server.requests();
        assert_eq!(recorded.len(), 1, "{run}");
        let sent = &recorded[0];
        assert_eq!(sent.method, "POST");
        assert_eq!(sent.path, "/v1/responses");
        // Order-sensitive: serde_json keeps key order (preserve_order).
        let sent_body: Value = serde_json::from_slice(&sent.body).unwrap_or(Value::Null);
        assert_eq!(sent_body.to_string(), body.to_string(), "{run}: body");
        assert_eq!(
            comparable(&sent.headers),
            comparable(&headers),
            "{run}: headers"
        );
    }
}

#[test]
fn user_agent_keeps_the_reference_product_token() {
    // Captured from the reference (transcripts/exec-requests.jsonl):
    // "codex_exec/0.136.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.136.0)".
    let info = |product| recodex_client::UserAgentInfo {
        originator: "codex_exec".to_owned(),
        os_name: "Debian".to_owned(),
        os_version: "12.0.0".to_owned(),
        arch: "x86_64".to_owned(),
        terminal: "xterm".to_owned(),
        product,
    };
    // Invoked as `codex`: exactly the reference's.
    assert_eq!(
        recodex_client::user_agent(&info(recodex_client::Product::Reference)),
        "codex_exec/0.136.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.136.0)"
    );
    // Invoked as `recodex`: the last parenthesis says so.
    assert_eq!(
        recodex_client::user_agent(&info(recodex_client::Product::Recodex)),
        format!(
            "codex_exec/0.136.0 (Debian 12.0.0; x86_64) xterm (recodex; {})",
            env!("CARGO_PKG_VERSION")
        )
    );
    // An app-server client's own name and version.
    let client = recodex_client::Product::Client {
        name: "t".to_owned(),
        version: "1".to_owned(),
    };
    assert_eq!(
        recodex_client::user_agent(&info(client)),
        "codex_exec/0.136.0 (Debian 12.0.0; x86_64) xterm (t; 1)"
    );
}
