//! Stored threads as `Thread` objects: from an index row (listing) or from the rollout
//! file itself (reading one thread).

use std::collections::HashMap;
use std::path::Path;

use recodex_app_protocol::generated::root::SubAgentSource;
use recodex_app_protocol::generated::v2::{
    GitInfo, SessionSource, Thread, ThreadSource, ThreadSourceKind, ThreadStatus,
};
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
    session_source(&value)
}

/// The v2 source of a rollout's `session_meta.source` (`"exec"`, `"mcp"`,
/// `{"subagent": ...}`, ...); what cannot be read is `unknown`.
pub(crate) fn session_source(source: &Value) -> SessionSource {
    match source {
        Value::String(s) => match s.as_str() {
            "cli" => SessionSource::Cli,
            "vscode" => SessionSource::Vscode,
            "exec" => SessionSource::Exec,
            "mcp" | "app_server" | "appServer" => SessionSource::AppServer,
            _ => SessionSource::Unknown,
        },
        Value::Object(map) => {
            if let Some(sub) = map.get("subagent").or_else(|| map.get("subAgent")) {
                serde_json::from_value::<SubAgentSource>(sub.clone())
                    .map_or(SessionSource::Unknown, SessionSource::SubAgent)
            } else if let Some(Value::String(name)) = map.get("custom") {
                SessionSource::Custom(name.clone())
            } else {
                SessionSource::Unknown
            }
        }
        _ => SessionSource::Unknown,
    }
}

/// The `sourceKinds` filter name of a source.
fn source_kind(source: &SessionSource) -> ThreadSourceKind {
    match source {
        SessionSource::Cli => ThreadSourceKind::Cli,
        SessionSource::Vscode => ThreadSourceKind::Vscode,
        SessionSource::Exec => ThreadSourceKind::Exec,
        SessionSource::AppServer => ThreadSourceKind::AppServer,
        SessionSource::Unknown | SessionSource::Custom(_) => ThreadSourceKind::Unknown,
        SessionSource::SubAgent(sub) => match sub {
            SubAgentSource::Review => ThreadSourceKind::SubAgentReview,
            SubAgentSource::Compact => ThreadSourceKind::SubAgentCompact,
            SubAgentSource::ThreadSpawn { .. } => ThreadSourceKind::SubAgentThreadSpawn,
            SubAgentSource::MemoryConsolidation | SubAgentSource::Other(_) => {
                ThreadSourceKind::SubAgentOther
            }
        },
    }
}

/// Whether a thread of `source` passes the `sourceKinds` entry `kind` (`subAgent` takes
/// every sub-agent).
pub(crate) fn admits(kind: ThreadSourceKind, source: &SessionSource) -> bool {
    let actual = source_kind(source);
    match kind {
        ThreadSourceKind::SubAgent => matches!(
            actual,
            ThreadSourceKind::SubAgentReview
                | ThreadSourceKind::SubAgentCompact
                | ThreadSourceKind::SubAgentThreadSpawn
                | ThreadSourceKind::SubAgentOther
        ),
        other => other == actual,
    }
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
        source: session_source(&meta["source"]),
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

/// `session_meta.thread_source` of a rollout (`user` for exec threads); a value the
/// protocol does not know is left out.
pub(crate) fn rollout_thread_source(contents: &RolloutContents) -> Option<ThreadSource> {
    contents.lines.iter().find_map(|line| match &line.item {
        RolloutItem::SessionMeta(meta) => {
            Some(serde_json::from_value(meta["thread_source"].clone()).ok())
        }
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
