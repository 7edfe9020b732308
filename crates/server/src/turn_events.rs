//! A running turn's engine events as app-server notifications: `turn/started`, the
//! `item/started` / `item/completed` pair of every item (user message, agent message,
//! reasoning, command, file change, web search), plan and token updates, errors, and
//! `turn/completed`.

use std::time::Instant;

use chrono::Utc;
use recodex_app_protocol::generated::root::{self, ServerNotification};
use recodex_app_protocol::generated::v2::{
    AccountRateLimitsUpdatedNotification, AgentMessageDeltaNotification, CodexErrorInfo,
    CommandAction, CommandExecutionOutputDeltaNotification, CommandExecutionSource,
    CommandExecutionStatus, ErrorNotification, FileUpdateChange, ItemCompletedNotification,
    ItemStartedNotification, PatchApplyStatus, PatchChangeKind as ChangeKind, RateLimitSnapshot,
    ReasoningSummaryPartAddedNotification, ReasoningSummaryTextDeltaNotification,
    ReasoningTextDeltaNotification, ThreadItem, ThreadStatus, ThreadStatusChangedNotification,
    ThreadTokenUsage, ThreadTokenUsageUpdatedNotification, TokenUsageBreakdown, Turn,
    TurnCompletedNotification, TurnDiffUpdatedNotification, TurnError, TurnItemsView, TurnPlanStep,
    TurnPlanStepStatus, TurnPlanUpdatedNotification, TurnStartedNotification, TurnStatus,
    UserInput, WarningNotification, WebSearchAction,
};
use recodex_core::{CommandSource, ErrorClass, Event, PatchChange, PatchChangeKind, StepStatus};
use recodex_protocol::usage::TokenUsage;
use serde::Deserialize;
use serde_json::Value;

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
    pub(crate) fn started(&mut self, user_content: Vec<UserInput>) {
        self.started_at = Utc::now().timestamp();
        self.clock = Instant::now();
        self.status(ThreadStatus::Active {
            active_flags: Vec::new(),
        });
        self.outbox
            .send(ServerNotification::TurnStarted(TurnStartedNotification {
                thread_id: self.thread_id.clone(),
                turn: self.turn(Some(self.started_at)),
            }));
        self.user_message(user_content, None);
    }

    /// A user message joined the turn: `item/started` and `item/completed`.
    pub(crate) fn user_message(&self, content: Vec<UserInput>, client_id: Option<String>) {
        let item = ThreadItem::UserMessage {
            id: uuid::Uuid::new_v4().to_string(),
            client_id,
            content,
        };
        self.item_started(item.clone());
        self.item_completed(item);
    }

    fn status(&self, status: ThreadStatus) {
        self.outbox.send(ServerNotification::ThreadStatusChanged(
            ThreadStatusChangedNotification {
                thread_id: self.thread_id.clone(),
                status,
            },
        ));
    }

    fn item_started(&self, item: ThreadItem) {
        self.outbox
            .send(ServerNotification::ItemStarted(ItemStartedNotification {
                item,
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id.clone(),
                started_at_ms: Utc::now().timestamp_millis(),
            }));
    }

    fn item_completed(&self, item: ThreadItem) {
        self.outbox.send(ServerNotification::ItemCompleted(
            ItemCompletedNotification {
                item,
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id.clone(),
                completed_at_ms: Utc::now().timestamp_millis(),
            },
        ));
    }

    fn agent_message_delta(&self, item_id: String, delta: String) {
        self.outbox.send(ServerNotification::ItemAgentMessageDelta(
            AgentMessageDeltaNotification {
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id.clone(),
                item_id,
                delta,
            },
        ));
    }

    /// Reports one engine event.
    pub(crate) fn event(&mut self, event: Event) {
        match event {
            Event::AgentMessageStarted { item_id } => {
                self.item_started(agent_message(&item_id, ""));
                self.streaming = Some(item_id);
            }
            Event::AgentMessageDelta { item_id, delta } => {
                self.agent_message_delta(item_id, delta);
            }
            Event::AgentMessage { text } => {
                let id = match self.streaming.take() {
                    Some(id) => id,
                    None => {
                        // A message that was not streamed: announce it whole.
                        let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
                        self.item_started(agent_message(&id, ""));
                        self.agent_message_delta(id.clone(), text.clone());
                        id
                    }
                };
                self.item_completed(agent_message(&id, &text));
            }
            Event::ReasoningStarted { item_id } => {
                self.item_started(ThreadItem::Reasoning {
                    id: item_id.clone(),
                    summary: Vec::new(),
                    content: Vec::new(),
                });
                self.reasoning = Some(item_id);
            }
            Event::ReasoningSummaryPartAdded {
                item_id,
                summary_index,
            } => self
                .outbox
                .send(ServerNotification::ItemReasoningSummaryPartAdded(
                    ReasoningSummaryPartAddedNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id.clone(),
                        item_id,
                        summary_index,
                    },
                )),
            Event::ReasoningSummaryDelta {
                item_id,
                delta,
                summary_index,
            } => self
                .outbox
                .send(ServerNotification::ItemReasoningSummaryTextDelta(
                    ReasoningSummaryTextDeltaNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id.clone(),
                        item_id,
                        delta,
                        summary_index,
                    },
                )),
            Event::ReasoningContentDelta {
                item_id,
                delta,
                content_index,
            } => self.outbox.send(ServerNotification::ItemReasoningTextDelta(
                ReasoningTextDeltaNotification {
                    thread_id: self.thread_id.clone(),
                    turn_id: self.turn_id.clone(),
                    item_id,
                    delta,
                    content_index,
                },
            )),
            Event::Reasoning {
                item_id,
                summary,
                content,
            } => {
                // A reasoning item that was not streamed is announced whole.
                if self.reasoning.take().as_deref() != Some(item_id.as_str()) {
                    self.item_started(ThreadItem::Reasoning {
                        id: item_id.clone(),
                        summary: Vec::new(),
                        content: Vec::new(),
                    });
                }
                self.item_completed(ThreadItem::Reasoning {
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
                source,
            } => {
                if let Some(id) = &process_id {
                    self.process_ids.insert(call_id.clone(), id.clone());
                }
                let start = CommandStart {
                    call_id,
                    process_id,
                    source,
                };
                self.item_started(command_item(start, &command, &cwd, None));
            }
            Event::CommandOutputDelta { call_id, delta } => {
                self.outbox
                    .send(ServerNotification::ItemCommandExecutionOutputDelta(
                        CommandExecutionOutputDeltaNotification {
                            thread_id: self.thread_id.clone(),
                            turn_id: self.turn_id.clone(),
                            item_id: call_id,
                            delta,
                        },
                    ));
            }
            Event::CommandEnd {
                call_id,
                command,
                output,
                exit_code,
                cwd,
                duration_ms,
                declined,
                process_id,
                source,
            } => {
                let end = CommandEnd {
                    output,
                    exit_code,
                    duration_ms,
                    declined,
                };
                // A command announced before its approval gets its process id at the end.
                let process_id = self.process_ids.remove(&call_id).or(process_id);
                let start = CommandStart {
                    call_id,
                    process_id,
                    source,
                };
                self.item_completed(command_item(start, &command, &cwd, Some(end)));
            }
            Event::PatchApplyBegin { call_id, changes } => {
                self.item_started(file_change(call_id, &changes, PatchApplyStatus::InProgress));
            }
            Event::PatchApplyEnd {
                call_id,
                changes,
                success,
                declined,
                ..
            } => {
                let status = match (declined, success) {
                    (true, _) => PatchApplyStatus::Declined,
                    (false, true) => PatchApplyStatus::Completed,
                    (false, false) => PatchApplyStatus::Failed,
                };
                self.item_completed(file_change(call_id, &changes, status));
            }
            Event::WebSearchBegin {
                call_id,
                query,
                action,
            } => self.item_started(ThreadItem::WebSearch {
                id: call_id,
                query,
                action: action.as_ref().and_then(web_search_action),
            }),
            Event::WebSearchEnd {
                call_id,
                query,
                action,
            } => self.item_completed(ThreadItem::WebSearch {
                id: call_id,
                query,
                action: action.as_ref().and_then(web_search_action),
            }),
            Event::PlanUpdated { explanation, steps } => {
                self.outbox.send(ServerNotification::TurnPlanUpdated(
                    TurnPlanUpdatedNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id.clone(),
                        explanation,
                        plan: steps.iter().map(plan_step).collect(),
                    },
                ));
            }
            Event::TurnDiff { unified_diff } => {
                self.outbox.send(ServerNotification::TurnDiffUpdated(
                    TurnDiffUpdatedNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id.clone(),
                        diff: unified_diff,
                    },
                ));
            }
            Event::TokenCount { last, total } => {
                self.outbox
                    .send(ServerNotification::ThreadTokenUsageUpdated(
                        ThreadTokenUsageUpdatedNotification {
                            thread_id: self.thread_id.clone(),
                            turn_id: self.turn_id.clone(),
                            token_usage: ThreadTokenUsage {
                                total: breakdown(&total),
                                last: breakdown(&last),
                                model_context_window: self.context_window,
                            },
                        },
                    ));
                // No rate limits are known: the snapshot names the limit only.
                self.outbox
                    .send(ServerNotification::AccountRateLimitsUpdated(
                        AccountRateLimitsUpdatedNotification {
                            rate_limits: RateLimitSnapshot {
                                limit_id: Some("codex".to_owned()),
                                limit_name: None,
                                primary: None,
                                secondary: None,
                                credits: None,
                                plan_type: None,
                                rate_limit_reached_type: None,
                            },
                        },
                    ));
            }
            Event::StreamError { message } => self.error_notice(message, None),
            Event::Error { message } => self.failed(message, ErrorClass::Other),
            Event::Warning { message } | Event::ToolError { message } => {
                self.outbox
                    .send(ServerNotification::Warning(WarningNotification {
                        thread_id: Some(self.thread_id.clone()),
                        message,
                    }));
            }
            Event::TurnAborted => self.interrupted = true,
            Event::SessionConfigured { .. }
            | Event::SteerTaken { .. }
            | Event::TurnStarted { .. }
            | Event::TurnComplete { .. }
            | Event::CollabBegin(_)
            | Event::CollabEnd(_) => {}
        }
    }

    fn error_notice(&self, message: String, info: Option<CodexErrorInfo>) {
        // A retried error is not classified; the turn's failure is.
        let will_retry = info.is_none();
        self.outbox
            .send(ServerNotification::Error(ErrorNotification {
                error: TurnError {
                    message,
                    codex_error_info: info,
                    additional_details: None,
                },
                will_retry,
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id.clone(),
            }));
    }

    /// The turn failed: the thread's status turns `systemError` first, then the error is
    /// reported, as the reference orders them.
    fn failed(&mut self, message: String, class: ErrorClass) {
        if self.error.is_some() {
            return;
        }
        let info = error_info(class);
        self.status(ThreadStatus::SystemError);
        self.error_notice(message.clone(), Some(info.clone()));
        self.error = Some(TurnError {
            message,
            codex_error_info: Some(info),
            additional_details: None,
        });
    }

    /// `turn/completed` with the outcome, after `thread/status/changed` idle (a failed
    /// turn left the thread in `systemError`, already announced).
    pub(crate) fn finished(&mut self, failure: Option<(String, ErrorClass)>) {
        if let Some((message, class)) = failure
            && !self.interrupted
        {
            self.failed(message, class);
        }
        let status = if self.interrupted {
            TurnStatus::Interrupted
        } else if self.error.is_some() {
            TurnStatus::Failed
        } else {
            TurnStatus::Completed
        };
        if self.error.is_none() {
            self.status(ThreadStatus::Idle);
        }
        let turn = Turn {
            status,
            error: self.error.clone(),
            completed_at: Some(Utc::now().timestamp()),
            duration_ms: i64::try_from(self.clock.elapsed().as_millis()).ok(),
            ..self.turn(Some(self.started_at))
        };
        self.outbox.send(ServerNotification::TurnCompleted(
            TurnCompletedNotification {
                thread_id: self.thread_id.clone(),
                turn,
            },
        ));
    }
}

