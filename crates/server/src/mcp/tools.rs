//! The MCP server's two tools as `tools/list` declares them: `codex` (start a thread
//! and run one turn) and `codex-reply` (one more turn on a thread). Names, titles and
//! schemas are the reference's; descriptions are ours.

use serde_json::{Value, json};

fn output_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"threadId": {"type": "string"}, "content": {"type": "string"}},
        "required": ["threadId", "content"],
    })
}

/// The `tools/list` result.
pub(crate) fn tools_list() -> Value {
    json!({"tools": [
        {
            "name": "codex",
            "title": "Codex",
            "description": "Start a Codex session: run one agent turn for the prompt and return its final message.",
            "inputSchema": {
                "additionalProperties": false,
                "properties": {
                    "approval-policy": {
                        "description": "When commands ask the user before running: untrusted, on-failure, on-request or never.",
                        "type": "string",
                        "enum": ["untrusted", "on-failure", "on-request", "never"],
                    },
                    "base-instructions": {
                        "description": "Instructions to use instead of the model's default ones.",
                        "type": "string",
                    },
                    "compact-prompt": {
                        "description": "The prompt used when the conversation is compacted.",
                        "type": "string",
                    },
                    "config": {
                        "description": "Settings overriding config.toml for this session, as key/value pairs.",
                        "type": "object",
                        "additionalProperties": true,
                    },
                    "cwd": {
                        "description": "Working directory of the session; relative paths resolve against the server's directory.",
                        "type": "string",
                    },
                    "developer-instructions": {
                        "description": "Extra instructions given to the model as a developer message.",
                        "type": "string",
                    },
                    "model": {
                        "description": "Model to use instead of the configured one (for example gpt-5.5).",
                        "type": "string",
                    },
                    "prompt": {
                        "description": "What the user asks the agent to do.",
                        "type": "string",
                    },
                    "sandbox": {
                        "description": "Sandbox for the session's commands: read-only, workspace-write or danger-full-access.",
                        "type": "string",
                        "enum": ["read-only", "workspace-write", "danger-full-access"],
                    },
                },
                "required": ["prompt"],
                "type": "object",
            },
            "outputSchema": output_schema(),
        },
        {
            "name": "codex-reply",
            "title": "Codex Reply",
            "description": "Continue a Codex session started by the codex tool with another prompt.",
            "inputSchema": {
                "properties": {
                    "conversationId": {
                        "description": "Former name of threadId.",
                        "type": "string",
                    },
                    "prompt": {
                        "description": "What the user asks the agent to do next.",
                        "type": "string",
                    },
                    "threadId": {
                        "description": "The session to continue: the threadId a codex call returned.",
                        "type": "string",
                    },
                },
                "required": ["prompt"],
                "type": "object",
            },
            "outputSchema": output_schema(),
        },
    ]})
}
