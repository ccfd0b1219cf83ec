//! Sharpness along a run, for the edge of stability (Cohen et al., ICLR
//! 2021 and 2022): every k steps, λmax of the loss Hessian, or for Adam of
//! the preconditioned Hessian P⁻¹H, beside the threshold the step size
//! sets: 2/lr for GD, (2 + 2β)/lr for heavy ball, (2 + 2β₁)/((1 − β₁)·lr)
//! for Adam.

use std::sync::Arc;

use super::curvature::{FULL_HESSIAN_MAX_DIM, HessianVector, has_lr_bound};
use crate::optim::{OptimizerConfig, OptimizerState};
use crate::problem::Problem;
use crate::sim::{Run, SimError, SimSetup, Simulation};
use crate::support::linalg::{symmetric_eigenvalues, symmetric_eigenvectors_descending};

/// Most samples along one run; a finer k is coarsened to this.
pub const MAX_SAMPLES: u64 = 500;

/// What a run's sharpness is and what it is compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Edge {
    /// GD and SGD: λmax(H) against 2/lr.
    Gd,
    /// Heavy ball (torch's SGD with `momentum` β, no dampening or
    /// Nesterov): λmax(H) against (2 + 2β)/lr.
    HeavyBall {
        /// The momentum β.
        beta: f64,
    },
    /// Adam and AdamW: λmax(P⁻¹H) with P = (1 − β₁ᵗ)·diag(√v̂ₜ + ε), the
    /// preconditioner of the step just taken, against (2 + 2β₁)/((1 − β₁)·lr).
    Adam {
        /// β₁.
        beta1: f64,
    },
    /// Any other rule: λmax(H), with no threshold.
    Unknown,
}

impl Edge {
    /// The edge `optimizer` has; grouped runs have none.
    pub fn of(optimizer: &OptimizerConfig, grouped: bool) -> Self {
        match optimizer {
            _ if grouped => Self::Unknown,
            OptimizerConfig::Sgd(s) if s.momentum == 0.0 => Self::Gd,
            OptimizerConfig::Sgd(s) if has_lr_bound(optimizer) => {
                Self::HeavyBall { beta: s.momentum }
            }
            OptimizerConfig::Adam(a) => Self::Adam { beta1: a.betas.0 },
            OptimizerConfig::AdamW(a) => Self::Adam { beta1: a.betas.0 },
            _ => Self::Unknown,
        }
    }

    /// The threshold at step size `lr`.
    pub fn threshold(self, lr: f64) -> Option<f64> {
        let t = match self {
            Self::Gd => 2.0 / lr,
            Self::HeavyBall { beta } => (2.0 + 2.0 * beta) / lr,
            Self::Adam { beta1 } => (2.0 + 2.0 * beta1) / ((1.0 - beta1) * lr),
            Self::Unknown => return None,
        };
        (t.is_finite() && t > 0.0).then_some(t)
    }

    /// The threshold's formula.
    pub fn formula(self) -> Option<&'static str> {
        match self {
            Self::Gd => Some("2/lr"),
            Self::HeavyBall { .. } => Some("(2 + 2β)/lr"),
            Self::Adam { .. } => Some("(2 + 2β₁)/((1 − β₁)·lr)"),
            Self::Unknown => None,
        }
    }

    /// What is measured, in ASCII for files: `hessian` or `preconditioned`.
    pub fn measure_key(self) -> &'static str {
        match self {
            Self::Adam { .. } => "preconditioned",
            _ => "hessian",
        }
    }

    /// What is measured.
    pub fn measure(self) -> &'static str {
        match self {
            Self::Adam { .. } => "λmax(P^-1 H)",
            _ => "λmax(H)",
        }
    }
}

/// One sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SharpnessPoint {
    /// The row: θ after this many steps.
    pub step: u64,
    /// The measured sharpness there.
    pub sharpness: f64,
    /// The threshold at the lr of the next step.
    pub threshold: Option<f64>,
}

/// One run's samples.
#[derive(Clone, Debug, PartialEq)]
pub struct SharpnessSeries {
    /// The run's label.
    pub label: String,
    /// What is measured and compared.
    pub edge: Edge,
    /// The samples, by step.
    pub points: Vec<SharpnessPoint>,
}

