//! *Tune each run*: every enabled run's best lr on one log grid, each run
//! given the same grid and the same steps, so a comparison does not hide
//! how much tuning each optimizer got. Runs × grid points run in parallel.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::sweep::{Axis, Metric, SweepError, check_ends, score_with, sweepable};
use crate::optim::params::{Param, Value};
use crate::preset::{Preset, TunedBy, Tuning};
use crate::sim::SimError;
use crate::support::job::Job;

/// Most grid points.
pub const MAX_POINTS: usize = 256;

/// The grid every run is tuned over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TuneSpec {
    /// Smallest lr.
    pub from: f64,
    /// Largest lr.
    pub to: f64,
    /// Log-spaced points, ends included.
    pub points: usize,
    /// The score (lowest wins).
    pub metric: Metric,
}

impl TuneSpec {
    /// The lrs tried.
    pub fn lrs(&self) -> Vec<f64> {
        Axis {
            param: Param::Lr,
            from: self.from,
            to: self.to,
            log: true,
        }
        .values(self.points)
    }

    /// The note kept with a tuned run.
    pub fn tuning(&self) -> Tuning {
        Tuning {
            values: self.points,
            from: self.from,
            to: self.to,
            by: match self.metric {
                Metric::FinalLoss => TunedBy::FinalLoss,
                Metric::StepsTo(tol) => TunedBy::StepsTo(tol),
            },
        }
    }
}

/// One run's scores over the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct RunTuning {
    /// Index in the preset.
    pub run: usize,
    /// Its label.
    pub label: String,
    /// Score per lr (NaN: diverged, or never reached the tolerance).
    pub scores: Vec<f64>,
    /// Where it diverged.
    pub diverged: Vec<bool>,
    /// The best lr and its score (the smallest lr among ties).
    pub best: Option<(f64, f64)>,
}

/// Every enabled run's tuning.
#[derive(Clone, Debug, PartialEq)]
pub struct TuneResult {
    /// The grid.
    pub spec: TuneSpec,
    /// The lrs tried.
    pub lrs: Vec<f64>,
    /// Per enabled run, in preset order.
    pub runs: Vec<RunTuning>,
}

impl RunTuning {
    /// Where the best lr sits at an end of the grid, so a wider range may do
    /// better: `Some("top")` or `Some("bottom")`.
    pub fn at_edge(&self, lrs: &[f64]) -> Option<&'static str> {
        let (lr, _) = self.best?;
        if lrs.last() == Some(&lr) {
            Some("top")
        } else if lrs.first() == Some(&lr) {
            Some("bottom")
        } else {
            None
        }
    }
}

impl TuneResult {
    /// Each tuned run's index, best lr and note (runs that never scored are left out).
    pub fn choices(&self) -> Vec<(usize, f64, Tuning)> {
        let note = self.spec.tuning();
        self.runs
            .iter()
            .filter_map(|r| r.best.map(|(lr, _)| (r.run, lr, note)))
            .collect()
    }

    /// `preset` with every tuned run at its best lr, its note kept.
    pub fn apply_to(&self, preset: &mut Preset) -> Result<(), SweepError> {
        for (run, lr, note) in self.choices() {
            if let Some(r) = preset.runs.get_mut(run) {
                r.optimizer
                    .set(Param::Lr, Value::Real(lr))
                    .map_err(|e| SweepError::Invalid(e.to_string()))?;
                r.tuned = Some(note);
            }
        }
        Ok(())
    }
}

