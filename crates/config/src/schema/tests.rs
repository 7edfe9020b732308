//! Parsing tests for the `config.toml` schema. Expected messages were taken
//! from the reference binary (`codex app-server --strict-config`).

use pretty_assertions::assert_eq;

use recodex_protocol::GranularApprovalConfig;

use super::*;

/// Parses `input` and summarizes the outcome the way `--strict-config`
/// reports it: the serde error, else the first unknown key, else `OK`.
fn outcome(input: &str) -> String {
    let value: toml::Value = match toml::from_str(input) {
        Ok(value) => value,
        Err(err) => return format!("toml: {}", err.message()),
    };
    match parse_config_toml(value) {
        Err(err) => err.message().to_string(),
        Ok((_, ignored)) => match ignored.first() {
            Some(path) => unknown_field_message(path),
            None => "OK".to_string(),
        },
    }
}

fn check(input: &str, expected: &str) {
    assert_eq!(outcome(input), expected, "input:\n{input}");
}

fn parse(input: &str) -> ConfigToml {
    let value: toml::Value = toml::from_str(input).unwrap_or_else(|err| panic!("{err}"));
    let (config, ignored) = parse_config_toml(value).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(ignored, Vec::<String>::new());
    config
}

const REALISTIC: &str = r#"
model = "gpt-5.5"
review_model = "gpt-5.5"
model_provider = "mock"
model_reasoning_effort = "high"
plan_mode_reasoning_effort = "xhigh"
model_reasoning_summary = "concise"
model_verbosity = "low"
model_auto_compact_token_limit_scope = "body_after_prefix"
approval_policy = "on-request"
approvals_reviewer = "guardian_subagent"
sandbox_mode = "workspace-write"
personality = "pragmatic"
service_tier = "fast"
web_search = "live"
file_opener = "vscode-insiders"
cli_auth_credentials_store = "keyring"
mcp_oauth_credentials_store = "file"
forced_login_method = "api"
forced_chatgpt_workspace_id = ["a", "b"]
notify = ["notify-send", "codex"]
project_root_markers = [".git", ".hg"]
experimental_thread_store = { type = "in_memory", id = "t" }
desktop = { window = { width = 800 } }

[sandbox_workspace_write]
writable_roots = ["~/scratch", "/var/tmp"]
network_access = true

[shell_environment_policy]
inherit = "core"
exclude = ["*TOKEN*"]
set = { EDITOR = "vim" }

[history]
persistence = "none"
max_bytes = 1048576

[tui]
notifications = ["agent-turn-complete"]
notification_method = "osc9"
animations = false
alternate_screen = "never"
pet_anchor = "screen-bottom"
session_picker_view = "comfortable"
model_availability_nux = { "gpt-5.5" = 2 }

[tui.keymap.global]
copy = ["ctrl-shift-c", "Escape"]

[tui.keymap.vim_normal]
enter_insert = "i"

[model_providers.mock]
name = "Mock"
base_url = "http://127.0.0.1:18999/v1"
env_key = "MOCK_KEY"
wire_api = "responses"
query_params = { "api-version" = "2025-01-01" }
http_headers = { "X-Org" = "o" }
env_http_headers = { "X-Key" = "MOCK_KEY" }
request_max_retries = 2
stream_max_retries = 3
stream_idle_timeout_ms = 1000
websocket_connect_timeout_ms = 500
supports_websockets = true

[model_providers.cmd]
name = "Cmd"
auth = { command = "print-token", args = ["--fresh"], timeout_ms = 100 }

[model_providers.amazon-bedrock.aws]
profile = "work"
region = "us-west-2"

[mcp_servers.docs]
command = "docs-mcp"
args = ["--stdio"]
env = { LOG = "debug" }
env_vars = ["HOME", { name = "TOKEN", source = "remote" }]
startup_timeout_sec = 20
tool_timeout_sec = 1.5
enabled_tools = ["search"]
tools = { search = { approval_mode = "approve" } }

[mcp_servers.web]
url = "https://example.com/mcp"
bearer_token_env_var = "WEB_TOKEN"
http_headers = { "X-A" = "1" }
oauth = { client_id = "cid" }
scopes = ["read"]

