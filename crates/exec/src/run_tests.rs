//! Tests of the exec printer: JSONL items and the human transcript.

use super::*;
use recodex_core::{PatchChange, PatchChangeKind};

fn printed(json: bool, events: Vec<Event>) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut printer = Printer {
        json,
        stdout: &mut out,
        stderr: &mut err,
        next_item: 0,
        turn_usage: Usage::default(),
        todo: None,
        patches: HashMap::new(),
        commands: HashMap::new(),
        styles: Styles::default(),
        searches: std::collections::HashSet::new(),
    };
    for event in events {
        printer.on_event(event);
    }
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn patch_events(success: bool) -> Vec<Event> {
    let changes = vec![
        PatchChange {
            path: "/w/a.txt".into(),
            kind: PatchChangeKind::Add,
        },
        PatchChange {
            path: "/w/m.txt".into(),
            kind: PatchChangeKind::Update {
                move_path: Some("/w/n.txt".into()),
            },
        },
    ];
    vec![
        Event::PatchApplyBegin {
            call_id: "call_p".to_owned(),
            changes: changes.clone(),
        },
        Event::PatchApplyEnd {
            call_id: "call_p".to_owned(),
            changes,
            stdout: String::new(),
            stderr: String::new(),
            success,
            declined: false,
        },
        Event::TurnDiff {
            unified_diff: "diff --git a/a.txt b/a.txt\n".to_owned(),
        },
        Event::AgentMessage {
            text: "Done.".to_owned(),
        },
    ]
}

#[test]
fn a_patch_is_one_file_change_item_started_then_completed() {
    let (out, err) = printed(true, patch_events(true));
    let changes =
        r#""changes":[{"path":"/w/a.txt","kind":"add"},{"path":"/w/m.txt","kind":"update"}]"#;
    let expected = format!(
        "{{\"type\":\"item.started\",\"item\":{{\"id\":\"item_0\",\"type\":\"file_change\",{changes},\"status\":\"in_progress\"}}}}\n\
         {{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_0\",\"type\":\"file_change\",{changes},\"status\":\"completed\"}}}}\n\
         {{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"Done.\"}}}}\n"
    );
    assert_eq!(out, expected);
    assert_eq!(err, "", "the turn diff is not part of the JSON output");
    let (out, _) = printed(true, patch_events(false));
    assert!(out.contains(r#""status":"failed""#), "{out}");
}

#[test]
fn the_human_transcript_names_the_files_and_prints_the_turn_diff() {
    let (out, err) = printed(false, patch_events(false));
    assert_eq!(out, "");
    assert_eq!(
        err,
        "apply patch\npatch: failed\n/w/a.txt\n/w/m.txt\ndiff --git a/a.txt b/a.txt\n\ncodex\nDone.\n"
    );
}

#[test]
fn refused_tool_calls_are_logged_on_stderr_in_both_modes() {
    for json in [true, false] {
        let (_, err) = printed(
            json,
            vec![Event::ToolError {
                message: "unsupported call: frobnicate".to_owned(),
            }],
        );
        assert!(
            err.ends_with(" ERROR codex_core::tools::router: error=unsupported call: frobnicate\n"),
            "{err}"
        );
    }
}

#[test]
fn a_command_item_starts_when_the_command_starts_and_completes_with_its_end() {
    let begin = Event::CommandBegin {
        call_id: "call_1".to_owned(),
        command: "/bin/bash -lc 'echo hi'".to_owned(),
        cwd: "/w".into(),
        process_id: None,
        source: recodex_core::CommandSource::UnifiedExecStartup,
    };
    let end = |code| Event::CommandEnd {
        call_id: "call_1".to_owned(),
        command: "/bin/bash -lc 'echo hi'".to_owned(),
        output: "hi\n".to_owned(),
        exit_code: code,
        cwd: "/w".into(),
        duration_ms: 3,
        declined: false,
        process_id: None,
        source: recodex_core::CommandSource::UnifiedExecStartup,
    };
    let (out, _) = printed(true, vec![begin.clone()]);
    assert_eq!(
        out,
        "{\"type\":\"item.started\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\",\"command\":\"/bin/bash -lc 'echo hi'\",\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"in_progress\"}}\n"
    );
    let (out, _) = printed(true, vec![begin.clone(), end(Some(2))]);
    let last = out.lines().last().unwrap();
    assert!(
        last.contains(r#""id":"item_0""#)
            && last.contains(r#""exit_code":2"#)
            && last.contains(r#""status":"failed""#),
        "{last}"
    );
    let (_, err) = printed(false, vec![begin, end(Some(0))]);
    assert_eq!(
        err,
        "exec\n/bin/bash -lc 'echo hi' in /w\n succeeded in 3ms:\nhi\n\n"
    );
}

#[test]
fn a_web_search_is_one_item_with_the_call_id_and_the_counter_still_advances() {
    let action = serde_json::json!({"type": "search", "query": "rust"});
    let begin = Event::WebSearchBegin {
        call_id: "ws_1".to_owned(),
        query: "rust".to_owned(),
        action: Some(action.clone()),
    };
    let end = Event::WebSearchEnd {
        call_id: "ws_1".to_owned(),
        query: "rust".to_owned(),
        action: Some(action),
    };
    let message = Event::AgentMessage {
        text: "ok".to_owned(),
    };
    let (out, _) = printed(true, vec![begin.clone(), end.clone(), message]);
    let item = r#"{"id":"ws_1","type":"web_search","query":"rust","action":{"type":"search","query":"rust"}}"#;
    assert_eq!(
        out,
        format!(
            "{{\"type\":\"item.started\",\"item\":{item}}}\n{{\"type\":\"item.completed\",\"item\":{item}}}\n{{\"type\":\"item.completed\",\"item\":{{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"ok\"}}}}\n"
        )
    );
    let (_, err) = printed(false, vec![begin, end]);
    assert_eq!(err, "web search: rust\nweb search: rust\n");
}

#[test]
fn a_web_search_that_has_just_begun_shows_the_action_other() {
    // Found by the TypeScript SDK side by side with the reference (issue 14).
    let begin = Event::WebSearchBegin {
        call_id: "ws_1".to_owned(),
        query: String::new(),
        action: None,
    };
    let (out, _) = printed(true, vec![begin]);
    assert_eq!(
        out,
        "{\"type\":\"item.started\",\"item\":{\"id\":\"ws_1\",\"type\":\"web_search\",\"query\":\"\",\"action\":{\"type\":\"other\"}}}\n"
    );
}
