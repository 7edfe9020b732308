//! Stored threads as `Thread` objects: from an index row (listing) or from the rollout
//! file itself (reading one thread).

use std::collections::HashMap;
use std::path::Path;

use recodex_app_protocol::thread::{GitInfo, SessionSource, Thread, ThreadStatus};
use recodex_state::{RolloutContents, RolloutItem, StoredThread};
use serde_json::Value;

/// The thread's user-facing name: the index title when it was changed from the first
/// user message, else the newest `session_index.jsonl` name; none when it would only
/// repeat the preview.
pub(crate) fn display_name(
    title: Option<&str>,
    first_user_message: &str,
    indexed: Option<&String>,
    preview: &str,
) -> Option<String> {
    let renamed = title
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != first_user_message.trim())
        .map(str::to_owned);
    renamed
        .or_else(|| indexed.cloned())
        .filter(|name| name != preview)
}

/// The source of an index row (`exec`, or a sub-agent's source as JSON).
pub(crate) fn row_source(source: &str) -> SessionSource {
    let value = if source.starts_with('{') {
        serde_json::from_str(source).unwrap_or(Value::Null)
    } else {
        Value::String(source.to_owned())
    };
    SessionSource::from_rollout(&value)
}

/// A listed thread: the index row, with the rollout file's modification time as its
/// update time.
pub(crate) fn thread_from_row(row: &StoredThread, names: &HashMap<String, String>) -> Thread {
    let preview = listed_preview(row);
    let git = [&row.git_sha, &row.git_branch, &row.git_origin_url];
    let updated_at = std::fs::metadata(&row.rollout_path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(row.updated_at, |d| d.as_secs() as i64);
    Thread {
        id: row.id.clone(),
        session_id: row.id.clone(),
        forked_from_id: None,
        name: display_name(
            Some(&row.title),
            &row.first_user_message,
            names.get(&row.id),
            &preview,
        ),
        preview,
        ephemeral: false,
        model_provider: row.model_provider.clone(),
        created_at: row.created_at,
        updated_at,
        status: ThreadStatus::NotLoaded,
        path: Some(row.rollout_path.clone()),
        cwd: row.cwd.clone(),
        cli_version: row.cli_version.clone(),
        source: row_source(&row.source),
        thread_source: None,
        agent_nickname: row.agent_nickname.clone(),
        agent_role: row.agent_role.clone(),
        git_info: git.iter().any(|g| g.is_some()).then(|| GitInfo {
            sha: row.git_sha.clone(),
            branch: row.git_branch.clone(),
            origin_url: row.git_origin_url.clone(),
        }),
        turns: Vec::new(),
    }
}

/// The preview a listing shows: the index's preview, else the first user message.
pub(crate) fn listed_preview(row: &StoredThread) -> String {
    let preview = if row.preview.trim().is_empty() {
        &row.first_user_message
    } else {
        &row.preview
    };
    preview.trim().to_owned()
}

/// A thread read from its rollout. `created_at` and `updated_at` are both the time the
/// session started, as the reference reports a thread that is not loaded.
pub(crate) fn thread_from_rollout(
    path: &Path,
    contents: &RolloutContents,
    row: Option<&StoredThread>,
    indexed_name: Option<&String>,
) -> Option<Thread> {
    let (timestamp, meta) = contents.lines.iter().find_map(|line| match &line.item {
        RolloutItem::SessionMeta(meta) => Some((line.timestamp.as_str(), meta)),
        _ => None,
    })?;
    let text = |key: &str| meta[key].as_str().map(str::to_owned);
    let started = meta["timestamp"].as_str().unwrap_or(timestamp);
    let created_at = chrono::DateTime::parse_from_rfc3339(started)
        .map(|t| t.timestamp())
        .unwrap_or_default();
    let first_user_message = first_user_message(contents).unwrap_or_default();
    let preview = first_user_message.trim().to_owned();
    let id = text("id")?;
    let git = &meta["git"];
    Some(Thread {
        session_id: text("session_id").unwrap_or_else(|| id.clone()),
        forked_from_id: text("forked_from_id"),
        name: display_name(
            row.map(|r| r.title.as_str()),
            &first_user_message,
            indexed_name,
            &preview,
        ),
        preview,
        ephemeral: false,
        model_provider: text("model_provider").unwrap_or_default(),
        created_at,
        updated_at: created_at,
        status: ThreadStatus::NotLoaded,
        path: Some(path.display().to_string()),
        cwd: text("cwd").unwrap_or_default(),
        cli_version: text("cli_version").unwrap_or_default(),
        source: SessionSource::from_rollout(&meta["source"]),
        thread_source: None,
        agent_nickname: text("agent_nickname"),
        agent_role: text("agent_role"),
        git_info: git.is_object().then(|| GitInfo {
            sha: git["commit_hash"].as_str().map(str::to_owned),
            branch: git["branch"].as_str().map(str::to_owned),
            origin_url: git["repository_url"].as_str().map(str::to_owned),
        }),
        id,
        turns: Vec::new(),
    })
}

/// `session_meta.thread_source` of a rollout (`user` for exec threads).
pub(crate) fn rollout_thread_source(contents: &RolloutContents) -> Option<String> {
    contents.lines.iter().find_map(|line| match &line.item {
        RolloutItem::SessionMeta(meta) => Some(meta["thread_source"].as_str().map(str::to_owned)),
        _ => None,
    })?
}

fn first_user_message(contents: &RolloutContents) -> Option<String> {
    contents.lines.iter().find_map(|line| match &line.item {
        RolloutItem::EventMsg(event) if event["type"] == "user_message" => {
            event["message"].as_str().map(str::to_owned)
        }
        _ => None,
    })
}
