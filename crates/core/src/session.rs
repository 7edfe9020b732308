//! A session (thread) and its turns.

use std::time::Instant;

use chrono::Utc;
use recodex_client::{
    ClientMetadata, ModelClient, Reasoning, ResponseEvent, ResponsesRequest, TextControls,
    TurnContextHeaders,
};
use recodex_protocol::models::ResponseItem;
use recodex_protocol::usage::TokenUsage;
use recodex_state::{RolloutWriter, rollout_path};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::context;
use crate::error::CoreError;
use crate::event::Event;
use crate::record::{self, Recorder};
use crate::settings::SessionSettings;
use crate::tool_runtime::ToolRuntime;
use crate::turn_diff::TurnDiff;
use crate::user_input::UserInput;

mod agent_args;
mod agent_tools;
mod goals;
mod interrupt;
mod items;
mod patch_call;

pub use interrupt::InterruptHandle;

/// Messages for a thread's running turn, taken in before its next request (a parent's
/// `send_input` to a busy sub-agent).
pub(crate) type SteerQueue = std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<String>>>;

/// Sends messages to a session's running turn (`turn/steer`): each joins the conversation
/// before the turn's next request, announced by [`Event::SteerTaken`].
#[derive(Debug, Clone)]
pub struct SteerHandle(SteerQueue);

impl SteerHandle {
    /// Queues a message for the running turn.
    pub fn push(&self, message: String) {
        self.0.borrow_mut().push_back(message);
    }
}

/// How a turn ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnOutcome {
    /// The last agent message, if any.
    pub last_agent_message: Option<String>,
}

/// One thread: its settings, history, token totals and rollout.
#[derive(Debug)]
pub struct Session {
    settings: SessionSettings,
    client: ModelClient,
    thread_id: String,
    installation_id: String,
    history: Vec<ResponseItem>,
    total_usage: TokenUsage,
    recorder: Recorder,
    started_context: bool,
    tools: ToolRuntime,
    /// What runs each tool the session declares (rebuilt when the model changes).
    registry: crate::registry::ToolRegistry,
    created_at_ms: i64,
    /// `session_meta.git` of a new thread (the index's git columns).
    git: Option<serde_json::Value>,
    first_user_message: Option<String>,
    /// The thread index, opened at the first turn's end.
    index: Option<recodex_state::ThreadIndex>,
    /// The running turn's id (empty between turns).
    turn_id: String,
    /// What the running turn's patches changed.
    turn_diff: TurnDiff,
    /// The running turn's git workspace metadata (`None` outside a repository).
    turn_workspaces: Option<serde_json::Value>,
    /// Set by an [`InterruptHandle`]; cleared when a turn starts.
    interrupt: tokio::sync::watch::Sender<bool>,
    /// Where the active goal's use was last counted (none without an active goal).
    goal_mark: Option<goals::GoalMark>,
    /// The sub-agents this thread spawned.
    agents: crate::agents::Agents,
    /// Messages for the running turn.
    steer: SteerQueue,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.agents.abort_all();
        self.tools.shutdown();
    }
}

