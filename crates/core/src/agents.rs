//! Sub-agents (the `multi_agent_v1` tools): threads a session spawns, run by the same
//! engine in the same process. Each child is a [`Session`] of its own (its own rollout,
//! index row and requests) driven by a task on the parent's local task set; the parent
//! talks to it through an inbox, watches its status, and is told when it finishes.

use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::session::{InterruptHandle, Session};

/// What a sub-agent is doing, as the tools report it (`"running"`,
/// `{"completed":"<last message>"}`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AgentStatus {
    /// Spawned; its first turn has not started.
    PendingInit,
    /// A turn is running.
    Running,
    /// The running turn was stopped.
    Interrupted,
    /// The last turn ended, with this last message.
    Completed(Option<String>),
    /// The last turn failed.
    Errored(String),
    /// Closed.
    Shutdown,
    /// No such agent.
    NotFound,
}

impl AgentStatus {
    /// Whether waiting for the agent is over.
    pub(crate) fn is_final(&self) -> bool {
        !matches!(self, Self::PendingInit | Self::Running | Self::Interrupted)
    }

    /// The name and message shown for the agent in front-end items.
    pub(crate) fn state(&self) -> (&'static str, Option<String>) {
        match self {
            Self::PendingInit => ("pending_init", None),
            Self::Running => ("running", None),
            Self::Interrupted => ("interrupted", None),
            Self::Completed(message) => ("completed", message.clone()),
            Self::Errored(message) => ("errored", Some(message.clone())),
            Self::Shutdown => ("shutdown", None),
            Self::NotFound => ("not_found", None),
        }
    }

    /// As the tools' JSON shows it.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// A spawned agent as its parent sees it.
#[derive(Debug)]
pub(crate) struct ChildAgent {
    pub(crate) id: String,
    status: watch::Receiver<AgentStatus>,
    inbox: Option<mpsc::UnboundedSender<String>>,
    interrupt: InterruptHandle,
    task: tokio::task::JoinHandle<()>,
    resumable: Option<ClosedAgent>,
    /// Messages for the running turn (see [`Session::steer_handle`]).
    steer: crate::session::SteerQueue,
}

impl ChildAgent {
    /// Its status now.
    pub(crate) fn status(&self) -> AgentStatus {
        self.status.borrow().clone()
    }

    /// A receiver of its status changes.
    pub(crate) fn watch(&self) -> watch::Receiver<AgentStatus> {
        self.status.clone()
    }

    /// Gives it another message: a running turn takes it in before its next request (with
    /// `interrupt`, the turn is stopped and the message starts a new one); an idle agent
    /// starts a turn with it.
    pub(crate) fn send(&self, message: String, interrupt: bool) -> bool {
        let running = matches!(self.status(), AgentStatus::Running);
        if running && interrupt {
            self.interrupt.interrupt();
        } else if running {
            self.steer.borrow_mut().push_back(message);
            return true;
        }
        self.inbox
            .as_ref()
            .is_some_and(|inbox| inbox.send(message).is_ok())
    }
}

/// A closed agent that `resume_agent` can bring back from its rollout.
#[derive(Debug, Clone)]
pub(crate) struct ClosedAgent {
    pub(crate) settings: crate::settings::SessionSettings,
    pub(crate) rollout: std::path::PathBuf,
}

/// A child's status change the parent has not been told about yet.
#[derive(Debug, Clone)]
pub(crate) struct Notice {
    pub(crate) id: String,
    pub(crate) status: AgentStatus,
}

/// A session's sub-agents and the task set that runs them.
#[derive(Debug)]
pub(crate) struct Agents {
    /// Runs the children; the parent's turns are driven inside it.
    pub(crate) local: tokio::task::LocalSet,
    children: Vec<ChildAgent>,
    closed: std::collections::HashMap<String, ClosedAgent>,
    /// Every nickname given in this session (closing an agent does not free its name).
    nicknames: Vec<String>,
    notices_tx: mpsc::UnboundedSender<Notice>,
    notices_rx: mpsc::UnboundedReceiver<Notice>,
    pending: Vec<Notice>,
}

impl Default for Agents {
    fn default() -> Self {
        let (notices_tx, notices_rx) = mpsc::unbounded_channel();
        Self {
            local: tokio::task::LocalSet::new(),
            children: Vec::new(),
            closed: std::collections::HashMap::new(),
            nicknames: Vec::new(),
            notices_tx,
            notices_rx,
            pending: Vec::new(),
        }
    }
}

impl Agents {
    /// The open child with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&ChildAgent> {
        self.children.iter().find(|c| c.id == id)
    }

    /// Open children.
    pub(crate) fn open_count(&self) -> usize {
        self.children.len()
    }

    /// Nicknames given so far in this session.
    pub(crate) fn nicknames(&self) -> &[String] {
        &self.nicknames
    }

    /// Starts `session` as a child, with `message` as its first turn when given (a resumed
    /// agent waits for one). The parent is told when it first reaches a final status.
    /// Must be called while the parent's turn runs inside [`Agents::local`].
    pub(crate) fn spawn(
        &mut self,
        session: Session,
        nickname: Option<String>,
        message: Option<String>,
        resumable: Option<ClosedAgent>,
    ) {
        let id = session.thread_id().to_owned();
        let interrupt = session.interrupt_handle();
        let steer = session.steer_handle();
        let (status_tx, status) = watch::channel(AgentStatus::PendingInit);
        let (inbox, inbox_rx) = mpsc::unbounded_channel();
        if let Some(message) = message {
            let _ = inbox.send(message);
        }
        let task = tokio::task::spawn_local(run_child(
            session,
            inbox_rx,
            status_tx,
            self.notices_tx.clone(),
        ));
        if let Some(nickname) = nickname {
            self.nicknames.push(nickname);
        }
        self.closed.remove(&id);
        self.children.push(ChildAgent {
            id,
            status,
            inbox: Some(inbox),
            interrupt,
            task,
            resumable,
            steer,
        });
    }

