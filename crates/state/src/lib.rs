//! Persistent state under CODEX_HOME: the four SQLite databases (`state_5.sqlite`,
//! `logs_2.sqlite`, `goals_1.sqlite`, `memories_1.sqlite`), `history.jsonl` and rollout files.
//!
//! The databases must be interchangeable with the reference's: a database created here
//! is opened by codex 0.136.0 without re-migrating, and one created by the reference is
//! opened here. The reference manages them with sqlx migrations, so a database holds an
//! `_sqlx_migrations` table whose rows (version, description, SHA-384 checksum of each
//! migration script) sqlx checks on open. We create the final schema directly, with the
//! same statements SQLite records for the reference's databases, and write the same
//! migration rows. Rollout files are written append-only and read back tolerantly; the
//! thread index arrives with its issue.

mod archive;
mod backfill;
mod db;
mod error;
mod goals;
mod history;
mod installation;
mod listing;
mod names;
mod rollout;
mod threads;

pub use archive::{
    ARCHIVED_SESSIONS_DIR, ArchiveError, archive_thread, find_archived_rollout,
    find_thread_by_name, unarchive_thread,
};
pub use backfill::{backfill_threads, index_rollout, reconcile_recent};
pub use db::{DbKind, open_db, sqlite_home};

/// The CLI version recorded in rows and files (the reference's).
pub const CLI_VERSION: &str = "0.136.0";
pub use error::StateError;
pub use goals::{Goal, GoalStore};
pub use history::{HISTORY_FILE, HistoryEntry, HistoryError, append_entry, read_entries};
pub use installation::{INSTALLATION_ID_FILE, installation_id};
pub use listing::{
    SortKey, StoredThread, ThreadQuery, get_thread, set_thread_title, sync_update_times,
    visit_threads,
};
pub use names::{
    SESSION_INDEX_FILE, SessionIndexEntry, append_thread_name, read_session_index, thread_names,
    threads_named,
};
pub use rollout::{
    RolloutContents, RolloutItem, RolloutLine, RolloutWriter, SESSIONS_DIR, SkippedLine,
    find_latest_rollout, find_rollout_by_id, find_rollout_by_name, format_timestamp, list_rollouts,
    parse_rollout_file_name, read_rollout, rollout_path,
};
pub use threads::{ThreadIndex, ThreadRow, upsert_thread};