[profiles.fast]
model = "gpt-5.5-mini"
approval_policy = { granular = { sandbox_approval = true, rules = false, mcp_elicitations = true } }
tui = { session_picker_view = "dense" }
features = { shell_tool = false }

[projects."/home/u/repo"]
trust_level = "trusted"

[features]
shell_tool = true
multi_agent_v2 = { enabled = true, max_concurrent_threads_per_session = 4 }

[tools]
web_search = { context_size = "high", allowed_domains = ["example.com"] }
experimental_request_user_input = { enabled = true }

[agents]
max_threads = 4
max_depth = 2

[agents.researcher]
description = "Digs."
config_file = "./agents/researcher.toml"
nickname_candidates = ["Herodotus"]

[memories]
no_memories_if_mcp_or_web_search = true
max_rollouts_per_startup = 8

[skills]
include_instructions = false
bundled = { enabled = false }
[[skills.config]]
path = "/skills/a/SKILL.md"
enabled = false

[[hooks.PreToolUse]]
matcher = "shell"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "check.sh"
timeout = 10
statusMessage = "Checking"

[hooks.state."user:check"]
enabled = true
trusted_hash = "abc"

[plugins.linear]
enabled = true
[plugins.linear.mcp_servers.linear]
enabled_tools = ["issues"]

[marketplaces.team]
source_type = "git"
source = "https://example.com/m.git"
ref = "main"

[apps._default]
enabled = false
[apps.google_drive]
default_tools_approval_mode = "prompt"
[apps.google_drive.tools."files/list"]
enabled = true

[tool_suggest]
discoverables = [{ type = "plugin", id = "p" }]
disabled_tools = [{ type = "connector", id = "c" }]

[otel]
environment = "prod"
exporter = { otlp-http = { endpoint = "https://otel", protocol = "json", headers = { a = "b" } } }
metrics_exporter = "none"

[analytics]
enabled = false

[feedback]
enabled = false

[windows]
sandbox = "unelevated"

[notice]
hide_full_access_warning = true
"hide_gpt-5.1-codex-max_migration_prompt" = true
model_migrations = { "gpt-5" = "gpt-5.5" }

[realtime]
version = "v1"
type = "transcription"
transport = "websocket"
voice = "marin"

[audio]
microphone = "USB"

[debug.config_lockfile]
export_dir = "locks"

[ghost_snapshot]
ignore_untracked_files_over_bytes = 10

[auto_review]
policy = "Be careful."

default_permissions = "dev"
"#;

// `default_permissions` after a table header belongs to that table in
// TOML, so the permissions part is a separate document merged in below.
const PERMISSIONS: &str = r#"
default_permissions = "dev"

[permissions.dev]
description = "Development"
extends = ":workspace"
workspace_roots = { "/src" = true }

[permissions.dev.filesystem]
glob_scan_max_depth = 3
"/etc" = "read"
"/src" = { "target" = "write", "secrets" = "none" }

[permissions.dev.network]
enabled = true
mode = "limited"
domains = { "example.com" = "allow", "evil.com" = "deny" }
unix_sockets = { "/run/docker.sock" = "allow" }

[permissions.dev.network.mitm.hooks.gh]
host = "api.github.com"
methods = ["POST"]
path_prefixes = ["/repos"]
action = ["strip"]

[permissions.dev.network.mitm.actions.strip]
strip_request_headers = ["authorization"]
"#;

