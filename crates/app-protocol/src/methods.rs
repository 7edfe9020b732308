//! The client request methods 0.136.0's app-server knows, in its declaration order (the
//! order its "unknown variant" error lists them in).

/// Every client request method, in declaration order.
pub const CLIENT_REQUEST_METHODS: &[&str] = &[
    "initialize",
    "thread/start",
    "thread/resume",
    "thread/fork",
    "thread/archive",
    "thread/unsubscribe",
    "thread/increment_elicitation",
    "thread/decrement_elicitation",
    "thread/name/set",
    "thread/goal/set",
    "thread/goal/get",
    "thread/goal/clear",
    "thread/metadata/update",
    "thread/settings/update",
    "thread/memoryMode/set",
    "memory/reset",
    "thread/unarchive",
    "thread/compact/start",
    "thread/shellCommand",
    "thread/approveGuardianDeniedAction",
    "thread/backgroundTerminals/clean",
    "thread/rollback",
    "thread/list",
    "thread/search",
    "thread/loaded/list",
    "thread/read",
    "thread/turns/list",
    "thread/turns/items/list",
    "thread/inject_items",
    "skills/list",
    "skills/extraRoots/set",
    "hooks/list",
    "marketplace/add",
    "marketplace/remove",
    "marketplace/upgrade",
    "plugin/list",
    "plugin/installed",
    "plugin/read",
    "plugin/skill/read",
    "plugin/share/save",
    "plugin/share/updateTargets",
    "plugin/share/list",
    "plugin/share/checkout",
    "plugin/share/delete",
    "app/list",
    "fs/readFile",
    "fs/writeFile",
    "fs/createDirectory",
    "fs/getMetadata",
    "fs/readDirectory",
    "fs/remove",
    "fs/copy",
    "fs/watch",
    "fs/unwatch",
    "skills/config/write",
    "plugin/install",
    "plugin/uninstall",
    "turn/start",
    "turn/steer",
    "turn/interrupt",
    "thread/realtime/start",
    "thread/realtime/appendAudio",
    "thread/realtime/appendText",
    "thread/realtime/stop",
    "thread/realtime/listVoices",
    "review/start",
    "model/list",
    "modelProvider/capabilities/read",
    "experimentalFeature/list",
    "permissionProfile/list",
    "experimentalFeature/enablement/set",
    "remoteControl/enable",
    "remoteControl/disable",
    "remoteControl/status/read",
    "collaborationMode/list",
    "mock/experimentalMethod",
    "environment/add",
    "mcpServer/oauth/login",
    "config/mcpServer/reload",
    "mcpServerStatus/list",
    "mcpServer/resource/read",
    "mcpServer/tool/call",
    "windowsSandbox/setupStart",
    "windowsSandbox/readiness",
    "account/login/start",
    "account/login/cancel",
    "account/logout",
    "account/rateLimits/read",
    "account/sendAddCreditsNudgeEmail",
    "feedback/upload",
    "command/exec",
    "command/exec/write",
    "command/exec/terminate",
    "command/exec/resize",
    "process/spawn",
    "process/writeStdin",
    "process/kill",
    "process/resizePty",
    "config/read",
    "externalAgentConfig/detect",
    "externalAgentConfig/import",
    "config/value/write",
    "config/batchWrite",
    "configRequirements/read",
    "account/read",
    "getConversationSummary",
    "gitDiffToRemote",
    "getAuthStatus",
    "fuzzyFileSearch",
    "fuzzyFileSearch/sessionStart",
    "fuzzyFileSearch/sessionUpdate",
    "fuzzyFileSearch/sessionStop",
];

/// Whether `method` is a client request the app-server knows.
pub fn is_client_request(method: &str) -> bool {
    CLIENT_REQUEST_METHODS.contains(&method)
}

/// The error text for an unknown method, as serde words it for the reference.
pub fn unknown_method_message(method: &str) -> String {
    let expected = CLIENT_REQUEST_METHODS
        .iter()
        .map(|m| format!("`{m}`"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("Invalid request: unknown variant `{method}`, expected one of {expected}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_method_table_matches_the_schema_index() {
        assert_eq!(CLIENT_REQUEST_METHODS.len(), 112);
        assert!(is_client_request("thread/list"));
        assert!(!is_client_request("bogus/method"));
        let message = unknown_method_message("bogus/method");
        assert!(message.starts_with(
            "Invalid request: unknown variant `bogus/method`, expected one of `initialize`, `thread/start`, "
        ));
        assert!(message.ends_with("`fuzzyFileSearch/sessionStop`"));
    }
}
