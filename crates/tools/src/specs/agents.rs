//! Sub-agent tools: the `multi_agent_v1` namespace, the flat v2 tools and
//! `spawn_agents_on_csv`.

use std::collections::BTreeMap;

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FunctionTool;
use crate::spec::NamespaceTool;
use crate::spec::ToolSpec;

/// Name of the v1 namespace.
pub const MULTI_AGENT_V1_NAMESPACE: &str = "multi_agent_v1";

/// Display name and description of the v1 tools as a deferred source.
pub(crate) const MULTI_AGENT_SOURCE: (&str, &str) = (
    "Multi-agent tools",
    "start, message, wait for and close sub-agents.",
);

fn function(name: &str, description: &str, parameters: ObjectSchema) -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(name, description, parameters))
}

/// Schema of the structured input items a sub-agent can be given.
fn input_items() -> JsonSchema {
    let item = ObjectSchema::closed_optional(vec![
        (
            "type",
            JsonSchema::string(
                "Kind of item: `text`, `image`, `local_image`, `skill` or `mention`.",
            ),
        ),
        ("text", JsonSchema::string("Text, for `text` items.")),
        ("image_url", JsonSchema::string("URL, for `image` items.")),
        (
            "path",
            JsonSchema::string(
                "Path, for `local_image` items, or the resource path for `skill` and `mention` items.",
            ),
        ),
        (
            "name",
            JsonSchema::string("Display name, for `skill` and `mention` items."),
        ),
    ]);
    JsonSchema::array(
        "Structured input for the agent; use it instead of `message` when sending more than text.",
        JsonSchema::Object(item),
    )
}

/// The `multi_agent_v1` namespace; its tools are sorted by name.
pub(crate) fn multi_agent_v1() -> ToolSpec {
    let mut tools: BTreeMap<&str, ToolSpec> = BTreeMap::new();
    tools.insert(
        "spawn_agent",
        function(
            "spawn_agent",
            "Starts a sub-agent on a well-scoped task and returns its id. Give it everything it needs in `message` or `items`.",
            ObjectSchema::closed_optional(vec![
                ("message", JsonSchema::string("The task for the new agent, in plain text.")),
                ("items", input_items()),
                (
                    "agent_type",
                    JsonSchema::string("Role of the agent; the default role when omitted."),
                ),
                (
                    "fork_context",
                    JsonSchema::boolean(
                        "Start the agent with a copy of this conversation instead of an empty one.",
                    ),
                ),
                ("model", JsonSchema::string("Model for the agent; inherits the current one when omitted.")),
                (
                    "reasoning_effort",
                    JsonSchema::string("Reasoning effort for the agent; inherits the current one when omitted."),
                ),
                (
                    "service_tier",
                    JsonSchema::string("Service tier for the agent; inherits the current one when omitted."),
                ),
            ]),
        ),
    );
    tools.insert(
        "send_input",
        function(
            "send_input",
            "Sends a further message to a running sub-agent, optionally interrupting what it is doing.",
            ObjectSchema::closed(
                vec![
                    ("target", JsonSchema::string("Id of the agent to message.")),
                    ("message", JsonSchema::string("The message, in plain text.")),
                    ("items", input_items()),
                    (
                        "interrupt",
                        JsonSchema::boolean(
                            "Stop the agent's current work and handle this message right away.",
                        ),
                    ),
                ],
                &["target"],
            ),
        ),
    );
    tools.insert(
        "resume_agent",
        function(
            "resume_agent",
            "Reopens a closed sub-agent so it can be messaged again.",
            ObjectSchema::closed(
                vec![("id", JsonSchema::string("Id of the agent."))],
                &["id"],
            ),
        ),
    );
    tools.insert(
        "wait_agent",
        function(
            "wait_agent",
            "Waits until one of the given sub-agents finishes or the timeout passes, and returns their status.",
            ObjectSchema::closed(
                vec![
                    ("targets", JsonSchema::string_array("Ids of the agents to wait for.")),
                    (
                        "timeout_ms",
                        JsonSchema::number("Longest wait in milliseconds; a default applies when omitted."),
                    ),
                ],
                &["targets"],
            ),
        ),
    );
    tools.insert(
        "close_agent",
        function(
            "close_agent",
            "Closes a sub-agent that is no longer needed and returns its last status.",
            ObjectSchema::closed(
                vec![("target", JsonSchema::string("Id of the agent to close."))],
                &["target"],
            ),
        ),
    );
    ToolSpec::Namespace(NamespaceTool {
        name: MULTI_AGENT_V1_NAMESPACE.to_owned(),
        description: "Tools that start and coordinate sub-agents.".to_owned(),
        tools: tools.into_values().collect(),
    })
}