impl Session {
    /// Starts a new thread: allocates its id (UUIDv7) and opens its rollout.
    pub fn start(
        settings: SessionSettings,
        client: ModelClient,
        installation_id: String,
    ) -> Result<Self, CoreError> {
        settings.check_paths()?;
        let thread_id = Uuid::now_v7().to_string();
        let now = Utc::now();
        // A rollout that cannot be created does not stop the session (the reference
        // goes on too); the first turn reports it.
        let mut recorder = if settings.ephemeral {
            Recorder::new(None)
        } else {
            let local = now.with_timezone(&chrono::Local);
            let path = rollout_path(
                &settings.codex_home,
                &local,
                Uuid::parse_str(&thread_id).unwrap_or_default(),
            );
            match RolloutWriter::create(&path) {
                Ok(writer) => Recorder::new(Some(writer)),
                Err(err) => Recorder::failed(&err),
            }
        };
        let git = crate::git::session_git_info(&settings.cwd);
        recorder.session_meta(&settings, &thread_id, now, git.clone())?;
        let tools = ToolRuntime::new(&settings, &thread_id);
        let interrupt = tokio::sync::watch::channel(false).0;
        tools.set_interrupt(crate::InterruptHandle::new(interrupt.clone()));
        Ok(Self {
            git,
            created_at_ms: now.timestamp_millis(),
            first_user_message: None,
            index: None,
            turn_id: String::new(),
            turn_diff: TurnDiff::default(),
            turn_workspaces: None,
            interrupt,
            goal_mark: None,
            agents: crate::agents::Agents::default(),
            steer: SteerQueue::default(),
            registry: crate::registry::ToolRegistry::new(
                &settings.tools,
                settings.multi_agent.is_some(),
            ),
            tools,
            settings,
            client,
            thread_id,
            installation_id,
            history: Vec::new(),
            total_usage: TokenUsage::default(),
            recorder,
            started_context: false,
        })
    }

    /// Continues the thread recorded in `rollout`: its id, history (every recorded
    /// response item, in order) and token totals come from the file, and new lines are
    /// appended to it. Damaged lines are skipped.
    pub fn resume(
        settings: SessionSettings,
        client: ModelClient,
        installation_id: String,
        rollout: &std::path::Path,
    ) -> Result<Self, CoreError> {
        settings.check_paths()?;
        let contents = recodex_state::read_rollout(rollout)?;
        if contents.invalid_utf8 {
            return Err(CoreError::UnreadableRollout {
                path: rollout.to_path_buf(),
                problem: crate::error::RolloutProblem::NotUtf8,
            });
        }
        let mut thread_id = None;
        let mut history = Vec::new();
        let mut total_usage = TokenUsage::default();
        for line in contents.lines {
            match line.item {
                recodex_state::RolloutItem::SessionMeta(meta) if thread_id.is_none() => {
                    thread_id = meta["id"].as_str().map(str::to_owned);
                }
                recodex_state::RolloutItem::ResponseItem(item) => history.push(item),
                recodex_state::RolloutItem::EventMsg(event) if event["type"] == "token_count" => {
                    if let Ok(total) = serde_json::from_value::<TokenUsage>(
                        event["info"]["total_token_usage"].clone(),
                    ) {
                        total_usage = total;
                    }
                }
                _ => {}
            }
        }
        let thread_id = thread_id.ok_or_else(|| CoreError::UnreadableRollout {
            path: rollout.to_path_buf(),
            problem: crate::error::RolloutProblem::NoSessionMeta(rollout.to_path_buf()),
        })?;
        let recorder = if settings.ephemeral {
            Recorder::new(None)
        } else {
            match RolloutWriter::open_existing(rollout) {
                Ok(writer) => Recorder::new(Some(writer)),
                Err(err) => Recorder::failed(&err),
            }
        };
        let tools = ToolRuntime::new(&settings, &thread_id);
        let interrupt = tokio::sync::watch::channel(false).0;
        tools.set_interrupt(crate::InterruptHandle::new(interrupt.clone()));
        let goal_mark = goals::resumed_mark(&settings, &thread_id, total_usage.total_tokens);
        Ok(Self {
            git: None,
            created_at_ms: Utc::now().timestamp_millis(),
            first_user_message: None,
            index: None,
            turn_id: String::new(),
            turn_diff: TurnDiff::default(),
            turn_workspaces: None,
            interrupt,
            goal_mark,
            agents: crate::agents::Agents::default(),
            steer: SteerQueue::default(),
            registry: crate::registry::ToolRegistry::new(
                &settings.tools,
                settings.multi_agent.is_some(),
            ),
            tools,
            settings,
            client,
            thread_id,
            installation_id,
            started_context: !history.is_empty(),
            history,
            total_usage,
            recorder,
        })
    }

