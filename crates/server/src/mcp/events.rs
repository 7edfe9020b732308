//! A turn's engine events as the MCP server's `codex/event` notifications: the event
//! payloads (`msg`) the reference streams, tagged with the `tools/call` request
//! (`_meta.requestId`) and the thread.

use std::time::Instant;

use chrono::Utc;
use recodex_core::{Event, PatchChangeKind, StepStatus};
use recodex_protocol::usage::TokenUsage;
use serde_json::{Value, json};

use crate::outbox::Outbox;

/// What one `tools/call` turn has reported.
pub(crate) struct McpTurn {
    outbox: Outbox,
    request: Value,
    thread_id: String,
    /// The turn id the events carry: the request id, as the reference's submissions.
    turn_id: String,
    context_window: Option<i64>,
    clock: Instant,
    pub(crate) last_message: Option<String>,
    /// The agent message being streamed.
    streaming: Option<String>,
    pub(crate) error: Option<String>,
    /// Commands the client is asked about: their begin waits for the answer (a declined
    /// command is never announced, as in the reference).
    asked: std::collections::HashSet<String>,
    held: std::collections::HashMap<String, Value>,
}

impl McpTurn {
    pub(crate) fn new(
        outbox: Outbox,
        request: Value,
        turn_id: String,
        thread_id: String,
        context_window: Option<i64>,
    ) -> Self {
        Self {
            outbox,
            request,
            thread_id,
            turn_id,
            context_window,
            clock: Instant::now(),
            last_message: None,
            streaming: None,
            error: None,
            asked: std::collections::HashSet::new(),
            held: std::collections::HashMap::new(),
        }
    }

    /// Sends the begin of `call_id` held while its approval was pending, if any.
    fn release_begin(&mut self, call_id: &str) {
        if let Some(begin) = self.held.remove(call_id) {
            self.turn_event(begin);
        }
    }

    /// The `error` event of a turn that failed with `err`, as the reference reports it
    /// before answering the call with `isError`.
    pub(crate) fn failed(&mut self, err: &recodex_core::CoreError) {
        if self.error.is_some() {
            return;
        }
        let message = err.to_string();
        self.turn_event(json!({"type": "error", "message": message,
            "codex_error_info": err.class().snake_case()}));
        self.error = Some(message);
    }

    /// Sends one `codex/event`; `id` is the submission it belongs to (`""` for the
    /// session's own events).
    pub(crate) fn emit(&self, msg: Value, id: &str) {
        let params = json!({
            "_meta": {"requestId": self.request, "threadId": self.thread_id},
            "msg": msg,
            "id": id,
        });
        self.outbox
            .line(json!({"jsonrpc": "2.0", "method": "codex/event", "params": params}).to_string());
    }

    fn turn_event(&self, msg: Value) {
        self.emit(msg, &self.turn_id.clone());
    }

    fn item(&self, phase: &str, item: Value) {
        let at = if phase == "item_started" {
            "started_at_ms"
        } else {
            "completed_at_ms"
        };
        let mut msg = json!({"type": phase, "thread_id": self.thread_id, "turn_id": self.turn_id,
            "item": item});
        msg[at] = json!(Utc::now().timestamp_millis());
        self.turn_event(msg);
    }

    fn delta(&self, item_id: &str, delta: &str) {
        self.turn_event(json!({"type": "agent_message_content_delta",
            "thread_id": self.thread_id, "turn_id": self.turn_id, "item_id": item_id,
            "delta": delta}));
    }

