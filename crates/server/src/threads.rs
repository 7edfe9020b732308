//! The `thread/*` methods over one stored thread: read, archive, unarchive, name, and the
//! list of loaded threads.

use std::fs::File;
use std::time::SystemTime;

use recodex_app_protocol::generated::root::ServerNotification;
use recodex_app_protocol::generated::v2::{
    Thread, ThreadArchiveResponse, ThreadArchivedNotification, ThreadLoadedListResponse,
    ThreadNameUpdatedNotification, ThreadReadResponse, ThreadSetNameResponse, ThreadStatus,
    ThreadStatusChangedNotification, ThreadUnarchiveResponse, ThreadUnarchivedNotification,
};
use recodex_state::ArchiveError;
use uuid::Uuid;

use crate::dispatch::{Processor, Reply, RpcError};
use crate::params::{ThreadIdParams, ThreadLoadedListParams, ThreadSetNameParams};
use crate::stored::{rollout_thread_source, thread_from_rollout};

/// A client's thread id in canonical form; `label` names it in the error (`thread` for
/// read and rename, `session` for archive and unarchive, as the reference words it).
pub(crate) fn thread_id(raw: &str, label: &str) -> Result<String, RpcError> {
    Uuid::parse_str(raw)
        .map(|id| id.hyphenated().to_string())
        .map_err(|e| RpcError::invalid(format!("invalid {label} id: {}", uuid_error(raw, &e))))
}

/// Why `raw` is not a UUID, worded as the reference's UUID parser words it: the first
/// character that cannot appear (1-based), else a length that fits no format; other
/// shapes keep our parser's words.
pub(crate) fn uuid_error(raw: &str, fallback: &uuid::Error) -> String {
    let body = raw.strip_prefix("urn:uuid:").unwrap_or(raw);
    let offset = raw.len() - body.len();
    if let Some((at, c)) = body
        .char_indices()
        .find(|(_, c)| !c.is_ascii_hexdigit() && *c != '-')
    {
        return format!(
            "invalid character: expected an optional prefix of `urn:uuid:` followed by \
             [0-9a-fA-F-], found `{c}` at {}",
            offset + at + 1
        );
    }
    if body.len() != 32 && body.len() != 36 {
        return format!(
            "invalid length: expected length 32 for simple format, found {}",
            body.len()
        );
    }
    fallback.to_string()
}

fn internal(context: &str, error: impl std::fmt::Display) -> RpcError {
    RpcError {
        code: recodex_app_protocol::jsonrpc::INTERNAL_ERROR,
        message: format!("{context}: {error}"),
        data: None,
    }
}

/// The thread as its rollout (live or archived) records it, with its turns on request.
fn stored_thread(
    server: &Processor,
    id: &str,
    include_turns: bool,
) -> Result<Option<Thread>, RpcError> {
    let context = &server.context;
    let Some(path) = recodex_state::find_rollout_by_id(&context.codex_home, id)
        .or_else(|| recodex_state::find_archived_rollout(&context.codex_home, id))
    else {
        return Ok(None);
    };
    let contents =
        recodex_state::read_rollout(&path).map_err(|e| internal("failed to read thread", e))?;
    let row = recodex_state::get_thread(&context.sqlite_dir, id)
        .ok()
        .flatten();
    let names = recodex_state::thread_names(&context.codex_home).unwrap_or_default();
    let Some(mut thread) = thread_from_rollout(&path, &contents, row.as_ref(), names.get(id))
    else {
        return Ok(None);
    };
    if let Some(status) = crate::live::loaded_status(server, id) {
        thread.status = status;
    }
    if include_turns {
        // Read with its turns, a thread reports the index's update time.
        if let Some(row) = &row {
            thread.updated_at = row.updated_at;
        }
        thread.thread_source = rollout_thread_source(&contents);
        thread.turns = crate::turns::turns_from_rollout(&contents);
    }
    Ok(Some(thread))
}

/// `thread/read`.
pub(crate) fn read(server: &mut Processor, params: ThreadIdParams) -> Result<Reply, RpcError> {
    let id = thread_id(&params.thread_id, "thread")?;
    if let Some(thread) = stored_thread(server, &id, params.include_turns)? {
        return Ok(Reply::result(ThreadReadResponse { thread }));
    }
    match crate::live::ephemeral_thread(server, &id) {
        Some(_) if params.include_turns => Err(RpcError::invalid(
            "ephemeral threads do not support includeTurns",
        )),
        Some(thread) => Ok(Reply::result(ThreadReadResponse { thread })),
        None => Err(RpcError::invalid(format!("thread not loaded: {id}"))),
    }
}