    /// The thread id.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }

    /// Starts the thread from `items` (a fork of another thread's conversation): they are
    /// recorded and become its history, opening context included.
    pub(crate) fn seed_history(
        &mut self,
        items: Vec<recodex_protocol::models::ResponseItem>,
    ) -> Result<(), CoreError> {
        for item in items {
            self.recorder.response_item(&item)?;
            self.history.push(item);
        }
        self.started_context = true;
        Ok(())
    }

    /// The queue of messages for this thread's running turn.
    pub(crate) fn steer_handle(&self) -> SteerQueue {
        std::rc::Rc::clone(&self.steer)
    }

    /// How a front end sends messages to this session's running turn.
    pub fn steer_sender(&self) -> SteerHandle {
        SteerHandle(self.steer_handle())
    }

    /// Takes in the messages sent to the running turn: each is recorded as user input,
    /// announced, and joins the history before the next request.
    async fn take_steered_input(&mut self, events: &mpsc::Sender<Event>) -> Result<(), CoreError> {
        let messages: Vec<String> = self.steer.borrow_mut().drain(..).collect();
        for message in messages {
            let user = crate::context::user_message(&message);
            self.recorder.response_item(&user)?;
            self.recorder.event(record::user_message(&message, &[]))?;
            self.history.push(user);
            let _ = events.send(Event::SteerTaken { message }).await;
        }
        Ok(())
    }

    /// Where the rollout is written (none when ephemeral).
    pub fn rollout_path(&self) -> Option<std::path::PathBuf> {
        self.recorder.path()
    }

    /// The settings the session runs with.
    pub fn settings(&self) -> &SessionSettings {
        &self.settings
    }

    /// Runs the next turns with another model: its facts, and the tools offered for it.
    pub fn set_model(&mut self, model: ModelTools) {
        self.settings.model = model.model;
        self.registry =
            crate::registry::ToolRegistry::new(&model.tools, self.settings.multi_agent.is_some());
        self.settings.tools = model.tools;
        self.settings.parallel_tool_calls = model.parallel_tool_calls;
        self.settings.deferred_tools = model.deferred_tools;
    }

    /// Runs the next turns with this reasoning effort (`None`: the model's default).
    pub fn set_reasoning_effort(&mut self, effort: Option<recodex_protocol::ReasoningEffort>) {
        self.settings.reasoning_effort = effort;
    }

    /// Sets the reasoning summary for the next turns (`turn/start`'s `summary`).
    pub fn set_reasoning_summary(&mut self, summary: Option<recodex_protocol::ReasoningSummary>) {
        self.settings.reasoning_summary = summary;
    }

    /// Sets the JSON schema the final answer must follow (`turn/start`'s `outputSchema`);
    /// `None` lifts it.
    pub fn set_output_schema(&mut self, schema: Option<serde_json::Value>) {
        self.settings.output_schema = schema;
    }

    /// `session_meta.git` of a new thread (none for a resumed one, or outside a repository).
    pub fn git_info(&self) -> Option<&serde_json::Value> {
        self.git.as_ref()
    }

    /// Ends the sub-agents this thread spawned: their running turns are interrupted and
    /// recorded as aborted. A front end calls it when the session is over.
    pub async fn end_agents(&mut self) {
        let local = std::mem::take(&mut self.agents.local);
        local.run_until(self.agents.shutdown()).await;
        self.agents.local = local;
    }

    /// The event announcing this session.
    pub fn configured_event(&self) -> Event {
        Event::SessionConfigured {
            thread_id: self.thread_id.clone(),
            rollout_path: self.recorder.path(),
        }
    }

    /// Tells the front end, once, that the rollout could not be written.
    async fn report_record_failure(&mut self, events: &mpsc::Sender<Event>) {
        if let Some(error) = self.recorder.take_failure() {
            let message = format!("failed to record rollout items: {error}");
            let _ = events.send(Event::Warning { message }).await;
        }
    }

