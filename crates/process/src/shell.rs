//! The user's shell and the argv that runs a script through it
//! (`/bin/bash -lc '<script>'`, `-c` when not a login shell).

use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;

/// A shell program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shell {
    /// Absolute path (or a name looked up in `PATH`).
    pub path: PathBuf,
}

impl Shell {
    /// The shell at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The user's login shell: the passwd entry of the current user, else
    /// `$SHELL` from `env`, else `/bin/bash`. Shells other than bash, zsh
    /// and sh fall back to `/bin/bash`, which reads the same `-lc` flags.
    pub fn detect(env: &BTreeMap<String, String>) -> Self {
        let from_passwd = std::fs::read_to_string("/etc/passwd")
            .ok()
            .and_then(|passwd| passwd_shell(&passwd, rustix::process::getuid().as_raw()));
        let candidates = from_passwd
            .into_iter()
            .chain(env.get("SHELL").cloned())
            .map(PathBuf::from);
        for path in candidates {
            if is_supported(&path) && path.is_file() {
                return Self::new(path);
            }
        }
        Self::new("/bin/bash")
    }

    /// `[shell, "-lc" | "-c", script]`.
    pub fn script_argv(&self, script: &str, login: bool) -> Vec<String> {
        vec![
            self.path.to_string_lossy().into_owned(),
            if login { "-lc" } else { "-c" }.to_owned(),
            script.to_owned(),
        ]
    }
}

impl Shell {
    /// The shell for a command whose tool call names a shell (`exec_command`'s `shell`),
    /// chosen as the reference chooses it: the name's file stem picks a kind (bash, zsh,
    /// sh); the named file itself when it exists, else the user's shell when it is of that
    /// kind, else the kind's program on `PATH` (from `env`), else its usual place; `/bin/sh`
    /// for anything else. The model can thus pick among the installed POSIX shells, never an
    /// arbitrary program.
    pub fn for_model_request(
        requested: &str,
        user: &Shell,
        env: &BTreeMap<String, String>,
    ) -> Self {
        let fallback = || Self::new("/bin/sh");
        let requested_path = Path::new(requested);
        let Some(kind) = requested_path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .filter(|stem| matches!(*stem, "bash" | "zsh" | "sh"))
        else {
            return fallback();
        };
        if requested_path.is_file() {
            return Self::new(requested_path);
        }
        if user.path.file_stem().and_then(|s| s.to_str()) == Some(kind) {
            return user.clone();
        }
        let on_path = env
            .get("PATH")
            .into_iter()
            .flat_map(|path| path.split(':'))
            .filter(|dir| !dir.is_empty())
            .map(|dir| Path::new(dir).join(kind))
            .find(|candidate| candidate.is_file());
        if let Some(found) = on_path {
            return Self::new(found);
        }
        let usual = Path::new("/bin").join(kind);
        if usual.is_file() {
            return Self::new(usual);
        }
        fallback()
    }
}

fn is_supported(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("bash" | "zsh" | "sh")
    )
}

/// The shell field of the passwd line whose uid is `uid`.
fn passwd_shell(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 7 && fields[2].parse::<u32>().ok() == Some(uid))
            .then(|| fields[6].trim().to_owned())
            .filter(|shell| !shell.is_empty())
    })
}

/// Joins argv for display as a POSIX shell would read it back (the
/// reference's quoting, e.g. `/bin/bash -lc 'echo hi'`).
pub fn join_for_display(argv: &[String]) -> String {
    shlex::try_join(argv.iter().map(String::as_str)).unwrap_or_else(|_| {
        // Only a NUL byte makes quoting fail; show the words unquoted then.
        argv.join(" ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_named_by_the_model_is_one_of_the_posix_shells() {
        let env = BTreeMap::from([("PATH".to_owned(), "/usr/bin:/bin".to_owned())]);
        let user = Shell::new("/bin/bash");
        let pick = |name: &str| Shell::for_model_request(name, &user, &env).path;
        // Any other program, or an unknown name, runs the command in /bin/sh.
        for name in ["/bin/false", "/usr/bin/python3", "BASH", "", "pwsh", "dash"] {
            assert_eq!(pick(name), PathBuf::from("/bin/sh"), "{name}");
        }
        // A bash that does not exist is the user's bash.
        assert_eq!(pick("/nonexistent/bash"), PathBuf::from("/bin/bash"));
        assert_eq!(pick("bash"), PathBuf::from("/bin/bash"));
        // An existing shell is used where it is.
        assert_eq!(pick("/bin/sh"), PathBuf::from("/bin/sh"));
        assert!(pick("sh").ends_with("sh"));
    }

    #[test]
    fn argv_and_display() {
        let shell = Shell::new("/bin/bash");
        let argv = shell.script_argv("echo hi", true);
        assert_eq!(argv, ["/bin/bash", "-lc", "echo hi"]);
        assert_eq!(join_for_display(&argv), "/bin/bash -lc 'echo hi'");
        assert_eq!(
            join_for_display(&shell.script_argv("ls", false)),
            "/bin/bash -c ls"
        );
        assert_eq!(
            join_for_display(&shell.script_argv("echo 'a' \"b\" $x; ok=1 @%+,:", true)),
            r#"/bin/bash -lc "echo 'a' \"b\" "'$x; ok=1 @%+,:'"#
        );
        assert_eq!(
            join_for_display(&shell.script_argv("a=b", true)),
            "/bin/bash -lc 'a=b'"
        );
        assert_eq!(
            join_for_display(&shell.script_argv("plain_word-1.2/x", true)),
            "/bin/bash -lc plain_word-1.2/x"
        );
    }

    #[test]
    fn passwd_lookup() {
        let passwd = "root:x:0:0:root:/root:/bin/zsh\nme:x:1000:1000::/home/me:/bin/bash\n";
        assert_eq!(passwd_shell(passwd, 1000).as_deref(), Some("/bin/bash"));
        assert_eq!(passwd_shell(passwd, 0).as_deref(), Some("/bin/zsh"));
        assert_eq!(passwd_shell(passwd, 5), None);
    }
}
