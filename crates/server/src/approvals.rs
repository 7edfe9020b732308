//! Approvals asked of the app-server's client: the engine's requests become
//! `item/commandExecution/requestApproval` server requests; the client's answers come
//! back as responses, resolve the engine's wait, and are announced with
//! `serverRequest/resolved`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::rc::Rc;

use chrono::Utc;
use recodex_app_protocol::generated::root::{RequestId, ServerRequest};
use recodex_app_protocol::generated::v2::{
    CommandAction, CommandExecutionApprovalDecision, CommandExecutionRequestApprovalParams,
    ServerRequestResolvedNotification,
};
use recodex_core::{ApprovalRequest, ApprovalSubject, Approvals, ReviewDecision};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

/// The server requests waiting for the client, by request id.
#[derive(Default)]
pub(crate) struct PendingApprovals {
    next_id: Cell<i64>,
    waiting: RefCell<HashMap<i64, (String, oneshot::Sender<ReviewDecision>)>>,
}

pub(crate) type SharedApprovals = Rc<PendingApprovals>;

/// A session's approval channel: the engine sends on the first, the thread's running
/// turn reads the second (so a question and the item it is about reach the client in
/// order).
pub(crate) fn channel() -> (Approvals, mpsc::UnboundedReceiver<ApprovalRequest>) {
    mpsc::unbounded_channel()
}

