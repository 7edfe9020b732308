//! Archiving a thread: its rollout moves from `sessions/YYYY/MM/DD/` to
//! `archived_sessions/` (and back), and its row in `state_5.sqlite` records the state
//! (`archived`, `archived_at`, the new `rollout_path`). A thread the index does not know
//! yet is indexed from its rollout first, as the reference does.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::params;

use crate::db::{DbKind, open_db};
use crate::error::StateError;
use crate::rollout::{SESSIONS_DIR, parse_rollout_file_name};
use crate::threads::upsert_on_conn;

/// Where archived rollouts live, under CODEX_HOME.
pub const ARCHIVED_SESSIONS_DIR: &str = "archived_sessions";

/// Why a thread could not be archived or unarchived.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// No rollout of that thread where it should be.
    #[error("no rollout found for thread {0}")]
    NotFound(String),
    /// Moving the rollout failed (nothing was changed).
    #[error("failed to move {from} to {to}: {source}")]
    Move {
        /// The rollout.
        from: PathBuf,
        /// Its destination.
        to: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The index could not be updated (the rollout has moved).
    #[error(transparent)]
    State(#[from] StateError),
}

/// The archived rollout of thread `id`, if any.
pub fn find_archived_rollout(codex_home: &Path, id: &str) -> Option<PathBuf> {
    let id = id.to_ascii_lowercase();
    let entries = std::fs::read_dir(codex_home.join(ARCHIVED_SESSIONS_DIR)).ok()?;
    entries.flatten().map(|e| e.path()).find(|path| {
        path.file_name()
            .and_then(|n| n.to_str())
            .and_then(parse_rollout_file_name)
            .is_some_and(|(_, thread)| thread.to_string() == id)
    })
}

/// The sources whose threads a name can find: the interactive front ends (the reference
/// lists threads for a name with its resume filter, which leaves out `exec`, app-server
/// and sub-agent threads).
const NAMEABLE_SOURCES: [&str; 2] = ["cli", "vscode"];

/// The id of the thread named `name` (its current name in `session_index.jsonl`) among
/// the archived (`archived == true`) or active threads of an interactive source; when
/// several share the name, the most recently updated.
pub fn find_thread_by_name(
    codex_home: &Path,
    name: &str,
    archived: bool,
) -> std::io::Result<Option<String>> {
    let names = crate::names::thread_names(codex_home)?;
    let rollouts = if archived {
        std::fs::read_dir(codex_home.join(ARCHIVED_SESSIONS_DIR))
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    } else {
        crate::rollout::list_rollouts(codex_home)
    };
    let newest = rollouts
        .into_iter()
        .filter_map(|path| {
            let file = path.file_name()?.to_str()?.to_owned();
            let (_, id) = parse_rollout_file_name(&file)?;
            let id = id.to_string();
            if names.get(&id).map(String::as_str) != Some(name) {
                return None;
            }
            let meta = crate::rollout::session_meta(&path)?;
            let source = meta["source"].as_str()?;
            NAMEABLE_SOURCES.contains(&source).then_some(())?;
            let updated = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
            Some((updated, id))
        })
        .max_by_key(|(updated, _)| *updated);
    Ok(newest.map(|(_, id)| id))
}

/// Moves thread `id`'s rollout into `archived_sessions/` and marks it archived in the
/// index in `sqlite_dir`. Returns the new path.
pub fn archive_thread(
    codex_home: &Path,
    sqlite_dir: &Path,
    id: &str,
) -> Result<PathBuf, ArchiveError> {
    let from = crate::rollout::find_rollout_by_id(codex_home, id)
        .ok_or_else(|| ArchiveError::NotFound(id.to_owned()))?;
    let to = codex_home
        .join(ARCHIVED_SESSIONS_DIR)
        .join(file_name(&from));
    move_rollout(&from, &to)?;
    record(sqlite_dir, id, &to, Some(Utc::now().timestamp()))?;
    Ok(to)
}

/// Moves thread `id`'s archived rollout back to `sessions/YYYY/MM/DD/` (the date of its
/// name) and marks it active in the index. Returns the new path.
pub fn unarchive_thread(
    codex_home: &Path,
    sqlite_dir: &Path,
    id: &str,
) -> Result<PathBuf, ArchiveError> {
    let from = find_archived_rollout(codex_home, id)
        .ok_or_else(|| ArchiveError::NotFound(id.to_owned()))?;
    let name = file_name(&from);
    let (started, _) =
        parse_rollout_file_name(&name).ok_or_else(|| ArchiveError::NotFound(id.to_owned()))?;
    let to = codex_home
        .join(SESSIONS_DIR)
        .join(started.format("%Y/%m/%d").to_string())
        .join(&name);
    move_rollout(&from, &to)?;
    record(sqlite_dir, id, &to, None)?;
    Ok(to)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Renames `from` to `to` (creating its directory), never replacing an existing file.
fn move_rollout(from: &Path, to: &Path) -> Result<(), ArchiveError> {
    let error = |source| ArchiveError::Move {
        from: from.to_path_buf(),
        to: to.to_path_buf(),
        source,
    };
    if to.exists() {
        return Err(error(std::io::Error::from(
            std::io::ErrorKind::AlreadyExists,
        )));
    }
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(error)?;
    }
    std::fs::rename(from, to).map_err(error)
}

/// Sets the thread's archive state and rollout path, indexing it from the rollout first
/// when the index has no row for it.
fn record(
    sqlite_dir: &Path,
    id: &str,
    rollout: &Path,
    archived_at: Option<i64>,
) -> Result<(), StateError> {
    let conn = open_db(sqlite_dir, DbKind::State)?;
    let db = sqlite_dir.join(DbKind::State.file_name());
    let sql_error = |source| StateError::Sqlite {
        path: db.clone(),
        source,
    };
    let known: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM threads WHERE id = ?1",
            params![id],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql_error)?
        > 0;
    if !known && let Some(row) = crate::backfill::row_from_rollout(id, rollout) {
        upsert_on_conn(&conn, &db, &row)?;
    }
    conn.execute(
        "UPDATE threads SET archived = ?2, archived_at = ?3, rollout_path = ?4 WHERE id = ?1",
        params![
            id,
            i64::from(archived_at.is_some()),
            archived_at,
            rollout.display().to_string()
        ],
    )
    .map_err(sql_error)?;
    if archived_at.is_none() {
        // Unarchiving counts as an update, as in the reference.
        let now = Utc::now();
        conn.execute(
            "UPDATE threads SET updated_at = ?2, updated_at_ms = ?3 WHERE id = ?1",
            params![id, now.timestamp(), now.timestamp_millis()],
        )
        .map_err(sql_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "01a213c5-2486-73fa-ba34-fe5112c156d6";

    fn rollout(home: &Path) -> PathBuf {
        let dir = home.join("sessions/2026/11/25");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("rollout-2026-11-25T17-33-36-{ID}.jsonl"));
        std::fs::write(
            &path,
            format!(
                "{{\"timestamp\":\"2026-11-25T17:33:36.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{ID}\",\"cwd\":\"/w\",\"source\":\"exec\",\"model_provider\":\"mock\"}}}}\n\
                 {{\"timestamp\":\"2026-11-25T17:33:37.000Z\",\"type\":\"event_msg\",\"payload\":{{\"type\":\"user_message\",\"message\":\"hi\"}}}}\n"
            ),
        )
        .unwrap();
        path
    }

    fn state(dir: &Path) -> (i64, Option<i64>, String, String) {
        let conn = open_db(dir, DbKind::State).unwrap();
        conn.query_row(
            "SELECT archived, archived_at, rollout_path, first_user_message FROM threads WHERE id = ?1",
            params![ID],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    }

    #[test]
    fn archive_moves_the_rollout_and_indexes_an_unknown_thread() {
        let home = tempfile::tempdir().unwrap();
        let original = rollout(home.path());
        let bytes = std::fs::read(&original).unwrap();
        let archived = archive_thread(home.path(), home.path(), ID).unwrap();
        assert_eq!(
            archived,
            home.path()
                .join("archived_sessions")
                .join(original.file_name().unwrap())
        );
        assert!(!original.exists());
        assert_eq!(
            std::fs::read(&archived).unwrap(),
            bytes,
            "the rollout is moved, not rewritten"
        );
        let (flag, at, path, first) = state(home.path());
        assert_eq!(
            (flag, path, first.as_str()),
            (1, archived.display().to_string(), "hi")
        );
        assert!(at.is_some());
        // Archiving again finds nothing to archive.
        assert!(matches!(
            archive_thread(home.path(), home.path(), ID),
            Err(ArchiveError::NotFound(_))
        ));

        let restored = unarchive_thread(home.path(), home.path(), ID).unwrap();
        assert_eq!(restored, original);
        assert_eq!(std::fs::read(&restored).unwrap(), bytes);
        let (flag, at, path, _) = state(home.path());
        assert_eq!((flag, at, path), (0, None, original.display().to_string()));
        assert!(matches!(
            unarchive_thread(home.path(), home.path(), ID),
            Err(ArchiveError::NotFound(_))
        ));
    }

    #[test]
    fn names_find_interactive_threads_in_the_right_place() {
        let home = tempfile::tempdir().unwrap();
        let path = rollout(home.path());
        crate::names::append_thread_name(home.path(), ID, "old").unwrap();
        crate::names::append_thread_name(home.path(), ID, "mine").unwrap();
        // An exec thread is not found by name.
        assert_eq!(
            find_thread_by_name(home.path(), "mine", false).unwrap(),
            None
        );
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("\"exec\"", "\"cli\"")).unwrap();
        assert_eq!(
            find_thread_by_name(home.path(), "mine", false)
                .unwrap()
                .as_deref(),
            Some(ID)
        );
        assert_eq!(
            find_thread_by_name(home.path(), "old", false).unwrap(),
            None
        );
        assert_eq!(
            find_thread_by_name(home.path(), "mine", true).unwrap(),
            None
        );
        archive_thread(home.path(), home.path(), ID).unwrap();
        assert_eq!(
            find_thread_by_name(home.path(), "mine", false).unwrap(),
            None
        );
        assert_eq!(
            find_thread_by_name(home.path(), "mine", true)
                .unwrap()
                .as_deref(),
            Some(ID)
        );
    }

    #[test]
    fn an_existing_destination_is_never_replaced() {
        let home = tempfile::tempdir().unwrap();
        let original = rollout(home.path());
        let dest = home.path().join("archived_sessions");
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::write(dest.join(original.file_name().unwrap()), "other").unwrap();
        assert!(matches!(
            archive_thread(home.path(), home.path(), ID),
            Err(ArchiveError::Move { .. })
        ));
        assert!(original.exists());
        assert_eq!(
            std::fs::read_to_string(dest.join(original.file_name().unwrap())).unwrap(),
            "other"
        );
    }
}
