//! The `exec --json` event types, field for field as the reference prints them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of `exec --json` output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ThreadEvent {
    /// First line: the thread (session) id, usable with `exec resume`.
    #[serde(rename = "thread.started")]
    ThreadStarted {
        /// The thread id (UUIDv7).
        thread_id: String,
    },
    /// A prompt was sent and the agent started working on it.
    #[serde(rename = "turn.started")]
    TurnStarted {},
    /// The turn ended normally.
    #[serde(rename = "turn.completed")]
    TurnCompleted {
        /// Tokens used by the turn.
        usage: Usage,
    },
    /// The turn ended with an error.
    #[serde(rename = "turn.failed")]
    TurnFailed {
        /// What went wrong.
        error: ErrorPayload,
    },
    /// An item appeared (usually in progress).
    #[serde(rename = "item.started")]
    ItemStarted {
        /// The item.
        item: ThreadItem,
    },
    /// An item changed.
    #[serde(rename = "item.updated")]
    ItemUpdated {
        /// The item.
        item: ThreadItem,
    },
    /// An item reached its final state.
    #[serde(rename = "item.completed")]
    ItemCompleted {
        /// The item.
        item: ThreadItem,
    },
    /// An unrecoverable error outside any turn.
    #[serde(rename = "error")]
    Error(ErrorPayload),
}

/// An error message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorPayload {
    /// Human-readable text.
    pub message: String,
}

/// Token usage of a turn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Input tokens, cached ones included.
    pub input_tokens: i64,
    /// Input tokens served from the prompt cache.
    pub cached_input_tokens: i64,
    /// Output tokens, reasoning included.
    pub output_tokens: i64,
    /// Output tokens spent on reasoning.
    pub reasoning_output_tokens: i64,
}

/// An item of the thread: an id (`item_0`, `item_1`, ... per run) and its details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadItem {
    /// Run-local id.
    pub id: String,
    /// What the item is.
    #[serde(flatten)]
    pub details: ItemDetails,
}

/// The kinds of items, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemDetails {
    /// A message from the agent (JSON text when an output schema was given).
    AgentMessage {
        /// The message.
        text: String,
    },
    /// A reasoning summary.
    Reasoning {
        /// The summary text.
        text: String,
    },
    /// A command the agent ran.
    CommandExecution {
        /// The command line as run (e.g. `/bin/bash -lc 'echo hi'`).
        command: String,
        /// stdout and stderr as they arrived.
        aggregated_output: String,
        /// Exit status once finished.
        exit_code: Option<i32>,
        /// Progress.
        status: CommandStatus,
    },
    /// Files changed by a patch.
    FileChange {
        /// One entry per file.
        changes: Vec<FileChange>,
        /// Whether the patch applied.
        status: PatchStatus,
    },
    /// A call to an MCP server's tool.
    McpToolCall {
        /// The server's configured name.
        server: String,
        /// The tool.
        tool: String,
        /// Arguments as sent.
        #[serde(default)]
        arguments: Value,
        /// The result on success.
        result: Option<McpToolResult>,
        /// The error on failure.
        error: Option<ErrorPayload>,
        /// Progress.
        status: McpStatus,
    },
    /// A multi-agent tool call (spawning, messaging, waiting for or closing agents).
    CollabToolCall {
        /// `spawn_agent`, `send_input`, `resume_agent`, `wait` or `close_agent`.
        tool: String,
        /// The calling thread.
        sender_thread_id: String,
        /// The agents it is about.
        receiver_thread_ids: Vec<String>,
        /// The message given, for a spawn or a message.
        prompt: Option<String>,
        /// Each agent's state when the call ended, by id: `{"status", "message"}`.
        agents_states: serde_json::Map<String, Value>,
        /// Progress.
        status: McpStatus,
    },
    /// A web search by the model.
    WebSearch {
        /// The query (or the page, for a page action).
        query: String,
        /// The search action as the model reported it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<Value>,
    },
    /// The agent's plan as a to-do list.
    TodoList {
        /// The steps.
        items: Vec<TodoItem>,
    },
    /// A non-fatal error.
    Error {
        /// What went wrong.
        message: String,
    },
}

