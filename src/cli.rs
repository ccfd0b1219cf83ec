//! The headless command line: `descent run`, `descent list`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::atomic_file;
use crate::export::csv::write_trajectories;
use crate::optim::{OptimizerConfig, Schedule};
use crate::preset::{Preset, PresetError};
use crate::problem::Surface;
use crate::sim::{SimError, Simulation};

/// See how deep-learning optimizers really behave.
#[derive(Debug, Parser)]
#[command(name = "descent", version, about)]
pub struct Cli {
    /// What to do; without a command, the default lesson runs.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a preset headless and print a summary or the trajectories as CSV.
    Run {
        /// The preset file (.ron).
        preset: PathBuf,
        /// Override the preset's step horizon.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Write trajectories as CSV to PATH, or to stdout with `-`.
        #[arg(long, value_name = "PATH|-")]
        csv: Option<String>,
    },
    /// List the surfaces, optimizers (with torch's defaults) and schedules.
    List,
}

/// Everything that can go wrong in a command, shown to the user as one message.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Loading or validating a preset failed.
    #[error("{0}")]
    Preset(#[from] PresetError),
    /// Building the simulation failed.
    #[error("{0}")]
    Sim(#[from] SimError),
    /// Writing output failed.
    #[error("cannot write {target}: {source}")]
    Write {
        /// Where.
        target: String,
        /// Why.
        source: io::Error,
    },
}

/// Parses the arguments and runs the command; the binary's entry point.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command.
pub fn execute(command: Option<Command>) -> Result<(), CliError> {
    match command {
        None => {
            let preset = Preset::from_ron_str(crate::DEFAULT_PRESET, "default preset")?;
            run(&preset, Path::new("."), None, None)
        }
        Some(Command::Run { preset, steps, csv }) => {
            let mut p = Preset::load(&preset)?;
            let origin = preset.display().to_string();
            if let Some(n) = steps {
                p.steps = n;
                p.validate(&origin)?;
            }
            let base = preset.parent().unwrap_or(Path::new("."));
            run(&p, base, csv.as_deref(), Some(&origin))
        }
        Some(Command::List) => list(),
    }
}

fn stdout_error(source: io::Error) -> CliError {
    CliError::Write {
        target: "stdout".into(),
        source,
    }
}

fn run(
    preset: &Preset,
    base: &Path,
    csv: Option<&str>,
    origin: Option<&str>,
) -> Result<(), CliError> {
    let mut sim = Simulation::from_preset(preset, base)?;
    sim.run_to_end();
    match csv {
        Some("-") => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write_trajectories(&sim, &mut out).map_err(stdout_error)
        }
        Some(path) => atomic_file::write_with(Path::new(path), |w| write_trajectories(&sim, w))
            .map_err(|source| CliError::Write {
                target: path.to_owned(),
                source,
            }),
        None => summary(preset, &sim, origin).map_err(stdout_error),
    }
}

fn summary(preset: &Preset, sim: &Simulation, origin: Option<&str>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let title = if preset.title.is_empty() {
        origin.unwrap_or("untitled")
    } else {
        &preset.title
    };
    writeln!(out, "{title}")?;
    writeln!(
        out,
        "{}: {} · {} steps",
        sim.problem().name(),
        sim.problem().formula(),
        sim.horizon()
    )?;
    let names = sim.problem().param_names();
    let width = sim
        .runs()
        .iter()
        .map(|r| r.setup().label.chars().count())
        .max()
        .unwrap_or(0);
    for run in sim.runs() {
        let Some((params, loss)) = run.trajectory().last() else {
            continue;
        };
        let status = run
            .termination()
            .map_or_else(|| "running".to_owned(), |t| t.to_string());
        let at = names
            .iter()
            .zip(params)
            .map(|(n, v)| format!("{n}={}", compact(*v)))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "  {:<width$}  {status:<22} loss {loss:<13.6e} at {at}",
            run.setup().label
        )?;
    }
    Ok(())
}

/// A number with 7 significant digits, in scientific form when very large or small.
fn compact(v: f64) -> String {
    let magnitude = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e6).contains(&magnitude) {
        let digits = if magnitude >= 1.0 || v == 0.0 || !v.is_finite() {
            6usize.saturating_sub(magnitude.log10().max(0.0) as usize)
        } else {
            7 + (-magnitude.log10()).floor() as usize
        };
        format!("{v:.digits$}")
    } else {
        format!("{v:.6e}")
    }
}

fn list() -> Result<(), CliError> {
    let text = listing();
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)
}

/// The text of `descent list`.
pub fn listing() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let ron = |v: &dyn erased::Ron| v.ron();
    let _ = writeln!(s, "Surfaces (problem: Surface(...)):");
    for surface in Surface::catalogue() {
        let _ = writeln!(s, "  {:<18} {}", surface.ident(), surface.formula());
    }
    let _ = writeln!(
        s,
        "\nProblems with data:\n  LinearRegression(data: Csv(\"file.csv\") | Synthetic(n: 100, slope: 3.0, intercept: 0.5, noise: 0.3, x_range: (-1.0, 1.0), seed: 0))"
    );
    let _ = writeln!(s, "\nOptimizers (optimizer: ...), with torch's defaults:");
    for opt in OptimizerConfig::catalogue() {
        let _ = writeln!(s, "  {}\n      {}", opt.torch_name(), ron(&opt));
    }
    let _ = writeln!(s, "\nSchedules (schedule: ...):");
    for sched in Schedule::catalogue() {
        let _ = writeln!(s, "  {}", ron(&sched));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn compact_numbers_stay_short() {
        assert_eq!(compact(0.773_158_2), "0.7731582");
        assert_eq!(compact(-1234.5678), "-1234.568");
        assert_eq!(compact(8.59e153), "8.590000e153");
        assert_eq!(compact(1.5e-7), "1.500000e-7");
        assert_eq!(compact(0.001_234_567_89), "0.001234568");
        assert_eq!(compact(0.0), "0.000000");
        assert_eq!(compact(f64::NAN), "NaN");
    }
}

/// One-line RON for listings.
mod erased {
    use ron::extensions::Extensions;

    pub trait Ron {
        fn ron(&self) -> String;
    }

    impl<T: serde::Serialize> Ron for T {
        fn ron(&self) -> String {
            let pretty = ron::ser::PrettyConfig::new()
                .compact_arrays(true)
                .new_line("")
                .indentor("")
                .separator(" ")
                .compact_structs(true)
                .extensions(Extensions::UNWRAP_VARIANT_NEWTYPES);
            crate::preset::ron_options()
                .to_string_pretty(self, pretty)
                .map_or_else(|e| e.to_string(), |s| s.replace(",)", ")"))
        }
    }
}
