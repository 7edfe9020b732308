//! Interrupting a turn (Ctrl-C in exec): the front end holds an [`InterruptHandle`]; the
//! turn stops waiting for the model or a tool, kills the commands it started, and is
//! recorded as aborted.

use std::time::Instant;

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use super::Session;
use crate::error::CoreError;
use crate::event::Event;

/// What the model is told at the start of the next turn about the interrupted one.
const TURN_ABORTED_NOTE: &str = "<turn_aborted>\nThe user stopped the previous turn on purpose. Commands it started may have been cut short, or may still be running, so their effects can be incomplete.\n</turn_aborted>";

/// Lets a front end interrupt the session's running turn.
#[derive(Debug, Clone)]
pub struct InterruptHandle(watch::Sender<bool>);

impl InterruptHandle {
    pub(crate) fn new(sender: watch::Sender<bool>) -> Self {
        Self(sender)
    }

    /// Interrupts the running turn (no effect between turns).
    pub fn interrupt(&self) {
        self.0.send_replace(true);
    }
}

/// Resolves once the turn is interrupted (never, if the session is gone).
pub(super) async fn interrupted(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|on| *on).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The output a tool call gets when the turn is interrupted while it runs.
pub(super) fn aborted_call_text(started: Instant) -> String {
    format!(
        "aborted by user after {:.1}s",
        started.elapsed().as_secs_f64()
    )
}

impl Session {
    /// A handle that interrupts this session's running turn.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.interrupt.clone())
    }

    /// Records an interrupted turn as the reference does (a note for the model, then
    /// `turn_aborted`), stops the commands it started, and tells the front end.
    pub(super) async fn abort_turn(
        &mut self,
        turn_id: &str,
        started: Instant,
        events: &mpsc::Sender<Event>,
    ) -> CoreError {
        let recorded = self.record_abort(turn_id, started, events).await;
        let _ = events.send(Event::TurnAborted).await;
        match recorded {
            Ok(()) => CoreError::Interrupted,
            Err(err) => CoreError::Record(err),
        }
    }

    /// The rollout side of an aborted turn: commands stopped, the note for the model and
    /// `turn_aborted` recorded, the thread index refreshed.
    pub(super) async fn record_abort(
        &mut self,
        turn_id: &str,
        started: Instant,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<()> {
        self.tools.shutdown();
        let note = crate::context::user_message(TURN_ABORTED_NOTE);
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let recorded = self.recorder.response_item(&note).and_then(|()| {
            self.recorder.event(serde_json::json!({
                "type": "turn_aborted",
                "turn_id": turn_id,
                "reason": "interrupted",
                "completed_at": Utc::now().timestamp(),
                "duration_ms": duration_ms,
            }))
        });
        self.history.push(note);
        self.index_thread(events).await;
        recorded
    }
}