/// The least and the largest positive finite sharpness or threshold among
/// `series`, and whether they span more than a factor of 20 (Adam's
/// preconditioned sharpness beside GD's), which calls for a log axis.
pub fn positive_range<'a>(
    series: impl Iterator<Item = &'a SharpnessSeries>,
) -> Option<(f64, f64, bool)> {
    let (lo, hi) = series
        .flat_map(|s| &s.points)
        .flat_map(|p| [Some(p.sharpness), p.threshold])
        .flatten()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    lo.is_finite().then_some((lo, hi, hi / lo > 20.0))
}

/// The sampling interval actually used: `every`, coarsened so that a run
/// has at most [`MAX_SAMPLES`] samples.
pub fn sample_every(every: u64, horizon: u64) -> u64 {
    every.max(horizon.div_ceil(MAX_SAMPLES)).max(1)
}

/// Replays `setup` on `problem` and samples every `every` steps (see
/// [`sample_every`]) the runs `wanted` marks; the others get `None`.
pub fn along(
    problem: Arc<dyn Problem>,
    mut setup: SimSetup,
    every: u64,
    wanted: &[bool],
) -> Result<Vec<Option<SharpnessSeries>>, SimError> {
    // Runs are independent of each other, so the unwanted ones are left out
    // of the replay.
    let slots: Vec<usize> = (0..setup.runs.len())
        .filter(|&i| wanted.get(i).copied().unwrap_or(false))
        .collect();
    let count = setup.runs.len();
    setup.runs = slots.iter().map(|&i| setup.runs[i].clone()).collect();
    let mut out: Vec<Option<SharpnessSeries>> = vec![None; count];
    if slots.is_empty() {
        return Ok(out);
    }
    let mut sim = Simulation::new(problem, setup)?;
    let every = sample_every(every, sim.horizon());
    let mut series: Vec<SharpnessSeries> = sim
        .runs()
        .iter()
        .map(|run| SharpnessSeries {
            label: run.setup().label.clone(),
            edge: Edge::of(&run.setup().optimizer, !run.setup().groups.is_empty()),
            points: Vec::new(),
        })
        .collect();
    let mut warm: Vec<Option<Vec<f64>>> = vec![None; series.len()];
    let mut row = 0;
    loop {
        let problem = sim.problem_arc();
        for ((run, out), start) in sim.runs().iter().zip(&mut series).zip(&mut warm) {
            // A run that stopped early is sampled once more, at its last row.
            let at = run.steps_taken();
            if at != row && out.points.last().is_some_and(|p| p.step == at) {
                continue;
            }
            if let Some(sharpness) = measure(problem.as_ref(), run, out.edge, start) {
                out.points.push(SharpnessPoint {
                    step: at,
                    sharpness,
                    threshold: out.edge.threshold(run.schedule_state().lr()),
                });
            }
        }
        if row >= sim.horizon() || sim.is_finished() || crate::support::worker::should_stop() {
            break;
        }
        row = (row + every).min(sim.horizon());
        sim.advance(row - sim.steps_done());
    }
    for (slot, s) in slots.into_iter().zip(series) {
        out[slot] = Some(s);
    }
    Ok(out)
}

/// The sharpness of `run` where it stands (`None` where it is not
/// defined: a non-finite θ, Adam before its first step).
fn measure(
    problem: &dyn Problem,
    run: &Run,
    edge: Edge,
    start: &mut Option<Vec<f64>>,
) -> Option<f64> {
    let params = run.params();
    if params.iter().any(|p| !p.is_finite()) {
        return None;
    }
    let scale = match edge {
        Edge::Adam { .. } => Some(adam_scale(run)?),
        _ => None,
    };
    let mask = problem.penalised();
    let penalty = run.setup().penalty.map(|p| (p, mask.as_slice()));
    let mut op = Operator {
        hv: HessianVector::new(problem, params, penalty),
        decay: coupled_decay(&run.setup().optimizer),
        scale,
        scaled: vec![0.0; params.len()],
    };
    top_eigenvalue(&mut op, start)
}

/// D^(−1/2) with D = P, Adam's preconditioner after its last step.
fn adam_scale(run: &Run) -> Option<Vec<f64>> {
    let (adam, OptimizerState::Adam(state)) = (
        match &run.setup().optimizer {
            OptimizerConfig::Adam(a) => *a,
            OptimizerConfig::AdamW(a) => a.as_adam(),
            _ => return None,
        },
        run.optimizer().state(),
    ) else {
        return None;
    };
    if state.step == 0 {
        return None;
    }
    let t = i32::try_from(state.step).unwrap_or(i32::MAX);
    let (beta1, beta2) = adam.betas;
    let (bc1, bc2) = (1.0 - beta1.powi(t), 1.0 - beta2.powi(t));
    let v = if adam.amsgrad {
        &state.max_exp_avg_sq
    } else {
        &state.exp_avg_sq
    };
    let scale: Vec<f64> = v
        .iter()
        .map(|v| {
            let denominator = if adam.eps_in_sqrt {
                (v / bc2 + adam.eps).sqrt()
            } else {
                (v / bc2).sqrt() + adam.eps
            };
            1.0 / (bc1 * denominator).sqrt()
        })
        .collect();
    scale.iter().all(|s| s.is_finite()).then_some(scale)
}