/// The flat multi-agent v2 tools, in the reference's order.
pub(crate) fn multi_agent_v2() -> Vec<ToolSpec> {
    let inherit =
        |what: &str| format!("{what} for the agent; inherits the current one when omitted.");
    vec![
        function(
            "spawn_agent",
            "Starts a sub-agent under a task name and gives it its first message.",
            ObjectSchema::closed(
                vec![
                    (
                        "task_name",
                        JsonSchema::string(
                            "Short lowercase name for the task; it becomes the agent's path.",
                        ),
                    ),
                    ("message", JsonSchema::string("The task for the new agent.")),
                    (
                        "agent_type",
                        JsonSchema::string("Role of the agent; the default role when omitted."),
                    ),
                    (
                        "fork_turns",
                        JsonSchema::string(
                            "How much of this conversation the agent starts with: `none`, `all` or a number of recent turns.",
                        ),
                    ),
                    ("model", JsonSchema::string(&inherit("Model"))),
                    (
                        "reasoning_effort",
                        JsonSchema::string(&inherit("Reasoning effort")),
                    ),
                    ("service_tier", JsonSchema::string(&inherit("Service tier"))),
                ],
                &["task_name", "message"],
            ),
        ),
        function(
            "send_message",
            "Queues a message for a sub-agent without starting a new turn for it.",
            ObjectSchema::closed(
                vec![
                    ("target", JsonSchema::string("Id or path of the agent.")),
                    ("message", JsonSchema::string("The message.")),
                ],
                &["target", "message"],
            ),
        ),
        function(
            "assign_task",
            "Gives a sub-agent a new task and starts it working on it.",
            ObjectSchema::closed(
                vec![
                    ("target", JsonSchema::string("Id or path of the agent.")),
                    ("message", JsonSchema::string("The task.")),
                ],
                &["target", "message"],
            ),
        ),
        function(
            "wait_agent",
            "Waits for a message or status change from any sub-agent, up to a timeout.",
            ObjectSchema::closed_optional(vec![(
                "timeout_ms",
                JsonSchema::number("Longest wait in milliseconds; a default applies when omitted."),
            )]),
        ),
        function(
            "close_agent",
            "Closes a sub-agent and the agents it started.",
            ObjectSchema::closed(
                vec![("target", JsonSchema::string("Id or path of the agent."))],
                &["target"],
            ),
        ),
        function(
            "list_agents",
            "Lists the live sub-agents with their paths and status.",
            ObjectSchema::closed_optional(vec![(
                "path_prefix",
                JsonSchema::string("Only list agents whose path starts with this."),
            )]),
        ),
    ]
}

/// `spawn_agents_on_csv`: one sub-agent per row of a CSV file.
pub(crate) fn spawn_agents_on_csv() -> ToolSpec {
    let output_schema = ObjectSchema {
        description: Some("JSON schema every worker's result must follow.".to_owned()),
        ..ObjectSchema::default()
    };
    function(
        "spawn_agents_on_csv",
        "Runs one sub-agent per row of a CSV file with a shared instruction template, and collects their results into a CSV file.",
        ObjectSchema::closed(
            vec![
                (
                    "csv_path",
                    JsonSchema::string("CSV file with one job per row."),
                ),
                (
                    "instruction",
                    JsonSchema::string(
                        "Instruction template; `{column}` placeholders take the row's values.",
                    ),
                ),
                (
                    "id_column",
                    JsonSchema::string("Column holding a stable id per row."),
                ),
                (
                    "output_csv_path",
                    JsonSchema::string("Where to write the results."),
                ),
                (
                    "max_concurrency",
                    JsonSchema::number("Workers running at the same time."),
                ),
                (
                    "max_workers",
                    JsonSchema::number("Alias of max_concurrency."),
                ),
                (
                    "max_runtime_seconds",
                    JsonSchema::number("Time limit per worker, in seconds."),
                ),
                ("output_schema", JsonSchema::Object(output_schema)),
            ],
            &["csv_path", "instruction"],
        ),
    )
}
