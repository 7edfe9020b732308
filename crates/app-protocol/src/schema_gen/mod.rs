//! Writes the app-server protocol's JSON Schema and TypeScript trees, in the layout of
//! `codex app-server generate-json-schema` / `generate-ts` (and the hidden
//! `generate-internal-json-schema`), from one static table of the protocol's types.
//!
//! The table (`crate::generated::table`, a compact text described in [`table`]) is generated
//! by `scripts/gen-app-protocol.py` from the reference's published schema alongside the serde
//! types; this module is the small interpreter that turns it into files. No derive macros per
//! type: the binary carries one string and these writers.
//!
//! The output carries no descriptions: the structure, names and values are the reference's,
//! and `tests/it/schema_tree.rs` checks them against digests of the reference's trees.
//!
//! - [`json_schema_files`] / [`write_json_schema`]: one file per message type (in the root,
//!   `v1/` or `v2/`), each with the definitions it reaches, the unions `ClientRequest`,
//!   `ServerRequest`, `ServerNotification`, `ClientNotification`, the `JSONRPC*` envelope,
//!   and the bundles `codex_app_server_protocol.schemas.json` and `.v2.schemas.json`.
//! - [`typescript_files`] / [`write_typescript`]: one `.ts` file per type (root, `v2/`,
//!   `serde_json/`) and the two `index.ts`.
//! - [`internal_json_schema_files`] / [`write_internal_json_schema`]: `RolloutLine.json`, the
//!   schema of one rollout-file line.
//!
//! `experimental: false` gives the stable API (what the reference writes without
//! `--experimental`).

mod bundle;
mod catalog;
mod json;
mod model;
mod table;
mod ts;

use std::path::{Path, PathBuf};

pub use crate::error::SchemaGenError;
use catalog::Catalog;

/// One generated file: its path relative to the output folder (`/`-separated) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, e.g. `v2/ThreadStartParams.json`.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

fn json_files(
    files: Vec<(String, serde_json::Value)>,
) -> Result<Vec<GeneratedFile>, SchemaGenError> {
    files
        .into_iter()
        .map(|(path, value)| {
            let contents = serde_json::to_string_pretty(&value).map_err(|source| {
                SchemaGenError::Serialize {
                    path: path.clone(),
                    source,
                }
            })?;
            Ok(GeneratedFile { path, contents })
        })
        .collect()
}

/// The JSON Schema folder, stable or experimental.
pub fn json_schema_files(experimental: bool) -> Result<Vec<GeneratedFile>, SchemaGenError> {
    json_files(bundle::json_tree(&Catalog::new()?, experimental)?)
}

/// The TypeScript folder, stable or experimental.
pub fn typescript_files(experimental: bool) -> Result<Vec<GeneratedFile>, SchemaGenError> {
    let files = ts::ts_tree(&Catalog::new()?, experimental)?;
    Ok(files
        .into_iter()
        .map(|(path, contents)| GeneratedFile { path, contents })
        .collect())
}

/// The internal JSON Schema folder (`RolloutLine.json`).
pub fn internal_json_schema_files() -> Result<Vec<GeneratedFile>, SchemaGenError> {
    json_files(bundle::internal_tree(&Catalog::new()?)?)
}

/// Writes [`json_schema_files`] under `dir` (created if missing).
pub fn write_json_schema(dir: &Path, experimental: bool) -> Result<(), SchemaGenError> {
    write_all(dir, &json_schema_files(experimental)?)
}

/// Writes [`typescript_files`] under `dir` (created if missing).
pub fn write_typescript(dir: &Path, experimental: bool) -> Result<(), SchemaGenError> {
    write_all(dir, &typescript_files(experimental)?)
}

/// Writes [`internal_json_schema_files`] under `dir` (created if missing).
pub fn write_internal_json_schema(dir: &Path) -> Result<(), SchemaGenError> {
    write_all(dir, &internal_json_schema_files()?)
}

fn write_all(dir: &Path, files: &[GeneratedFile]) -> Result<(), SchemaGenError> {
    for f in files {
        let path: PathBuf = f
            .path
            .split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| SchemaGenError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, &f.contents)
            .map_err(|source| SchemaGenError::Write { path, source })?;
    }
    Ok(())
}
