//! The goal tools (`get_goal`, `create_goal`, `update_goal`): the thread's goal in
//! `goals_1.sqlite`, the JSON result the model reads, `thread_goal_updated` in the rollout,
//! and the goal's token and time use counted at the end of each turn while it is active.

use chrono::Utc;
use recodex_state::{Goal, GoalStore};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::Session;
use super::items::FunctionOutput;
use crate::event::Event;

/// What the model is asked to do when it marks a goal complete (our own words).
const COMPLETION_REPORT: &str = "The goal is complete. In your final answer, report what it used, taking the numbers from this result's `goal` fields: tokens (`goal.tokensUsed`, against `goal.tokenBudget` when there is one) and, when `goal.timeUsedSeconds` is above zero, the time spent, written briefly in the language of the conversation.";

/// Where a goal's use was last counted: the thread's token total and the time then.
#[derive(Debug, Clone, Copy)]
pub(super) struct GoalMark {
    tokens: i64,
    at: std::time::Instant,
}

/// For a resumed thread with an active goal: count its use from now on.
pub(super) fn resumed_mark(
    settings: &crate::settings::SessionSettings,
    thread_id: &str,
    total_tokens: i64,
) -> Option<GoalMark> {
    let store = GoalStore::open(settings.state_dir.as_ref()?).ok()?;
    let goal = store.get(thread_id).ok()??;
    (goal.status == "active").then(|| GoalMark {
        tokens: total_tokens,
        at: std::time::Instant::now(),
    })
}

impl Session {
    fn goal_store(&self) -> Result<GoalStore, String> {
        let dir = self
            .settings
            .state_dir
            .as_ref()
            .ok_or_else(|| "goals are not available in an ephemeral session".to_owned())?;
        GoalStore::open(dir).map_err(|e| e.to_string())
    }

