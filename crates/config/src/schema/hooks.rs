//! `[hooks]`: lifecycle hooks defined inline, plus per-hook trust state.
//!
//! [`HooksToml`] flattens the event lists into itself, so unknown keys under
//! `[hooks]` are dropped silently, as in the reference.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

/// `[hooks]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HooksToml {
    /// Matcher groups by event.
    #[serde(flatten)]
    pub events: HookEventsToml,
    /// Enablement and trust of discovered hooks, by hook key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub state: BTreeMap<String, HookStateToml>,
}

/// `[hooks.state.<key>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookStateToml {
    /// Explicit on/off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Hash of the hook definition the user trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_hash: Option<String>,
}

/// Matcher groups for each hook event (`[[hooks.PreToolUse]]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookEventsToml {
    /// Before a tool runs.
    #[serde(rename = "PreToolUse", default)]
    pub pre_tool_use: Vec<MatcherGroup>,
    /// When a permission prompt would be shown.
    #[serde(rename = "PermissionRequest", default)]
    pub permission_request: Vec<MatcherGroup>,
    /// After a tool ran.
    #[serde(rename = "PostToolUse", default)]
    pub post_tool_use: Vec<MatcherGroup>,
    /// Before compaction.
    #[serde(rename = "PreCompact", default)]
    pub pre_compact: Vec<MatcherGroup>,
    /// After compaction.
    #[serde(rename = "PostCompact", default)]
    pub post_compact: Vec<MatcherGroup>,
    /// When a session starts.
    #[serde(rename = "SessionStart", default)]
    pub session_start: Vec<MatcherGroup>,
    /// When the user submits a prompt.
    #[serde(rename = "UserPromptSubmit", default)]
    pub user_prompt_submit: Vec<MatcherGroup>,
    /// When a sub-agent starts.
    #[serde(rename = "SubagentStart", default)]
    pub subagent_start: Vec<MatcherGroup>,
    /// When a sub-agent stops.
    #[serde(rename = "SubagentStop", default)]
    pub subagent_stop: Vec<MatcherGroup>,
    /// When the agent stops.
    #[serde(rename = "Stop", default)]
    pub stop: Vec<MatcherGroup>,
}

/// Handlers run for events whose subject matches `matcher`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatcherGroup {
    /// Pattern; absent matches everything.
    #[serde(default)]
    pub matcher: Option<String>,
    /// Handlers in order.
    #[serde(default)]
    pub hooks: Vec<HookHandlerConfig>,
}

/// One hook handler, selected by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HookHandlerConfig {
    /// Run a command.
    #[serde(rename = "command")]
    Command {
        /// Command line run through the shell.
        command: String,
        /// Replacement command line used on Windows.
        #[serde(default, rename = "commandWindows")]
        command_windows: Option<String>,
        /// Timeout in seconds.
        #[serde(default, rename = "timeout")]
        timeout_sec: Option<u64>,
        /// Run without waiting for the result.
        #[serde(default)]
        r#async: bool,
        /// Status text shown while the hook runs.
        #[serde(default, rename = "statusMessage")]
        status_message: Option<String>,
    },
    /// Prompt hook (accepted, not supported yet).
    #[serde(rename = "prompt")]
    Prompt {},
    /// Agent hook (accepted, not supported yet).
    #[serde(rename = "agent")]
    Agent {},
}
