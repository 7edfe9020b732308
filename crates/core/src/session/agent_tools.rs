//! The multi-agent tools (`multi_agent_v1`: `spawn_agent`, `send_input`, `resume_agent`,
//! `wait_agent`, `close_agent`) and the notices a parent gets when a child finishes.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;

use super::Session;
use super::items::FunctionOutput;
use crate::agents::{AgentStatus, notification_text};
use crate::error::CoreError;
use crate::event::{CollabCall, Event};
use crate::settings::SubagentOrigin;

/// The tools, by the names the model calls.
pub(super) const AGENT_TOOLS: [&str; 5] = [
    "spawn_agent",
    "send_input",
    "resume_agent",
    "wait_agent",
    "close_agent",
];

/// `wait_agent` timeouts, in milliseconds: the default and the range others are held to.
const DEFAULT_WAIT_MS: i64 = 30_000;
const MIN_WAIT_MS: i64 = 10_000;
const MAX_WAIT_MS: i64 = 3_600_000;

/// Nicknames given to agents, in the order they are handed out.
const NICKNAMES: [&str; 12] = [
    "Singer", "Harbor", "Juniper", "Quill", "Ember", "Atlas", "Willow", "Cobalt", "Sparrow",
    "Meridian", "Fable", "Tundra",
];

#[derive(Deserialize)]
struct InputItem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct SpawnArgs {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    items: Option<Vec<InputItem>>,
    #[serde(default)]
    agent_type: Option<String>,
}

#[derive(Deserialize)]
struct SendArgs {
    target: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    items: Option<Vec<InputItem>>,
    #[serde(default)]
    interrupt: bool,
}

#[derive(Deserialize)]
struct TargetArgs {
    target: String,
}

#[derive(Deserialize)]
struct ResumeArgs {
    id: String,
}

#[derive(Deserialize)]
struct WaitArgs {
    #[serde(default)]
    targets: Vec<String>,
    #[serde(default)]
    timeout_ms: Option<i64>,
}

fn parse<'a, T: Deserialize<'a>>(arguments: &'a str) -> Result<T, String> {
    serde_json::from_str(arguments).map_err(|e| format!("failed to parse function arguments: {e}"))
}

/// The text of a message given as `message` or as `items` (exactly one of them).
fn message_text(message: Option<String>, items: Option<Vec<InputItem>>) -> Result<String, String> {
    match (message, items) {
        (Some(_), Some(_)) => Err("Provide either message or items, but not both".to_owned()),
        (None, None) => Err("Provide one of: message or items".to_owned()),
        (Some(message), None) if message.trim().is_empty() => {
            Err("Empty message can't be sent to an agent".to_owned())
        }
        (Some(message), None) => Ok(message),
        (None, Some(items)) => {
            let text: Vec<String> = items
                .into_iter()
                .filter(|item| item.kind == "text")
                .filter_map(|item| item.text)
                .collect();
            if text.is_empty() {
                Err("Items can't be empty".to_owned())
            } else {
                Ok(text.join("\n"))
            }
        }
    }
}

impl Session {
    /// Whether `name` is one of the multi-agent tools and this thread offers them.
    pub(super) fn offers_agent_tool(&self, name: &str) -> bool {
        self.settings.multi_agent.is_some() && AGENT_TOOLS.contains(&name)
    }

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

