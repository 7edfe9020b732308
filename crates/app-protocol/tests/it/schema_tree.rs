//! The schema trees `schema_gen` writes, checked against digests of the reference's trees
//! (`tests/fixtures/schema-digest/`, from `scripts/vendor-app-protocol-digest.py`).
//!
//! Each tree is written into a temporary folder through the public API, read back, reduced to
//! its prose-free canonical form and hashed. The file sets must be equal and every file's
//! hash must match, except the files listed in `KNOWN_DIFFERENT` (a list that must only
//! shrink: a listed file that matches fails the test too). On a mismatch the test names the
//! files, and for JSON the root or the definitions that differ; with
//! `RECODEX_APP_SCHEMA_REFERENCE=<reference>/app-server-schema` set it also prints a
//! structural diff of the first few files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use recodex_app_protocol::schema_gen;
use serde_json::Value;

use crate::canonical::{
    Digest, json_file_digest, read_fixture, sha256, strip_descriptions, ts_canonical,
};

/// Files known to differ from the reference, per tree. Must shrink, never grow.
const KNOWN_DIFFERENT: &[(&str, &str)] = &[];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Ts,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schema-digest")
        .join(name)
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read_to_string(&path).expect("utf-8 file"));
            }
        }
    }
    out
}

/// What differs between our tree and the reference digest.
#[derive(Default)]
struct Report {
    missing: Vec<String>,
    extra: Vec<String>,
    differing: Vec<(String, String)>,
}

fn compare(kind: Kind, ours: &BTreeMap<String, String>, reference: &Digest) -> Report {
    let mut report = Report::default();
    let ours_set: BTreeSet<&String> = ours.keys().collect();
    let ref_set: BTreeSet<&String> = reference.files.keys().collect();
    report.missing = ref_set
        .difference(&ours_set)
        .map(|s| (*s).clone())
        .collect();
    report.extra = ours_set
        .difference(&ref_set)
        .map(|s| (*s).clone())
        .collect();
    for (path, text) in ours {
        let Some(want) = reference.files.get(path) else {
            continue;
        };
        match kind {
            Kind::Ts => {
                if sha256(&ts_canonical(text)) != want.file {
                    report
                        .differing
                        .push((path.clone(), "text differs".to_owned()));
                }
            }
            Kind::Json => {
                let (got, defs) = json_file_digest(text);
                if got.file == want.file {
                    continue;
                }
                let mut why = Vec::new();
                if got.root != want.root {
                    why.push("root schema differs".to_owned());
                }
                if !path.ends_with("schemas.json") {
                    for (name, hash) in &defs {
                        match reference.defs.get(name) {
                            None => why.push(format!("unexpected definition {name}")),
                            Some(h) if h != hash => why.push(format!("definition {name} differs")),
                            Some(_) => {}
                        }
                    }
                }
                if why.is_empty() {
                    why.push("the set of definitions differs".to_owned());
                }
                report.differing.push((path.clone(), why.join("; ")));
            }
        }
    }
    report
}

/// A readable diff of two canonical JSON values, one line per differing path.
fn json_diff(a: &Value, b: &Value, path: &str, out: &mut String, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = format!("{path}/{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => json_diff(u, v, &p, out, budget),
                    (Some(u), None) => note(out, budget, &p, &format!("only ours: {}", short(u))),
                    (None, Some(v)) => {
                        note(out, budget, &p, &format!("only reference: {}", short(v)))
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                json_diff(u, v, &format!("{path}/{i}"), out, budget);
            }
        }
        _ if a != b => note(
            out,
            budget,
            path,
            &format!("ours {} | reference {}", short(a), short(b)),
        ),
        _ => {}
    }
}

fn note(out: &mut String, budget: &mut usize, path: &str, what: &str) {
    let _ = writeln!(out, "      {path}: {what}");
    *budget -= 1;
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!("{}...", &s[..s.floor_char_boundary(160)])
    } else {
        s
    }
}

fn ts_diff(ours: &str, reference: &str) -> String {
    let a: Vec<char> = ts_canonical(ours).chars().collect();
    let b: Vec<char> = ts_canonical(reference).chars().collect();
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let window = |s: &[char]| {
        s[at.saturating_sub(60)..(at + 100).min(s.len())]
            .iter()
            .collect::<String>()
    };
    format!(
        "      ours:      {}\n      reference: {}\n",
        window(&a),
        window(&b)
    )
}

