//! Integration tests: real processes, pipes and pseudo-terminals.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pretty_assertions::assert_eq;
use recodex_process::ExecCommandRequest;
use recodex_process::ExecOutput;
use recodex_process::ExecRequest;
use recodex_process::NoSandbox;
use recodex_process::ProcessError;
use recodex_process::SandboxWrapper;
use recodex_process::Shell;
use recodex_process::Termination;
use recodex_process::TruncationPolicy;
use recodex_process::UnifiedExecManager;
use recodex_process::apply_unified_exec_env;
use recodex_process::format_exec_output;
use recodex_process::run_to_completion;

fn env(home: &Path) -> BTreeMap<String, String> {
    let mut env = BTreeMap::from([
        ("PATH".to_owned(), "/usr/local/bin:/usr/bin:/bin".to_owned()),
        ("HOME".to_owned(), home.display().to_string()),
    ]);
    apply_unified_exec_env(&mut env);
    env
}

fn script(cwd: &Path, script: &str, tty: bool) -> ExecRequest {
    ExecRequest {
        argv: Shell::new("/bin/bash").script_argv(script, false),
        cwd: cwd.to_path_buf(),
        env: env(cwd),
        tty,
        stdin: None,
    }
}

fn exec(cwd: &Path, cmd: &str, tty: bool, yield_ms: u64) -> ExecCommandRequest {
    ExecCommandRequest {
        bypass_sandbox: false,
        exec: script(cwd, cmd, tty),
        yield_time_ms: Some(yield_ms),
    }
}

fn alive(pid: i32) -> bool {
    // A zombie has exited; only a running or sleeping process counts.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        })
        .unwrap_or(false)
}

