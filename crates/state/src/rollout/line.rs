//! One rollout line.

use chrono::{DateTime, Utc};
use recodex_protocol::models::ResponseItem;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A line: when it was written and what it records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolloutLine {
    /// UTC, `YYYY-MM-DDThh:mm:ss.mmmZ`.
    pub timestamp: String,
    /// The record.
    #[serde(flatten)]
    pub item: RolloutItem,
}

/// The record of a line, tagged by `type` with its body in `payload`.
///
/// Response items are typed (they are replayed to the model on resume); the other
/// kinds are kept as JSON objects in their written key order until their owners (the
/// engine's events and turn context) type them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload", rename_all = "snake_case")]
pub enum RolloutItem {
    /// Thread metadata, the first line of every file.
    SessionMeta(Value),
    /// A conversation item sent to or received from the model.
    ResponseItem(ResponseItem),
    /// The settings a turn ran with.
    TurnContext(Value),
    /// An engine event worth keeping (user/agent messages, token counts, ...).
    EventMsg(Value),
    /// A compaction summary replacing earlier history.
    Compacted(Value),
}

impl RolloutLine {
    /// A line stamped with `now`.
    pub fn new(now: DateTime<Utc>, item: RolloutItem) -> Self {
        Self {
            timestamp: format_timestamp(now),
            item,
        }
    }
}

/// The rollout timestamp format: UTC, milliseconds, `Z`.
pub fn format_timestamp(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
