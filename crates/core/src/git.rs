//! What the session records about the git repository it runs in: the `git` object of
//! `session_meta` and the `workspaces` entry of the `x-codex-turn-metadata` header.
//! Both come from running `git` itself (as the reference does); outside a repository,
//! or when git is missing, there is nothing to record.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Map, Value, json};

/// The top of the work tree holding `cwd`: the nearest ancestor with a `.git` that git
/// would accept (a directory with a `HEAD`, or a `gitdir:` file for worktrees and
/// submodules). An empty `.git` directory, such as a sandbox mount point left behind, is
/// not a repository. Cheap: no process is started.
pub(crate) fn repo_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .find(|dir| is_git_marker(&dir.join(".git")))
        .map(Path::to_path_buf)
}

fn is_git_marker(path: &Path) -> bool {
    match path.metadata() {
        Ok(meta) if meta.is_dir() => path.join("HEAD").is_file(),
        Ok(meta) if meta.is_file() => std::fs::read_to_string(path)
            .map(|text| text.starts_with("gitdir:"))
            .unwrap_or(false),
        _ => false,
    }
}

/// Runs `git ARGS` in `dir`; its trimmed stdout when it succeeds and prints something.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `session_meta.git`: `commit_hash`, `branch` and `repository_url` (origin), each left
/// out when unknown (`{}` in a repository without commits); `None` outside a repository.
pub(crate) fn session_git_info(cwd: &Path) -> Option<Value> {
    repo_root(cwd)?;
    let mut info = Map::new();
    if let Some(hash) = git(cwd, &["rev-parse", "HEAD"]) {
        info.insert("commit_hash".to_owned(), json!(hash));
    }
    if let Some(branch) = git(cwd, &["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD") {
        info.insert("branch".to_owned(), json!(branch));
    }
    if let Some(url) = git(cwd, &["remote", "get-url", "origin"]) {
        info.insert("repository_url".to_owned(), json!(url));
    }
    Some(Value::Object(info))
}

/// The turn metadata's `workspaces` object: the repository root mapped to its remotes,
/// latest commit and whether the work tree has changes.
pub(crate) fn workspaces(cwd: &Path) -> Option<Value> {
    let root = repo_root(cwd)?;
    let mut entry = Map::new();
    if let Some(remotes) = git(cwd, &["remote", "-v"]) {
        let mut urls = Map::new();
        for line in remotes.lines() {
            let mut parts = line.split_whitespace();
            if let (Some(name), Some(url), Some("(fetch)")) =
                (parts.next(), parts.next(), parts.next())
            {
                urls.insert(name.to_owned(), json!(url));
            }
        }
        if !urls.is_empty() {
            entry.insert("associated_remote_urls".to_owned(), Value::Object(urls));
        }
    }
    if let Some(hash) = git(cwd, &["rev-parse", "HEAD"]) {
        entry.insert("latest_git_commit_hash".to_owned(), json!(hash));
    }
    let changed = git(cwd, &["status", "--porcelain"]).is_some();
    entry.insert("has_changes".to_owned(), json!(changed));
    let mut map = Map::new();
    map.insert(root.display().to_string(), Value::Object(entry));
    Some(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn an_empty_git_directory_is_not_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(!is_git_marker(&dir.path().join(".git")));
        std::fs::write(
            dir.path().join("wt"),
            "gitdir: /somewhere/.git/worktrees/x\n",
        )
        .unwrap();
        assert!(is_git_marker(&dir.path().join("wt")));
    }

    #[test]
    fn outside_a_repository_there_is_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // A temp dir may itself sit inside a repository on a developer machine.
        if repo_root(dir.path()).is_none() {
            assert_eq!(session_git_info(dir.path()), None);
            assert_eq!(workspaces(dir.path()), None);
        }
    }

    #[test]
    fn a_repository_reports_its_commit_branch_remote_and_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        sh(root, &["init", "-q", "-b", "main"]);
        assert_eq!(session_git_info(root), Some(json!({})));
        let key = root.display().to_string();
        assert_eq!(
            workspaces(root),
            Some(json!({ key.clone(): {"has_changes": false} }))
        );

        std::fs::write(root.join("a.txt"), "1\n").unwrap();
        sh(root, &["add", "-A"]);
        sh(root, &["commit", "-q", "-m", "one"]);
        sh(
            root,
            &["remote", "add", "origin", "https://example.invalid/r.git"],
        );
        let head = git(root, &["rev-parse", "HEAD"]).unwrap();
        let sub = root.join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(
            session_git_info(&sub),
            Some(
                json!({"commit_hash": head, "branch": "main", "repository_url": "https://example.invalid/r.git"})
            )
        );
        std::fs::write(root.join("a.txt"), "2\n").unwrap();
        assert_eq!(
            workspaces(&sub),
            Some(json!({ key: {
                "associated_remote_urls": {"origin": "https://example.invalid/r.git"},
                "latest_git_commit_hash": head,
                "has_changes": true,
            }}))
        );
    }
}
