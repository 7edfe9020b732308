//! What the engine tells its front end.

use std::path::PathBuf;

use recodex_protocol::usage::TokenUsage;

pub use crate::patch::{PatchChange, PatchChangeKind};

/// One event of a session, in the order things happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The thread exists; its rollout file is at `rollout_path` (none when ephemeral).
    SessionConfigured {
        /// Thread id (UUIDv7).
        thread_id: String,
        /// Where the rollout is written.
        rollout_path: Option<PathBuf>,
    },
    /// A turn began.
    TurnStarted {
        /// Turn id.
        turn_id: String,
    },
    /// An assistant message began streaming (its model item id); its text follows in
    /// [`Event::AgentMessageDelta`]s and it ends with [`Event::AgentMessage`].
    AgentMessageStarted {
        /// The model's item id.
        item_id: String,
    },
    /// More text of the assistant message being streamed.
    AgentMessageDelta {
        /// The model's item id.
        item_id: String,
        /// The text.
        delta: String,
    },
    /// The model produced a complete message.
    AgentMessage {
        /// The text.
        text: String,
    },
    /// A reasoning item began streaming (its model item id); its summary parts and text
    /// follow, and it ends with [`Event::Reasoning`].
    ReasoningStarted {
        /// The model's item id.
        item_id: String,
    },
    /// A new summary part of the reasoning being streamed.
    ReasoningSummaryPartAdded {
        /// The model's item id.
        item_id: String,
        /// Which summary part.
        summary_index: i64,
    },
    /// More summary text of the reasoning being streamed.
    ReasoningSummaryDelta {
        /// The model's item id.
        item_id: String,
        /// The text.
        delta: String,
        /// Which summary part.
        summary_index: i64,
    },
    /// More raw reasoning text of the reasoning being streamed.
    ReasoningContentDelta {
        /// The model's item id.
        item_id: String,
        /// The text.
        delta: String,
        /// Which content part.
        content_index: i64,
    },
    /// The model produced a reasoning item (possibly with no summary: encrypted only).
    Reasoning {
        /// The model's item id.
        item_id: String,
        /// The summary parts.
        summary: Vec<String>,
        /// The raw reasoning parts, when the model sent them.
        content: Vec<String>,
    },
    /// Token usage after a response.
    TokenCount {
        /// The last response's usage.
        last: TokenUsage,
        /// The thread's total.
        total: TokenUsage,
    },
    /// A multi-agent tool call started.
    CollabBegin(CollabCall),
    /// A multi-agent tool call ended.
    CollabEnd(CollabCall),
    /// A command the model asked for started.
    CommandBegin {
        /// The tool call.
        call_id: String,
        /// The command line as started (e.g. `/bin/bash -lc 'echo hi'`).
        command: String,
        /// Where it runs.
        cwd: std::path::PathBuf,
        /// The unified-exec session id of the process (what `write_stdin` names), when it
        /// has one.
        process_id: Option<String>,
        /// What started it.
        source: CommandSource,
    },
    /// Output of a running command, as it arrives (stdout and stderr interleaved).
    CommandOutputDelta {
        /// The tool call that started it.
        call_id: String,
        /// The text (invalid UTF-8 replaced).
        delta: String,
    },
    /// A command the model asked for ended (possibly reported by a later `write_stdin`
    /// call; a command still running when the turn ends gets no end).
    CommandEnd {
        /// The tool call that started it.
        call_id: String,
        /// The command line as started.
        command: String,
        /// Everything it printed.
        output: String,
        /// Exit status (`None`: it could not be started or was not waited for).
        exit_code: Option<i32>,
        /// Where it ran.
        cwd: std::path::PathBuf,
        /// How long it ran, in milliseconds.
        duration_ms: u64,
        /// The policy or the user refused to run it.
        declined: bool,
        /// The unified-exec session id it ran under, when it had one.
        process_id: Option<String>,
        /// What started it.
        source: CommandSource,
    },
    /// The model started a web search (a provider-side tool).
    WebSearchBegin {
        /// The search call's id.
        call_id: String,
        /// The query (or the page, for a page action).
        query: String,
        /// The action as reported.
        action: Option<serde_json::Value>,
    },
    /// A web search finished.
    WebSearchEnd {
        /// The search call's id.
        call_id: String,
        /// The query (or the page, for a page action).
        query: String,
        /// The action as reported.
        action: Option<serde_json::Value>,
    },
    /// A patch passed verification and the policy check and is being applied.
    PatchApplyBegin {
        /// The tool call.
        call_id: String,
        /// What it changes, sorted by path.
        changes: Vec<PatchChange>,
    },
    /// A patch finished applying (or failed to).
    PatchApplyEnd {
        /// The tool call.
        call_id: String,
        /// What it changes, sorted by path.
        changes: Vec<PatchChange>,
        /// What the apply step printed on stdout (the success summary).
        stdout: String,
        /// What it printed on stderr (why it failed).
        stderr: String,
        /// Whether every file was written.
        success: bool,
        /// Whether the user declined it (nothing was written).
        declined: bool,
    },
    /// A tool call was answered with an error instead of running (a refused or
    /// unverifiable patch, an unknown tool); the model reads `message` as the output.
    ToolError {
        /// The text given to the model.
        message: String,
    },
    /// The turn's aggregated diff after a patch or a response (git-style unified diff).
    TurnDiff {
        /// The diff.
        unified_diff: String,
    },
    /// A sampling request failed and is being sent again (`Reconnecting... n/m (...)`).
    StreamError {
        /// The notice.
        message: String,
    },
    /// A message sent to the running turn joined the conversation (before the next request).
    SteerTaken {
        /// The message.
        message: String,
    },
    /// The model replaced its plan (`update_plan`): each step, in order.
    PlanUpdated {
        /// The model's note on the change, when it gave one.
        explanation: Option<String>,
        /// The steps.
        steps: Vec<PlanStep>,
    },
    /// A non-fatal problem.
    Warning {
        /// What happened.
        message: String,
    },
    /// The turn ended.
    TurnComplete {
        /// The last message of the turn, if any.
        last_agent_message: Option<String>,
        /// Milliseconds from the turn's start to the model's first output, when it sent any.
        time_to_first_token_ms: Option<i64>,
    },
    /// The turn was interrupted by the user and recorded as aborted.
    TurnAborted,
    /// The turn failed.
    Error {
        /// What happened.
        message: String,
    },
}

