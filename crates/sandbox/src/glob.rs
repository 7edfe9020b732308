//! Deny globs of permission profiles (`/abs/**/*.env`): expanded, when a command starts, into
//! the paths that exist and match, which the sandbox then hides like exact denied paths.
//! Patterns are absolute; a component may hold `*`, `?` and `[...]` classes (`[!...]`
//! negated), and `**` stands for any number of directories. Symbolic links are not
//! followed; `max_depth` caps how many directories below the literal prefix are searched.

use std::path::{Component, Path, PathBuf};

/// The existing paths matching any of `patterns`.
pub fn expand_deny_globs(patterns: &[String], max_depth: Option<usize>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for pattern in patterns {
        let parts: Vec<String> = Path::new(pattern)
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let literal = parts.iter().take_while(|p| !is_glob(p)).count();
        let mut base = PathBuf::from("/");
        base.extend(&parts[..literal]);
        if literal == parts.len() {
            if base.symlink_metadata().is_ok() && !found.contains(&base) {
                found.push(base);
            }
            continue;
        }
        walk(&base, &parts[literal..], 0, max_depth, &mut found);
    }
    found
}

fn is_glob(part: &str) -> bool {
    part.contains(['*', '?', '['])
}

/// Matches `rest` (pattern components) below `dir`, `depth` directories below the prefix.
fn walk(
    dir: &Path,
    rest: &[String],
    depth: usize,
    max_depth: Option<usize>,
    found: &mut Vec<PathBuf>,
) {
    let Some((first, tail)) = rest.split_first() else {
        return;
    };
    if first == "**" {
        // Zero directories...
        walk(dir, tail, depth, max_depth, found);
        if tail.is_empty() {
            return;
        }
        // ...or one more, keeping the `**`.
        if max_depth.is_some_and(|max| depth >= max) {
            return;
        }
        for child in children(dir) {
            if is_real_dir(&child) {
                walk(&child, rest, depth + 1, max_depth, found);
            }
        }
        return;
    }
    for child in children(dir) {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !component_matches(first, &name) {
            continue;
        }
        if tail.is_empty() {
            if !found.contains(&child) {
                found.push(child);
            }
        } else if is_real_dir(&child) && max_depth.is_none_or(|max| depth < max) {
            walk(&child, tail, depth + 1, max_depth, found);
        }
    }
}

fn children(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn is_real_dir(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|m| m.is_dir())
}

/// Whether `name` matches one pattern component (`*`, `?`, `[...]`).
fn component_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    matches_from(&pattern, &name)
}

fn matches_from(pattern: &[char], name: &[char]) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some('*') => (0..=name.len()).any(|skip| matches_from(&pattern[1..], &name[skip..])),
        Some('?') => !name.is_empty() && matches_from(&pattern[1..], &name[1..]),
        Some('[') => {
            let Some(close) = pattern
                .iter()
                .skip(1)
                .position(|c| *c == ']')
                .map(|i| i + 1)
            else {
                return name.first() == Some(&'[') && matches_from(&pattern[1..], &name[1..]);
            };
            let Some(&c) = name.first() else {
                return false;
            };
            let class = &pattern[1..close];
            let (negated, class) = match class.first() {
                Some('!' | '^') => (true, &class[1..]),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit != negated && matches_from(&pattern[close + 1..], &name[1..])
        }
        Some(&literal) => name.first() == Some(&literal) && matches_from(&pattern[1..], &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_match_like_shell_globs() {
        assert!(component_matches("*.env", ".env"));
        assert!(component_matches("*.env", "prod.env"));
        assert!(!component_matches("*.env", "env"));
        assert!(component_matches("key?.pem", "key1.pem"));
        assert!(component_matches("[a-c]x", "bx"));
        assert!(!component_matches("[!a-c]x", "bx"));
        assert!(component_matches("[!a-c]x", "dx"));
    }

    #[test]
    fn patterns_expand_to_existing_matches_within_the_depth() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in ["a.env", "sub/b.env", "sub/deeper/c.env", "sub/keep.txt"] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "x").unwrap();
        }
        let pattern = |p: &str| vec![format!("{}/{p}", root.display())];
        let mut all = expand_deny_globs(&pattern("**/*.env"), None);
        all.sort();
        assert_eq!(
            all,
            [
                root.join("a.env"),
                root.join("sub/b.env"),
                root.join("sub/deeper/c.env")
            ]
        );
        let mut shallow = expand_deny_globs(&pattern("**/*.env"), Some(1));
        shallow.sort();
        assert_eq!(shallow, [root.join("a.env"), root.join("sub/b.env")]);
        assert_eq!(
            expand_deny_globs(&pattern("*/keep.txt"), None),
            [root.join("sub/keep.txt")]
        );
        assert!(expand_deny_globs(&pattern("*.none"), None).is_empty());
    }
}
