//! The multi-agent tools (`multi_agent_v1`: `spawn_agent`, `send_input`, `resume_agent`,
//! `wait_agent`, `close_agent`) and the notices a parent gets when a child finishes.
//!
//! Each call reports a begin and an end to the front end, as the reference does: a call
//! whose arguments are unusable fails before its begin (no item), and a spawn refused for
//! its `agent_type` or `model` begins and never ends.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::json;
use tokio::sync::mpsc;

use super::Session;
use super::agent_args::{
    ResumeArgs, SendArgs, SpawnArgs, TargetArgs, WaitArgs, agent_id, message_text, parse,
    pick_nickname,
};
use super::items::FunctionOutput;
use crate::agents::{AgentStatus, ClosedAgent, notification_text};
use crate::error::CoreError;
use crate::event::{CollabCall, Event};
use crate::registry::AgentTool;
use crate::settings::SubagentOrigin;

/// `wait_agent` timeouts, in milliseconds: the default and the range others are held to.
const DEFAULT_WAIT_MS: i64 = 30_000;
const MIN_WAIT_MS: i64 = 10_000;
const MAX_WAIT_MS: i64 = 3_600_000;

/// Roles an agent can be given without configuration.
const BUILT_IN_ROLES: [&str; 3] = ["default", "explorer", "worker"];

/// How a call ended, for the model and the front end.
enum Outcome {
    /// Refused before it began: no item.
    Early(String),
    /// Began and ended: the output, and whether it is an error text.
    Done { text: String, error: bool },
    /// Began and was refused; the reference never ends such an item.
    Dangling(String),
}

fn state_of(id: &str, status: &AgentStatus) -> (String, String, Option<String>) {
    let (name, message) = status.state();
    (id.to_owned(), name.to_owned(), message)
}

fn not_found(id: &str, call: &mut CollabCall) -> Outcome {
    call.agents_states = vec![state_of(id, &AgentStatus::NotFound)];
    Outcome::Done {
        text: format!("agent with id {id} not found"),
        error: true,
    }
}

impl Session {
    /// Tells the model about children that finished since its last request: one
    /// `<subagent_notification>` user message each, recorded like any input.
    pub(super) fn deliver_agent_notices(&mut self) -> Result<(), CoreError> {
        for notice in self.agents.take_notices() {
            let item = crate::context::user_message(&notification_text(&notice));
            self.recorder.response_item(&item)?;
            self.history.push(item);
        }
        Ok(())
    }

    /// Whether a child's notice is waiting (the turn then goes on to deliver it).
    pub(super) fn agent_notices_waiting(&mut self) -> bool {
        self.agents.has_notices()
    }

