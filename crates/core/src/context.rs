//! The items that open a thread's history: a developer message describing the
//! permissions the agent works under, and the environment context block.

use recodex_protocol::environment_context::{EnvironmentContext, FilesystemContext};
use recodex_protocol::models::{ContentItem, ResponseItem};
use recodex_protocol::permissions::SandboxPolicy;

use crate::settings::SessionSettings;

/// Our own wording of the permissions the agent has, tagged like the reference's block.
fn permissions_instructions(settings: &SessionSettings) -> String {
    use recodex_protocol::AskForApproval;
    let (policy, approval) = (&settings.sandbox_policy, settings.approval_policy);
    let sandbox = match policy {
        SandboxPolicy::DangerFullAccess => {
            "Commands run without a sandbox: they can read and write anything the user can, and use the network."
        }
        SandboxPolicy::ReadOnly { .. } => {
            "Commands run in a read-only sandbox: they can read files anywhere but cannot write, and have no network."
        }
        SandboxPolicy::WorkspaceWrite {
            network_access: true,
            ..
        } => {
            "Commands run in a sandbox that allows writing inside the workspace roots and temporary folders (not in .git, .agents or .codex) and allows network access."
        }
        SandboxPolicy::WorkspaceWrite { .. } => {
            "Commands run in a sandbox that allows writing inside the workspace roots and temporary folders (not in .git, .agents or .codex); the network is off."
        }
        SandboxPolicy::ExternalSandbox { .. } => {
            "Commands run inside a sandbox provided by the caller."
        }
    };
    let approvals = match approval {
        AskForApproval::Never => {
            "Nobody will approve commands interactively: never ask for approval; work within the sandbox and report what could not be done."
        }
        AskForApproval::OnRequest => {
            "You may ask the user to approve a command that needs more than the sandbox allows; explain why when you do."
        }
        AskForApproval::OnFailure => {
            "Commands run in the sandbox first; when one fails because of the sandbox, the user is asked whether to run it without."
        }
        AskForApproval::UnlessTrusted | AskForApproval::Granular(_) => {
            "Commands outside a small set of known-safe ones need the user's approval before they run."
        }
    };
    let mut denied = String::new();
    if !settings.denied_paths.is_empty() {
        let mut paths: Vec<String> = settings
            .denied_paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        paths.sort();
        denied = format!(
            "\nThese paths are off limits by the user's permission profile (they cannot be read or changed, and no approval will open them): {}.",
            paths.join(", ")
        );
    }
    format!(
        "<permissions instructions>\n{sandbox}\n{approvals}{denied}\n</permissions instructions>"
    )
}

/// The environment context block for the session's first turn.
pub(crate) fn environment_context(settings: &SessionSettings, date: String) -> EnvironmentContext {
    EnvironmentContext {
        cwd: Some(settings.cwd.clone()),
        shell: "bash".to_owned(),
        current_date: Some(date),
        timezone: Some(settings.timezone.clone()),
        network: None,
        filesystem: Some(FilesystemContext {
            workspace_roots: settings.workspace_roots(),
            profile: settings.permission_profile(),
        }),
    }
}

fn text_message(role: &str, text: String) -> ResponseItem {
    ResponseItem::Message {
        id: None,
        role: role.to_owned(),
        content: vec![ContentItem::InputText { text }],
        phase: None,
    }
}

/// The opening items: developer permissions message, then the environment context.
pub(crate) fn initial_items(settings: &SessionSettings, date: String) -> Vec<ResponseItem> {
    vec![
        text_message("developer", permissions_instructions(settings)),
        text_message("user", environment_context(settings, date).to_xml()),
    ]
}

/// The user's prompt as a message.
pub(crate) fn user_message(text: &str) -> ResponseItem {
    text_message("user", text.to_owned())
}

/// The model-visible input of a session's first turn: the opening items, then the user's
/// message when there is one (`debug prompt-input`).
pub fn prompt_input(
    settings: &SessionSettings,
    input: Option<&crate::user_input::UserInput>,
) -> Vec<ResponseItem> {
    let date = chrono::Local::now().format("%Y-%m-%d").to_string();
    let mut items = initial_items(settings, date);
    if let Some(input) = input {
        items.push(crate::user_input::user_message(input, &settings.cwd));
    }
    items
}
