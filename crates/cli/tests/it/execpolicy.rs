//! `recodex execpolicy check` end to end: every case of the execpolicy corpus, run through
//! the binary as the capture script ran the reference, gives the reference's stdout,
//! stderr and exit code byte for byte.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_recodex");

#[test]
fn execpolicy_check_matches_the_reference_on_the_corpus() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../execpolicy");
    let corpus = "tests/corpus";
    let cases = std::fs::read_to_string(crate_dir.join(corpus).join("cases.tsv")).unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in cases
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let name = fields[0];
        let mut args = vec!["execpolicy".to_owned(), "check".to_owned()];
        for rules in fields[1].split(',') {
            args.push("--rules".to_owned());
            args.push(format!("{corpus}/rules/{rules}"));
        }
        for flag in fields[2].split(',') {
            match flag {
                "pretty" => args.push("--pretty".to_owned()),
                "resolve" => args.push("--resolve-host-executables".to_owned()),
                _ => {}
            }
        }
        args.push("--".to_owned());
        args.extend(fields[3..].iter().map(|a| {
            if *a == "<empty>" {
                String::new()
            } else {
                (*a).to_owned()
            }
        }));
        let out = Command::new(BIN)
            .args(&args)
            .current_dir(&crate_dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.path())
            .env("CODEX_HOME", home.path())
            // CODEX_HOME must not be under the temp dir, or the PATH-helper warning is printed
            // (the capture used a CODEX_HOME outside it).
            .env("TMPDIR", home.path().join("tmp"))
            .output()
            .unwrap();
        let expected = |ext: &str| {
            std::fs::read(
                crate_dir
                    .join(corpus)
                    .join("expected")
                    .join(format!("{name}.{ext}")),
            )
            .unwrap()
        };
        let code: i32 = String::from_utf8(expected("code"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        count += 1;
        if out.stdout != expected("stdout")
            || out.stderr != expected("stderr")
            || out.status.code() != Some(code)
        {
            failures.push(format!(
                "{name}: exit {:?} (want {code})\nstdout: {}\nstderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(count >= 60, "only {count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
