//! `codex debug`: developer tooling (model catalog, prompt input, app server test client, and
//! hidden internal helpers).

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `codex debug`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct DebugArgs {
    /// Debug tool to run.
    #[command(subcommand)]
    pub command: DebugCommand,
}

/// `codex debug` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DebugCommand {
    /// Dump the catalog of models in JSON
    Models(DebugModelsArgs),
    /// Drive an app server from the command line, for debugging it
    AppServer(DebugAppServerArgs),
    /// Print, as JSON, the input items the model would receive for a prompt
    PromptInput(DebugPromptInputArgs),
    /// Reduce a rollout trace bundle to its final state and save that as JSON
    #[command(hide = true)]
    TraceReduce(DebugTraceReduceArgs),
    /// Internal: wipe the local memory state
    #[command(hide = true)]
    ClearMemories,
}

/// `codex debug models`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Args)]
pub struct DebugModelsArgs {
    /// Skip the refresh and print only the catalog built into this binary
    #[arg(long = "bundled")]
    pub bundled: bool,
}

/// `codex debug app-server`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct DebugAppServerArgs {
    /// App server debugging action.
    #[command(subcommand)]
    pub command: DebugAppServerCommand,
}

/// `codex debug app-server` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DebugAppServerCommand {
    /// Start an app server, send it one user message over the v2 protocol and print the replies
    SendMessageV2(SendMessageV2Args),
}

/// `codex debug app-server send-message-v2`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct SendMessageV2Args {
    /// Text of the user message to send
    #[arg(value_name = "USER_MESSAGE")]
    pub user_message: String,
}

/// `codex debug prompt-input`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct DebugPromptInputArgs {
    /// User prompt to add after the session context
    #[arg(value_name = "PROMPT")]
    pub prompt: Option<String>,

    /// Attach image file(s) to the prompt; separate several with commas or spaces
    #[arg(
        short = 'i',
        long = "image",
        value_name = "FILE",
        value_delimiter = ',',
        num_args = 1..
    )]
    pub images: Vec<PathBuf>,
}

/// `codex debug trace-reduce`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct DebugTraceReduceArgs {
    /// Directory of the trace bundle (manifest.json plus trace.jsonl)
    #[arg(value_name = "TRACE_BUNDLE")]
    pub trace_bundle: PathBuf,

    /// Where to write the reduced JSON (default: TRACE_BUNDLE/state.json)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}
