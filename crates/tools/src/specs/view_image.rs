//! `view_image`.

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FunctionTool;
use crate::spec::ToolSpec;

/// `view_image`: attach a local image to the conversation.
pub(crate) fn view_image(offer_detail: bool) -> ToolSpec {
    let mut props = vec![(
        "path",
        JsonSchema::string("Path of the image file on disk."),
    )];
    if offer_detail {
        props.push((
            "detail",
            JsonSchema::string_enum(
                "Resolution to send: `high` (default) or `original` for full-size pixels.",
                &["high", "original"],
            ),
        ));
    }
    ToolSpec::Function(FunctionTool::new(
        "view_image",
        "Loads an image from the local filesystem so it can be looked at. Use it only for images the user did not attach.",
        ObjectSchema::closed(props, &["path"]),
    ))
}
