//! `$CODEX_HOME/history.jsonl`: the prompts a user submitted, one JSON object a line:
//! `{"session_id":"<uuid>","ts":<unix seconds>,"text":"<prompt>"}`.
//!
//! Several recodex and codex processes may append at once. Each line is written with
//! one `write` on an `O_APPEND` descriptor while holding an exclusive advisory lock
//! (retried ten times, 100 ms apart, like the reference), so lines never interleave.
//! The file is kept at mode 0600. When `history.max_bytes` is set and the file grows
//! past it, the oldest lines are dropped until the file is under 80% of the limit; the
//! trimmed file replaces the old one by rename, so a crash leaves either version whole.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// File name inside CODEX_HOME.
pub const HISTORY_FILE: &str = "history.jsonl";
const LOCK_ATTEMPTS: usize = 10;
const LOCK_RETRY: Duration = Duration::from_millis(100);
/// After trimming, the file holds at most this share of `max_bytes`.
const TRIM_TARGET_RATIO: f64 = 0.8;

/// One line of history.jsonl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The thread the prompt was sent in.
    pub session_id: String,
    /// Unix time in seconds.
    pub ts: u64,
    /// The prompt text.
    pub text: String,
}

/// Why the history could not be written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// An I/O failure on the file.
    #[error("history file {path}: {source}")]
    Io {
        /// The history file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// Another process held the lock for the whole retry period.
    #[error("history file {0}: could not acquire exclusive lock after multiple attempts")]
    Locked(PathBuf),
}

/// Appends `entry` to `codex_home/history.jsonl`, then trims the file to `max_bytes`
/// when a limit is given.
pub fn append_entry(
    codex_home: &Path,
    entry: &HistoryEntry,
    max_bytes: Option<u64>,
) -> Result<(), HistoryError> {
    let path = codex_home.join(HISTORY_FILE);
    let io_err = |source| HistoryError::Io {
        path: path.clone(),
        source,
    };
    let mut line = serde_json::to_string(entry).map_err(|e| io_err(io::Error::other(e)))?;
    line.push('\n');
    std::fs::create_dir_all(codex_home).map_err(io_err)?;
    for _ in 0..LOCK_ATTEMPTS {
        let file = open_for_append(&path).map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(LOCK_RETRY);
                continue;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        // A trim by another process may have replaced the file between our open and
        // our lock; then this descriptor points at the old file: start over.
        if !same_file(&file, &path) {
            continue;
        }
        (&file).write_all(line.as_bytes()).map_err(io_err)?;
        (&file).flush().map_err(io_err)?;
        if let Some(limit) = max_bytes {
            trim_locked(&file, &path, limit).map_err(io_err)?;
        }
        return Ok(());
    }
    Err(HistoryError::Locked(path))
}

/// Reads every well-formed entry; malformed or torn lines are skipped.
pub fn read_entries(codex_home: &Path) -> io::Result<Vec<HistoryEntry>> {
    let file = match File::open(codex_home.join(HISTORY_FILE)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    for line in BufReader::new(file).lines() {
        if let Ok(entry) = serde_json::from_str::<HistoryEntry>(&line?) {
            entries.push(entry);
        }
    }
    Ok(entries)
}

fn open_for_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).read(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = file.metadata()?;
        if meta.permissions().mode() & 0o777 != 0o600 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// With the lock held: when the file exceeds `limit`, keep the newest lines that fit
/// in the trim target (always the newest one) and swap the result in by rename.
fn trim_locked(file: &File, path: &Path, limit: u64) -> io::Result<()> {
    let size = file.metadata()?.len();
    if size <= limit {
        return Ok(());
    }
    let text = std::fs::read(path)?;
    let target = (limit as f64 * TRIM_TARGET_RATIO) as usize;
    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    let mut kept = 0usize;
    let mut start = lines.len();
    while start > 0 {
        let len = lines[start - 1].len();
        if kept + len > target && start < lines.len() {
            break;
        }
        kept += len;
        start -= 1;
    }
    let trimmed: Vec<u8> = lines[start..].concat();
    let tmp = path.with_extension("jsonl.trim");
    {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut out = options.open(&tmp)?;
        out.write_all(&trimmed)?;
        out.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize) -> HistoryEntry {
        HistoryEntry {
            session_id: format!("s{i}"),
            ts: 1795477283 + i as u64,
            text: format!("prompt {i}"),
        }
    }

    #[test]
    fn lines_have_the_reference_shape_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let e = HistoryEntry {
            session_id: "01a20ac9-2250-7462-9e12-f002f253cf0b".into(),
            ts: 1795477283,
            text: "Say hello".into(),
        };
        append_entry(dir.path(), &e, None).unwrap();
        let text = std::fs::read_to_string(dir.path().join(HISTORY_FILE)).unwrap();
        let golden = include_str!("../tests/golden/history.jsonl");
        assert_eq!(text, golden);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(HISTORY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn trimming_keeps_the_newest_lines_under_the_target() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            append_entry(dir.path(), &entry(i), Some(1000)).unwrap();
        }
        let size = std::fs::metadata(dir.path().join(HISTORY_FILE))
            .unwrap()
            .len();
        assert!(size <= 1000, "{size}");
        let entries = read_entries(dir.path()).unwrap();
        assert_eq!(entries.last(), Some(&entry(49)));
        let first = entries.first().unwrap().ts - 1795477283;
        let expected: Vec<HistoryEntry> = (first as usize..50).map(entry).collect();
        assert_eq!(entries, expected, "kept lines are a contiguous newest run");
    }

    #[test]
    fn concurrent_writers_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_path_buf();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let home = home.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let text = format!("{t}-{i}-{}", "x".repeat(3000));
                        let e = HistoryEntry {
                            session_id: format!("{t}"),
                            ts: i,
                            text,
                        };
                        append_entry(&home, &e, None).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let text = std::fs::read_to_string(home.join(HISTORY_FILE)).unwrap();
        assert_eq!(text.lines().count(), 200);
        for line in text.lines() {
            serde_json::from_str::<HistoryEntry>(line).unwrap();
        }
    }

    #[test]
    fn torn_and_garbage_lines_are_skipped_when_reading() {
        let dir = tempfile::tempdir().unwrap();
        append_entry(dir.path(), &entry(1), None).unwrap();
        let path = dir.path().join(HISTORY_FILE);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("not json\n{\"session_id\":\"x\",\"ts\":1,\"te");
        std::fs::write(&path, text).unwrap();
        assert_eq!(read_entries(dir.path()).unwrap(), vec![entry(1)]);
    }
}
