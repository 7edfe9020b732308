//! Running the model's tool calls: the shell tools through `recodex-tools` handlers, each
//! command started through the session's sandbox wrapper.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use recodex_process::{
    LinuxSandbox, NoSandbox, SandboxWrapper, Shell, TruncationPolicy, UnifiedExecManager,
    build_env, join_for_display,
};
use recodex_protocol::AskForApproval;
use recodex_protocol::permissions::SandboxPolicy;
use recodex_tools::unified_exec::{ExecContext, handle_write_stdin, prepare_exec_command};
use tokio::sync::mpsc;

use crate::event::{CommandSource, Event};
use crate::exec_policy::Verdict;

use crate::settings::SessionSettings;

/// A command started by `exec_command` that was still running when the call returned:
/// its end is reported by the `write_stdin` call that sees it exit.
#[derive(Debug)]
struct PendingCommand {
    call_id: String,
    command: String,
    cwd: std::path::PathBuf,
    started: std::time::Instant,
    output: String,
}

/// How long a command may take to fail before it is announced: one that ends sooner with
/// a sandbox denial is not reported as a command item (the reference's early-exit window).
const EARLY_EXIT_GRACE: std::time::Duration = std::time::Duration::from_millis(150);

/// What the model is told about a command refused before it started (by the policy, or
/// by the user at an approval).
fn rejected_text(command: &str, reason: &str) -> String {
    let rejected = format!("Rejected({reason:?})");
    format!("exec_command failed for `{command}`: CreateProcess {{ message: {rejected:?} }}")
}

/// A run and whether the front end was told it began.
enum Announced<T> {
    /// The begin event was sent.
    Begun(T),
    /// A quick sandbox denial: nothing was sent.
    Quiet(T),
}

/// How the apply step of a patch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatchRun {
    pub(crate) exit_code: i32,
    /// What it printed: the success summary on stdout when it exits 0, the error on
    /// stderr otherwise (the apply_patch personality writes to one stream only).
    pub(crate) output: String,
    pub(crate) wall_time: std::time::Duration,
}

impl PatchRun {
    fn failed(message: &str) -> Self {
        Self {
            exit_code: 1,
            output: format!("{message}\n"),
            wall_time: std::time::Duration::ZERO,
        }
    }
}

/// The per-thread tool state.
#[derive(Debug)]
pub(crate) struct ToolRuntime {
    /// The recodex executable, which applies patches when run with the apply-patch flag.
    exe: Option<std::path::PathBuf>,
    wrapper: Arc<dyn SandboxWrapper>,
    manager: UnifiedExecManager,
    ctx: ExecContext,
    /// Running `exec_command` processes by session id.
    pending: Mutex<HashMap<i32, PendingCommand>>,
    /// Whether commands run inside the sandbox (denials are then recognised).
    sandboxed: bool,
    /// The user's exec policy, when there are rules.
    policy: Option<Arc<recodex_execpolicy::Policy>>,
    /// Where to ask the user, when a front end can.
    approvals: Option<crate::approval::Approvals>,
    /// The thread and its running turn (approval requests name them).
    thread_id: String,
    turn_id: Mutex<String>,
    /// Commands the user approved for the rest of the session.
    approved_for_session: Mutex<std::collections::HashSet<String>>,
    /// Under `untrusted`, every command not known to be safe is asked about.
    ask_unless_safe: bool,
    /// Under `on-failure`, a command the sandbox stopped may be retried outside it.
    retry_on_failure: bool,
    /// Stops the running turn when the user cancels at an approval.
    interrupt: Mutex<Option<crate::InterruptHandle>>,
}

impl Drop for ToolRuntime {
    fn drop(&mut self) {
        // The session is over: a shell snapshot still being taken is not waited for.
        if let Some(snapshot) = &self.ctx.snapshot {
            snapshot.abandon();
        }
    }
}

