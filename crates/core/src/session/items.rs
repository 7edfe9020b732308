//! What a turn does with each finished output item (messages, reasoning, tool calls)
//! and how the thread is recorded in the state index.

use chrono::Utc;
use recodex_protocol::models::{ContentItem, FunctionCallOutputPayload, ResponseItem};
use tokio::sync::mpsc;

use super::{Round, Session};
use crate::error::CoreError;
use crate::event::Event;
use crate::record;

impl Session {
    /// Records the thread in the state database's index (created, or its update time
    /// and token total refreshed). A failure is only a warning: the rollout is the
    /// record of truth.
    pub(super) async fn index_thread(&mut self, events: &mpsc::Sender<Event>) {
        let (Some(dir), Some(path)) = (&self.settings.state_dir, self.recorder.path()) else {
            return;
        };
        let row = recodex_state::ThreadRow {
            id: self.thread_id.clone(),
            rollout_path: path.display().to_string(),
            created_at_ms: self.created_at_ms,
            updated_at_ms: Utc::now().timestamp_millis(),
            source: self.settings.source.clone(),
            model_provider: self.settings.provider_id.clone(),
            cwd: self.settings.cwd.display().to_string(),
            first_user_message: self.first_user_message.clone().unwrap_or_default(),
            sandbox_policy: serde_json::to_string(
                &recodex_protocol::permissions::PermissionProfile::for_sandbox_policy(
                    &self.settings.sandbox_policy,
                    &self.settings.cwd,
                ),
            )
            .unwrap_or_default(),
            approval_mode: self.settings.approval_policy.clone(),
            tokens_used: self.total_usage.total_tokens,
            model: self.settings.model.slug.clone(),
            reasoning_effort: self
                .settings
                .reasoning_effort
                .map(|e| e.as_str().to_owned()),
        };
        // Opened once per session; a failure is retried on the next turn.
        if self.index.is_none() {
            match recodex_state::ThreadIndex::open(dir) {
                Ok(index) => self.index = Some(index),
                Err(err) => {
                    let message = err.to_string();
                    let _ = events.send(Event::Warning { message }).await;
                    return;
                }
            }
        }
        if let Some(Err(err)) = self.index.as_ref().map(|index| index.upsert(&row)) {
            let message = err.to_string();
            let _ = events.send(Event::Warning { message }).await;
        }
    }

    /// Runs a function tool through the tool runtime (reporting commands), or answers
    /// that it is not available.
    async fn run_tool(
        &self,
        item: &ResponseItem,
        name: &str,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> ResponseItem {
        match self.tools.call(name, arguments).await {
            Some(result) => {
                if let Some(run) = result.command {
                    let _ = events
                        .send(Event::CommandExecuted {
                            command: run.command,
                            output: run.output,
                            exit_code: run.exit_code,
                            cwd: self.tools.cwd().to_path_buf(),
                            duration_ms: run.duration_ms,
                        })
                        .await;
                }
                ResponseItem::FunctionCallOutput {
                    call_id: call_id.to_owned(),
                    output: FunctionCallOutputPayload::from_text(result.text),
                }
            }
            None => unsupported_tool_output(item, name, call_id),
        }
    }

    pub(super) async fn on_item(
        &mut self,
        item: ResponseItem,
        events: &mpsc::Sender<Event>,
        round: &mut Round,
    ) -> Result<(), CoreError> {
        match &item {
            ResponseItem::Message { role, content, .. } if role == "assistant" => {
                let text: String = content
                    .iter()
                    .filter_map(|c| match c {
                        ContentItem::OutputText { text } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect();
                self.recorder.event(record::agent_message(&text))?;
                self.recorder.response_item(&item)?;
                self.history.push(item);
                let _ = events
                    .send(Event::AgentMessage { text: text.clone() })
                    .await;
                round.agent_message = Some(text);
            }
            ResponseItem::FunctionCall {
                name,
                call_id,
                arguments,
                ..
            } => {
                self.recorder.response_item(&item)?;
                self.history.push(item.clone());
                let plan = (name == "update_plan").then(|| parse_plan(arguments));
                let output = match plan {
                    Some(Ok(steps)) => {
                        let _ = events.send(Event::PlanUpdated { steps }).await;
                        ResponseItem::FunctionCallOutput {
                            call_id: call_id.clone(),
                            output: FunctionCallOutputPayload::from_text("Plan updated"),
                        }
                    }
                    Some(Err(message)) => ResponseItem::FunctionCallOutput {
                        call_id: call_id.clone(),
                        output: FunctionCallOutputPayload::from_text(message),
                    },
                    None => self.run_tool(&item, name, call_id, arguments, events).await,
                };
                self.recorder.response_item(&output)?;
                self.history.push(output);
                round.needs_follow_up = true;
            }
            ResponseItem::CustomToolCall {
                name,
                call_id,
                input,
                ..
            } if name == "apply_patch" => {
                self.recorder.response_item(&item)?;
                self.history.push(item.clone());
                let text = self.tools.apply_patch(input).await;
                let output = ResponseItem::CustomToolCallOutput {
                    call_id: call_id.clone(),
                    name: None,
                    output: FunctionCallOutputPayload::from_text(text),
                };
                self.recorder.response_item(&output)?;
                self.history.push(output);
                round.needs_follow_up = true;
            }
            ResponseItem::CustomToolCall { name, call_id, .. } => {
                let output = unsupported_tool_output(&item, name, call_id);
                self.recorder.response_item(&item)?;
                self.history.push(item.clone());
                self.recorder.response_item(&output)?;
                self.history.push(output);
                round.needs_follow_up = true;
            }
            ResponseItem::Reasoning { summary, .. } => {
                let parts: Vec<String> = summary
                    .iter()
                    .map(|part| match part {
                        recodex_protocol::models::ReasoningItemReasoningSummary::SummaryText {
                            text,
                        } => text.clone(),
                    })
                    .collect();
                for part in &parts {
                    self.recorder.event(record::agent_reasoning(part))?;
                }
                self.recorder.response_item(&item)?;
                self.history.push(item);
                if !parts.is_empty() {
                    let _ = events
                        .send(Event::Reasoning {
                            text: parts.join("\n"),
                        })
                        .await;
                }
            }
            _ => {
                self.recorder.response_item(&item)?;
                self.history.push(item);
            }
        }
        Ok(())
    }
}

/// The output given back for a tool call until the tools layer lands.
fn unsupported_tool_output(call: &ResponseItem, name: &str, call_id: &str) -> ResponseItem {
    let text = format!("unsupported call: {name} is not available in this build of recodex");
    match call {
        ResponseItem::CustomToolCall { .. } => ResponseItem::CustomToolCallOutput {
            call_id: call_id.to_owned(),
            name: None,
            output: FunctionCallOutputPayload::from_text(text),
        },
        _ => ResponseItem::FunctionCallOutput {
            call_id: call_id.to_owned(),
            output: FunctionCallOutputPayload::from_text(text),
        },
    }
}

/// The steps of an `update_plan` call, or the text returned to the model when its
/// arguments do not parse.
fn parse_plan(arguments: &str) -> Result<Vec<(String, bool)>, String> {
    #[derive(serde::Deserialize)]
    struct Step {
        step: String,
        status: String,
    }
    #[derive(serde::Deserialize)]
    struct Args {
        plan: Vec<Step>,
    }
    serde_json::from_str::<Args>(arguments)
        .map(|args| {
            args.plan
                .into_iter()
                .map(|s| (s.step, s.status == "completed"))
                .collect()
        })
        .map_err(|e| format!("failed to parse function arguments: {e}"))
}
