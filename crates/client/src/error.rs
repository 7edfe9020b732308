//! Errors of the model client, with the reference's user-visible texts.
//!
//! The `Display` of each variant is what the front ends print (`error`
//! events, `turn.failed`), so the wording is the reference's, word for word.
//! [`ClientError::is_retryable`] tells the turn loop whether a failed sampling
//! request may be tried again (`stream_max_retries`).

use std::time::Duration;

use reqwest::StatusCode;

/// Largest body excerpt shown in an `unexpected status` message.
const BODY_EXCERPT_MAX_BYTES: usize = 1000;

const CLOUDFLARE_BLOCKED_MESSAGE: &str =
    "Access blocked by Cloudflare. This usually happens when connecting from a restricted region";

/// Everything that can go wrong while asking the model for a response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// The stream broke, timed out or ended early, or the server failed the
    /// response with a retryable error. `retry_after` is a delay the server
    /// asked for ("try again in 1.5s").
    #[error("stream disconnected before completion: {message}")]
    Stream {
        /// What happened.
        message: String,
        /// Delay requested by the server, if any.
        retry_after: Option<Duration>,
    },
    /// The prompt does not fit the model's context window.
    #[error(
        "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying."
    )]
    ContextWindowExceeded,
    /// The API account has no quota left.
    #[error("Quota exceeded. Check your plan and billing details.")]
    QuotaExceeded,
    /// The ChatGPT plan does not include Codex.
    #[error(
        "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus."
    )]
    UsageNotIncluded,
    /// The model is overloaded.
    #[error("Selected model is at capacity. Please try a different model.")]
    ServerOverloaded,
    /// The request was flagged by the cyber-security policy.
    #[error("{message}")]
    CyberPolicy {
        /// The server's message, or the reference's fallback text.
        message: String,
    },
    /// The server rejected the request (HTTP 400, or an invalid prompt).
    #[error("{0}")]
    InvalidRequest(String),
    /// The server rejected an image.
    #[error("Image poisoning")]
    InvalidImageRequest,
    /// HTTP 500 after the request retries.
    #[error("We're currently experiencing high demand, which may cause temporary errors.")]
    InternalServerError,
    /// HTTP 429 that is not a usage limit; never retried.
    #[error("exceeded retry limit, last status: {status}{}", request_id_suffix(.request_id))]
    RetryLimit {
        /// The last status.
        status: StatusCode,
        /// `x-request-id` (or `cf-ray`) of the last response.
        request_id: Option<String>,
    },
    /// A ChatGPT usage limit was reached.
    #[error("{0}")]
    UsageLimitReached(Box<UsageLimitReached>),
    /// Any other HTTP status.
    #[error("{0}")]
    UnexpectedStatus(Box<UnexpectedStatus>),
    /// The provider's `env_key` variable is unset or blank.
    #[error("Missing environment variable: `{var}`.{}", instructions_suffix(.instructions))]
    MissingEnvVar {
        /// The variable.
        var: String,
        /// `env_key_instructions`, if configured.
        instructions: Option<String>,
    },
    /// The request could not be built (bad header value, bad URL, ...).
    #[error("{0}")]
    Build(String),
}

fn request_id_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_ref()
        .map(|id| format!(", request id: {id}"))
        .unwrap_or_default()
}

fn instructions_suffix(instructions: &Option<String>) -> String {
    instructions
        .as_ref()
        .map(|text| format!(" {text}"))
        .unwrap_or_default()
}

impl ClientError {
    /// A stream error without a requested delay.
    pub fn stream(message: impl Into<String>) -> Self {
        Self::Stream {
            message: message.into(),
            retry_after: None,
        }
    }

    /// Whether the turn loop may send the request again (up to the
    /// provider's `stream_max_retries`), as the reference decides.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Stream { .. } | Self::UnexpectedStatus(_) | Self::InternalServerError
        )
    }

    /// The delay the server asked for before a retry, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Stream { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status behind the error, when there is one.
    pub fn http_status(&self) -> Option<StatusCode> {
        match self {
            Self::RetryLimit { status, .. } => Some(*status),
            Self::UnexpectedStatus(err) => Some(err.status),
            _ => None,
        }
    }
}

/// An HTTP status the client has no special handling for.
#[derive(Debug, Clone)]
pub struct UnexpectedStatus {
    /// The status.
    pub status: StatusCode,
    /// The response body.
    pub body: String,
    /// The request URL (with query string, not percent-encoded).
    pub url: Option<String>,
    /// `cf-ray` header.
    pub cf_ray: Option<String>,
    /// `x-request-id` (or `x-oai-request-id`) header.
    pub request_id: Option<String>,
    /// `x-openai-authorization-error` header.
    pub auth_error: Option<String>,
    /// `error.code` of the base64 JSON in `x-error-json`.
    pub auth_error_code: Option<String>,
}

