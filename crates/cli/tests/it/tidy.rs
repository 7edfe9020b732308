//! Repository rules checked by `cargo test` (as rust-analyzer's and jj's tidy tests do).
//!
//! The layering guard: the layer table of `ARCHITECTURE.md` is the rule, every crate's
//! `[dependencies]` must point strictly down it (a crate may depend only on crates of a
//! lower layer, never sideways or up), and the dev-only crates appear only among
//! `[dev-dependencies]`. A new crate must be added to the table first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A crate's place in the table: its layer number, or `None` for a dev-only crate.
type Layers = BTreeMap<String, Option<u32>>;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// The rows of ARCHITECTURE.md's layer table: `| <n> [name] | `crate` ... | job |`.
fn layers_from_architecture(text: &str) -> Layers {
    let mut layers = Layers::new();
    let table = text
        .lines()
        .skip_while(|line| !line.starts_with("| layer | crate |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'));
    for row in table {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (layer, krate) = (cells[1], cells[2]);
        let name = krate
            .split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("no crate name in row {row}"));
        let number = layer.split_whitespace().next().unwrap_or_default();
        let place = if number == "dev" {
            None
        } else {
            Some(
                number
                    .parse()
                    .unwrap_or_else(|_| panic!("bad layer in row {row}")),
            )
        };
        layers.insert(name.to_owned(), place);
    }
    layers
}

/// The workspace crates named in one section (`[dependencies]`, `[dev-dependencies]`) of a
/// manifest, by folder name (`recodex-core` → `core`).
fn workspace_deps(manifest: &str, section: &str) -> Vec<String> {
    let header = format!("[{section}]");
    manifest
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .filter_map(|line| {
            let key = line.split(['=', '.']).next()?.trim();
            key.strip_prefix("recodex-").map(str::to_owned)
        })
        .collect()
}

#[test]
fn crate_dependencies_point_down_the_layers() {
    let root = workspace_root();
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let layers = layers_from_architecture(&architecture);
    assert!(
        layers.len() > 10,
        "the layer table was not found: {layers:?}"
    );
    let mut problems = Vec::new();
    let mut crates: Vec<String> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    for krate in &crates {
        let manifest =
            std::fs::read_to_string(root.join("crates").join(krate).join("Cargo.toml")).unwrap();
        let Some(place) = layers.get(krate) else {
            problems.push(format!(
                "crate `{krate}` is not in ARCHITECTURE.md's layer table"
            ));
            continue;
        };
        for dep in workspace_deps(&manifest, "dependencies") {
            match (place, layers.get(&dep)) {
                (_, None) => problems.push(format!("`{krate}` depends on unknown crate `{dep}`")),
                (_, Some(None)) => problems.push(format!(
                    "`{krate}` depends on the dev-only crate `{dep}` outside [dev-dependencies]"
                )),
                (None, Some(Some(_))) => {}
                (Some(mine), Some(Some(theirs))) if theirs >= mine => problems.push(format!(
                    "`{krate}` (layer {mine}) depends on `{dep}` (layer {theirs}): edges must point down"
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_guard_sees_an_upward_edge() {
    // The guard itself: an upward edge in a manifest is reported.
    let layers = layers_from_architecture(
        "| layer | crate | job |\n|---|---|---|\n| 0 | `low` | x |\n| 2 | `high` | y |\n| dev | `kit` | z |\n",
    );
    assert_eq!(layers.get("low"), Some(&Some(0)));
    assert_eq!(layers.get("kit"), Some(&None));
    let manifest = "[package]\nname = \"recodex-low\"\n\n[dependencies]\nrecodex-high.workspace = true\nserde = \"1\"\n\n[dev-dependencies]\nrecodex-kit.workspace = true\n";
    assert_eq!(workspace_deps(manifest, "dependencies"), ["high"]);
    assert_eq!(workspace_deps(manifest, "dev-dependencies"), ["kit"]);
}
