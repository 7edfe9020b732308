//! A running turn's engine events as app-server notifications: `turn/started`, the
//! `item/started` / `item/completed` pair of every item (user message, agent message,
//! reasoning, command, file change, web search), plan and token updates, errors, and
//! `turn/completed`.

use std::time::Instant;

use chrono::Utc;
use recodex_app_protocol::turn::{ThreadItem, Turn, TurnError, TurnItemsView, TurnStatus};
use recodex_core::{Event, PatchChange, PatchChangeKind, StepStatus};
use recodex_protocol::usage::TokenUsage;
use serde_json::{Value, json};

use crate::outbox::Outbox;

/// What one turn has announced so far.
pub(crate) struct TurnReporter {
    pub(crate) outbox: Outbox,
    pub(crate) thread_id: String,
    pub(crate) turn_id: String,
    pub(crate) context_window: Option<i64>,
    started_at: i64,
    clock: Instant,
    /// The agent message being streamed.
    streaming: Option<String>,
    /// The reasoning item announced by `item/started` and not completed yet.
    reasoning: Option<String>,
    /// The process id each running command was announced with.
    process_ids: std::collections::HashMap<String, String>,
    /// Set when the engine reported the turn failed.
    pub(crate) error: Option<TurnError>,
    pub(crate) interrupted: bool,
}

impl TurnReporter {
    pub(crate) fn new(outbox: Outbox, thread_id: String, context_window: Option<i64>) -> Self {
        Self {
            outbox,
            thread_id,
            turn_id: String::new(),
            context_window,
            started_at: Utc::now().timestamp(),
            clock: Instant::now(),
            error: None,
            interrupted: false,
            streaming: None,
            reasoning: None,
            process_ids: std::collections::HashMap::new(),
        }
    }

    /// The turn as `turn/start` answers and `turn/started` announces it.
    pub(crate) fn turn(&self, started_at: Option<i64>) -> Turn {
        Turn {
            id: self.turn_id.clone(),
            items: Vec::new(),
            items_view: TurnItemsView::NotLoaded,
            status: TurnStatus::InProgress,
            error: None,
            started_at,
            completed_at: None,
            duration_ms: None,
        }
    }

    /// `thread/status/changed` active, `turn/started`, then the user's message as an item.
    pub(crate) fn started(&mut self, user_content: Vec<Value>) {
        self.started_at = Utc::now().timestamp();
        self.clock = Instant::now();
        self.outbox.notify(
            "thread/status/changed",
            json!({"threadId": self.thread_id, "status": {"type": "active", "activeFlags": []}}),
        );
        self.outbox.notify(
            "turn/started",
            json!({"threadId": self.thread_id, "turn": self.turn(Some(self.started_at))}),
        );
        let item = ThreadItem::UserMessage {
            id: uuid::Uuid::new_v4().to_string(),
            client_id: None,
            content: user_content,
        };
        self.item_started(&item);
        self.item_completed(&item);
    }

    fn item_started(&self, item: &ThreadItem) {
        self.outbox.notify(
            "item/started",
            json!({"item": item, "threadId": self.thread_id, "turnId": self.turn_id,
                   "startedAtMs": Utc::now().timestamp_millis()}),
        );
    }

    fn item_completed(&self, item: &ThreadItem) {
        self.outbox.notify(
            "item/completed",
            json!({"item": item, "threadId": self.thread_id, "turnId": self.turn_id,
                   "completedAtMs": Utc::now().timestamp_millis()}),
        );
    }

