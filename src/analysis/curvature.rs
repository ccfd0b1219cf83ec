//! The loss's curvature at a point: Hessian eigenvalues, the condition
//! number, and the step sizes at which gradient descent and heavy-ball
//! momentum stay stable on the local quadratic model.

use crate::problem::{Batch, Penalty, Problem};
use crate::support::linalg::symmetric_eigenvalues;

/// Most parameters for which the full Hessian is formed.
pub const FULL_HESSIAN_MAX_DIM: usize = 64;

/// Curvature at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct Curvature {
    /// Every eigenvalue of ∇²L, largest first, when the Hessian was formed
    /// (up to [`FULL_HESSIAN_MAX_DIM`] parameters); else the two extremes.
    pub eigenvalues: Vec<f64>,
    /// Whether `eigenvalues` is the whole spectrum.
    pub full: bool,
}

impl Curvature {
    /// The largest eigenvalue.
    pub fn lambda_max(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(f64::NAN)
    }

    /// The smallest eigenvalue.
    pub fn lambda_min(&self) -> f64 {
        self.eigenvalues.last().copied().unwrap_or(f64::NAN)
    }

    /// κ = |λ|max / |λ|min (∞ at a singular point).
    pub fn condition(&self) -> f64 {
        let abs: Vec<f64> = self.eigenvalues.iter().map(|l| l.abs()).collect();
        let hi = abs.iter().copied().fold(0.0, f64::max);
        let lo = abs.iter().copied().fold(f64::INFINITY, f64::min);
        if lo > 0.0 { hi / lo } else { f64::INFINITY }
    }

    /// Gradient descent on the local quadratic is stable for lr < 2/λmax
    /// (`None` where the loss curves down in every direction).
    pub fn stable_lr(&self) -> Option<f64> {
        let top = self.lambda_max();
        (top > 0.0 && top.is_finite()).then(|| 2.0 / top)
    }

    /// Heavy-ball momentum β (torch's SGD with `momentum`, no dampening) is
    /// stable for lr < 2(1 + β)/λmax (Polyak; Goh, "Why Momentum Really Works").
    pub fn stable_lr_with_momentum(&self, beta: f64) -> Option<f64> {
        self.stable_lr().map(|lr| lr * (1.0 + beta))
    }
}

/// Curvature of `problem`'s full-data loss (plus `penalty` on the weights
/// `mask`, whose L2 part adds 2·l2 to their diagonal) at `params`, from
/// central differences of the analytic gradient.
pub fn at(
    problem: &dyn Problem,
    params: &[f64],
    penalty: Option<(Penalty, &[bool])>,
) -> Option<Curvature> {
    let dim = params.len();
    if dim == 0 || params.iter().any(|p| !p.is_finite()) {
        return None;
    }
    let mut hv = HessianVector::new(problem, params, penalty);
    if dim <= FULL_HESSIAN_MAX_DIM {
        let mut h = vec![0.0; dim * dim];
        let mut e = vec![0.0; dim];
        let mut col = vec![0.0; dim];
        for j in 0..dim {
            e.fill(0.0);
            e[j] = 1.0;
            hv.apply(&e, &mut col);
            for i in 0..dim {
                h[i * dim + j] = col[i];
            }
        }
        // Symmetrise away the finite-difference noise.
        for i in 0..dim {
            for j in 0..i {
                let m = 0.5 * (h[i * dim + j] + h[j * dim + i]);
                h[i * dim + j] = m;
                h[j * dim + i] = m;
            }
        }
        let mut eigenvalues = symmetric_eigenvalues(&mut h, dim)?;
        eigenvalues.sort_by(|a, b| b.total_cmp(a));
        return Some(Curvature {
            eigenvalues,
            full: true,
        });
    }
    let top = hv.power_iteration(0.0)?;
    // The other end of the spectrum: the dominant eigenvalue of H − top·I.
    let bottom = hv.power_iteration(top)? + top;
    let (hi, lo) = if top >= bottom {
        (top, bottom)
    } else {
        (bottom, top)
    };
    Some(Curvature {
        eigenvalues: vec![hi, lo],
        full: false,
    })
}

/// Hessian-vector products by central differences of the gradient.
pub(crate) struct HessianVector<'a> {
    problem: &'a dyn Problem,
    params: &'a [f64],
    penalty: Option<(Penalty, &'a [bool])>,
    probe: Vec<f64>,
    up: Vec<f64>,
    down: Vec<f64>,
}

