//! `thread/resume` and `thread/fork`: open a stored thread in this server, or copy it
//! into a new one. A fork is a new rollout whose first line is its own `session_meta`
//! (naming the thread it came from) followed by every line of the original, restamped;
//! the new thread is indexed at once.

use std::io::Write;

use chrono::{Local, Utc};
use recodex_app_protocol::generated::root::ServerNotification;
use recodex_app_protocol::generated::v2::{
    Thread, ThreadGoalClearedNotification, ThreadStartedNotification, ThreadStatus,
    ThreadStatusChangedNotification, ThreadTokenUsage, ThreadTokenUsageUpdatedNotification,
    TokenUsageBreakdown,
};
use recodex_state::{RolloutContents, RolloutItem};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::dispatch::{Processor, Reply, RpcError};
use crate::opened::Opened;
use crate::params::ThreadOpenParams;
use crate::stored::{rollout_thread_source, thread_from_rollout};
use crate::threads::thread_id;

/// `thread/resume`: the thread becomes loaded here; nothing on disk changes.
pub(crate) fn resume(server: &mut Processor, params: ThreadOpenParams) -> Result<Reply, RpcError> {
    let id = thread_id(&params.thread_id, "session")?;
    let path = live_rollout(server, &id)?;
    let contents = read(&path)?;
    let row = recodex_state::get_thread(&server.context.sqlite_dir, &id)
        .ok()
        .flatten();
    let names = recodex_state::thread_names(&server.context.codex_home).unwrap_or_default();
    let mut thread = thread_from_rollout(&path, &contents, row.as_ref(), names.get(&id))
        .ok_or_else(|| no_rollout(&id))?;
    thread.status = ThreadStatus::Idle;
    thread.thread_source = rollout_thread_source(&contents);
    thread.turns = crate::turns::turns_from_rollout(&contents);
    let cwd = thread.cwd.clone();
    let answer = reopened(server, &params, cwd.clone(), thread)?.resume();
    let newly_loaded = server.loaded.insert(id.clone());
    crate::live::register_stored(server, &id, path.clone(), &cwd);
    let mut reply = Reply::result(answer);
    if newly_loaded {
        reply.before.push(ServerNotification::ThreadStatusChanged(
            ThreadStatusChangedNotification {
                thread_id: id.clone(),
                status: ThreadStatus::Idle,
            },
        ));
    }
    if let Some(usage) = token_usage(&id, &contents) {
        reply = reply.then(ServerNotification::ThreadTokenUsageUpdated(usage));
    }
    Ok(reply.then(ServerNotification::ThreadGoalCleared(
        ThreadGoalClearedNotification { thread_id: id },
    )))
}