/// The L2 weight decay a rule adds to the gradient (torch's coupled
/// `weight_decay`), which adds λ to the Hessian's diagonal.
fn coupled_decay(optimizer: &OptimizerConfig) -> f64 {
    match optimizer {
        OptimizerConfig::Sgd(s) => s.weight_decay,
        OptimizerConfig::Adam(a) if !a.decoupled_weight_decay => a.weight_decay,
        _ => 0.0,
    }
}

/// v ↦ D^(−1/2)·(H + λI)·D^(−1/2)·v, symmetric, with P⁻¹(H + λI)'s spectrum.
struct Operator<'a> {
    hv: HessianVector<'a>,
    decay: f64,
    scale: Option<Vec<f64>>,
    scaled: Vec<f64>,
}

impl Operator<'_> {
    fn apply(&mut self, v: &[f64], out: &mut [f64]) {
        match &self.scale {
            Some(s) => {
                for ((x, v), s) in self.scaled.iter_mut().zip(v).zip(s) {
                    *x = v * s;
                }
            }
            None => self.scaled.copy_from_slice(v),
        }
        self.hv.apply(&self.scaled, out);
        for (o, x) in out.iter_mut().zip(&self.scaled) {
            *o += self.decay * x;
        }
        if let Some(s) = &self.scale {
            for (o, s) in out.iter_mut().zip(s) {
                *o *= s;
            }
        }
    }
}

/// The largest eigenvalue of `op`: from the whole spectrum up to
/// [`FULL_HESSIAN_MAX_DIM`] parameters, else by Lanczos warm-started from
/// the last sample's top Ritz vector (`start`).
fn top_eigenvalue(op: &mut Operator<'_>, start: &mut Option<Vec<f64>>) -> Option<f64> {
    let dim = op.scaled.len();
    if dim <= FULL_HESSIAN_MAX_DIM {
        let mut h = vec![0.0; dim * dim];
        let (mut e, mut col) = (vec![0.0; dim], vec![0.0; dim]);
        for j in 0..dim {
            e.fill(0.0);
            e[j] = 1.0;
            op.apply(&e, &mut col);
            for (i, c) in col.iter().enumerate() {
                h[i * dim + j] += 0.5 * c;
                h[j * dim + i] += 0.5 * c;
            }
        }
        let values = symmetric_eigenvalues(&mut h, dim)?;
        return values.into_iter().reduce(f64::max);
    }
    let first = start.take().unwrap_or_else(|| {
        (0..dim)
            .map(|i| 1.0 + ((i * 7919) % 13) as f64 / 13.0)
            .collect()
    });
    let (top, ritz) = lanczos(op, first)?;
    *start = Some(ritz);
    Some(top)
}

/// Lanczos with full reorthogonalisation from `first`: the largest Ritz
/// value once it changes by under 1e-7 (relative) over three steps, and
/// its Ritz vector.
fn lanczos(op: &mut Operator<'_>, first: Vec<f64>) -> Option<(f64, Vec<f64>)> {
    const MAX_STEPS: usize = 80;
    let dim = first.len();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut q = first;
    let norm = dot(&q, &q).sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return None;
    }
    for x in &mut q {
        *x /= norm;
    }
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let (mut alpha, mut beta) = (Vec::new(), Vec::<f64>::new());
    let mut w = vec![0.0; dim];
    let mut history: Vec<f64> = Vec::new();
    let mut best: Option<(f64, Vec<f64>)> = None;
    for step in 0..MAX_STEPS.min(dim) {
        op.apply(&q, &mut w);
        alpha.push(dot(&w, &q));
        basis.push(std::mem::take(&mut q));
        // Twice, for orthogonality to the working precision.
        for _ in 0..2 {
            for b in &basis {
                let c = dot(&w, b);
                w.iter_mut().zip(b).for_each(|(wi, bi)| *wi -= c * bi);
            }
        }
        let k = step + 1;
        let (values, vectors) = tridiagonal_top(&alpha, &beta, k)?;
        history.push(values);
        best = Some((values, vectors));
        let next = dot(&w, &w).sqrt();
        let settled = history.len() >= 4 && {
            let old = history[history.len() - 4];
            (values - old).abs() <= 1e-7 * values.abs().max(1e-300)
        };
        if settled
            || next <= 1e-10 * values.abs().max(1e-300)
            || crate::support::worker::should_stop()
        {
            break;
        }
        beta.push(next);
        q = w.iter().map(|x| x / next).collect();
    }
    let (top, y) = best?;
    let mut ritz = vec![0.0; dim];
    for (b, c) in basis.iter().zip(&y) {
        ritz.iter_mut().zip(b).for_each(|(r, bi)| *r += c * bi);
    }
    top.is_finite().then_some((top, ritz))
}

