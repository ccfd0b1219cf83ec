//! `descent sweep`: one run over a grid of two hyperparameters, its best
//! cell printed and its heat map and cells written.

use std::io::{self, Write};
use std::path::Path;

use super::{CliError, Command, load};
use crate::render::palette::Theme;
use crate::support::atomic_file;

/// Unpacks `descent sweep`'s arguments.
pub(super) fn command(command: Command) -> Result<(), CliError> {
    let Command::Sweep {
        preset,
        run,
        x,
        y,
        resolution,
        steps_to,
        steps,
        png,
        csv,
        width,
        height,
        theme,
    } = command
    else {
        return Ok(());
    };
    let spec = crate::analysis::sweep::SweepSpec {
        run,
        x,
        y,
        resolution,
        metric: steps_to.map_or(
            crate::analysis::sweep::Metric::FinalLoss,
            crate::analysis::sweep::Metric::StepsTo,
        ),
    };
    sweep_command(
        &preset,
        steps,
        &spec,
        png.as_deref(),
        csv.as_deref(),
        ((width, height), theme),
    )
}

/// `descent sweep`: runs the grid, prints the best cell, writes the files.
fn sweep_command(
    path: &Path,
    steps: Option<u64>,
    spec: &crate::analysis::sweep::SweepSpec,
    png: Option<&Path>,
    csv: Option<&Path>,
    (size, theme): ((u32, u32), Theme),
) -> Result<(), CliError> {
    let preset = load(path, steps)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let started = std::time::Instant::now();
    let result =
        crate::analysis::sweep::sweep(&preset, base, spec, &super::progress::on_stderr("cells"));
    super::progress::finish();
    let result = result?;
    let took = started.elapsed();
    let write_error = |target: &Path| {
        let target = target.display().to_string();
        move |source| CliError::Write { target, source }
    };
    if let Some(target) = png {
        let bytes =
            crate::export::sweep_picture::render_png(&result, spec, preset.steps, size, theme)?;
        atomic_file::write(target, &bytes).map_err(write_error(target))?;
    }
    if let Some(target) = csv {
        atomic_file::write_with(target, |w| {
            crate::export::sweep_picture::write_csv(&result, spec, w)
        })
        .map_err(write_error(target))?;
    }
    let diverged = result.diverged.iter().filter(|d| **d).count();
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "{}: {}×{} cells of {} steps in {:.2} s; {diverged} diverged",
        result.label,
        result.xs.len(),
        result.ys.len(),
        preset.steps,
        took.as_secs_f64()
    );
    match result.best() {
        Some((x, y, v)) => {
            let score = match spec.metric {
                crate::analysis::sweep::Metric::FinalLoss => format!("final loss {v:.6e}"),
                crate::analysis::sweep::Metric::StepsTo(tol) => {
                    format!("{v} steps to loss ≤ {tol}")
                }
            };
            let _ = writeln!(
                out,
                "best: {score} at {}={x:.6e}, {}={y:.6}",
                spec.x.param, spec.y.param
            );
        }
        None => {
            let _ = writeln!(out, "no cell finished with a finite score");
        }
    }
    Ok(())
}
