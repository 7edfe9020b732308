//! `recodex exec resume`: continuing sessions (its own and the reference's), damaged
//! rollouts and state databases.

use std::path::Path;

use serde_json::Value;

use recodex_testkit::{MockResponsesServer, sse};

use super::exec::{dirs, exec, reply, walk, write_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_last_continues_the_thread_with_its_history() {
    let first = reply(sse::message(0, "msg_1", "Noted: banana."), "resp_1");
    let second = reply(sse::message(0, "msg_2", "The word was banana."), "resp_2");
    let server = MockResponsesServer::start(vec![first, second])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let outs = tokio::task::spawn_blocking(move || {
        let a = exec(
            &h,
            &w,
            &[
                "--json",
                "--skip-git-repo-check",
                "Remember the word banana.",
            ],
            "",
        );
        let b = exec(
            &h,
            &w,
            &[
                "--json",
                "--skip-git-repo-check",
                "resume",
                "--last",
                "What word?",
            ],
            "",
        );
        (a, b)
    })
    .await
    .unwrap();
    let first_id = first_thread_id(&outs.0.stdout);
    assert_eq!(
        outs.1.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&outs.1.stderr)
    );
    assert_eq!(
        first_thread_id(&outs.1.stdout),
        first_id,
        "the same thread continues"
    );
    let requests = server.requests();
    let input = requests[1].json()["input"].as_array().unwrap().clone();
    let texts: Vec<String> = input
        .iter()
        .map(|i| {
            i["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        texts[2..],
        ["Remember the word banana.", "Noted: banana.", "What word?"]
    );
    let sessions = walk(&home.join("sessions"));
    assert_eq!(sessions.len(), 1, "resume appends to the same rollout");
    let text = std::fs::read_to_string(&sessions[0]).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"task_complete\""))
            .count(),
        2
    );
}

fn first_thread_id(stdout: &[u8]) -> String {
    let line = String::from_utf8_lossy(stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let value: Value = serde_json::from_str(&line).unwrap();
    value["thread_id"].as_str().unwrap().to_owned()
}

/// A session written by codex-cli 0.136.0 (fixture: its rollout after one turn with a tool
/// call, upstream prose replaced by placeholders) is resumed by recodex, which must send
/// the model the same input the reference itself sent when resuming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_written_by_the_reference_resumes_with_the_same_history() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cross-resume");
    let server = MockResponsesServer::start(vec![reply(
        sse::message(0, "msg_9", "I created out.txt."),
        "resp_9",
    )])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().display().to_string();
    let (home, work) = (dir.path().join("codex_home"), dir.path().join("ws"));
    let sessions = home.join("sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let rollout = std::fs::read_to_string(fixtures.join("rollout-reference.jsonl"))
        .unwrap()
        .replace("{{ROOT}}", &root);
    let name = "rollout-2026-11-25T17-35-42-01a213c7-0f08-7c91-823c-03d49a51ff7f.jsonl";
    std::fs::write(sessions.join(name), &rollout).unwrap();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "resume",
            "--last",
            "--json",
            "--skip-git-repo-check",
            "What did you do?",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("reference-resume-input.json"))
            .unwrap()
            .replace("{{ROOT}}", &root),
    )
    .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    pretty_assertions::assert_eq!(requests[0].json()["input"], expected);
    // The thread keeps its id, and the turn is appended to the same file.
    let thread = requests[0].json()["prompt_cache_key"].clone();
    assert_eq!(thread, "01a213c7-0f08-7c91-823c-03d49a51ff7f");
    let after = std::fs::read_to_string(sessions.join(name)).unwrap();
    assert!(
        after.starts_with(&rollout),
        "the original lines are kept as they were"
    );
    assert!(after.len() > rollout.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_without_a_session_starts_one_and_an_unknown_thread_id_is_an_error() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Fresh."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let (fresh, unknown) = tokio::task::spawn_blocking(move || {
        let fresh = exec(
            &h,
            &w,
            &["resume", "--last", "--json", "--skip-git-repo-check", "Hi."],
            "",
        );
        let unknown = exec(
            &h,
            &w,
            &[
                "resume",
                "0199a213-0000-7000-8000-000000000000",
                "--skip-git-repo-check",
                "Hi.",
            ],
            "",
        );
        (fresh, unknown)
    })
    .await
    .unwrap();
    assert_eq!(fresh.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&fresh.stdout).contains("\"Fresh.\""));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains(
            "no rollout found for thread id 0199a213-0000-7000-8000-000000000000 (code -32600)"
        ),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
}