/// What started a command, as front ends label its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandSource {
    /// The model's tool call, before (or without) a unified-exec process: a command
    /// waiting for approval, a declined one, `shell_command`.
    Agent,
    /// A unified-exec process the model's `exec_command` started.
    UnifiedExecStartup,
}

/// One step of the model's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    /// What the step is.
    pub step: String,
    /// Where it stands.
    pub status: StepStatus,
}

/// Progress of a plan step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Not started.
    Pending,
    /// Being worked on.
    InProgress,
    /// Done.
    Completed,
}

/// A multi-agent tool call (`spawn_agent`, `wait`, `send_input`, `resume_agent`,
/// `close_agent`) as front ends show it.
#[derive(Debug, Clone, PartialEq)]
pub struct CollabCall {
    /// The tool call.
    pub call_id: String,
    /// The tool as the JSON items name it (`wait` for `wait_agent`, and also, as in the
    /// reference, for `resume_agent`).
    pub tool: String,
    /// The call as the human transcript names it (`SpawnAgent`, `SendInput`, `Wait`,
    /// `CloseAgent`, `ResumeAgent`).
    pub kind: String,
    /// The calling thread.
    pub sender_thread_id: String,
    /// The agents it is about (known once it ends, for a spawn).
    pub receiver_thread_ids: Vec<String>,
    /// The message given, for a spawn or a message.
    pub prompt: Option<String>,
    /// Each agent's state when the call ended: id, status name, message.
    pub agents_states: Vec<(String, String, Option<String>)>,
    /// The call failed (an error went back to the model).
    pub failed: bool,
}