impl UnexpectedStatus {
    /// The body as shown: `error.message` of a JSON body, else the trimmed
    /// body cut at 1000 bytes, else `Unknown error`.
    fn display_body(&self) -> String {
        let message = serde_json::from_str::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|json| {
                json.get("error")
                    .and_then(|error| error.get("message"))
                    .and_then(serde_json::Value::as_str)
                    .map(|message| message.trim().to_owned())
            })
            .filter(|message| !message.is_empty());
        if let Some(message) = message {
            return message;
        }
        let body = self.body.trim();
        if body.is_empty() {
            return "Unknown error".to_owned();
        }
        if body.len() <= BODY_EXCERPT_MAX_BYTES {
            return body.to_owned();
        }
        let mut cut = BODY_EXCERPT_MAX_BYTES;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &body[..cut])
    }

    fn is_cloudflare_block(&self) -> bool {
        self.status == StatusCode::FORBIDDEN
            && self.body.contains("Cloudflare")
            && self.body.contains("blocked")
    }
}

impl std::fmt::Display for UnexpectedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_cloudflare_block() {
            write!(f, "{CLOUDFLARE_BLOCKED_MESSAGE} (status {})", self.status)?;
        } else {
            write!(
                f,
                "unexpected status {}: {}",
                self.status,
                self.display_body()
            )?;
        }
        let details = [
            ("url", &self.url),
            ("cf-ray", &self.cf_ray),
            ("request id", &self.request_id),
            ("auth error", &self.auth_error),
            ("auth error code", &self.auth_error_code),
        ];
        for (label, value) in details {
            if let Some(value) = value {
                write!(f, ", {label}: {value}")?;
            }
        }
        Ok(())
    }
}

/// A ChatGPT usage limit (HTTP 429 with `error.type = usage_limit_reached`).
///
/// The reset time is shown in local time; the caller supplies "now" and the
/// local UTC offset so that formatting needs no clock or time zone database.
#[derive(Debug, Clone)]
pub struct UsageLimitReached {
    /// The account's plan, when the server said.
    pub plan_type: Option<recodex_protocol::usage::PlanType>,
    /// Unix time (seconds) at which the limit resets.
    pub resets_at: Option<i64>,
    /// Name of the limit from the rate-limit headers.
    pub limit_name: Option<String>,
    /// `x-codex-promo-message` header.
    pub promo_message: Option<String>,
    /// Unix time (seconds) when the error was received.
    pub now: i64,
    /// Local offset from UTC in seconds.
    pub utc_offset_secs: i64,
}

impl std::fmt::Display for UsageLimitReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use recodex_protocol::usage::PlanType;
        let when = self.resets_at.map(|at| self.format_reset(at));
        let or_later = match &when {
            Some(at) => format!(" or try again at {at}."),
            None => " or try again later.".to_owned(),
        };
        let later = match &when {
            Some(at) => format!(" Try again at {at}."),
            None => " Try again later.".to_owned(),
        };
        if let Some(name) = self
            .limit_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty() && !name.eq_ignore_ascii_case("codex"))
        {
            return write!(
                f,
                "You've hit your usage limit for {name}. Switch to another model now,{or_later}"
            );
        }
        if let Some(promo) = &self.promo_message {
            return write!(f, "You've hit your usage limit. {promo},{or_later}");
        }
        match self.plan_type {
            Some(PlanType::Plus) => write!(
                f,
                "You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/codex/settings/usage to purchase more credits{or_later}"
            ),
            Some(
                PlanType::Team
                | PlanType::SelfServeBusinessUsageBased
                | PlanType::Business
                | PlanType::EnterpriseCbpUsageBased,
            ) => write!(
                f,
                "You've hit your usage limit. To get more access now, send a request to your admin{or_later}"
            ),
            Some(PlanType::Free | PlanType::Go) => write!(
                f,
                "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus),{or_later}"
            ),
            Some(PlanType::Pro | PlanType::Prolite) => write!(
                f,
                "You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits{or_later}"
            ),
            Some(PlanType::Enterprise | PlanType::Edu | PlanType::Unknown) | None => {
                write!(f, "You've hit your usage limit.{later}")
            }
        }
    }
}

impl UsageLimitReached {
    /// `3:05 PM` on the same local day, else `Jan 2nd, 2026 3:05 PM`.
    fn format_reset(&self, resets_at: i64) -> String {
        let local = resets_at + self.utc_offset_secs;
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let today = civil_from_days((self.now + self.utc_offset_secs).div_euclid(86_400));
        let secs = local.rem_euclid(86_400);
        let (hour, minute) = (secs / 3600, (secs % 3600) / 60);
        let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
        let meridiem = if hour < 12 { "AM" } else { "PM" };
        let time = format!("{hour12}:{minute:02} {meridiem}");
        if (year, month, day) == today {
            return time;
        }
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month_name = MONTHS.get((month - 1) as usize).copied().unwrap_or("Jan");
        let suffix = match day {
            11..=13 => "th",
            _ => match day % 10 {
                1 => "st",
                2 => "nd",
                3 => "rd",
                _ => "th",
            },
        };
        format!("{month_name} {day}{suffix}, {year} {time}")
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
