//! Running one `exec` turn and printing it: JSONL events with `--json`, else the human
//! transcript on stderr and the final message on stdout.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use recodex_core::{Event, Session};
use tokio::sync::mpsc;

use crate::events::{
    ChangeKind, CommandStatus, ErrorPayload, FileChange, ItemDetails, McpStatus, PatchStatus,
    ThreadEvent, ThreadItem, TodoItem, Usage,
};
use crate::human::Styles;

/// What the user asked `exec` to do.
#[derive(Debug, Clone)]
pub struct ExecRequest {
    /// The prompt (stdin already folded in).
    pub prompt: String,
    /// Local images attached to the prompt (`-i`).
    pub images: Vec<PathBuf>,
    /// Colour the human transcript (`--color`, resolved by the caller).
    pub color: bool,
    /// `--json`.
    pub json: bool,
    /// `--output-last-message FILE`.
    pub output_last_message: Option<PathBuf>,
    /// Lines of the human banner (`workdir: ...`, `model: ...`), printed in text mode.
    pub banner: Vec<String>,
}

/// Turns engine events into output lines and tracks the pieces the end needs.
struct Printer<'a> {
    json: bool,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
    next_item: usize,
    turn_usage: Usage,
    /// The to-do list item of this turn, once the model made a plan: its id and steps.
    todo: Option<(String, Vec<TodoItem>)>,
    /// File-change items started and not yet completed: call id → item id.
    patches: HashMap<String, String>,
    /// Command items started and not yet completed: call id → item id.
    commands: HashMap<String, String>,
    /// Colours of the human transcript.
    styles: Styles,
    /// Web searches started and not yet completed (their call ids).
    searches: std::collections::HashSet<String>,
}

