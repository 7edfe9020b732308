//! The tools offered to the model: their declarations (the request's `tools`
//! array) and the handlers that run model calls.
//!
//! - [`ToolsConfig`] resolves which tools a turn gets from the model's facts
//!   ([`ModelToolFacts`]), the feature flags and a few settings.
//! - [`build_tool_plan`] turns it into a [`ToolPlan`]: the ordered
//!   [`ToolSpec`]s, which of them may run in parallel, and the tools deferred
//!   behind `tool_search`.
//! - [`unified_exec`] and [`shell_command`] parse the shell tools' arguments,
//!   run the commands through `recodex-process` and format the results the
//!   model reads.
//!
//! Names, types and parameter schemas equal the reference's (checked against
//! captured requests in `tests/golden/`); descriptions and the apply_patch
//! grammar are our own text. This crate knows nothing of the model catalog,
//! HTTP or the turn loop.

mod config;
mod error;
mod plan;
mod schema;
mod search;
pub mod shell_command;
mod spec;
mod specs;
pub mod unified_exec;

pub use config::{
    ApplyPatchToolType, ModelToolFacts, ShellTool, ShellToolType, ToolSettings, ToolsConfig,
    WebSearchToolType, effective_web_search_mode,
};
pub use error::ToolError;
pub use plan::{PlannedTool, ToolPlan, build_tool_plan};
pub use schema::{JsonSchema, ObjectSchema};
pub use search::search_deferred;
pub use spec::{
    FreeformFormat, FreeformTool, FunctionTool, NamespaceTool, ToolSearchTool, ToolSpec,
    WebSearchFilters, WebSearchTool, WebSearchUserLocation,
};
pub use specs::agents::MULTI_AGENT_V1_NAMESPACE;
pub use specs::apply_patch::APPLY_PATCH_LARK_GRAMMAR;
pub use specs::search::{DeferredSource, TOOL_SEARCH_DEFAULT_LIMIT};
