//! The tools a session offers the model: which ones for the model's facts, the features
//! and the settings (the `recodex-tools` plan), and the sub-agents' tools.

use recodex_client::models::ModelInfo;
use recodex_config::Config;
use recodex_protocol::permissions::SandboxPolicy;

/// The tools offered to the model and whether it may call several at once.
pub fn tool_plan(
    model: &ModelInfo,
    config: &Config,
    policy: &SandboxPolicy,
    ephemeral: bool,
) -> PlannedTools {
    let facts = recodex_tools::ModelToolFacts {
        shell_type: model.shell_type,
        apply_patch_tool_type: model.apply_patch_tool_type,
        web_search_tool_type: model.web_search_tool_type,
        supports_parallel_tool_calls: model.supports_parallel_tool_calls,
        supports_search_tool: model.supports_search_tool,
        supports_image_detail_original: model.supports_image_detail_original,
    };
    let toml = &config.toml;
    let settings = recodex_tools::ToolSettings {
        web_search_mode: toml.web_search,
        web_search_config: toml.tools.as_ref().and_then(|t| t.web_search.clone()),
        danger_full_access: matches!(policy, SandboxPolicy::DangerFullAccess),
        allow_login_shell: toml.allow_login_shell.unwrap_or(true),
        request_user_input: toml
            .tools
            .as_ref()
            .and_then(|t| t.experimental_request_user_input.as_ref())
            .and_then(|r| r.enabled)
            .unwrap_or(true),
    };
    // Goals live in the state database, which an ephemeral session does not use.
    let mut features = config.features.clone();
    if ephemeral {
        features.apply("goals", false);
    }
    let tools_config = recodex_tools::ToolsConfig::new(&facts, &features, &settings);
    let plan = recodex_tools::build_tool_plan(&tools_config);
    let tools = plan.to_json().as_array().cloned().unwrap_or_default();
    // Sub-agents at the deepest level get the same tools without the multi-agent ones.
    let multi_agent = tools_config.multi_agent_v1.then(|| {
        let mut leaf = features.clone();
        leaf.apply("multi_agent", false);
        leaf.apply("enable_fanout", false);
        let leaf_plan = recodex_tools::build_tool_plan(&recodex_tools::ToolsConfig::new(
            &facts, &leaf, &settings,
        ));
        let agents = toml.agents.as_ref();
        recodex_core::MultiAgentSettings {
            leaf_tools: leaf_plan.to_json().as_array().cloned().unwrap_or_default(),
            max_depth: agents
                .and_then(|a| a.max_depth)
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(DEFAULT_AGENT_MAX_DEPTH),
            max_threads: agents
                .and_then(|a| a.max_threads)
                .unwrap_or(DEFAULT_AGENT_MAX_THREADS),
        }
    });
    PlannedTools {
        tools,
        parallel_tool_calls: plan.parallel_tool_calls,
        deferred: plan.deferred_json(),
        multi_agent,
    }
}

/// The tools of a session, as [`tool_plan`] resolves them.
pub struct PlannedTools {
    /// The `tools` array of the request.
    pub tools: Vec<serde_json::Value>,
    /// `parallel_tool_calls`.
    pub parallel_tool_calls: bool,
    /// Tools offered through `tool_search` instead of the array.
    pub deferred: Vec<serde_json::Value>,
    /// Sub-agent settings when the multi-agent tools are offered.
    pub multi_agent: Option<recodex_core::MultiAgentSettings>,
}

/// `agents.max_depth` and `agents.max_threads` when not configured.
const DEFAULT_AGENT_MAX_DEPTH: u32 = 1;
const DEFAULT_AGENT_MAX_THREADS: usize = 6;
