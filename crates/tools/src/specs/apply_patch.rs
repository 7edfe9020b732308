//! `apply_patch`, as a grammar-constrained custom tool or a JSON function tool.

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FreeformFormat;
use crate::spec::FreeformTool;
use crate::spec::FunctionTool;
use crate::spec::ToolSpec;

/// Our lark grammar of the patch format (the reference's text differs; see DEVIATIONS.md).
pub const APPLY_PATCH_LARK_GRAMMAR: &str = include_str!("apply_patch.lark");

const DESCRIPTION: &str = "Edits files by applying a patch: add, delete, update or rename files. \
The input must follow the apply_patch format exactly.";

/// The custom (freeform) declaration.
pub(crate) fn freeform() -> ToolSpec {
    ToolSpec::Freeform(FreeformTool {
        name: "apply_patch".to_owned(),
        description: DESCRIPTION.to_owned(),
        format: FreeformFormat {
            kind: "grammar".to_owned(),
            syntax: "lark".to_owned(),
            definition: APPLY_PATCH_LARK_GRAMMAR.to_owned(),
        },
    })
}

/// The JSON function declaration.
pub(crate) fn function() -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(
        "apply_patch",
        DESCRIPTION,
        ObjectSchema::closed(
            vec![(
                "input",
                JsonSchema::string("The whole patch, from `*** Begin Patch` to `*** End Patch`."),
            )],
            &["input"],
        ),
    ))
}
