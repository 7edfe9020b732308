//! The index backfill: rollouts on disk that `state_5.sqlite` does not list yet (sessions
//! written before the database existed, or by a binary that could not index them) get a
//! thread row built from their lines. It runs once per database, as the reference's does,
//! and records its completion in `backfill_state`.

use std::path::Path;

use chrono::Utc;
use recodex_protocol::permissions::{PermissionProfile, SandboxPolicy};
use rusqlite::{OptionalExtension, params};

use crate::archive::ARCHIVED_SESSIONS_DIR;
use crate::db::{DbKind, open_db};
use crate::error::StateError;
use crate::rollout::{RolloutItem, list_rollouts, parse_rollout_file_name};
use crate::threads::{ThreadRow, upsert_on_conn};

/// Indexes every rollout under `codex_home` that the thread index in `sqlite_dir` lacks,
/// unless a backfill already completed there. Returns how many threads were added.
pub fn backfill_threads(codex_home: &Path, sqlite_dir: &Path) -> Result<usize, StateError> {
    let conn = open_db(sqlite_dir, DbKind::State)?;
    let db = sqlite_dir.join(DbKind::State.file_name());
    let sql = |source| StateError::Sqlite {
        path: db.clone(),
        source,
    };
    let status: Option<String> = conn
        .query_row("SELECT status FROM backfill_state WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(sql)?;
    if status.as_deref() == Some("complete") {
        return Ok(0);
    }
    // Oldest first, as the watermark records the last one processed.
    let mut rollouts: Vec<(std::path::PathBuf, bool)> = list_rollouts(codex_home)
        .into_iter()
        .rev()
        .map(|p| (p, false))
        .collect();
    if let Ok(entries) = std::fs::read_dir(codex_home.join(ARCHIVED_SESSIONS_DIR)) {
        let mut archived: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        archived.sort();
        rollouts.extend(archived.into_iter().map(|p| (p, true)));
    }
    let mut added = 0;
    let mut watermark = None;
    for (path, archived) in rollouts {
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(parse_rollout_file_name)
            .map(|(_, id)| id.to_string())
        else {
            continue;
        };
        if let Ok(relative) = path.strip_prefix(codex_home) {
            watermark = Some(relative.display().to_string());
        }
        let known: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM threads WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .map_err(sql)?;
        if known > 0 {
            continue;
        }
        let Some(row) = row_from_rollout(&id, &path) else {
            continue;
        };
        upsert_on_conn(&conn, &db, &row)?;
        if archived {
            conn.execute(
                "UPDATE threads SET archived = 1, archived_at = ?2 WHERE id = ?1",
                params![id, row.updated_at_ms / 1000],
            )
            .map_err(sql)?;
        }
        added += 1;
    }
    let now = Utc::now().timestamp();
    conn.execute(
        "INSERT INTO backfill_state (id, status, last_watermark, last_success_at, updated_at) \
         VALUES (1, 'complete', ?1, ?2, ?2) ON CONFLICT(id) DO UPDATE SET status = 'complete', \
         last_watermark = excluded.last_watermark, last_success_at = excluded.last_success_at, \
         updated_at = excluded.updated_at",
        params![watermark, now],
    )
    .map_err(sql)?;
    Ok(added)
}

/// Indexes the rollouts of the last `days` days (by their `sessions/YYYY/MM/DD` directory,
/// in local time, counted back from today) that the index lacks. After the one-time backfill this is how
/// a session whose process died before it wrote its row (a `kill -9` at the wrong moment)
/// comes back into `thread/list` the next time recodex starts; the reference loses those.
/// Only a few directories are read, so start-up stays fast with any number of sessions.
pub fn reconcile_recent(
    codex_home: &Path,
    sqlite_dir: &Path,
    days: u32,
) -> Result<usize, StateError> {
    let today = chrono::Local::now().date_naive();
    reconcile_since(codex_home, sqlite_dir, today, days)
}

fn reconcile_since(
    codex_home: &Path,
    sqlite_dir: &Path,
    today: chrono::NaiveDate,
    days: u32,
) -> Result<usize, StateError> {
    let conn = open_db(sqlite_dir, DbKind::State)?;
    let db = sqlite_dir.join(DbKind::State.file_name());
    let sql = |source| StateError::Sqlite {
        path: db.clone(),
        source,
    };
    let sessions = codex_home.join(crate::rollout::SESSIONS_DIR);
    let mut added = 0;
    for back in 0..=days {
        let Some(date) = today.checked_sub_days(chrono::Days::new(u64::from(back))) else {
            break;
        };
        let dir = sessions.join(date.format("%Y/%m/%d").to_string());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        // One query per day for the ids the index has there, not one per session: a day
        // may hold thousands.
        let mut known = std::collections::HashSet::new();
        {
            let prefix = format!("{}/", dir.display());
            let mut statement = conn
                .prepare("SELECT id FROM threads WHERE instr(rollout_path, ?1) = 1")
                .map_err(sql)?;
            let ids = statement
                .query_map(params![prefix], |r| r.get::<_, String>(0))
                .map_err(sql)?;
            for id in ids {
                known.insert(id.map_err(sql)?);
            }
        }
        for path in entries.flatten().map(|entry| entry.path()) {
            let Some(id) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(parse_rollout_file_name)
                .map(|(_, id)| id.to_string())
            else {
                continue;
            };
            if known.contains(&id) {
                continue;
            }
            // Indexed under another path (moved, or an archived copy)?
            let elsewhere: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM threads WHERE id = ?1",
                    params![id],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            if elsewhere > 0 {
                continue;
            }
            // A session that never recorded a user message took no turn: the reference
            // would not even have written its file, so it is not listed.
            if let Some(row) = row_from_rollout(&id, &path)
                && !row.first_user_message.is_empty()
            {
                upsert_on_conn(&conn, &db, &row)?;
                added += 1;
            }
        }
    }
    Ok(added)
}

/// Indexes the rollout of a thread created outside a session (a fork), from its lines.
pub fn index_rollout(sqlite_dir: &Path, id: &str, rollout: &Path) -> Result<(), StateError> {
    match row_from_rollout(id, rollout) {
        Some(row) => crate::threads::upsert_thread(sqlite_dir, &row),
        None => Ok(()),
    }
}

/// An index row from a rollout's lines: `session_meta` (cwd, source, provider, start),
/// the first user message (title and preview), the last `turn_context` (model, effort,
/// approval, sandbox as a permission profile) and the last token total. The update time is
/// now, as the reference's backfill records it.
pub(crate) fn row_from_rollout(id: &str, rollout: &Path) -> Option<ThreadRow> {
    let contents = crate::rollout::read_rollout(rollout).ok()?;
    let mut row = ThreadRow {
        id: id.to_owned(),
        rollout_path: rollout.display().to_string(),
        created_at_ms: 0,
        updated_at_ms: Utc::now().timestamp_millis(),
        source: String::new(),
        thread_source: None,
        agent_nickname: None,
        agent_role: None,
        model_provider: String::new(),
        cwd: String::new(),
        first_user_message: String::new(),
        sandbox_policy: String::new(),
        approval_mode: String::new(),
        tokens_used: 0,
        model: String::new(),
        reasoning_effort: None,
        git_sha: None,
        git_branch: None,
        git_origin_url: None,
    };
    let mut seen_meta = false;
    for line in &contents.lines {
        match &line.item {
            RolloutItem::SessionMeta(meta) if !seen_meta => {
                seen_meta = true;
                let text = |key: &str| meta[key].as_str().unwrap_or_default().to_owned();
                row.cwd = text("cwd");
                // A sub-agent's source is an object, kept as JSON.
                row.source = match &meta["source"] {
                    serde_json::Value::String(source) => source.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                row.thread_source = meta["thread_source"].as_str().map(str::to_owned);
                row.agent_nickname = meta["agent_nickname"].as_str().map(str::to_owned);
                row.agent_role = meta["agent_role"].as_str().map(str::to_owned);
                row.model_provider = text("model_provider");
                row.set_git(&meta["git"]);
                row.created_at_ms = chrono::DateTime::parse_from_rfc3339(&line.timestamp)
                    .map_or(0, |t| t.timestamp_millis());
            }
            RolloutItem::EventMsg(event)
                if event["type"] == "user_message" && row.first_user_message.is_empty() =>
            {
                row.first_user_message = event["message"].as_str().unwrap_or_default().to_owned();
            }
            RolloutItem::EventMsg(event) if event["type"] == "token_count" => {
                if let Some(total) = event["info"]["total_token_usage"]["total_tokens"].as_i64() {
                    row.tokens_used = total;
                }
            }
            RolloutItem::TurnContext(ctx) => {
                let text = |key: &str| ctx[key].as_str().unwrap_or_default().to_owned();
                row.model = text("model");
                row.approval_mode = text("approval_policy");
                row.reasoning_effort = ctx["effort"].as_str().map(str::to_owned);
                if let Ok(policy) =
                    serde_json::from_value::<SandboxPolicy>(ctx["sandbox_policy"].clone())
                {
                    let cwd = Path::new(ctx["cwd"].as_str().unwrap_or(&row.cwd));
                    let profile = PermissionProfile::for_sandbox_policy(&policy, cwd);
                    row.sandbox_policy = serde_json::to_string(&profile).unwrap_or_default();
                }
            }
            _ => {}
        }
    }
    seen_meta.then_some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_rollout(home: &Path, id: &str, prompt: &str) {
        let dir = home.join("sessions/2026/11/25");
        std::fs::create_dir_all(&dir).unwrap();
        let lines = [
            format!("{{\"timestamp\":\"2026-11-25T17:33:36.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{id}\",\"cwd\":\"/w\",\"source\":\"exec\",\"model_provider\":\"mock\"}}}}"),
            "{\"timestamp\":\"2026-11-25T17:33:36.100Z\",\"type\":\"turn_context\",\"payload\":{\"cwd\":\"/w\",\"approval_policy\":\"never\",\"sandbox_policy\":{\"type\":\"read-only\"},\"model\":\"gpt-5.1-codex\"}}".to_owned(),
            format!("{{\"timestamp\":\"2026-11-25T17:33:36.200Z\",\"type\":\"event_msg\",\"payload\":{{\"type\":\"user_message\",\"message\":\"{prompt}\"}}}}"),
            "{\"timestamp\":\"2026-11-25T17:33:37.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"total_tokens\":110}}}}".to_owned(),
        ];
        std::fs::write(
            dir.join(format!("rollout-2026-11-25T17-33-36-{id}.jsonl")),
            lines.join("\n") + "\n",
        )
        .unwrap();
    }

    #[test]
    fn rollouts_missing_from_the_index_are_added_once() {
        let home = tempfile::tempdir().unwrap();
        let a = "01a213c5-2486-73fa-ba34-fe5112c156d6";
        let b = "01a213c5-303e-7644-a9f8-3eb82152c452";
        write_rollout(home.path(), a, "first");
        write_rollout(home.path(), b, "second");
        assert_eq!(backfill_threads(home.path(), home.path()).unwrap(), 2);
        let conn = open_db(home.path(), DbKind::State).unwrap();
        let (title, tokens, model, approval, policy): (String, i64, String, String, String) = conn
            .query_row(
                "SELECT title, tokens_used, model, approval_mode, sandbox_policy FROM threads WHERE id = ?1",
                params![a],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            (title.as_str(), tokens, model.as_str(), approval.as_str()),
            ("first", 110, "gpt-5.1-codex", "never")
        );
        assert!(policy.starts_with("{\"type\":\"managed\""), "{policy}");
        let (status, watermark): (String, String) = conn
            .query_row(
                "SELECT status, last_watermark FROM backfill_state",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(status, "complete");
        assert!(
            watermark.starts_with("sessions/2026/11/25/rollout-"),
            "{watermark}"
        );
        // Complete: a new rollout on disk is not picked up again.
        write_rollout(home.path(), "01a213c5-0000-7000-8000-000000000001", "third");
        assert_eq!(backfill_threads(home.path(), home.path()).unwrap(), 0);
    }

    #[test]
    fn recent_rollouts_missing_after_the_backfill_are_reconciled() {
        // Issue 22.8: a session killed before it wrote its row is listed again after the
        // next start, although the one-time backfill is complete.
        let home = tempfile::tempdir().unwrap();
        write_rollout(home.path(), "01a213c5-2486-73fa-ba34-fe5112c156d6", "first");
        assert_eq!(backfill_threads(home.path(), home.path()).unwrap(), 1);
        let killed = "01a213c5-0000-7000-8000-000000000001";
        write_rollout(home.path(), killed, "killed mid-turn");
        assert_eq!(backfill_threads(home.path(), home.path()).unwrap(), 0);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        // Out of the window: left alone.
        assert_eq!(
            reconcile_since(home.path(), home.path(), day, 1).unwrap(),
            0
        );
        assert_eq!(
            reconcile_since(home.path(), home.path(), day, 2).unwrap(),
            1
        );
        assert_eq!(
            reconcile_since(home.path(), home.path(), day, 2).unwrap(),
            0
        );
        let conn = open_db(home.path(), DbKind::State).unwrap();
        let title: String = conn
            .query_row(
                "SELECT title FROM threads WHERE id = ?1",
                params![killed],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(title, "killed mid-turn");
    }
}