/// `codexErrorInfo` of a failed turn.
fn error_info(class: ErrorClass) -> CodexErrorInfo {
    match class {
        ErrorClass::ContextWindowExceeded => CodexErrorInfo::ContextWindowExceeded,
        ErrorClass::UsageLimitExceeded => CodexErrorInfo::UsageLimitExceeded,
        ErrorClass::ServerOverloaded => CodexErrorInfo::ServerOverloaded,
        ErrorClass::InternalServerError => CodexErrorInfo::InternalServerError,
        ErrorClass::Unauthorized => CodexErrorInfo::Unauthorized,
        ErrorClass::Other => CodexErrorInfo::Other,
    }
}

/// A plan step as `turn/plan/updated` carries it.
fn plan_step(step: &recodex_core::PlanStep) -> TurnPlanStep {
    TurnPlanStep {
        step: step.step.clone(),
        status: match step.status {
            StepStatus::Pending => TurnPlanStepStatus::Pending,
            StepStatus::InProgress => TurnPlanStepStatus::InProgress,
            StepStatus::Completed => TurnPlanStepStatus::Completed,
        },
    }
}

fn agent_message(id: &str, text: &str) -> ThreadItem {
    ThreadItem::AgentMessage {
        id: id.to_owned(),
        text: text.to_owned(),
        phase: None,
        memory_citation: None,
    }
}