    /// Closes the child `id`: its turn is stopped and its thread let go, remembered (when
    /// it has a rollout) so that `resume_agent` can bring it back. Returns its status
    /// before.
    pub(crate) fn close(&mut self, id: &str) -> Option<AgentStatus> {
        let index = self.children.iter().position(|c| c.id == id)?;
        let child = self.children.remove(index);
        let previous = child.status();
        child.interrupt.interrupt();
        child.task.abort();
        if !previous.is_final() {
            // The parent hears that a child it had not heard from is gone.
            self.pending.push(Notice {
                id: id.to_owned(),
                status: AgentStatus::Shutdown,
            });
        }
        if let Some(closed) = child.resumable {
            self.closed.insert(id.to_owned(), closed);
        }
        Some(previous)
    }

    /// A closed agent that can be resumed.
    pub(crate) fn closed(&self, id: &str) -> Option<&ClosedAgent> {
        self.closed.get(id)
    }

    /// Whether a notice is waiting for the parent.
    pub(crate) fn has_notices(&mut self) -> bool {
        while let Ok(notice) = self.notices_rx.try_recv() {
            self.pending.push(notice);
        }
        !self.pending.is_empty()
    }

    /// Notices not delivered yet, oldest first.
    pub(crate) fn take_notices(&mut self) -> Vec<Notice> {
        self.has_notices();
        std::mem::take(&mut self.pending)
    }

    /// Ends every child: running turns are interrupted (and recorded as aborted), then the
    /// children's tasks end. Must run inside [`Agents::local`].
    pub(crate) async fn shutdown(&mut self) {
        for child in &mut self.children {
            if matches!(child.status(), AgentStatus::Running) {
                child.interrupt.interrupt();
            }
            // No further turns: neither queued nor steered messages start one.
            child.inbox = None;
            child.steer.borrow_mut().clear();
        }
        for child in std::mem::take(&mut self.children) {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), child.task).await;
        }
    }

    /// Stops every child at once (the session is being dropped).
    pub(crate) fn abort_all(&mut self) {
        for child in self.children.drain(..) {
            child.interrupt.interrupt();
            child.task.abort();
        }
    }
}

/// A child's life: one turn per message in its inbox; each finished turn sets its status.
/// The parent is told once, about the first final status.
async fn run_child(
    mut session: Session,
    mut inbox: mpsc::UnboundedReceiver<String>,
    status: watch::Sender<AgentStatus>,
    notices: mpsc::UnboundedSender<Notice>,
) {
    let id = session.thread_id().to_owned();
    // Nobody shows a child's events; they are drained.
    let (events, mut drain) = mpsc::channel(64);
    tokio::task::spawn_local(async move { while drain.recv().await.is_some() {} });
    let mut watched = true;
    loop {
        // A message meant for a turn that ended before taking it starts the next one.
        let steered = session.steer_handle().borrow_mut().pop_front();
        let message = match steered {
            Some(message) => message,
            None => match inbox.recv().await {
                Some(message) => message,
                None => break,
            },
        };
        status.send_replace(AgentStatus::Running);
        let done = match session.run_turn(&message, &events).await {
            Ok(outcome) => AgentStatus::Completed(outcome.last_agent_message),
            Err(crate::error::CoreError::Interrupted) => AgentStatus::Interrupted,
            Err(err) => AgentStatus::Errored(err.to_string()),
        };
        status.send_replace(done.clone());
        if watched && done.is_final() {
            watched = false;
            let _ = notices.send(Notice {
                id: id.clone(),
                status: done,
            });
        }
    }
}

/// The user message that tells a parent about a child's new status.
pub(crate) fn notification_text(notice: &Notice) -> String {
    let body = serde_json::json!({
        "agent_path": notice.id,
        "status": notice.status.to_json(),
    });
    format!("<subagent_notification>\n{body}\n</subagent_notification>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialize_as_the_reference_shows_them() {
        let json = |s: AgentStatus| s.to_json().to_string();
        assert_eq!(json(AgentStatus::PendingInit), r#""pending_init""#);
        assert_eq!(json(AgentStatus::Running), r#""running""#);
        assert_eq!(
            json(AgentStatus::Completed(Some("hi".into()))),
            r#"{"completed":"hi"}"#
        );
        assert_eq!(json(AgentStatus::Completed(None)), r#"{"completed":null}"#);
        assert_eq!(json(AgentStatus::Errored("x".into())), r#"{"errored":"x"}"#);
        assert_eq!(json(AgentStatus::Shutdown), r#""shutdown""#);
        assert_eq!(json(AgentStatus::NotFound), r#""not_found""#);
        assert!(!AgentStatus::Running.is_final());
        assert!(AgentStatus::NotFound.is_final());
    }

    #[test]
    fn notifications_carry_the_id_and_status() {
        let notice = Notice {
            id: "01a2".into(),
            status: AgentStatus::Completed(Some("child says hi".into())),
        };
        assert_eq!(
            notification_text(&notice),
            "<subagent_notification>\n{\"agent_path\":\"01a2\",\"status\":{\"completed\":\"child says hi\"}}\n</subagent_notification>"
        );
    }
}
