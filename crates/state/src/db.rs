//! Creating and opening the SQLite databases.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;

use crate::error::StateError;

/// The databases the reference keeps in CODEX_HOME (or `CODEX_SQLITE_HOME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    /// Thread index, dynamic tools, backfill, agent jobs, spawn edges, remote control.
    State,
    /// Structured logs.
    Logs,
    /// Thread goals.
    Goals,
    /// Memory extraction jobs and outputs.
    Memories,
}

/// One applied migration as sqlx records it.
#[derive(Debug, Clone, Deserialize)]
struct Migration {
    version: i64,
    description: String,
    /// SHA-384 of the migration script, hex.
    checksum: String,
}

impl DbKind {
    /// Every kind, in the order the reference creates them.
    pub const ALL: [DbKind; 4] = [DbKind::State, DbKind::Logs, DbKind::Goals, DbKind::Memories];

    /// The database's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            DbKind::State => "state_5.sqlite",
            DbKind::Logs => "logs_2.sqlite",
            DbKind::Goals => "goals_1.sqlite",
            DbKind::Memories => "memories_1.sqlite",
        }
    }

    /// The final schema, as SQLite records it for the reference's databases.
    fn schema(self) -> &'static str {
        match self {
            DbKind::State => include_str!("schema/state_5.sql"),
            DbKind::Logs => include_str!("schema/logs_2.sql"),
            DbKind::Goals => include_str!("schema/goals_1.sql"),
            DbKind::Memories => include_str!("schema/memories_1.sql"),
        }
    }

    fn migrations(self) -> &'static [Migration] {
        static CELLS: [OnceLock<Vec<Migration>>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let (index, text) = match self {
            DbKind::State => (0, include_str!("schema/state_5.migrations.json")),
            DbKind::Logs => (1, include_str!("schema/logs_2.migrations.json")),
            DbKind::Goals => (2, include_str!("schema/goals_1.migrations.json")),
            DbKind::Memories => (3, include_str!("schema/memories_1.migrations.json")),
        };
        // The JSON is compiled in and checked by the tests, so a parse failure cannot
        // happen in a build that passed them; an empty list would only skip checks.
        CELLS[index].get_or_init(|| serde_json::from_str(text).unwrap_or_default())
    }
}

/// The directory holding the databases: `CODEX_SQLITE_HOME` when set (passed in by the
/// caller), else CODEX_HOME.
pub fn sqlite_home(codex_home: &Path, sqlite_home_env: Option<&str>) -> PathBuf {
    match sqlite_home_env.filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => codex_home.to_path_buf(),
    }
}

/// The table sqlx keeps its bookkeeping in; same text as sqlx creates.
const MIGRATIONS_TABLE: &str = "CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);";

/// Opens (creating when missing) the database `kind` in `dir`, in WAL mode. A new
/// database gets the whole schema and sqlx's migration rows in one transaction; an
/// existing one is checked: every migration we know must be applied with the same
/// checksum (newer migrations written by a newer codex are fine).
pub fn open_db(dir: &Path, kind: DbKind) -> Result<Connection, StateError> {
    let path = dir.join(kind.file_name());
    let wrap = |source| StateError::Sqlite {
        path: path.clone(),
        source,
    };
    let mut conn = Connection::open(&path).map_err(wrap)?;
    conn.pragma_update(None, "journal_mode", "wal")
        .map_err(wrap)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(wrap)?;
    let has_table: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(wrap)?;
    if has_table.is_none() {
        create(&mut conn, kind).map_err(wrap)?;
    } else {
        verify(&conn, kind, &path)?;
    }
    Ok(conn)
}

fn create(conn: &mut Connection, kind: DbKind) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute_batch(MIGRATIONS_TABLE)?;
    tx.execute_batch(kind.schema())?;
    for m in kind.migrations() {
        let checksum = hex::decode(&m.checksum).unwrap_or_default();
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?1, ?2, 1, ?3, 0)",
            params![m.version, m.description, checksum],
        )?;
    }
    tx.commit()
}

fn verify(conn: &Connection, kind: DbKind, path: &Path) -> Result<(), StateError> {
    let wrap = |source| StateError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let mut stmt = conn
        .prepare("SELECT checksum FROM _sqlx_migrations WHERE version = ?1 AND success = 1")
        .map_err(wrap)?;
    for m in kind.migrations() {
        let found: Option<Vec<u8>> = stmt
            .query_row(params![m.version], |row| row.get(0))
            .optional()
            .map_err(wrap)?;
        match found {
            None => {
                return Err(StateError::MissingMigration {
                    path: path.to_path_buf(),
                    version: m.version,
                    description: m.description.clone(),
                });
            }
            Some(sum) if hex::encode(&sum) != m.checksum => {
                return Err(StateError::ChecksumMismatch {
                    path: path.to_path_buf(),
                    version: m.version,
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