fn breakdown(usage: &TokenUsage) -> TokenUsageBreakdown {
    TokenUsageBreakdown {
        total_tokens: usage.total_tokens,
        input_tokens: usage.input_tokens,
        cached_input_tokens: usage.cached_input_tokens,
        output_tokens: usage.output_tokens,
        reasoning_output_tokens: usage.reasoning_output_tokens,
    }
}

struct CommandEnd {
    output: String,
    exit_code: Option<i32>,
    duration_ms: u64,
    declined: bool,
}

/// Who a command item is and what started it.
struct CommandStart {
    call_id: String,
    process_id: Option<String>,
    source: CommandSource,
}

/// A `commandExecution` item: in progress without an end, else its outcome. Nothing
/// captured shows as no output, and a declined command has no duration, as in the
/// reference.
fn command_item(
    start: CommandStart,
    command: &str,
    cwd: &std::path::Path,
    end: Option<CommandEnd>,
) -> ThreadItem {
    let inner = inner_script(command);
    let status = match &end {
        None => CommandExecutionStatus::InProgress,
        Some(end) if end.declined => CommandExecutionStatus::Declined,
        Some(end) if end.exit_code == Some(0) => CommandExecutionStatus::Completed,
        Some(_) => CommandExecutionStatus::Failed,
    };
    let ran = end.as_ref().filter(|e| !e.declined);
    ThreadItem::CommandExecution {
        id: start.call_id,
        command: command.to_owned(),
        cwd: cwd.display().to_string(),
        process_id: start.process_id,
        source: match start.source {
            CommandSource::Agent => CommandExecutionSource::Agent,
            CommandSource::UnifiedExecStartup => CommandExecutionSource::UnifiedExecStartup,
        },
        status,
        command_actions: vec![CommandAction::Unknown { command: inner }],
        aggregated_output: ran.map(|e| e.output.clone()).filter(|o| !o.is_empty()),
        exit_code: end.as_ref().and_then(|e| e.exit_code),
        duration_ms: ran.map(|e| i64::try_from(e.duration_ms).unwrap_or(i64::MAX)),
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

fn file_change(call_id: String, changes: &[PatchChange], status: PatchApplyStatus) -> ThreadItem {
    let changes = changes
        .iter()
        .map(|change| FileUpdateChange {
            path: change.path.display().to_string(),
            kind: match &change.kind {
                PatchChangeKind::Add => ChangeKind::Add,
                PatchChangeKind::Delete => ChangeKind::Delete,
                PatchChangeKind::Update { move_path } => ChangeKind::Update {
                    move_path: move_path.as_ref().map(|p| p.display().to_string()),
                },
            },
            // The engine reports which files a patch touches, not their diffs.
            diff: String::new(),
        })
        .collect();
    ThreadItem::FileChange {
        id: call_id,
        changes,
        status,
    }
}

/// A web search action as the v2 protocol spells it (the engine reports the Responses API's
/// form); one that cannot be read is left out.
fn web_search_action(action: &Value) -> Option<WebSearchAction> {
    Some(match root::WebSearchAction::deserialize(action).ok()? {
        root::WebSearchAction::Search { query, queries } => {
            WebSearchAction::Search { query, queries }
        }
        root::WebSearchAction::OpenPage { url } => WebSearchAction::OpenPage { url },
        root::WebSearchAction::FindInPage { url, pattern } => {
            WebSearchAction::FindInPage { url, pattern }
        }
        root::WebSearchAction::Other => WebSearchAction::Other,
    })
}
