//! `descent run`: a preset run headless, printed as a summary or written
//! as the trajectory CSV, and `--state-csv` with every step's optimizer state.

use std::io::{self, Write};
use std::path::Path;

use super::{CliError, load, located, stdout_error};
use crate::export::csv::write_trajectories;
use crate::preset::Preset;
use crate::sim::Simulation;
use crate::support::atomic_file;

/// `descent run PRESET [--steps N] [--csv PATH|-] [--state-csv PATH|-]`.
pub(super) fn command(
    path: &Path,
    steps: Option<u64>,
    csv: Option<&str>,
    state_csv: Option<&str>,
) -> Result<(), CliError> {
    let preset = load(path, steps)?;
    let origin = path.display().to_string();
    let base = path.parent().unwrap_or(Path::new("."));
    if let Some(target) = state_csv {
        write_state_csv(&preset, path, base, target)?;
        if csv.is_none() {
            return Ok(());
        }
    }
    run(&preset, base, csv, Some(&origin))
}

/// Replays the preset step by step and writes the inspector's numbers.
fn write_state_csv(
    preset: &Preset,
    file: &Path,
    base: &Path,
    target: &str,
) -> Result<(), CliError> {
    let mut sim = preset
        .simulation(base)
        .map_err(|e| located(e, Some(file)))?;
    if target == "-" {
        let mut out = io::BufWriter::new(io::stdout().lock());
        return crate::export::csv::write_states(&mut sim, &mut out).map_err(stdout_error);
    }
    atomic_file::write_with(Path::new(target), |w| {
        crate::export::csv::write_states(&mut sim, w)
    })
    .map_err(|source| CliError::Write {
        target: target.to_owned(),
        source,
    })
}

pub(super) fn run(
    preset: &Preset,
    base: &Path,
    csv: Option<&str>,
    origin: Option<&str>,
) -> Result<(), CliError> {
    let mut sim = preset
        .simulation(base)
        .map_err(|e| located(e, origin.map(Path::new)))?;
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

/// Parameters listed per run in the summary; the CSV has them all.
const SUMMARY_PARAMS: usize = 4;

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
        let mut at = names
            .iter()
            .zip(params)
            .take(SUMMARY_PARAMS)
            .map(|(n, v)| format!("{n}={}", crate::support::format::compact(*v)))
            .collect::<Vec<_>>()
            .join(", ");
        if params.len() > SUMMARY_PARAMS {
            at = format!("{at}, … ({} parameters)", params.len());
        }
        writeln!(
            out,
            "  {:<width$}  {status:<22} loss {loss:<13.6e} at {at}",
            run.setup().label
        )?;
    }
    Ok(())
}
