//! The thread index: one row per thread in `state_5.sqlite`'s `threads` table, which
//! the reference uses to list and resume sessions.

use std::path::Path;

use rusqlite::params;

use crate::db::{DbKind, open_db};
use crate::error::StateError;

/// What the index records about a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRow {
    /// Thread id.
    pub id: String,
    /// Absolute path of its rollout.
    pub rollout_path: String,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: i64,
    /// Last update, Unix milliseconds.
    pub updated_at_ms: i64,
    /// `exec`, `cli`, `vscode`, `mcp`, or a sub-agent's source object as JSON.
    pub source: String,
    /// `user`, or `subagent` for a thread another thread spawned.
    pub thread_source: Option<String>,
    /// A sub-agent's nickname.
    pub agent_nickname: Option<String>,
    /// A sub-agent's role (`agent_type`), when one was given.
    pub agent_role: Option<String>,
    /// Provider id.
    pub model_provider: String,
    /// Working directory.
    pub cwd: String,
    /// The first user message (also the title and preview).
    pub first_user_message: String,
    /// The permission profile, as JSON.
    pub sandbox_policy: String,
    /// Approval policy (`never`, `on-request`, ...).
    pub approval_mode: String,
    /// Total tokens used so far.
    pub tokens_used: i64,
    /// Model slug.
    pub model: String,
    /// Reasoning effort, when configured.
    pub reasoning_effort: Option<String>,
    /// Git commit at creation (`session_meta.git.commit_hash`).
    pub git_sha: Option<String>,
    /// Git branch at creation.
    pub git_branch: Option<String>,
    /// `origin` URL at creation.
    pub git_origin_url: Option<String>,
}

impl ThreadRow {
    /// Fills the git columns from a `session_meta.git` object.
    pub fn set_git(&mut self, git: &serde_json::Value) {
        let text = |key: &str| git[key].as_str().map(str::to_owned);
        self.git_sha = text("commit_hash");
        self.git_branch = text("branch");
        self.git_origin_url = text("repository_url");
    }
}

/// An open `state_5.sqlite`, kept for the life of a session so that each turn's index
/// update is one statement (the database is created or verified once, on open).
#[derive(Debug)]
pub struct ThreadIndex {
    conn: rusqlite::Connection,
    path: std::path::PathBuf,
}

impl ThreadIndex {
    /// Opens (creating or verifying) the state database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        Ok(Self {
            conn: open_db(dir, DbKind::State)?,
            path: dir.join(DbKind::State.file_name()),
        })
    }

    /// Inserts the thread, or updates its `updated_at*` and `tokens_used` if it exists.
    pub fn upsert(&self, row: &ThreadRow) -> Result<(), StateError> {
        upsert_on_conn(&self.conn, &self.path, row)
    }

    /// Records that `parent` spawned `child`, or changes the edge's status (`open`,
    /// `closed`), in `thread_spawn_edges`.
    pub fn set_spawn_edge(
        &self,
        parent: &str,
        child: &str,
        status: &str,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO thread_spawn_edges (parent_thread_id, child_thread_id, status) \
                 VALUES (?1, ?2, ?3) ON CONFLICT(child_thread_id) DO UPDATE SET status = excluded.status",
                params![parent, child, status],
            )
            .map_err(|source| StateError::Sqlite {
                path: self.path.clone(),
                source,
            })?;
        Ok(())
    }
}

/// Inserts or updates one thread row, opening the database for this call only.
pub fn upsert_thread(dir: &Path, row: &ThreadRow) -> Result<(), StateError> {
    ThreadIndex::open(dir)?.upsert(row)
}

pub(crate) fn upsert_on_conn(
    conn: &rusqlite::Connection,
    path: &Path,
    row: &ThreadRow,
) -> Result<(), StateError> {
    conn.execute(
        "INSERT INTO threads (id, rollout_path, created_at, updated_at, source, model_provider, cwd, title, \
         sandbox_policy, approval_mode, tokens_used, has_user_event, archived, cli_version, first_user_message, \
         memory_mode, model, reasoning_effort, created_at_ms, updated_at_ms, thread_source, preview, agent_nickname, agent_role, \
         git_sha, git_branch, git_origin_url) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, ?12, ?8, 'enabled', ?13, ?14, ?15, ?16, ?17, ?8, ?18, ?19, \
         ?20, ?21, ?22) \
         ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, updated_at_ms = excluded.updated_at_ms, \
         tokens_used = excluded.tokens_used",
        params![
            row.id,
            row.rollout_path,
            row.created_at_ms / 1000,
            row.updated_at_ms / 1000,
            row.source,
            row.model_provider,
            row.cwd,
            row.first_user_message,
            row.sandbox_policy,
            row.approval_mode,
            row.tokens_used,
            crate::CLI_VERSION,
            row.model,
            row.reasoning_effort,
            row.created_at_ms,
            row.updated_at_ms,
            row.thread_source,
            row.agent_nickname,
            row.agent_role,
            row.git_sha,
            row.git_branch,
            row.git_origin_url,
        ],
    )
    .map_err(|source| StateError::Sqlite { path: path.to_path_buf(), source })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ThreadRow {
        ThreadRow {
            id: "01a20ac7-212c-7bb2-9c36-25fe32fc6c98".into(),
            rollout_path: "/h/sessions/r.jsonl".into(),
            created_at_ms: 1_795_477_152_044,
            updated_at_ms: 1_795_477_152_168,
            source: "exec".into(),
            thread_source: Some("user".into()),
            agent_nickname: None,
            agent_role: None,
            model_provider: "mock".into(),
            cwd: "/w".into(),
            first_user_message: "Say hello".into(),
            sandbox_policy: "{}".into(),
            approval_mode: "never".into(),
            tokens_used: 112,
            model: "gpt-5.1-codex".into(),
            reasoning_effort: None,
            git_sha: None,
            git_branch: None,
            git_origin_url: None,
        }
    }

    #[test]
    fn spawn_edges_are_recorded_and_closed() {
        let dir = tempfile::tempdir().unwrap();
        let index = ThreadIndex::open(dir.path()).unwrap();
        index.set_spawn_edge("p", "c", "open").unwrap();
        index.set_spawn_edge("p", "c", "closed").unwrap();
        let conn = open_db(dir.path(), DbKind::State).unwrap();
        let rows: Vec<(String, String, String)> = conn
            .prepare("SELECT parent_thread_id, child_thread_id, status FROM thread_spawn_edges")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, [("p".into(), "c".into(), "closed".into())]);
    }

    #[test]
    fn rows_match_the_reference_shape_and_update_in_place() {
        let dir = tempfile::tempdir().unwrap();
        upsert_thread(dir.path(), &row()).unwrap();
        let mut later = row();
        later.updated_at_ms += 5000;
        later.tokens_used = 224;
        upsert_thread(dir.path(), &later).unwrap();
        let conn = open_db(dir.path(), DbKind::State).unwrap();
        let got: (String, i64, i64, String, String, String, i64, String, String, i64) = conn
            .query_row(
                "SELECT title, created_at, updated_at, preview, first_user_message, thread_source, tokens_used, \
                 memory_mode, cli_version, created_at_ms FROM threads",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?)),
            )
            .unwrap();
        assert_eq!(
            got,
            (
                "Say hello".into(),
                1_795_477_152,
                1_795_477_157,
                "Say hello".into(),
                "Say hello".into(),
                "user".into(),
                224,
                "enabled".into(),
                "0.136.0".into(),
                1_795_477_152_044
            )
        );
    }
}
