//! The engine: a thread (session) and its turns. A front end submits work and receives
//! [`Event`]s; the engine builds requests for the model, streams the answers, records
//! the rollout and reports what happened. It never prints and never reads the process
//! environment: everything comes in through [`SessionSettings`].
//!
//! Today a turn handles model messages, reasoning and usage; tool calls are answered
//! with an error output until the tools layer is wired in (issues 4 and 5).

mod agents;
mod approval;
mod context;
mod error;
mod event;
mod exec_policy;
mod git;
mod patch;
mod record;
mod registry;
mod session;
mod settings;
mod tool_runtime;
mod turn_diff;
mod user_input;

pub use approval::{ApprovalRequest, ApprovalSubject, Approvals, ReviewDecision};
pub use context::prompt_input;
pub use error::{CoreError, ErrorClass, RolloutProblem};
pub use event::{
    CollabCall, CommandSource, Event, PatchChange, PatchChangeKind, PlanStep, StepStatus,
};
pub use session::{InterruptHandle, ModelTools, Session, SteerHandle, TurnOutcome};
pub use settings::{MultiAgentSettings, SessionSettings, SubagentOrigin};
pub use user_input::{MAX_USER_INPUT_TEXT_CHARS, UserInput};
