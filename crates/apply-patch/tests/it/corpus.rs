//! Runs every case of `tests/corpus/` through the `apply_patch` personality and compares
//! the resulting tree and the output with what the reference produced
//! (`scripts/capture-apply-patch-corpus.sh`).
//!
//! A case holds `before/` (the starting tree), `patch.txt` (`<CWD>` stands for the working
//! directory), optional `mode.txt` (`stdin`: the patch is piped instead of passed) and
//! `extra-args.txt`, and the reference's `expected/` tree and `expected-output.txt`. A
//! `deviation.txt` marks a case where the reference leaves a partially applied patch
//! behind: recodex must leave `before/` untouched there instead.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use crate::tree::{describe_difference, snapshot};

const PLACEHOLDER: &str = "<CWD>";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Runs one case; returns a description of every mismatch (empty when it passes).
fn check(case: &Path) -> String {
    let scratch = tempfile::tempdir().unwrap();
    let work = fs::canonicalize(scratch.path()).unwrap();
    crate::tree::copy(&case.join("before"), &work);
    let work_bytes = work.as_os_str().as_encoded_bytes().to_vec();
    let patch = replace_bytes(
        &fs::read(case.join("patch.txt")).unwrap(),
        PLACEHOLDER.as_bytes(),
        &work_bytes,
    );
    let via_stdin = fs::read_to_string(case.join("mode.txt")).is_ok_and(|m| m.trim() == "stdin");
    let mut args = vec![OsString::from("apply_patch")];
    let mut stdin = Vec::new();
    if via_stdin {
        stdin = patch;
    } else {
        args.push(OsString::from_vec(patch));
    }
    if let Ok(extra) = fs::read_to_string(case.join("extra-args.txt")) {
        args.extend(extra.lines().map(OsString::from));
    }
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = recodex_apply_patch::run_personality(
        &args,
        stdin.as_slice(),
        &mut stdout,
        &mut stderr,
        Ok(work.clone()),
    );
    let mut output = format!("exit: {status}\n--- stdout\n").into_bytes();
    output.extend(replace_bytes(&stdout, &work_bytes, PLACEHOLDER.as_bytes()));
    output.extend_from_slice(b"--- stderr\n");
    output.extend(replace_bytes(&stderr, &work_bytes, PLACEHOLDER.as_bytes()));

    let mut problems = String::new();
    let expected_output = fs::read(case.join("expected-output.txt")).unwrap();
    if output != expected_output {
        problems.push_str(&format!(
            "output differs:\n--- expected\n{}--- actual\n{}",
            String::from_utf8_lossy(&expected_output),
            String::from_utf8_lossy(&output)
        ));
    }
    let before = snapshot(&case.join("before"));
    let reference_after = snapshot(&case.join("expected"));
    let ours = snapshot(&work);
    let deviation = case.join("deviation.txt").exists();
    let wanted = if deviation { &before } else { &reference_after };
    if &ours != wanted {
        problems.push_str(&format!(
            "tree differs:\n{}",
            describe_difference(wanted, &ours)
        ));
    }
    if status != 0 && ours != before {
        problems.push_str("a failed patch changed the tree\n");
    }
    if deviation == (reference_after == before || status == 0) {
        problems.push_str("deviation.txt must be present exactly when the reference leaves a failed patch half applied\n");
    }
    problems
}

#[test]
fn corpus_matches_the_reference() {
    let mut cases: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("patch.txt").exists())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 60,
        "the corpus has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let problems = check(case);
        if !problems.is_empty() {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            failures.push(format!("== {name}\n{problems}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
