//! Rate-limit snapshots from the `x-<limit>-*` response headers.
//!
//! The `codex` family (`x-codex-primary-used-percent`, ...) always yields a
//! snapshot, empty when no header is present, because the reference records
//! one in every `token_count` event; other families (`x-codex-other-...`)
//! yield one only when they carry data.

use std::collections::BTreeSet;

use recodex_protocol::usage::CreditsSnapshot;
use recodex_protocol::usage::RateLimitSnapshot;
use recodex_protocol::usage::RateLimitWindow;
use reqwest::header::HeaderMap;

/// Every snapshot the headers describe: `codex` first, then the other
/// families in name order.
pub fn parse_all_rate_limits(headers: &HeaderMap) -> Vec<RateLimitSnapshot> {
    let mut snapshots = vec![parse_rate_limit_family(headers, None)];
    let families: BTreeSet<String> = headers
        .keys()
        .filter_map(|name| {
            let name = name.as_str().to_ascii_lowercase();
            let family = name
                .strip_suffix("-primary-used-percent")?
                .strip_prefix("x-")?;
            Some(normalize_limit_id(family))
        })
        .filter(|id| id != "codex")
        .collect();
    for family in families {
        let snapshot = parse_rate_limit_family(headers, Some(&family));
        if snapshot.primary.is_some() || snapshot.secondary.is_some() || snapshot.credits.is_some()
        {
            snapshots.push(snapshot);
        }
    }
    snapshots
}

/// The snapshot of one header family (`None` = `codex`).
pub fn parse_rate_limit_family(headers: &HeaderMap, limit_id: Option<&str>) -> RateLimitSnapshot {
    let family = limit_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .unwrap_or("codex")
        .to_ascii_lowercase()
        .replace('_', "-");
    let prefix = format!("x-{family}");
    let window = |which: &str| {
        let used = header_str(headers, &format!("{prefix}-{which}-used-percent"))?
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())?;
        let minutes = header_i64(headers, &format!("{prefix}-{which}-window-minutes"));
        let resets_at = header_i64(headers, &format!("{prefix}-{which}-reset-at"));
        let has_data = used != 0.0 || minutes.is_some_and(|m| m != 0) || resets_at.is_some();
        has_data.then_some(RateLimitWindow {
            used_percent: used,
            window_minutes: minutes,
            resets_at,
        })
    };
    RateLimitSnapshot {
        limit_id: Some(normalize_limit_id(&family)),
        limit_name: header_str(headers, &format!("{prefix}-limit-name"))
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned),
        primary: window("primary"),
        secondary: window("secondary"),
        credits: parse_credits(headers),
        plan_type: None,
        rate_limit_reached_type: None,
    }
}

/// `x-codex-promo-message`, trimmed, when not blank.
pub fn parse_promo_message(headers: &HeaderMap) -> Option<String> {
    header_str(headers, "x-codex-promo-message")
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn parse_credits(headers: &HeaderMap) -> Option<CreditsSnapshot> {
    Some(CreditsSnapshot {
        has_credits: header_bool(headers, "x-codex-credits-has-credits")?,
        unlimited: header_bool(headers, "x-codex-credits-unlimited")?,
        balance: header_str(headers, "x-codex-credits-balance")
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned),
    })
}

fn normalize_limit_id(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('-', "_")
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    header_str(headers, name)?.parse().ok()
}

fn header_bool(headers: &HeaderMap, name: &str) -> Option<bool> {
    match header_str(headers, name)? {
        raw if raw.eq_ignore_ascii_case("true") || raw == "1" => Some(true),
        raw if raw.eq_ignore_ascii_case("false") || raw == "0" => Some(false),
        _ => None,
    }
}