impl Printer<'_> {
    fn emit(&mut self, event: &ThreadEvent) {
        let _ = writeln!(self.stdout, "{}", event.to_line());
    }

    /// A `web_search` item: it carries the search call's own id, while the run-local
    /// counter still advances once per search, as in the reference. An end without a
    /// begin is reported as both.
    fn web_search(
        &mut self,
        call_id: String,
        query: String,
        action: Option<serde_json::Value>,
        end: bool,
    ) {
        let begun = self.searches.contains(&call_id);
        // A search that has just begun has no action yet; the reference says `other`.
        let action = match action {
            None if !end => Some(serde_json::json!({"type": "other"})),
            action => action,
        };
        let item = ThreadItem {
            id: call_id.clone(),
            details: ItemDetails::WebSearch { query, action },
        };
        if !begun {
            self.next_id();
            self.searches.insert(call_id.clone());
            self.emit(&ThreadEvent::ItemStarted { item: item.clone() });
        }
        if end {
            self.searches.remove(&call_id);
            self.emit(&ThreadEvent::ItemCompleted { item });
        }
    }

    /// The next run-local item id (`item_0`, `item_1`, ...).
    fn next_id(&mut self) -> String {
        let id = format!("item_{}", self.next_item);
        self.next_item += 1;
        id
    }

    fn item(&mut self, details: ItemDetails) -> ThreadItem {
        ThreadItem {
            id: self.next_id(),
            details,
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::SessionConfigured { thread_id, .. } => {
                if self.json {
                    self.emit(&ThreadEvent::ThreadStarted { thread_id });
                }
            }
            Event::TurnStarted { .. } => {
                if self.json {
                    self.emit(&ThreadEvent::TurnStarted {});
                }
            }
            // exec reports a message once it is complete, as the reference does.
            Event::AgentMessageStarted { .. } | Event::AgentMessageDelta { .. } => {}
            Event::AgentMessage { text } => {
                if self.json {
                    let item = self.item(ItemDetails::AgentMessage { text });
                    self.emit(&ThreadEvent::ItemCompleted { item });
                } else {
                    let _ = writeln!(self.stderr, "{}\n{text}", self.styles.section("codex"));
                }
            }
            // Reasoning is reported once complete, and only when it has a summary.
            Event::ReasoningStarted { .. }
            | Event::ReasoningSummaryPartAdded { .. }
            | Event::ReasoningSummaryDelta { .. }
            | Event::ReasoningContentDelta { .. } => {}
            Event::Reasoning { summary, .. } if summary.is_empty() => {}
            Event::Reasoning { summary, .. } => {
                let text = summary.join("\n");
                if self.json {
                    let item = self.item(ItemDetails::Reasoning { text });
                    self.emit(&ThreadEvent::ItemCompleted { item });
                } else {
                    let _ = writeln!(self.stderr, "{}", self.styles.reasoning(&text));
                }
            }
            Event::TokenCount { total, .. } => {
                // `turn.completed` reports the thread's running total, as the reference does
                // (a resumed thread includes its earlier turns).
                self.turn_usage = Usage {
                    input_tokens: total.input_tokens,
                    cached_input_tokens: total.cached_input_tokens,
                    output_tokens: total.output_tokens,
                    reasoning_output_tokens: total.reasoning_output_tokens,
                };
            }
            Event::CollabBegin(call) => {
                if self.json {
                    let id = self.next_id();
                    self.commands.insert(call.call_id.clone(), id.clone());
                    let details = collab_item(call, McpStatus::InProgress);
                    self.emit(&ThreadEvent::ItemStarted {
                        item: ThreadItem { id, details },
                    });
                } else {
                    let label = self.styles.bold("collab:");
                    let _ = writeln!(self.stderr, "{label} {}", call.kind);
                }
            }
            Event::CollabEnd(call) => {
                if self.json {
                    let id = match self.commands.remove(&call.call_id) {
                        Some(id) => id,
                        None => self.next_id(),
                    };
                    let status = if call.failed {
                        McpStatus::Failed
                    } else {
                        McpStatus::Completed
                    };
                    let details = collab_item(call, status);
                    self.emit(&ThreadEvent::ItemCompleted {
                        item: ThreadItem { id, details },
                    });
                }
            }
            // exec shows a command's output once it has ended, as the reference does.
            Event::CommandOutputDelta { .. } => {}
            Event::CommandBegin {
                call_id,
                command,
                cwd,
                ..
            } => {
                if self.json {
                    let id = self.next_id();
                    self.commands.insert(call_id, id.clone());
                    let details = ItemDetails::CommandExecution {
                        command,
                        aggregated_output: String::new(),
                        exit_code: None,
                        status: CommandStatus::InProgress,
                    };
                    self.emit(&ThreadEvent::ItemStarted {
                        item: ThreadItem { id, details },
                    });
                } else {
                    let line = self.styles.command(&command, &cwd.display().to_string());
                    let _ = writeln!(self.stderr, "{}\n{line}", self.styles.section("exec"));
                }
            }
            Event::CommandEnd {
                call_id,
                command,
                output,
                exit_code,
                duration_ms,
                declined,
                ..
            } => {
                if self.json {
                    let id = match self.commands.remove(&call_id) {
                        Some(id) => id,
                        None => self.next_id(),
                    };
                    // The reference reports a non-zero exit as a failed command.
                    let status = if declined {
                        CommandStatus::Declined
                    } else if exit_code == Some(0) {
                        CommandStatus::Completed
                    } else {
                        CommandStatus::Failed
                    };
                    let details = ItemDetails::CommandExecution {
                        command,
                        aggregated_output: output,
                        exit_code,
                        status,
                    };
                    self.emit(&ThreadEvent::ItemCompleted {
                        item: ThreadItem { id, details },
                    });
                } else {
                    let outcome = self.styles.outcome(exit_code, duration_ms);
                    let _ = writeln!(self.stderr, "{outcome}\n{output}");
                }
            }
            Event::PlanUpdated { steps, .. } => {
                let items: Vec<TodoItem> = steps
                    .iter()
                    .map(|step| TodoItem {
                        text: step.step.clone(),
                        completed: step.status == recodex_core::StepStatus::Completed,
                    })
                    .collect();
                let first = self.todo.is_none();
                let id = match &self.todo {
                    Some((id, _)) => id.clone(),
                    None => self.next_id(),
                };
                self.todo = Some((id.clone(), items.clone()));
                if self.json {
                    let item = ThreadItem {
                        id,
                        details: ItemDetails::TodoList { items },
                    };
                    if first {
                        self.emit(&ThreadEvent::ItemStarted { item });
                    } else {
                        self.emit(&ThreadEvent::ItemUpdated { item });
                    }
                } else {
                    for step in &steps {
                        let _ = writeln!(self.stderr, "{}", self.styles.plan_step(step));
                    }
                }
            }
            Event::WebSearchBegin {
                call_id,
                query,
                action,
            } if self.json => self.web_search(call_id, query, action, false),
            Event::WebSearchEnd {
                call_id,
                query,
                action,
            } if self.json => self.web_search(call_id, query, action, true),
            Event::WebSearchBegin { query, .. } | Event::WebSearchEnd { query, .. } => {
                let _ = writeln!(self.stderr, "web search: {query}");
            }
            Event::PatchApplyBegin { call_id, changes } => {
                if self.json {
                    let id = self.next_id();
                    self.patches.insert(call_id, id.clone());
                    let details = ItemDetails::FileChange {
                        changes: file_changes(&changes),
                        status: PatchStatus::InProgress,
                    };
                    self.emit(&ThreadEvent::ItemStarted {
                        item: ThreadItem { id, details },
                    });
                } else {
                    let _ = writeln!(self.stderr, "{}", self.styles.bold("apply patch"));
                }
            }
            Event::PatchApplyEnd {
                call_id,
                changes,
                success,
                ..
            } => {
                let status = if success {
                    PatchStatus::Completed
                } else {
                    PatchStatus::Failed
                };
                if self.json {
                    let id = match self.patches.remove(&call_id) {
                        Some(id) => id,
                        None => self.next_id(),
                    };
                    let details = ItemDetails::FileChange {
                        changes: file_changes(&changes),
                        status,
                    };
                    self.emit(&ThreadEvent::ItemCompleted {
                        item: ThreadItem { id, details },
                    });
                } else {
                    let word = if success { "completed" } else { "failed" };
                    let _ = writeln!(self.stderr, "{} {word}", self.styles.bold("patch:"));
                    for change in &changes {
                        let path = change.path.display().to_string();
                        let _ = writeln!(self.stderr, "{}", self.styles.dim(&path));
                    }
                }
            }
            Event::ToolError { message } => {
                // The reference logs a refused tool call on stderr in both modes.
                let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ");
                let _ = writeln!(
                    self.stderr,
                    "{now} ERROR codex_core::tools::router: error={message}"
                );
            }
            Event::TurnDiff { unified_diff } => {
                if !self.json {
                    let _ = writeln!(self.stderr, "{unified_diff}");
                }
            }
            Event::StreamError { message } => {
                if self.json {
                    self.emit(&ThreadEvent::Error(ErrorPayload { message }));
                } else {
                    let _ = writeln!(self.stderr, "{} {message}", self.styles.error());
                }
            }
            // Warnings report local failures (the rollout or an index could not be
            // written); stdout stays JSONL, so with `--json` they go to stderr too.
            Event::Warning { message } => {
                let _ = writeln!(self.stderr, "{} {message}", self.styles.warning());
            }
            Event::TurnAborted => {
                if !self.json {
                    let _ = writeln!(self.stderr, "turn interrupted");
                }
            }
            Event::TurnComplete { .. } | Event::Error { .. } | Event::SteerTaken { .. } => {}
        }
    }
}

