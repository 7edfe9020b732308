//! Thread names: `$CODEX_HOME/session_index.jsonl`, an append-only log of renames, one
//! JSON object a line: `{"id":"<thread id>","thread_name":"<name>","updated_at":"<RFC 3339>"}`.
//!
//! The newest line for an id holds its current name, so an older name stops naming the
//! thread once it is renamed. Lines that are not such objects (garbage, a torn last line,
//! invalid UTF-8) are skipped, never repaired: the file belongs to every binary sharing
//! CODEX_HOME and is only ever appended to.

use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// File name inside CODEX_HOME.
pub const SESSION_INDEX_FILE: &str = "session_index.jsonl";

/// One line of session_index.jsonl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionIndexEntry {
    /// The thread.
    pub id: String,
    /// Its name from this point on.
    pub thread_name: String,
    /// When it was named (RFC 3339).
    pub updated_at: String,
}

/// The entries of `codex_home/session_index.jsonl` in file order (oldest first); a missing
/// file has none.
pub fn read_session_index(codex_home: &Path) -> io::Result<Vec<SessionIndexEntry>> {
    let bytes = match std::fs::read(codex_home.join(SESSION_INDEX_FILE)) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    Ok(bytes
        .split(|b| *b == b'\n')
        .filter_map(|line| std::str::from_utf8(line).ok())
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .filter_map(|line| serde_json::from_str::<SessionIndexEntry>(line).ok())
        .map(|mut entry| {
            entry.id.make_ascii_lowercase();
            entry
        })
        .collect())
}

/// The ids whose current name is exactly `name`, most recently named first.
pub fn threads_named(codex_home: &Path, name: &str) -> io::Result<Vec<String>> {
    if name.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut seen = HashSet::new();
    Ok(read_session_index(codex_home)?
        .into_iter()
        .rev()
        .filter(|entry| seen.insert(entry.id.clone()) && entry.thread_name == name)
        .map(|entry| entry.id)
        .collect())
}

/// The display name of each named thread: its latest non-blank name, trimmed.
pub fn thread_names(codex_home: &Path) -> io::Result<HashMap<String, String>> {
    let mut names = HashMap::new();
    for entry in read_session_index(codex_home)? {
        let name = entry.thread_name.trim();
        if !name.is_empty() {
            names.insert(entry.id, name.to_owned());
        }
    }
    Ok(names)
}

/// Names thread `id` `name` from now on: one line appended with a single write on an
/// `O_APPEND` descriptor (concurrent writers never interleave), then synced. After a torn
/// last line (a writer that died mid-line) the entry starts on a line of its own.
pub fn append_thread_name(codex_home: &Path, id: &str, name: &str) -> io::Result<()> {
    let entry = SessionIndexEntry {
        id: id.to_owned(),
        thread_name: name.to_owned(),
        updated_at: Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, true),
    };
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(codex_home.join(SESSION_INDEX_FILE))?;
    let len = file.metadata()?.len();
    let mut last = [b'\n'];
    if len > 0 {
        file.read_exact_at(&mut last, len - 1)?;
    }
    let mut line = if last[0] == b'\n' {
        String::new()
    } else {
        "\n".to_owned()
    };
    line.push_str(&serde_json::to_string(&entry).map_err(io::Error::other)?);
    line.push('\n');
    file.write_all(line.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "01a213fe-0eaa-7553-9ed7-26717ad5aabc";
    const B: &str = "01a213fe-0ffc-7fa0-8e93-bb983908fab6";

    #[test]
    fn the_newest_name_of_each_thread_wins() {
        let home = tempfile::tempdir().unwrap();
        append_thread_name(home.path(), A, "alpha").unwrap();
        append_thread_name(home.path(), B, "beta").unwrap();
        append_thread_name(home.path(), A, "gamma").unwrap();
        assert_eq!(threads_named(home.path(), "gamma").unwrap(), vec![A]);
        assert_eq!(threads_named(home.path(), "beta").unwrap(), vec![B]);
        // A's old name no longer names it.
        assert!(threads_named(home.path(), "alpha").unwrap().is_empty());
        assert!(threads_named(home.path(), " ").unwrap().is_empty());
        let names = thread_names(home.path()).unwrap();
        assert_eq!(names[A], "gamma");
        assert_eq!(names[B], "beta");
    }

    #[test]
    fn a_shared_name_lists_the_most_recently_named_first() {
        let home = tempfile::tempdir().unwrap();
        append_thread_name(home.path(), A, "same").unwrap();
        append_thread_name(home.path(), B, "same").unwrap();
        assert_eq!(threads_named(home.path(), "same").unwrap(), vec![B, A]);
    }

    #[test]
    fn lines_are_in_the_reference_format() {
        let home = tempfile::tempdir().unwrap();
        append_thread_name(home.path(), A, "my \"task\"").unwrap();
        let text = std::fs::read_to_string(home.path().join(SESSION_INDEX_FILE)).unwrap();
        let value: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["id", "thread_name", "updated_at"]);
        assert!(text.starts_with(&format!(
            "{{\"id\":\"{A}\",\"thread_name\":\"my \\\"task\\\"\""
        )));
        assert!(
            chrono::DateTime::parse_from_rfc3339(value["updated_at"].as_str().unwrap()).is_ok()
        );
        assert!(text.ends_with("\n"));
    }

    #[test]
    fn garbage_and_torn_lines_are_skipped_and_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(SESSION_INDEX_FILE);
        let mut bytes = format!(
            "not json\n{{\"id\":\"{A}\",\"thread_name\":\"one\",\"updated_at\":\"x\"}}\r\n\n"
        )
        .into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\n{\"id\":\"");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(threads_named(home.path(), "one").unwrap(), vec![A]);
        // A name appended after the torn line is not glued to it; the file is only
        // ever extended.
        append_thread_name(home.path(), B, "two").unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(&bytes));
        assert_eq!(threads_named(home.path(), "two").unwrap(), vec![B]);
        assert_eq!(read_session_index(home.path()).unwrap().len(), 2);
    }

    #[test]
    fn a_missing_file_names_nothing() {
        let home = tempfile::tempdir().unwrap();
        assert!(read_session_index(home.path()).unwrap().is_empty());
        assert!(thread_names(home.path()).unwrap().is_empty());
    }
}