impl<'a> HessianVector<'a> {
    pub(crate) fn new(
        problem: &'a dyn Problem,
        params: &'a [f64],
        penalty: Option<(Penalty, &'a [bool])>,
    ) -> Self {
        let dim = params.len();
        Self {
            problem,
            params,
            penalty,
            probe: vec![0.0; dim],
            up: vec![0.0; dim],
            down: vec![0.0; dim],
        }
    }

    /// out = H·v.
    pub(crate) fn apply(&mut self, v: &[f64], out: &mut [f64]) {
        let scale = self.params.iter().fold(1.0_f64, |m, p| m.max(p.abs()));
        let norm = v
            .iter()
            .map(|x| x * x)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE);
        let h = 1e-5 * scale / norm;
        for (sign, side) in [(1.0, true), (-1.0, false)] {
            for ((q, p), d) in self.probe.iter_mut().zip(self.params).zip(v) {
                *q = p + sign * h * d;
            }
            let grad = if side { &mut self.up } else { &mut self.down };
            self.problem.loss_grad(&self.probe, Batch::Full, grad);
        }
        for ((o, u), d) in out.iter_mut().zip(&self.up).zip(&self.down) {
            *o = (u - d) / (2.0 * h);
        }
        if let Some((penalty, mask)) = self.penalty {
            for ((o, x), on) in out.iter_mut().zip(v).zip(mask) {
                if *on {
                    *o += 2.0 * penalty.l2 * x;
                }
            }
        }
    }

    /// The dominant eigenvalue of H − shift·I, by power iteration.
    fn power_iteration(&mut self, shift: f64) -> Option<f64> {
        let dim = self.params.len();
        let mut v: Vec<f64> = (0..dim)
            .map(|i| 1.0 + ((i * 7919) % 13) as f64 / 13.0)
            .collect();
        let mut w = vec![0.0; dim];
        let mut lambda = 0.0;
        for _ in 0..60 {
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            if !(norm.is_finite() && norm > 0.0) {
                return None;
            }
            for x in &mut v {
                *x /= norm;
            }
            self.apply(&v, &mut w);
            w.iter_mut().zip(&v).for_each(|(wi, vi)| *wi -= shift * vi);
            let next: f64 = w.iter().zip(&v).map(|(a, b)| a * b).sum();
            let settled = (next - lambda).abs() <= 1e-9 * next.abs().max(1e-300);
            lambda = next;
            std::mem::swap(&mut v, &mut w);
            if settled || crate::support::worker::should_stop() {
                break;
            }
        }
        lambda.is_finite().then_some(lambda)
    }
}

/// The lr below which `optimizer` is stable on the local quadratic: plain
/// SGD 2/λmax, heavy ball 2(1 + β)/λmax; `None` for other rules.
pub fn lr_bound(optimizer: &crate::optim::OptimizerConfig, curvature: &Curvature) -> Option<f64> {
    use crate::optim::OptimizerConfig;
    match optimizer {
        OptimizerConfig::Sgd(s) if s.momentum == 0.0 => curvature.stable_lr(),
        OptimizerConfig::Sgd(s) if has_lr_bound(optimizer) => {
            curvature.stable_lr_with_momentum(s.momentum)
        }
        _ => None,
    }
}

/// Whether [`lr_bound`] knows `optimizer`'s rule: plain SGD or heavy ball
/// (no Nesterov, no dampening, lr outside the buffer).
pub fn has_lr_bound(optimizer: &crate::optim::OptimizerConfig) -> bool {
    matches!(optimizer, crate::optim::OptimizerConfig::Sgd(s)
        if s.momentum == 0.0 || (!s.nesterov && s.dampening == 0.0 && !s.lr_inside_momentum))
}

