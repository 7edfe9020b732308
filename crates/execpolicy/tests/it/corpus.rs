//! Every case of `tests/corpus/cases.tsv` run through `run_check`, compared byte for byte
//! with the reference's stdout, stderr and exit code captured by
//! `scripts/capture-execpolicy-corpus.sh` into `tests/corpus/expected/`.

use std::fs;
use std::path::{Path, PathBuf};

use recodex_execpolicy::run_check;

struct Case {
    name: String,
    rules: Vec<PathBuf>,
    pretty: bool,
    resolve: bool,
    argv: Vec<String>,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_cases() -> Vec<Case> {
    let text = fs::read_to_string(crate_dir().join("tests/corpus/cases.tsv")).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').filter(|f| !f.is_empty()).collect();
            let flags: Vec<&str> = fields[2].split(',').collect();
            Case {
                name: fields[0].to_string(),
                rules: fields[1]
                    .split(',')
                    .map(|r| PathBuf::from(format!("tests/corpus/rules/{r}")))
                    .collect(),
                pretty: flags.contains(&"pretty"),
                resolve: flags.contains(&"resolve"),
                argv: fields[3..]
                    .iter()
                    .map(|a| {
                        if *a == "<empty>" {
                            String::new()
                        } else {
                            (*a).to_string()
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

fn expected(name: &str, ext: &str) -> String {
    let path = crate_dir().join(format!("tests/corpus/expected/{name}.{ext}"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn corpus_matches_reference() {
    // Rules paths are relative to the crate directory, as when they were captured.
    let dir = crate_dir();
    assert_eq!(
        std::env::current_dir().unwrap(),
        dir,
        "tests must run from the crate directory"
    );
    let cases = read_cases();
    assert!(cases.len() >= 60, "corpus too small: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = run_check(
            &case.rules,
            case.pretty,
            case.resolve,
            &case.argv,
            Some(Path::new(&dir)),
        );
        let code: i32 = expected(&case.name, "code").trim().parse().unwrap();
        let stdout = expected(&case.name, "stdout");
        let stderr = expected(&case.name, "stderr");
        if outcome.stdout != stdout || outcome.stderr != stderr || outcome.exit_code != code {
            failures.push(format!(
                "case {}:\n--- expected (code {code})\n{stdout}{stderr}\n--- actual (code {})\n{}{}",
                case.name, outcome.exit_code, outcome.stdout, outcome.stderr
            ));
        }
    }
    let passed = cases.len() - failures.len();
    assert!(
        failures.is_empty(),
        "{passed}/{} cases pass\n\n{}",
        cases.len(),
        failures.join("\n")
    );
}