impl ToolRuntime {
    pub(crate) fn new(settings: &SessionSettings, thread_id: &str) -> Self {
        let wrapper: Arc<dyn SandboxWrapper> =
            match (&settings.sandbox_policy, &settings.sandbox_exe) {
                (SandboxPolicy::DangerFullAccess, _) => Arc::new(NoSandbox),
                (policy, Some(exe)) => Arc::new(LinuxSandbox {
                    exe: exe.clone(),
                    policy: policy.clone(),
                    policy_cwd: settings.cwd.clone(),
                    glob_depth: settings.glob_scan_max_depth,
                    profile: settings.recorded_profile.as_ref().map(|(p, _)| p.clone()),
                }),
                // Without the helper executable a sandboxed command cannot start: refuse
                // rather than run unconfined.
                (_, None) => Arc::new(Refuse),
            };
        let mut env: BTreeMap<String, String> =
            build_env(&settings.env, &settings.env_policy, Some(thread_id));
        if !matches!(
            settings.sandbox_policy,
            SandboxPolicy::DangerFullAccess
                | SandboxPolicy::ReadOnly {
                    network_access: true
                }
                | SandboxPolicy::WorkspaceWrite {
                    network_access: true,
                    ..
                }
        ) {
            env.insert("CODEX_SANDBOX_NETWORK_DISABLED".to_owned(), "1".to_owned());
        }
        let limit = usize::try_from(settings.model.truncation_policy.limit).unwrap_or(10_000);
        let truncation = match settings.model.truncation_policy.mode {
            recodex_client::models::TruncationMode::Bytes => TruncationPolicy::Bytes(limit),
            recodex_client::models::TruncationMode::Tokens => TruncationPolicy::Tokens(limit),
        };
        let shell = Shell::detect(&settings.env);
        // Taken with the environment an `exec_command` gets, so that startup files that
        // look at it (TERM=dumb, ...) behave as under `-lc`.
        let snapshot = (settings.shell_snapshot && settings.allow_login_shell).then(|| {
            let mut login_env = env.clone();
            recodex_process::apply_unified_exec_env(&mut login_env);
            recodex_process::ShellSnapshot::start(shell.clone(), settings.cwd.clone(), login_env)
        });
        let ctx = ExecContext {
            cwd: settings.cwd.clone(),
            shell,
            env,
            allow_login_shell: settings.allow_login_shell,
            escalation_refused: settings.approval_policy == AskForApproval::Never,
            truncation,
            snapshot,
        };
        Self {
            exe: settings.sandbox_exe.clone(),
            manager: UnifiedExecManager::new(wrapper.clone()),
            wrapper,
            ctx,
            pending: Mutex::new(HashMap::new()),
            policy: settings.exec_policy.clone(),
            approvals: settings.approvals.clone(),
            thread_id: thread_id.to_owned(),
            turn_id: Mutex::new(String::new()),
            approved_for_session: Mutex::new(std::collections::HashSet::new()),
            ask_unless_safe: settings.approval_policy == AskForApproval::UnlessTrusted,
            retry_on_failure: settings.approval_policy == AskForApproval::OnFailure,
            interrupt: Mutex::new(None),
            sandboxed: !matches!(
                settings.sandbox_policy,
                SandboxPolicy::DangerFullAccess | SandboxPolicy::ExternalSandbox { .. }
            ),
        }
    }

    /// How to stop the session's running turn (a cancelled approval stops it).
    pub(crate) fn set_interrupt(&self, handle: crate::InterruptHandle) {
        if let Ok(mut slot) = self.interrupt.lock() {
            *slot = Some(handle);
        }
    }

    /// Names the running turn (approval requests carry it).
    pub(crate) fn set_turn(&self, turn_id: &str) {
        if let Ok(mut current) = self.turn_id.lock() {
            turn_id.clone_into(&mut current);
        }
    }

