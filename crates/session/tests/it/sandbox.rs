//! Which sandbox a session gets, and when project trust is recorded.

use std::path::{Path, PathBuf};

use recodex_config::{CliOverrides, Config, LoadOptions};
use recodex_protocol::permissions::SandboxPolicy;
use recodex_protocol::{AskForApproval, SandboxMode};
use recodex_session::sandbox::{resolve_sandbox, trust_if_writable};
use recodex_session::{Engine, EngineOptions, Identity, SandboxRequest, SessionRequest};

pub(crate) struct Home {
    _dir: tempfile::TempDir,
    pub(crate) home: PathBuf,
    pub(crate) work: PathBuf,
}

pub(crate) fn home(config: &str) -> Home {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    let home = base.join("home");
    let work = base.join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(home.join("config.toml"), config).unwrap();
    Home {
        _dir: dir,
        home,
        work,
    }
}

pub(crate) fn load(home: &Path, cwd: &Path) -> Config {
    Config::load(
        &LoadOptions {
            codex_home: home.to_path_buf(),
            cwd: Some(cwd.to_path_buf()),
            overrides: CliOverrides::default(),
            profile: None,
            ignore_user_config: false,
            system_dir: Some(home.join("no-system")),
        },
        false,
    )
    .unwrap()
}

fn kind(policy: &SandboxPolicy) -> &'static str {
    match policy {
        SandboxPolicy::ReadOnly { .. } => "read-only",
        SandboxPolicy::WorkspaceWrite { .. } => "workspace-write",
        SandboxPolicy::DangerFullAccess => "danger-full-access",
        SandboxPolicy::ExternalSandbox { .. } => "external",
    }
}

/// (policy kind, active profile, implied approval) of `request` in the fixture's work dir.
fn resolved(
    config: &str,
    request: &SandboxRequest,
) -> (String, Option<String>, Option<AskForApproval>) {
    let h = home(config);
    let config = load(&h.home, &h.work);
    let sandbox = resolve_sandbox(request, &config, &h.work, None, false).unwrap();
    (
        kind(&sandbox.profile.policy).to_owned(),
        sandbox.active_profile,
        sandbox.approval,
    )
}

#[test]
fn servers_follow_the_projects_trust_entry() {
    let by_trust = SandboxRequest::ByProjectTrust;
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        resolved("", &by_trust),
        ("read-only".into(), some(":read-only"), None)
    );
    let h = home("");
    let trusted = format!("[projects.{:?}]\ntrust_level = \"trusted\"\n", h.work);
    let untrusted = trusted.replace("\"trusted\"", "\"untrusted\"");
    let at = |text: &str| {
        std::fs::write(h.home.join("config.toml"), text).unwrap();
        let config = load(&h.home, &h.work);
        let sandbox = resolve_sandbox(&by_trust, &config, &h.work, None, false).unwrap();
        (
            kind(&sandbox.profile.policy).to_owned(),
            sandbox.active_profile,
            sandbox.approval,
        )
    };
    assert_eq!(
        at(&trusted),
        ("workspace-write".into(), some(":workspace"), None)
    );
    assert_eq!(
        at(&untrusted),
        (
            "workspace-write".into(),
            some(":workspace"),
            Some(AskForApproval::UnlessTrusted)
        )
    );
    // A configured mode is no profile; a configured profile is reported by name.
    assert_eq!(
        resolved("sandbox_mode = \"workspace-write\"\n", &by_trust),
        ("workspace-write".into(), None, None)
    );
    assert_eq!(
        resolved("default_permissions = \":read-only\"\n", &by_trust),
        ("read-only".into(), some(":read-only"), None)
    );
}