    /// Reports one engine event.
    pub(crate) fn event(&mut self, event: Event) {
        match event {
            Event::AgentMessageStarted { item_id } => {
                self.item_started(&agent_message(&item_id, ""));
                self.streaming = Some(item_id);
            }
            Event::AgentMessageDelta { item_id, delta } => self.outbox.notify(
                "item/agentMessage/delta",
                json!({"threadId": self.thread_id, "turnId": self.turn_id, "itemId": item_id,
                       "delta": delta}),
            ),
            Event::AgentMessage { text } => {
                let id = match self.streaming.take() {
                    Some(id) => id,
                    None => {
                        // A message that was not streamed: announce it whole.
                        let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
                        self.item_started(&agent_message(&id, ""));
                        self.outbox.notify(
                            "item/agentMessage/delta",
                            json!({"threadId": self.thread_id, "turnId": self.turn_id,
                                   "itemId": id, "delta": text}),
                        );
                        id
                    }
                };
                self.item_completed(&agent_message(&id, &text));
            }
            Event::ReasoningStarted { item_id } => {
                self.item_started(&ThreadItem::Reasoning {
                    id: item_id.clone(),
                    summary: Vec::new(),
                    content: Vec::new(),
                });
                self.reasoning = Some(item_id);
            }
            Event::ReasoningSummaryPartAdded {
                item_id,
                summary_index,
            } => self.outbox.notify(
                "item/reasoning/summaryPartAdded",
                json!({"threadId": self.thread_id, "turnId": self.turn_id, "itemId": item_id,
                       "summaryIndex": summary_index}),
            ),
            Event::ReasoningSummaryDelta {
                item_id,
                delta,
                summary_index,
            } => self.outbox.notify(
                "item/reasoning/summaryTextDelta",
                json!({"threadId": self.thread_id, "turnId": self.turn_id, "itemId": item_id,
                       "delta": delta, "summaryIndex": summary_index}),
            ),
            Event::ReasoningContentDelta {
                item_id,
                delta,
                content_index,
            } => self.outbox.notify(
                "item/reasoning/textDelta",
                json!({"threadId": self.thread_id, "turnId": self.turn_id, "itemId": item_id,
                       "delta": delta, "contentIndex": content_index}),
            ),
            Event::Reasoning {
                item_id,
                summary,
                content,
            } => {
                // A reasoning item that was not streamed is announced whole.
                if self.reasoning.take().as_deref() != Some(item_id.as_str()) {
                    self.item_started(&ThreadItem::Reasoning {
                        id: item_id.clone(),
                        summary: Vec::new(),
                        content: Vec::new(),
                    });
                }
                self.item_completed(&ThreadItem::Reasoning {
                    id: item_id,
                    summary,
                    content,
                });
            }
            Event::CommandBegin {
                call_id,
                command,
                cwd,
                process_id,
            } => {
                if let Some(id) = &process_id {
                    self.process_ids.insert(call_id.clone(), id.clone());
                }
                self.item_started(&command_item(call_id, &command, &cwd, process_id, None));
            }
            Event::CommandOutputDelta { call_id, delta } => self.outbox.notify(
                "item/commandExecution/outputDelta",
                json!({"threadId": self.thread_id, "turnId": self.turn_id, "itemId": call_id,
                       "delta": delta}),
            ),
            Event::CommandEnd {
                call_id,
                command,
                output,
                exit_code,
                cwd,
                duration_ms,
                declined,
            } => {
                let end = CommandEnd {
                    output,
                    exit_code,
                    duration_ms,
                    declined,
                };
                let process_id = self.process_ids.remove(&call_id);
                self.item_completed(&command_item(
                    call_id,
                    &command,
                    &cwd,
                    process_id,
                    Some(end),
                ));
            }
            Event::PatchApplyBegin { call_id, changes } => {
                self.item_started(&file_change(call_id, &changes, "inProgress"));
            }
            Event::PatchApplyEnd {
                call_id,
                changes,
                success,
                declined,
                ..
            } => {
                let status = match (declined, success) {
                    (true, _) => "declined",
                    (false, true) => "completed",
                    (false, false) => "failed",
                };
                self.item_completed(&file_change(call_id, &changes, status));
            }
            Event::WebSearchBegin {
                call_id,
                query,
                action,
            } => self.item_started(&ThreadItem::WebSearch {
                id: call_id,
                query,
                action,
            }),
            Event::WebSearchEnd {
                call_id,
                query,
                action,
            } => self.item_completed(&ThreadItem::WebSearch {
                id: call_id,
                query,
                action,
            }),
            Event::PlanUpdated { steps } => {
                let plan = plan_steps(&steps, "inProgress");
                self.outbox.notify(
                    "turn/plan/updated",
                    json!({"threadId": self.thread_id, "turnId": self.turn_id,
                           "explanation": null, "plan": plan}),
                );
            }
            Event::TurnDiff { unified_diff } => self.outbox.notify(
                "turn/diff/updated",
                json!({"threadId": self.thread_id, "turnId": self.turn_id, "diff": unified_diff}),
            ),
            Event::TokenCount { last, total } => {
                self.outbox.notify(
                    "thread/tokenUsage/updated",
                    json!({"threadId": self.thread_id, "turnId": self.turn_id, "tokenUsage": {
                        "total": breakdown(&total), "last": breakdown(&last),
                        "modelContextWindow": self.context_window}}),
                );
                self.outbox.notify(
                    "account/rateLimits/updated",
                    json!({"rateLimits": {"limitId": "codex", "limitName": null, "primary": null,
                        "secondary": null, "credits": null, "planType": null,
                        "rateLimitReachedType": null}}),
                );
            }
            Event::StreamError { message } => self.error_notice(message, true),
            Event::Error { message } => self.failed(message),
            Event::Warning { message } | Event::ToolError { message } => self.outbox.notify(
                "warning",
                json!({"threadId": self.thread_id, "message": message}),
            ),
            Event::TurnAborted => self.interrupted = true,
            Event::SessionConfigured { .. }
            | Event::TurnStarted { .. }
            | Event::TurnComplete { .. }
            | Event::CollabBegin(_)
            | Event::CollabEnd(_) => {}
        }
    }

    fn error_notice(&self, message: String, will_retry: bool) {
        // A retried error is not classified; the turn's failure is (`other` for the
        // request and stream failures recodex reports, as the reference classifies them).
        let info = if will_retry {
            json!(null)
        } else {
            json!(FAILURE_INFO)
        };
        self.outbox.notify(
            "error",
            json!({"error": {"message": message, "codexErrorInfo": info, "additionalDetails": null},
                   "willRetry": will_retry, "threadId": self.thread_id, "turnId": self.turn_id}),
        );
    }

