//! The escape suite of the Linux sandbox (issue 7).
//!
//! One binary with its own `main` (no libtest): run as `codex-linux-sandbox` it is the
//! sandbox helper, run as `it probe NAME` it is an attempt made from inside a sandbox, and
//! run plainly it is the suite, which re-executes itself in those two roles.
//!
//! The suite prints one line per attempt and a summary with the number of attempts and
//! escapes; it fails on any escape, on any allowed operation that was refused, and on any
//! attempt whose unconfined control run did not succeed (a probe that cannot work outside
//! the sandbox proves nothing inside it). It is skipped, saying why, only when the kernel
//! reports that it lacks a mechanism the sandbox needs.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr
)]
// The probes call the kernel directly, as the sandbox does.
#![allow(unsafe_code)]

mod escape;
mod probes;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let arg0 = args.first().cloned().unwrap_or_default();
    if recodex_sandbox::is_linux_sandbox_arg0(arg0.as_ref()) {
        let code = recodex_sandbox::run_linux_sandbox_main(std::env::args_os());
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    if args.get(1).map(String::as_str) == Some("probe") {
        let name = args.get(2).cloned().unwrap_or_default();
        let code = probes::run(&name, &args[3.min(args.len())..]);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    // Flags cargo passes to test binaries (filters, --nocapture, ...) are accepted and ignored.
    escape::run_suite()
}
