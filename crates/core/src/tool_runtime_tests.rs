//! Tests of the tool runtime: command lifecycle events, bad arguments, and the
//! approval of escalations.

use super::*;
use crate::registry::ShellTool;
use recodex_client::{EnvMap, Provider};
use recodex_config::schema::ModelProviderInfo;

fn runtime(cwd: &Path) -> ToolRuntime {
    runtime_with(cwd, None, None)
}

/// A runtime that confines commands with a sandbox that refuses to start anything
/// (so only an approved escalation runs), asking through `approvals`.
fn runtime_with(
    cwd: &Path,
    approvals: Option<crate::approval::Approvals>,
    rules: Option<&str>,
) -> ToolRuntime {
    runtime_under(cwd, approvals, rules, "on-request")
}

/// [`runtime_with`] under approval policy `policy` (when a front end can ask).
fn runtime_under(
    cwd: &Path,
    approvals: Option<crate::approval::Approvals>,
    rules: Option<&str>,
    policy: &str,
) -> ToolRuntime {
    runtime_sandboxed_by(cwd, approvals, rules, policy, None)
}

/// A fake sandbox helper that stops every command as a read-only sandbox would.
fn denying_sandbox(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let exe = dir.join("deny-all");
    std::fs::write(
        &exe,
        "#!/bin/sh\necho \"touch: cannot touch 'x': Read-only file system\" >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    exe
}

/// [`runtime_under`] whose sandbox helper is `helper` (none: nothing sandboxed starts).
fn runtime_sandboxed_by(
    cwd: &Path,
    approvals: Option<crate::approval::Approvals>,
    rules: Option<&str>,
    policy: &str,
    helper: Option<std::path::PathBuf>,
) -> ToolRuntime {
    let env = EnvMap::from([("PATH".to_owned(), "/usr/bin:/bin".to_owned())]);
    let provider = Provider::from_info("mock", &ModelProviderInfo::default(), &env);
    let settings = SessionSettings {
        codex_home: cwd.to_path_buf(),
        cwd: cwd.to_path_buf(),
        model: recodex_client::models::fallback_model_info("gpt-5.1-codex"),
        provider_id: "mock".to_owned(),
        provider,
        approval_policy: if approvals.is_some() {
            serde_json::from_value(serde_json::json!(policy)).unwrap()
        } else {
            recodex_protocol::AskForApproval::Never
        },
        sandbox_policy: if approvals.is_some() {
            SandboxPolicy::ReadOnly {
                network_access: false,
            }
        } else {
            SandboxPolicy::DangerFullAccess
        },
        denied_paths: Vec::new(),
        glob_scan_max_depth: None,
        recorded_profile: None,
        active_profile: None,
        originator: "codex_exec".to_owned(),
        thread_source: Some(recodex_protocol::ThreadSource::User),
        source: "exec".to_owned(),
        user_agent: "test".to_owned(),
        env,
        ephemeral: true,
        timezone: "Etc/UTC".to_owned(),
        tools: Vec::new(),
        parallel_tool_calls: false,
        reasoning_effort: None,
        reasoning_summary: None,
        service_tier: None,
        exec_policy: rules
            .map(|text| Arc::new(recodex_execpolicy::Policy::parse("test.rules", text).unwrap())),
        output_schema: None,
        state_dir: None,
        sandbox_exe: helper,
        env_policy: recodex_process::EnvPolicy::from_toml(&Default::default()),
        allow_login_shell: false,
        shell_snapshot: false,
        deferred_tools: Vec::new(),
        multi_agent: None,
        subagent: None,
        approvals,
    };
    ToolRuntime::new(&settings, "thread")
}

fn drain(rx: &mut mpsc::Receiver<Event>) -> Vec<Event> {
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    events
}

#[tokio::test]
async fn a_command_still_running_ends_when_write_stdin_sees_it_exit() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime(dir.path());
    let (tx, mut rx) = mpsc::channel(16);
    let text = rt
        .call(
            ShellTool::ExecCommand,
            "call_1",
            r#"{"cmd":"echo start; sleep 1; echo done","yield_time_ms":250}"#,
            &tx,
        )
        .await;
    let events = drain(&mut rx);
    let id: i32 = text
        .split("session ID ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no session id in {text}"));
    // The item names its process by the session id, and the output streams while the
    // call waits.
    let process = id.to_string();
    assert!(
        matches!(&events[..], [
            Event::CommandBegin { call_id, process_id: Some(p), .. },
            Event::CommandOutputDelta { call_id: delta_call, delta },
        ] if call_id == "call_1" && *p == process && delta_call == "call_1" && delta == "start\n"),
        "{events:?}"
    );
    let poll = format!(r#"{{"session_id":{id},"chars":"","yield_time_ms":5000}}"#);
    rt.call(ShellTool::WriteStdin, "call_2", &poll, &tx).await;
    let events = drain(&mut rx);
    match &events[..] {
        [
            Event::CommandEnd {
                call_id,
                output,
                exit_code,
                ..
            },
        ] => {
            assert_eq!(call_id, "call_1");
            assert_eq!(*exit_code, Some(0));
            assert_eq!(output, "start\ndone\n");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_arguments_start_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime(dir.path());
    let (tx, mut rx) = mpsc::channel(16);
    let text = rt
        .call(ShellTool::ExecCommand, "call_1", r#"{"command":"ls"}"#, &tx)
        .await;
    assert!(
        text.contains("failed to parse function arguments"),
        "{text}"
    );
    assert!(drain(&mut rx).is_empty());
}

/// Answers every approval question with `decision`, counting them.
fn answering(
    decision: crate::approval::ReviewDecision,
) -> (
    crate::approval::Approvals,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<crate::approval::ApprovalRequest>();
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&asked);
    tokio::spawn(async move {
        while let Some(question) = rx.recv().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = question.respond.send(decision);
        }
    });
    (tx, asked)
}

const ESCALATED: &str =
    r#"{"cmd":"echo hi","sandbox_permissions":"require_escalated","justification":"why"}"#;

#[tokio::test]
async fn only_an_approved_escalation_runs_outside_the_sandbox() {
    use crate::approval::ReviewDecision::{Approved, ApprovedForSession, Denied};
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = mpsc::channel(64);

    // Inside this sandbox nothing can start: a plain call fails.
    let (approvals, asked) = answering(Approved);
    let rt = runtime_with(dir.path(), Some(approvals), None);
    let plain = rt
        .call(ShellTool::ExecCommand, "c0", r#"{"cmd":"echo hi"}"#, &tx)
        .await;
    assert!(!plain.contains("Process exited with code 0"), "{plain}");
    assert_eq!(
        asked.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a plain call asks nothing"
    );
    let approved = rt.call(ShellTool::ExecCommand, "c1", ESCALATED, &tx).await;
    assert!(
        approved.contains("Process exited with code 0") && approved.contains("hi"),
        "{approved}"
    );
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);

    let (approvals, _) = answering(Denied);
    let rt = runtime_with(dir.path(), Some(approvals), None);
    let denied = rt.call(ShellTool::ExecCommand, "c2", ESCALATED, &tx).await;
    assert!(
        denied.ends_with("CreateProcess { message: \"Rejected(\\\"rejected by user\\\")\" }"),
        "{denied}"
    );

    // Approved for the session: asked once for the same command.
    let (approvals, asked) = answering(ApprovedForSession);
    let rt = runtime_with(dir.path(), Some(approvals), None);
    for call in ["c3", "c4"] {
        let out = rt.call(ShellTool::ExecCommand, call, ESCALATED, &tx).await;
        assert!(out.contains("Process exited with code 0"), "{out}");
    }
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_forbidden_command_is_refused_before_anyone_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = mpsc::channel(64);
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Approved);
    let rules = "prefix_rule(pattern=[\"echo\"], decision=\"forbidden\")\n";
    let rt = runtime_with(dir.path(), Some(approvals), Some(rules));
    let out = rt.call(ShellTool::ExecCommand, "c1", ESCALATED, &tx).await;
    assert!(
        out.contains("rejected: policy forbids commands starting with `echo`"),
        "{out}"
    );
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
    // A prompt rule asks; approved, the command stays in the (refusing) sandbox.
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Approved);
    let rules = "prefix_rule(pattern=[\"echo\"], decision=\"prompt\")\n";
    let rt = runtime_with(dir.path(), Some(approvals), Some(rules));
    let out = rt
        .call(ShellTool::ExecCommand, "c2", r#"{"cmd":"echo hi"}"#, &tx)
        .await;
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(!out.contains("Process exited with code 0"), "{out}");
}