/// A damaged rollout (a garbage line, a torn last line) still resumes: the damaged lines
/// are skipped, nothing already in the file is rewritten, and new lines start on a line of
/// their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_rollout_resumes_without_rewriting_it() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Still here."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let id = "01a213c7-0f08-7c91-823c-03d49a51ff7f";
    let sessions = home.join("sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    let path = sessions.join(format!("rollout-2026-11-25T17-35-42-{id}.jsonl"));
    let original = format!(
        "{{\"timestamp\":\"2026-11-25T17:35:42.375Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{id}\",\"timestamp\":\"2026-11-25T17:35:42.344Z\",\"cwd\":\"{}\",\"originator\":\"codex_exec\",\"cli_version\":\"0.136.0\",\"source\":\"exec\",\"model_provider\":\"mock\"}}}}\n\
         {{\"timestamp\":\"2026-11-25T17:35:42.390Z\",\"type\":\"response_item\",\"payload\":{{\"type\":\"message\",\"role\":\"user\",\"content\":[{{\"type\":\"input_text\",\"text\":\"First question.\"}}]}}}}\n\
         this line is not JSON\n\
         {{\"timestamp\":\"2026-11-25T17:35:43.000Z\",\"type\":\"response_item\",\"payload\":{{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{{\"type\":\"output_text\",\"text\":\"First answer.\"}}]}}}}\n\
         {{\"timestamp\":\"2026-11-25T17:35:44.000Z\",\"type\":\"response_item\",\"payload\":{{\"type\":\"mess",
        work.display()
    );
    std::fs::write(&path, &original).unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &[
                "resume",
                "--last",
                "--json",
                "--skip-git-repo-check",
                "Second question.",
            ],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let input = server.requests()[0].json()["input"].clone();
    let texts: Vec<&str> = input
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["content"][0]["text"].as_str())
        .filter(|t| !t.starts_with('<'))
        .collect();
    assert_eq!(
        texts,
        ["First question.", "First answer.", "Second question."]
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&original), "existing bytes are kept");
    let appended = &after[original.len()..];
    assert!(
        appended.starts_with('\n'),
        "new lines start on their own line"
    );
    for line in appended.trim_start_matches('\n').lines() {
        serde_json::from_str::<Value>(line).expect("every appended line is whole JSON");
    }
}

/// A state database that is not a database: the turn still runs (with a warning) and the
/// file is left exactly as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_state_database_is_reported_and_left_alone() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Fine."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    std::fs::write(home.join("state_5.sqlite"), b"garbage garbage garbage").unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "Hi."], "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"Fine.\""));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("state_5.sqlite: file is not a database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(home.join("state_5.sqlite")).unwrap(),
        b"garbage garbage garbage"
    );
}

/// `exec resume NAME` finds the thread currently named NAME in `session_index.jsonl` (the
/// names the TUI and app-server give threads); a former name resumes nothing and starts a
/// new session, as in the reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_by_name_follows_the_newest_name() {
    let replies = (0..4)
        .map(|i| reply(sse::message(0, "m", "Ok."), &format!("r{i}")))
        .collect();
    let server = MockResponsesServer::start(replies).await.unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let ids = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| {
            let out = exec(&h, &w, args, "");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            first_thread_id(&out.stdout)
        };
        let a = run(&["--json", "--skip-git-repo-check", "First."]);
        let b = run(&["--json", "--skip-git-repo-check", "Second."]);
        let index = format!(
            "{{\"id\":\"{a}\",\"thread_name\":\"alpha\",\"updated_at\":\"2026-11-25T18:00:00Z\"}}\n\
             {{\"id\":\"{b}\",\"thread_name\":\"beta\",\"updated_at\":\"2026-11-25T18:00:01Z\"}}\n\
             {{\"id\":\"{a}\",\"thread_name\":\"gamma\",\"updated_at\":\"2026-11-25T18:00:02Z\"}}\n"
        );
        std::fs::write(h.join("session_index.jsonl"), index).unwrap();
        let by_name = run(&[
            "--json",
            "--skip-git-repo-check",
            "resume",
            "gamma",
            "Again.",
        ]);
        let old_name = run(&[
            "--json",
            "--skip-git-repo-check",
            "resume",
            "alpha",
            "Again.",
        ]);
        (a, b, by_name, old_name)
    })
    .await
    .unwrap();
    let (a, b, by_name, old_name) = ids;
    assert_eq!(by_name, a);
    assert!(
        old_name != a && old_name != b,
        "a former name starts a new thread"
    );
    let input = server.requests()[2].json()["input"].to_string();
    assert!(
        input.contains("First.") && input.contains("Again."),
        "{input}"
    );
}

