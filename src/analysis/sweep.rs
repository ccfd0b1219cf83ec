//! Hyperparameter sweeps: one run of a preset repeated over a grid of two
//! hyperparameters (lr on a log axis × momentum, β1, β2, …), each cell scored
//! by its final loss or by the steps it needs to reach a tolerance. Cells are
//! independent and computed in parallel with rayon.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::optim::params::{Param, Scale, Value};
use crate::preset::Preset;
use crate::sim::{SimError, Simulation};
use crate::support::job::Job;

/// One axis of the grid: `name:from:to` or `name:from:to:log`.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The hyperparameter (`lr`, `momentum`, `beta1`, …).
    pub param: Param,
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Values spaced evenly in log₁₀.
    pub log: bool,
}

impl Axis {
    /// The `n` values along the axis, ends included.
    pub fn values(&self, n: usize) -> Vec<f64> {
        let n = n.max(2);
        (0..n)
            .map(|i| {
                let t = i as f64 / (n - 1) as f64;
                if self.log {
                    10.0_f64.powf(self.from.log10() + t * (self.to.log10() - self.from.log10()))
                } else {
                    self.from + t * (self.to - self.from)
                }
            })
            .collect()
    }
}

impl std::str::FromStr for Axis {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(':').collect();
        let (name, from, to, log) = match parts.as_slice() {
            [name, from, to] => (name, from, to, false),
            [name, from, to, "log"] => (name, from, to, true),
            [_, _, _, other] => {
                return Err(format!("`{other}`: the fourth part may only be `log`"));
            }
            _ => {
                return Err(format!(
                    "`{s}`: write name:from:to or name:from:to:log, e.g. lr:1e-4:1:log"
                ));
            }
        };
        let number = |t: &str| {
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("`{t}` is not a finite number"))
        };
        let param: Param = name.parse().map_err(|e| format!("{e}"))?;
        let (from, to) = (number(from)?, number(to)?);
        if from == to {
            return Err(format!("`{s}`: the ends must differ"));
        }
        if log && (from <= 0.0 || to <= 0.0) {
            return Err(format!("`{s}`: a log axis needs positive ends"));
        }
        Ok(Self {
            param,
            from,
            to,
            log,
        })
    }
}

/// What each cell reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// The loss after the last step.
    FinalLoss,
    /// The first step at which the loss is at most this (NaN if never).
    StepsTo(f64),
}

/// A sweep over one run of a preset.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    /// Which run of the preset (0-based).
    pub run: usize,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
    /// Cells per axis.
    pub resolution: usize,
    /// The score.
    pub metric: Metric,
}

/// The scored grid.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    /// Values along x.
    pub xs: Vec<f64>,
    /// Values along y.
    pub ys: Vec<f64>,
    /// `values[j * xs.len() + i]` for (xs[i], ys[j]); NaN where the run
    /// diverged or never reached the tolerance.
    pub values: Vec<f64>,
    /// Where the run diverged.
    pub diverged: Vec<bool>,
    /// The label of the swept run.
    pub label: String,
}

impl SweepResult {
    /// The value each cell is coloured by: log₁₀ of the final loss, or the
    /// steps to the tolerance.
    pub fn shown(&self, metric: Metric) -> Vec<f64> {
        self.values
            .iter()
            .map(|&v| match metric {
                // NaN (a diverged cell) stays NaN: `NaN.max(x)` would be x.
                Metric::FinalLoss if v.is_nan() => v,
                Metric::FinalLoss => v.max(1e-300).log10(),
                Metric::StepsTo(_) => v,
            })
            .collect()
    }

    /// The best cell: its (x, y) and value (lowest loss or fewest steps).
    pub fn best(&self) -> Option<(f64, f64, f64)> {
        self.values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map(|(k, v)| (self.xs[k % self.xs.len()], self.ys[k / self.xs.len()], *v))
    }
}

