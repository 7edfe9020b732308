//! Threads running in this server: `thread/start`, `turn/start`, `turn/steer` and
//! `turn/interrupt`.
//! A turn runs as a local task beside the request loop and reports through the outbox;
//! its `turn/start` answer goes out once the engine has named the turn.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use chrono::Utc;
use recodex_app_protocol::generated::root::ServerNotification;
use recodex_app_protocol::generated::v2::{
    ActivePermissionProfile, ApprovalsReviewer, SessionSource, Thread, ThreadActiveFlag,
    ThreadSource, ThreadStartedNotification, ThreadStatus, ThreadStatusChangedNotification,
    TurnInterruptResponse, TurnStartResponse, TurnSteerParams, TurnSteerResponse, UserInput,
    WarningNotification,
};
use recodex_app_protocol::jsonrpc::{INTERNAL_ERROR, INVALID_PARAMS, RequestId};
use recodex_core::{Event, InterruptHandle, Session, SteerHandle};
use recodex_protocol::AskForApproval;
use recodex_session::{OpenRequest, ServiceTierRequest};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::approvals::next_question;
use crate::dispatch::{Processor, Reply, RpcError};
use crate::opened::{Opened, approval_policy_v2, sandbox_policy_v2};
use crate::outbox::Outbox;
use crate::turn_events::TurnReporter;
use crate::wire::{error_line, response_line};

/// A thread loaded here.
#[derive(Default)]
pub(crate) struct LiveThread {
    /// The engine session; `None` while a turn has it, or until a resumed thread's first
    /// turn opens it.
    session: Option<Session>,
    /// The rollout a resumed or forked thread continues.
    rollout: Option<PathBuf>,
    cwd: PathBuf,
    /// The running turn, and how to stop or steer it.
    running: Option<Running>,
    /// What clients sent to running turns (`turn/steer`) and the engine has not taken in
    /// yet, oldest first: each is announced as a user message when it is.
    steered: SteeredQueue,
    /// The session's approval questions, read by its running turn.
    questions: Option<Questions>,
    /// The last turn failed: the thread shows `systemError` until its next turn.
    system_error: bool,
    /// An ephemeral thread as it started: nothing is stored to read it back from.
    ephemeral: Option<Thread>,
}

/// A thread's running turn.
struct Running {
    /// Empty until the engine names the turn.
    turn_id: String,
    interrupt: InterruptHandle,
    steer: SteerHandle,
}

/// Messages sent to a thread's running turns, not taken in yet.
type SteeredQueue = Rc<RefCell<std::collections::VecDeque<Steered>>>;

/// A message sent to a running turn, as the client sent it.
struct Steered {
    content: Vec<UserInput>,
    client_id: Option<String>,
}

/// The status a loaded thread lists with: `systemError` after a failed turn, else idle;
/// `None` for a thread not loaded here.
pub(crate) fn loaded_status(server: &Processor, id: &str) -> Option<ThreadStatus> {
    if !server.loaded.contains(id) {
        return None;
    }
    let failed = server.live.borrow().get(id).is_some_and(|t| t.system_error);
    Some(if failed {
        ThreadStatus::SystemError
    } else {
        ThreadStatus::Idle
    })
}

/// A loaded ephemeral thread, with its current status.
pub(crate) fn ephemeral_thread(server: &Processor, id: &str) -> Option<Thread> {
    let live = server.live.borrow();
    let thread = live.get(id)?;
    let mut snapshot = thread.ephemeral.clone()?;
    snapshot.status = if thread.running.is_some() {
        ThreadStatus::Active {
            active_flags: Vec::new(),
        }
    } else if thread.system_error {
        ThreadStatus::SystemError
    } else {
        ThreadStatus::Idle
    };
    Some(snapshot)
}

/// The threads loaded in this server, shared with their running turns.
pub(crate) type LiveThreads = Rc<RefCell<HashMap<String, LiveThread>>>;