async fn wait_dead(pid: i32) -> bool {
    for _ in 0..50 {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

fn pid_from(out: &ExecOutput) -> i32 {
    out.text()
        .split_whitespace()
        .next()
        .and_then(|word| word.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_command_exits_with_code_and_interleaved_output() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = manager
        .exec_command(exec(
            dir.path(),
            "echo out; echo err >&2; exit 3",
            false,
            10_000,
        ))
        .await
        .unwrap();
    assert_eq!(out.exit_code, Some(3));
    assert_eq!(out.session_id, None);
    let text = out.text();
    assert!(text.contains("out\n") && text.contains("err\n"), "{text:?}");
    assert_eq!(manager.session_count(), 0);
    assert_eq!(out.chunk_id.len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_is_exactly_the_given_map() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = manager
        .exec_command(exec(
            dir.path(),
            "env | sort | grep -v '^_=' | grep -v '^SHLVL=' | grep -v '^PWD='",
            false,
            10_000,
        ))
        .await
        .unwrap();
    let home = dir.path().display();
    assert_eq!(
        out.text(),
        format!(
            "CODEX_CI=1\nCOLORTERM=\nGH_PAGER=cat\nGIT_PAGER=cat\nHOME={home}\nLANG=C.UTF-8\nLC_ALL=C.UTF-8\nLC_CTYPE=C.UTF-8\nNO_COLOR=1\nPAGER=cat\nPATH=/usr/local/bin:/usr/bin:/bin\nTERM=dumb\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unicode_and_binary_output() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = manager
        .exec_command(exec(
            dir.path(),
            r"printf 'é😀\n'; printf '\xff\xfe\x00abc'",
            false,
            10_000,
        ))
        .await
        .unwrap();
    assert_eq!(out.output, b"\xc3\xa9\xf0\x9f\x98\x80\n\xff\xfe\x00abc");
    let text = format_exec_output(&out, None, TruncationPolicy::Tokens(10_000));
    assert!(
        text.ends_with("Output:\né😀\n\u{fffd}\u{fffd}\u{0}abc"),
        "{text:?}"
    );
    // The token estimate counts the replacement characters, as the reference does.
    assert!(text.contains("Original token count: 5\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_workdir_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let mut request = exec(dir.path(), "ls", false, 1_000);
    request.exec.cwd = dir.path().join("missing");
    let err = manager.exec_command(request).await.unwrap_err();
    assert_eq!(
        err.model_message(),
        r#"CreateProcess { message: "Rejected(\"Failed to create unified exec process: No such file or directory (os error 2)\")" }"#
    );
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let mut request = exec(dir.path(), "ls", true, 1_000);
    request.exec.cwd = file;
    let err = manager.exec_command(request).await.unwrap_err();
    assert!(
        err.model_message()
            .contains("Not a directory (os error 20)"),
        "{err}"
    );
    assert_eq!(manager.session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_program_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    for tty in [false, true] {
        let request = ExecCommandRequest {
            bypass_sandbox: false,
            exec: ExecRequest {
                argv: vec!["/nonexistent/program".into()],
                cwd: dir.path().to_path_buf(),
                env: env(dir.path()),
                tty,
                stdin: None,
            },
            yield_time_ms: None,
        };
        assert!(matches!(
            manager.exec_command(request).await,
            Err(ProcessError::Spawn { .. })
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pty_session_answered_through_write_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let first = manager
        .exec_command(exec(
            dir.path(),
            "read -r x; echo got:$x; [ -t 0 ] && echo tty",
            true,
            300,
        ))
        .await
        .unwrap();
    let id = first.session_id.expect("still waiting for input");
    assert_eq!(first.exit_code, None);
    assert_eq!(manager.session_count(), 1);
    let second = manager
        .write_stdin(id, "hello\n", Some(2_000))
        .await
        .unwrap();
    assert_eq!(second.exit_code, Some(0));
    assert_eq!(second.session_id, None);
    assert_eq!(second.text(), "hello\r\ngot:hello\r\ntty\r\n");
    assert_eq!(manager.session_count(), 0);
    // The session is gone once its process has exited.
    let err = manager.write_stdin(id, "", None).await.unwrap_err();
    assert_eq!(err.model_message(), format!("Unknown process id {id}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipe_sessions_have_no_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    // Without a terminal stdin is /dev/null, so `read` sees end of input at once.
    let out = manager
        .exec_command(exec(dir.path(), "read x; echo status:$?", false, 5_000))
        .await
        .unwrap();
    assert_eq!(out.text(), "status:1\n");
    let running = manager
        .exec_command(exec(dir.path(), "sleep 5", false, 250))
        .await
        .unwrap();
    let id = running.session_id.unwrap();
    let err = manager.write_stdin(id, "x", None).await.unwrap_err();
    assert_eq!(
        err.model_message(),
        "stdin is closed for this session; rerun exec_command with tty=true to keep stdin open"
    );
    manager.terminate_all();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_command_yields_then_polls_to_completion() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let started = std::time::Instant::now();
    let first = manager
        .exec_command(exec(dir.path(), "echo a; sleep 1; echo b", false, 0))
        .await
        .unwrap();
    // A zero wait is raised to the 250 ms minimum.
    assert!(
        first.wall_time >= Duration::from_millis(240),
        "{:?}",
        first.wall_time
    );
    assert!(started.elapsed() < Duration::from_millis(900));
    assert_eq!(first.text(), "a\n");
    let id = first.session_id.unwrap();
    // An empty poll waits at least 5 s but returns as soon as the process ends.
    let second = manager.write_stdin(id, "", Some(1)).await.unwrap();
    assert_eq!(second.text(), "b\n");
    assert_eq!(second.exit_code, Some(0));
    assert!(second.wall_time < Duration::from_secs(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_output_keeps_one_mebibyte_head_and_tail() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = manager
        .exec_command(exec(
            dir.path(),
            "head -c 3000000 /dev/zero | tr '\\0' a; echo END",
            false,
            20_000,
        ))
        .await
        .unwrap();
    assert_eq!(out.exit_code, Some(0));
    assert_eq!(out.output.len(), 1024 * 1024);
    assert!(out.output.ends_with(b"aaaEND\n"));
    let text = format_exec_output(&out, Some(5), TruncationPolicy::Bytes(10_000));
    assert!(
        text.contains("Original token count: 262144\n"),
        "{}",
        &text[..200]
    );
    assert!(text.ends_with("aaaaaaaaaa…262139 tokens truncated…aaaaaaEND\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_ending_output_returns_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = manager
        .exec_command(exec(dir.path(), "yes", false, 300))
        .await
        .unwrap();
    assert!(out.session_id.is_some());
    assert!(out.output.len() <= 1024 * 1024);
    assert!(out.output.starts_with(b"y\ny\n"));
    manager.terminate_all();
    assert_eq!(manager.session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_all_kills_the_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    for tty in [false, true] {
        let manager = UnifiedExecManager::default();
        let out = manager
            .exec_command(exec(dir.path(), "sleep 100 & echo $!; wait", tty, 500))
            .await
            .unwrap();
        let child = pid_from(&out);
        assert!(child > 0 && alive(child), "{:?}", out.text());
        manager.terminate_all();
        assert!(
            wait_dead(child).await,
            "background child {child} survived (tty={tty})"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_manager_kills_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::default();
    let out = manager
        .exec_command(exec(dir.path(), "sleep 100 & echo $!; wait", false, 500))
        .await
        .unwrap();
    let child = pid_from(&out);
    drop(manager);
    assert!(wait_dead(child).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_to_completion_times_out_and_kills_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_to_completion(
        &NoSandbox,
        script(
            dir.path(),
            "echo start; sleep 100 & echo $!; sleep 100",
            false,
        ),
        Duration::from_millis(400),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(out.termination, Termination::TimedOut);
    assert_eq!(out.exit_code, 124);
    let text = out.text();
    assert!(text.starts_with("command timed out after "), "{text:?}");
    let child: i32 = text
        .lines()
        .nth(2)
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    assert!(wait_dead(child).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_to_completion_exit_codes_and_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_to_completion(
        &NoSandbox,
        script(dir.path(), "echo out; echo err >&2; kill -9 $$", false),
        Duration::from_secs(10),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(out.exit_code, 137);
    assert_eq!(out.termination, Termination::Exited);
    let cancelled = run_to_completion(
        &NoSandbox,
        script(dir.path(), "sleep 100", false),
        Duration::from_secs(10),
        tokio::time::sleep(Duration::from_millis(200)),
    )
    .await
    .unwrap();
    assert_eq!(cancelled.termination, Termination::Cancelled);
    assert_eq!(cancelled.exit_code, 137);
}

#[derive(Debug)]
struct Prefix(&'static str);

impl SandboxWrapper for Prefix {
    fn wrap(&self, mut request: ExecRequest) -> Result<ExecRequest, ProcessError> {
        request.argv.insert(0, self.0.to_owned());
        Ok(request)
    }
}

#[derive(Debug)]
struct Deny;

impl SandboxWrapper for Deny {
    fn wrap(&self, _: ExecRequest) -> Result<ExecRequest, ProcessError> {
        Err(ProcessError::Sandbox("denied".into()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_start_goes_through_the_sandbox_wrapper() {
    let dir = tempfile::tempdir().unwrap();
    let manager = UnifiedExecManager::new(Arc::new(Prefix("/usr/bin/env")));
    let out = manager
        .exec_command(exec(dir.path(), "echo wrapped", false, 5_000))
        .await
        .unwrap();
    assert_eq!(out.text(), "wrapped\n");
    assert_eq!(out.command[0], "/bin/bash");
    let denied = UnifiedExecManager::new(Arc::new(Deny));
    let err = denied
        .exec_command(exec(dir.path(), "true", false, 5_000))
        .await
        .unwrap_err();
    assert!(matches!(err, ProcessError::Sandbox(_)));
    assert!(
        run_to_completion(
            &Deny,
            script(dir.path(), "true", false),
            Duration::from_secs(1),
            std::future::pending()
        )
        .await
        .is_err()
    );
}