/// A CODEX_HOME where the session file cannot be created (`sessions` is a file): the turn
/// still runs and answers, as in the reference, and the failure is reported on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_cannot_be_recorded_still_runs_and_says_so() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Still here."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    std::fs::write(home.join("sessions"), b"not a directory").unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "Hi."], "")
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"Still here.\""));
    assert!(
        stderr.contains("failed to record rollout items:"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(home.join("sessions")).unwrap(),
        b"not a directory"
    );
}

/// A state database another process holds locked: the turn runs (the index update waits
/// its busy timeout, then gives up with a warning) and the database is not damaged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_state_database_delays_nothing_but_the_index() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Done."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    recodex_state::open_db(&home, recodex_state::DbKind::State).unwrap();
    let holder = rusqlite::Connection::open(home.join("state_5.sqlite")).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "Hi."], "")
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"Done.\""));
    assert!(stderr.contains("database is locked"), "{stderr}");
    holder.execute_batch("ROLLBACK").unwrap();
    let count: i64 = holder
        .query_row("SELECT COUNT(*) FROM threads", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "nothing was half-written while locked");
}

/// Issue 22.10: a rollout holding a byte that is not UTF-8 is refused by `exec resume <id>`
/// with the reference's text and exit 1, and left as it was; `--last` then starts a new
/// session, as the reference's does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_that_is_not_utf8_is_refused() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "New."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let id = "01a213c7-0f08-7c91-823c-03d49a51ff70";
    let sessions = home.join("sessions/2026/11/25");
    std::fs::create_dir_all(&sessions).unwrap();
    let path = sessions.join(format!("rollout-2026-11-25T17-35-42-{id}.jsonl"));
    let mut original = format!(
        "{{\"timestamp\":\"2026-11-25T17:35:42.375Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{id}\",\"timestamp\":\"2026-11-25T17:35:42.344Z\",\"cwd\":\"{}\",\"originator\":\"codex_exec\",\"cli_version\":\"0.136.0\",\"source\":\"exec\",\"model_provider\":\"mock\"}}}}\n",
        work.display()
    )
    .into_bytes();
    original.extend_from_slice(b"{\"timestamp\":\"2026-11-25T17:35:42.390Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"caf\xe9\"}]}}\n");
    std::fs::write(&path, &original).unwrap();
    let (h, w) = (home.clone(), work.clone());
    let by_id = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &["resume", id, "--skip-git-repo-check", "Go on."],
            "",
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&by_id.stderr);
    assert_eq!(by_id.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.ends_with(&format!(
            "Error: thread/resume: thread/resume failed: failed to read thread: thread-store internal error: failed to read thread {}: stream did not contain valid UTF-8 (code -32603)\n",
            path.display()
        )),
        "{stderr}"
    );
    assert!(server.requests().is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), original);
    let (h, w) = (home.clone(), work.clone());
    let last = tokio::task::spawn_blocking(move || {
        exec(
            &h,
            &w,
            &[
                "resume",
                "--last",
                "--json",
                "--skip-git-repo-check",
                "Go on.",
            ],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(last.status.code(), Some(0));
    let started = String::from_utf8_lossy(&last.stdout);
    assert!(!started.contains(id), "a new session: {started}");
    assert_eq!(std::fs::read(&path).unwrap(), original);
}