/// Why a sweep cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// No such run.
    #[error("--run {run}: the preset has {count} runs (0 to {})", count.saturating_sub(1))]
    NoRun {
        /// Asked for.
        run: usize,
        /// Runs in the preset.
        count: usize,
    },
    /// The run's optimizer has no such hyperparameter.
    #[error("{axis}: {optimizer} has no hyperparameter `{name}`; it has {known}")]
    NoParam {
        /// Which axis (`--x` or `--y`).
        axis: &'static str,
        /// The name asked for.
        name: &'static str,
        /// The optimizer.
        optimizer: &'static str,
        /// Its hyperparameters.
        known: String,
    },
    /// Too few or too many cells.
    #[error("--resolution must be between 2 and 512, got {0}")]
    Resolution(usize),
    /// A grid value the optimizer refuses (e.g. β = 1).
    #[error("{0}")]
    Invalid(String),
    /// The preset's simulation cannot be built.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// Stopped before the end.
    #[error("cancelled")]
    Cancelled,
}

/// Runs the sweep. `progress(done, total)` is called as cells finish and
/// may return false to cancel.
pub fn sweep(
    preset: &Preset,
    base_dir: &Path,
    spec: &SweepSpec,
    progress: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Result<SweepResult, SweepError> {
    if !(2..=512).contains(&spec.resolution) {
        return Err(SweepError::Resolution(spec.resolution));
    }
    let Some(run) = preset.runs.get(spec.run) else {
        return Err(SweepError::NoRun {
            run: spec.run,
            count: preset.runs.len(),
        });
    };
    let known = sweepable(&run.optimizer);
    for (axis, a) in [("--x", &spec.x), ("--y", &spec.y)] {
        if !known.contains(&a.param) {
            return Err(SweepError::NoParam {
                axis,
                name: a.param.name(),
                optimizer: run.optimizer.kind_name(),
                known: known
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let mut single = preset.clone();
    single.runs = vec![run.clone()];
    single.runs[0].enabled = true;
    let problem = single.problem.build(base_dir).map_err(SimError::from)?;
    let (xs, ys) = (
        spec.x.values(spec.resolution),
        spec.y.values(spec.resolution),
    );
    // Refuse values the optimizer rejects before spending any time.
    for (param, values) in [(spec.x.param, &xs), (spec.y.param, &ys)] {
        check_ends(&single, param, values)?;
    }
    let total = xs.len() * ys.len();
    let done = AtomicUsize::new(0);
    let cancelled = AtomicBool::new(false);
    let cells: Vec<Result<(f64, bool), SweepError>> = (0..total)
        .into_par_iter()
        .map(|k| {
            if cancelled.load(Ordering::Relaxed) {
                return Err(SweepError::Cancelled);
            }
            let (x, y) = (xs[k % xs.len()], ys[k / xs.len()]);
            // Both names were checked against this optimizer above.
            let settings = [(spec.x.param, x), (spec.y.param, y)];
            let cell = score_with(&single, &problem, &settings, spec.metric)?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if !progress(n, total) {
                cancelled.store(true, Ordering::Relaxed);
            }
            Ok(cell)
        })
        .collect();
    let mut values = Vec::with_capacity(total);
    let mut diverged = Vec::with_capacity(total);
    for cell in cells {
        let (v, d) = cell?;
        values.push(v);
        diverged.push(d);
    }
    Ok(SweepResult {
        xs,
        ys,
        values,
        diverged,
        label: run.display_label().to_owned(),
    })
}

/// The hyperparameters of `optimizer` a sweep can vary: its numbers.
pub fn sweepable(optimizer: &crate::optim::OptimizerConfig) -> Vec<Param> {
    optimizer
        .params()
        .iter()
        .filter(|p| matches!(p.value, Value::Real(_)) && !matches!(p.scale, Scale::Choice(_)))
        .map(|p| p.param)
        .collect()
}

/// The colour range of shown scores: the 2nd to the 98th percentile of the
/// finite ones, so a few extreme cells do not flatten the map.
pub fn colour_range(shown: &[f64]) -> (f64, f64) {
    let mut finite: Vec<f64> = shown.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return (0.0, 1.0);
    }
    finite.sort_by(f64::total_cmp);
    let at = |q: f64| finite[((finite.len() - 1) as f64 * q).round() as usize];
    (at(0.02), at(0.98))
}

/// Refuses a grid whose first or last value the one run of `single` rejects.
pub(crate) fn check_ends(single: &Preset, param: Param, values: &[f64]) -> Result<(), SweepError> {
    for &v in [values.first(), values.last()].into_iter().flatten() {
        let mut probe = single.clone();
        if let Some(run) = probe.runs.first_mut() {
            run.optimizer
                .set(param, Value::Real(v))
                .map_err(|e| SweepError::Invalid(e.to_string()))?;
        }
        probe
            .validate_except_problem("sweep")
            .map_err(|e| SweepError::Invalid(format!("{param} = {v}: {e}")))?;
    }
    Ok(())
}

/// The one run of `single` with `settings` applied, run to its horizon and
/// scored (and whether it diverged).
pub(crate) fn score_with(
    single: &Preset,
    problem: &std::sync::Arc<dyn crate::problem::Problem>,
    settings: &[(Param, f64)],
    metric: Metric,
) -> Result<(f64, bool), SweepError> {
    let mut setup = single.sim_setup();
    if let Some(run) = setup.runs.first_mut() {
        for &(param, v) in settings {
            run.optimizer
                .set(param, Value::Real(v))
                .map_err(|e| SweepError::Invalid(e.to_string()))?;
        }
    }
    let mut sim = Simulation::new(std::sync::Arc::clone(problem), setup)?;
    if metric == Metric::FinalLoss {
        sim.record_last_losses_only();
    }
    sim.run_to_end();
    Ok(score(&sim, metric))
}

/// A finished run's score, and whether it diverged.
fn score(sim: &Simulation, metric: Metric) -> (f64, bool) {
    let Some(run) = sim.runs().first() else {
        return (f64::NAN, false);
    };
    let diverged = matches!(
        run.termination(),
        Some(crate::sim::Termination::Diverged { .. })
    );
    if diverged {
        return (f64::NAN, true);
    }
    let t = run.trajectory();
    match metric {
        Metric::FinalLoss => (t.last().map_or(f64::NAN, |(_, l)| l), false),
        Metric::StepsTo(tol) => (
            (0..t.len())
                .find(|&k| t.loss(k).is_some_and(|l| l <= tol))
                .map_or(f64::NAN, |k| k as f64),
            false,
        ),
    }
}

/// A sweep running on its own thread.
pub type SweepJob = Job<Result<SweepResult, SweepError>>;

/// Starts the sweep on thread `descent-sweep`; its progress counts cells,
/// and cancelling ends it with [`SweepError::Cancelled`]. `waker` runs as
/// cells finish and at the end.
pub fn start(
    preset: Preset,
    base_dir: std::path::PathBuf,
    spec: SweepSpec,
    waker: impl Fn() + Send + Sync + 'static,
) -> std::io::Result<SweepJob> {
    Job::start(
        "descent-sweep",
        move |progress| {
            let cells = spec.resolution * spec.resolution;
            progress.report(0, cells as u64);
            sweep(&preset, &base_dir, &spec, &|done, total| {
                progress.report(done as u64, total as u64)
            })
        },
        waker,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock_adam(steps: u64) -> Preset {
        Preset::from_ron_str(
            &format!(
                "(problem: Surface(Rosenbrock), start: Some((-1.5, 2.0)), steps: {steps}, runs: [(optimizer: Sgd(lr: 0.001)), (optimizer: Adam(lr: 0.01))])"
            ),
            "t",
        )
        .unwrap()
    }

    #[test]
    fn axes_parse_and_space_their_values() {
        let lr: Axis = "lr:1e-4:1:log".parse().unwrap();
        let v = lr.values(5);
        for (got, want) in v.iter().zip([1e-4, 1e-3, 1e-2, 1e-1, 1.0]) {
            assert!((got / want - 1.0).abs() < 1e-12, "{v:?}");
        }
        let m: Axis = "momentum:0:0.99".parse().unwrap();
        assert_eq!(m.values(3), [0.0, 0.495, 0.99]);
        for bad in ["lr", "lr:0:1:log", "lr:1:1", "lr:a:1", "lr:1:2:cubic"] {
            assert!(bad.parse::<Axis>().is_err(), "{bad}");
        }
    }

    #[test]
    fn each_cell_equals_its_own_run() {
        let preset = rosenbrock_adam(200);
        let spec = SweepSpec {
            run: 1,
            x: "lr:1e-3:1e-1:log".parse().unwrap(),
            y: "beta1:0:0.95".parse().unwrap(),
            resolution: 4,
            metric: Metric::FinalLoss,
        };
        let result = sweep(&preset, Path::new("."), &spec, &|_, _| true).unwrap();
        assert_eq!(result.values.len(), 16);
        for (k, &value) in result.values.iter().enumerate() {
            let (x, y) = (result.xs[k % 4], result.ys[k / 4]);
            let mut one = preset.clone();
            one.runs = vec![preset.runs[1].clone()];
            one.runs[0]
                .optimizer
                .set(Param::Lr, Value::Real(x))
                .unwrap();
            one.runs[0]
                .optimizer
                .set(Param::Beta1, Value::Real(y))
                .unwrap();
            let mut sim = one.simulation(Path::new(".")).unwrap();
            sim.run_to_end();
            let want = sim.runs()[0].trajectory().last().unwrap().1;
            assert_eq!(value.to_bits(), want.to_bits(), "cell ({x}, {y})");
        }
        let (_, _, best) = result.best().unwrap();
        assert!(result.values.iter().all(|v| *v >= best));
    }

    #[test]
    fn divergence_steps_to_tolerance_and_cancel() {
        let preset = rosenbrock_adam(300);
        let spec = SweepSpec {
            run: 0,
            x: "lr:1e-5:1e-1:log".parse().unwrap(),
            y: "momentum:0:0.9".parse().unwrap(),
            resolution: 6,
            metric: Metric::StepsTo(5.0),
        };
        let result = sweep(&preset, Path::new("."), &spec, &|_, _| true).unwrap();
        assert!(
            result.diverged.iter().any(|d| *d),
            "lr 0.1 diverges on Rosenbrock"
        );
        assert!(!result.diverged[0], "lr 1e-5 does not");
        assert!(
            result.values[0].is_nan(),
            "lr 1e-5 never gets below 5 in 300 steps"
        );
        assert!(result.values.iter().any(|v| v.is_finite() && *v > 0.0));
        let stop = sweep(&preset, Path::new("."), &spec, &|done, _| done < 3);
        assert!(matches!(stop, Err(SweepError::Cancelled)));
    }

    #[test]
    fn bad_requests_are_named() {
        let preset = rosenbrock_adam(10);
        let mut spec = SweepSpec {
            run: 5,
            x: "lr:1e-3:1:log".parse().unwrap(),
            y: "momentum:0:0.9".parse().unwrap(),
            resolution: 8,
            metric: Metric::FinalLoss,
        };
        let err = |spec: &SweepSpec| {
            sweep(&preset, Path::new("."), spec, &|_, _| true)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err(&spec), "--run 5: the preset has 2 runs (0 to 1)");
        spec.run = 1;
        assert!(
            err(&spec)
                .starts_with("--y: Adam has no hyperparameter `momentum`; it has lr, beta1, beta2"),
            "{}",
            err(&spec)
        );
        spec.y = "beta1:0:1".parse().unwrap();
        assert!(err(&spec).contains("beta1 = 1"), "{}", err(&spec));
    }

    #[test]
    fn diverged_cells_stay_out_of_the_colour_range() {
        let result = SweepResult {
            xs: vec![1.0, 2.0],
            ys: vec![1.0, 2.0],
            values: vec![1e-3, f64::NAN, 1e-1, 0.0],
            diverged: vec![false, true, false, false],
            label: "GD".into(),
        };
        let shown = result.shown(Metric::FinalLoss);
        assert!(
            shown[1].is_nan(),
            "a diverged cell is not the floor: {shown:?}"
        );
        assert_eq!(shown[3], -300.0, "an exact zero is the floor");
        let (lo, hi) = colour_range(&[shown[0], shown[1], shown[2]]);
        assert!(
            (lo + 3.0).abs() < 1e-12 && (hi + 1.0).abs() < 1e-12,
            "{lo} {hi}"
        );
    }
}
