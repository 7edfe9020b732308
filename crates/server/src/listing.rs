//! `thread/list`: stored threads from the state index, filtered and paged with the
//! reference's timestamp cursors.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use recodex_app_protocol::generated::v2::{
    SortDirection, ThreadListCwdFilter, ThreadListResponse, ThreadSortKey, ThreadSourceKind,
};
use recodex_state::{SortKey, StoredThread, ThreadQuery};

use crate::dispatch::{Processor, Reply, RpcError};
use crate::params::ThreadListParams;
use crate::stored::{admits, listed_preview, row_source, thread_from_row};

/// Page size when the client names none.
const DEFAULT_LIMIT: u32 = 25;
/// Largest page served.
const MAX_LIMIT: u32 = 100;

/// Answers `thread/list`.
pub(crate) fn list(server: &mut Processor, params: ThreadListParams) -> Result<Reply, RpcError> {
    let context = &server.context;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize;
    let ascending = params.sort_direction == Some(SortDirection::Asc);
    let by_update = params.sort_key == Some(ThreadSortKey::UpdatedAt);
    // The reference pages searches and state-only listings straight from the database,
    // with millisecond creation cursors; its usual path anchors on whole seconds.
    let kinds = match params.source_kinds.clone() {
        Some(kinds) if !kinds.is_empty() => kinds,
        _ => vec![ThreadSourceKind::Cli, ThreadSourceKind::Vscode],
    };
    let post_filtered = kinds
        .iter()
        .any(|k| !matches!(k, ThreadSourceKind::Cli | ThreadSourceKind::Vscode));
    let all_providers = params.model_providers.as_ref().is_some_and(Vec::is_empty);
    let from_db = params.use_state_db_only
        || params.search_term.is_some()
        || (post_filtered && all_providers);
    let sort_key = match (by_update, from_db) {
        (true, _) => SortKey::UpdatedAtMs,
        (false, true) => SortKey::CreatedAtMs,
        (false, false) => SortKey::CreatedAt,
    };
    let after_ms = match params.cursor.as_deref() {
        Some(cursor) => Some(
            parse_cursor(cursor)
                .ok_or_else(|| RpcError::invalid(format!("invalid cursor: {cursor}")))?,
        ),
        None => None,
    };
    let providers = match params.model_providers {
        // The configured provider; rows that recorded none count as it.
        None => vec![context.model_provider.clone(), String::new()],
        Some(list) => list,
    };
    let names = recodex_state::thread_names(&context.codex_home).unwrap_or_default();
    let query = ThreadQuery {
        archived: params.archived == Some(true),
        sort_key,
        ascending,
        providers,
        cwds: match params.cwd {
            Some(ThreadListCwdFilter::String(path)) => vec![path],
            Some(ThreadListCwdFilter::Array(paths)) => paths,
            None => Vec::new(),
        },
        search_ids: match params.search_term.as_deref() {
            Some(term) if !term.is_empty() => names
                .iter()
                .filter(|(_, name)| name.contains(term))
                .map(|(id, _)| id.clone())
                .collect(),
            _ => Vec::new(),
        },
        search: params.search_term.clone(),
        after_ms,
    };
    if by_update && !params.use_state_db_only {
        // Update order follows the files, as the reference's scan-and-repair makes it.
        let _ = recodex_state::sync_update_times(&context.sqlite_dir, query.archived);
    }
    let mut rows: Vec<StoredThread> = Vec::new();
    let mut more = false;
    recodex_state::visit_threads(&context.sqlite_dir, &query, |row| {
        let source = row_source(&row.source);
        if listed_preview(&row).is_empty() || !kinds.iter().any(|k| admits(*k, &source)) {
            return true;
        }
        if rows.len() == limit {
            more = true;
            return false;
        }
        rows.push(row);
        true
    })
    .map_err(|e| RpcError {
        code: recodex_app_protocol::jsonrpc::INTERNAL_ERROR,
        message: format!("failed to list threads: {e}"),
        data: None,
    })?;
    let step = if ascending { 1 } else { -1 };
    // Update times are the rollout files' modification times, as the reference reads
    // them; creation anchors come from the rollout's own `session_meta.timestamp`.
    let next_cursor = rows.last().filter(|_| more).map(|last| match sort_key {
        SortKey::CreatedAt => format_seconds(last.created_at),
        SortKey::CreatedAtMs => format_ms(last.created_at_ms),
        SortKey::UpdatedAtMs => format_ms_trimmed(last.updated_at_ms),
    });
    let backwards_cursor = rows.first().map(|first| match sort_key {
        SortKey::CreatedAt => {
            format_ms(meta_timestamp_ms(&first.rollout_path).unwrap_or(first.created_at_ms) + step)
        }
        // A thread found by its name anchors on its creation millisecond; the others on
        // their creation second, as the reference's database pages them.
        SortKey::CreatedAtMs if query.search_ids.contains(&first.id) => {
            format_ms(first.created_at_ms + step)
        }
        SortKey::CreatedAtMs => format_ms(first.created_at * 1000 + step),
        SortKey::UpdatedAtMs => format_ms(first.updated_at_ms + step),
    });
    Ok(Reply::result(ThreadListResponse {
        data: rows
            .iter()
            .map(|row| {
                let mut thread = thread_from_row(row, &names);
                if let Some(status) = crate::live::loaded_status(server, &thread.id) {
                    thread.status = status;
                }
                thread
            })
            .collect(),
        next_cursor,
        backwards_cursor,
    }))
}

