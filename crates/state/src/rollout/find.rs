//! Finding rollouts on disk: the newest one (optionally for one working directory) or
//! the one of a given thread id.

use std::path::{Path, PathBuf};

use super::path::{SESSIONS_DIR, parse_rollout_file_name};

/// The rollout files under `codex_home/sessions`, newest first (by the start time and id
/// in their names).
pub fn list_rollouts(codex_home: &Path) -> Vec<PathBuf> {
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    collect(&codex_home.join(SESSIONS_DIR), 0, &mut found);
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, p)| p).collect()
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if depth < 3 && path.is_dir() {
            collect(&path, depth + 1, out);
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str())
            && let Some((time, id)) = parse_rollout_file_name(name)
        {
            out.push((format!("{}{id}", time.format("%Y%m%d%H%M%S")), path));
        }
    }
}

/// The newest rollout whose session started in `cwd` (any directory when `None`).
pub fn find_latest_rollout(codex_home: &Path, cwd: Option<&Path>) -> Option<PathBuf> {
    list_rollouts(codex_home)
        .into_iter()
        .find(|path| match cwd {
            None => true,
            Some(cwd) => session_cwd(path).is_some_and(|c| Path::new(&c) == cwd),
        })
}

/// The rollout of thread `id`.
pub fn find_rollout_by_id(codex_home: &Path, id: &str) -> Option<PathBuf> {
    let id = id.to_ascii_lowercase();
    list_rollouts(codex_home).into_iter().find(|path| {
        path.file_name()
            .and_then(|n| n.to_str())
            .and_then(parse_rollout_file_name)
            .is_some_and(|(_, thread)| thread.to_string() == id)
    })
}

/// The rollout of the thread currently named `name` (see `session_index.jsonl`): of the
/// threads with that name, the most recently named whose rollout is there and starts
/// with its `session_meta`, so a half-written session cannot hide an older one.
pub fn find_rollout_by_name(codex_home: &Path, name: &str) -> Option<PathBuf> {
    crate::names::threads_named(codex_home, name)
        .ok()?
        .into_iter()
        .filter_map(|id| find_rollout_by_id(codex_home, &id))
        .find(|path| session_meta(path).is_some())
}

/// The `cwd` of a rollout's `session_meta` (its first line).
fn session_cwd(path: &Path) -> Option<String> {
    session_meta(path)?["cwd"].as_str().map(str::to_owned)
}

/// The payload of a rollout's first line when that line is its `session_meta`.
pub(crate) fn session_meta(path: &Path) -> Option<serde_json::Value> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).ok()?;
    let mut first = String::new();
    std::io::BufReader::new(file).read_line(&mut first).ok()?;
    let mut value: serde_json::Value = serde_json::from_str(&first).ok()?;
    (value["type"] == "session_meta").then(|| value["payload"].take())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(home: &Path, date: &str, time: &str, id: &str, cwd: &str) -> PathBuf {
        let dir = home.join("sessions").join(date.replace('-', "/"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("rollout-{date}T{time}-{id}.jsonl"));
        let meta = serde_json::json!({"timestamp": "t", "type": "session_meta", "payload": {"id": id, "cwd": cwd}});
        std::fs::write(&path, format!("{meta}\n")).unwrap();
        path
    }

    #[test]
    fn newest_first_with_cwd_filter_and_id_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "2026-11-23",
            "10-00-00",
            "01a20ac7-212c-7bb2-9c36-25fe32fc6c98",
            "/a",
        );
        let b = write(
            dir.path(),
            "2026-11-24",
            "09-00-00",
            "01a20ac7-222e-7642-a27c-8ca69258997d",
            "/b",
        );
        assert_eq!(list_rollouts(dir.path()), vec![b.clone(), a.clone()]);
        assert_eq!(find_latest_rollout(dir.path(), None), Some(b.clone()));
        assert_eq!(
            find_latest_rollout(dir.path(), Some(Path::new("/a"))),
            Some(a.clone())
        );
        assert_eq!(find_latest_rollout(dir.path(), Some(Path::new("/c"))), None);
        assert_eq!(
            find_rollout_by_id(dir.path(), "01A20AC7-212C-7BB2-9C36-25FE32FC6C98"),
            Some(a)
        );
        assert_eq!(find_rollout_by_id(dir.path(), "nope"), None);
    }

    #[test]
    fn by_name_skips_threads_whose_rollout_is_missing_or_torn() {
        let dir = tempfile::tempdir().unwrap();
        let old = "01a20ac7-212c-7bb2-9c36-25fe32fc6c98";
        let torn = "01a20ac7-222e-7642-a27c-8ca69258997d";
        let missing = "01a20ac7-2333-7642-a27c-8ca69258997d";
        let a = write(dir.path(), "2026-11-23", "10-00-00", old, "/a");
        let b = write(dir.path(), "2026-11-24", "09-00-00", torn, "/b");
        std::fs::write(&b, "{\"type\":\"session_me").unwrap();
        for id in [old, torn, missing] {
            crate::names::append_thread_name(dir.path(), id, "task").unwrap();
        }
        assert_eq!(find_rollout_by_name(dir.path(), "task"), Some(a));
        assert_eq!(find_rollout_by_name(dir.path(), "other"), None);
        crate::names::append_thread_name(dir.path(), old, "renamed").unwrap();
        assert_eq!(find_rollout_by_name(dir.path(), "task"), None);
    }
}