#[test]
fn parses_a_realistic_config_with_every_section() {
    let config = parse(&REALISTIC.replace("\ndefault_permissions = \"dev\"\n", "\n"));
    assert_eq!(config.model.as_deref(), Some("gpt-5.5"));
    assert_eq!(config.model_reasoning_effort, Some(ReasoningEffort::High));
    assert_eq!(
        config.plan_mode_reasoning_effort,
        Some(ReasoningEffort::XHigh)
    );
    assert_eq!(
        config.approvals_reviewer,
        Some(ApprovalsReviewer::AutoReview)
    );
    assert_eq!(config.allow_login_shell, Some(true));
    assert_eq!(
        config.project_doc_max_bytes,
        Some(DEFAULT_PROJECT_DOC_MAX_BYTES)
    );
    assert_eq!(
        config.history,
        Some(History {
            persistence: HistoryPersistence::None,
            max_bytes: Some(1_048_576),
        })
    );
    let tui = config.tui.unwrap_or_default();
    assert!(!tui.animations);
    assert!(tui.show_tooltips);
    assert_eq!(tui.notification_settings.method, NotificationMethod::Osc9);
    assert_eq!(
        tui.keymap.global.copy,
        Some(KeybindingsSpec::Many(vec![
            KeybindingSpec("ctrl-shift-c".to_string()),
            KeybindingSpec("esc".to_string()),
        ]))
    );
    let mock = &config.model_providers["mock"];
    assert_eq!(mock.request_max_retries, Some(2));
    assert!(mock.supports_websockets);
    let cmd_auth = config.model_providers["cmd"].auth.clone();
    assert_eq!(cmd_auth.map(|auth| auth.refresh_interval_ms), Some(300_000));
    let docs = &config.mcp_servers["docs"];
    assert_eq!(docs.environment_id, "local");
    assert_eq!(
        docs.startup_timeout,
        Some(std::time::Duration::from_secs(20))
    );
    assert!(matches!(
        &config.mcp_servers["web"].transport,
        McpServerTransportConfig::StreamableHttp { url, .. } if url == "https://example.com/mcp"
    ));
    let profile = &config.profiles["fast"];
    assert!(matches!(
        profile.approval_policy,
        Some(AskForApproval::Granular(GranularApprovalConfig {
            sandbox_approval: true,
            skill_approval: false,
            ..
        }))
    ));
    let features = config.features.unwrap_or_default();
    assert_eq!(
        features.enabled_entries().get("multi_agent_v2"),
        Some(&true)
    );
    let agents = config.agents.unwrap_or_default();
    assert_eq!(agents.max_threads, Some(4));
    assert!(agents.roles.contains_key("researcher"));
    assert_eq!(
        config.memories.and_then(|m| m.disable_on_external_context),
        Some(true)
    );
    assert_eq!(config.hooks.map(|h| h.events.pre_tool_use.len()), Some(1));
    assert_eq!(
        config.experimental_thread_store,
        Some(ThreadStoreToml::InMemory {
            id: "t".to_string()
        })
    );
}

#[test]
fn parses_permission_profiles() {
    let config = parse(PERMISSIONS);
    let permissions = config.permissions.unwrap_or_default();
    let dev = &permissions.entries["dev"];
    let filesystem = dev.filesystem.clone().unwrap_or_default();
    assert_eq!(filesystem.glob_scan_max_depth, Some(3));
    assert_eq!(
        filesystem.entries["/etc"],
        FilesystemPermissionToml::Access(FileSystemAccessMode::Read)
    );
    let network = dev.network.clone().unwrap_or_default();
    assert_eq!(network.mode, Some(NetworkMode::Limited));
    assert_eq!(network.mitm.and_then(|m| m.hooks).map(|h| h.len()), Some(1));
}

