use serde_json::Value;

use super::*;

/// The `turn_context` payload of the reference's exec rollout.
fn sample_turn_context() -> Value {
    let text = include_str!("../tests/fixtures/rollout-sample-exec-plain.jsonl");
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["type"] == "turn_context")
        .unwrap()["payload"]
        .clone()
}

#[test]
fn workspace_write_matches_the_reference_turn_context() {
    let ctx = sample_turn_context();
    let policy: SandboxPolicy = serde_json::from_value(ctx["sandbox_policy"].clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&policy).unwrap(),
        ctx["sandbox_policy"]
    );
    let cwd = Path::new("$WORKSPACE");
    let profile = PermissionProfile::for_sandbox_policy(&policy, cwd);
    assert_eq!(
        serde_json::to_value(&profile).unwrap(),
        ctx["permission_profile"]
    );
    let fs = FileSystemSandboxPolicy::for_sandbox_policy(&policy, cwd);
    assert_eq!(
        serde_json::to_value(&fs).unwrap(),
        ctx["file_system_sandbox_policy"]
    );
    // Key order, too.
    assert_eq!(
        serde_json::to_string(&profile).unwrap(),
        serde_json::to_string(&ctx["permission_profile"]).unwrap()
    );
}

#[test]
fn other_modes() {
    let ro = SandboxPolicy::ReadOnly {
        network_access: false,
    };
    assert_eq!(
        serde_json::to_string(&ro).unwrap(),
        r#"{"type":"read-only"}"#
    );
    let fs = FileSystemSandboxPolicy::for_sandbox_policy(&ro, Path::new("/w"));
    assert_eq!(
        serde_json::to_string(&fs).unwrap(),
        r#"{"kind":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"}]}"#
    );
    let full = SandboxPolicy::DangerFullAccess;
    assert_eq!(
        serde_json::to_string(&full).unwrap(),
        r#"{"type":"danger-full-access"}"#
    );
    assert_eq!(
        PermissionProfile::for_sandbox_policy(&full, Path::new("/w")),
        PermissionProfile::Disabled
    );
    let ww = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![PathBuf::from("/extra")],
        network_access: true,
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: true,
    };
    let json = serde_json::to_string(&ww).unwrap();
    assert_eq!(
        json,
        r#"{"type":"workspace-write","writable_roots":["/extra"],"network_access":true,"exclude_tmpdir_env_var":true,"exclude_slash_tmp":true}"#
    );
    let PermissionProfile::Managed { network, .. } =
        PermissionProfile::for_sandbox_policy(&ww, Path::new("/w"))
    else {
        panic!()
    };
    assert_eq!(network, NetworkSandboxPolicy::Enabled);
    let deny: FileSystemAccessMode = serde_json::from_str(r#""none""#).unwrap();
    assert_eq!(deny, FileSystemAccessMode::Deny);
}

#[test]
fn extra_writable_roots_are_protected_folder_by_folder() {
    // Captured from the reference: `exec -s workspace-write --add-dir /opt`.
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![PathBuf::from("/opt")],
        network_access: true,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    };
    let fs = FileSystemSandboxPolicy::for_sandbox_policy(&policy, Path::new("/ws"));
    let paths: Vec<String> = fs
        .entries
        .iter()
        .map(|e| match &e.path {
            FileSystemPath::Path { path } => format!("{:?} {}", e.access, path.display()),
            FileSystemPath::Special { value } => format!("{:?} {value:?}", e.access),
            FileSystemPath::GlobPattern { pattern } => pattern.clone(),
        })
        .collect();
    assert_eq!(
        paths,
        [
            "Read Root",
            "Write /ws",
            "Write /opt",
            "Write SlashTmp",
            "Write Tmpdir",
            "Read /ws/.git",
            "Read /opt/.git",
            "Read /ws/.agents",
            "Read /opt/.agents",
            "Read /ws/.codex",
            "Read /opt/.codex",
        ]
    );
    assert_eq!(
        policy.writable_roots(Path::new("/ws")),
        [PathBuf::from("/ws"), PathBuf::from("/opt")]
    );
}
