//! Turns a [`ToolsConfig`] into the ordered tool list of a request.
//!
//! The order is the reference's: shell tools, `update_plan`, goals,
//! `request_user_input`, `request_permissions`, `apply_patch`, `view_image`,
//! agent tools, `tool_search`, `web_search`. On models that support
//! `tool_search`, the `multi_agent_v1` namespace is deferred behind it
//! instead of being listed.

use serde_json::Value;

use crate::config::ApplyPatchToolType;
use crate::config::ShellTool;
use crate::config::ToolsConfig;
use crate::spec::ToolSpec;
use crate::specs::agents;
use crate::specs::apply_patch;
use crate::specs::exec;
use crate::specs::exec::CommandToolOptions;
use crate::specs::goals;
use crate::specs::plan;
use crate::specs::search;
use crate::specs::search::DeferredSource;
use crate::specs::user_input;
use crate::specs::view_image;

/// One listed tool and whether calls to it may run in parallel with others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTool {
    /// The declaration.
    pub spec: ToolSpec,
    /// Whether the turn loop may run this call alongside other calls.
    pub supports_parallel: bool,
}

/// The tools of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolPlan {
    /// Listed tools, in request order.
    pub tools: Vec<PlannedTool>,
    /// Tools reachable only through `tool_search`.
    pub deferred: Vec<ToolSpec>,
    /// Request-level `parallel_tool_calls`.
    pub parallel_tool_calls: bool,
}

impl ToolPlan {
    /// The request's `tools` array.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.tools
                .iter()
                .map(|tool| serde_json::to_value(&tool.spec).unwrap_or(Value::Null))
                .collect(),
        )
    }

    /// The deferred tools as JSON, for answering `tool_search`.
    pub fn deferred_json(&self) -> Vec<Value> {
        self.deferred
            .iter()
            .map(|spec| serde_json::to_value(spec).unwrap_or(Value::Null))
            .collect()
    }

    /// Names of the listed tools, in order.
    pub fn names(&self) -> Vec<&str> {
        self.tools.iter().map(|tool| tool.spec.name()).collect()
    }

    fn push(&mut self, spec: ToolSpec, supports_parallel: bool) {
        self.tools.push(PlannedTool {
            spec,
            supports_parallel,
        });
    }
}

/// Builds the tool list of a turn.
pub fn build_tool_plan(config: &ToolsConfig) -> ToolPlan {
    let mut plan = ToolPlan {
        tools: Vec::new(),
        deferred: Vec::new(),
        parallel_tool_calls: config.parallel_tool_calls,
    };
    let options = CommandToolOptions {
        allow_login_shell: config.allow_login_shell,
        exec_permission_approvals: config.exec_permission_approvals,
    };
    match config.shell {
        ShellTool::UnifiedExec => {
            plan.push(exec::exec_command(options), true);
            plan.push(exec::write_stdin(), false);
        }
        ShellTool::ShellCommand => plan.push(exec::shell_command(options), true),
        ShellTool::LocalShell => plan.push(exec::local_shell(), true),
        ShellTool::Disabled => {}
    }
    plan.push(plan::update_plan(), false);
    if config.goals {
        plan.push(goals::get_goal(), false);
        plan.push(goals::create_goal(), false);
        plan.push(goals::update_goal(), false);
    }
    if config.request_user_input {
        plan.push(
            user_input::request_user_input(config.default_mode_request_user_input),
            false,
        );
    }
    if config.request_permissions {
        plan.push(user_input::request_permissions(), false);
    }
    match config.apply_patch {
        Some(ApplyPatchToolType::Freeform) => plan.push(apply_patch::freeform(), false),
        Some(ApplyPatchToolType::Function) => plan.push(apply_patch::function(), false),
        None => {}
    }
    plan.push(view_image::view_image(config.view_image_detail), true);

    let mut sources = Vec::new();
    if config.multi_agent_v2 {
        for tool in agents::multi_agent_v2() {
            plan.push(tool, false);
        }
    } else if config.multi_agent_v1 {
        if config.search_tool {
            plan.deferred.push(agents::multi_agent_v1());
            let (name, description) = agents::MULTI_AGENT_SOURCE;
            sources.push(DeferredSource {
                name: name.to_owned(),
                description: description.to_owned(),
            });
        } else {
            plan.push(agents::multi_agent_v1(), false);
        }
    }
    if config.agent_jobs {
        plan.push(agents::spawn_agents_on_csv(), false);
    }
    if config.search_tool && !sources.is_empty() {
        plan.push(search::tool_search(&sources), true);
    }
    if let Some(tool) = search::web_search(
        config.web_search_mode,
        config.web_search_config.as_ref(),
        config.web_search_tool_type,
    ) {
        plan.push(tool, false);
    }
    plan
}