    /// Runs one turn for `prompt`, sending events as they happen.
    pub async fn run_turn(
        &mut self,
        prompt: &str,
        events: &mpsc::Sender<Event>,
    ) -> Result<TurnOutcome, CoreError> {
        self.run_turn_with(&UserInput::text(prompt), events).await
    }

    /// Runs one turn for `input` (a prompt and local images).
    pub async fn run_turn_with(
        &mut self,
        input: &UserInput,
        events: &mpsc::Sender<Event>,
    ) -> Result<TurnOutcome, CoreError> {
        input.check_size()?;
        // Sub-agents run on this thread's local task set, which makes progress while a
        // turn of this thread runs.
        let local = std::mem::take(&mut self.agents.local);
        let outcome = local.run_until(self.turn(input, events)).await;
        self.agents.local = local;
        outcome
    }

    async fn turn(
        &mut self,
        input: &UserInput,
        events: &mpsc::Sender<Event>,
    ) -> Result<TurnOutcome, CoreError> {
        let prompt = input.text.as_str();
        let turn_id = Uuid::now_v7().to_string();
        let started = Instant::now();
        let now = Utc::now();
        let date = now
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string();
        let context_window = self.context_window();
        self.turn_id.clone_from(&turn_id);
        self.tools.set_turn(&turn_id);
        self.turn_diff = TurnDiff::new(self.settings.cwd.clone());
        self.turn_workspaces = crate::git::workspaces(&self.settings.cwd);
        self.interrupt.send_replace(false);
        let _ = events
            .send(Event::TurnStarted {
                turn_id: turn_id.clone(),
            })
            .await;
        self.recorder.event(record::task_started(
            &turn_id,
            now.timestamp(),
            context_window,
        ))?;
        if !self.started_context {
            for item in context::initial_items(&self.settings, date.clone()) {
                self.recorder.response_item(&item)?;
                self.history.push(item);
            }
            self.started_context = true;
        }
        self.recorder
            .turn_context(&self.settings, &turn_id, &date)?;
        let user = crate::user_input::user_message(input, &self.settings.cwd);
        self.recorder.response_item(&user)?;
        self.recorder
            .event(record::user_message(prompt, &input.images))?;
        if self.first_user_message.is_none() {
            self.first_user_message = Some(prompt.to_owned());
        }
        self.history.push(user);
        // Indexed as soon as the turn is recorded, as the reference does, so a thread whose
        // process is killed mid-turn is still listed.
        self.index_thread(events).await;

        let mut last_agent_message = None;
        let mut first_token_ms = None;
        let mut retries_done = 0u64;
        // No cap on the rounds: the turn goes on until the model stops calling tools (or the
        // user interrupts it), as the reference's does; a cap ended turns silently.
        loop {
            let round = match self
                .sample(
                    &turn_id,
                    now.timestamp_millis(),
                    events,
                    started,
                    &mut first_token_ms,
                )
                .await
            {
                Ok(round) => round,
                Err(CoreError::Interrupted) => {
                    return Err(self.abort_turn(&turn_id, started, events).await);
                }
                Err(err) => {
                    if let Some(retry) = self.stream_retry(&err, retries_done) {
                        // Re-send the sampling request, as the reference does, after
                        // telling the front end.
                        retries_done += 1;
                        let _ = events.send(Event::StreamError { message: retry.0 }).await;
                        self.client.retry_policy().sleep(retry.1).await;
                        continue;
                    }
                    // A conversation that no longer fits is reported as a full context
                    // window, as the reference reports it before the error.
                    if err.class() == crate::ErrorClass::ContextWindowExceeded
                        && let Some(window) = self.context_window()
                    {
                        let full = TokenUsage {
                            total_tokens: window,
                            ..TokenUsage::default()
                        };
                        let _ = events
                            .send(Event::TokenCount {
                                last: full,
                                total: full,
                            })
                            .await;
                    }
                    // The turn still ends in the rollout, as the reference records it.
                    let duration_ms =
                        i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                    self.recorder.event(record::task_complete(
                        &turn_id,
                        None,
                        Utc::now().timestamp(),
                        duration_ms,
                        first_token_ms,
                    ))?;
                    self.index_thread(events).await;
                    return Err(err);
                }
            };
            if round.interrupted {
                return Err(self.abort_turn(&turn_id, started, events).await);
            }
            if round.agent_message.is_some() {
                last_agent_message = round.agent_message;
            }
            if !round.needs_follow_up {
                // A sub-agent that finished meanwhile, or a message sent to this turn, is
                // taken in by one more request.
                if self.agent_notices_waiting() || !self.steer.borrow().is_empty() {
                    continue;
                }
                break;
            }
        }
        self.account_goal(events).await?;
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.recorder.event(record::task_complete(
            &turn_id,
            last_agent_message.as_deref(),
            Utc::now().timestamp(),
            duration_ms,
            first_token_ms,
        ))?;
        self.index_thread(events).await;
        self.report_record_failure(events).await;
        let _ = events
            .send(Event::TurnComplete {
                last_agent_message: last_agent_message.clone(),
                time_to_first_token_ms: first_token_ms,
            })
            .await;
        Ok(TurnOutcome { last_agent_message })
    }

