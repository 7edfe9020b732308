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
