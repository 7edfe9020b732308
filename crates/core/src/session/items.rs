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
        let mut row = recodex_state::ThreadRow {
            id: self.thread_id.clone(),
            rollout_path: path.display().to_string(),
            created_at_ms: self.created_at_ms,
            updated_at_ms: Utc::now().timestamp_millis(),
            source: match &self.settings.subagent {
                Some(origin) => origin.source_json().to_string(),
                None => self.settings.source.clone(),
            },
            thread_source: match self.settings.subagent {
                Some(_) => Some("subagent".to_owned()),
                None => self.settings.thread_source.map(|s| s.as_str().to_owned()),
            },
            agent_nickname: self.settings.subagent.as_ref().map(|o| o.nickname.clone()),
            agent_role: self.settings.subagent.as_ref().and_then(|o| o.role.clone()),
            model_provider: self.settings.provider_id.clone(),
            cwd: self.settings.cwd.display().to_string(),
            first_user_message: self.first_user_message.clone().unwrap_or_default(),
            sandbox_policy: serde_json::to_string(&self.settings.permission_profile())
                .unwrap_or_default(),
            approval_mode: self.settings.approval_policy.as_str().to_owned(),
            tokens_used: self.total_usage.total_tokens,
            model: self.settings.model.slug.clone(),
            reasoning_effort: self
                .settings
                .reasoning_effort
                .map(|e| e.as_str().to_owned()),
            git_sha: None,
            git_branch: None,
            git_origin_url: None,
        };
        if let Some(git) = &self.git {
            row.set_git(git);
        }
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

    /// Runs a function call and returns the text for the model: `update_plan`, the
    /// `apply_patch` function tool, shell calls that are really patches, the shell tools
    /// (reporting commands), or the reference's answer for a tool it does not know.
    /// Refusals are also reported as [`Event::ToolError`].
    async fn run_function(
        &mut self,
        name: &str,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> Result<FunctionOutput, CoreError> {
        let text = self.function_text(name, call_id, arguments, events).await?;
        if let FunctionOutput::Refused(message) = &text {
            let message = message.clone();
            let _ = events.send(Event::ToolError { message }).await;
        }
        Ok(text)
    }

    async fn function_text(
        &mut self,
        name: &str,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> Result<FunctionOutput, CoreError> {
        use crate::registry::{Declared, Tool};
        use FunctionOutput::{Aborted, Output, Refused};
        let tool = self.registry.function(name);
        Ok(match tool {
            Tool::Agent(agent) => self.run_agent_tool(agent, call_id, arguments, events).await,
            Tool::UpdatePlan => match parse_plan(arguments) {
                Ok((explanation, steps)) => {
                    let event = Event::PlanUpdated { explanation, steps };
                    let _ = events.send(event).await;
                    Output("Plan updated".to_owned())
                }
                Err(message) => Refused(message),
            },
            Tool::ApplyPatch(Some(Declared::Function)) => match parse_patch_arguments(arguments) {
                Ok(input) => self.run_patch_text(call_id, &input, events).await?,
                Err(message) => Refused(message),
            },
            // A call whose form does not match the declaration fails without an output;
            // the reference then sends the model `aborted` for it.
            Tool::ApplyPatch(Some(_)) => Aborted,
            Tool::ApplyPatch(None) | Tool::Unknown => Refused(format!("unsupported call: {name}")),
            Tool::Shell(shell) => {
                // A shell call that is really a patch runs as one.
                if let Some(out) = self
                    .intercept_patch(shell, arguments, call_id, events)
                    .await?
                {
                    return Ok(out);
                }
                Output(self.tools.call(shell, call_id, arguments, events).await)
            }
            Tool::ViewImage => self.view_image(arguments),
            Tool::Goal(goal) => self.goal_tool(goal, arguments, events).await?,
            // exec runs in the default collaboration mode, where nobody can answer.
            Tool::RequestUserInput => {
                Refused("request_user_input is unavailable in Default mode".to_owned())
            }
            Tool::NotBuilt => Refused(not_built_text(name)),
        })
    }

    /// `view_image`: the image at `path` (relative to the session's cwd) for the model, or
    /// the reference's text when it cannot be read or is not an image.
    fn view_image(&self, arguments: &str) -> FunctionOutput {
        #[derive(serde::Deserialize)]
        struct Args {
            path: String,
        }
        let args = match serde_json::from_str::<Args>(arguments) {
            Ok(args) => args,
            Err(e) => {
                return FunctionOutput::Refused(format!("failed to parse function arguments: {e}"));
            }
        };
        let path = self.settings.cwd.join(&args.path);
        // The image is read by this process, outside the sandbox: a path the permission
        // profile denies is treated as missing, as it is for the model's commands.
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let denied = self.settings.denied_paths.iter().any(|denied| {
            let denied = std::fs::canonicalize(denied).unwrap_or_else(|_| denied.clone());
            canonical.starts_with(&denied)
        });
        if denied {
            return FunctionOutput::Refused(format!(
                "unable to locate image at `{}`: No such file or directory (os error 2)",
                path.display()
            ));
        }
        match crate::user_input::image_url(&path) {
            Ok(url) => FunctionOutput::Image(url),
            Err(crate::user_input::ImageError::Locate(err)) => FunctionOutput::Refused(format!(
                "unable to locate image at `{}`: {err}",
                path.display()
            )),
            Err(crate::user_input::ImageError::NotAFile) => {
                FunctionOutput::Refused(format!("image path `{}` is not a file", path.display()))
            }
            Err(crate::user_input::ImageError::Read(err)) => FunctionOutput::Refused(format!(
                "unable to read image at `{}`: {err}",
                path.display()
            )),
            Err(crate::user_input::ImageError::Unsupported(mime)) => {
                FunctionOutput::Refused(format!(
                    "unable to process image at `{}`: unsupported image `{mime}`",
                    path.display()
                ))
            }
        }
    }

    /// `(call_id, name, arguments)` of a shell call that may run alongside its neighbours:
    /// `exec_command` or `shell_command` that is not a patch in disguise.
    fn concurrent_shell_call<'i>(
        &self,
        item: &'i ResponseItem,
    ) -> Option<(&'i str, crate::registry::ShellTool, &'i str)> {
        let ResponseItem::FunctionCall {
            name,
            call_id,
            arguments,
            ..
        } = item
        else {
            return None;
        };
        use crate::registry::{ShellTool, Tool};
        let shell = match self.registry.function(name) {
            Tool::Shell(shell @ (ShellTool::ExecCommand | ShellTool::ShellCommand)) => shell,
            _ => return None,
        };
        if super::patch_call::looks_like_patch(shell, arguments) {
            return None;
        }
        Some((call_id, shell, arguments))
    }

    /// Runs shell calls concurrently; their outputs in the calls' order. An interrupt stops
    /// them all.
    async fn run_shell_group(
        &self,
        group: &[(&str, crate::registry::ShellTool, &str)],
        events: &mpsc::Sender<Event>,
        round: &mut Round,
    ) -> Vec<FunctionOutput> {
        let started = std::time::Instant::now();
        let mut cancel = self.interrupt.subscribe();
        let runs = group
            .iter()
            .map(|(call_id, shell, arguments)| self.tools.call(*shell, call_id, arguments, events));
        let outputs = tokio::select! {
            outputs = futures_util::future::join_all(runs) => Some(outputs),
            () = super::interrupt::interrupted(&mut cancel) => None,
        };
        match outputs {
            Some(outputs) => outputs.into_iter().map(FunctionOutput::Output).collect(),
            None => {
                self.tools.shutdown();
                round.interrupted = true;
                group
                    .iter()
                    .map(|_| FunctionOutput::Output(super::interrupt::aborted_call_text(started)))
                    .collect()
            }
        }
    }

    /// Runs the calls of a finished response in order, recording each output. An
    /// interrupt cuts the running call short and skips the rest.
    pub(super) async fn run_calls(
        &mut self,
        events: &mpsc::Sender<Event>,
        round: &mut Round,
    ) -> Result<(), CoreError> {
        let calls = std::mem::take(&mut round.calls);
        // Consecutive shell calls run together, as the reference runs them; everything
        // else runs one at a time, in order.
        let mut ready: std::collections::HashMap<String, FunctionOutput> = Default::default();
        let mut index = 0;
        while index < calls.len() {
            let group: Vec<(&str, crate::registry::ShellTool, &str)> = calls[index..]
                .iter()
                .map_while(|item| self.concurrent_shell_call(item))
                .collect();
            if group.len() > 1 {
                let outputs = self.run_shell_group(&group, events, round).await;
                for ((call_id, _, _), out) in group.iter().zip(outputs) {
                    ready.insert((*call_id).to_owned(), out);
                }
            }
            index += group.len().max(1);
        }
        for item in calls {
            if round.interrupted {
                break;
            }
            let (call_id, out, custom) = match &item {
                ResponseItem::FunctionCall { call_id, .. } if ready.contains_key(call_id) => {
                    let out = ready.remove(call_id).unwrap_or(FunctionOutput::Aborted);
                    (call_id.clone(), out, false)
                }
                ResponseItem::FunctionCall {
                    name,
                    call_id,
                    namespace: Some(namespace),
                    ..
                } if !matches!(
                    self.registry.function(name),
                    crate::registry::Tool::Agent(_)
                ) =>
                {
                    // A namespaced tool this thread does not have (a sub-agent calling the
                    // multi-agent tools, say); the reference joins the names as is.
                    let message = format!("unsupported call: {namespace}{name}");
                    let _ = events
                        .send(Event::ToolError {
                            message: message.clone(),
                        })
                        .await;
                    (call_id.clone(), FunctionOutput::Refused(message), false)
                }
                ResponseItem::FunctionCall {
                    name,
                    call_id,
                    arguments,
                    ..
                } => {
                    let started = std::time::Instant::now();
                    let mut cancel = self.interrupt.subscribe();
                    let out = tokio::select! {
                        out = self.run_function(name, call_id, arguments, events) => Some(out?),
                        () = super::interrupt::interrupted(&mut cancel) => None,
                    };
                    let out = out.unwrap_or_else(|| {
                        // Interrupted: the commands are stopped and the turn ends.
                        self.tools.shutdown();
                        round.interrupted = true;
                        FunctionOutput::Output(super::interrupt::aborted_call_text(started))
                    });
                    (call_id.clone(), out, false)
                }
                ResponseItem::CustomToolCall {
                    name,
                    call_id,
                    input,
                    ..
                } => {
                    use crate::registry::{Declared, Tool};
                    let out = match self.registry.custom(name) {
                        Tool::ApplyPatch(Some(Declared::Freeform)) => {
                            self.run_patch_text(call_id, input, events).await?
                        }
                        Tool::ApplyPatch(Some(_)) => FunctionOutput::Aborted,
                        Tool::NotBuilt => FunctionOutput::Refused(not_built_text(name)),
                        _ => {
                            FunctionOutput::Refused(format!("unsupported custom tool call: {name}"))
                        }
                    };
                    if let FunctionOutput::Refused(message) = &out {
                        let message = message.clone();
                        let _ = events.send(Event::ToolError { message }).await;
                    }
                    (call_id.clone(), out, true)
                }
                ResponseItem::ToolSearchCall {
                    call_id,
                    execution,
                    arguments,
                    ..
                } if execution == "client" => {
                    // The deferred tools (the multi-agent namespace; MCP and app tools are
                    // not built) that match the query.
                    let query = arguments["query"].as_str().unwrap_or_default();
                    let limit = arguments["limit"]
                        .as_u64()
                        .and_then(|l| usize::try_from(l).ok())
                        .unwrap_or(recodex_tools::TOOL_SEARCH_DEFAULT_LIMIT);
                    let output = ResponseItem::ToolSearchOutput {
                        call_id: call_id.clone(),
                        status: "completed".to_owned(),
                        execution: execution.clone(),
                        tools: recodex_tools::search_deferred(
                            &self.settings.deferred_tools,
                            query,
                            limit,
                        ),
                    };
                    self.recorder.response_item(&output)?;
                    self.history.push(output);
                    continue;
                }
                _ => continue,
            };
            let payload = out.payload();
            let output = if custom {
                ResponseItem::CustomToolCallOutput {
                    call_id,
                    name: None,
                    output: payload,
                }
            } else {
                ResponseItem::FunctionCallOutput {
                    call_id,
                    output: payload,
                }
            };
            // A call that failed without an output is answered `aborted` in the next
            // request only, as the reference does.
            if !matches!(out, FunctionOutput::Aborted) {
                self.recorder.response_item(&output)?;
            }
            self.history.push(output);
        }
        Ok(())
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
            ResponseItem::ToolSearchCall { execution, .. } if execution != "client" => {
                // Run by the server: nothing to answer.
                self.recorder.response_item(&item)?;
                self.history.push(item);
            }
            ResponseItem::FunctionCall { .. }
            | ResponseItem::CustomToolCall { .. }
            | ResponseItem::ToolSearchCall { .. } => {
                // Calls are recorded as they arrive and run once the response is complete,
                // so the outputs follow all of the response's calls, as in the reference.
                self.recorder.response_item(&item)?;
                self.history.push(item.clone());
                round.calls.push(item);
                round.needs_follow_up = true;
            }
            ResponseItem::WebSearchCall { id, action, .. } => {
                let (query, action) = web_search_detail(action.as_ref());
                let call_id = id.clone().unwrap_or_default();
                self.recorder.event(serde_json::json!({
                    "type": "web_search_end",
                    "call_id": call_id,
                    "query": query,
                    "action": action,
                }))?;
                self.recorder.response_item(&item)?;
                self.history.push(item.clone());
                let _ = events
                    .send(Event::WebSearchEnd {
                        call_id,
                        query,
                        action,
                    })
                    .await;
            }
            ResponseItem::Reasoning {
                id,
                summary,
                content,
                ..
            } => {
                let parts: Vec<String> = summary
                    .iter()
                    .map(|part| match part {
                        recodex_protocol::models::ReasoningItemReasoningSummary::SummaryText {
                            text,
                        } => text.clone(),
                    })
                    .collect();
                let raw: Vec<String> = content
                    .iter()
                    .flatten()
                    .map(|part| match part {
                        recodex_protocol::models::ReasoningItemContent::ReasoningText { text }
                        | recodex_protocol::models::ReasoningItemContent::Text { text } => {
                            text.clone()
                        }
                    })
                    .collect();
                let item_id = id.clone();
                for part in &parts {
                    self.recorder.event(record::agent_reasoning(part))?;
                }
                self.recorder.response_item(&item)?;
                self.history.push(item);
                let _ = events
                    .send(Event::Reasoning {
                        item_id,
                        summary: parts,
                        content: raw,
                    })
                    .await;
            }
            _ => {
                self.recorder.response_item(&item)?;
                self.history.push(item);
            }
        }
        Ok(())
    }
}