    /// Asks the client about `question`: the `exec_approval_request` event, then an
    /// `elicitation/create` request whose answer resolves the engine's wait.
    pub(crate) fn elicit(
        &mut self,
        pending: &crate::approvals::SharedApprovals,
        question: recodex_core::ApprovalRequest,
    ) {
        let (call_id, command, argv, cwd, reason, escalated) = match question.subject.clone() {
            recodex_core::ApprovalSubject::Exec {
                call_id,
                command,
                argv,
                cwd,
                reason,
                escalated,
            } => (call_id, command, argv, cwd, reason, escalated),
            recodex_core::ApprovalSubject::Patch {
                call_id,
                changes,
                reason,
            } => return self.elicit_patch(pending, question, call_id, &changes, reason),
        };
        let script = crate::turn_events::inner_script(&command);
        let parsed = json!([{"type": "unknown", "cmd": script}]);
        let amendment = shlex::split(&script).unwrap_or_else(|| argv.clone());
        let mut decisions = vec![json!("approved")];
        if escalated {
            decisions.push(json!({"approved_execpolicy_amendment":
                {"proposed_execpolicy_amendment": amendment}}));
        }
        decisions.push(json!("abort"));
        let mut event = json!({"type": "exec_approval_request", "call_id": call_id,
            "turn_id": self.turn_id, "started_at_ms": Utc::now().timestamp_millis(),
            "command": argv, "cwd": cwd});
        if let Some(reason) = &reason {
            event["reason"] = json!(reason);
        }
        if escalated {
            event["proposed_execpolicy_amendment"] = json!(amendment);
        }
        event["available_decisions"] = json!(decisions);
        event["parsed_cmd"] = parsed.clone();
        self.turn_event(event);
        // The reason is in the event; the question itself is only the command and where.
        let message = format!("Allow Codex to run `{command}` in `{}`?", cwd.display());
        self.asked.insert(call_id.clone());
        let id = pending.register(question);
        let params = json!({
            "message": message,
            "requestedSchema": {"type": "object", "properties": {}},
            "threadId": self.thread_id,
            "codex_elicitation": "exec-approval",
            "codex_mcp_tool_call_id": super::id_text(&self.request),
            "codex_event_id": self.turn_id,
            "codex_call_id": call_id,
            "codex_command": argv,
            "codex_cwd": cwd,
            "codex_parsed_cmd": parsed,
        });
        self.outbox.line(
            json!({"jsonrpc": "2.0", "id": id, "method": "elicitation/create", "params": params})
                .to_string(),
        );
    }

    /// Asks about a patch: `apply_patch_approval_request`, then a `patch-approval`
    /// elicitation.
    fn elicit_patch(
        &self,
        pending: &crate::approvals::SharedApprovals,
        question: recodex_core::ApprovalRequest,
        call_id: String,
        changes: &[recodex_core::PatchChange],
        reason: Option<String>,
    ) {
        let changes: serde_json::Map<String, Value> = changes
            .iter()
            .map(|c| (c.path.display().to_string(), change_kind(&c.kind)))
            .collect();
        self.turn_event(
            json!({"type": "apply_patch_approval_request", "call_id": call_id,
            "turn_id": self.turn_id, "started_at_ms": Utc::now().timestamp_millis(),
            "changes": changes}),
        );
        let ask = "Allow Codex to apply proposed code changes?";
        let message = match &reason {
            Some(reason) => format!("{reason}\n{ask}"),
            None => ask.to_owned(),
        };
        let id = pending.register(question);
        let mut params = json!({
            "message": message,
            "requestedSchema": {"type": "object", "properties": {}},
            "threadId": self.thread_id,
            "codex_elicitation": "patch-approval",
            "codex_mcp_tool_call_id": super::id_text(&self.request),
            "codex_event_id": self.turn_id,
            "codex_call_id": call_id,
        });
        if let Some(reason) = reason {
            params["codex_reason"] = json!(reason);
        }
        params["codex_changes"] = json!(changes);
        self.outbox.line(
            json!({"jsonrpc": "2.0", "id": id, "method": "elicitation/create", "params": params})
                .to_string(),
        );
    }

    /// A `warning` of this turn.
    pub(crate) fn warning(&self, message: &str) {
        self.turn_event(json!({"type": "warning", "message": message}));
    }

    /// `task_started` and the user's message.
    pub(crate) fn started(&mut self, prompt: &str) {
        self.clock = Instant::now();
        self.turn_event(json!({"type": "task_started", "turn_id": self.turn_id,
            "started_at": Utc::now().timestamp(), "model_context_window": self.context_window,
            "collaboration_mode_kind": "default"}));
        let item = json!({"type": "UserMessage", "id": uuid::Uuid::new_v4().to_string(),
            "content": [{"type": "text", "text": prompt, "text_elements": []}]});
        self.item("item_started", item.clone());
        self.item("item_completed", item);
        self.turn_event(
            json!({"type": "user_message", "message": prompt, "images": [],
            "local_images": [], "text_elements": []}),
        );
    }