#[test]
fn exec_runs_read_only_unless_trusted_or_told() {
    let configured = SandboxRequest::Configured {
        add_dirs: Vec::new(),
    };
    assert_eq!(resolved("", &configured), ("read-only".into(), None, None));
    let named = SandboxRequest::Mode {
        mode: SandboxMode::DangerFullAccess,
        add_dirs: Vec::new(),
    };
    assert_eq!(
        resolved("sandbox_mode = \"read-only\"\n", &named),
        ("danger-full-access".into(), None, None)
    );
    // `[permissions]` profiles that nothing selects are an error for exec.
    let h = home("[permissions.mine]\n\"~\" = \"read\"\n");
    let config = load(&h.home, &h.work);
    let err = resolve_sandbox(&configured, &config, &h.work, None, false).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not set `default_permissions`"),
        "{err}"
    );
}

#[test]
fn a_writable_sandbox_trusts_a_project_without_an_entry_once() {
    let h = home("");
    let config = load(&h.home, &h.work);
    let read_only = SandboxPolicy::ReadOnly {
        network_access: false,
    };
    assert_eq!(
        trust_if_writable(&config, &read_only, &h.work).unwrap(),
        None
    );
    let writable = SandboxPolicy::DangerFullAccess;
    assert_eq!(
        trust_if_writable(&config, &writable, &h.work).unwrap(),
        Some(h.work.clone())
    );
    let text = std::fs::read_to_string(h.home.join("config.toml")).unwrap();
    assert!(
        text.contains(&format!(
            "[projects.{:?}]\ntrust_level = \"trusted\"",
            h.work
        )),
        "{text}"
    );
    // An `untrusted` entry is the user's word and stays.
    let marked = home("");
    std::fs::write(
        marked.home.join("config.toml"),
        format!(
            "[projects.{:?}]\ntrust_level = \"untrusted\"\n",
            marked.work
        ),
    )
    .unwrap();
    let config = load(&marked.home, &marked.work);
    assert_eq!(
        trust_if_writable(&config, &writable, &marked.work).unwrap(),
        None
    );
}

#[test]
fn the_engine_sees_a_project_it_trusted_after_loading_its_configuration() {
    let h = home(
        "model_provider = \"mock\"\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"http://127.0.0.1:9\"\nenv_key = \"MOCK_KEY\"\n",
    );
    let engine = Engine::new(
        load(&h.home, &h.work),
        EngineOptions {
            env: [("MOCK_KEY".to_owned(), "k".to_owned())].into(),
            sandbox_exe: None,
            rules: None,
            identity: Identity::Codex,
        },
    )
    .unwrap();
    // The four databases are there from the start.
    for name in [
        "state_5.sqlite",
        "logs_2.sqlite",
        "goals_1.sqlite",
        "memories_1.sqlite",
    ] {
        assert!(h.home.join(name).is_file(), "{name}");
    }
    let request = |sandbox| SessionRequest {
        cwd: h.work.clone(),
        model: None,
        provider_id: None,
        originator: "t".to_owned(),
        product: None,
        source: "vscode",
        thread_source: None,
        sandbox,
        approval_policy: None,
        approvals: None,
        ephemeral: true,
        output_schema: None,
        resume: None,
        service_tier: recodex_session::ServiceTierRequest::Configured,
    };
    let first = engine
        .open(&request(SandboxRequest::ByProjectTrust))
        .unwrap();
    assert_eq!(kind(&first.settings().sandbox_policy), "read-only");
    assert_eq!(first.settings().model.slug, recodex_session::DEFAULT_MODEL);
    let asked = engine
        .open(&request(SandboxRequest::Mode {
            mode: SandboxMode::WorkspaceWrite,
            add_dirs: Vec::new(),
        }))
        .unwrap();
    assert!(
        asked.settings().user_agent.ends_with("(t; 0.136.0)"),
        "{}",
        asked.settings().user_agent
    );
    let later = engine
        .open(&request(SandboxRequest::ByProjectTrust))
        .unwrap();
    assert_eq!(kind(&later.settings().sandbox_policy), "workspace-write");
    assert_eq!(
        later.settings().active_profile.as_deref(),
        Some(":workspace")
    );
}
