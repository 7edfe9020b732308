//! Tools that ask the user: `request_user_input`, `request_permissions`.

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FunctionTool;
use crate::spec::ToolSpec;
use crate::specs::exec::permissions_schema;

/// `request_user_input`: ask the user short multiple-choice questions.
pub(crate) fn request_user_input(default_mode: bool) -> ToolSpec {
    let option = ObjectSchema::closed(
        vec![
            ("label", JsonSchema::string("Short answer text.")),
            (
                "description",
                JsonSchema::string("One sentence on what choosing it means."),
            ),
        ],
        &["label", "description"],
    );
    let question = ObjectSchema::closed(
        vec![
            (
                "id",
                JsonSchema::string("Stable snake_case id for the answer."),
            ),
            (
                "header",
                JsonSchema::string("A few words shown above the question."),
            ),
            (
                "question",
                JsonSchema::string("The question itself, one sentence."),
            ),
            (
                "options",
                JsonSchema::array(
                    "Two or three exclusive answers, the recommended one first; the user can always type another answer.",
                    JsonSchema::Object(option),
                ),
            ),
        ],
        &["id", "header", "question", "options"],
    );
    let description = if default_mode {
        "Asks the user one to three short questions and waits for the answers."
    } else {
        "Asks the user one to three short questions and waits for the answers. Only available in plan mode."
    };
    ToolSpec::Function(FunctionTool::new(
        "request_user_input",
        description,
        ObjectSchema::closed(
            vec![(
                "questions",
                JsonSchema::array("The questions to ask.", JsonSchema::Object(question)),
            )],
            &["questions"],
        ),
    ))
}

/// `request_permissions`: ask for extra sandbox access for the rest of the turn.
pub(crate) fn request_permissions() -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(
        "request_permissions",
        "Asks the user for more sandbox access (paths or network) before running commands that need it.",
        ObjectSchema::closed(
            vec![
                ("permissions", permissions_schema("The access wanted.")),
                ("reason", JsonSchema::string("Why the access is needed.")),
            ],
            &["permissions"],
        ),
    ))
}
