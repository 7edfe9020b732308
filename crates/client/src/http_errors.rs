//! Mapping a failed HTTP response to a [`ClientError`], as the reference
//! classifies statuses and bodies.

use recodex_protocol::usage::PlanType;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ClientError;
use crate::error::UnexpectedStatus;
use crate::error::UsageLimitReached;
use crate::events::CYBER_POLICY_FALLBACK_MESSAGE;
use crate::rate_limits::parse_promo_message;
use crate::rate_limits::parse_rate_limit_family;

const INVALID_IMAGE_MESSAGE: &str = "The image data you provided does not represent a valid image";
const EMPTY_IMAGE_MESSAGE: &str = "Expected a base64-encoded data URL with an image MIME type, but got empty base64-encoded bytes.";

/// A request that did not produce a stream.
#[derive(Debug)]
pub(crate) enum HttpFailure {
    /// A non-2xx status.
    Http {
        status: StatusCode,
        headers: HeaderMap,
        body: String,
    },
    /// No response at all (connect, TLS, I/O, timeout).
    Network(String),
}

#[derive(Debug, Deserialize)]
struct UsageErrorResponse {
    error: UsageErrorBody,
}

#[derive(Debug, Deserialize)]
struct UsageErrorBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    plan_type: Option<PlanType>,
    resets_at: Option<i64>,
}

impl HttpFailure {
    pub(crate) async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Self::Http {
            status,
            headers,
            body,
        }
    }

    /// 5xx statuses and network errors are retried; 4xx never are.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Self::Http { status, .. } => status.is_server_error(),
            Self::Network(_) => true,
        }
    }

    pub(crate) fn into_error(self, url: &str, now: i64, utc_offset_secs: i64) -> ClientError {
        let (status, headers, body) = match self {
            Self::Network(message) => return ClientError::stream(message),
            Self::Http {
                status,
                headers,
                body,
            } => (status, headers, body),
        };
        let parsed = serde_json::from_str::<Value>(&body).ok();
        let error_field = |field: &str| {
            parsed
                .as_ref()
                .and_then(|v| v.get("error"))
                .and_then(|e| e.get(field))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let code = error_field("code");
        if status == StatusCode::SERVICE_UNAVAILABLE
            && matches!(code.as_deref(), Some("server_is_overloaded" | "slow_down"))
        {
            return ClientError::ServerOverloaded;
        }
        if status == StatusCode::BAD_REQUEST {
            if code.as_deref() == Some("cyber_policy") {
                let message = error_field("message")
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or_else(|| CYBER_POLICY_FALLBACK_MESSAGE.to_owned());
                return ClientError::CyberPolicy { message };
            }
            let bad_image_param = code.as_deref() == Some("invalid_value")
                && error_field("param").is_some_and(|p| p.ends_with(".image_url"));
            if body.contains(INVALID_IMAGE_MESSAGE)
                || body.contains(EMPTY_IMAGE_MESSAGE)
                || bad_image_param
            {
                return ClientError::InvalidImageRequest;
            }
            return ClientError::InvalidRequest(body);
        }
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            return ClientError::InternalServerError;
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let request_id = header("x-request-id").or_else(|| header("x-oai-request-id"));
        if status == StatusCode::TOO_MANY_REQUESTS {
            if let Ok(usage) = serde_json::from_str::<UsageErrorResponse>(&body) {
                match usage.error.kind.as_deref() {
                    Some("usage_limit_reached") => {
                        let active = header("x-codex-active-limit");
                        let snapshot = parse_rate_limit_family(&headers, active.as_deref());
                        return ClientError::UsageLimitReached(Box::new(UsageLimitReached {
                            plan_type: usage.error.plan_type,
                            resets_at: usage.error.resets_at,
                            limit_name: snapshot.limit_name,
                            promo_message: parse_promo_message(&headers),
                            now,
                            utc_offset_secs,
                        }));
                    }
                    Some("usage_not_included") => return ClientError::UsageNotIncluded,
                    _ => {}
                }
            }
            return ClientError::RetryLimit {
                status,
                request_id: request_id.or_else(|| header("cf-ray")),
            };
        }
        ClientError::UnexpectedStatus(Box::new(UnexpectedStatus {
            status,
            body,
            url: Some(url.to_owned()),
            cf_ray: header("cf-ray"),
            request_id,
            auth_error: header("x-openai-authorization-error"),
            auth_error_code: header("x-error-json").and_then(|encoded| error_json_code(&encoded)),
        }))
    }
}

/// `error.code` of the base64-encoded JSON in `x-error-json`.
fn error_json_code(encoded: &str) -> Option<String> {
    let decoded = decode_base64(encoded.trim())?;
    let json: Value = serde_json::from_slice(&decoded).ok()?;
    json.get("error")?.get("code")?.as_str().map(str::to_owned)
}

/// Standard base64 with optional padding; `None` on any other byte.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter(|&b| b != b'=') {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}