    /// The `Reconnecting... n/m (error)` notice and delay when `err` may be retried.
    fn stream_retry(
        &self,
        err: &CoreError,
        retries_done: u64,
    ) -> Option<(String, std::time::Duration)> {
        let policy = self.client.retry_policy();
        match err {
            CoreError::Client(client_err) => policy
                .stream_retry(client_err, retries_done)
                .map(|r| (r.notice, r.delay)),
            CoreError::Incomplete if retries_done < policy.stream_max_retries => {
                let attempt = retries_done + 1;
                Some((
                    format!(
                        "Reconnecting... {attempt}/{} ({err})",
                        policy.stream_max_retries
                    ),
                    recodex_client::backoff(attempt, 1.0),
                ))
            }
            _ => None,
        }
    }

    /// The model's usable context window, in tokens.
    pub fn context_window(&self) -> Option<i64> {
        let model = &self.settings.model;
        model
            .context_window
            .map(|w| w * model.effective_context_window_percent / 100)
    }

    fn request(&self) -> ResponsesRequest {
        let model = &self.settings.model;
        let mut request =
            ResponsesRequest::new(model.slug.clone(), model.base_instructions.clone());
        request.input = self.history.clone();
        request.tools = self.settings.tools.clone();
        request.parallel_tool_calls = self.settings.parallel_tool_calls;
        if !model.supported_reasoning_levels.is_empty() {
            let summary = self
                .settings
                .reasoning_summary
                .or(Some(model.default_reasoning_summary))
                .filter(|s| {
                    model.supports_reasoning_summaries
                        && *s != recodex_protocol::ReasoningSummary::None
                });
            let effort = self
                .settings
                .reasoning_effort
                .or(model.default_reasoning_level);
            request.reasoning = Some(Reasoning { effort, summary });
            request.include = vec!["reasoning.encrypted_content".to_owned()];
        }
        request.service_tier = self
            .settings
            .service_tier
            .clone()
            .filter(|tier| tier != recodex_protocol::ServiceTier::DEFAULT_REQUEST_VALUE);
        let verbosity = model.default_verbosity.filter(|_| model.support_verbosity);
        let format = self
            .settings
            .output_schema
            .clone()
            .map(recodex_client::TextFormat::output_schema);
        if verbosity.is_some() || format.is_some() {
            request.text = Some(TextControls { verbosity, format });
        }
        request.prompt_cache_key = self.thread_id.clone();
        request.client_metadata = ClientMetadata {
            installation_id: self.installation_id.clone(),
        };
        request
    }

