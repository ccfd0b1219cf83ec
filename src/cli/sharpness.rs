//! `descent sharpness`: each run's sharpness every k steps beside the
//! threshold its step size sets, as a table, and with `--csv` and `--png`
//! as a file and a picture.

use std::io::{self, Write};
use std::path::Path;

use super::{CliError, Command, load, located, stdout_error};
use crate::analysis::sharpness::{self, SharpnessSeries};
use crate::export::picture::{PictureOptions, SharpnessPicture, render_sharpness_png};
use crate::render::palette;
use crate::sim::SimError;
use crate::support::atomic_file;

/// Unpacks `descent sharpness`'s arguments and runs it.
pub(super) fn command(command: Command) -> Result<(), CliError> {
    let Command::Sharpness {
        preset: path,
        every,
        steps,
        csv,
        png,
        width,
        height,
        theme,
    } = command
    else {
        return Ok(());
    };
    let preset = load(&path, steps)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let asked = every
        .or(preset.sharpness_every)
        .unwrap_or((preset.steps / 200).max(1));
    let every = sharpness::sample_every(asked, preset.steps);
    let problem = preset
        .problem
        .build(base)
        .map_err(|e| located(SimError::from(e), Some(&path)))?;
    let wanted: Vec<bool> = preset.runs.iter().map(|r| r.enabled).collect();
    let started = std::time::Instant::now();
    let series = sharpness::along(problem, preset.sim_setup(), every, &wanted)
        .map_err(|e| located(e, Some(&path)))?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(target) = &csv {
        write_csv(&series, target)?;
    }
    if let Some(target) = &png {
        let runs: Vec<_> = series
            .iter()
            .zip(&preset.runs)
            .enumerate()
            .map(|(i, (s, run))| (s.as_ref(), palette::run_rgb(i, run.color)))
            .collect();
        let title = format!("{} (sharpness every {every} steps)", preset.title);
        let picture = SharpnessPicture {
            title: &title,
            runs: &runs,
            horizon: preset.steps,
        };
        let options = PictureOptions {
            width,
            height,
            theme,
            ..PictureOptions::default()
        };
        let bytes = render_sharpness_png(picture, &options)?;
        atomic_file::write(target, &bytes).map_err(|source| CliError::Write {
            target: target.display().to_string(),
            source,
        })?;
    }
    if csv.as_deref() != Some(Path::new("-")) {
        let mut out = io::stdout().lock();
        let _ = write!(out, "{}", table(&series, every, preset.steps, seconds));
    }
    Ok(())
}

/// `run,label,step,sharpness,threshold` (the threshold empty where the
/// rule has none), to `target` or `-` for stdout.
fn write_csv(series: &[Option<SharpnessSeries>], target: &Path) -> Result<(), CliError> {
    let write = |w: &mut dyn Write| -> io::Result<()> {
        writeln!(w, "run,label,step,measure,sharpness,threshold")?;
        for (i, s) in series.iter().enumerate() {
            let Some(s) = s else { continue };
            let label = crate::export::csv::escape(&s.label);
            for p in &s.points {
                let threshold = p.threshold.map(|t| format!("{t:e}")).unwrap_or_default();
                writeln!(
                    w,
                    "{i},{label},{},{},{:e},{threshold}",
                    p.step,
                    s.edge.measure_key(),
                    p.sharpness
                )?;
            }
        }
        Ok(())
    };
    if target == Path::new("-") {
        let mut out = io::BufWriter::new(io::stdout().lock());
        return write(&mut out)
            .and_then(|()| out.flush())
            .map_err(stdout_error);
    }
    atomic_file::write_with(target, |w| write(w)).map_err(|source| CliError::Write {
        target: target.display().to_string(),
        source,
    })
}

/// One line per run: what is measured against what, where it starts, its
/// peak, and where the last third of the samples sits against the threshold.
fn table(series: &[Option<SharpnessSeries>], every: u64, steps: u64, seconds: f64) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "sharpness every {every} steps over {steps} steps, in {seconds:.2} s"
    );
    let _ = writeln!(
        s,
        "{:<28} {:<13} {:<34} {:>9} {:>9} {:>9}  last third ÷ threshold",
        "run", "measures", "threshold", "first", "peak", "last"
    );
    for series in series.iter().flatten() {
        let values: Vec<f64> = series.points.iter().map(|p| p.sharpness).collect();
        let first = values.first().map_or_else(|| "-".into(), |v| short(*v));
        let last = values.last().map_or_else(|| "-".into(), |v| short(*v));
        let peak = values.iter().copied().fold(f64::NAN, f64::max);
        let threshold = match (
            series.edge.formula(),
            series.points.last().and_then(|p| p.threshold),
        ) {
            (Some(f), Some(t)) => format!("{f} = {}", short(t)),
            _ => "none known".into(),
        };
        let _ = writeln!(
            s,
            "{:<28} {:<13} {:<34} {:>9} {:>9} {:>9}  {}",
            series.label,
            series.edge.measure(),
            threshold,
            first,
            short(peak),
            last,
            last_third(series)
        );
    }
    s
}

/// A value with four significant digits at most, trailing zeros dropped.
fn short(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v != 0.0 && !(1e-3..1e5).contains(&v.abs()) {
        return format!("{v:.3e}");
    }
    let digits = 3_usize.saturating_sub(v.abs().log10().floor().max(0.0) as usize);
    let text = format!("{v:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// The least, median and largest sharpness ÷ threshold over the last third
/// of the samples, e.g. `0.97 / 1.03 / 1.20`.
fn last_third(series: &SharpnessSeries) -> String {
    let n = series.points.len();
    let mut ratios: Vec<f64> = series.points[n - n / 3..]
        .iter()
        .filter_map(|p| Some(p.sharpness / p.threshold?))
        .filter(|r| r.is_finite())
        .collect();
    if ratios.is_empty() {
        return "-".into();
    }
    ratios.sort_by(f64::total_cmp);
    format!(
        "{:.2} / {:.2} / {:.2}",
        ratios[0],
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1]
    )
}
