//! Checks every row of `tests/corpus.tsv` against the public verdicts.
//!
//! Each row is `verdict  dangerous  confirmed  kind  command`, tab-separated:
//! `verdict` is `safe` (runs without approval under `untrusted`) or `unsafe`;
//! `dangerous` is `yes`/`no` (asks as dangerous under `on-request`) or `-`
//! when not recorded; `confirmed` says where the verdicts come from (`ref`:
//! observed on the 0.136.0 binary by scripts/capture-command-safety-corpus.py;
//! `ref-script`: an argv observed through its `shlex.join` script; `-`: derived
//! from the upstream rules only); `kind` is `script` (the `cmd` the model
//! sends, run as `/bin/bash -lc <cmd>`) or `argv`; `command` is JSON (a
//! string for a script, an array of strings for an argv).

use recodex_command_safety::prompts_as_dangerous;
use recodex_command_safety::runs_without_approval_when_untrusted;

struct Row {
    line: usize,
    safe: bool,
    dangerous: Option<bool>,
    argv: Vec<String>,
    raw: String,
}

fn parse_row(line: usize, raw: &str) -> Row {
    let fields: Vec<&str> = raw.split('\t').collect();
    assert_eq!(
        fields.len(),
        5,
        "line {line}: expected 5 tab-separated fields: {raw}"
    );
    let safe = match fields[0] {
        "safe" => true,
        "unsafe" => false,
        other => panic!("line {line}: bad verdict {other:?}"),
    };
    let dangerous = match fields[1] {
        "yes" => Some(true),
        "no" => Some(false),
        "-" => None,
        other => panic!("line {line}: bad dangerous column {other:?}"),
    };
    assert!(
        matches!(fields[2], "ref" | "ref-script" | "-"),
        "line {line}: bad confirmed column {:?}",
        fields[2]
    );
    let command: serde_json::Value = serde_json::from_str(fields[4])
        .unwrap_or_else(|err| panic!("line {line}: bad JSON command: {err}"));
    let argv = match (fields[3], command) {
        ("script", serde_json::Value::String(script)) => {
            vec!["/bin/bash".to_owned(), "-lc".to_owned(), script]
        }
        ("argv", serde_json::Value::Array(words)) => words
            .into_iter()
            .map(|word| match word {
                serde_json::Value::String(word) => word,
                other => panic!("line {line}: argv word is not a string: {other}"),
            })
            .collect(),
        (kind, command) => panic!("line {line}: bad kind/command {kind:?} {command}"),
    };
    Row {
        line,
        safe,
        dangerous,
        argv,
        raw: raw.to_owned(),
    }
}

fn corpus() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
    text.lines()
        .enumerate()
        .filter(|(_, raw)| !raw.is_empty() && !raw.starts_with('#'))
        .map(|(index, raw)| parse_row(index + 1, raw))
        .collect()
}

#[test]
fn corpus_verdicts_match_the_reference() {
    let rows = corpus();
    assert!(rows.len() >= 220, "corpus has only {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let safe = runs_without_approval_when_untrusted(&row.argv);
        if safe != row.safe {
            failures.push(format!(
                "line {}: untrusted verdict {safe}: {}",
                row.line, row.raw
            ));
        }
        if let Some(expected) = row.dangerous {
            let dangerous = prompts_as_dangerous(&row.argv);
            if dangerous != expected {
                failures.push(format!(
                    "line {}: dangerous {dangerous}: {}",
                    row.line, row.raw
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_has_no_duplicate_rows() {
    let rows = corpus();
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        assert!(
            seen.insert(row.argv.clone()),
            "line {}: duplicate {:?}",
            row.line,
            row.argv
        );
    }
}