#[test]
fn wrong_enum_variants_use_the_reference_messages() {
    let cases = [
        (
            r#"model_reasoning_effort = "extreme""#,
            "unknown variant `extreme`, expected one of `none`, `minimal`, `low`, `medium`, `high`, `xhigh`",
        ),
        (
            r#"approval_policy = "x""#,
            "unknown variant `x`, expected one of `untrusted`, `on-failure`, `on-request`, `granular`, `never`",
        ),
        (
            r#"approvals_reviewer = "x""#,
            "unknown variant `x`, expected one of `user`, `auto_review`, `guardian_subagent`",
        ),
        (
            r#"sandbox_mode = "x""#,
            "unknown variant `x`, expected one of `read-only`, `workspace-write`, `danger-full-access`",
        ),
        (
            r#"model_verbosity = "x""#,
            "unknown variant `x`, expected one of `low`, `medium`, `high`",
        ),
        (
            r#"forced_login_method = "x""#,
            "unknown variant `x`, expected `chatgpt` or `api`",
        ),
        (
            r#"model_auto_compact_token_limit_scope = "x""#,
            "unknown variant `x`, expected `total` or `body_after_prefix`",
        ),
        (
            "[model_providers.m]\nname = \"m\"\nwire_api = \"x\"",
            "unknown variant `x`, expected `responses`",
        ),
        (
            "[history]\npersistence = \"x\"",
            "unknown variant `x`, expected `save-all` or `none`",
        ),
        (
            "[shell_environment_policy]\ninherit = \"x\"",
            "unknown variant `x`, expected one of `core`, `all`, `none`",
        ),
        (
            "[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = \"x\"",
            "unknown variant `x`, expected one of `command`, `prompt`, `agent`",
        ),
        (
            "experimental_thread_store = { type = \"x\" }",
            "unknown variant `x`, expected `local` or `in_memory`",
        ),
        (
            "model_reasoning_effort = 1",
            "invalid type: unit variant, expected string only",
        ),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn type_errors_name_the_reference_structs() {
    check("tui = 1", "invalid type: integer `1`, expected struct Tui");
    check(
        "mcp_servers = { a = 1 }",
        "invalid type: integer `1`, expected struct RawMcpServerConfig",
    );
    check(
        "tool_suggest = { disabled_tools = [1] }",
        "invalid type: integer `1`, expected struct ToolSuggestDisabledTool",
    );
    check(
        "forced_chatgpt_workspace_id = 1",
        "data did not match any variant of untagged enum Repr",
    );
    check(
        "[features.multi_agent_v2]\nbogus = true",
        "data did not match any variant of untagged enum FeatureToml",
    );
    check(
        "[tools]\nweb_search = \"x\"",
        "data did not match any variant of untagged enum WebSearchToolConfigInput",
    );
    check(
        "[tui.keymap.global]\ncopy = \"f13\"",
        "data did not match any variant of untagged enum KeybindingsSpec",
    );
    check(
        "[profiles.p.tui]\nfoo = 1",
        "unknown field `foo`, expected `session_picker_view`",
    );
}

#[test]
fn unknown_keys_are_reported_with_their_dotted_path() {
    check("bogus_key = 1", "unknown configuration field `bogus_key`");
    check(
        "[history]\nzz = 2",
        "unknown configuration field `history.zz`",
    );
    check(
        "[model_providers.m]\nname = \"m\"\nbogus = 1",
        "unknown configuration field `model_providers.m.bogus`",
    );
    check(
        "[mcp_servers.a]\ncommand = \"x\"\nbogus = 1",
        "unknown configuration field `mcp_servers.a.bogus`",
    );
    check(
        "[tui.keymap.vim_normal]\nbogus = 1",
        "unknown configuration field `tui.keymap.vim_normal.bogus`",
    );
    check(
        "[tools.experimental_request_user_input]\nfoo = 1",
        "unknown configuration field `tools.experimental_request_user_input.foo`",
    );
    check(
        "[hooks.state.x]\nbogus = 1",
        "unknown configuration field `hooks.state.x.bogus`",
    );
    check(
        "[[skills.config]]\nenabled = true\nbogus = 1",
        "unknown configuration field `skills.config.0.bogus`",
    );

    let value: toml::Value = toml::from_str("zzz = 1\naaa = 1\n[tui]\nx = 1\n[zz]\na = 1")
        .unwrap_or_else(|err| panic!("{err}"));
    let ignored = parse_config_toml(value).map(|(_, ignored)| ignored);
    assert_eq!(
        ignored.ok(),
        Some(vec!["zzz".to_string(), "aaa".to_string(), "zz".to_string()])
    );
}

#[test]
fn free_form_and_flattened_tables_are_not_reported() {
    for input in [
        "[mcp_servers.a]\ncommand = \"x\"\nenv = { ANY = \"v\" }",
        "[model_providers.m]\nname = \"m\"\nhttp_headers = { Anything = \"v\" }",
        "[features]\nnot_a_feature = true",
        "[tui]\nfoo = 1",
        "[agents.r]\nbogus = 1",
        "[[hooks.PreToolUse]]\nbogus = 1",
        "[permissions.p.network]\nbogus = 1",
        "[tools.web_search]\nbogus = 1",
        "desktop = { anything = [1, \"x\"] }",
    ] {
        check(input, "OK");
    }
}

#[test]
fn unknown_features_are_found_by_the_caller_supplied_registry() {
    let value: toml::Value = toml::from_str(
        "[features]\nshell_tool = true\nbogus = true\n[profiles.p.features]\nzz = false",
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let paths = unknown_feature_paths(&value, |key| key == "shell_tool");
    assert_eq!(paths, vec!["features.bogus", "profiles.p.features.zz"]);
}

#[test]
fn provider_validation_matches_the_reference() {
    check(
        "[model_providers.openai]\nname = \"x\"",
        "model_providers contains reserved built-in provider IDs: `openai`. Built-in providers cannot be overridden. Rename your custom provider (for example, `openai-custom`).",
    );
    check(
        "[model_providers.m]\nbase_url = \"x\"",
        "model_providers.m: provider name must not be empty",
    );
    check(
        "[model_providers.m]\nname = \"\"\naws = {}",
        "model_providers.m: provider aws is only supported for `amazon-bedrock`",
    );
    check(
        "[model_providers.m]\nname = \"m\"\nauth = { command = \" \" }",
        "model_providers.m: provider auth.command must not be empty",
    );
    check(
        "[model_providers.m]\nname = \"m\"\nauth = { command = \"x\" }\nenv_key = \"A\"\nrequires_openai_auth = true",
        "model_providers.m: provider auth cannot be combined with env_key, requires_openai_auth",
    );
    check(
        "[model_providers.m]\nname = \"m\"\nauth = { command = \"x\", timeout_ms = 0 }",
        "invalid value: integer `0`, expected a nonzero u64",
    );
    check("[model_providers.amazon-bedrock]\nname = \"\"", "OK");
    check(
        "[model_providers.m]\nname = \"m\"\nwire_api = \"chat\"",
        recodex_protocol::CHAT_WIRE_API_REMOVED_ERROR,
    );
}

#[test]
fn mcp_servers_are_validated_into_a_transport() {
    check("[mcp_servers.a]\nargs = [\"x\"]", "invalid transport");
    check(
        "[mcp_servers.a]\ncommand = \"x\"\nurl = \"y\"",
        "url is not supported for stdio",
    );
    check(
        "[mcp_servers.a]\nurl = \"y\"\ncwd = \"/x\"",
        "cwd is not supported for streamable_http",
    );
    check(
        "[mcp_servers.a]\ncommand = \"x\"\nenvironment_id = \"y\"",
        "remote stdio MCP servers require an absolute cwd when environment_id is `y`",
    );
    check(
        "[mcp_servers.a]\ncommand = \"x\"\nenv_vars = [{ name = \"B\", source = \"zz\" }]",
        "unsupported env_vars source `zz`; expected `local` or `remote`",
    );
}

#[test]
fn a_layer_may_hold_an_mcp_fragment() {
    let value: toml::Value = toml::from_str("[mcp_servers.a]\nenabled = false\nbogus = 1")
        .unwrap_or_else(|err| panic!("{err}"));
    let ignored = check_config_layer(value).map_err(|err| err.to_string());
    assert_eq!(ignored, Ok(vec!["mcp_servers.a.bogus".to_string()]));
}

#[test]
fn keybindings_are_normalized() {
    let cases = [
        ("Ctrl-A", Ok("ctrl-a")),
        ("shift-ctrl-Escape", Ok("ctrl-shift-esc")),
        ("option-pgdn", Ok("alt-page-down")),
        ("f12", Ok("f12")),
        ("alt-minus", Ok("alt-minus")),
        ("ctrl-ctrl-a", Err("duplicate modifier")),
        ("ctrl-", Err("missing key")),
        ("a-ctrl", Err("modifiers must come before")),
        ("f13", Err("unknown key `f13`")),
    ];
    for (input, expected) in cases {
        let actual = normalize_keybinding_spec(input);
        match expected {
            Ok(expected) => assert_eq!(actual.as_deref(), Ok(expected), "{input}"),
            Err(fragment) => assert!(
                actual
                    .as_ref()
                    .is_err_and(|err| err.to_string().contains(fragment)),
                "{input}: {actual:?}"
            ),
        }
    }
}

#[test]
fn round_trips_through_toml() {
    let config = parse(PERMISSIONS);
    let text = toml::to_string(&config).unwrap_or_else(|err| panic!("{err}"));
    let again = parse(&text);
    assert_eq!(again, config);
}
