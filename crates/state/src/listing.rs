//! Reading the thread index: one thread by id, or the threads matching a query in
//! creation or update order, as the thread pickers and `thread/list` read them.

use std::path::Path;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Row, params_from_iter};

use crate::db::{DbKind, open_db};
use crate::error::StateError;

/// A thread as the index stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredThread {
    /// Thread id.
    pub id: String,
    /// Its rollout file.
    pub rollout_path: String,
    /// Creation, Unix seconds.
    pub created_at: i64,
    /// Last update, Unix seconds.
    pub updated_at: i64,
    /// Creation, Unix milliseconds (the seconds column when the row has no milliseconds).
    pub created_at_ms: i64,
    /// Last update, Unix milliseconds (likewise).
    pub updated_at_ms: i64,
    /// `exec`, `cli`, `vscode`, `mcp`, or a sub-agent source as JSON.
    pub source: String,
    /// Provider id.
    pub model_provider: String,
    /// Working directory.
    pub cwd: String,
    /// Title (the first user message unless renamed).
    pub title: String,
    /// Preview text.
    pub preview: String,
    /// The first user message.
    pub first_user_message: String,
    /// Version of the CLI that wrote the thread.
    pub cli_version: String,
    /// `user`, `subagent`, ...
    pub thread_source: Option<String>,
    /// A sub-agent's nickname.
    pub agent_nickname: Option<String>,
    /// A sub-agent's role.
    pub agent_role: Option<String>,
    /// Commit at creation.
    pub git_sha: Option<String>,
    /// Branch at creation.
    pub git_branch: Option<String>,
    /// `origin` URL at creation.
    pub git_origin_url: Option<String>,
    /// Whether the thread is archived.
    pub archived: bool,
}

/// Which timestamp orders a listing (and what a position in it is compared with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Creation, whole seconds.
    #[default]
    CreatedAt,
    /// Creation, milliseconds.
    CreatedAtMs,
    /// Last update, milliseconds.
    UpdatedAtMs,
}

impl SortKey {
    fn expression(self) -> &'static str {
        match self {
            Self::CreatedAt => "(created_at * 1000)",
            Self::CreatedAtMs => "COALESCE(created_at_ms, created_at * 1000)",
            Self::UpdatedAtMs => "COALESCE(updated_at_ms, updated_at * 1000)",
        }
    }
}

/// What to list. Threads come ordered by the sort key, then id, in the chosen direction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadQuery {
    /// Archived threads instead of live ones.
    pub archived: bool,
    /// Ordering timestamp.
    pub sort_key: SortKey,
    /// Oldest first instead of newest first.
    pub ascending: bool,
    /// Keep only these providers (empty: all).
    pub providers: Vec<String>,
    /// Keep only these working directories (empty: all).
    pub cwds: Vec<String>,
    /// Keep only threads whose title or first user message contains this text
    /// (case-sensitive), or whose id is in `search_ids`.
    pub search: Option<String>,
    /// Threads that match `search` by other means (their name in `session_index.jsonl`).
    pub search_ids: Vec<String>,
    /// Keep only threads whose sort timestamp (milliseconds) is strictly past this one
    /// in the chosen direction.
    pub after_ms: Option<i64>,
}

const COLUMNS: &str = "id, rollout_path, created_at, updated_at, source, model_provider, cwd, title, \
     preview, first_user_message, cli_version, thread_source, agent_nickname, agent_role, git_sha, \
     git_branch, git_origin_url, archived, COALESCE(created_at_ms, created_at * 1000), \
     COALESCE(updated_at_ms, updated_at * 1000)";

fn stored(row: &Row<'_>) -> rusqlite::Result<StoredThread> {
    Ok(StoredThread {
        id: row.get(0)?,
        rollout_path: row.get(1)?,
        created_at: row.get(2)?,
        updated_at: row.get(3)?,
        source: row.get(4)?,
        model_provider: row.get(5)?,
        cwd: row.get(6)?,
        title: row.get(7)?,
        preview: row.get(8)?,
        first_user_message: row.get(9)?,
        cli_version: row.get(10)?,
        thread_source: row.get(11)?,
        agent_nickname: row.get(12)?,
        agent_role: row.get(13)?,
        git_sha: row.get(14)?,
        git_branch: row.get(15)?,
        git_origin_url: row.get(16)?,
        archived: row.get::<_, i64>(17)? != 0,
        created_at_ms: row.get(18)?,
        updated_at_ms: row.get(19)?,
    })
}

