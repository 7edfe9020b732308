//! Threads the reference wrote (its sample rollouts from five front ends, kept as goldens
//! in `crates/state/tests/golden/rollouts/`), indexed by recodex's backfill and served by
//! recodex's app-server.

use serde_json::json;

use crate::fixture::{Home, call, ids};

/// Sample file, thread id, file name timestamp.
const SAMPLES: [(&str, &str, &str); 5] = [
    (
        "rollout-sample.jsonl",
        "01a20ac7-222e-7642-a27c-8ca69258997d",
        "2026-11-23T23-39-12",
    ),
    (
        "rollout-sample-exec-plain.jsonl",
        "01a20ac7-212c-7bb2-9c36-25fe32fc6c98",
        "2026-11-23T23-39-12",
    ),
    (
        "rollout-sample-tui.jsonl",
        "01a20ac9-2250-7462-9e12-f002f253cf0b",
        "2026-11-23T23-41-23",
    ),
    (
        "rollout-sample-app-server-tool.jsonl",
        "01a20acb-dcb3-77b2-8ab2-9134cb72c40f",
        "2026-11-23T23-44-22",
    ),
    (
        "rollout-sample-mcp-server.jsonl",
        "01a20acb-e5ee-7991-9947-77da7eb34d8f",
        "2026-11-23T23-44-24",
    ),
];

fn reference_home() -> Home {
    let home = Home::new(&[]);
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../state/tests/golden/rollouts");
    let day = home.path().join("sessions/2026/11/23");
    std::fs::create_dir_all(&day).unwrap();
    for (sample, id, stamp) in SAMPLES {
        std::fs::copy(
            golden.join(sample),
            day.join(format!("rollout-{stamp}-{id}.jsonl")),
        )
        .unwrap();
    }
    let added = recodex_state::backfill_threads(home.path(), home.path()).unwrap();
    assert_eq!(added, 5);
    home
}

#[test]
fn threads_written_by_the_reference_are_listed_with_their_sources() {
    let home = reference_home();
    let mut server = home.server();
    let every = json!(["cli", "vscode", "exec", "appServer", "subAgent", "unknown"]);
    let all = call(
        &mut server,
        "thread/list",
        json!({"sourceKinds": every, "limit": 10}),
    );
    assert_eq!(
        ids(&all),
        [
            SAMPLES[4].1,
            SAMPLES[3].1,
            SAMPLES[2].1,
            SAMPLES[0].1,
            SAMPLES[1].1
        ],
        "newest first; within a second, by id"
    );
    let sources: Vec<&str> = all["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["appServer", "vscode", "cli", "exec", "exec"]);
    let previews: Vec<&str> = all["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["preview"].as_str().unwrap())
        .collect();
    assert_eq!(
        previews,
        [
            "Say hello",
            "Run echo hi",
            "Say hello",
            "Run echo hi",
            "Say hello"
        ]
    );

    // By default only the interactive ones.
    let interactive = call(&mut server, "thread/list", json!({}));
    assert_eq!(ids(&interactive), [SAMPLES[3].1, SAMPLES[2].1]);
}

#[test]
fn a_reference_thread_reads_back_with_its_turns() {
    let home = reference_home();
    let mut server = home.server();
    let read = call(
        &mut server,
        "thread/read",
        json!({"threadId": SAMPLES[2].1, "includeTurns": true}),
    );
    let thread = &read["result"]["thread"];
    assert_eq!(thread["source"], "cli");
    assert_eq!(thread["cliVersion"], "0.136.0");
    let turns = thread["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["id"], "01a20ac9-22d3-7ab3-9581-692bfafc4612");
    assert_eq!(turns[0]["status"], "completed");
    assert_eq!(turns[0]["items"][0]["content"][0]["text"], "Say hello");
    assert_eq!(turns[0]["items"][1]["type"], "agentMessage");
}