    /// Runs one goal tool call.
    pub(super) async fn goal_tool(
        &mut self,
        tool: crate::registry::GoalTool,
        arguments: &str,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<FunctionOutput> {
        let store = match self.goal_store() {
            Ok(store) => store,
            Err(message) => return Ok(FunctionOutput::Refused(message)),
        };
        let current = match store.get(&self.thread_id) {
            Ok(goal) => goal,
            Err(err) => return Ok(FunctionOutput::Refused(err.to_string())),
        };
        let args: Value = match serde_json::from_str(arguments) {
            Ok(args) => args,
            Err(e) => {
                return Ok(FunctionOutput::Refused(format!(
                    "failed to parse function arguments: {e}"
                )));
            }
        };
        let now_ms = Utc::now().timestamp_millis();
        use crate::registry::GoalTool;
        let (goal, report) = match tool {
            GoalTool::Get => (current, None),
            GoalTool::Create => {
                let objective = args["objective"].as_str().unwrap_or_default().trim();
                if objective.is_empty() {
                    return Ok(FunctionOutput::Refused(
                        "goal objective must not be empty".to_owned(),
                    ));
                }
                if current.as_ref().is_some_and(|g| g.status != "complete") {
                    return Ok(FunctionOutput::Refused("cannot create a new goal because this thread already has a goal; use update_goal only when the existing goal is complete".to_owned()));
                }
                let goal = Goal {
                    thread_id: self.thread_id.clone(),
                    goal_id: uuid::Uuid::now_v7().to_string(),
                    objective: objective.to_owned(),
                    status: "active".to_owned(),
                    token_budget: args["token_budget"].as_i64(),
                    tokens_used: 0,
                    time_used_seconds: 0,
                    created_at_ms: now_ms,
                    updated_at_ms: now_ms,
                };
                self.goal_mark = Some(GoalMark {
                    tokens: self.total_usage.total_tokens,
                    at: std::time::Instant::now(),
                });
                self.save_goal(&store, &goal, events).await?;
                (Some(goal), None)
            }
            GoalTool::Update => {
                let Some(mut goal) = current else {
                    return Ok(FunctionOutput::Refused(format!(
                        "cannot update goal for thread {}: no goal exists",
                        self.thread_id
                    )));
                };
                let status = args["status"].as_str().unwrap_or_default();
                if !matches!(status, "complete" | "blocked") {
                    return Ok(FunctionOutput::Refused("update_goal can only mark the existing goal complete or blocked; pause, resume, budget-limited, and usage-limited status changes are controlled by the user or system".to_owned()));
                }
                goal.status = status.to_owned();
                goal.updated_at_ms = now_ms;
                self.goal_mark = None;
                self.save_goal(&store, &goal, events).await?;
                let report = (status == "complete").then_some(COMPLETION_REPORT);
                (Some(goal), report)
            }
        };
        let remaining = goal
            .as_ref()
            .and_then(|g| g.token_budget.map(|budget| budget - g.tokens_used));
        let result = json!({
            "goal": goal.as_ref().map(goal_json),
            "remainingTokens": remaining,
            "completionBudgetReport": report,
        });
        Ok(FunctionOutput::Output(result.to_string()))
    }

    /// Stores the goal and records `thread_goal_updated`.
    async fn save_goal(
        &mut self,
        store: &GoalStore,
        goal: &Goal,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<()> {
        if let Err(err) = store.put(goal) {
            let message = err.to_string();
            let _ = events.send(Event::Warning { message }).await;
        }
        self.recorder.event(json!({
            "type": "thread_goal_updated",
            "threadId": self.thread_id,
            "turnId": self.turn_id,
            "goal": goal_json(goal),
        }))
    }

    /// At the end of a turn: adds the tokens and time used since the last count to the
    /// thread's active goal.
    pub(super) async fn account_goal(
        &mut self,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<()> {
        let Some(mark) = self.goal_mark else {
            return Ok(());
        };
        let Ok(store) = self.goal_store() else {
            return Ok(());
        };
        let Ok(Some(mut goal)) = store.get(&self.thread_id) else {
            return Ok(());
        };
        if goal.status != "active" {
            return Ok(());
        }
        goal.tokens_used += self.total_usage.total_tokens - mark.tokens;
        goal.time_used_seconds += i64::try_from(mark.at.elapsed().as_secs()).unwrap_or(0);
        goal.updated_at_ms = Utc::now().timestamp_millis();
        self.goal_mark = Some(GoalMark {
            tokens: self.total_usage.total_tokens,
            at: std::time::Instant::now(),
        });
        self.save_goal(&store, &goal, events).await
    }
}

impl Session {
    /// Ends the session after its last turn. With an active goal the reference has already
    /// started the turn that continues the goal; a front end that stops here (exec) aborts
    /// it, so the rollout records that turn's start and its abort, as the reference's does.
    pub async fn finish(&mut self, events: &mpsc::Sender<Event>) -> std::io::Result<()> {
        let active = self.goal_mark.is_some()
            && self
                .goal_store()
                .ok()
                .and_then(|store| store.get(&self.thread_id).ok().flatten())
                .is_some_and(|goal| goal.status == "active");
        if !active {
            return Ok(());
        }
        let turn_id = uuid::Uuid::now_v7().to_string();
        let started = std::time::Instant::now();
        let now = Utc::now();
        let date = now
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string();
        self.turn_id.clone_from(&turn_id);
        let window = self.context_window();
        self.recorder.event(crate::record::task_started(
            &turn_id,
            now.timestamp(),
            window,
        ))?;
        self.recorder
            .turn_context(&self.settings, &turn_id, &date)?;
        self.record_abort(&turn_id, started, events).await
    }
}

/// A goal as the tools and the rollout show it (times in seconds; no budget, no key).
fn goal_json(goal: &Goal) -> Value {
    let mut value = json!({
        "threadId": goal.thread_id,
        "objective": goal.objective,
        "status": goal.status,
    });
    if let (Some(budget), Value::Object(map)) = (goal.token_budget, &mut value) {
        map.insert("tokenBudget".to_owned(), json!(budget));
    }
    if let Value::Object(map) = &mut value {
        map.insert("tokensUsed".to_owned(), json!(goal.tokens_used));
        map.insert("timeUsedSeconds".to_owned(), json!(goal.time_used_seconds));
        map.insert("createdAt".to_owned(), json!(goal.created_at_ms / 1000));
        map.insert("updatedAt".to_owned(), json!(goal.updated_at_ms / 1000));
    }
    value
}
