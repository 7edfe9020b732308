//! `update_plan`.

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FunctionTool;
use crate::spec::ToolSpec;

/// `update_plan`: replace the task plan shown to the user.
pub(crate) fn update_plan() -> ToolSpec {
    let step = ObjectSchema::closed(
        vec![
            ("step", JsonSchema::string("What the step does.")),
            (
                "status",
                JsonSchema::string_enum(
                    "Where it stands.",
                    &["pending", "in_progress", "completed"],
                ),
            ),
        ],
        &["step", "status"],
    );
    ToolSpec::Function(FunctionTool::new(
        "update_plan",
        "Records the current plan as an ordered list of steps with their status. Keep at most one step in_progress; send the whole list each time.",
        ObjectSchema::closed(
            vec![
                (
                    "explanation",
                    JsonSchema::string("Optional note on why the plan changed."),
                ),
                (
                    "plan",
                    JsonSchema::array("The steps, in order.", JsonSchema::Object(step)),
                ),
            ],
            &["plan"],
        ),
    ))
}
