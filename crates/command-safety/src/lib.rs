//! Command safety heuristics of the approval flow.
//!
//! Under the `untrusted` approval policy, a command that no exec-policy rule
//! matches runs without asking only when it is *known safe*: a read-only tool
//! from a short allow-list (`ls`, `cat`, `grep`, `git status`, `find` without
//! `-exec`/`-delete`, `rg` without `--pre`, `sed -n 1,5p`, ...), or a
//! `bash -lc "<script>"` whose script is nothing but such commands joined by
//! `&&`, `||`, `;`, `|` or newlines. Under `on-request`, a command that
//! *might be dangerous* (`rm -rf`, `rm -f`) asks even inside the sandbox.
//!
//! ```
//! use recodex_command_safety::runs_without_approval_when_untrusted;
//!
//! let argv = |script: &str| vec!["bash".to_owned(), "-lc".to_owned(), script.to_owned()];
//! assert!(runs_without_approval_when_untrusted(&argv("ls -la && git status")));
//! assert!(!runs_without_approval_when_untrusted(&argv("ls > out.txt")));
//! ```
//!
//! Modules:
//! - `bash`: the plain-script parser and shell-wrapper detection;
//! - `safe`: the allow-list ([`is_known_safe_command`]);
//! - `git`: which git invocations only read;
//! - `dangerous`: [`command_might_be_dangerous`];
//! - `policy`: how the approval flow splits a wrapper before judging it.
//!
//! Pure functions on words: no I/O, no process, no configuration. Exec-policy
//! rules (`.rules` files) are evaluated elsewhere, before these heuristics.

mod bash;
mod dangerous;
mod git;
mod policy;
mod safe;

pub use bash::extract_shell_script;
pub use bash::parse_plain_shell_script;
pub use bash::parse_shell_lc_plain_commands;
pub use dangerous::command_might_be_dangerous;
pub use policy::commands_for_exec_policy;
pub use policy::prompts_as_dangerous;
pub use policy::runs_without_approval_when_untrusted;
pub use safe::is_known_safe_command;
