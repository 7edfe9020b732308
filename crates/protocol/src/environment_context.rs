//! The `<environment_context>` block: a user-role message at the start of a thread (and
//! again when something changes) telling the model where it runs: working directory,
//! shell, date, time zone and file-system permissions. Its layout is a fixed format:
//!
//! ```text
//! <environment_context>
//!   <cwd>/work</cwd>
//!   <shell>bash</shell>
//!   <current_date>2026-11-23</current_date>
//!   <timezone>Etc/UTC</timezone>
//!   <filesystem><workspace_roots><root>/work</root></workspace_roots><permission_profile …></filesystem>
//! </environment_context>
//! ```

use std::path::{Path, PathBuf};

use crate::permissions::{
    FileSystemAccessMode, FileSystemPath, FileSystemSandboxEntry, FileSystemSpecialPath,
    ManagedFileSystemPermissions, PermissionProfile,
};

/// What the block says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentContext {
    /// The turn's working directory.
    pub cwd: Option<PathBuf>,
    /// The shell's name (`bash`, `zsh`, ...).
    pub shell: String,
    /// Local date, `YYYY-MM-DD`.
    pub current_date: Option<String>,
    /// IANA time zone name.
    pub timezone: Option<String>,
    /// Allowed and denied domains when a network policy applies.
    pub network: Option<NetworkContext>,
    /// Workspace roots and permissions; `None` leaves the element out.
    pub filesystem: Option<FilesystemContext>,
}

/// Network allow and deny lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkContext {
    /// Allowed domains.
    pub allowed_domains: Vec<String>,
    /// Denied domains.
    pub denied_domains: Vec<String>,
}

/// The `<filesystem>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesystemContext {
    /// Workspace roots, cwd first.
    pub workspace_roots: Vec<PathBuf>,
    /// The permission profile.
    pub profile: PermissionProfile,
}

impl EnvironmentContext {
    /// The block's text.
    pub fn to_xml(&self) -> String {
        let mut out = String::from("<environment_context>\n");
        if let Some(cwd) = &self.cwd {
            out.push_str(&format!("  <cwd>{}</cwd>\n", cwd.display()));
        }
        out.push_str(&format!("  <shell>{}</shell>\n", self.shell));
        if let Some(date) = &self.current_date {
            out.push_str(&format!("  <current_date>{date}</current_date>\n"));
        }
        if let Some(tz) = &self.timezone {
            out.push_str(&format!("  <timezone>{tz}</timezone>\n"));
        }
        if let Some(network) = &self.network {
            out.push_str("  <network enabled=\"true\">\n");
            for d in &network.allowed_domains {
                out.push_str(&format!("    <allowed>{d}</allowed>\n"));
            }
            for d in &network.denied_domains {
                out.push_str(&format!("    <denied>{d}</denied>\n"));
            }
            out.push_str("  </network>\n");
        }
        if let Some(fs) = &self.filesystem {
            out.push_str(&format!("  {}\n", filesystem_xml(fs)));
        }
        out.push_str("</environment_context>");
        out
    }
}

fn filesystem_xml(fs: &FilesystemContext) -> String {
    let roots: String = fs
        .workspace_roots
        .iter()
        .map(|r| format!("<root>{}</root>", r.display()))
        .collect();
    let profile = match &fs.profile {
        PermissionProfile::Disabled => {
            "<permission_profile type=\"disabled\"><file_system type=\"unrestricted\" /></permission_profile>"
                .to_owned()
        }
        PermissionProfile::External { .. } => "<permission_profile type=\"external\" />".to_owned(),
        PermissionProfile::Managed { file_system, .. } => match file_system {
            ManagedFileSystemPermissions::Unrestricted => {
                "<permission_profile type=\"managed\"><file_system type=\"unrestricted\" /></permission_profile>"
                    .to_owned()
            }
            ManagedFileSystemPermissions::Restricted {
                entries,
                glob_scan_max_depth,
            } => {
                let entries: String = entries.iter().map(entry_xml).collect();
                let depth = glob_scan_max_depth
                    .map(|d| format!(" glob_scan_max_depth=\"{d}\""))
                    .unwrap_or_default();
                format!(
                    "<permission_profile type=\"managed\"><file_system type=\"restricted\"{depth}>{entries}</file_system></permission_profile>"
                )
            }
        },
    };
    format!("<filesystem><workspace_roots>{roots}</workspace_roots>{profile}</filesystem>")
}

fn entry_xml(entry: &FileSystemSandboxEntry) -> String {
    let access = match entry.access {
        FileSystemAccessMode::Read => "read",
        FileSystemAccessMode::Write => "write",
        FileSystemAccessMode::Deny => "deny",
    };
    let target = match &entry.path {
        FileSystemPath::Path { path } => format!("<path>{}</path>", path_text(path)),
        FileSystemPath::GlobPattern { pattern } => format!("<glob>{pattern}</glob>"),
        FileSystemPath::Special { value } => format!("<special>{}</special>", special_token(value)),
    };
    // A deny rule cannot be lifted by asking.
    let escalatable = if entry.access == FileSystemAccessMode::Deny {
        " escalatable=\"false\""
    } else {
        ""
    };
    format!("<entry access=\"{access}\"{escalatable}>{target}</entry>")
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// The `:token` spelling of a special location.
fn special_token(value: &FileSystemSpecialPath) -> String {
    match value {
        FileSystemSpecialPath::Root => ":root".to_owned(),
        FileSystemSpecialPath::Minimal => ":minimal".to_owned(),
        FileSystemSpecialPath::ProjectRoots { subpath: None } => ":project_roots".to_owned(),
        FileSystemSpecialPath::ProjectRoots { subpath: Some(sub) } => {
            format!(":project_roots/{sub}")
        }
        FileSystemSpecialPath::Tmpdir => ":tmpdir".to_owned(),
        FileSystemSpecialPath::SlashTmp => ":slash_tmp".to_owned(),
        FileSystemSpecialPath::Unknown { path } => path.clone(),
    }
}

#[cfg(test)]
#[path = "environment_context_tests.rs"]
mod tests;
