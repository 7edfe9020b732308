//! Model facts from the catalog that other layers act on: which shell tool, which
//! `apply_patch` form and which web search results a model gets. One definition, used
//! by the catalog (`recodex-client`) and the tool declarations (`recodex-tools`).

use serde::{Deserialize, Serialize};

/// Which shell tool flavour a model is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigShellToolType {
    /// The default shell tool.
    Default,
    /// The local shell tool.
    Local,
    /// Unified exec (`exec_command` / `write_stdin`).
    UnifiedExec,
    /// No shell tool.
    Disabled,
    /// The `shell_command` tool.
    ShellCommand,
}

/// How the `apply_patch` tool is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyPatchToolType {
    /// Freeform (grammar) tool.
    Freeform,
    /// JSON function tool.
    Function,
}

/// Which web search tool variant a model supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebSearchToolType {
    /// Text results only.
    #[default]
    Text,
    /// Text and image results.
    TextAndImage,
}
