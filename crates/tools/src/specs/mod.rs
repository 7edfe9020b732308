//! The built-in tool declarations. Names, types and parameter schemas are the
//! reference's; every description is our own text.

pub(crate) mod agents;
pub(crate) mod apply_patch;
pub(crate) mod exec;
pub(crate) mod goals;
pub(crate) mod plan;
pub(crate) mod search;
pub(crate) mod user_input;
pub(crate) mod view_image;
