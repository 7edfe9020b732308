//! Sub-agents (the `multi_agent_v1` tools): threads a session spawns, run by the same
//! engine in the same process. Each child is a [`Session`] of its own (its own rollout,
//! index row and requests) driven by a task on the parent's local task set; the parent
//! talks to it through an inbox, watches its status, and is told when it finishes.

use std::collections::HashSet;

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
        !matches!(self, Self::PendingInit | Self::Running)
    }

    /// The name and message shown for the agent in front-end items.
    pub(crate) fn state(&self) -> (&'static str, Option<String>) {
        match self {
            Self::PendingInit => ("pending_init", None),
            Self::Running => ("running", None),
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
    pub(crate) nickname: String,
    status: watch::Receiver<AgentStatus>,
    inbox: mpsc::UnboundedSender<String>,
    interrupt: InterruptHandle,
    task: tokio::task::JoinHandle<()>,
    closed: bool,
}

impl ChildAgent {
    /// Its status now.
    pub(crate) fn status(&self) -> AgentStatus {
        if self.closed {
            return AgentStatus::Shutdown;
        }
        self.status.borrow().clone()
    }

    /// A receiver of its status changes.
    pub(crate) fn watch(&self) -> watch::Receiver<AgentStatus> {
        self.status.clone()
    }

    /// Whether it was closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Gives it another message (a new turn once the current one ends); with `interrupt`
    /// the current turn is stopped first.
    pub(crate) fn send(&self, message: String, interrupt: bool) -> bool {
        if interrupt {
            self.interrupt.interrupt();
        }
        self.inbox.send(message).is_ok()
    }

    /// Stops it: the running turn is interrupted and its task ends.
    pub(crate) fn close(&mut self) {
        self.interrupt.interrupt();
        self.task.abort();
        self.closed = true;
    }
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
    notices_tx: mpsc::UnboundedSender<Notice>,
    notices_rx: mpsc::UnboundedReceiver<Notice>,
}

impl Default for Agents {
    fn default() -> Self {
        let (notices_tx, notices_rx) = mpsc::unbounded_channel();
        Self {
            local: tokio::task::LocalSet::new(),
            children: Vec::new(),
            notices_tx,
            notices_rx,
        }
    }
}

impl Agents {
    /// The child with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&ChildAgent> {
        self.children.iter().find(|c| c.id == id)
    }

    /// The child with this id, to change it.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut ChildAgent> {
        self.children.iter_mut().find(|c| c.id == id)
    }

    /// Children not closed.
    pub(crate) fn open_count(&self) -> usize {
        self.children.iter().filter(|c| !c.closed).count()
    }

    /// Nicknames already given in this session.
    pub(crate) fn nicknames(&self) -> HashSet<&str> {
        self.children.iter().map(|c| c.nickname.as_str()).collect()
    }

    /// Starts `session` as a child whose first turn works on `message`. Must be called
    /// while the parent's turn runs inside [`Agents::local`].
    pub(crate) fn spawn(&mut self, session: Session, nickname: String, message: String) {
        let id = session.thread_id().to_owned();
        let interrupt = session.interrupt_handle();
        let (status_tx, status) = watch::channel(AgentStatus::PendingInit);
        let (inbox, inbox_rx) = mpsc::unbounded_channel();
        let _ = inbox.send(message);
        let task = tokio::task::spawn_local(run_child(
            session,
            inbox_rx,
            status_tx,
            self.notices_tx.clone(),
        ));
        self.children.push(ChildAgent {
            id,
            nickname,
            status,
            inbox,
            interrupt,
            task,
            closed: false,
        });
    }

    /// Status changes since the last call, oldest first.
    pub(crate) fn take_notices(&mut self) -> Vec<Notice> {
        let mut notices = Vec::new();
        while let Ok(notice) = self.notices_rx.try_recv() {
            notices.push(notice);
        }
        notices
    }

    /// Stops every child (the session is ending).
    pub(crate) fn shutdown(&mut self) {
        for child in &mut self.children {
            if !child.closed {
                child.close();
            }
        }
    }
}

/// A child's life: one turn per message in its inbox; each finished turn sets its status
/// and tells the parent.
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
    while let Some(message) = inbox.recv().await {
        status.send_replace(AgentStatus::Running);
        let done = match session.run_turn(&message, &events).await {
            Ok(outcome) => AgentStatus::Completed(outcome.last_agent_message),
            Err(crate::error::CoreError::Interrupted) => AgentStatus::Completed(None),
            Err(err) => AgentStatus::Errored(err.to_string()),
        };
        status.send_replace(done.clone());
        let _ = notices.send(Notice {
            id: id.clone(),
            status: done,
        });
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