/// `session_meta.timestamp` of a rollout (its first line), in milliseconds.
fn meta_timestamp_ms(path: &str) -> Option<i64> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).ok()?;
    let mut first = String::new();
    std::io::BufReader::new(file).read_line(&mut first).ok()?;
    let line: serde_json::Value = serde_json::from_str(&first).ok()?;
    let stamp = line["payload"]["timestamp"].as_str()?;
    DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// A cursor's instant in Unix milliseconds: any RFC 3339 time, or a rollout file name's
/// `YYYY-MM-DDThh-mm-ss` (UTC).
fn parse_cursor(cursor: &str) -> Option<i64> {
    if let Ok(time) = DateTime::parse_from_rfc3339(cursor) {
        return Some(time.timestamp_millis());
    }
    NaiveDateTime::parse_from_str(cursor, "%Y-%m-%dT%H-%M-%S")
        .ok()
        .map(|t| Utc.from_utc_datetime(&t).timestamp_millis())
}

fn format_seconds(seconds: i64) -> String {
    Utc.timestamp_opt(seconds, 0)
        .single()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Like [`format_ms`] without the fraction's trailing zeros (`…01.92Z`, `…01Z`), as the
/// reference writes an update-order `nextCursor`.
fn format_ms_trimmed(ms: i64) -> String {
    let full = format_ms(ms);
    let Some(body) = full.strip_suffix('Z') else {
        return full;
    };
    let body = body.trim_end_matches('0').trim_end_matches('.');
    format!("{body}Z")
}

fn format_ms(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_rfc3339_and_file_name_times() {
        let ms = parse_cursor("2026-11-26T00:36:29Z").unwrap();
        assert_eq!(format_seconds(ms / 1000), "2026-11-26T00:36:29Z");
        assert_eq!(parse_cursor("2026-11-26T00-36-29"), Some(ms));
        assert_eq!(
            parse_cursor("2026-11-26T00:36:29.500+00:00"),
            Some(ms + 500)
        );
        assert_eq!(parse_cursor("1795653372"), None);
        assert_eq!(parse_cursor("a|b"), None);
        assert_eq!(format_ms(ms + 196), "2026-11-26T00:36:29.196Z");
        assert_eq!(format_ms_trimmed(ms + 920), "2026-11-26T00:36:29.92Z");
        assert_eq!(format_ms_trimmed(ms), "2026-11-26T00:36:29Z");
        assert_eq!(format_ms_trimmed(ms + 5), "2026-11-26T00:36:29.005Z");
    }
}
