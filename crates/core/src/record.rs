//! The session's rollout: which lines a turn writes, with payload fields in the
//! reference's order (see `crates/state` for the file format itself).

use chrono::{DateTime, Utc};
use recodex_protocol::models::ResponseItem;
use recodex_protocol::permissions::{FileSystemSandboxPolicy, SandboxPolicy};
use recodex_protocol::usage::TokenUsage;
use recodex_state::{RolloutItem, RolloutLine, RolloutWriter};
use serde_json::{Value, json};

use crate::settings::SessionSettings;

/// Writes rollout lines, or nothing for an ephemeral session.
///
/// A write that fails never fails the turn (the reference goes on too): the recorder
/// stops writing to that file, so the lines already there stay intact, and keeps the
/// error for the session to report once.
#[derive(Debug)]
pub(crate) struct Recorder {
    writer: Option<RolloutWriter>,
    failure: Option<String>,
}

impl Recorder {
    pub(crate) fn new(writer: Option<RolloutWriter>) -> Self {
        Self {
            writer,
            failure: None,
        }
    }

    /// A recorder for a session whose rollout could not be created.
    pub(crate) fn failed(error: &std::io::Error) -> Self {
        Self {
            writer: None,
            failure: Some(error.to_string()),
        }
    }

    /// The write failure not reported yet, once.
    pub(crate) fn take_failure(&mut self) -> Option<String> {
        self.failure.take()
    }

    pub(crate) fn path(&self) -> Option<std::path::PathBuf> {
        self.writer.as_ref().map(|w| w.path().to_path_buf())
    }

    fn write(&mut self, item: RolloutItem) -> std::io::Result<()> {
        if let Some(writer) = &mut self.writer
            && let Err(err) = writer.append(&RolloutLine::new(Utc::now(), item))
        {
            self.failure = Some(err.to_string());
            self.writer = None;
        }
        Ok(())
    }

    pub(crate) fn response_item(&mut self, item: &ResponseItem) -> std::io::Result<()> {
        self.write(RolloutItem::ResponseItem(item.clone()))
    }

    pub(crate) fn event(&mut self, payload: Value) -> std::io::Result<()> {
        self.write(RolloutItem::EventMsg(payload))
    }

    pub(crate) fn session_meta(
        &mut self,
        settings: &SessionSettings,
        thread_id: &str,
        started: DateTime<Utc>,
        git: Option<Value>,
    ) -> std::io::Result<()> {
        let mut meta = json!({
            "id": thread_id,
            "timestamp": recodex_state::format_timestamp(started),
            "cwd": settings.cwd,
            "originator": settings.originator,
            "cli_version": recodex_client::COMPATIBLE_CLI_VERSION,
            "source": settings.source,
            "thread_source": settings.thread_source,
            "model_provider": settings.provider_id,
            "base_instructions": {"text": settings.model.base_instructions},
        });
        if let (Some(git), Value::Object(map)) = (git, &mut meta) {
            map.insert("git".to_owned(), git);
        }
        // No thread source is no key at all (the reference's app-server threads).
        if let (None, None, Value::Object(map)) =
            (settings.thread_source, &settings.subagent, &mut meta)
        {
            map.remove("thread_source");
        }
        if let (Some(origin), Value::Object(map)) = (&settings.subagent, &mut meta) {
            // A spawned thread names its parent and carries its spawn details, in the
            // reference's key order.
            let mut ordered = serde_json::Map::new();
            for (key, value) in std::mem::take(map) {
                match key.as_str() {
                    "id" => {
                        ordered.insert(key, value);
                        ordered.insert("forked_from_id".to_owned(), json!(origin.parent_thread_id));
                    }
                    "source" => {
                        ordered.insert(key, origin.source_json());
                    }
                    "thread_source" => {
                        ordered.insert(key, json!("subagent"));
                        ordered.insert("agent_nickname".to_owned(), json!(origin.nickname));
                        if let Some(role) = &origin.role {
                            ordered.insert("agent_role".to_owned(), json!(role));
                        }
                    }
                    _ => {
                        ordered.insert(key, value);
                    }
                }
            }
            *map = ordered;
        }
        self.write(RolloutItem::SessionMeta(meta))
    }

