use pretty_assertions::assert_eq;
use recodex_protocol::usage::PlanType;

use super::*;

fn unexpected(status: u16, body: &str) -> UnexpectedStatus {
    UnexpectedStatus {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
        body: body.to_owned(),
        url: Some("http://127.0.0.1:1/v1/responses".to_owned()),
        cf_ray: None,
        request_id: None,
        auth_error: None,
        auth_error_code: None,
    }
}

#[test]
fn unexpected_status_shows_the_error_message_and_url() {
    assert_eq!(
        unexpected(401, r#"{"error":{"message":"Incorrect API key provided"}}"#).to_string(),
        "unexpected status 401 Unauthorized: Incorrect API key provided, url: http://127.0.0.1:1/v1/responses"
    );
    assert_eq!(
        unexpected(502, "  ").to_string(),
        "unexpected status 502 Bad Gateway: Unknown error, url: http://127.0.0.1:1/v1/responses"
    );
    let long = "x".repeat(1200);
    let shown = unexpected(404, &long).to_string();
    assert!(shown.contains(&format!("{}...", "x".repeat(1000))));
}

#[test]
fn cloudflare_block_and_details() {
    let mut err = unexpected(403, "<html>Cloudflare blocked you</html>");
    err.cf_ray = Some("abc".into());
    err.request_id = Some("req_9".into());
    assert_eq!(
        err.to_string(),
        "Access blocked by Cloudflare. This usually happens when connecting from a restricted region (status 403 Forbidden), url: http://127.0.0.1:1/v1/responses, cf-ray: abc, request id: req_9"
    );
}

#[test]
fn retry_limit_and_env_var_messages() {
    let err = ClientError::RetryLimit {
        status: StatusCode::TOO_MANY_REQUESTS,
        request_id: Some("req_7".into()),
    };
    assert_eq!(
        err.to_string(),
        "exceeded retry limit, last status: 429 Too Many Requests, request id: req_7"
    );
    let err = ClientError::MissingEnvVar {
        var: "NOPE_KEY".into(),
        instructions: Some("Set NOPE_KEY please.".into()),
    };
    assert_eq!(
        err.to_string(),
        "Missing environment variable: `NOPE_KEY`. Set NOPE_KEY please."
    );
}

fn limit(plan: Option<PlanType>, resets_at: Option<i64>) -> String {
    UsageLimitReached {
        plan_type: plan,
        resets_at,
        limit_name: None,
        promo_message: None,
        // 2026-01-02 10:00:00 UTC
        now: 1_767_348_000,
        utc_offset_secs: 0,
    }
    .to_string()
}

#[test]
fn usage_limit_messages() {
    assert_eq!(
        limit(Some(PlanType::Plus), None),
        "You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again later."
    );
    assert_eq!(
        limit(None, Some(1_767_348_000 + 5 * 3600 + 300)),
        "You've hit your usage limit. Try again at 3:05 PM."
    );
    assert_eq!(
        limit(Some(PlanType::Pro), Some(1_767_348_000 + 86_400)),
        "You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at Jan 3rd, 2026 10:00 AM."
    );
}

#[test]
fn retryable_classes() {
    assert!(ClientError::stream("x").is_retryable());
    assert!(ClientError::InternalServerError.is_retryable());
    assert!(ClientError::UnexpectedStatus(Box::new(unexpected(401, ""))).is_retryable());
    assert!(!ClientError::ContextWindowExceeded.is_retryable());
    assert!(!ClientError::InvalidRequest("x".into()).is_retryable());
    assert!(
        !ClientError::RetryLimit {
            status: StatusCode::TOO_MANY_REQUESTS,
            request_id: None
        }
        .is_retryable()
    );
}
