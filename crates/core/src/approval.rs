//! Asking the user: a front end that can ask (the app-server, the MCP server) gives the
//! session a channel; the engine sends a request through it and waits for the decision.
//! Without a channel nothing is asked, and what would need approval is refused.

use std::path::PathBuf;

use tokio::sync::{mpsc, oneshot};

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Run it, this once.
    Approved,
    /// Run it, and the same command again without asking for the rest of the session.
    ApprovedForSession,
    /// Do not run it; the turn goes on.
    Denied,
    /// Do not run it, and stop the turn.
    Abort,
}

/// What is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalSubject {
    /// Running a command: outside the sandbox when `escalated`, else because a `prompt`
    /// rule asks for it.
    Exec {
        /// The tool call.
        call_id: String,
        /// The command line as it would run.
        command: String,
        /// Its argv.
        argv: Vec<String>,
        /// Where it would run.
        cwd: PathBuf,
        /// Why: the rule's text for a command a `prompt` rule holds back, else the
        /// model's justification.
        reason: Option<String>,
        /// Whether the user may also add an `allow` rule for it (not for a command a
        /// `prompt` rule holds back).
        escalated: bool,
    },
    /// Applying a patch: outside the writable roots (it then runs outside the sandbox), or
    /// any patch under `untrusted`.
    Patch {
        /// The tool call.
        call_id: String,
        /// What it changes.
        changes: Vec<crate::PatchChange>,
        /// Why, when there is more to say.
        reason: Option<String>,
    },
}

/// One question to the user and where the answer goes.
#[derive(Debug)]
pub struct ApprovalRequest {
    /// The thread asking.
    pub thread_id: String,
    /// The turn asking.
    pub turn_id: String,
    /// What is asked.
    pub subject: ApprovalSubject,
    /// The answer; dropping it counts as [`ReviewDecision::Abort`].
    pub respond: oneshot::Sender<ReviewDecision>,
}

/// The sending end a session asks through.
pub type Approvals = mpsc::UnboundedSender<ApprovalRequest>;

/// Sends a question; the receiver gives the answer (a front end that went away counts
/// as an abort).
pub(crate) fn ask(
    approvals: &Approvals,
    (thread_id, turn_id): (&str, &str),
    subject: ApprovalSubject,
) -> oneshot::Receiver<ReviewDecision> {
    let (respond, answer) = oneshot::channel();
    let request = ApprovalRequest {
        thread_id: thread_id.to_owned(),
        turn_id: turn_id.to_owned(),
        subject,
        respond,
    };
    // A closed channel drops the request, and with it the answer's sender.
    let _ = approvals.send(request);
    answer
}
