//! The goal tools: `get_goal`, `create_goal`, `update_goal`.

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FunctionTool;
use crate::spec::ToolSpec;

/// `get_goal`: read the thread's goal.
pub(crate) fn get_goal() -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(
        "get_goal",
        "Returns the goal of this thread, if one is set: its objective, status and token budget use.",
        ObjectSchema::closed(Vec::new(), &[]),
    ))
}

/// `create_goal`: set a goal when none is active.
pub(crate) fn create_goal() -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(
        "create_goal",
        "Sets a long-running goal for this thread. Use it only when the user asks for a goal; it fails if one is already active.",
        ObjectSchema::closed(
            vec![
                (
                    "objective",
                    JsonSchema::string(
                        "The outcome to reach, stated so that it is clear when it is done.",
                    ),
                ),
                (
                    "token_budget",
                    JsonSchema::integer("Optional number of tokens the goal may use."),
                ),
            ],
            &["objective"],
        ),
    ))
}

/// `update_goal`: close the goal.
pub(crate) fn update_goal() -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(
        "update_goal",
        "Marks the active goal complete once its objective is met and checked, or blocked when it cannot go on without the user.",
        ObjectSchema::closed(
            vec![(
                "status",
                JsonSchema::string_enum(
                    "`complete` when the objective is reached, `blocked` when progress needs the user.",
                    &["complete", "blocked"],
                ),
            )],
            &["status"],
        ),
    ))
}