/// The `changes` of a `file_change` item.
fn file_changes(changes: &[recodex_core::PatchChange]) -> Vec<FileChange> {
    changes
        .iter()
        .map(|change| FileChange {
            path: change.path.display().to_string(),
            kind: match change.kind {
                recodex_core::PatchChangeKind::Add => ChangeKind::Add,
                recodex_core::PatchChangeKind::Delete => ChangeKind::Delete,
                recodex_core::PatchChangeKind::Update { .. } => ChangeKind::Update,
            },
        })
        .collect()
}

/// Runs the turn; returns the process exit status.
pub async fn run_exec(
    mut session: Session,
    request: ExecRequest,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let mut printer = Printer {
        json: request.json,
        stdout,
        stderr,
        next_item: 0,
        turn_usage: Usage::default(),
        todo: None,
        patches: HashMap::new(),
        commands: HashMap::new(),
        styles: Styles {
            color: request.color,
        },
        searches: std::collections::HashSet::new(),
    };
    if !request.json {
        for line in &request.banner {
            let _ = writeln!(printer.stderr, "{}", printer.styles.banner_line(line));
        }
        let _ = writeln!(
            printer.stderr,
            "{}\n{}",
            printer.styles.user(),
            request.prompt
        );
    }
    printer.on_event(session.configured_event());
    let (tx, mut rx) = mpsc::channel(256);
    // Ctrl-C interrupts the turn; the engine records it as aborted and the run exits 1.
    let interrupt = session.interrupt_handle();
    let turn = {
        let input = recodex_core::UserInput {
            text: request.prompt.clone(),
            images: request.images.clone(),
        };
        async move {
            let mut result = session.run_turn_with(&input, &tx).await;
            if result.is_ok()
                && let Err(err) = session.finish(&tx).await
            {
                result = Err(err.into());
            }
            // exec does not wait for sub-agents: running ones are stopped (and recorded
            // as aborted) when the turn is over.
            session.end_agents().await;
            drop(tx);
            result
        }
    };
    let drain = async {
        let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
        let mut listening = true;
        loop {
            tokio::select! {
                event = rx.recv() => match event {
                    Some(event) => printer.on_event(event),
                    None => break,
                },
                signal = &mut ctrl_c, if listening => {
                    listening = false;
                    if signal.is_ok() {
                        interrupt.interrupt();
                    }
                }
            }
        }
    };
    let (result, ()) = tokio::join!(turn, drain);
    match result {
        Ok(outcome) => {
            let usage = printer.turn_usage;
            // The plan item completes with the turn.
            if let Some((id, items)) = printer.todo.take()
                && request.json
            {
                let item = ThreadItem {
                    id,
                    details: ItemDetails::TodoList { items },
                };
                printer.emit(&ThreadEvent::ItemCompleted { item });
            }
            if request.json {
                printer.emit(&ThreadEvent::TurnCompleted { usage });
            } else {
                let total = usage.input_tokens + usage.output_tokens;
                let label = printer.styles.dim("tokens used");
                let _ = writeln!(printer.stderr, "{label}\n{total}");
                if let Some(text) = &outcome.last_agent_message {
                    let _ = writeln!(printer.stdout, "{text}");
                }
            }
            if let Some(path) = &request.output_last_message {
                let text = outcome.last_agent_message.clone().unwrap_or_default();
                if let Err(err) = std::fs::write(path, text) {
                    let _ = writeln!(
                        printer.stderr,
                        "Failed to write last message file {}: {err}",
                        path.display()
                    );
                }
            }
            0
        }
        Err(recodex_core::CoreError::Interrupted) => {
            // The reference prints no more JSON events; the transcript ends with the
            // token total.
            if !request.json {
                let usage = printer.turn_usage;
                let total = usage.input_tokens + usage.output_tokens;
                let label = printer.styles.dim("tokens used");
                let _ = writeln!(printer.stderr, "{label}\n{total}");
            }
            1
        }
        Err(recodex_core::CoreError::InputTooLarge {
            max_chars,
            actual_chars,
        }) => {
            // Refused before the turn started: no turn events, the reference's line (its
            // exec reports the app-server's turn/start error) on stderr.
            let err = recodex_core::CoreError::InputTooLarge {
                max_chars,
                actual_chars,
            };
            let _ = writeln!(
                printer.stderr,
                "Error: turn/start: turn/start failed: {err} (code -32602), data: \
                 {{\"input_error_code\":\"input_too_large\",\"max_chars\":{max_chars},\"actual_chars\":{actual_chars}}}"
            );
            1
        }
        Err(err) => {
            let message = err.to_string();
            if request.json {
                printer.emit(&ThreadEvent::Error(ErrorPayload {
                    message: message.clone(),
                }));
                printer.emit(&ThreadEvent::TurnFailed {
                    error: ErrorPayload { message },
                });
            } else {
                let _ = writeln!(printer.stderr, "{} {message}", printer.styles.error());
            }
            1
        }
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;

/// The `collab_tool_call` item of a multi-agent tool call (no agent states until it ends).
fn collab_item(call: recodex_core::CollabCall, status: McpStatus) -> ItemDetails {
    let agents_states = if status == McpStatus::InProgress {
        serde_json::Map::new()
    } else {
        call.agents_states
            .into_iter()
            .map(|(id, state, message)| {
                (id, serde_json::json!({"status": state, "message": message}))
            })
            .collect()
    };
    ItemDetails::CollabToolCall {
        tool: call.tool,
        sender_thread_id: call.sender_thread_id,
        receiver_thread_ids: call.receiver_thread_ids,
        prompt: call.prompt,
        agents_states,
        status,
    }
}
