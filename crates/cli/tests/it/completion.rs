//! `codex completion` scripts.

use clap::ValueEnum;
use recodex::completion::{Shell, completion_script};

#[test]
fn every_shell_gets_a_script_for_codex() {
    for shell in Shell::value_variants() {
        let script = completion_script(*shell);
        assert!(
            script.contains("codex"),
            "{shell}: no `codex` in the script"
        );
        assert!(
            script.contains("exec-server"),
            "{shell}: subcommands missing"
        );
    }
    assert!(completion_script(Shell::Bash).contains("_codex()"));
    assert!(completion_script(Shell::Zsh).starts_with("#compdef codex"));
}
