//! Handlers of `exec_command` and `write_stdin`: argument parsing, the
//! command line, and the text the model reads back.
//!
//! Arguments are hostile input: every failure becomes a [`ToolError`] whose
//! text is the call's output, and nothing here panics.

use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;

use recodex_process::ExecCommandRequest;
use recodex_process::ExecOutput;
use recodex_process::ExecRequest;
use recodex_process::Shell;
use recodex_process::TruncationPolicy;
use recodex_process::UnifiedExecManager;
use recodex_process::apply_unified_exec_env;
use recodex_process::format_exec_output;
use recodex_process::join_for_display;
use serde::Deserialize;

use crate::error::ToolError;

/// Per-command sandbox request of the shell tools.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SandboxPermissions {
    /// Run under the turn's sandbox.
    #[default]
    UseDefault,
    /// Ask to run outside the sandbox.
    RequireEscalated,
    /// Run with `additional_permissions` added to the sandbox.
    WithAdditionalPermissions,
}

/// Arguments of `exec_command`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExecCommandArgs {
    /// The script.
    pub cmd: String,
    /// Working directory, relative to the turn's.
    #[serde(default)]
    pub workdir: Option<String>,
    /// A shell the model names: only picks among the installed POSIX shells
    /// ([`Shell::for_model_request`]).
    #[serde(default)]
    pub shell: Option<String>,
    /// Login shell or not.
    #[serde(default)]
    pub login: Option<bool>,
    /// Run in a PTY.
    #[serde(default)]
    pub tty: bool,
    /// Wait in milliseconds.
    #[serde(default)]
    pub yield_time_ms: Option<u64>,
    /// Output budget in tokens.
    #[serde(default)]
    pub max_output_tokens: Option<usize>,
    /// Sandbox request.
    #[serde(default)]
    pub sandbox_permissions: SandboxPermissions,
    /// Approval question for escalation.
    #[serde(default)]
    pub justification: Option<String>,
    /// Prefix the user may approve for later.
    #[serde(default)]
    pub prefix_rule: Option<Vec<String>>,
    /// Extra sandbox access (kept as JSON for the sandbox layer).
    #[serde(default)]
    pub additional_permissions: Option<serde_json::Value>,
}

/// Arguments of `write_stdin`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WriteStdinArgs {
    /// Session to talk to.
    pub session_id: i32,
    /// Text to write; empty to poll.
    #[serde(default)]
    pub chars: String,
    /// Wait in milliseconds.
    #[serde(default)]
    pub yield_time_ms: Option<u64>,
    /// Output budget in tokens.
    #[serde(default)]
    pub max_output_tokens: Option<usize>,
}

/// What the turn supplies to run commands.
#[derive(Debug, Clone)]
pub struct ExecContext {
    /// The turn's working directory.
    pub cwd: PathBuf,
    /// The command environment (from `recodex_process::build_env`, plus the
    /// sandbox's variables); the unified-exec overlay is added here.
    pub env: BTreeMap<String, String>,
    /// The user's shell.
    pub shell: Shell,
    /// `allow_login_shell`.
    pub allow_login_shell: bool,
    /// The approval policy is `never`: a request to run outside the sandbox is refused.
    pub escalation_refused: bool,
    /// The model's output limit.
    pub truncation: TruncationPolicy,
    /// The session's shell snapshot, when the feature is on.
    pub snapshot: Option<std::sync::Arc<recodex_process::ShellSnapshot>>,
}

impl ExecContext {
    /// Lets the shell snapshot rewrite a login-shell command (see
    /// [`recodex_process::ShellSnapshot::apply`]).
    pub fn use_snapshot(&self, request: &mut ExecRequest) {
        if let Some(snapshot) = &self.snapshot {
            snapshot.apply(request);
        }
    }
}

/// The result of a handled call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecToolOutput {
    /// The text returned to the model.
    pub text: String,
    /// The raw result, for events (absent when the call failed).
    pub exec: Option<ExecOutput>,
}

impl ExecToolOutput {
    fn from_error(error: &ToolError) -> Self {
        Self {
            text: error.to_string(),
            exec: None,
        }
    }
}

/// Parses `exec_command` arguments.
pub fn parse_exec_command(arguments: &str) -> Result<ExecCommandArgs, ToolError> {
    Ok(serde_json::from_str(arguments)?)
}

/// Parses `write_stdin` arguments.
pub fn parse_write_stdin(arguments: &str) -> Result<WriteStdinArgs, ToolError> {
    Ok(serde_json::from_str(arguments)?)
}