/// The query shown for a web search (the page for page actions) and its action as JSON.
pub(super) fn web_search_detail(
    action: Option<&recodex_protocol::models::WebSearchAction>,
) -> (String, Option<serde_json::Value>) {
    use recodex_protocol::models::WebSearchAction;
    let query = match action {
        Some(WebSearchAction::Search { query, queries }) => query
            .clone()
            .or_else(|| queries.as_ref().and_then(|q| q.first().cloned())),
        Some(WebSearchAction::OpenPage { url }) => url.clone(),
        Some(WebSearchAction::FindInPage { pattern, url }) => {
            pattern.clone().or_else(|| url.clone())
        }
        _ => None,
    };
    let action = action.and_then(|a| serde_json::to_value(a).ok());
    (query.unwrap_or_default(), action)
}

/// What a tool call gives the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FunctionOutput {
    /// The tool ran (or tried to): its output.
    Output(String),
    /// The call was refused before running: the error text (also logged by the front end).
    Refused(String),
    /// The call failed without an output: the model is told `aborted`, nothing is recorded.
    Aborted,
    /// An image for the model (`view_image`): a `data:` URL.
    Image(String),
}

impl FunctionOutput {
    fn payload(&self) -> FunctionCallOutputPayload {
        use recodex_protocol::models::{
            FunctionCallOutputBody, FunctionCallOutputContentItem, ImageDetail,
        };
        match self {
            Self::Output(text) | Self::Refused(text) => FunctionCallOutputPayload::from_text(text),
            Self::Aborted => FunctionCallOutputPayload::from_text("aborted"),
            Self::Image(url) => FunctionCallOutputPayload {
                body: FunctionCallOutputBody::ContentItems(vec![
                    FunctionCallOutputContentItem::InputImage {
                        image_url: url.clone(),
                        detail: Some(ImageDetail::High),
                    },
                ]),
                success: Some(true),
            },
        }
    }
}

