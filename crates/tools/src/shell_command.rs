//! Handler of `shell_command`: run a script to completion with a time limit.
//!
//! Unlike unified exec, no extra variables are added to the environment and
//! the output is reported as `Exit code: N` / `Wall time: S seconds` /
//! `Output:` (see `recodex_process::format_shell_output`).

use std::future::Future;
use std::time::Duration;

use recodex_process::DEFAULT_SHELL_TIMEOUT_MS;
use recodex_process::ExecRequest;
use recodex_process::ProcessError;
use recodex_process::RunOutput;
use recodex_process::SandboxWrapper;
use recodex_process::format_shell_output;
use recodex_process::run_to_completion;
use serde::Deserialize;

use crate::error::ToolError;
use crate::unified_exec::ExecContext;
use crate::unified_exec::SandboxPermissions;
use crate::unified_exec::resolve_workdir;

/// Arguments of `shell_command`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShellCommandArgs {
    /// The script.
    pub command: String,
    /// Working directory, relative to the turn's.
    #[serde(default)]
    pub workdir: Option<String>,
    /// Time limit in milliseconds (10 000 by default).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Login shell or not.
    #[serde(default)]
    pub login: Option<bool>,
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

/// The result of a handled `shell_command` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellToolOutput {
    /// The text returned to the model.
    pub text: String,
    /// The raw result, for events (absent when the call failed).
    pub run: Option<RunOutput>,
}

/// Parses `shell_command` arguments.
pub fn parse_shell_command(arguments: &str) -> Result<ShellCommandArgs, ToolError> {
    Ok(serde_json::from_str(arguments)?)
}

/// The command a `shell_command` call runs, and its time limit.
pub fn shell_request(
    args: &ShellCommandArgs,
    ctx: &ExecContext,
) -> Result<(ExecRequest, Duration), ToolError> {
    if args.sandbox_permissions == crate::unified_exec::SandboxPermissions::RequireEscalated
        && ctx.escalation_refused
    {
        return Err(ToolError::EscalationRefused);
    }
    if args.login == Some(true) && !ctx.allow_login_shell {
        return Err(ToolError::LoginShellDisabled);
    }
    let login = args.login.unwrap_or(ctx.allow_login_shell);
    let request = ExecRequest {
        argv: ctx.shell.script_argv(&args.command, login),
        cwd: resolve_workdir(&ctx.cwd, args.workdir.as_deref()),
        env: ctx.env.clone(),
        tty: false,
        stdin: None,
    };
    let timeout = Duration::from_millis(args.timeout_ms.unwrap_or(DEFAULT_SHELL_TIMEOUT_MS));
    Ok((request, timeout))
}

/// Runs a `shell_command` call; `cancel` resolving (an interrupt) kills it.
pub async fn handle_shell_command(
    wrapper: &dyn SandboxWrapper,
    ctx: &ExecContext,
    arguments: &str,
    cancel: impl Future<Output = ()>,
) -> ShellToolOutput {
    let result = async {
        let args = parse_shell_command(arguments)?;
        let (mut request, timeout) = shell_request(&args, ctx)?;
        ctx.use_snapshot(&mut request);
        let run = run_to_completion(wrapper, request, timeout, cancel)
            .await
            .map_err(|err| ToolError::Execution(execution_error(&err)))?;
        Ok::<_, ToolError>(ShellToolOutput {
            text: format_shell_output(run.exit_code, run.wall_time, &run.text(), ctx.truncation),
            run: Some(run),
        })
    }
    .await;
    result.unwrap_or_else(|err| ShellToolOutput {
        text: err.to_string(),
        run: None,
    })
}

/// The reference shows start failures as the debug form of its error value.
fn execution_error(err: &ProcessError) -> String {
    match err {
        ProcessError::Spawn { source, .. } | ProcessError::Workdir { source, .. } => {
            format!("Io({source:?})")
        }
        other => other.to_string(),
    }
}