/// Polyak's fastest heavy-ball setting (β, lr) for eigenvalues in
/// [λmin, λmax]: β = ((√κ − 1)/(√κ + 1))², lr = (2/(√λmax + √λmin))².
/// `None` unless both eigenvalues are positive.
pub fn fastest_heavy_ball(curvature: &Curvature) -> Option<(f64, f64)> {
    let (top, bottom) = (curvature.lambda_max(), curvature.lambda_min());
    if !(bottom > 0.0 && top.is_finite()) {
        return None;
    }
    let kappa_root = (top / bottom).sqrt();
    Some((
        ((kappa_root - 1.0) / (kappa_root + 1.0)).powi(2),
        (2.0 / (top.sqrt() + bottom.sqrt())).powi(2),
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::problem::Surface;

    #[test]
    fn rosenbrock_at_its_minimum() {
        // ∇²f(1, 1) = [[802, −400], [−400, 200]].
        let c = at(&Surface::Rosenbrock, &[1.0, 1.0], None).unwrap();
        let (tr, det) = (1002.0_f64, 802.0 * 200.0 - 400.0 * 400.0);
        let disc = (tr * tr - 4.0 * det).sqrt();
        let (hi, lo) = (f64::midpoint(tr, disc), f64::midpoint(tr, -disc));
        assert!((c.lambda_max() - hi).abs() < 1e-4 * hi, "{c:?}");
        assert!((c.lambda_min() - lo).abs() < 1e-3, "{c:?} vs {lo}");
        assert!((c.condition() - hi / lo).abs() < 1e-2 * hi / lo);
        assert!((c.stable_lr().unwrap() - 2.0 / hi).abs() < 1e-8);
        assert!(c.full);
    }

    #[test]
    fn a_saddle_has_a_negative_eigenvalue_and_a_concave_top_no_bound() {
        let c = at(&Surface::Saddle, &[0.0, 0.0], None).unwrap();
        assert!(c.lambda_max() > 0.0 && c.lambda_min() < 0.0, "{c:?}");
        let bowl = Surface::IllConditioned {
            condition: 50.0,
            angle: 30.0,
        };
        let c = at(&bowl, &[0.3, -0.2], None).unwrap();
        assert!((c.condition() - 50.0).abs() < 1e-3, "{c:?}");
    }

    #[test]
    fn an_l2_penalty_adds_twice_its_weight_to_the_curvature() {
        let plain = at(&Surface::Rosenbrock, &[1.0, 1.0], None).unwrap();
        let mask = [true, true];
        let penalised = at(
            &Surface::Rosenbrock,
            &[1.0, 1.0],
            Some((Penalty { l1: 0.0, l2: 0.5 }, &mask)),
        )
        .unwrap();
        for (a, b) in plain.eigenvalues.iter().zip(&penalised.eigenvalues) {
            assert!((b - a - 1.0).abs() < 1e-4, "{a} → {b}");
        }
    }

    #[test]
    fn power_iteration_matches_the_full_spectrum_s_extremes() {
        let bowl = Surface::IllConditioned {
            condition: 20.0,
            angle: 10.0,
        };
        let full = at(&bowl, &[1.0, 1.0], None).unwrap();
        let mut hv = HessianVector::new(&bowl, &[1.0, 1.0], None);
        let top = hv.power_iteration(0.0).unwrap();
        let bottom = hv.power_iteration(top).unwrap() + top;
        assert!((top - full.lambda_max()).abs() < 1e-5 * top);
        assert!((bottom - full.lambda_min()).abs() < 1e-4 * top);
    }

    proptest! {
        #[test]
        fn jacobi_finds_the_eigenvalues_of_a_rotated_diagonal(
            l1 in -50.0f64..50.0, l2 in -50.0f64..50.0, l3 in -50.0f64..50.0,
            a in 0.0f64..3.0, b in 0.0f64..3.0,
        ) {
            // Q·diag(l)·Qᵀ with Q two Givens rotations.
            let rot = |m: &mut [f64; 9], p: usize, q: usize, t: f64| {
                let (c, s) = (t.cos(), t.sin());
                let mut r = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
                r[p * 3 + p] = c; r[q * 3 + q] = c; r[p * 3 + q] = -s; r[q * 3 + p] = s;
                let mut out = [0.0; 9];
                for i in 0..3 { for j in 0..3 { for k in 0..3 { for l in 0..3 {
                    out[i * 3 + j] += r[i * 3 + k] * m[k * 3 + l] * r[j * 3 + l];
                }}}}
                *m = out;
            };
            let mut m = [l1, 0.0, 0.0, 0.0, l2, 0.0, 0.0, 0.0, l3];
            rot(&mut m, 0, 1, a);
            rot(&mut m, 1, 2, b);
            let mut got = symmetric_eigenvalues(&mut m, 3).unwrap();
            got.sort_by(f64::total_cmp);
            let mut want = [l1, l2, l3];
            want.sort_by(f64::total_cmp);
            for (g, w) in got.iter().zip(want) {
                prop_assert!((g - w).abs() < 1e-9 * 50.0, "{got:?} vs {want:?}");
            }
        }
    }
}

/// What the curvature thread is asked: a problem and, per run, a point and
/// the run's own penalty.
#[derive(Debug)]
pub struct CurvatureRequest {
    /// The loss.
    pub problem: std::sync::Arc<dyn Problem>,
    /// Per run: θ at the play head and its penalty (`None`: not available).
    pub points: Vec<Option<(Vec<f64>, Option<Penalty>)>>,
}

impl CurvatureRequest {
    /// Per run, the curvature at its point.
    pub fn compute(&self) -> Vec<Option<Curvature>> {
        let mask = self.problem.penalised();
        self.points
            .iter()
            .map(|point| {
                let (params, penalty) = point.as_ref()?;
                at(
                    self.problem.as_ref(),
                    params,
                    penalty.map(|p| (p, mask.as_slice())),
                )
            })
            .collect()
    }
}