/// Progress of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandStatus {
    /// Running.
    InProgress,
    /// Exited (any exit code).
    Completed,
    /// Could not run or was killed.
    Failed,
    /// Refused by the approval policy.
    Declined,
}

/// One file of a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    /// The file.
    pub path: String,
    /// What happened to it.
    pub kind: ChangeKind,
}

/// Kind of file change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Created.
    Add,
    /// Removed.
    Delete,
    /// Modified (or moved).
    Update,
}

/// Outcome of a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchStatus {
    /// Applying.
    InProgress,
    /// Applied.
    Completed,
    /// Not applied.
    Failed,
}

/// Progress of an MCP tool call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum McpStatus {
    /// Waiting for the server.
    InProgress,
    /// Returned a result.
    Completed,
    /// Returned or raised an error.
    Failed,
}

/// What an MCP tool returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpToolResult {
    /// MCP content blocks as JSON.
    pub content: Vec<Value>,
    /// Structured content, if the tool gave any.
    pub structured_content: Option<Value>,
}

/// One step of the to-do list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodoItem {
    /// The step.
    pub text: String,
    /// Whether it is done.
    pub completed: bool,
}

impl ThreadEvent {
    /// The line printed for this event (compact JSON, no newline).
    pub fn to_line(&self) -> String {
        // Serializing these plain data types cannot fail: no maps with non-string keys,
        // no custom serializers.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn reference_transcripts_round_trip_line_for_line() {
        let transcripts = [
            include_str!("../tests/golden/exec-plain.jsonl"),
            include_str!("../tests/golden/exec-tool.jsonl"),
            include_str!("../tests/golden/exec-tool-slow.jsonl"),
            include_str!("../tests/golden/exec-plain-gpt55.jsonl"),
            include_str!("../tests/golden/exec-child-env.jsonl"),
        ];
        let mut seen = 0;
        for text in transcripts {
            for line in text.lines() {
                let event: ThreadEvent = serde_json::from_str(line).unwrap();
                assert_eq!(event.to_line(), line);
                seen += 1;
            }
        }
        assert!(seen >= 20, "{seen}");
    }

    #[test]
    fn every_item_kind_serializes_with_its_type_tag() {
        let items = [
            (
                ItemDetails::Reasoning { text: "r".into() },
                r#"{"id":"item_0","type":"reasoning","text":"r"}"#,
            ),
            (
                ItemDetails::FileChange {
                    changes: vec![FileChange {
                        path: "a.txt".into(),
                        kind: ChangeKind::Add,
                    }],
                    status: PatchStatus::Completed,
                },
                r#"{"id":"item_0","type":"file_change","changes":[{"path":"a.txt","kind":"add"}],"status":"completed"}"#,
            ),
            (
                ItemDetails::TodoList {
                    items: vec![TodoItem {
                        text: "t".into(),
                        completed: false,
                    }],
                },
                r#"{"id":"item_0","type":"todo_list","items":[{"text":"t","completed":false}]}"#,
            ),
            (
                ItemDetails::Error {
                    message: "m".into(),
                },
                r#"{"id":"item_0","type":"error","message":"m"}"#,
            ),
            (
                ItemDetails::WebSearch {
                    query: "q".into(),
                    action: None,
                },
                r#"{"id":"item_0","type":"web_search","query":"q"}"#,
            ),
        ];
        for (details, expected) in items {
            let item = ThreadItem {
                id: "item_0".into(),
                details,
            };
            assert_eq!(serde_json::to_string(&item).unwrap(), expected);
        }
        let failed = ThreadEvent::TurnFailed {
            error: ErrorPayload {
                message: "boom".into(),
            },
        };
        assert_eq!(
            failed.to_line(),
            r#"{"type":"turn.failed","error":{"message":"boom"}}"#
        );
        let error = ThreadEvent::Error(ErrorPayload {
            message: "x".into(),
        });
        assert_eq!(error.to_line(), r#"{"type":"error","message":"x"}"#);
    }
}