/// Tunes every enabled run. `progress(done, total)` is called as
/// simulations finish and may return false to cancel.
pub fn tune(
    preset: &Preset,
    base_dir: &Path,
    spec: &TuneSpec,
    progress: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Result<TuneResult, SweepError> {
    if !(2..=MAX_POINTS).contains(&spec.points) {
        return Err(SweepError::Invalid(format!(
            "points: between 2 and {MAX_POINTS}, got {}",
            spec.points
        )));
    }
    if !(spec.from > 0.0 && spec.to > spec.from && spec.to.is_finite()) {
        return Err(SweepError::Invalid(format!(
            "the lr range needs 0 < from < to, got [{}, {}]",
            spec.from, spec.to
        )));
    }
    let lrs = spec.lrs();
    let mut singles = Vec::new();
    for (i, run) in preset.runs.iter().enumerate().filter(|(_, r)| r.enabled) {
        if !sweepable(&run.optimizer).contains(&Param::Lr) {
            continue;
        }
        let mut single = preset.clone();
        single.runs = vec![run.clone()];
        check_ends(&single, Param::Lr, &lrs)?;
        singles.push((i, single));
    }
    let problem = preset.problem.build(base_dir).map_err(SimError::from)?;
    let total = singles.len() * lrs.len();
    let done = AtomicUsize::new(0);
    let cancelled = AtomicBool::new(false);
    let cells: Vec<Result<(f64, bool), SweepError>> = (0..total)
        .into_par_iter()
        .map(|k| {
            if cancelled.load(Ordering::Relaxed) {
                return Err(SweepError::Cancelled);
            }
            let (single, lr) = (&singles[k / lrs.len()].1, lrs[k % lrs.len()]);
            let cell = score_with(single, &problem, &[(Param::Lr, lr)], spec.metric)?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if !progress(n, total) {
                cancelled.store(true, Ordering::Relaxed);
            }
            Ok(cell)
        })
        .collect();
    let mut cells = cells.into_iter();
    let mut runs = Vec::with_capacity(singles.len());
    for (run, single) in &singles {
        let (mut scores, mut diverged) = (Vec::new(), Vec::new());
        for cell in cells.by_ref().take(lrs.len()) {
            let (score, d) = cell?;
            scores.push(score);
            diverged.push(d);
        }
        let best = scores
            .iter()
            .zip(&lrs)
            .filter(|(s, _)| s.is_finite())
            .min_by(|a, b| a.0.total_cmp(b.0))
            .map(|(s, lr)| (*lr, *s));
        runs.push(RunTuning {
            run: *run,
            label: single.runs[0].display_label().to_owned(),
            scores,
            diverged,
            best,
        });
    }
    Ok(TuneResult {
        spec: *spec,
        lrs,
        runs,
    })
}

/// A tuning running on its own thread.
pub type TuneJob = Job<Result<TuneResult, SweepError>>;

/// Starts the tuning on thread `descent-tune`; its progress counts
/// simulations, and cancelling ends it with [`SweepError::Cancelled`].
pub fn start(
    preset: Preset,
    base_dir: std::path::PathBuf,
    spec: TuneSpec,
    waker: impl Fn() + Send + Sync + 'static,
) -> std::io::Result<TuneJob> {
    Job::start(
        "descent-tune",
        move |progress| {
            tune(&preset, &base_dir, &spec, &|done, total| {
                progress.report(done as u64, total as u64)
            })
        },
        waker,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_runs() -> Preset {
        Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), start: Some((-1.5, 2.0)), steps: 150, runs: [(label: \"SGD\", optimizer: Sgd()), (label: \"Adam\", optimizer: Adam()), (label: \"off\", optimizer: Adam(), enabled: false)])",
            "t",
        )
        .unwrap()
    }

    #[test]
    fn each_run_gets_the_same_grid_and_its_best_lr_is_the_lowest_score() {
        let preset = two_runs();
        let spec = TuneSpec {
            from: 1e-4,
            to: 1.0,
            points: 9,
            metric: Metric::FinalLoss,
        };
        let result = tune(&preset, Path::new("."), &spec, &|_, _| true).unwrap();
        assert_eq!(result.runs.len(), 2, "the hidden run is not tuned");
        for r in &result.runs {
            assert_eq!(r.scores.len(), 9);
            // Each score is that lr's own run to the horizon.
            for (k, &lr) in result.lrs.iter().enumerate().step_by(4) {
                let mut one = preset.clone();
                one.runs = vec![preset.runs[r.run].clone()];
                one.runs[0]
                    .optimizer
                    .set(Param::Lr, Value::Real(lr))
                    .unwrap();
                let mut sim = one.simulation(Path::new(".")).unwrap();
                sim.run_to_end();
                let direct = sim.runs()[0].trajectory().last().unwrap().1;
                let expect = if r.diverged[k] { f64::NAN } else { direct };
                assert!(
                    r.scores[k] == expect || (r.scores[k].is_nan() && expect.is_nan()),
                    "{} lr {lr}: {} vs {expect}",
                    r.label,
                    r.scores[k]
                );
            }
            let (lr, best) = r.best.unwrap();
            assert!(
                r.scores
                    .iter()
                    .filter(|s| s.is_finite())
                    .all(|s| *s >= best)
            );
            assert!(result.lrs.contains(&lr));
        }
        assert!(
            result.runs[0].diverged.iter().any(|d| *d),
            "SGD at lr 1 diverges"
        );
        let mut tuned = preset.clone();
        result.apply_to(&mut tuned).unwrap();
        let adam = &tuned.runs[1];
        assert_eq!(adam.optimizer.lr(), result.runs[1].best.unwrap().0);
        assert!(
            adam.legend_label().starts_with("Adam · lr "),
            "{}",
            adam.legend_label()
        );
        assert!(
            adam.legend_label()
                .ends_with("tuned over 9 values in [0.0001, 1] by final loss")
        );
        assert!(tuned.runs[2].tuned.is_none());
    }

    #[test]
    fn bad_grids_are_refused_and_a_cancel_stops_it() {
        let preset = two_runs();
        let bad = TuneSpec {
            from: 1.0,
            to: 1e-3,
            points: 8,
            metric: Metric::FinalLoss,
        };
        let e = tune(&preset, Path::new("."), &bad, &|_, _| true).unwrap_err();
        assert!(e.to_string().contains("0 < from < to"), "{e}");
        let good = TuneSpec {
            from: 1e-3,
            to: 1.0,
            ..bad
        };
        let e = tune(&preset, Path::new("."), &good, &|_, _| false).unwrap_err();
        assert!(matches!(e, SweepError::Cancelled), "{e}");
    }
}
