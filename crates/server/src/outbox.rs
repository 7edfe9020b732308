//! Where messages to the client go: a channel drained by the writer, so that turns running
//! in the background and the request loop write whole lines in one order.

use recodex_app_protocol::generated::root::ServerNotification;

/// A handle for sending lines to the client.
#[derive(Debug, Clone)]
pub struct Outbox(std::sync::mpsc::Sender<String>);

impl Outbox {
    /// An outbox and the receiving end the writer drains.
    pub fn channel() -> (Self, std::sync::mpsc::Receiver<String>) {
        let (tx, rx) = std::sync::mpsc::channel();
        (Self(tx), rx)
    }

    /// Sends one line as is.
    pub(crate) fn line(&self, line: String) {
        let _ = self.0.send(line);
    }

    /// Sends an app-server notification.
    pub(crate) fn send(&self, notification: ServerNotification) {
        self.line(crate::wire::notification_line(&notification));
    }
}