    /// Runs one shell-tool call, reporting the command's begin and end; the text for the
    /// model, or `None` when the tool is not one we run.
    pub(crate) async fn call(
        &self,
        shell: crate::registry::ShellTool,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> String {
        use crate::registry::ShellTool;
        match shell {
            ShellTool::ExecCommand => self.exec_command(call_id, arguments, events).await,
            ShellTool::WriteStdin => {
                let out = handle_write_stdin(&self.manager, &self.ctx, arguments).await;
                // The output no longer names a session that has exited: take the id asked for.
                let session = serde_json::from_str::<serde_json::Value>(arguments)
                    .ok()
                    .and_then(|v| v.get("session_id").and_then(serde_json::Value::as_i64))
                    .and_then(|id| i32::try_from(id).ok());
                if let (Some(exec), Some(id)) = (&out.exec, session) {
                    self.finish_pending(id, exec, events).await;
                }
                out.text
            }
            ShellTool::ShellCommand => self.shell_command(call_id, arguments, events).await,
        }
    }

    async fn exec_command(
        &self,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> String {
        let mut prepared = match prepare_exec_command(&self.ctx, arguments) {
            Ok(prepared) => prepared,
            Err(err) => return err.to_string(),
        };
        let verdict = self.judge(prepared.argv(), prepared.command());
        if let Verdict::Refuse(reason) = &verdict {
            // Reported as the reference reports a command its policy rejects before start
            // (nobody is asked about a forbidden command). The reference also logs it as
            // a tool error.
            let text = rejected_text(prepared.command(), reason);
            let message = text.clone();
            let _ = events.send(Event::ToolError { message }).await;
            return text;
        }
        let rule_reason = match verdict {
            Verdict::Ask(reason) => Some(reason),
            _ => None,
        };
        let approval = match self
            .approve(call_id, &mut prepared, rule_reason, events)
            .await
        {
            Ok(approval) => approval,
            Err(text) => return text,
        };
        let mut announced = approval.announced;
        let inside = !prepared.outside_sandbox();
        // The session id is taken before the start, so the item can name its process; the
        // tap streams the output to the front end while the call waits.
        let session_id = self.manager.reserve_session_id();
        let (tap, mut tapped) = tokio::sync::mpsc::unbounded_channel();
        let begin = (!announced).then(|| Event::CommandBegin {
            call_id: call_id.to_owned(),
            command: prepared.command().to_owned(),
            cwd: prepared.cwd().to_path_buf(),
            process_id: Some(session_id.to_string()),
            source: CommandSource::UnifiedExecStartup,
        });
        let (command, cwd) = (prepared.command().to_owned(), prepared.cwd().to_path_buf());
        let started = std::time::Instant::now();
        let hooks = recodex_process::ExecHooks {
            session_id: Some(session_id),
            tap: Some(tap),
        };
        let run = prepared.run_with(&self.manager, &self.ctx, hooks);
        let out = self
            .announce(
                run,
                begin,
                Some((call_id, &mut tapped)),
                events,
                |out: &recodex_tools::unified_exec::ExecToolOutput| {
                    out.exec
                        .as_ref()
                        .and_then(|e| e.exit_code.map(|c| (c, e.text())))
                },
            )
            .await;
        let (mut out, begun) = match out {
            Announced::Begun(out) => (out, true),
            Announced::Quiet(out) => (out, false),
        };
        announced |= begun;
        if inside && self.sandboxed && denied_by_sandbox(&out) {
            match self
                .retry_outside(call_id, arguments, approval.retry_outside)
                .await
            {
                Some(again) => {
                    if !announced {
                        let _ = events
                            .send(Event::CommandBegin {
                                call_id: call_id.to_owned(),
                                command: command.clone(),
                                cwd: cwd.clone(),
                                process_id: None,
                                source: CommandSource::UnifiedExecStartup,
                            })
                            .await;
                    }
                    let run = again.run(&self.manager, &self.ctx);
                    out = run.await;
                }
                None if !announced => return out.text,
                None => {}
            }
        }
        match &out.exec {
            Some(exec) if exec.exit_code.is_none() => {
                if let (Some(id), Ok(mut pending)) = (exec.session_id, self.pending.lock()) {
                    pending.insert(
                        id,
                        PendingCommand {
                            call_id: call_id.to_owned(),
                            command,
                            cwd,
                            started,
                            output: exec.text(),
                        },
                    );
                }
            }
            exec => {
                let _ = events
                    .send(Event::CommandEnd {
                        call_id: call_id.to_owned(),
                        command,
                        output: exec.as_ref().map(|e| e.text()).unwrap_or_default(),
                        exit_code: exec.as_ref().and_then(|e| e.exit_code),
                        cwd,
                        duration_ms: millis(started.elapsed()),
                        declined: false,
                        process_id: Some(session_id.to_string()),
                        source: CommandSource::UnifiedExecStartup,
                    })
                    .await;
            }
        }
        out.text
    }

    /// Runs `run`, telling the front end the command began unless it ended within the
    /// early-exit window with what looks like a sandbox denial: such a command is reported
    /// to the model only, as the reference does. `exit` gives a finished run's exit code
    /// and output.
    async fn announce<T>(
        &self,
        run: impl std::future::Future<Output = T>,
        begin: Option<Event>,
        tap: Option<(&str, &mut OutputTap)>,
        events: &mpsc::Sender<Event>,
        exit: impl Fn(&T) -> Option<(i32, String)>,
    ) -> Announced<T> {
        tokio::pin!(run);
        let early = tokio::select! {
            out = &mut run => Some(out),
            () = tokio::time::sleep(EARLY_EXIT_GRACE) => None,
        };
        match early {
            Some(out) => {
                // Only a command not announced yet can stay quiet.
                let denied = begin.is_some()
                    && self.sandboxed
                    && exit(&out).is_some_and(|(code, output)| {
                        recodex_process::likely_sandbox_denial(code, &output)
                    });
                if denied {
                    return Announced::Quiet(out);
                }
                if let Some(begin) = begin {
                    let _ = events.send(begin).await;
                }
                if let Some((call_id, tap)) = tap {
                    forward_output(call_id, tap, events).await;
                }
                Announced::Begun(out)
            }
            None => {
                if let Some(begin) = begin {
                    let _ = events.send(begin).await;
                }
                let Some((call_id, tap)) = tap else {
                    return Announced::Begun(run.await);
                };
                // Output streams to the front end while the call waits; what arrived
                // before the announcement goes first (nothing is lost).
                let out = loop {
                    tokio::select! {
                        out = &mut run => break out,
                        Some(chunk) = tap.recv() => {
                            let delta = String::from_utf8_lossy(&chunk).into_owned();
                            let call_id = call_id.to_owned();
                            let _ = events.send(Event::CommandOutputDelta { call_id, delta }).await;
                        }
                    }
                };
                forward_output(call_id, tap, events).await;
                Announced::Begun(out)
            }
        }
    }

    /// Adds a `write_stdin` poll's output to its running command, and reports the
    /// command's end once it has exited.
    async fn finish_pending(
        &self,
        id: i32,
        exec: &recodex_process::ExecOutput,
        events: &mpsc::Sender<Event>,
    ) {
        let done = {
            let Ok(mut pending) = self.pending.lock() else {
                return;
            };
            if let Some(entry) = pending.get_mut(&id) {
                entry.output.push_str(&exec.text());
            }
            if exec.exit_code.is_some() {
                pending.remove(&id)
            } else {
                None
            }
        };
        if let Some(entry) = done {
            let _ = events
                .send(Event::CommandEnd {
                    call_id: entry.call_id,
                    command: entry.command,
                    output: entry.output,
                    exit_code: exec.exit_code,
                    cwd: entry.cwd,
                    duration_ms: millis(entry.started.elapsed()),
                    declined: false,
                    process_id: Some(id.to_string()),
                    source: CommandSource::UnifiedExecStartup,
                })
                .await;
        }
    }

    async fn shell_command(
        &self,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> String {
        // What would start, for display and the policy; bad arguments are reported by the
        // handler itself.
        let request =
            serde_json::from_str::<recodex_tools::shell_command::ShellCommandArgs>(arguments)
                .ok()
                .and_then(|args| recodex_tools::shell_command::shell_request(&args, &self.ctx).ok())
                .map(|(request, _)| request);
        let run = recodex_tools::shell_command::handle_shell_command(
            self.wrapper.as_ref(),
            &self.ctx,
            arguments,
            std::future::pending::<()>(),
        );
        let Some(recodex_process::ExecRequest { argv, cwd, .. }) = request else {
            return run.await.text;
        };
        let command = join_for_display(&argv);
        let begin = Event::CommandBegin {
            call_id: call_id.to_owned(),
            command: command.clone(),
            cwd: cwd.clone(),
            process_id: None,
            source: CommandSource::Agent,
        };
        let verdict = match self.judge(&argv, &command) {
            // shell_command does not ask (yet): a command a rule holds back is refused.
            Verdict::Ask(_) => Verdict::Refuse(crate::exec_policy::NEVER_TEXT.to_owned()),
            other => other,
        };
        if let Verdict::Refuse(reason) = verdict {
            // The reference shows the refused command as a declined item.
            let _ = events.send(begin).await;
            let _ = events
                .send(Event::CommandEnd {
                    call_id: call_id.to_owned(),
                    command,
                    output: reason.clone(),
                    exit_code: Some(-1),
                    cwd,
                    duration_ms: 0,
                    declined: true,
                    process_id: None,
                    source: CommandSource::Agent,
                })
                .await;
            return reason;
        }
        let started = std::time::Instant::now();
        let out = self
            .announce(
                run,
                Some(begin),
                None,
                events,
                |out: &recodex_tools::shell_command::ShellToolOutput| {
                    out.run.as_ref().map(|r| (r.exit_code, r.text()))
                },
            )
            .await;
        let out = match out {
            Announced::Begun(out) => out,
            Announced::Quiet(out) => return out.text,
        };
        let _ = events
            .send(Event::CommandEnd {
                call_id: call_id.to_owned(),
                command,
                // The item shows what the command printed; the time-out note is for the model.
                output: out
                    .run
                    .as_ref()
                    .map(|r| String::from_utf8_lossy(&r.output).into_owned())
                    .unwrap_or_default(),
                exit_code: out.run.as_ref().map(|r| r.exit_code),
                cwd,
                duration_ms: out
                    .run
                    .as_ref()
                    .map_or_else(|| millis(started.elapsed()), |r| millis(r.wall_time)),
                declined: false,
                process_id: None,
                source: CommandSource::Agent,
            })
            .await;
        // The reference answers a failed command as a tool error, which it also logs.
        if out.run.as_ref().is_some_and(|r| r.exit_code != 0) {
            let message = out.text.clone();
            let _ = events.send(Event::ToolError { message }).await;
        }
        out.text
    }

    /// The exec policy's verdict on a command (run when there are no rules).
    fn judge(&self, argv: &[String], display: &str) -> Verdict {
        match &self.policy {
            Some(policy) => {
                crate::exec_policy::judge(policy, argv, display, self.ctx.escalation_refused)
            }
            None => Verdict::Run,
        }
    }

    /// Applies a verified patch by running this binary as `apply_patch` in `cwd` inside
    /// the sandbox, so a patch can only write where commands can.
    pub(crate) async fn apply_patch(
        &self,
        cwd: &Path,
        patch: &str,
        outside_sandbox: bool,
    ) -> PatchRun {
        let Some(exe) = &self.exe else {
            return PatchRun::failed(
                "apply_patch is not available: the recodex executable is unknown",
            );
        };
        // The patch goes on stdin: one argument may not exceed 128 KiB (the reference
        // applies 10 MB patches).
        let request = recodex_process::ExecRequest {
            argv: vec![
                exe.to_string_lossy().into_owned(),
                recodex_apply_patch::CODEX_RUN_AS_APPLY_PATCH_ARG1.to_owned(),
            ],
            cwd: cwd.to_path_buf(),
            env: self.ctx.env.clone(),
            tty: false,
            stdin: Some(patch.as_bytes().to_vec()),
        };
        let timeout = std::time::Duration::from_secs(60);
        // Outside the sandbox only for a patch the user approved there.
        let wrapper: &dyn SandboxWrapper = if outside_sandbox {
            &NoSandbox
        } else {
            self.wrapper.as_ref()
        };
        match recodex_process::run_to_completion(
            wrapper,
            request,
            timeout,
            std::future::pending::<()>(),
        )
        .await
        {
            Ok(run) => PatchRun {
                exit_code: run.exit_code,
                output: run.text(),
                wall_time: run.wall_time,
            },
            Err(err) => PatchRun::failed(&format!("execution error: {err}")),
        }
    }

    /// The text the model reads for a patch run (the shell tools' `Exit code:` layout).
    pub(crate) fn format_patch_run(&self, run: &PatchRun) -> String {
        recodex_process::format_shell_output(
            run.exit_code,
            run.wall_time,
            &run.output,
            self.ctx.truncation,
        )
    }

    /// Stops every process the thread started.
    pub(crate) fn shutdown(&self) {
        self.manager.terminate_all();
    }
}

/// A command's output chunks, as the process crate's tap delivers them.
type OutputTap = tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>;

/// Sends what `tap` holds now as [`Event::CommandOutputDelta`]s.
async fn forward_output(call_id: &str, tap: &mut OutputTap, events: &mpsc::Sender<Event>) {
    while let Ok(chunk) = tap.try_recv() {
        let delta = String::from_utf8_lossy(&chunk).into_owned();
        let call_id = call_id.to_owned();
        let _ = events
            .send(Event::CommandOutputDelta { call_id, delta })
            .await;
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A wrapper that refuses every command (no sandbox helper available).
#[derive(Debug)]
struct Refuse;

impl SandboxWrapper for Refuse {
    fn wrap(
        &self,
        _request: recodex_process::ExecRequest,
    ) -> Result<recodex_process::ExecRequest, recodex_process::ProcessError> {
        Err(recodex_process::ProcessError::Sandbox(
            "the sandbox helper is not available, so the command was not run".to_owned(),
        ))
    }
}

#[path = "tool_runtime_approval.rs"]
mod approval_flow;
use approval_flow::denied_by_sandbox;

#[cfg(test)]
#[path = "tool_runtime_tests.rs"]
mod tests;
