//! Errors of this crate.

use std::path::PathBuf;

/// Why a schema tree could not be generated or written.
#[derive(Debug, thiserror::Error)]
pub enum SchemaGenError {
    /// The type table does not parse (a generator bug).
    #[error("type table line {line}: {message}")]
    Table {
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The type table refers to a type it does not hold (a generator bug).
    #[error("type table refers to unknown type {name}")]
    UnknownType {
        /// `Ns::Name` of the missing type.
        name: String,
    },
    /// A field's default value in the type table is not JSON (a generator bug).
    #[error("type table holds a default that is not JSON: {text}")]
    BadDefault {
        /// The default's text.
        text: String,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// A schema could not be serialized.
    #[error("cannot serialize {path}")]
    Serialize {
        /// The file being written.
        path: String,
        /// The serializer's error.
        source: serde_json::Error,
    },
    /// A file or folder could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}