    /// Runs a multi-agent tool call, reporting it to the front end.
    pub(super) async fn run_agent_tool(
        &mut self,
        agent: AgentTool,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> FunctionOutput {
        let (tool, kind) = match agent {
            AgentTool::Spawn => ("spawn_agent", "SpawnAgent"),
            AgentTool::SendInput => ("send_input", "SendInput"),
            AgentTool::Resume => ("wait", "ResumeAgent"),
            AgentTool::Wait => ("wait", "Wait"),
            AgentTool::Close => ("close_agent", "CloseAgent"),
        };
        let mut call = CollabCall {
            call_id: call_id.to_owned(),
            tool: tool.to_owned(),
            kind: kind.to_owned(),
            sender_thread_id: self.thread_id.clone(),
            receiver_thread_ids: Vec::new(),
            prompt: None,
            agents_states: Vec::new(),
            failed: false,
        };
        let outcome = match agent {
            AgentTool::Spawn => self.spawn_agent(arguments, &mut call, events).await,
            AgentTool::SendInput => self.send_input(arguments, &mut call, events).await,
            AgentTool::Resume => self.resume_agent(arguments, &mut call, events).await,
            AgentTool::Wait => self.wait_agent(arguments, &mut call, events).await,
            AgentTool::Close => self.close_agent(arguments, &mut call, events).await,
        };
        match outcome {
            Outcome::Early(text) | Outcome::Dangling(text) => FunctionOutput::Refused(text),
            Outcome::Done { text, error } => {
                call.failed |= error
                    || call
                        .agents_states
                        .iter()
                        .any(|(_, state, _)| state == "errored" || state == "not_found");
                let _ = events.send(Event::CollabEnd(call)).await;
                if error {
                    FunctionOutput::Refused(text)
                } else {
                    FunctionOutput::Output(text)
                }
            }
        }
    }

    async fn begin(call: &CollabCall, events: &mpsc::Sender<Event>) {
        let _ = events.send(Event::CollabBegin(call.clone())).await;
    }

    async fn spawn_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Outcome {
        let args: SpawnArgs = match parse(arguments) {
            Ok(args) => args,
            Err(text) => return Outcome::Early(text),
        };
        let message = match message_text(args.message, args.items) {
            Ok(message) => message,
            Err(text) => return Outcome::Early(text),
        };
        call.prompt = Some(message.clone());
        Self::begin(call, events).await;
        if args.fork_context
            && (args.agent_type.is_some()
                || args.model.is_some()
                || args.reasoning_effort.is_some())
        {
            return Outcome::Dangling("Full-history forked agents inherit the parent agent type, model, and reasoning effort; omit agent_type, model, and reasoning_effort, or spawn without a full-history fork.".to_owned());
        }
        if let Some(role) = args.agent_type.as_deref()
            && !BUILT_IN_ROLES.contains(&role)
        {
            return Outcome::Dangling(format!("unknown agent_type '{role}'"));
        }
        let catalog = recodex_client::models::bundled_catalog();
        let model = match args.model.as_deref() {
            None => None,
            Some(slug) => match catalog.iter().find(|m| m.slug == slug) {
                Some(model) => Some(model.clone()),
                None => {
                    let names: Vec<&str> = catalog.iter().map(|m| m.slug.as_str()).collect();
                    return Outcome::Dangling(format!(
                        "Unknown model `{slug}` for spawn_agent. Available models: {}",
                        names.join(", ")
                    ));
                }
            },
        };
        let Some(multi) = self.settings.multi_agent.clone() else {
            return Outcome::Early(format!("unsupported call: {}", call.tool));
        };
        if self.agents.open_count() >= multi.max_threads {
            return Outcome::Done {
                text: "collab spawn failed: agent thread limit reached".to_owned(),
                error: true,
            };
        }
        let nickname = pick_nickname(self.agents.nicknames());
        let depth = self.settings.subagent.as_ref().map_or(0, |o| o.depth) + 1;
        let mut settings = self.settings.clone();
        settings.subagent = Some(SubagentOrigin {
            parent_thread_id: self.thread_id.clone(),
            session_id: self
                .settings
                .subagent
                .as_ref()
                .map_or_else(|| self.thread_id.clone(), |o| o.session_id.clone()),
            depth,
            nickname: nickname.clone(),
            role: args.agent_type,
        });
        // The child records the effort it runs with.
        settings.reasoning_effort = args
            .reasoning_effort
            .or(settings.reasoning_effort)
            .or(settings.model.default_reasoning_level);
        if let Some(model) = model {
            settings.model = model;
        }
        if depth >= multi.max_depth {
            // Only the multi-agent tools are deferred, so a leaf has none.
            settings.tools = multi.leaf_tools.clone();
            settings.deferred_tools = Vec::new();
            settings.multi_agent = None;
        }
        let mut child = match Session::start(
            settings.clone(),
            self.client.clone(),
            self.installation_id.clone(),
        ) {
            Ok(child) => child,
            Err(err) => {
                return Outcome::Done {
                    text: format!("collab spawn failed: {err}"),
                    error: true,
                };
            }
        };
        if args.fork_context {
            // A forked agent starts from the conversation so far as the user and the
            // harness wrote it: the developer and user messages, without the answers,
            // reasoning and tool calls.
            let forked: Vec<_> = self
                .history
                .iter()
                .filter(|item| {
                    matches!(item, recodex_protocol::models::ResponseItem::Message { role, .. }
                        if role == "user" || role == "developer")
                })
                .cloned()
                .collect();
            if let Err(err) = child.seed_history(forked) {
                return Outcome::Done {
                    text: format!("collab spawn failed: {err}"),
                    error: true,
                };
            }
        }
        let child_id = child.thread_id().to_owned();
        let resumable = child
            .rollout_path()
            .map(|rollout| ClosedAgent { settings, rollout });
        self.record_spawn_edge(&child_id, "open");
        self.agents
            .spawn(child, Some(nickname.clone()), Some(message), resumable);
        call.receiver_thread_ids = vec![child_id.clone()];
        call.agents_states = vec![state_of(&child_id, &AgentStatus::PendingInit)];
        Outcome::Done {
            text: json!({"agent_id": child_id, "nickname": nickname}).to_string(),
            error: false,
        }
    }

    async fn send_input(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Outcome {
        let (args, message, id) = match parse::<SendArgs>(arguments).and_then(|args| {
            let id = agent_id(&args.target)?;
            let message = message_text(args.message.clone(), args.items)?;
            Ok((args.interrupt, message, id))
        }) {
            Ok(parsed) => parsed,
            Err(text) => return Outcome::Early(text),
        };
        call.receiver_thread_ids = vec![id.clone()];
        call.prompt = Some(message.clone());
        Self::begin(call, events).await;
        let Some(child) = self.agents.get(&id) else {
            return not_found(&id, call);
        };
        let status = child.status();
        if !child.send(message, args) {
            return not_found(&id, call);
        }
        call.agents_states = vec![state_of(&id, &status)];
        Outcome::Done {
            text: json!({"submission_id": uuid::Uuid::now_v7().to_string()}).to_string(),
            error: false,
        }
    }

    async fn resume_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Outcome {
        let id = match parse::<ResumeArgs>(arguments).and_then(|args| agent_id(&args.id)) {
            Ok(id) => id,
            Err(text) => return Outcome::Early(text),
        };
        call.receiver_thread_ids = vec![id.clone()];
        Self::begin(call, events).await;
        let status = if let Some(child) = self.agents.get(&id) {
            child.status()
        } else if let Some(closed) = self.agents.closed(&id).cloned() {
            // A closed agent comes back from its rollout and waits for a message.
            match Session::resume(
                closed.settings.clone(),
                self.client.clone(),
                self.installation_id.clone(),
                &closed.rollout,
            ) {
                Ok(child) => {
                    self.record_spawn_edge(&id, "open");
                    self.agents.spawn(child, None, None, Some(closed));
                    AgentStatus::PendingInit
                }
                Err(_) => return not_found(&id, call),
            }
        } else {
            return not_found(&id, call);
        };
        call.agents_states = vec![state_of(&id, &status)];
        Outcome::Done {
            text: json!({"status": status.to_json()}).to_string(),
            error: false,
        }
    }

    async fn wait_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Outcome {
        let args: WaitArgs = match parse(arguments) {
            Ok(args) => args,
            Err(text) => return Outcome::Early(text),
        };
        if args.targets.is_empty() {
            return Outcome::Early("agent ids must be non-empty".to_owned());
        }
        let timeout_ms = match args.timeout_ms.unwrap_or(DEFAULT_WAIT_MS) {
            ms if ms <= 0 => {
                return Outcome::Early("timeout_ms must be greater than zero".to_owned());
            }
            ms => ms.clamp(MIN_WAIT_MS, MAX_WAIT_MS),
        };
        let mut targets = Vec::new();
        for target in &args.targets {
            match agent_id(target) {
                Ok(id) => targets.push(id),
                Err(text) => return Outcome::Early(text),
            }
        }
        call.receiver_thread_ids.clone_from(&targets);
        Self::begin(call, events).await;
        let mut finished: Vec<(String, AgentStatus)> = Vec::new();
        let mut watching = Vec::new();
        for target in &targets {
            match self.agents.get(target) {
                None => finished.push((target.clone(), AgentStatus::NotFound)),
                Some(child) if child.status().is_final() => {
                    finished.push((target.clone(), child.status()));
                }
                Some(child) => watching.push((target.clone(), child.watch())),
            }
        }
        if finished.is_empty() {
            let mut waits: FuturesUnordered<_> = watching
                .into_iter()
                .map(|(id, mut rx)| async move {
                    let status = rx.wait_for(AgentStatus::is_final).await.ok()?.clone();
                    Some((id, status))
                })
                .collect();
            let deadline = tokio::time::sleep(Duration::from_millis(timeout_ms.unsigned_abs()));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    next = waits.next() => match next {
                        Some(Some(done)) => { finished.push(done); break; }
                        Some(None) => continue,
                        None => break,
                    },
                    () = &mut deadline => break,
                }
            }
            if !finished.is_empty() {
                // Others that are done by now are reported too.
                for target in &targets {
                    if let Some(child) = self.agents.get(target)
                        && child.status().is_final()
                        && !finished.iter().any(|(id, _)| id == target)
                    {
                        finished.push((target.clone(), child.status()));
                    }
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        finished.retain(|(id, _)| seen.insert(id.clone()));
        let timed_out = finished.is_empty();
        call.receiver_thread_ids = finished.iter().map(|(id, _)| id.clone()).collect();
        call.agents_states = finished.iter().map(|(id, s)| state_of(id, s)).collect();
        let status: serde_json::Map<String, serde_json::Value> = finished
            .iter()
            .map(|(id, status)| (id.clone(), status.to_json()))
            .collect();
        Outcome::Done {
            text: json!({"status": status, "timed_out": timed_out}).to_string(),
            error: false,
        }
    }

    async fn close_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Outcome {
        let id = match parse::<TargetArgs>(arguments).and_then(|args| agent_id(&args.target)) {
            Ok(id) => id,
            Err(text) => return Outcome::Early(text),
        };
        call.receiver_thread_ids = vec![id.clone()];
        Self::begin(call, events).await;
        let Some(previous) = self.agents.close(&id) else {
            return not_found(&id, call);
        };
        self.record_spawn_edge(&id, "closed");
        call.agents_states = vec![state_of(&id, &previous)];
        Outcome::Done {
            text: json!({"previous_status": previous.to_json()}).to_string(),
            error: false,
        }
    }

    /// Records the spawn edge from this thread to `child` in the thread index.
    fn record_spawn_edge(&mut self, child: &str, status: &str) {
        let Some(dir) = &self.settings.state_dir else {
            return;
        };
        if self.index.is_none() {
            self.index = recodex_state::ThreadIndex::open(dir).ok();
        }
        if let Some(index) = &self.index {
            let _ = index.set_spawn_edge(&self.thread_id, child, status);
        }
    }
}