/// `thread/archive`: the rollout moves to `archived_sessions/`.
pub(crate) fn archive(server: &mut Processor, params: ThreadIdParams) -> Result<Reply, RpcError> {
    let id = thread_id(&params.thread_id, "session")?;
    let context = &server.context;
    match recodex_state::archive_thread(&context.codex_home, &context.sqlite_dir, &id) {
        Ok(_) => {}
        Err(ArchiveError::NotFound(_)) => {
            return Err(RpcError::invalid(format!(
                "no rollout found for thread id {id}"
            )));
        }
        Err(e) => return Err(internal("failed to archive thread", e)),
    }
    let mut reply = Reply::result(ThreadArchiveResponse {});
    crate::live::unload(server, &id);
    if server.loaded.remove(&id) {
        reply.before.push(ServerNotification::ThreadStatusChanged(
            ThreadStatusChangedNotification {
                thread_id: id.clone(),
                status: ThreadStatus::NotLoaded,
            },
        ));
    }
    Ok(reply.then(ServerNotification::ThreadArchived(
        ThreadArchivedNotification { thread_id: id },
    )))
}

/// `thread/unarchive`: the rollout moves back under `sessions/` and counts as updated now.
pub(crate) fn unarchive(server: &mut Processor, params: ThreadIdParams) -> Result<Reply, RpcError> {
    let id = thread_id(&params.thread_id, "session")?;
    let context = &server.context;
    let path = match recodex_state::unarchive_thread(&context.codex_home, &context.sqlite_dir, &id)
    {
        Ok(path) => path,
        Err(ArchiveError::NotFound(_)) => {
            return Err(RpcError::invalid(format!(
                "no archived rollout found for thread id {id}"
            )));
        }
        Err(e) => return Err(internal("failed to unarchive thread", e)),
    };
    // The reference touches the file: listings then show the unarchive time.
    if let Ok(file) = File::options().append(true).open(&path) {
        let _ = file.set_modified(SystemTime::now());
    }
    let thread = stored_thread(server, &id, false)?.ok_or_else(|| {
        RpcError::invalid(format!("no archived rollout found for thread id {id}"))
    })?;
    Ok(Reply::result(ThreadUnarchiveResponse { thread }).then(
        ServerNotification::ThreadUnarchived(ThreadUnarchivedNotification { thread_id: id }),
    ))
}

/// `thread/name/set`: appended to `session_index.jsonl` and recorded as the index title.
pub(crate) fn set_name(
    server: &mut Processor,
    params: ThreadSetNameParams,
) -> Result<Reply, RpcError> {
    let id = thread_id(&params.thread_id, "thread")?;
    let name = params.name.trim();
    if name.is_empty() {
        return Err(RpcError::invalid("thread name must not be empty"));
    }
    let context = &server.context;
    let known = server.loaded.contains(&id)
        || recodex_state::find_rollout_by_id(&context.codex_home, &id).is_some()
        || recodex_state::find_archived_rollout(&context.codex_home, &id).is_some();
    if !known {
        return Err(RpcError::invalid(format!("thread not found: {id}")));
    }
    recodex_state::append_thread_name(&context.codex_home, &id, name)
        .map_err(|e| internal("failed to set thread name", e))?;
    recodex_state::set_thread_title(&context.sqlite_dir, &id, name)
        .map_err(|e| internal("failed to set thread name", e))?;
    Ok(
        Reply::result(ThreadSetNameResponse {}).then(ServerNotification::ThreadNameUpdated(
            ThreadNameUpdatedNotification {
                thread_id: id,
                thread_name: Some(name.to_owned()),
            },
        )),
    )
}

/// `thread/loaded/list`: ids in ascending order, paged after the cursor id.
pub(crate) fn loaded_list(
    server: &mut Processor,
    params: ThreadLoadedListParams,
) -> Result<Reply, RpcError> {
    let after = match params.cursor.as_deref() {
        Some(cursor) => Some(
            Uuid::parse_str(cursor)
                .map(|id| id.hyphenated().to_string())
                .map_err(|_| RpcError::invalid(format!("invalid cursor: {cursor}")))?,
        ),
        None => None,
    };
    let limit = params.limit.map_or(usize::MAX, |l| l.max(1) as usize);
    let mut ids = server
        .loaded
        .iter()
        .filter(|id| after.as_ref().is_none_or(|a| *id > a))
        .cloned();
    let data: Vec<String> = ids.by_ref().take(limit).collect();
    let next_cursor = if ids.next().is_some() {
        data.last().cloned()
    } else {
        None
    };
    Ok(Reply::result(ThreadLoadedListResponse {
        data,
        next_cursor,
    }))
}
