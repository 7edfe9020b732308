//! `recodex archive` / `unarchive` against a CODEX_HOME holding one saved session.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_recodex");
const ID: &str = "01a213c5-2486-73fa-ba34-fe5112c156d6";

fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("CODEX_HOME", home)
        .env("TMPDIR", home.join("tmp"))
        .current_dir(home)
        .output()
        .unwrap()
}

#[test]
fn a_session_is_archived_and_unarchived_with_the_reference_messages() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let sessions = home.join("sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    let name = format!("rollout-2026-11-25T17-33-36-{ID}.jsonl");
    let meta = format!(
        "{{\"timestamp\":\"2026-11-25T17:33:36.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{ID}\",\"cwd\":\"/w\",\"source\":\"exec\",\"model_provider\":\"mock\"}}}}\n"
    );
    std::fs::write(sessions.join(&name), &meta).unwrap();

    let out = run(home, &["archive", ID]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Archived session {ID}.\n")
    );
    assert_eq!(
        std::fs::read_to_string(home.join("archived_sessions").join(&name)).unwrap(),
        meta
    );
    assert!(!sessions.join(&name).exists());

    let again = run(home, &["archive", ID]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("Error: failed to archive session"));

    let out = run(home, &["unarchive", ID]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Unarchived session {ID}.\n")
    );
    assert!(sessions.join(&name).exists());

    let named = run(home, &["archive", "my-session"]);
    assert_eq!(named.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&named.stderr)
            .contains("Error: No active session found matching 'my-session'.")
    );
}

/// Names come from `session_index.jsonl` (newest line per thread); only threads of the
/// interactive front ends are found by name, and an unarchived thread is reported under
/// its name, as the reference does.
#[test]
fn sessions_are_archived_and_unarchived_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    let sessions = home.join("sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    let name = format!("rollout-2026-11-25T17-33-36-{ID}.jsonl");
    let meta = format!(
        "{{\"timestamp\":\"2026-11-25T17:33:36.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{ID}\",\"cwd\":\"/w\",\"source\":\"cli\",\"model_provider\":\"mock\"}}}}\n"
    );
    std::fs::write(sessions.join(&name), &meta).unwrap();
    std::fs::write(
        home.join("session_index.jsonl"),
        format!(
            "{{\"id\":\"{ID}\",\"thread_name\":\"alpha\",\"updated_at\":\"2026-11-25T18:00:00Z\"}}\n\
             {{\"id\":\"{ID}\",\"thread_name\":\"gamma\",\"updated_at\":\"2026-11-25T18:00:02Z\"}}\n"
        ),
    )
    .unwrap();
    let text = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();

    let old = run(home, &["archive", "alpha"]);
    assert_eq!(old.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&old.stderr)
            .contains("Error: No active session found matching 'alpha'.")
    );
    let out = run(home, &["archive", "gamma"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out), format!("Archived session gamma ({ID}).\n"));
    assert!(home.join("archived_sessions").join(&name).exists());
    let missing = run(home, &["archive", "gamma"]);
    assert_eq!(missing.status.code(), Some(1));

    let out = run(home, &["unarchive", "gamma"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out), format!("Unarchived session gamma ({ID}).\n"));
    // By id: archiving names only the id, unarchiving adds the thread's name.
    let out = run(home, &["archive", ID]);
    assert_eq!(text(&out), format!("Archived session {ID}.\n"));
    let out = run(home, &["unarchive", ID]);
    assert_eq!(text(&out), format!("Unarchived session gamma ({ID}).\n"));
    assert_eq!(std::fs::read_to_string(sessions.join(&name)).unwrap(), meta);
}
