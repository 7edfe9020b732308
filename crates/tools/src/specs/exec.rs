//! Shell tools: `exec_command`, `write_stdin`, `shell_command`, `local_shell`.

use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::FunctionTool;
use crate::spec::ToolSpec;

/// Options shared by the command-running tools.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommandToolOptions {
    pub(crate) allow_login_shell: bool,
    pub(crate) exec_permission_approvals: bool,
}

/// The permissions object used by `additional_permissions` and `request_permissions`.
pub(crate) fn permissions_schema(description: &str) -> JsonSchema {
    let file_system = ObjectSchema::closed_optional(vec![
        (
            "read",
            JsonSchema::string_array("Paths that must become readable."),
        ),
        (
            "write",
            JsonSchema::string_array("Paths that must become writable."),
        ),
    ])
    .described("Filesystem access to add.");
    let network = ObjectSchema::closed_optional(vec![(
        "enabled",
        JsonSchema::boolean("Set to true to allow network access."),
    )])
    .described("Network access to add.");
    JsonSchema::Object(
        ObjectSchema::closed_optional(vec![
            ("file_system", JsonSchema::Object(file_system)),
            ("network", JsonSchema::Object(network)),
        ])
        .described(description),
    )
}

/// Properties common to `exec_command` and `shell_command`.
fn approval_properties(options: CommandToolOptions) -> Vec<(&'static str, JsonSchema)> {
    let mut props = vec![
        (
            "justification",
            JsonSchema::string(
                "Only with `require_escalated`: the question shown to the user when asking for approval.",
            ),
        ),
        (
            "prefix_rule",
            JsonSchema::string_array(
                "Only with `require_escalated`: a command prefix the user may approve for later runs too, e.g. [\"cargo\", \"test\"].",
            ),
        ),
    ];
    let modes: &[&str] = if options.exec_permission_approvals {
        &[
            "use_default",
            "with_additional_permissions",
            "require_escalated",
        ]
    } else {
        &["use_default", "require_escalated"]
    };
    props.push((
        "sandbox_permissions",
        JsonSchema::string_enum(
            "Sandbox mode for this one command: `use_default` (the default) or `require_escalated` to ask for running it outside the sandbox.",
            modes,
        ),
    ));
    if options.exec_permission_approvals {
        props.push((
            "additional_permissions",
            permissions_schema(
                "Extra sandbox access for this command; only with `sandbox_permissions: \"with_additional_permissions\"`.",
            ),
        ));
    }
    if options.allow_login_shell {
        props.push((
            "login",
            JsonSchema::boolean(
                "Whether the shell starts as a login shell (reads the user's profile). Defaults to true.",
            ),
        ));
    }
    props
}

/// `exec_command`: start a command, optionally as an interactive session.
pub(crate) fn exec_command(options: CommandToolOptions) -> ToolSpec {
    let mut props = vec![
        ("cmd", JsonSchema::string("The shell command to run.")),
        (
            "workdir",
            JsonSchema::string("Directory to run in; the turn's working directory when omitted."),
        ),
        (
            "shell",
            JsonSchema::string("Shell program to use instead of the user's default shell."),
        ),
        (
            "tty",
            JsonSchema::boolean(
                "Run in a pseudo-terminal so the session accepts input later. Defaults to false.",
            ),
        ),
        (
            "yield_time_ms",
            JsonSchema::number("How long to wait for output before returning, in milliseconds."),
        ),
        (
            "max_output_tokens",
            JsonSchema::number(
                "Upper bound on the output tokens returned; the middle of longer output is cut.",
            ),
        ),
    ];
    props.extend(approval_properties(options));
    ToolSpec::Function(FunctionTool::new(
        "exec_command",
        "Runs a shell command. Long-running or interactive commands keep a session that write_stdin can talk to.",
        ObjectSchema::closed(props, &["cmd"]),
    ))
}

/// `write_stdin`: send input to, or poll, a running session.
pub(crate) fn write_stdin() -> ToolSpec {
    ToolSpec::Function(FunctionTool::new(
        "write_stdin",
        "Sends characters to a running exec_command session and returns the output produced since the last call.",
        ObjectSchema::closed(
            vec![
                (
                    "session_id",
                    JsonSchema::number("The session id exec_command reported."),
                ),
                (
                    "chars",
                    JsonSchema::string(
                        "Text to write to the session; leave empty to just read output.",
                    ),
                ),
                (
                    "yield_time_ms",
                    JsonSchema::number(
                        "How long to wait for output after writing, in milliseconds; empty polls wait longer.",
                    ),
                ),
                (
                    "max_output_tokens",
                    JsonSchema::number(
                        "Upper bound on the output tokens returned; the middle of longer output is cut.",
                    ),
                ),
            ],
            &["session_id"],
        ),
    ))
}

/// `shell_command`: run a command to completion.
pub(crate) fn shell_command(options: CommandToolOptions) -> ToolSpec {
    let mut props = vec![
        (
            "command",
            JsonSchema::string("The script to run with the user's shell."),
        ),
        (
            "workdir",
            JsonSchema::string("Directory to run in; the turn's working directory when omitted."),
        ),
        (
            "timeout_ms",
            JsonSchema::number("Time limit for the command in milliseconds (10000 when omitted)."),
        ),
    ];
    props.extend(approval_properties(options));
    ToolSpec::Function(FunctionTool::new(
        "shell_command",
        "Runs a shell script to completion and returns its exit code and combined output. Prefer setting `workdir` over `cd`.",
        ObjectSchema::closed(props, &["command"]),
    ))
}

/// `local_shell`: the provider's own shell tool.
pub(crate) fn local_shell() -> ToolSpec {
    ToolSpec::LocalShell {}
}