    /// Reports one engine event.
    pub(crate) fn event(&mut self, event: Event) {
        match event {
            Event::AgentMessageStarted { item_id } => {
                self.item("item_started", agent_item(&item_id, ""));
                self.streaming = Some(item_id);
            }
            Event::AgentMessageDelta { item_id, delta } => self.delta(&item_id, &delta),
            Event::AgentMessage { text } => {
                let id = match self.streaming.take() {
                    Some(id) => id,
                    None => {
                        let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
                        self.item("item_started", agent_item(&id, ""));
                        self.delta(&id, &text);
                        id
                    }
                };
                self.item("item_completed", agent_item(&id, &text));
                self.turn_event(
                    json!({"type": "agent_message", "message": text, "phase": null,
                    "memory_citation": null}),
                );
                self.last_message = Some(text);
            }
            // One `agent_reasoning` per summary part, as the rollout records them.
            Event::Reasoning { summary, .. } => {
                for text in summary {
                    self.turn_event(json!({"type": "agent_reasoning", "text": text}));
                }
            }
            Event::CommandBegin {
                call_id,
                command,
                cwd,
                process_id,
                ..
            } => {
                let argv = shlex::split(&command).unwrap_or_else(|| vec![command.clone()]);
                let begin = json!({"type": "exec_command_begin", "call_id": call_id,
                    "process_id": process_id, "turn_id": self.turn_id,
                    "started_at_ms": Utc::now().timestamp_millis(), "command": argv, "cwd": cwd,
                    "parsed_cmd": [{"type": "unknown", "cmd": crate::turn_events::inner_script(&command)}],
                    "source": "unified_exec_startup"});
                if self.asked.contains(&call_id) {
                    self.held.insert(call_id, begin);
                } else {
                    self.turn_event(begin);
                }
            }
            // The output as it arrives; its bytes in base64, as the reference's event has them.
            Event::CommandOutputDelta { call_id, delta } => {
                self.release_begin(&call_id);
                self.turn_event(
                    json!({"type": "exec_command_output_delta", "call_id": call_id,
                    "stream": "stdout", "chunk": recodex_stdx::base64_encode(delta.as_bytes())}),
                );
            }
            Event::CommandEnd {
                call_id,
                command,
                output,
                exit_code,
                cwd,
                duration_ms,
                declined,
                ..
            } => {
                if self.asked.remove(&call_id) && declined {
                    // Declined by the client: the command never ran, nothing is announced.
                    self.held.remove(&call_id);
                    return;
                }
                self.release_begin(&call_id);
                let argv = shlex::split(&command).unwrap_or_else(|| vec![command.clone()]);
                let status = match (declined, exit_code) {
                    (true, _) => "declined",
                    (false, Some(0)) => "completed",
                    _ => "failed",
                };
                self.turn_event(json!({"type": "exec_command_end", "call_id": call_id,
                    "process_id": null, "turn_id": self.turn_id,
                    "completed_at_ms": Utc::now().timestamp_millis(), "command": argv, "cwd": cwd,
                    "parsed_cmd": [{"type": "unknown", "cmd": crate::turn_events::inner_script(&command)}],
                    "source": "unified_exec_startup", "stdout": output, "stderr": "",
                    "aggregated_output": output, "exit_code": exit_code,
                    "duration": {"secs": duration_ms / 1000, "nanos": (duration_ms % 1000) * 1_000_000},
                    "formatted_output": output, "status": status}));
            }
            Event::PatchApplyBegin { call_id, changes } => {
                let changes: serde_json::Map<String, Value> = changes
                    .iter()
                    .map(|c| (c.path.display().to_string(), change_kind(&c.kind)))
                    .collect();
                self.turn_event(json!({"type": "patch_apply_begin", "call_id": call_id,
                    "turn_id": self.turn_id, "auto_approved": true, "changes": changes}));
            }
            Event::PatchApplyEnd {
                call_id,
                stdout,
                stderr,
                success,
                declined,
                ..
            } => {
                let status = match (declined, success) {
                    (true, _) => "declined",
                    (false, true) => "completed",
                    (false, false) => "failed",
                };
                self.turn_event(json!({"type": "patch_apply_end", "call_id": call_id,
                    "turn_id": self.turn_id, "stdout": stdout, "stderr": stderr,
                    "success": success, "status": status}));
            }
            Event::PlanUpdated { explanation, steps } => {
                let plan = plan_steps(&steps);
                self.turn_event(
                    json!({"type": "plan_update", "explanation": explanation, "plan": plan}),
                );
            }
            Event::TokenCount { last, total } => self.turn_event(json!({"type": "token_count",
                "info": {"total_token_usage": usage(&total), "last_token_usage": usage(&last),
                    "model_context_window": self.context_window},
                "rate_limits": {"limit_id": "codex", "limit_name": null, "primary": null,
                    "secondary": null, "credits": null, "plan_type": null,
                    "rate_limit_reached_type": null}})),
            Event::StreamError { message } => {
                self.turn_event(json!({"type": "stream_error", "message": message}));
            }
            Event::Error { message } => {
                self.turn_event(json!({"type": "error", "message": message}));
                self.error = Some(message);
            }
            Event::Warning { message } | Event::ToolError { message } => {
                self.turn_event(json!({"type": "warning", "message": message}));
            }
            Event::TurnDiff { unified_diff } => {
                self.turn_event(json!({"type": "turn_diff", "unified_diff": unified_diff}));
            }
            Event::TurnAborted => self.turn_event(json!({"type": "turn_aborted",
                "turn_id": self.turn_id, "reason": "interrupted"})),
            Event::TurnComplete {
                last_agent_message,
                time_to_first_token_ms,
            } => {
                self.turn_event(json!({"type": "task_complete", "turn_id": self.turn_id,
                    "last_agent_message": last_agent_message,
                    "completed_at": Utc::now().timestamp(),
                    "duration_ms": i64::try_from(self.clock.elapsed().as_millis()).unwrap_or(i64::MAX),
                    "time_to_first_token_ms": time_to_first_token_ms}));
            }
            Event::SessionConfigured { .. }
            | Event::ReasoningStarted { .. }
            | Event::ReasoningSummaryPartAdded { .. }
            | Event::ReasoningSummaryDelta { .. }
            | Event::ReasoningContentDelta { .. }
            | Event::TurnStarted { .. }
            | Event::WebSearchBegin { .. }
            | Event::WebSearchEnd { .. }
            | Event::SteerTaken { .. }
            | Event::CollabBegin(_)
            | Event::CollabEnd(_) => {}
        }
    }
}

fn agent_item(id: &str, text: &str) -> Value {
    json!({"type": "AgentMessage", "id": id, "content": [{"type": "Text", "text": text}]})
}

fn usage(u: &TokenUsage) -> Value {
    json!({"input_tokens": u.input_tokens, "cached_input_tokens": u.cached_input_tokens,
        "output_tokens": u.output_tokens, "reasoning_output_tokens": u.reasoning_output_tokens,
        "total_tokens": u.total_tokens})
}

fn change_kind(kind: &PatchChangeKind) -> Value {
    match kind {
        PatchChangeKind::Add => json!({"type": "add"}),
        PatchChangeKind::Delete => json!({"type": "delete"}),
        PatchChangeKind::Update { move_path } => json!({"type": "update", "move_path": move_path}),
    }
}

/// Plan steps as `{step, status}` objects, the running one `in_progress`.
fn plan_steps(steps: &[recodex_core::PlanStep]) -> Vec<Value> {
    steps
        .iter()
        .map(|s| {
            let status = match s.status {
                StepStatus::Pending => "pending",
                StepStatus::InProgress => "in_progress",
                StepStatus::Completed => "completed",
            };
            json!({"step": s.step, "status": status})
        })
        .collect()
}