    fn headers(&self, turn_id: &str, turn_started_ms: i64) -> TurnContextHeaders {
        let mut headers = TurnContextHeaders::for_thread(
            self.settings.originator.clone(),
            self.settings.user_agent.clone(),
            &self.thread_id,
        );
        let mut metadata = match &self.settings.subagent {
            None => {
                let mut metadata = serde_json::json!({
                    "session_id": self.thread_id,
                    "thread_id": self.thread_id,
                    "thread_source": self.settings.thread_source,
                    "turn_id": turn_id,
                });
                if let (None, serde_json::Value::Object(map)) =
                    (self.settings.thread_source, &mut metadata)
                {
                    map.remove("thread_source");
                }
                metadata
            }
            Some(origin) => {
                headers.session_id.clone_from(&origin.session_id);
                headers.subagent =
                    Some(("collab_spawn".to_owned(), origin.parent_thread_id.clone()));
                serde_json::json!({
                    "session_id": origin.session_id,
                    "thread_id": self.thread_id,
                    "forked_from_thread_id": origin.parent_thread_id,
                    "parent_thread_id": origin.parent_thread_id,
                    "subagent_kind": "thread_spawn",
                    "thread_source": "subagent",
                    "turn_id": turn_id,
                })
            }
        };
        if let (Some(workspaces), serde_json::Value::Object(map)) =
            (&self.turn_workspaces, &mut metadata)
        {
            map.insert("workspaces".to_owned(), workspaces.clone());
        }
        let rest = serde_json::json!({
            "sandbox": match self.settings.sandbox_policy {
                recodex_protocol::permissions::SandboxPolicy::DangerFullAccess
                | recodex_protocol::permissions::SandboxPolicy::ExternalSandbox { .. } => "none",
                _ => "seccomp",
            },
            "turn_started_at_unix_ms": turn_started_ms,
            "request_kind": "turn",
            "window_id": format!("{}:0", self.thread_id),
        });
        if let (serde_json::Value::Object(map), serde_json::Value::Object(rest)) =
            (&mut metadata, rest)
        {
            map.extend(rest);
        }
        headers.turn_metadata = Some(metadata.to_string());
        headers
    }