/// The next question on a session's channel, or never when the session cannot ask
/// (no channel, or its engine has gone).
pub(crate) async fn next_question(
    questions: &mut Option<mpsc::UnboundedReceiver<ApprovalRequest>>,
) -> ApprovalRequest {
    match questions.as_mut() {
        Some(rx) => match rx.recv().await {
            Some(question) => question,
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

impl PendingApprovals {
    /// Registers `request` as waiting and returns the call it is about and the server
    /// request line that asks the client.
    pub(crate) fn ask(&self, request: ApprovalRequest) -> (String, String) {
        let call_id = match &request.subject {
            ApprovalSubject::Exec { call_id, .. } | ApprovalSubject::Patch { call_id, .. } => {
                call_id.clone()
            }
        };
        let question = Question::of(&request);
        let id = self.register(request);
        (call_id, question.line(id))
    }

    /// Keeps `request`'s answer channel under a new server request id.
    pub(crate) fn register(&self, request: ApprovalRequest) -> i64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.waiting
            .borrow_mut()
            .insert(id, (request.thread_id, request.respond));
        id
    }

    /// Gives server request `id` its decision; the thread it was for, if it was waiting.
    pub(crate) fn answer(&self, id: i64, decision: ReviewDecision) -> Option<String> {
        let (thread_id, respond) = self.waiting.borrow_mut().remove(&id)?;
        let _ = respond.send(decision);
        Some(thread_id)
    }
}

/// What a server request asks, before it has an id.
enum Question {
    /// `item/commandExecution/requestApproval`.
    Exec(Box<CommandExecutionRequestApprovalParams>),
    /// `item/fileChange/requestApproval`.
    Patch(FileChangeApprovalParams),
}

/// `item/fileChange/requestApproval` params as the reference writes them: `reason` and
/// `grantRoot` are explicit `null`s when unset, where the generated
/// `FileChangeRequestApprovalParams` (whose schema marks them optional) leaves them out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileChangeApprovalParams {
    thread_id: String,
    turn_id: String,
    item_id: String,
    started_at_ms: i64,
    reason: Option<String>,
    grant_root: Option<String>,
}

impl Question {
    /// The question about `request`.
    fn of(request: &ApprovalRequest) -> Self {
        match &request.subject {
            ApprovalSubject::Exec {
                call_id,
                command,
                argv,
                cwd,
                reason,
                escalated,
            } => {
                let script = crate::turn_events::inner_script(command);
                // The rule the client may add (the command's own words), offered for an
                // escalation; a question asked for a rule of the policy offers none.
                let amendment =
                    escalated.then(|| shlex::split(&script).unwrap_or_else(|| argv.clone()));
                let mut decisions = vec![CommandExecutionApprovalDecision::Accept];
                if let Some(amendment) = &amendment {
                    decisions.push(
                        CommandExecutionApprovalDecision::AcceptWithExecpolicyAmendment {
                            execpolicy_amendment: amendment.clone(),
                        },
                    );
                }
                decisions.push(CommandExecutionApprovalDecision::Cancel);
                Self::Exec(Box::new(CommandExecutionRequestApprovalParams {
                    thread_id: request.thread_id.clone(),
                    turn_id: request.turn_id.clone(),
                    item_id: call_id.clone(),
                    started_at_ms: Utc::now().timestamp_millis(),
                    // Asked because of the policy alone (`untrusted`): no reason, and the
                    // key is left out.
                    reason: reason.clone(),
                    command: Some(command.clone()),
                    cwd: Some(cwd.display().to_string()),
                    command_actions: Some(vec![CommandAction::Unknown { command: script }]),
                    proposed_execpolicy_amendment: amendment,
                    available_decisions: Some(decisions),
                    ..CommandExecutionRequestApprovalParams::default()
                }))
            }
            ApprovalSubject::Patch {
                call_id, reason, ..
            } => Self::Patch(FileChangeApprovalParams {
                thread_id: request.thread_id.clone(),
                turn_id: request.turn_id.clone(),
                item_id: call_id.clone(),
                started_at_ms: Utc::now().timestamp_millis(),
                reason: reason.clone(),
                grant_root: None,
            }),
        }
    }

    /// The server request line asking it as request `id`.
    fn line(self, id: i64) -> String {
        let id = RequestId::Integer(id);
        match self {
            Self::Exec(params) => {
                crate::wire::request_line(&ServerRequest::ItemCommandExecutionRequestApproval {
                    id,
                    params: *params,
                })
            }
            Self::Patch(params) => {
                #[derive(Serialize)]
                struct Request {
                    method: &'static str,
                    id: RequestId,
                    params: FileChangeApprovalParams,
                }
                serde_json::to_string(&Request {
                    method: "item/fileChange/requestApproval",
                    id,
                    params,
                })
                .unwrap_or_default()
            }
        }
    }
}

/// The client's answer to server request `id` (`result` or an error); returns the
/// `serverRequest/resolved` notification to send, if `id` was waiting. An approval that
/// adds a rule appends it to `$CODEX_HOME/rules/default.rules`.
pub(crate) fn resolve(
    pending: &PendingApprovals,
    codex_home: &Path,
    id: i64,
    result: Option<&Value>,
) -> Option<ServerRequestResolvedNotification> {
    if !pending.waiting.borrow().contains_key(&id) {
        return None;
    }
    let decision = match result.map(|r| &r["decision"]) {
        Some(Value::String(d)) if d == "accept" => ReviewDecision::Approved,
        Some(Value::String(d)) if d == "acceptForSession" => ReviewDecision::ApprovedForSession,
        Some(Value::Object(d)) if d.contains_key("acceptWithExecpolicyAmendment") => {
            let pattern = &d["acceptWithExecpolicyAmendment"]["execpolicy_amendment"];
            let words: Vec<&str> = pattern
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if !words.is_empty() {
                let _ = append_allow_rule(codex_home, &words);
            }
            // The rule covers the same command for the rest of the session too.
            ReviewDecision::ApprovedForSession
        }
        Some(Value::String(d)) if d == "cancel" => ReviewDecision::Abort,
        // `decline`, or an answer that is not a decision.
        _ => ReviewDecision::Denied,
    };
    let thread_id = pending.answer(id, decision)?;
    Some(ServerRequestResolvedNotification {
        thread_id,
        request_id: RequestId::Integer(id),
    })
}

/// Appends `prefix_rule(pattern=[...], decision="allow")` to the user's default rules
/// file, on a line of its own; the file is only ever appended to.
pub(crate) fn append_allow_rule(codex_home: &Path, words: &[&str]) -> std::io::Result<()> {
    let dir = codex_home.join("rules");
    std::fs::create_dir_all(&dir)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(dir.join("default.rules"))?;
    let mut line = String::new();
    if file.metadata()?.len() > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::End(-1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.push('\n');
        }
    }
    let pattern: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    line.push_str(&format!(
        "prefix_rule(pattern=[{}], decision=\"allow\")\n",
        pattern.join(", ")
    ));
    file.write_all(line.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amendment_appends_one_allow_rule_per_line() {
        let home = tempfile::tempdir().unwrap();
        let rules = home.path().join("rules/default.rules");
        append_allow_rule(home.path(), &["touch", "../outside.txt"]).unwrap();
        let first = std::fs::read_to_string(&rules).unwrap();
        std::fs::write(&rules, first + "# no newline at the end").unwrap();
        append_allow_rule(home.path(), &["say", "\"hi\""]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&rules).unwrap(),
            concat!(
                "prefix_rule(pattern=[\"touch\", \"../outside.txt\"], decision=\"allow\")\n",
                "# no newline at the end\n",
                "prefix_rule(pattern=[\"say\", \"\\\"hi\\\"\"], decision=\"allow\")\n",
            )
        );
    }
}
