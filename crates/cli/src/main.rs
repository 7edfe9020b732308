//! The `recodex` binary; see the library crate for the program.

fn main() -> std::process::ExitCode {
    recodex::main_entry()
}
