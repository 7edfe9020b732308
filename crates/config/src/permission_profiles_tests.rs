use super::*;

fn table(toml: &str) -> PermissionsToml {
    #[derive(serde::Deserialize)]
    struct Doc {
        permissions: PermissionsToml,
    }
    toml::from_str::<Doc>(toml).unwrap().permissions
}

fn resolve(toml: &str, name: &str) -> Result<ResolvedProfile, String> {
    resolve_named_profile(
        name,
        &table(toml),
        Path::new("/w"),
        Some(Path::new("/home/u")),
    )
    .map_err(|err| err.0)
}

fn policy(toml: &str, name: &str) -> SandboxPolicy {
    resolve(toml, name).unwrap().policy
}

#[test]
fn a_profile_extending_the_workspace_adds_its_paths_and_network() {
    let toml = r#"
[permissions.dev]
extends = ":workspace"
network.enabled = true
[permissions.dev.filesystem]
"/extra" = "write"
"~/cache" = "write"
"/opt/tools" = "read"
"#;
    assert_eq!(
        policy(toml, "dev"),
        SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![PathBuf::from("/extra"), PathBuf::from("/home/u/cache")],
            network_access: true,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        }
    );
}

#[test]
fn a_plain_profile_writes_only_the_workspace() {
    let toml = r#"
[permissions.plain.filesystem]
":root" = "read"
":workspace_roots" = "write"
"#;
    assert_eq!(
        policy(toml, "plain"),
        SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: true,
        }
    );
    let toml = "[permissions.ro]\nextends = \":read-only\"\n";
    assert_eq!(
        policy(toml, "ro"),
        SandboxPolicy::ReadOnly {
            network_access: false
        }
    );
}

#[test]
fn chains_merge_child_over_parent_and_extra_roots_are_writable() {
    let toml = r#"
[permissions.base]
extends = ":workspace"
workspace_roots = { "sub" = true, "/other" = true, "/off" = false }
[permissions.base.filesystem]
":tmpdir" = "read"
[permissions.child]
extends = "base"
[permissions.child.filesystem.":workspace_roots"]
"docs" = "write"
"#;
    assert_eq!(
        policy(toml, "child"),
        SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![PathBuf::from("/other"), PathBuf::from("/w/sub")],
            network_access: false,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: false,
        }
    );
}

#[test]
fn inheritance_errors_are_the_references() {
    let err = |toml: &str, name: &str| resolve(toml, name).unwrap_err();
    assert_eq!(
        err(
            "[permissions.alpha]\nextends = \"beta\"\n[permissions.beta]\nextends = \"alpha\"\n",
            "alpha"
        ),
        "permissions profile inheritance cycle detected: alpha -> beta -> alpha"
    );
    assert_eq!(
        err("[permissions.p]\nextends = \"p\"\n", "p"),
        "permissions profile inheritance cycle detected: p -> p"
    );
    assert_eq!(
        err(
            "[permissions.p]\nextends = \"q\"\n[permissions.q]\nextends = \"r\"\n[permissions.r]\nextends = \"q\"\n",
            "p"
        ),
        "permissions profile inheritance cycle detected: q -> r -> q"
    );
    assert_eq!(
        err("[permissions.p]\nextends = \"ghost\"\n", "p"),
        "permissions profile `p` extends undefined profile `ghost`"
    );
    assert_eq!(
        err("[permissions.p]\nextends = \":danger-full-access\"\n", "p"),
        "permissions profile `p` cannot extend unsupported built-in profile `:danger-full-access`"
    );
    assert_eq!(
        err("[permissions.p]\ndescription = \"x\"\n", "nope"),
        "default_permissions refers to undefined profile `nope`"
    );
    assert_eq!(
        err("[permissions.\":mine\"]\ndescription = \"x\"\n", ":mine"),
        "permissions profile `:mine` uses a reserved built-in profile prefix"
    );
}

#[test]
fn path_errors_are_the_references() {
    let err = |fs: &str| {
        resolve(
            &format!(
                "[permissions.p]\nextends = \":workspace\"\n[permissions.p.filesystem]\n{fs}\n"
            ),
            "p",
        )
        .unwrap_err()
    };
    assert_eq!(
        err("\"relative/path\" = \"write\""),
        "filesystem path `relative/path` must be absolute, use `~/...`, or start with `:`"
    );
    assert_eq!(
        err("\":tmpdir\" = { \"x\" = \"write\" }"),
        "filesystem path `:tmpdir` does not support nested entries"
    );
    assert_eq!(
        err("\"/x\" = { \"../y\" = \"write\" }"),
        "filesystem subpath `../y` must be a descendant path without `.` or `..` components"
    );
    assert_eq!(
        err("\"/data/*.txt\" = \"read\""),
        "filesystem glob path `/data/*.txt` only supports `deny` access; use an exact path or trailing `/**` for `read` subtree access"
    );
}

#[test]
fn unknown_special_paths_are_warned_about_and_subtrees_accepted() {
    let resolved = resolve(
        "[permissions.p]\nextends = \":workspace\"\n[permissions.p.filesystem]\n\":slash_tmp\" = \"write\"\n\"/data/**\" = \"write\"\n",
        "p",
    )
    .unwrap();
    assert_eq!(
        resolved.warnings,
        [
            "Configured filesystem path `:slash_tmp` is not recognized by this version of Codex and will be ignored. Upgrade Codex if this path is required."
        ]
    );
    assert!(matches!(
        resolved.policy,
        SandboxPolicy::WorkspaceWrite { ref writable_roots, .. } if writable_roots == &[PathBuf::from("/data")]
    ));
}

