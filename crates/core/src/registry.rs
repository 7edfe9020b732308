//! The tools a session can run, resolved once from what it declares to the model: every
//! name maps to the [`Tool`] that handles it when the registry is built (at session start
//! and when the model changes), so a call is dispatched by matching on [`Tool`], never by
//! comparing names while the turn runs.

use std::collections::HashMap;

use serde_json::Value;

/// The shell tools (run by the tool runtime, sandboxed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShellTool {
    /// `exec_command`.
    ExecCommand,
    /// `write_stdin`.
    WriteStdin,
    /// `shell_command`.
    ShellCommand,
}

/// The multi-agent tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgentTool {
    /// `spawn_agent`.
    Spawn,
    /// `send_input`.
    SendInput,
    /// `resume_agent`.
    Resume,
    /// `wait_agent`.
    Wait,
    /// `close_agent`.
    Close,
}

/// The goal tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GoalTool {
    /// `get_goal`.
    Get,
    /// `create_goal`.
    Create,
    /// `update_goal`.
    Update,
}

/// How a tool was declared to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declared {
    /// A JSON-argument function tool.
    Function,
    /// A freeform (custom) tool.
    Freeform,
    /// Some other declaration (hosted tools).
    Other,
}

/// What runs a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    /// A multi-agent tool (when the session offers them).
    Agent(AgentTool),
    /// `update_plan` (always answered).
    UpdatePlan,
    /// `apply_patch`, as declared (`None`: not declared).
    ApplyPatch(Option<Declared>),
    /// A shell tool (answered whether declared or not, as the reference does).
    Shell(ShellTool),
    /// `view_image` (declared).
    ViewImage,
    /// A goal tool (declared).
    Goal(GoalTool),
    /// `request_user_input` (declared).
    RequestUserInput,
    /// Declared to the model, with no handler here (the reference's "not built" answer).
    NotBuilt,
    /// Neither declared nor handled.
    Unknown,
}

/// The routes of one session's tools.
#[derive(Debug, Clone, Default)]
pub(crate) struct ToolRegistry {
    routes: HashMap<String, Tool>,
    declared: HashMap<String, Declared>,
}

impl ToolRegistry {
    /// The registry of a session declaring `specs` (the request's `tools` array, namespaces
    /// included); `multi_agent`: the session offers the multi-agent tools.
    pub(crate) fn new(specs: &[Value], multi_agent: bool) -> Self {
        let mut declared = HashMap::new();
        collect_declared(specs, &mut declared);
        let always = [
            "update_plan",
            "apply_patch",
            "exec_command",
            "write_stdin",
            "shell_command",
        ];
        let agents = [
            "spawn_agent",
            "send_input",
            "resume_agent",
            "wait_agent",
            "close_agent",
        ];
        let names = declared
            .keys()
            .map(String::as_str)
            .chain(always)
            .chain(agents.into_iter().filter(|_| multi_agent))
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let routes = names
            .into_iter()
            .map(|name| {
                let tool = route(&name, declared.get(&name).copied(), multi_agent);
                (name, tool)
            })
            .collect();
        Self { routes, declared }
    }

    /// What runs a function call to `name`.
    pub(crate) fn function(&self, name: &str) -> Tool {
        self.routes.get(name).copied().unwrap_or(Tool::Unknown)
    }

    /// What runs a custom (freeform) call to `name`: only `apply_patch` has a handler.
    pub(crate) fn custom(&self, name: &str) -> Tool {
        match self.function(name) {
            tool @ Tool::ApplyPatch(_) => tool,
            _ if self.declared.contains_key(name) => Tool::NotBuilt,
            _ => Tool::Unknown,
        }
    }
}

