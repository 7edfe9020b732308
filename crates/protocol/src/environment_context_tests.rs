use super::*;
use crate::permissions::SandboxPolicy;

fn context(policy: &SandboxPolicy, cwd: &str) -> EnvironmentContext {
    let cwd = PathBuf::from(cwd);
    EnvironmentContext {
        cwd: Some(cwd.clone()),
        shell: "bash".to_owned(),
        current_date: Some("2026-11-25".to_owned()),
        timezone: Some("Etc/UTC".to_owned()),
        network: None,
        filesystem: Some(FilesystemContext {
            workspace_roots: policy.writable_roots(&cwd),
            profile: PermissionProfile::for_sandbox_policy(policy, &cwd),
        }),
    }
}

const HEAD: &str = "<environment_context>\n  <cwd>/ws</cwd>\n  <shell>bash</shell>\n  <current_date>2026-11-25</current_date>\n  <timezone>Etc/UTC</timezone>\n";

// The expected texts below were captured from the reference (`codex exec -s <mode>`),
// with the workspace path replaced by `/ws`.

#[test]
fn workspace_write_with_an_extra_root() {
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![PathBuf::from("/opt")],
        network_access: true,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    };
    let expected = format!(
        "{HEAD}  <filesystem><workspace_roots><root>/ws</root><root>/opt</root></workspace_roots><permission_profile type=\"managed\"><file_system type=\"restricted\"><entry access=\"read\"><special>:root</special></entry><entry access=\"write\"><path>/ws</path></entry><entry access=\"write\"><path>/opt</path></entry><entry access=\"write\"><special>:slash_tmp</special></entry><entry access=\"write\"><special>:tmpdir</special></entry><entry access=\"read\"><path>/ws/.git</path></entry><entry access=\"read\"><path>/opt/.git</path></entry><entry access=\"read\"><path>/ws/.agents</path></entry><entry access=\"read\"><path>/opt/.agents</path></entry><entry access=\"read\"><path>/ws/.codex</path></entry><entry access=\"read\"><path>/opt/.codex</path></entry></file_system></permission_profile></filesystem>\n</environment_context>"
    );
    assert_eq!(context(&policy, "/ws").to_xml(), expected);
}

#[test]
fn read_only_and_full_access() {
    let ro = SandboxPolicy::ReadOnly {
        network_access: false,
    };
    let expected = format!(
        "{HEAD}  <filesystem><workspace_roots><root>/ws</root></workspace_roots><permission_profile type=\"managed\"><file_system type=\"restricted\"><entry access=\"read\"><special>:root</special></entry></file_system></permission_profile></filesystem>\n</environment_context>"
    );
    assert_eq!(context(&ro, "/ws").to_xml(), expected);
    let full = SandboxPolicy::DangerFullAccess;
    let expected = format!(
        "{HEAD}  <filesystem><workspace_roots><root>/ws</root></workspace_roots><permission_profile type=\"disabled\"><file_system type=\"unrestricted\" /></permission_profile></filesystem>\n</environment_context>"
    );
    assert_eq!(context(&full, "/ws").to_xml(), expected);
}

#[test]
fn reference_transcript_block_is_reproduced() {
    // transcripts/exec-requests.jsonl, first request, second input item.
    let expected = "<environment_context>\n  <cwd>$WORKSPACE</cwd>\n  <shell>bash</shell>\n  <current_date>2026-11-23</current_date>\n  <timezone>Etc/UTC</timezone>\n  <filesystem><workspace_roots><root>$WORKSPACE</root></workspace_roots><permission_profile type=\"managed\"><file_system type=\"restricted\"><entry access=\"read\"><special>:root</special></entry><entry access=\"write\"><path>$WORKSPACE</path></entry><entry access=\"write\"><special>:slash_tmp</special></entry><entry access=\"write\"><special>:tmpdir</special></entry><entry access=\"read\"><path>$WORKSPACE/.git</path></entry><entry access=\"read\"><path>$WORKSPACE/.agents</path></entry><entry access=\"read\"><path>$WORKSPACE/.codex</path></entry></file_system></permission_profile></filesystem>\n</environment_context>";
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: Vec::new(),
        network_access: false,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    };
    let mut ctx = context(&policy, "$WORKSPACE");
    ctx.current_date = Some("2026-11-23".to_owned());
    assert_eq!(ctx.to_xml(), expected);
}

#[test]
fn network_lists_are_rendered_when_present() {
    let mut ctx = context(
        &SandboxPolicy::ReadOnly {
            network_access: false,
        },
        "/ws",
    );
    ctx.filesystem = None;
    ctx.network = Some(NetworkContext {
        allowed_domains: vec!["example.com".into()],
        denied_domains: vec!["evil.test".into()],
    });
    assert_eq!(
        ctx.to_xml(),
        format!(
            "{HEAD}  <network enabled=\"true\">\n    <allowed>example.com</allowed>\n    <denied>evil.test</denied>\n  </network>\n</environment_context>"
        )
    );
}

/// Deny rules (which asking cannot lift), globs, unknown special paths and a glob depth,
/// as the reference renders a named profile (captured from `codex exec` with such a
/// profile, paths replaced).
#[test]
fn profile_rules_render_like_the_reference() {
    use crate::permissions::{
        FileSystemAccessMode as A, FileSystemPath as P, FileSystemSandboxEntry as E,
        FileSystemSpecialPath as S, ManagedFileSystemPermissions, NetworkSandboxPolicy,
    };
    let entries = vec![
        E {
            path: P::Special { value: S::Root },
            access: A::Read,
        },
        E {
            path: P::Special {
                value: S::Unknown {
                    path: ":bogus".to_owned(),
                },
            },
            access: A::Read,
        },
        E {
            path: P::Path {
                path: PathBuf::from("/secret"),
            },
            access: A::Deny,
        },
        E {
            path: P::GlobPattern {
                pattern: "/ws/**/*.env".to_owned(),
            },
            access: A::Deny,
        },
    ];
    let mut ctx = context(
        &SandboxPolicy::ReadOnly {
            network_access: false,
        },
        "/ws",
    );
    ctx.filesystem = Some(FilesystemContext {
        workspace_roots: vec![PathBuf::from("/ws")],
        profile: PermissionProfile::Managed {
            file_system: ManagedFileSystemPermissions::Restricted {
                entries,
                glob_scan_max_depth: Some(2),
            },
            network: NetworkSandboxPolicy::Restricted,
        },
    });
    let expected = format!(
        "{HEAD}  <filesystem><workspace_roots><root>/ws</root></workspace_roots><permission_profile type=\"managed\"><file_system type=\"restricted\" glob_scan_max_depth=\"2\"><entry access=\"read\"><special>:root</special></entry><entry access=\"read\"><special>:bogus</special></entry><entry access=\"deny\" escalatable=\"false\"><path>/secret</path></entry><entry access=\"deny\" escalatable=\"false\"><glob>/ws/**/*.env</glob></entry></file_system></permission_profile></filesystem>\n</environment_context>"
    );
    assert_eq!(ctx.to_xml(), expected);
}