/// The command an `exec_command` call starts.
pub fn exec_request(
    args: &ExecCommandArgs,
    ctx: &ExecContext,
) -> Result<ExecCommandRequest, ToolError> {
    if args.sandbox_permissions == SandboxPermissions::RequireEscalated && ctx.escalation_refused {
        return Err(ToolError::EscalationRefused);
    }
    if args.login == Some(true) && !ctx.allow_login_shell {
        return Err(ToolError::LoginShellDisabled);
    }
    let login = args.login.unwrap_or(ctx.allow_login_shell);
    let shell = match args.shell.as_deref() {
        Some(requested) => Shell::for_model_request(requested, &ctx.shell, &ctx.env),
        None => ctx.shell.clone(),
    };
    let cwd = resolve_workdir(&ctx.cwd, args.workdir.as_deref());
    let mut env = ctx.env.clone();
    apply_unified_exec_env(&mut env);
    Ok(ExecCommandRequest {
        bypass_sandbox: false,
        exec: ExecRequest {
            argv: shell.script_argv(&args.cmd, login),
            cwd,
            env,
            tty: args.tty,
            stdin: None,
        },
        yield_time_ms: args.yield_time_ms,
    })
}

/// `workdir` resolved against the turn's directory (the turn's when absent or empty).
pub(crate) fn resolve_workdir(base: &Path, workdir: Option<&str>) -> PathBuf {
    match workdir {
        Some(dir) if !dir.is_empty() => base.join(dir),
        _ => base.to_path_buf(),
    }
}

/// Runs an `exec_command` call.
pub async fn handle_exec_command(
    manager: &UnifiedExecManager,
    ctx: &ExecContext,
    arguments: &str,
) -> ExecToolOutput {
    match prepare_exec_command(ctx, arguments) {
        Ok(prepared) => prepared.run(manager, ctx).await,
        Err(err) => ExecToolOutput::from_error(&err),
    }
}

/// An `exec_command` call whose arguments are valid, ready to start: what it will run
/// is known before it runs (for the begin event).
#[derive(Debug)]
pub struct PreparedExec {
    args: ExecCommandArgs,
    request: ExecCommandRequest,
    command: String,
}

impl PreparedExec {
    /// Whether the model asked to run this command outside the sandbox, and why.
    pub fn escalation(&self) -> Option<Option<&str>> {
        (self.args.sandbox_permissions == SandboxPermissions::RequireEscalated)
            .then_some(self.args.justification.as_deref())
    }

    /// Runs the command outside the sandbox: for an escalation the user approved.
    pub fn approve_outside_sandbox(&mut self) {
        self.request.bypass_sandbox = true;
    }

    /// Whether it will run outside the sandbox.
    pub fn outside_sandbox(&self) -> bool {
        self.request.bypass_sandbox
    }

    /// The command line as started, for display (`/bin/bash -lc 'ls'`).
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The directory it runs in.
    pub fn cwd(&self) -> &std::path::Path {
        &self.request.exec.cwd
    }

    /// The argv it will start (before the sandbox wraps it).
    pub fn argv(&self) -> &[String] {
        &self.request.exec.argv
    }

    /// Starts it and waits as the call asked.
    pub async fn run(self, manager: &UnifiedExecManager, ctx: &ExecContext) -> ExecToolOutput {
        self.run_with(manager, ctx, recodex_process::ExecHooks::default())
            .await
    }

    /// [`PreparedExec::run`] with a reserved session id and an output tap.
    pub async fn run_with(
        self,
        manager: &UnifiedExecManager,
        ctx: &ExecContext,
        hooks: recodex_process::ExecHooks,
    ) -> ExecToolOutput {
        let Self {
            args,
            mut request,
            command,
        } = self;
        ctx.use_snapshot(&mut request.exec);
        match manager.exec_command_with(request, hooks).await {
            Ok(output) => ExecToolOutput {
                text: format_exec_output(&output, args.max_output_tokens, ctx.truncation),
                exec: Some(output),
            },
            Err(err) => ExecToolOutput::from_error(&ToolError::ExecCommand {
                command,
                message: err.model_message(),
            }),
        }
    }
}

/// Parses an `exec_command` call; why not when its arguments are bad (its text is what the
/// model reads).
pub fn prepare_exec_command(ctx: &ExecContext, arguments: &str) -> Result<PreparedExec, ToolError> {
    parse_exec_command(arguments).and_then(|args| {
        let request = exec_request(&args, ctx)?;
        let command = join_for_display(&request.exec.argv);
        Ok(PreparedExec {
            args,
            request,
            command,
        })
    })
}

/// Runs a `write_stdin` call.
pub async fn handle_write_stdin(
    manager: &UnifiedExecManager,
    ctx: &ExecContext,
    arguments: &str,
) -> ExecToolOutput {
    let result = async {
        let args = parse_write_stdin(arguments)?;
        let output = manager
            .write_stdin(args.session_id, &args.chars, args.yield_time_ms)
            .await
            .map_err(|err| ToolError::WriteStdin(err.model_message()))?;
        Ok::<_, ToolError>(ExecToolOutput {
            text: format_exec_output(&output, args.max_output_tokens, ctx.truncation),
            exec: Some(output),
        })
    }
    .await;
    result.unwrap_or_else(|err| ExecToolOutput::from_error(&err))
}