/// The largest eigenvalue of the k×k tridiagonal (α on the diagonal, β
/// beside it) and its eigenvector.
fn tridiagonal_top(alpha: &[f64], beta: &[f64], k: usize) -> Option<(f64, Vec<f64>)> {
    let mut t = vec![0.0; k * k];
    for i in 0..k {
        t[i * k + i] = alpha[i];
        if i + 1 < k {
            t[i * k + i + 1] = beta[i];
            t[(i + 1) * k + i] = beta[i];
        }
    }
    let (values, vectors) = symmetric_eigenvectors_descending(&mut t, k)?;
    Some((values[0], (0..k).map(|row| vectors[row * k]).collect()))
}

/// What the sharpness thread is asked.
#[derive(Debug)]
pub struct SharpnessRequest {
    /// The loss.
    pub problem: Arc<dyn Problem>,
    /// The runs, as the simulation has them.
    pub setup: SimSetup,
    /// Sample every this many steps.
    pub every: u64,
    /// Which runs to sample (the enabled ones).
    pub wanted: Vec<bool>,
}

impl SharpnessRequest {
    /// Every wanted run's series, or the reason there are none.
    pub fn compute(self) -> Result<Vec<Option<SharpnessSeries>>, String> {
        along(self.problem, self.setup, self.every, &self.wanted).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::{Adam, Sgd};
    use crate::problem::Surface;
    use crate::sim::RunSetup;

    fn setup(optimizer: OptimizerConfig, steps: u64) -> SimSetup {
        SimSetup {
            start: Some(vec![1.5, 1.0]),
            steps,
            seed: 0,
            batch_size: None,
            grad_tol: None,
            early_stopping: None,
            noise: None,
            bounds: None,
            runs: vec![RunSetup::new("run", optimizer)],
        }
    }

    const BOWL: Surface = Surface::IllConditioned {
        condition: 10.0,
        angle: 0.0,
    };

    #[test]
    fn gd_on_a_bowl_measures_its_largest_eigenvalue_against_two_over_lr() {
        let sgd = OptimizerConfig::Sgd(Sgd {
            lr: 0.05,
            ..Sgd::default()
        });
        let series = along(Arc::new(BOWL), setup(sgd, 25), 10, &[true]).unwrap();
        let s = series[0].as_ref().unwrap();
        assert_eq!(s.edge, Edge::Gd);
        let steps: Vec<u64> = s.points.iter().map(|p| p.step).collect();
        assert_eq!(steps, [0, 10, 20, 25]);
        for p in &s.points {
            assert!((p.sharpness - 10.0).abs() < 1e-6, "{p:?}");
            assert!((p.threshold.unwrap() - 40.0).abs() < 1e-9, "{p:?}");
        }
    }

    #[test]
    fn adam_s_sharpness_is_the_preconditioned_one() {
        // H = diag(1, 10), so P⁻¹H = diag(1/P₁, 10/P₂) with
        // P = (1 − β₁ᵗ)(√v̂ + ε), v̂ read from the inspector's exp_avg_sq.
        let adam = Adam {
            lr: 0.01,
            ..Adam::default()
        };
        let config = OptimizerConfig::Adam(adam);
        let series = along(Arc::new(BOWL), setup(config.clone(), 30), 10, &[true]).unwrap();
        let s = series[0].as_ref().unwrap();
        assert_eq!(s.edge, Edge::Adam { beta1: 0.9 });
        // No preconditioner before the first step.
        assert_eq!(
            s.points.iter().map(|p| p.step).collect::<Vec<_>>(),
            [10, 20, 30]
        );
        for p in &s.points {
            let at =
                crate::analysis::inspect::replay(Arc::new(BOWL), setup(config.clone(), 30), p.step)
                    .unwrap();
            let v = &at[0]
                .state
                .iter()
                .find(|n| n.name == "exp_avg_sq")
                .unwrap()
                .values;
            let t = i32::try_from(p.step).unwrap();
            let (bc1, bc2) = (1.0 - 0.9_f64.powi(t), 1.0 - 0.999_f64.powi(t));
            let precondition = |v: f64| bc1 * ((v / bc2).sqrt() + 1e-8);
            let want = (1.0 / precondition(v[0])).max(10.0 / precondition(v[1]));
            assert!((p.sharpness - want).abs() < 1e-6 * want, "{p:?} vs {want}");
            assert!((p.threshold.unwrap() - 3.8 / (0.1 * 0.01)).abs() < 1e-6);
        }
    }

    #[test]
    fn each_rule_has_its_threshold() {
        let heavy = OptimizerConfig::Sgd(Sgd {
            momentum: 0.9,
            ..Sgd::default()
        });
        assert_eq!(Edge::of(&heavy, false), Edge::HeavyBall { beta: 0.9 });
        assert!((Edge::HeavyBall { beta: 0.9 }.threshold(0.1).unwrap() - 38.0).abs() < 1e-12);
        let nesterov = OptimizerConfig::Sgd(Sgd {
            momentum: 0.9,
            nesterov: true,
            ..Sgd::default()
        });
        assert_eq!(Edge::of(&nesterov, false), Edge::Unknown);
        assert_eq!(Edge::Unknown.threshold(0.1), None);
        assert_eq!(Edge::of(&heavy, true), Edge::Unknown);
        let adamw = OptimizerConfig::AdamW(crate::optim::AdamW::default());
        assert_eq!(Edge::of(&adamw, false).measure(), "λmax(P^-1 H)");
    }

    #[test]
    fn a_saddle_s_top_eigenvalue_is_its_positive_one() {
        let sgd = OptimizerConfig::Sgd(Sgd::default());
        let series = along(Arc::new(Surface::Saddle), setup(sgd, 0), 1, &[true]).unwrap();
        // x² − y²: eigenvalues 2 and −2.
        let p = series[0].as_ref().unwrap().points[0];
        assert!((p.sharpness - 2.0).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn lanczos_agrees_with_the_whole_spectrum() {
        let config: crate::problem::ProblemConfig = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES)
            .from_str(
            "Classification(data: Moons(n: 60, noise: 0.1, seed: 1), hidden: [4], init_seed: 2)",
        )
        .unwrap();
        let problem = config.build(std::path::Path::new(".")).unwrap();
        let params = problem.default_start();
        assert!(params.len() <= FULL_HESSIAN_MAX_DIM);
        let mut op = Operator {
            hv: HessianVector::new(problem.as_ref(), &params, None),
            decay: 0.0,
            scale: None,
            scaled: vec![0.0; params.len()],
        };
        let full = top_eigenvalue(&mut op, &mut None).unwrap();
        let (lanczos, ritz) = lanczos(&mut op, vec![1.0; params.len()]).unwrap();
        assert!((full - lanczos).abs() < 1e-6 * full, "{full} vs {lanczos}");
        // The Ritz vector is the eigenvector: H·r = λ·r.
        let mut hr = vec![0.0; ritz.len()];
        op.apply(&ritz, &mut hr);
        for (a, b) in hr.iter().zip(&ritz) {
            assert!(
                (a - lanczos * b).abs() < 1e-3 * full,
                "{a} vs {}",
                lanczos * b
            );
        }
    }

    #[test]
    fn unwanted_runs_are_left_out() {
        let sgd = OptimizerConfig::Sgd(Sgd::default());
        let alone = along(Arc::new(BOWL), setup(sgd.clone(), 5), 1, &[true]).unwrap();
        let mut both = setup(OptimizerConfig::Adam(Adam::default()), 5);
        both.runs.push(RunSetup {
            label: "second".into(),
            ..both.runs[0].clone()
        });
        both.runs[1].optimizer = sgd;
        let series = along(Arc::new(BOWL), both, 1, &[false, true]).unwrap();
        assert!(series[0].is_none());
        let second = series[1].as_ref().unwrap();
        assert_eq!(second.label, "second");
        assert_eq!(second.points, alone[0].as_ref().unwrap().points);
        assert_eq!(sample_every(1, 10_000), 20);
        assert_eq!(sample_every(50, 10_000), 50);
    }
}
