//! Errors of tool calls. Each message is the text the model reads as the
//! call's output, worded as the reference words it.

/// Why a tool call produced no regular result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments are not valid JSON or do not fit the tool's schema.
    #[error("failed to parse function arguments: {0}")]
    Arguments(#[from] serde_json::Error),
    /// A request to run outside the sandbox while the approval policy is `never`.
    #[error(
        "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
    )]
    EscalationRefused,
    /// `login: true` while `allow_login_shell = false`.
    #[error("login shell is disabled by config; omit `login` or set it to false.")]
    LoginShellDisabled,
    /// `exec_command` could not start the command.
    #[error("exec_command failed for `{command}`: {message}")]
    ExecCommand {
        /// The command line as a shell would read it.
        command: String,
        /// What went wrong.
        message: String,
    },
    /// `shell_command` could not start the command.
    #[error("execution error: {0}")]
    Execution(String),
    /// `write_stdin` could not reach the session.
    #[error("write_stdin failed: {0}")]
    WriteStdin(String),
    /// The model called a tool that does not exist.
    #[error("unsupported call: {0}")]
    UnsupportedCall(String),
}
