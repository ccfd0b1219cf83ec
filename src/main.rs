//! The `descent` binary: the headless CLI (and, with the `gui` feature, the window).

use std::process::ExitCode;

fn main() -> ExitCode {
    descent::cli::main()
}
