//! Errors of the state layer.

use std::path::PathBuf;

/// Why a state database could not be opened or prepared.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// SQLite refused an operation on the named database.
    #[error("state database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was created by an older release than the schema we write, and
    /// lacks migrations we cannot replay.
    #[error(
        "state database {path} is missing migration {version} ({description}); open it once with codex 0.136.0 to upgrade it"
    )]
    MissingMigration {
        /// The database file.
        path: PathBuf,
        /// The first missing migration.
        version: i64,
        /// Its description.
        description: String,
    },
    /// A migration row disagrees with ours: the file belongs to another program or
    /// another branch of the schema.
    #[error("state database {path}: migration {version} has an unexpected checksum")]
    ChecksumMismatch {
        /// The database file.
        path: PathBuf,
        /// The migration.
        version: i64,
    },
}
