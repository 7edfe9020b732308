//! Shell completion scripts for `codex completion [SHELL]`.
//!
//! The script is generated from [`crate::args::command`], so it always matches the parser.

use std::io::Write;

pub use clap_complete::Shell;

/// Name the completion scripts register; users run the binary as `codex`.
pub const BIN_NAME: &str = "codex";

/// Writes the completion script for `shell` to `out`.
pub fn write_completion(shell: Shell, out: &mut dyn Write) {
    let mut cmd = crate::args::command();
    clap_complete::generate(shell, &mut cmd, BIN_NAME, out);
}

/// The completion script for `shell`, as a string.
pub fn completion_script(shell: Shell) -> String {
    let mut buf = Vec::new();
    write_completion(shell, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
