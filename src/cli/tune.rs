//! `descent tune`: every enabled run's best lr on one grid, printed as a
//! table and, with `--save`, written into a copy of the preset.

use std::io::{self, Write};
use std::path::Path;

use super::{CliError, Command, load};
use crate::analysis::sweep::Metric;
use crate::analysis::tune::{self, TuneResult, TuneSpec};

/// Unpacks `descent tune`'s arguments and runs it.
pub(super) fn command(command: Command) -> Result<(), CliError> {
    let Command::Tune {
        preset: path,
        from,
        to,
        points,
        steps_to,
        steps,
        save,
    } = command
    else {
        return Ok(());
    };
    let spec = TuneSpec {
        from,
        to,
        points,
        metric: steps_to.map_or(Metric::FinalLoss, Metric::StepsTo),
    };
    let mut preset = load(&path, steps)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let started = std::time::Instant::now();
    let result = tune::tune(&preset, base, &spec, &super::progress::on_stderr("runs"));
    super::progress::finish();
    let result = result?;
    let took = started.elapsed();
    let mut out = io::stdout().lock();
    let _ = write!(out, "{}", table(&result, preset.steps, took.as_secs_f64()));
    if let Some(target) = save {
        result.apply_to(&mut preset)?;
        preset.save(&target)?;
        let _ = writeln!(out, "wrote {}", target.display());
    }
    Ok(())
}

/// One line per run: its best lr and score, and how many lrs diverged.
fn table(result: &TuneResult, steps: u64, seconds: f64) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let spec = &result.spec;
    let _ = writeln!(
        s,
        "{} runs × {} lrs in [{}, {}] × {steps} steps in {seconds:.2} s, scored by {}",
        result.runs.len(),
        result.lrs.len(),
        spec.from,
        spec.to,
        match spec.metric {
            Metric::FinalLoss => "final loss".to_owned(),
            Metric::StepsTo(tol) => format!("steps to loss ≤ {tol}"),
        }
    );
    let width = result
        .runs
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    let _ = writeln!(
        s,
        "{:<width$}  {:>12}  {:>14}  diverged",
        "run", "best lr", "score"
    );
    for r in &result.runs {
        let diverged = r.diverged.iter().filter(|d| **d).count();
        let (lr, score) = match r.best {
            Some((lr, score)) => (format!("{lr:.4e}"), format!("{score:.6e}")),
            None => ("—".to_owned(), "none finite".to_owned()),
        };
        let edge = r.at_edge(&result.lrs).map_or(String::new(), |end| {
            format!("  (the {end} of the range: widen it)")
        });
        let _ = writeln!(
            s,
            "{:<width$}  {lr:>12}  {score:>14}  {diverged}/{}{edge}",
            r.label,
            r.scores.len()
        );
    }
    s
}