    /// Runs a multi-agent tool call, reporting it to the front end.
    pub(super) async fn run_agent_tool(
        &mut self,
        name: &str,
        call_id: &str,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> FunctionOutput {
        let mut call = CollabCall {
            call_id: call_id.to_owned(),
            tool: match name {
                "wait_agent" => "wait".to_owned(),
                other => other.to_owned(),
            },
            sender_thread_id: self.thread_id.clone(),
            receiver_thread_ids: Vec::new(),
            prompt: None,
            agents_states: Vec::new(),
            failed: false,
        };
        let result = match name {
            "spawn_agent" => self.spawn_agent(arguments, &mut call, events).await,
            "send_input" => self.send_input(arguments, &mut call, events).await,
            "resume_agent" => self.resume_agent(arguments, &mut call, events).await,
            "wait_agent" => self.wait_agent(arguments, &mut call, events).await,
            _ => self.close_agent(arguments, &mut call, events).await,
        };
        match result {
            Ok(text) => {
                let _ = events.send(Event::CollabEnd(call)).await;
                FunctionOutput::Output(text)
            }
            Err(text) => {
                call.failed = true;
                let _ = events.send(Event::CollabEnd(call)).await;
                FunctionOutput::Refused(text)
            }
        }
    }

    async fn spawn_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Result<String, String> {
        let args: SpawnArgs = parse(arguments)?;
        let message = message_text(args.message, args.items)?;
        call.prompt = Some(message.clone());
        let _ = events.send(Event::CollabBegin(call.clone())).await;
        let Some(multi) = self.settings.multi_agent.clone() else {
            return Err("multi-agent tools are not available".to_owned());
        };
        if self.agents.open_count() >= multi.max_threads {
            return Err(format!(
                "collab spawn failed: agent thread limit reached (max {})",
                multi.max_threads
            ));
        }
        let used = self.agents.nicknames();
        let nickname = NICKNAMES
            .iter()
            .find(|name| !used.contains(**name))
            .map_or_else(
                || format!("Agent {}", used.len() + 1),
                |name| (*name).to_owned(),
            );
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
        if depth >= multi.max_depth {
            settings.tools = multi.leaf_tools.clone();
            settings.multi_agent = None;
        }
        let child = Session::start(settings, self.client.clone(), self.installation_id.clone())
            .map_err(|err| format!("collab spawn failed: {err}"))?;
        let child_id = child.thread_id().to_owned();
        self.record_spawn_edge(&child_id, "open");
        self.agents.spawn(child, nickname.clone(), message);
        call.receiver_thread_ids = vec![child_id.clone()];
        call.agents_states = vec![(child_id.clone(), "pending_init".to_owned(), None)];
        Ok(json!({"agent_id": child_id, "nickname": nickname}).to_string())
    }

    async fn send_input(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Result<String, String> {
        let args: SendArgs = parse(arguments)?;
        let message = message_text(args.message, args.items)?;
        call.receiver_thread_ids = vec![args.target.clone()];
        call.prompt = Some(message.clone());
        let _ = events.send(Event::CollabBegin(call.clone())).await;
        let child = self
            .agents
            .get(&args.target)
            .ok_or_else(|| agent_not_found(&args.target))?;
        if child.is_closed() || !child.send(message, args.interrupt) {
            return Err(format!("agent with id {} is closed", args.target));
        }
        call.agents_states = vec![state_of(&args.target, &child.status())];
        Ok(json!({"submission_id": uuid::Uuid::now_v7().to_string()}).to_string())
    }

    async fn resume_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Result<String, String> {
        let args: ResumeArgs = parse(arguments)?;
        call.receiver_thread_ids = vec![args.id.clone()];
        let _ = events.send(Event::CollabBegin(call.clone())).await;
        let child = self
            .agents
            .get(&args.id)
            .ok_or_else(|| agent_not_found(&args.id))?;
        let status = child.status();
        if child.is_closed() {
            return Err(format!(
                "agent with id {} is closed and cannot be resumed by recodex yet",
                args.id
            ));
        }
        call.agents_states = vec![state_of(&args.id, &status)];
        Ok(json!({"status": status.to_json()}).to_string())
    }

    async fn wait_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Result<String, String> {
        let args: WaitArgs = parse(arguments)?;
        call.receiver_thread_ids.clone_from(&args.targets);
        let _ = events.send(Event::CollabBegin(call.clone())).await;
        if args.targets.is_empty() {
            return Err("agent ids must be non-empty".to_owned());
        }
        let timeout_ms = match args.timeout_ms.unwrap_or(DEFAULT_WAIT_MS) {
            ms if ms <= 0 => return Err("timeout_ms must be greater than zero".to_owned()),
            ms => ms.clamp(MIN_WAIT_MS, MAX_WAIT_MS),
        };
        let mut finished: Vec<(String, AgentStatus)> = Vec::new();
        let mut watching = Vec::new();
        for target in &args.targets {
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
            // Others that finished by now are reported too.
            for target in &args.targets {
                if finished.iter().any(|(id, _)| id == target) {
                    continue;
                }
                if let Some(child) = self.agents.get(target)
                    && child.status().is_final()
                {
                    finished.push((target.clone(), child.status()));
                }
            }
        }
        let timed_out = finished.is_empty();
        call.agents_states = finished.iter().map(|(id, s)| state_of(id, s)).collect();
        let status: serde_json::Map<String, serde_json::Value> = finished
            .iter()
            .map(|(id, status)| (id.clone(), status.to_json()))
            .collect();
        Ok(json!({"status": status, "timed_out": timed_out}).to_string())
    }

    async fn close_agent(
        &mut self,
        arguments: &str,
        call: &mut CollabCall,
        events: &mpsc::Sender<Event>,
    ) -> Result<String, String> {
        let args: TargetArgs = parse(arguments)?;
        call.receiver_thread_ids = vec![args.target.clone()];
        let _ = events.send(Event::CollabBegin(call.clone())).await;
        let child = self
            .agents
            .get_mut(&args.target)
            .ok_or_else(|| agent_not_found(&args.target))?;
        let previous = child.status();
        if !child.is_closed() {
            child.close();
        }
        self.record_spawn_edge(&args.target, "closed");
        call.agents_states = vec![state_of(&args.target, &previous)];
        Ok(json!({"previous_status": previous.to_json()}).to_string())
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

fn agent_not_found(id: &str) -> String {
    format!("agent with id {id} not found")
}

fn state_of(id: &str, status: &AgentStatus) -> (String, String, Option<String>) {
    let (name, message) = status.state();
    (id.to_owned(), name.to_owned(), message)
}