/// The index's row for thread `id`, if it has one.
pub fn get_thread(dir: &Path, id: &str) -> Result<Option<StoredThread>, StateError> {
    let conn = open_db(dir, DbKind::State)?;
    let path = dir.join(DbKind::State.file_name());
    let sql = format!("SELECT {COLUMNS} FROM threads WHERE id = ?1");
    match conn.query_row(&sql, [id], stored) {
        Ok(thread) => Ok(Some(thread)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(source) => Err(StateError::Sqlite { path, source }),
    }
}

/// Sets thread `id`'s title (its user-facing name) in the index. A thread the index
/// does not list is left alone.
pub fn set_thread_title(dir: &Path, id: &str, title: &str) -> Result<(), StateError> {
    let conn = open_db(dir, DbKind::State)?;
    conn.execute("UPDATE threads SET title = ?2 WHERE id = ?1", [id, title])
        .map_err(|source| StateError::Sqlite {
            path: dir.join(DbKind::State.file_name()),
            source,
        })?;
    Ok(())
}

/// Brings the index's update times in line with the rollout files' modification times
/// (milliseconds), as the reference repairs them when it lists threads, so that update
/// order and its cursors agree with what the files say. Rows whose file is gone are left
/// alone. Returns how many rows changed.
pub fn sync_update_times(dir: &Path, archived: bool) -> Result<usize, StateError> {
    let mut conn = open_db(dir, DbKind::State)?;
    let path = dir.join(DbKind::State.file_name());
    let sql_error = |source| StateError::Sqlite {
        path: path.clone(),
        source,
    };
    let stale: Vec<(String, i64)> = {
        let mut statement = conn
            .prepare(
                "SELECT id, rollout_path, COALESCE(updated_at_ms, updated_at * 1000) \
                 FROM threads WHERE archived = ?1",
            )
            .map_err(sql_error)?;
        let rows = statement
            .query_map([i64::from(archived)], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .map_err(sql_error)?;
        rows.filter_map(Result::ok)
            .filter_map(|(id, rollout, recorded)| {
                let modified = std::fs::metadata(&rollout)
                    .and_then(|m| m.modified())
                    .ok()?;
                let ms = modified
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?
                    .as_millis() as i64;
                (ms != recorded).then_some((id, ms))
            })
            .collect()
    };
    if stale.is_empty() {
        return Ok(0);
    }
    let tx = conn.transaction().map_err(sql_error)?;
    for (id, ms) in &stale {
        tx.execute(
            "UPDATE threads SET updated_at = ?2, updated_at_ms = ?3 WHERE id = ?1",
            rusqlite::params![id, ms.div_euclid(1000), ms],
        )
        .map_err(sql_error)?;
    }
    tx.commit().map_err(sql_error)?;
    Ok(stale.len())
}

/// Calls `visit` with each thread matching `query`, in order, until it returns `false`.
pub fn visit_threads(
    dir: &Path,
    query: &ThreadQuery,
    mut visit: impl FnMut(StoredThread) -> bool,
) -> Result<(), StateError> {
    let conn = open_db(dir, DbKind::State)?;
    let path = dir.join(DbKind::State.file_name());
    let sql_error = |source| StateError::Sqlite {
        path: path.clone(),
        source,
    };
    let key = query.sort_key.expression();
    let (direction, after_op) = if query.ascending {
        ("ASC", ">")
    } else {
        ("DESC", "<")
    };
    let mut clauses = vec!["archived = ?".to_owned()];
    let mut args: Vec<SqlValue> = vec![SqlValue::Integer(i64::from(query.archived))];
    let mut any_of = |column: &str, values: &[String], args: &mut Vec<SqlValue>| {
        if !values.is_empty() {
            let marks = vec!["?"; values.len()].join(", ");
            clauses.push(format!("{column} IN ({marks})"));
            args.extend(values.iter().cloned().map(SqlValue::Text));
        }
    };
    any_of("model_provider", &query.providers, &mut args);
    any_of("cwd", &query.cwds, &mut args);
    if let Some(term) = query.search.as_deref().filter(|t| !t.is_empty()) {
        let mut clause = "(instr(title, ?) > 0 OR instr(first_user_message, ?) > 0".to_owned();
        args.push(SqlValue::Text(term.to_owned()));
        args.push(SqlValue::Text(term.to_owned()));
        if !query.search_ids.is_empty() {
            clause.push_str(&format!(
                " OR id IN ({})",
                vec!["?"; query.search_ids.len()].join(", ")
            ));
            args.extend(query.search_ids.iter().cloned().map(SqlValue::Text));
        }
        clause.push(')');
        clauses.push(clause);
    }
    if let Some(at) = query.after_ms {
        clauses.push(format!("{key} {after_op} ?"));
        args.push(SqlValue::Integer(at));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM threads WHERE {} ORDER BY {key} {direction}, id {direction}",
        clauses.join(" AND ")
    );
    let mut statement = conn.prepare(&sql).map_err(sql_error)?;
    let mut rows = statement.query(params_from_iter(args)).map_err(sql_error)?;
    while let Some(row) = rows.next().map_err(sql_error)? {
        if !visit(stored(row).map_err(sql_error)?) {
            break;
        }
    }
    Ok(())
}
