//! Process start-up: which personality argv[0] selects, the environment snapshot handed
//! down to the rest of the program, and the per-process helper directory that puts
//! `apply_patch` (and friends) on the PATH of commands the model runs.
//!
//! This is the only module that reads the process environment; everything else gets
//! [`ProcessEnv`] as a value.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What the binary was invoked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Personality {
    /// `recodex`: our own name; `--version` says what we are.
    Recodex,
    /// `codex` or any other name: a drop-in for the reference CLI.
    Codex,
    /// `apply_patch` / `applypatch`.
    ApplyPatch,
    /// `codex-linux-sandbox`.
    LinuxSandbox,
}

impl Personality {
    /// Chooses the personality from argv[0]'s file name.
    pub(crate) fn from_arg0(arg0: &OsStr) -> Self {
        let name = Path::new(arg0)
            .file_name()
            .and_then(OsStr::to_str)
            .unwrap_or("");
        match name {
            "apply_patch" | "applypatch" => Self::ApplyPatch,
            "codex-linux-sandbox" => Self::LinuxSandbox,
            "recodex" => Self::Recodex,
            _ => Self::Codex,
        }
    }
}

/// Names under which the helper directory links back to this executable.
const HELPER_LINKS: &[&str] = &[
    "apply_patch",
    "applypatch",
    "codex-linux-sandbox",
    "codex-execve-wrapper",
];
const LOCK_FILE: &str = ".lock";
/// Variables a `$CODEX_HOME/.env` file may not set.
const DOTENV_FORBIDDEN_PREFIX: &str = "CODEX_";

/// A snapshot of the environment, with `$CODEX_HOME/.env` applied and the helper
/// directory prepended to PATH.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ProcessEnv {
    vars: BTreeMap<OsString, OsString>,
}

impl ProcessEnv {
    /// Captures the current process environment.
    pub(crate) fn capture() -> Self {
        Self {
            vars: std::env::vars_os().collect(),
        }
    }

    /// Builds an environment from pairs (tests).
    #[cfg(test)]
    pub(crate) fn from_pairs<K: Into<OsString>, V: Into<OsString>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// A variable as UTF-8, if set and valid.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(OsStr::new(key)).and_then(|v| v.to_str())
    }

    /// Sets a variable.
    pub(crate) fn set(&mut self, key: impl Into<OsString>, value: impl Into<OsString>) {
        self.vars.insert(key.into(), value.into());
    }

    /// The variables that are valid UTF-8, as a map (what the model client takes).
    pub(crate) fn utf8_vars(&self) -> std::collections::BTreeMap<String, String> {
        self.vars
            .iter()
            .filter_map(|(k, v)| Some((k.to_str()?.to_owned(), v.to_str()?.to_owned())))
            .collect()
    }

    /// The user's home directory.
    pub(crate) fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
    }

    /// The system temporary directory as `std::env::temp_dir` would report it.
    pub(crate) fn temp_dir(&self) -> PathBuf {
        self.get("TMPDIR")
            .filter(|t| !t.is_empty())
            .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
    }

    /// Applies `KEY=VALUE` lines of a `.env` file, skipping comments, blank lines and
    /// any `CODEX_*` variable (a dotenv file must not redirect Codex itself).
    pub(crate) fn apply_dotenv(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.is_empty()
                || key
                    .to_ascii_uppercase()
                    .starts_with(DOTENV_FORBIDDEN_PREFIX)
            {
                continue;
            }
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            self.set(key, value);
        }
    }
}

/// Keeps the helper directory alive (and locked, so that other processes' clean-up
/// leaves it alone) for the life of the process; removes it on drop.
#[derive(Debug)]
pub(crate) struct HelperDir {
    path: PathBuf,
    _lock: File,
}

impl HelperDir {
    /// The directory holding the links.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for HelperDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Creates `$CODEX_HOME/tmp/arg0/codex-arg0XXXXXX` with links named after the helper
/// personalities, pointing at `exe`, and removes stale directories of dead processes.
/// Refuses, like the reference, when CODEX_HOME lies under the system temp directory.
pub(crate) fn create_helper_dir(
    codex_home: &Path,
    temp_dir: &Path,
    exe: &Path,
) -> std::io::Result<HelperDir> {
    helper_dir_allowed(codex_home, temp_dir)?;
    let root = codex_home.join("tmp").join("arg0");
    std::fs::create_dir_all(&root)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700))?;
    }
    clean_stale_dirs(&root);
    let path = unique_dir(&root)?;
    let lock = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path.join(LOCK_FILE))?;
    lock.try_lock().map_err(std::io::Error::other)?;
    #[cfg(unix)]
    for name in HELPER_LINKS {
        std::os::unix::fs::symlink(exe, path.join(name))?;
    }
    Ok(HelperDir { path, _lock: lock })
}