    /// One request and its streamed answer.
    async fn sample(
        &mut self,
        turn_id: &str,
        turn_started_ms: i64,
        events: &mpsc::Sender<Event>,
        started: Instant,
        first_token_ms: &mut Option<i64>,
    ) -> Result<Round, CoreError> {
        self.deliver_agent_notices()?;
        self.take_steered_input(events).await?;
        let request = self.request();
        let headers = self.headers(turn_id, turn_started_ms);
        let mut cancel = self.interrupt.subscribe();
        let mut stream = tokio::select! {
            stream = self.client.stream(&request, &headers) => stream?,
            () = interrupt::interrupted(&mut cancel) => return Err(CoreError::Interrupted),
        };
        let mut round = Round::default();
        let mut completed = false;
        // The assistant message being streamed, for its text deltas.
        let mut streaming: Option<String> = None;
        // The reasoning item being streamed, for its summary and text deltas.
        let mut reasoning: Option<String> = None;
        loop {
            // The stream first: a response that already completed is still recorded.
            let next = tokio::select! {
                biased;
                next = stream.next() => next,
                () = interrupt::interrupted(&mut cancel) => return Err(CoreError::Interrupted),
            };
            let Some(event) = next else {
                break;
            };
            let event = match event {
                Ok(event) => event,
                Err(err) => {
                    self.recorder.event(record::token_count_without_usage())?;
                    return Err(err.into());
                }
            };
            if first_token_ms.is_none()
                && matches!(
                    event,
                    ResponseEvent::OutputTextDelta(_) | ResponseEvent::OutputItemAdded(_)
                )
            {
                *first_token_ms = i64::try_from(started.elapsed().as_millis()).ok();
            }
            match event {
                ResponseEvent::OutputItemAdded(ResponseItem::Message {
                    id: Some(item_id),
                    role,
                    ..
                }) if role == "assistant" => {
                    streaming = Some(item_id.clone());
                    let _ = events.send(Event::AgentMessageStarted { item_id }).await;
                }
                ResponseEvent::OutputItemAdded(ResponseItem::Reasoning { id, .. }) => {
                    reasoning = Some(id.clone());
                    let _ = events.send(Event::ReasoningStarted { item_id: id }).await;
                }
                ResponseEvent::ReasoningSummaryPartAdded { summary_index } => {
                    if let Some(item_id) = reasoning.clone() {
                        let _ = events
                            .send(Event::ReasoningSummaryPartAdded {
                                item_id,
                                summary_index,
                            })
                            .await;
                    }
                }
                ResponseEvent::ReasoningSummaryDelta {
                    delta,
                    summary_index,
                } => {
                    if let Some(item_id) = reasoning.clone() {
                        let _ = events
                            .send(Event::ReasoningSummaryDelta {
                                item_id,
                                delta,
                                summary_index,
                            })
                            .await;
                    }
                }
                ResponseEvent::ReasoningContentDelta {
                    delta,
                    content_index,
                } => {
                    if let Some(item_id) = reasoning.clone() {
                        let _ = events
                            .send(Event::ReasoningContentDelta {
                                item_id,
                                delta,
                                content_index,
                            })
                            .await;
                    }
                }
                ResponseEvent::OutputTextDelta(delta) => {
                    if let Some(item_id) = &streaming {
                        let item_id = item_id.clone();
                        let _ = events
                            .send(Event::AgentMessageDelta { item_id, delta })
                            .await;
                    }
                }
                ResponseEvent::OutputItemAdded(ResponseItem::WebSearchCall {
                    id: Some(call_id),
                    action,
                    ..
                }) => {
                    let (query, action) = items::web_search_detail(action.as_ref());
                    let _ = events
                        .send(Event::WebSearchBegin {
                            call_id,
                            query,
                            action,
                        })
                        .await;
                }
                ResponseEvent::OutputItemDone(item) => {
                    match &item {
                        ResponseItem::Message { .. } => streaming = None,
                        ResponseItem::Reasoning { .. } => reasoning = None,
                        _ => {}
                    }
                    self.on_item(item, events, &mut round).await?
                }
                ResponseEvent::Completed { token_usage, .. } => {
                    // The response's usage counts before its calls run (a goal created by
                    // one starts counting after it), and is recorded after their outputs.
                    let last = token_usage.unwrap_or_default();
                    self.total_usage.add_assign(&last);
                    self.run_calls(events, &mut round).await?;
                    self.recorder.event(record::token_count(
                        &self.total_usage,
                        &last,
                        self.context_window(),
                    ))?;
                    let _ = events
                        .send(Event::TokenCount {
                            last,
                            total: self.total_usage,
                        })
                        .await;
                    self.send_turn_diff(events).await;
                    completed = true;
                    break;
                }
                _ => {}
            }
        }
        if !completed {
            return Err(CoreError::Incomplete);
        }
        Ok(round)
    }
}

/// A model and the tools a session offers it (see [`Session::set_model`]).
#[derive(Debug, Clone)]
pub struct ModelTools {
    /// The model's facts.
    pub model: recodex_client::models::ModelInfo,
    /// The request `tools` array for it.
    pub tools: Vec<serde_json::Value>,
    /// Whether it may call several tools at once.
    pub parallel_tool_calls: bool,
    /// Tools found through `tool_search` only.
    pub deferred_tools: Vec<serde_json::Value>,
}

/// What one sampling round produced.
#[derive(Debug, Default)]
struct Round {
    agent_message: Option<String>,
    needs_follow_up: bool,
    /// A tool call was cut short by an interrupt.
    interrupted: bool,
    /// The response's tool calls, run once it is complete.
    calls: Vec<ResponseItem>,
}