    pub(crate) fn turn_context(
        &mut self,
        settings: &SessionSettings,
        turn_id: &str,
        date: &str,
    ) -> std::io::Result<()> {
        let policy = &settings.sandbox_policy;
        let mut payload = json!({
            "turn_id": turn_id,
            "cwd": settings.cwd,
            "workspace_roots": settings.workspace_roots(),
            "current_date": date,
            "timezone": settings.timezone,
            "approval_policy": settings.approval_policy,
            "sandbox_policy": policy,
            "permission_profile": settings.permission_profile(),
        });
        // The reference records the resolved file-system policy only for workspace-write.
        if matches!(policy, SandboxPolicy::WorkspaceWrite { .. })
            && let Value::Object(map) = &mut payload
        {
            let mut fs = FileSystemSandboxPolicy::for_sandbox_policy(policy, &settings.cwd);
            // A named profile records its own rules here too.
            if let Some((
                recodex_protocol::permissions::PermissionProfile::Managed {
                    file_system:
                        recodex_protocol::permissions::ManagedFileSystemPermissions::Restricted {
                            entries,
                            glob_scan_max_depth,
                        },
                    ..
                },
                _,
            )) = &settings.recorded_profile
            {
                fs.entries.clone_from(entries);
                fs.glob_scan_max_depth = *glob_scan_max_depth;
            }
            map.insert("file_system_sandbox_policy".to_owned(), json!(fs));
        }
        if let Value::Object(map) = &mut payload {
            map.insert("model".to_owned(), json!(settings.model.slug));
            map.insert("personality".to_owned(), json!("pragmatic"));
            map.insert(
                "collaboration_mode".to_owned(),
                json!({"mode": "default", "settings": {"model": settings.model.slug, "reasoning_effort": settings.reasoning_effort, "developer_instructions": Value::Null}}),
            );
            map.insert("realtime_active".to_owned(), json!(false));
            if let Some(effort) = settings.reasoning_effort {
                map.insert("effort".to_owned(), json!(effort));
            }
            let summary = settings
                .reasoning_summary
                .map_or("auto", recodex_protocol::ReasoningSummary::as_str);
            map.insert("summary".to_owned(), json!(summary));
        }
        self.write(RolloutItem::TurnContext(payload))
    }
}

/// `event_msg` payloads.
pub(crate) fn task_started(turn_id: &str, started_at: i64, context_window: Option<i64>) -> Value {
    json!({
        "type": "task_started",
        "turn_id": turn_id,
        "started_at": started_at,
        "model_context_window": context_window,
        "collaboration_mode_kind": "default",
    })
}

pub(crate) fn user_message(text: &str, local_images: &[std::path::PathBuf]) -> Value {
    json!({"type": "user_message", "message": text, "images": [], "local_images": local_images, "text_elements": []})
}

pub(crate) fn agent_reasoning(text: &str) -> Value {
    json!({"type": "agent_reasoning", "text": text})
}

pub(crate) fn agent_message(text: &str) -> Value {
    json!({"type": "agent_message", "message": text, "phase": Value::Null, "memory_citation": Value::Null})
}

pub(crate) fn token_count(
    total: &TokenUsage,
    last: &TokenUsage,
    context_window: Option<i64>,
) -> Value {
    json!({
        "type": "token_count",
        "info": {"total_token_usage": total, "last_token_usage": last, "model_context_window": context_window},
        "rate_limits": {"limit_id": "codex", "limit_name": null, "primary": null, "secondary": null, "credits": null, "plan_type": null, "rate_limit_reached_type": null},
    })
}

/// The `token_count` written when a response failed before reporting usage.
pub(crate) fn token_count_without_usage() -> Value {
    json!({
        "type": "token_count",
        "info": null,
        "rate_limits": {"limit_id": "codex", "limit_name": null, "primary": null, "secondary": null, "credits": null, "plan_type": null, "rate_limit_reached_type": null},
    })
}

pub(crate) fn task_complete(
    turn_id: &str,
    last_agent_message: Option<&str>,
    completed_at: i64,
    duration_ms: i64,
    time_to_first_token_ms: Option<i64>,
) -> Value {
    let mut payload = json!({
        "type": "task_complete",
        "turn_id": turn_id,
        "last_agent_message": last_agent_message,
        "completed_at": completed_at,
        "duration_ms": duration_ms,
    });
    // Left out when no token ever arrived (a failed turn), as the reference does.
    if let (Some(ms), Value::Object(map)) = (time_to_first_token_ms, &mut payload) {
        map.insert("time_to_first_token_ms".to_owned(), json!(ms));
    }
    payload
}

/// `patch_apply_end`, with the patch's changes keyed by absolute path (a later hunk on a
/// path wins, as in the reference's map).
pub(crate) fn patch_apply_end(
    call_id: &str,
    turn_id: &str,
    stdout: &str,
    stderr: &str,
    success: bool,
    changes: &[recodex_apply_patch::FileChange],
) -> Value {
    use recodex_apply_patch::FileChangeKind;
    let mut map = serde_json::Map::new();
    for change in changes {
        let entry = match &change.kind {
            FileChangeKind::Add { content, .. } => json!({"type": "add", "content": content}),
            FileChangeKind::Delete { content } => json!({"type": "delete", "content": content}),
            FileChangeKind::Update {
                move_path,
                unified_diff,
                ..
            } => json!({"type": "update", "unified_diff": unified_diff, "move_path": move_path}),
        };
        map.insert(change.path.display().to_string(), entry);
    }
    json!({
        "type": "patch_apply_end",
        "call_id": call_id,
        "turn_id": turn_id,
        "stdout": stdout,
        "stderr": stderr,
        "success": success,
        "changes": map,
        "status": if success { "completed" } else { "failed" },
    })
}