/// The reference's guard: no helper links under the system temp directory.
pub(crate) fn helper_dir_allowed(codex_home: &Path, temp_dir: &Path) -> std::io::Result<()> {
    if codex_home.starts_with(temp_dir) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "Refusing to create helper binaries under temporary dir {temp_dir:?} (codex_home: AbsolutePathBuf({codex_home:?}))"
            ),
        ));
    }
    Ok(())
}

fn unique_dir(root: &Path) -> std::io::Result<PathBuf> {
    use std::hash::{BuildHasher, RandomState};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let state = RandomState::new();
    for attempt in 0u64..64 {
        let mut seed = state.hash_one((std::process::id(), attempt));
        let suffix: String = (0..6)
            .map(|_| {
                let c = ALPHABET[(seed % ALPHABET.len() as u64) as usize] as char;
                seed /= ALPHABET.len() as u64;
                c
            })
            .collect();
        let candidate = root.join(format!("codex-arg0{suffix}"));
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no unique helper directory name",
    ))
}

/// Removes helper directories whose lock is not held by a live process. Best effort.
fn clean_stale_dirs(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        let Ok(lock) = File::options()
            .read(true)
            .write(true)
            .open(dir.join(LOCK_FILE))
        else {
            continue;
        };
        if lock.try_lock().is_ok() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personality_follows_the_file_name() {
        assert_eq!(
            Personality::from_arg0(OsStr::new("/usr/bin/codex")),
            Personality::Codex
        );
        assert_eq!(
            Personality::from_arg0(OsStr::new("recodex")),
            Personality::Recodex
        );
        assert_eq!(
            Personality::from_arg0(OsStr::new("x/applypatch")),
            Personality::ApplyPatch
        );
        assert_eq!(
            Personality::from_arg0(OsStr::new("apply_patch")),
            Personality::ApplyPatch
        );
        assert_eq!(
            Personality::from_arg0(OsStr::new("codex-linux-sandbox")),
            Personality::LinuxSandbox
        );
        assert_eq!(Personality::from_arg0(OsStr::new("")), Personality::Codex);
    }

    #[test]
    fn dotenv_cannot_touch_codex_variables() {
        let mut env = ProcessEnv::from_pairs([("A", "1")]);
        env.apply_dotenv(
            "# c\nB=2\nexport C=\"3\"\ncodex_home=/evil\nCODEX_HOME=/evil\nD='4'\nnoequals\n",
        );
        assert_eq!(env.get("B"), Some("2"));
        assert_eq!(env.get("C"), Some("3"));
        assert_eq!(env.get("D"), Some("4"));
        assert_eq!(env.get("CODEX_HOME"), None);
        assert_eq!(env.get("codex_home"), None);
    }

    #[test]
    fn helper_dir_refuses_temp_homes() {
        let err = create_helper_dir(
            Path::new("/tmp/x"),
            Path::new("/tmp"),
            Path::new("/bin/true"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Refusing to create helper binaries under temporary dir \"/tmp\" (codex_home: AbsolutePathBuf(\"/tmp/x\"))"
        );
    }

    #[test]
    fn helper_dir_links_and_cleans_up() {
        let home = tempfile::tempdir().unwrap();
        let exe = home.path().join("bin");
        std::fs::write(&exe, "").unwrap();
        let dir = create_helper_dir(home.path(), Path::new("/nonexistent-tmp"), &exe).unwrap();
        let path = dir.path().to_path_buf();
        for name in HELPER_LINKS {
            assert_eq!(std::fs::read_link(path.join(name)).unwrap(), exe);
        }
        // A stale directory (unlocked) is removed by the next process; ours is locked.
        let stale = home.path().join("tmp/arg0/codex-arg0stale");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join(LOCK_FILE), "").unwrap();
        let second = create_helper_dir(home.path(), Path::new("/nonexistent-tmp"), &exe).unwrap();
        assert!(!stale.exists());
        assert!(path.exists());
        drop(dir);
        assert!(!path.exists());
        drop(second);
    }
}