    /// The turn failed: the thread's status turns `systemError` first, then the error is
    /// reported, as the reference orders them.
    fn failed(&mut self, message: String) {
        if self.error.is_some() {
            return;
        }
        self.outbox.notify(
            "thread/status/changed",
            json!({"threadId": self.thread_id, "status": {"type": "systemError"}}),
        );
        self.error_notice(message.clone(), false);
        self.error = Some(TurnError {
            message,
            codex_error_info: Some(json!(FAILURE_INFO)),
            additional_details: None,
        });
    }

    /// `turn/completed` with the outcome, after `thread/status/changed` idle (a failed
    /// turn left the thread in `systemError`, already announced).
    pub(crate) fn finished(&mut self, failure: Option<String>) {
        if let Some(message) = failure
            && !self.interrupted
        {
            self.failed(message);
        }
        let status = if self.interrupted {
            TurnStatus::Interrupted
        } else if self.error.is_some() {
            TurnStatus::Failed
        } else {
            TurnStatus::Completed
        };
        if self.error.is_none() {
            self.outbox.notify(
                "thread/status/changed",
                json!({"threadId": self.thread_id, "status": {"type": "idle"}}),
            );
        }
        let turn = Turn {
            status,
            error: self.error.clone(),
            completed_at: Some(Utc::now().timestamp()),
            duration_ms: i64::try_from(self.clock.elapsed().as_millis()).ok(),
            ..self.turn(Some(self.started_at))
        };
        self.outbox.notify(
            "turn/completed",
            json!({"threadId": self.thread_id, "turn": turn}),
        );
    }
}

/// `codexErrorInfo` of a failed turn.
const FAILURE_INFO: &str = "other";

/// Plan steps as `{step, status}` objects; `in_progress` spells the running status (the
/// app-server and the MCP server spell it differently).
pub(crate) fn plan_steps(steps: &[recodex_core::PlanStep], in_progress: &str) -> Vec<Value> {
    steps
        .iter()
        .map(|s| {
            let status = match s.status {
                StepStatus::Pending => "pending",
                StepStatus::InProgress => in_progress,
                StepStatus::Completed => "completed",
            };
            json!({"step": s.step, "status": status})
        })
        .collect()
}

fn agent_message(id: &str, text: &str) -> ThreadItem {
    ThreadItem::AgentMessage {
        id: id.to_owned(),
        text: text.to_owned(),
        phase: None,
        memory_citation: None,
    }
}

fn breakdown(usage: &TokenUsage) -> Value {
    json!({
        "totalTokens": usage.total_tokens,
        "inputTokens": usage.input_tokens,
        "cachedInputTokens": usage.cached_input_tokens,
        "outputTokens": usage.output_tokens,
        "reasoningOutputTokens": usage.reasoning_output_tokens,
    })
}

struct CommandEnd {
    output: String,
    exit_code: Option<i32>,
    duration_ms: u64,
    declined: bool,
}

/// A `commandExecution` item: in progress without an end, else its outcome.
fn command_item(
    call_id: String,
    command: &str,
    cwd: &std::path::Path,
    process_id: Option<String>,
    end: Option<CommandEnd>,
) -> ThreadItem {
    let inner = inner_script(command);
    let status = match &end {
        None => "inProgress",
        Some(end) if end.declined => "declined",
        Some(end) if end.exit_code == Some(0) => "completed",
        Some(_) => "failed",
    };
    ThreadItem::CommandExecution {
        id: call_id,
        command: command.to_owned(),
        cwd: cwd.display().to_string(),
        process_id,
        source: "unifiedExecStartup".to_owned(),
        status: status.to_owned(),
        command_actions: vec![json!({"type": "unknown", "command": inner})],
        aggregated_output: end.as_ref().map(|e| e.output.clone()),
        exit_code: end.as_ref().and_then(|e| e.exit_code.map(i64::from)),
        duration_ms: end
            .as_ref()
            .map(|e| i64::try_from(e.duration_ms).unwrap_or(i64::MAX)),
    }
}

/// The script of `/bin/bash -lc '<script>'`, else the command line itself.
pub(crate) fn inner_script(command: &str) -> String {
    let words = shlex::split(command).unwrap_or_default();
    match words.as_slice() {
        [_, flag, script] if flag == "-lc" || flag == "-c" => script.clone(),
        _ => command.to_owned(),
    }
}

fn file_change(call_id: String, changes: &[PatchChange], status: &str) -> ThreadItem {
    let changes = changes
        .iter()
        .map(|change| {
            let kind = match &change.kind {
                PatchChangeKind::Add => json!({"type": "add"}),
                PatchChangeKind::Delete => json!({"type": "delete"}),
                PatchChangeKind::Update { move_path } => {
                    json!({"type": "update", "move_path": move_path})
                }
            };
            // The engine reports which files a patch touches, not their diffs.
            json!({"path": change.path, "kind": kind, "diff": ""})
        })
        .collect();
    ThreadItem::FileChange {
        id: call_id,
        changes,
        status: status.to_owned(),
    }
}