#[tokio::test]
async fn untrusted_asks_before_any_command_not_known_to_be_safe() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = mpsc::channel(64);
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Approved);
    let rt = runtime_under(dir.path(), Some(approvals), None, "untrusted");
    rt.call(ShellTool::ExecCommand, "c1", r#"{"cmd":"ls"}"#, &tx)
        .await;
    assert_eq!(
        asked.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "ls is known to be safe"
    );
    let out = rt
        .call(ShellTool::ExecCommand, "c2", r#"{"cmd":"touch x"}"#, &tx)
        .await;
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Approved, it still runs inside the (refusing) sandbox.
    assert!(!out.contains("Process exited with code 0"), "{out}");
}

#[tokio::test]
async fn a_command_the_sandbox_stops_is_retried_outside_only_when_the_user_allows() {
    use std::sync::atomic::Ordering::SeqCst;
    let (tx, _rx) = mpsc::channel(64);
    let call = |target: &Path| json_call(&format!("touch {}", target.display()));

    // untrusted: asked once before the run; the denied run is retried outside unasked.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("untrusted.txt");
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Approved);
    let helper = denying_sandbox(dir.path());
    let rt = runtime_sandboxed_by(dir.path(), Some(approvals), None, "untrusted", Some(helper));
    let out = rt
        .call(ShellTool::ExecCommand, "c1", &call(&target), &tx)
        .await;
    assert!(target.exists(), "{out}");
    assert_eq!(asked.load(SeqCst), 1);

    // on-failure: asked only after the sandbox stopped it.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("on-failure.txt");
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Approved);
    let helper = denying_sandbox(dir.path());
    let rt = runtime_sandboxed_by(
        dir.path(),
        Some(approvals),
        None,
        "on-failure",
        Some(helper),
    );
    rt.call(ShellTool::ExecCommand, "c2", &call(&target), &tx)
        .await;
    assert!(target.exists());
    assert_eq!(asked.load(SeqCst), 1);

    // on-failure, declined: the denial stands.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("declined.txt");
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Denied);
    let helper = denying_sandbox(dir.path());
    let rt = runtime_sandboxed_by(
        dir.path(),
        Some(approvals),
        None,
        "on-failure",
        Some(helper),
    );
    let out = rt
        .call(ShellTool::ExecCommand, "c3", &call(&target), &tx)
        .await;
    assert!(!target.exists());
    assert!(out.contains("Read-only file system"), "{out}");
    assert_eq!(asked.load(SeqCst), 1);

    // on-request: a denial is reported to the model, nobody is asked.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("on-request.txt");
    let (approvals, asked) = answering(crate::approval::ReviewDecision::Approved);
    let helper = denying_sandbox(dir.path());
    let rt = runtime_sandboxed_by(
        dir.path(),
        Some(approvals),
        None,
        "on-request",
        Some(helper),
    );
    rt.call(ShellTool::ExecCommand, "c4", &call(&target), &tx)
        .await;
    assert!(!target.exists());
    assert_eq!(asked.load(SeqCst), 0);
}

fn json_call(cmd: &str) -> String {
    serde_json::json!({"cmd": cmd}).to_string()
}