/// `thread/fork`: a new thread holding the original's history, loaded here.
pub(crate) fn fork(server: &mut Processor, params: ThreadOpenParams) -> Result<Reply, RpcError> {
    let parent = thread_id(&params.thread_id, "session")?;
    if params.ephemeral {
        return Err(RpcError {
            code: recodex_app_protocol::jsonrpc::METHOD_NOT_FOUND,
            message: "ephemeral forks are not supported yet by recodex".to_owned(),
            data: None,
        });
    }
    let source_path = live_rollout(server, &parent)?;
    let text =
        std::fs::read_to_string(&source_path).map_err(|e| internal("failed to read thread", e))?;
    let contents = read(&source_path)?;
    let parent_meta = contents
        .lines
        .iter()
        .find_map(|line| match &line.item {
            RolloutItem::SessionMeta(meta) => Some(meta.clone()),
            _ => None,
        })
        .ok_or_else(|| no_rollout(&parent))?;
    let context = &server.context;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let cwd = params
        .cwd
        .clone()
        .or_else(|| parent_meta["cwd"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut meta = Map::new();
    meta.insert("id".into(), json!(id.to_string()));
    meta.insert("forked_from_id".into(), json!(parent));
    meta.insert(
        "timestamp".into(),
        json!(recodex_state::format_timestamp(now)),
    );
    meta.insert("cwd".into(), json!(cwd));
    meta.insert("originator".into(), json!(server.client_name));
    meta.insert("cli_version".into(), json!(recodex_state::CLI_VERSION));
    meta.insert("source".into(), json!("vscode"));
    meta.insert(
        "model_provider".into(),
        json!(
            params
                .model_provider
                .as_deref()
                .unwrap_or(&context.model_provider)
        ),
    );
    meta.insert(
        "base_instructions".into(),
        json!({"text": context.settings.base_instructions}),
    );
    if let Some(git) = parent_meta.get("git") {
        meta.insert("git".into(), git.clone());
    }
    let stamp = recodex_state::format_timestamp(now);
    let mut out = String::new();
    let first = json!({"timestamp": stamp, "type": "session_meta", "payload": meta});
    out.push_str(&first.to_string());
    out.push('\n');
    // Every line of the original, in order, restamped; a torn or foreign line is dropped.
    for line in text.lines() {
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if !object.contains_key("type") {
            continue;
        }
        let mut ordered = Map::new();
        ordered.insert("timestamp".into(), json!(stamp));
        ordered.extend(object.into_iter().filter(|(k, _)| k != "timestamp"));
        out.push_str(&Value::Object(ordered).to_string());
        out.push('\n');
    }
    let path = recodex_state::rollout_path(&context.codex_home, &now.with_timezone(&Local), id);
    write_new(&path, &out).map_err(|e| internal("failed to fork thread", e))?;
    let id = id.to_string();
    if let Err(e) = recodex_state::index_rollout(&context.sqlite_dir, &id, &path) {
        return Err(internal("failed to fork thread", e));
    }
    let forked = read(&path)?;
    let mut thread =
        thread_from_rollout(&path, &forked, None, None).ok_or_else(|| no_rollout(&parent))?;
    thread.status = ThreadStatus::Idle;
    thread.turns = crate::turns::turns_from_rollout(&forked);
    let started = Thread {
        turns: Vec::new(),
        ..thread.clone()
    };
    let answer = reopened(server, &params, cwd.clone(), thread)?.fork();
    server.loaded.insert(id.clone());
    crate::live::register_stored(server, &id, path.clone(), &cwd);
    let mut reply = Reply::result(answer);
    if let Some(usage) = token_usage(&id, &forked) {
        reply = reply.then(ServerNotification::ThreadTokenUsageUpdated(usage));
    }
    Ok(reply.then(ServerNotification::ThreadStarted(
        ThreadStartedNotification { thread: started },
    )))
}

/// The rollout of a thread that is not archived, or the reference's error.
fn live_rollout(server: &Processor, id: &str) -> Result<std::path::PathBuf, RpcError> {
    let home = &server.context.codex_home;
    if let Some(path) = recodex_state::find_rollout_by_id(home, id) {
        return Ok(path);
    }
    if recodex_state::find_archived_rollout(home, id).is_some() {
        return Err(RpcError::invalid(format!(
            "session {id} is archived. Run `codex unarchive {id}` to unarchive it first."
        )));
    }
    Err(no_rollout(id))
}

fn no_rollout(id: &str) -> RpcError {
    RpcError::invalid(format!("no rollout found for thread id {id}"))
}

fn internal(context: &str, error: impl std::fmt::Display) -> RpcError {
    RpcError {
        code: recodex_app_protocol::jsonrpc::INTERNAL_ERROR,
        message: format!("{context}: {error}"),
        data: None,
    }
}

fn read(path: &std::path::Path) -> Result<RolloutContents, RpcError> {
    recodex_state::read_rollout(path).map_err(|e| internal("failed to read thread", e))
}

/// Creates `path` with `text`, never replacing a file, and syncs it.
fn write_new(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// [`Opened`] for resume and fork, with the client's overrides.
fn reopened(
    server: &Processor,
    params: &ThreadOpenParams,
    cwd: String,
    thread: Thread,
) -> Result<Opened, RpcError> {
    let settings = &server.context.settings;
    let model = params.model.as_deref().unwrap_or(&settings.model);
    let provider = params
        .model_provider
        .as_deref()
        .unwrap_or(&server.context.model_provider);
    let mut opened = Opened::new(server, model, provider, cwd, thread)?;
    if let Some(tier) = &params.service_tier {
        opened.service_tier = Some(tier.clone());
    }
    if let Some(policy) = &params.approval_policy {
        opened.approval_policy = policy.clone();
    }
    if let Some(reviewer) = params.approvals_reviewer {
        opened.approvals_reviewer = crate::opened::reported_reviewer(reviewer);
    }
    Ok(opened)
}

/// `thread/tokenUsage/updated` for the last token count a rollout records.
fn token_usage(
    thread_id: &str,
    contents: &RolloutContents,
) -> Option<ThreadTokenUsageUpdatedNotification> {
    let mut turn_id = None;
    let mut info = None;
    for line in &contents.lines {
        if let RolloutItem::EventMsg(event) = &line.item {
            match event["type"].as_str() {
                Some("task_started" | "turn_started") => turn_id = event["turn_id"].as_str(),
                Some("token_count") if event["info"].is_object() => info = Some(&event["info"]),
                _ => {}
            }
        }
    }
    let info = info?;
    let breakdown = |usage: &Value| {
        let count = |key: &str| usage[key].as_i64().unwrap_or(0);
        TokenUsageBreakdown {
            total_tokens: count("total_tokens"),
            input_tokens: count("input_tokens"),
            cached_input_tokens: count("cached_input_tokens"),
            output_tokens: count("output_tokens"),
            reasoning_output_tokens: count("reasoning_output_tokens"),
        }
    };
    Some(ThreadTokenUsageUpdatedNotification {
        thread_id: thread_id.to_owned(),
        turn_id: turn_id.unwrap_or_default().to_owned(),
        token_usage: ThreadTokenUsage {
            total: breakdown(&info["total_token_usage"]),
            last: breakdown(&info["last_token_usage"]),
            model_context_window: info["model_context_window"].as_i64(),
        },
    })
}