/// Registers a stored thread (resumed or forked) whose session opens at its first turn.
pub(crate) fn register_stored(server: &Processor, id: &str, rollout: PathBuf, cwd: &str) {
    server
        .live
        .borrow_mut()
        .entry(id.to_owned())
        .or_insert_with(|| LiveThread {
            rollout: Some(rollout),
            cwd: PathBuf::from(cwd),
            ..LiveThread::default()
        });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThreadStartParams {
    cwd: Option<String>,
    model: Option<String>,
    #[serde(default)]
    ephemeral: Option<bool>,
    #[serde(default)]
    approval_policy: Option<Value>,
    /// `read-only`, `workspace-write` or `danger-full-access`.
    #[serde(default)]
    sandbox: Option<String>,
    /// Who the client says started the thread; echoed in the thread and recorded.
    #[serde(default)]
    thread_source: Option<recodex_protocol::ThreadSource>,
    /// Absent: the configured tier; `null`: the default tier; else that tier.
    #[serde(default, deserialize_with = "present")]
    service_tier: Option<Option<String>>,
    #[serde(default)]
    approvals_reviewer: Option<ApprovalsReviewer>,
}

/// A field that may be absent (`None`) or `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `thread/start`: a new session; answered with the thread and its settings, then
/// announced with `thread/started`.
pub(crate) fn start(server: &mut Processor, params: ThreadStartParams) -> Result<Reply, RpcError> {
    let factory = server.factory.clone().ok_or_else(not_served)?;
    let cwd = params
        .cwd
        .map(PathBuf::from)
        .unwrap_or_else(|| server.context.cwd.clone());
    let ephemeral = params.ephemeral.unwrap_or(false);
    // `never` asks nothing; `untrusted` asks before any command not known to be safe;
    // `on-failure` asks to retry outside the sandbox what the sandbox stopped; anything
    // else asks as `on-request` does.
    let policy = params
        .approval_policy
        .as_ref()
        .and_then(Value::as_str)
        .map(|p| match p {
            "never" => AskForApproval::Never,
            "untrusted" => AskForApproval::UnlessTrusted,
            "on-failure" => AskForApproval::OnFailure,
            _ => AskForApproval::OnRequest,
        });
    let (approvals, questions) = crate::approvals::channel();
    let asks = policy != Some(AskForApproval::Never);
    let sandbox = match params.sandbox.as_deref() {
        None => None,
        Some("read-only") => Some(recodex_protocol::SandboxMode::ReadOnly),
        Some("workspace-write") => Some(recodex_protocol::SandboxMode::WorkspaceWrite),
        Some("danger-full-access") => Some(recodex_protocol::SandboxMode::DangerFullAccess),
        Some(other) => {
            return Err(RpcError::invalid(format!(
                "Invalid request: unknown variant `{other}`, expected one of `read-only`, `workspace-write`, `danger-full-access`"
            )));
        }
    };
    let session = factory
        .open(&OpenRequest {
            cwd: cwd.clone(),
            model: params.model,
            originator: server.client_name.clone(),
            client: Some((server.client_name.clone(), server.client_version.clone())),
            ephemeral,
            resume: None,
            source: "vscode",
            thread_source: params.thread_source,
            sandbox,
            approvals: asks.then_some(approvals),
            approval_policy: policy,
            service_tier: match params.service_tier {
                None => ServiceTierRequest::Configured,
                Some(None) => ServiceTierRequest::Default,
                Some(Some(tier)) => ServiceTierRequest::Named(tier),
            },
        })
        .map_err(|err| RpcError {
            code: INTERNAL_ERROR,
            message: err.to_string(),
            data: None,
        })?;
    let now = Utc::now().timestamp();
    let settings = session.settings();
    let thread = Thread {
        id: session.thread_id().to_owned(),
        session_id: session.thread_id().to_owned(),
        forked_from_id: None,
        preview: String::new(),
        ephemeral,
        model_provider: settings.provider_id.clone(),
        created_at: now,
        updated_at: now,
        status: ThreadStatus::Idle,
        path: session.rollout_path().map(|p| p.display().to_string()),
        cwd: cwd.display().to_string(),
        cli_version: recodex_state::CLI_VERSION.to_owned(),
        source: SessionSource::Vscode,
        thread_source: params.thread_source.map(thread_source_v2),
        agent_nickname: None,
        agent_role: None,
        // As in the reference, a thread has no git facts before its first turn is
        // recorded.
        git_info: None,
        name: None,
        turns: Vec::new(),
    };
    // What the thread runs with, as the engine resolved it: the client's sandbox, or the
    // configured one, or the one the project's trust gives.
    let mut opened = Opened::new(
        server,
        &settings.model.slug,
        &settings.provider_id,
        cwd.display().to_string(),
        thread.clone(),
    )?;
    opened.approval_policy = approval_policy_v2(settings.approval_policy);
    opened.service_tier.clone_from(&settings.service_tier);
    if let Some(reviewer) = params.approvals_reviewer {
        opened.approvals_reviewer = crate::opened::reported_reviewer(reviewer);
    }
    opened.sandbox = sandbox_policy_v2(&settings.sandbox_policy);
    opened.active_permission_profile =
        settings
            .active_profile
            .as_ref()
            .map(|id| ActivePermissionProfile {
                id: id.clone(),
                extends: None,
            });
    let id = thread.id.clone();
    server.loaded.insert(id.clone());
    server.live.borrow_mut().insert(
        id,
        LiveThread {
            session: Some(session),
            cwd: cwd.clone(),
            questions: Some(questions),
            ephemeral: ephemeral.then(|| thread.clone()),
            ..LiveThread::default()
        },
    );
    Ok(
        Reply::result(opened.start()).then(ServerNotification::ThreadStarted(
            ThreadStartedNotification { thread },
        )),
    )
}

/// A thread source as the v2 protocol spells it.
fn thread_source_v2(source: recodex_protocol::ThreadSource) -> ThreadSource {
    match source {
        recodex_protocol::ThreadSource::User => ThreadSource::User,
        recodex_protocol::ThreadSource::Subagent => ThreadSource::Subagent,
        recodex_protocol::ThreadSource::MemoryConsolidation => ThreadSource::MemoryConsolidation,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TurnStartParams {
    thread_id: String,
    input: Vec<UserInput>,
    /// The model for this turn and the next ones.
    #[serde(default)]
    model: Option<String>,
    /// The reasoning effort for this turn and the next ones.
    #[serde(default)]
    effort: Option<recodex_protocol::ReasoningEffort>,
    /// The reasoning summary for this turn and the next ones.
    #[serde(default)]
    summary: Option<recodex_protocol::ReasoningSummary>,
    /// The JSON schema this turn's final answer must follow (this turn only).
    #[serde(default)]
    output_schema: Option<serde_json::Value>,
}

/// `turn/start`: runs a turn in the background. The answer (with the turn's id) and
/// every notification come from the turn's task.
pub(crate) fn turn_start(
    server: &mut Processor,
    id: RequestId,
    params: TurnStartParams,
) -> Result<(), RpcError> {
    let factory = server.factory.clone().ok_or_else(not_served)?;
    let outbox = server.outbox.clone().ok_or_else(not_served)?;
    let thread_id = crate::threads::thread_id(&params.thread_id, "thread")?;
    check_input_size(&params.input)?;
    let mut live = server.live.borrow_mut();
    let Some(thread) = live.get_mut(&thread_id) else {
        return Err(RpcError::invalid(format!("thread not found: {thread_id}")));
    };
    if thread.running.is_some() {
        return Err(RpcError::invalid(format!(
            "thread {thread_id} already has a turn in progress"
        )));
    }
    let session = match thread.session.take() {
        Some(session) => session,
        None => {
            let (approvals, questions) = crate::approvals::channel();
            let session = factory
                .open(&OpenRequest {
                    cwd: thread.cwd.clone(),
                    model: None,
                    originator: server.client_name.clone(),
                    client: Some((server.client_name.clone(), server.client_version.clone())),
                    ephemeral: false,
                    resume: thread.rollout.clone(),
                    source: "vscode",
                    thread_source: None,
                    sandbox: None,
                    approvals: Some(approvals),
                    approval_policy: None,
                    service_tier: ServiceTierRequest::Configured,
                })
                .map_err(|err| RpcError {
                    code: INTERNAL_ERROR,
                    message: err.to_string(),
                    data: None,
                })?;
            thread.questions = Some(questions);
            session
        }
    };
    let mut session = session;
    // Overrides hold for this turn and the next ones, as in the reference.
    if let Some(slug) = params.model.as_deref()
        && slug != session.settings().model.slug
    {
        let tools = factory.model_tools(&session, slug);
        session.set_model(tools);
    }
    if let Some(effort) = params.effort {
        session.set_reasoning_effort(Some(effort));
    }
    if let Some(summary) = params.summary {
        session.set_reasoning_summary(Some(summary));
    }
    session.set_output_schema(params.output_schema.filter(|schema| !schema.is_null()));
    let questions = thread.questions.take();
    thread.running = Some(Running {
        turn_id: String::new(),
        interrupt: session.interrupt_handle(),
        steer: session.steer_sender(),
    });
    let steered = Rc::clone(&thread.steered);
    // An unknown model is announced with every turn, as the reference does.
    let notice = fallback_notice(&session);
    drop(live);
    let input = user_input(&params.input);
    let content = params.input;
    tokio::task::spawn_local(drive(
        (Rc::clone(&server.live), Rc::clone(&server.approvals)),
        outbox,
        id,
        thread_id,
        (session, questions, steered),
        (input, content),
        notice,
    ));
    Ok(())
}

/// `turn/steer`: sends more input to the running turn; it joins the conversation before
/// the turn's next request and is announced as a user message then.
pub(crate) fn turn_steer(
    server: &mut Processor,
    params: TurnSteerParams,
) -> Result<Reply, RpcError> {
    let thread_id = crate::threads::thread_id(&params.thread_id, "thread")?;
    if params.input.is_empty() {
        return Err(RpcError::invalid("input must not be empty"));
    }
    check_input_size(&params.input)?;
    let live = server.live.borrow();
    let Some(thread) = live.get(&thread_id) else {
        return Err(RpcError::invalid(format!("thread not found: {thread_id}")));
    };
    let Some(running) = thread.running.as_ref().filter(|r| !r.turn_id.is_empty()) else {
        return Err(RpcError::invalid("no active turn to steer"));
    };
    if running.turn_id != params.expected_turn_id {
        return Err(RpcError::invalid(format!(
            "expected active turn id `{}` but found `{}`",
            params.expected_turn_id, running.turn_id
        )));
    }
    running.steer.push(user_input(&params.input).text);
    thread.steered.borrow_mut().push_back(Steered {
        content: params.input,
        client_id: params.client_user_message_id,
    });
    Ok(Reply::result(TurnSteerResponse {
        turn_id: running.turn_id.clone(),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TurnInterruptParams {
    thread_id: String,
    #[serde(default)]
    turn_id: Option<String>,
}

/// `turn/interrupt`: stops the running turn, which then completes as `interrupted`.
pub(crate) fn turn_interrupt(
    server: &mut Processor,
    params: TurnInterruptParams,
) -> Result<Reply, RpcError> {
    let thread_id = crate::threads::thread_id(&params.thread_id, "thread")?;
    let live = server.live.borrow();
    let Some(running) = live.get(&thread_id).and_then(|t| t.running.as_ref()) else {
        return Err(RpcError::invalid("no active turn to interrupt"));
    };
    match params.turn_id {
        Some(expected) if expected != running.turn_id => Err(RpcError::invalid(format!(
            "expected active turn id {expected} but found {}",
            running.turn_id
        ))),
        _ => {
            running.interrupt.interrupt();
            Ok(Reply::result(TurnInterruptResponse {}))
        }
    }
}

/// Drops a thread from the live set (archived); a running turn is interrupted.
pub(crate) fn unload(server: &Processor, id: &str) {
    if let Some(thread) = server.live.borrow_mut().remove(id)
        && let Some(running) = thread.running
    {
        running.interrupt.interrupt();
    }
}

/// The warning for a model the catalog does not know, if the session's is one.
pub(crate) fn fallback_notice(session: &Session) -> Option<String> {
    let model = &session.settings().model;
    model
        .used_fallback_model_metadata
        .then(|| recodex_client::models::fallback_metadata_warning(&model.slug))
}

fn not_served() -> RpcError {
    RpcError {
        code: recodex_app_protocol::jsonrpc::METHOD_NOT_FOUND,
        message: "running turns is not supported by this server".to_owned(),
        data: None,
    }
}

/// Refuses input whose text items hold more than the engine's limit together, as the
/// reference does (-32602 with the counts in `data`); no turn is started.
fn check_input_size(input: &[UserInput]) -> Result<(), RpcError> {
    let actual_chars: usize = input
        .iter()
        .map(|part| match part {
            UserInput::Text { text, .. } => text.chars().count(),
            _ => 0,
        })
        .sum();
    let max_chars = recodex_core::MAX_USER_INPUT_TEXT_CHARS;
    if actual_chars <= max_chars {
        return Ok(());
    }
    let err = recodex_core::CoreError::InputTooLarge {
        max_chars,
        actual_chars,
    };
    /// The error's `data`, as the reference words it.
    #[derive(serde::Serialize)]
    struct TooLarge {
        input_error_code: &'static str,
        max_chars: usize,
        actual_chars: usize,
    }
    let data = TooLarge {
        input_error_code: "input_too_large",
        max_chars,
        actual_chars,
    };
    Err(RpcError {
        code: INVALID_PARAMS,
        message: err.to_string(),
        data: serde_json::to_value(data).ok(),
    })
}

/// The engine input of a `turn/start`: texts joined by newlines, and local images.
fn text_input(text: &str) -> UserInput {
    UserInput::Text {
        text: text.to_owned(),
        text_elements: Vec::new(),
    }
}

fn user_input(input: &[UserInput]) -> recodex_core::UserInput {
    let mut texts = Vec::new();
    let mut images = Vec::new();
    for part in input {
        match part {
            UserInput::Text { text, .. } => texts.push(text.as_str()),
            UserInput::LocalImage { path, .. } => images.push(PathBuf::from(path)),
            _ => {}
        }
    }
    recodex_core::UserInput {
        text: texts.join("\n"),
        images,
    }
}

/// Runs one turn and reports it; the session goes back to its thread afterwards.
async fn drive(
    (live, pending): (LiveThreads, crate::approvals::SharedApprovals),
    outbox: Outbox,
    request: RequestId,
    thread_id: String,
    (mut session, mut questions, steered): (Session, Option<Questions>, SteeredQueue),
    (input, content): (recodex_core::UserInput, Vec<UserInput>),
    notice: Option<String>,
) {
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let mut reporter =
        TurnReporter::new(outbox.clone(), thread_id.clone(), session.context_window());
    let mut answered = false;
    let turn = async {
        let outcome = session.run_turn_with(&input, &tx).await;
        drop(tx);
        outcome
    };
    let pump = async {
        // A question waits for the item it is about, which the engine sends right after.
        let mut asking: Option<(String, String)> = None;
        // Items already shown started (a patch is shown before it is asked about).
        let mut begun: std::collections::HashSet<String> = std::collections::HashSet::new();
        loop {
            let event = tokio::select! {
                biased;
                question = next_question(&mut questions) => {
                    let (call_id, line) = pending.ask(question);
                    outbox.send(ServerNotification::ThreadStatusChanged(
                        ThreadStatusChangedNotification {
                            thread_id: thread_id.clone(),
                            status: ThreadStatus::Active {
                                active_flags: vec![ThreadActiveFlag::WaitingOnApproval],
                            },
                        },
                    ));
                    if begun.contains(&call_id) {
                        outbox.line(line);
                    } else {
                        asking = Some((call_id, line));
                    }
                    continue;
                }
                event = rx.recv() => match event {
                    Some(event) => event,
                    None => break,
                },
            };
            let begins = match &event {
                Event::CommandBegin { call_id, .. } | Event::PatchApplyBegin { call_id, .. } => {
                    begun.insert(call_id.clone());
                    Some(call_id.clone())
                }
                _ => None,
            };
            if let Event::SteerTaken { message } = &event {
                // The engine takes steered messages in the order they were sent.
                let sent = steered.borrow_mut().pop_front();
                let (content, client_id) = sent.map_or_else(
                    || (vec![text_input(message)], None),
                    |s| (s.content, s.client_id),
                );
                reporter.user_message(content, client_id);
                continue;
            }
            if let Event::TurnStarted { turn_id } = &event {
                reporter.turn_id.clone_from(turn_id);
                if let Some(thread) = live.borrow_mut().get_mut(&thread_id)
                    && let Some(running) = thread.running.as_mut()
                {
                    running.turn_id.clone_from(turn_id);
                }
                let answer = TurnStartResponse {
                    turn: reporter.turn(None),
                };
                outbox.line(response_line(&request, &answer));
                answered = true;
                if let Some(message) = &notice {
                    outbox.send(ServerNotification::Warning(WarningNotification {
                        thread_id: Some(thread_id.clone()),
                        message: message.clone(),
                    }));
                }
                reporter.started(content.clone());
                continue;
            }
            reporter.event(event);
            if begins.is_some()
                && begins == asking.as_ref().map(|(call, _)| call.clone())
                && let Some((_, line)) = asking.take()
            {
                outbox.line(line);
            }
        }
    };
    let (outcome, ()) = tokio::join!(turn, pump);
    let failure = match outcome {
        Ok(_) => None,
        Err(recodex_core::CoreError::Interrupted) => {
            reporter.interrupted = true;
            None
        }
        Err(err) => Some((err.to_string(), err.class())),
    };
    if answered {
        reporter.finished(failure);
    } else {
        let message = failure.map_or_else(|| "the turn did not start".to_owned(), |(m, _)| m);
        outbox.line(error_line(
            request,
            RpcError {
                code: INTERNAL_ERROR,
                message,
                data: None,
            },
        ));
    }
    let failed = reporter.error.is_some() && !reporter.interrupted;
    if let Some(thread) = live.borrow_mut().get_mut(&thread_id) {
        thread.session = Some(session);
        thread.questions = questions;
        thread.running = None;
        thread.system_error = failed;
    }
}

/// A session's approval questions.
type Questions = mpsc::UnboundedReceiver<recodex_core::ApprovalRequest>;
