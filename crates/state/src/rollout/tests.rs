use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;

fn samples() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "exec-plain",
            include_str!("../../tests/golden/rollouts/rollout-sample-exec-plain.jsonl"),
        ),
        (
            "exec-tool",
            include_str!("../../tests/golden/rollouts/rollout-sample.jsonl"),
        ),
        (
            "app-server-tool",
            include_str!("../../tests/golden/rollouts/rollout-sample-app-server-tool.jsonl"),
        ),
        (
            "mcp-server",
            include_str!("../../tests/golden/rollouts/rollout-sample-mcp-server.jsonl"),
        ),
        (
            "tui",
            include_str!("../../tests/golden/rollouts/rollout-sample-tui.jsonl"),
        ),
    ]
}

#[test]
fn every_reference_line_round_trips_byte_for_byte() {
    for (name, text) in samples() {
        for (n, raw) in text.lines().enumerate() {
            let line: RolloutLine =
                serde_json::from_str(raw).unwrap_or_else(|e| panic!("{name}:{}: {e}", n + 1));
            assert_eq!(
                serde_json::to_string(&line).unwrap(),
                raw,
                "{name}:{}",
                n + 1
            );
        }
    }
}

#[test]
fn paths_follow_the_reference_layout() {
    let started = Utc.with_ymd_and_hms(2026, 11, 23, 23, 39, 12).unwrap();
    let id = Uuid::parse_str("01a20ac7-212c-7bb2-9c36-25fe32fc6c98").unwrap();
    let path = rollout_path(std::path::Path::new("/h"), &started, id);
    assert_eq!(
        path,
        std::path::Path::new(
            "/h/sessions/2026/11/23/rollout-2026-11-23T23-39-12-01a20ac7-212c-7bb2-9c36-25fe32fc6c98.jsonl"
        )
    );
    let name = path.file_name().unwrap().to_str().unwrap();
    let (time, parsed) = parse_rollout_file_name(name).unwrap();
    assert_eq!(parsed, id);
    assert_eq!(time, started.naive_utc());
    assert!(parse_rollout_file_name("rollout-2026-11-23T23-39-12-nope.jsonl").is_none());
    assert!(parse_rollout_file_name("notes.txt").is_none());
    assert_eq!(format_timestamp(started), "2026-11-23T23:39:12.000Z");
}

#[test]
fn writer_appends_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions/2026/11/23/rollout-x.jsonl");
    let (_, text) = samples()[0];
    let mut writer = RolloutWriter::create(&path).unwrap();
    for raw in text.lines() {
        writer.append(&serde_json::from_str(raw).unwrap()).unwrap();
    }
    writer.sync().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(
        RolloutWriter::create(&path).is_err(),
        "an existing rollout must not be replaced"
    );
}

#[test]
fn damaged_files_keep_their_good_lines_and_resume_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let (_, text) = samples()[0];
    let mut damaged: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    damaged.push_str("garbage line\n");
    damaged.push_str(&text.lines().nth(3).unwrap()[..40]);
    std::fs::write(&path, &damaged).unwrap();
    let contents = read_rollout(&path).unwrap();
    assert_eq!(contents.lines.len(), 3);
    assert_eq!(
        contents
            .skipped
            .iter()
            .map(|s| s.line_number)
            .collect::<Vec<_>>(),
        vec![4, 5]
    );

    let mut writer = RolloutWriter::open_existing(&path).unwrap();
    writer
        .append(&serde_json::from_str(text.lines().nth(4).unwrap()).unwrap())
        .unwrap();
    let contents = read_rollout(&path).unwrap();
    assert_eq!(
        contents.lines.len(),
        4,
        "the appended line survives the torn one"
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with(&damaged),
        "nothing rewritten"
    );
}