/// The one place where a name becomes a handler.
fn route(name: &str, declared: Option<Declared>, multi_agent: bool) -> Tool {
    let agent = |tool| {
        if multi_agent {
            Tool::Agent(tool)
        } else if declared.is_some() {
            Tool::NotBuilt
        } else {
            Tool::Unknown
        }
    };
    let when_declared = |tool| {
        if declared.is_some() {
            tool
        } else {
            Tool::Unknown
        }
    };
    match name {
        "spawn_agent" => agent(AgentTool::Spawn),
        "send_input" => agent(AgentTool::SendInput),
        "resume_agent" => agent(AgentTool::Resume),
        "wait_agent" => agent(AgentTool::Wait),
        "close_agent" => agent(AgentTool::Close),
        "update_plan" => Tool::UpdatePlan,
        "apply_patch" => Tool::ApplyPatch(declared),
        "exec_command" => Tool::Shell(ShellTool::ExecCommand),
        "write_stdin" => Tool::Shell(ShellTool::WriteStdin),
        "shell_command" => Tool::Shell(ShellTool::ShellCommand),
        "view_image" => when_declared(Tool::ViewImage),
        "get_goal" => when_declared(Tool::Goal(GoalTool::Get)),
        "create_goal" => when_declared(Tool::Goal(GoalTool::Create)),
        "update_goal" => when_declared(Tool::Goal(GoalTool::Update)),
        "request_user_input" => when_declared(Tool::RequestUserInput),
        _ => when_declared(Tool::NotBuilt),
    }
}

/// Every declared name and how it was declared (namespaces' tools included).
fn collect_declared(specs: &[Value], out: &mut HashMap<String, Declared>) {
    for spec in specs {
        if let Some(name) = spec.get("name").and_then(Value::as_str) {
            let kind = match spec.get("type").and_then(Value::as_str) {
                Some("function") => Declared::Function,
                Some("custom") => Declared::Freeform,
                _ => Declared::Other,
            };
            out.entry(name.to_owned()).or_insert(kind);
        }
        if let Some(nested) = spec.get("tools").and_then(Value::as_array) {
            collect_declared(nested, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_become_handlers_once_with_the_references_availability() {
        let specs = vec![
            json!({"type": "function", "name": "exec_command"}),
            json!({"type": "custom", "name": "apply_patch"}),
            json!({"type": "function", "name": "view_image"}),
            json!({"type": "function", "name": "some_future_tool"}),
            json!({"type": "namespace", "name": "ns", "tools": [{"type": "function", "name": "get_goal"}]}),
        ];
        let registry = ToolRegistry::new(&specs, false);
        assert_eq!(
            registry.function("exec_command"),
            Tool::Shell(ShellTool::ExecCommand)
        );
        // Shell tools and update_plan answer even when not declared, as the reference's.
        assert_eq!(
            registry.function("shell_command"),
            Tool::Shell(ShellTool::ShellCommand)
        );
        assert_eq!(registry.function("update_plan"), Tool::UpdatePlan);
        assert_eq!(registry.function("view_image"), Tool::ViewImage);
        assert_eq!(registry.function("get_goal"), Tool::Goal(GoalTool::Get));
        assert_eq!(registry.function("create_goal"), Tool::Unknown);
        assert_eq!(registry.function("some_future_tool"), Tool::NotBuilt);
        assert_eq!(registry.function("spawn_agent"), Tool::Unknown);
        assert_eq!(registry.function("nope"), Tool::Unknown);
        assert_eq!(
            registry.function("apply_patch"),
            Tool::ApplyPatch(Some(Declared::Freeform))
        );
        assert_eq!(
            registry.custom("apply_patch"),
            Tool::ApplyPatch(Some(Declared::Freeform))
        );
        assert_eq!(registry.custom("view_image"), Tool::NotBuilt);
        assert_eq!(registry.custom("nope"), Tool::Unknown);
        let with_agents = ToolRegistry::new(&[], true);
        assert_eq!(
            with_agents.function("wait_agent"),
            Tool::Agent(AgentTool::Wait)
        );
        assert_eq!(with_agents.function("apply_patch"), Tool::ApplyPatch(None));
    }
}
