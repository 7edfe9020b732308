//! Codex Cloud: `codex cloud` (browse, submit and apply cloud tasks) and `codex apply`.

use clap::{Args, Subcommand};

/// `codex cloud` (hidden alias `cloud-tasks`); without a subcommand it opens the task browser.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct CloudArgs {
    /// Action; without one the interactive task browser opens.
    #[command(subcommand)]
    pub command: Option<CloudCommand>,
}

/// `codex cloud` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum CloudCommand {
    /// Create a cloud task from a prompt, without opening the browser
    Exec(CloudExecArgs),
    /// Print the state of a cloud task
    Status(CloudTaskArgs),
    /// List cloud tasks
    List(CloudListArgs),
    /// Patch the local working tree with a cloud task's diff
    Apply(CloudAttemptArgs),
    /// Print the unified diff of a cloud task
    Diff(CloudAttemptArgs),
}

/// `codex cloud exec`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct CloudExecArgs {
    /// What the cloud task should do
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,

    /// Environment to run the task in (`codex cloud` lists them)
    #[arg(long = "env", value_name = "ENV_ID")]
    pub environment: String,

    /// How many attempts (best-of-N) the assistant makes, 1 to 4
    #[arg(
        long = "attempts",
        value_name = "ATTEMPTS",
        default_value = "1",
        value_parser = parse_attempts
    )]
    pub attempts: usize,

    /// Git branch the task runs on (defaults to the current branch)
    #[arg(long = "branch", value_name = "BRANCH")]
    pub branch: Option<String>,
}

/// A single task id (`status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct CloudTaskArgs {
    /// Id of the cloud task
    #[arg(value_name = "TASK_ID")]
    pub task_id: String,
}

/// `codex cloud list`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct CloudListArgs {
    /// Only tasks of this environment
    #[arg(long = "env", value_name = "ENV_ID")]
    pub environment: Option<String>,

    /// Most tasks to show, 1 to 20
    #[arg(long = "limit", value_name = "N", default_value = "20", value_parser = parse_limit)]
    pub limit: usize,

    /// Continue from the cursor printed by an earlier call
    #[arg(long = "cursor", value_name = "CURSOR")]
    pub cursor: Option<String>,

    /// Print JSON instead of text
    #[arg(long = "json")]
    pub json: bool,
}

/// A task id plus an optional attempt number (`apply`, `diff`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct CloudAttemptArgs {
    /// Which attempt to use, counting from 1
    #[arg(long = "attempt", value_name = "N", value_parser = parse_attempts)]
    pub attempt: Option<usize>,

    /// Id of the cloud task
    #[arg(value_name = "TASK_ID")]
    pub task_id: String,
}

/// `codex apply` (alias `a`): apply the newest diff of a cloud task with `git apply`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ApplyArgs {
    /// Id of the cloud task whose diff to apply
    #[arg(value_name = "TASK_ID")]
    pub task_id: String,
}

/// Parses an unsigned integer and checks that it lies in `1..=max`; `what` names the option in
/// the error.
fn parse_bounded(raw: &str, what: &str, max: usize) -> Result<usize, String> {
    let value: usize = raw
        .parse()
        .map_err(|_| format!("{what} must be an integer between 1 and {max}"))?;
    if (1..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{what} must be between 1 and {max}"))
    }
}

/// Value parser for `--attempts` and `--attempt`.
fn parse_attempts(raw: &str) -> Result<usize, String> {
    parse_bounded(raw, "attempts", 4)
}

/// Value parser for `--limit`.
fn parse_limit(raw: &str) -> Result<usize, String> {
    parse_bounded(raw, "limit", 20)
}

#[cfg(test)]
mod tests {
    use super::{parse_attempts, parse_limit};

    #[test]
    fn bounded_numbers() {
        assert_eq!(parse_attempts("1"), Ok(1));
        assert_eq!(parse_attempts("+2"), Ok(2));
        assert_eq!(parse_attempts("04"), Ok(4));
        assert_eq!(
            parse_attempts("0"),
            Err("attempts must be between 1 and 4".to_owned())
        );
        assert_eq!(
            parse_attempts("-1"),
            Err("attempts must be an integer between 1 and 4".to_owned())
        );
        assert_eq!(parse_limit("20"), Ok(20));
        assert_eq!(
            parse_limit("21"),
            Err("limit must be between 1 and 20".to_owned())
        );
        assert_eq!(
            parse_limit("x"),
            Err("limit must be an integer between 1 and 20".to_owned())
        );
    }
}