/// The answer for a tool this build offers but does not run yet.
fn not_built_text(name: &str) -> String {
    format!("unsupported call: {name} is not available in this build of recodex")
}

/// The `input` of an `apply_patch` function call, or the text for the model.
fn parse_patch_arguments(arguments: &str) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Args {
        input: String,
    }
    serde_json::from_str::<Args>(arguments)
        .map(|args| args.input)
        .map_err(|e| format!("failed to parse function arguments: {e:?}"))
}

/// The explanation and steps of an `update_plan` call, or the text returned to the model
/// when its arguments do not parse.
fn parse_plan(arguments: &str) -> Result<(Option<String>, Vec<crate::event::PlanStep>), String> {
    use crate::event::{PlanStep, StepStatus};
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Status {
        Pending,
        InProgress,
        Completed,
    }
    #[derive(serde::Deserialize)]
    struct Step {
        step: String,
        status: Status,
    }
    #[derive(serde::Deserialize)]
    struct Args {
        #[serde(default)]
        explanation: Option<String>,
        plan: Vec<Step>,
    }
    serde_json::from_str::<Args>(arguments)
        .map(|args| {
            let steps = args
                .plan
                .into_iter()
                .map(|s| PlanStep {
                    step: s.step,
                    status: match s.status {
                        Status::Pending => StepStatus::Pending,
                        Status::InProgress => StepStatus::InProgress,
                        Status::Completed => StepStatus::Completed,
                    },
                })
                .collect();
            (args.explanation, steps)
        })
        .map_err(|e| format!("failed to parse function arguments: {e}"))
}