#[test]
fn what_recodex_cannot_enforce_is_refused() {
    let refused = |toml: &str| resolve(toml, "p").unwrap_err();
    for toml in [
        "[permissions.p.filesystem]\n\":minimal\" = \"read\"\n",
        "[permissions.p.filesystem]\n\":root\" = \"deny\"\n",
    ] {
        assert!(
            refused(toml).starts_with("recodex: permission profiles with "),
            "{toml}"
        );
    }
}

#[test]
fn deny_rules_become_denied_paths() {
    let resolved = resolve(
        r#"
[permissions.p]
extends = ":workspace"
[permissions.p.filesystem]
"/secret" = "deny"
"~/keys" = "none"
[permissions.p.filesystem.":workspace_roots"]
".env" = "deny"
"#,
        "p",
    )
    .unwrap();
    assert_eq!(
        resolved.denied,
        [
            PathBuf::from("/w/.env"),
            PathBuf::from("/secret"),
            PathBuf::from("/home/u/keys")
        ]
    );
    assert!(matches!(
        resolved.policy,
        SandboxPolicy::WorkspaceWrite { .. }
    ));
}

#[test]
fn deny_globs_are_kept_as_patterns_and_unbounded_ones_warned_about() {
    let resolved = resolve(
        r#"
[permissions.p]
extends = ":workspace"
[permissions.p.filesystem]
"/data/*.key" = "deny"
[permissions.p.filesystem.":workspace_roots"]
"**/*.env" = "deny"
"#,
        "p",
    )
    .unwrap();
    assert!(resolved.denied.is_empty());
    assert_eq!(
        resolved.warnings,
        [
            "Filesystem deny-read glob `:workspace_roots/**/*.env` uses `**`. Non-macOS sandboxing does not support unbounded `**` natively; set `glob_scan_max_depth` in this filesystem profile to cap Linux glob expansion and silence this warning, or enumerate explicit depths such as `*.env`, `*/*.env`, and `*/*/*.env`."
        ]
    );
    let bounded = resolve(
        "[permissions.p]\nextends = \":workspace\"\n[permissions.p.filesystem]\nglob_scan_max_depth = 2\n\"/d/**/*.env\" = \"deny\"\n",
        "p",
    )
    .unwrap();
    assert!(bounded.warnings.is_empty());
    assert_eq!(bounded.glob_scan_max_depth, Some(2));
    assert_eq!(
        resolve(
            "[permissions.p]\nextends = \":workspace\"\n[permissions.p.filesystem]\nglob_scan_max_depth = 0\n",
            "p"
        )
        .unwrap_err(),
        "glob_scan_max_depth must be at least 1"
    );
}

/// The recorded rules follow the reference's order (observed on 0.136.0): the built-in
/// parent's rules for the session directory, the user rules in key order, then every
/// workspace-root rule again for each extra root.
#[test]
fn recorded_rules_follow_the_references_order() {
    use recodex_protocol::permissions::{
        FileSystemPath, FileSystemSpecialPath, ManagedFileSystemPermissions, PermissionProfile,
    };
    let resolved = resolve(
        r#"
[permissions.p]
extends = ":workspace"
workspace_roots = { "/extra" = true }
[permissions.p.filesystem]
"/zz" = "read"
"~/cache" = "write"
"/secret" = "deny"
":bogus" = "read"
[permissions.p.filesystem.":workspace_roots"]
"docs" = "read"
"**/*.env" = "deny"
"#,
        "p",
    )
    .unwrap();
    let Some(PermissionProfile::Managed {
        file_system: ManagedFileSystemPermissions::Restricted { entries, .. },
        ..
    }) = resolved.recorded
    else {
        panic!("{:?}", resolved.recorded);
    };
    let shown: Vec<String> = entries
        .iter()
        .map(|e| {
            let target = match &e.path {
                FileSystemPath::Path { path } => path.display().to_string(),
                FileSystemPath::GlobPattern { pattern } => format!("glob {pattern}"),
                FileSystemPath::Special { value } => match value {
                    FileSystemSpecialPath::Unknown { path } => path.clone(),
                    other => format!("{other:?}"),
                },
            };
            format!("{target} {:?}", e.access)
        })
        .collect();
    assert_eq!(
        shown,
        [
            "Root Read",
            "/w Write",
            "SlashTmp Write",
            "Tmpdir Write",
            "/w/.git Read",
            "/w/.agents Read",
            "/w/.codex Read",
            "/secret Deny",
            "/zz Read",
            ":bogus Read",
            "glob /w/**/*.env Deny",
            "/w/docs Read",
            "/home/u/cache Write",
            "/extra Write",
            "/extra/.git Read",
            "/extra/.agents Read",
            "/extra/.codex Read",
            "glob /extra/**/*.env Deny",
            "/extra/docs Read",
        ]
    );
    assert_eq!(
        resolved.workspace_roots,
        [PathBuf::from("/w"), PathBuf::from("/extra")]
    );
}

/// A profile that writes elsewhere but not the workspace is projected, as the reference
/// projects it, onto a workspace-write policy listing its writable paths (it runs under its
/// own rules, which leave the workspace read-only).
#[test]
fn custom_permissions_are_projected_like_the_references() {
    assert_eq!(
        policy(
            "[permissions.p.filesystem]\n\":root\" = \"read\"\n\"/extra\" = \"write\"\n",
            "p"
        ),
        SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![PathBuf::from("/extra")],
            network_access: false,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: true,
        }
    );
}
