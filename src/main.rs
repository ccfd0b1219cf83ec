//! The `descent` binary: the window (feature `gui`) or the headless CLI.

use std::process::ExitCode;

use descent::cli::Launch;

fn main() -> ExitCode {
    match descent::cli::launch() {
        Launch::Exit(code) => code,
        #[cfg(feature = "gui")]
        Launch::Window(options) => descent::app::run(options),
        #[cfg(not(feature = "gui"))]
        Launch::Window(options) => descent::cli::run_headless(&options),
    }
}