fn structural_diffs(
    kind: Kind,
    tree: &str,
    ours: &BTreeMap<String, String>,
    report: &Report,
) -> String {
    let Some(root) = std::env::var_os("RECODEX_APP_SCHEMA_REFERENCE") else {
        return "  (set RECODEX_APP_SCHEMA_REFERENCE=<reference>/app-server-schema for a structural diff)\n".to_owned();
    };
    let mut out = String::new();
    for (path, _) in report.differing.iter().take(3) {
        let file = Path::new(&root).join(tree).join(path);
        let Ok(reference) = std::fs::read_to_string(&file) else {
            continue;
        };
        let _ = writeln!(out, "  {path}:");
        match kind {
            Kind::Ts => out.push_str(&ts_diff(&ours[path], &reference)),
            Kind::Json => {
                let parse = |t: &str| {
                    strip_descriptions(&serde_json::from_str::<Value>(t).unwrap_or(Value::Null))
                };
                let mut budget = 12;
                json_diff(
                    &parse(&ours[path]),
                    &parse(&reference),
                    "",
                    &mut out,
                    &mut budget,
                );
            }
        }
    }
    out
}

fn check(kind: Kind, tree: &str, fixture_name: &str, write: impl FnOnce(&Path)) {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path());
    let ours = read_tree(dir.path());
    let reference = read_fixture(&fixture(fixture_name));
    let report = compare(kind, &ours, &reference);
    let known: BTreeSet<&str> = KNOWN_DIFFERENT
        .iter()
        .filter(|(t, _)| *t == tree)
        .map(|(_, p)| *p)
        .collect();
    let differing: BTreeSet<&str> = report.differing.iter().map(|(p, _)| p.as_str()).collect();
    let fixed: Vec<&&str> = known.difference(&differing).collect();
    let unexpected: Vec<&(String, String)> = report
        .differing
        .iter()
        .filter(|(p, _)| !known.contains(p.as_str()))
        .collect();
    let matching = reference.files.len() - report.missing.len() - report.differing.len();
    let mut msg = format!(
        "{tree}: {matching} of {} reference files match\n",
        reference.files.len()
    );
    for p in &report.missing {
        let _ = writeln!(msg, "  missing: {p}");
    }
    for p in &report.extra {
        let _ = writeln!(msg, "  extra: {p}");
    }
    for (p, why) in &unexpected {
        let _ = writeln!(msg, "  differs: {p}: {why}");
    }
    for p in &fixed {
        let _ = writeln!(msg, "  now matches (remove it from KNOWN_DIFFERENT): {p}");
    }
    let failed = !report.missing.is_empty()
        || !report.extra.is_empty()
        || !unexpected.is_empty()
        || !fixed.is_empty();
    if failed {
        let report = Report {
            differing: unexpected.into_iter().cloned().collect(),
            ..report
        };
        msg.push_str(&structural_diffs(kind, tree, &ours, &report));
        panic!("{msg}");
    }
}

#[test]
fn json_schema_stable_matches_reference() {
    check(Kind::Json, "json/stable", "json-stable.txt", |d| {
        schema_gen::write_json_schema(d, false).expect("write json schema");
    });
}

#[test]
fn json_schema_experimental_matches_reference() {
    check(
        Kind::Json,
        "json/experimental",
        "json-experimental.txt",
        |d| {
            schema_gen::write_json_schema(d, true).expect("write json schema");
        },
    );
}

#[test]
fn typescript_stable_matches_reference() {
    check(Kind::Ts, "ts/stable", "ts-stable.txt", |d| {
        schema_gen::write_typescript(d, false).expect("write typescript");
    });
}

#[test]
fn typescript_experimental_matches_reference() {
    check(Kind::Ts, "ts/experimental", "ts-experimental.txt", |d| {
        schema_gen::write_typescript(d, true).expect("write typescript");
    });
}

#[test]
fn internal_json_schema_matches_reference() {
    check(Kind::Json, "json/internal", "json-internal.txt", |d| {
        schema_gen::write_internal_json_schema(d).expect("write internal schema");
    });
}
