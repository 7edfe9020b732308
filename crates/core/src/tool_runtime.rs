//! Running the model's tool calls: the shell tools through `recodex-tools` handlers, each
//! command started through the session's sandbox wrapper.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use recodex_process::{
    LinuxSandbox, NoSandbox, SandboxWrapper, Shell, TruncationPolicy, UnifiedExecManager,
    build_env, join_for_display,
};
use recodex_protocol::permissions::SandboxPolicy;
use recodex_tools::unified_exec::{ExecContext, handle_exec_command, handle_write_stdin};

use crate::settings::SessionSettings;

/// What a handled call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallResult {
    /// The text returned to the model.
    pub(crate) text: String,
    /// For command items: the command line, its output and exit code.
    pub(crate) command: Option<CommandRun>,
}

/// A command that ran for a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandRun {
    pub(crate) command: String,
    pub(crate) output: String,
    pub(crate) exit_code: Option<i32>,
    pub(crate) duration_ms: u64,
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
        let ctx = ExecContext {
            cwd: settings.cwd.clone(),
            shell: Shell::detect(&settings.env),
            env,
            allow_login_shell: settings.allow_login_shell,
            truncation,
        };
        Self {
            exe: settings.sandbox_exe.clone(),
            manager: UnifiedExecManager::new(wrapper.clone()),
            wrapper,
            ctx,
        }
    }

    /// Runs one function call; `None` when the tool is not one we run.
    pub(crate) async fn call(&self, name: &str, arguments: &str) -> Option<CallResult> {
        match name {
            "exec_command" | "write_stdin" => {
                let out = if name == "exec_command" {
                    handle_exec_command(&self.manager, &self.ctx, arguments).await
                } else {
                    handle_write_stdin(&self.manager, &self.ctx, arguments).await
                };
                let command = out
                    .exec
                    .as_ref()
                    .filter(|_| name == "exec_command")
                    .map(|exec| CommandRun {
                        command: join_for_display(&exec.command),
                        output: exec.text(),
                        exit_code: exec.exit_code,
                        duration_ms: u64::try_from(exec.wall_time.as_millis()).unwrap_or(u64::MAX),
                    });
                Some(CallResult {
                    text: out.text,
                    command,
                })
            }
            "shell_command" => {
                let out = recodex_tools::shell_command::handle_shell_command(
                    self.wrapper.as_ref(),
                    &self.ctx,
                    arguments,
                    std::future::pending::<()>(),
                )
                .await;
                let command = out.run.as_ref().map(|run| CommandRun {
                    command: shell_command_line(arguments),
                    output: run.text(),
                    exit_code: Some(run.exit_code),
                    duration_ms: u64::try_from(run.wall_time.as_millis()).unwrap_or(u64::MAX),
                });
                Some(CallResult {
                    text: out.text,
                    command,
                })
            }
            _ => None,
        }
    }

    /// Applies a verified patch by running this binary as `apply_patch` in `cwd` inside
    /// the sandbox, as the reference does, so a patch can only write where commands can.
    pub(crate) async fn apply_patch(&self, cwd: &Path, patch: &str) -> PatchRun {
        let Some(exe) = &self.exe else {
            return PatchRun::failed(
                "apply_patch is not available: the recodex executable is unknown",
            );
        };
        let request = recodex_process::ExecRequest {
            argv: vec![
                exe.to_string_lossy().into_owned(),
                "--codex-run-as-apply-patch".to_owned(),
                patch.to_owned(),
            ],
            cwd: cwd.to_path_buf(),
            env: self.ctx.env.clone(),
            tty: false,
        };
        let timeout = std::time::Duration::from_secs(60);
        match recodex_process::run_to_completion(
            self.wrapper.as_ref(),
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

    /// The directory commands run in.
    pub(crate) fn cwd(&self) -> &std::path::Path {
        &self.ctx.cwd
    }

    /// Stops every process the thread started.
    pub(crate) fn shutdown(&self) {
        self.manager.terminate_all();
    }
}

fn shell_command_line(arguments: &str) -> String {
    serde_json::from_str::<serde_json::Value>(arguments)
        .ok()
        .and_then(|v| v.get("command").and_then(|c| c.as_str().map(str::to_owned)))
        .unwrap_or_default()
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
