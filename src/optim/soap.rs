//! SOAP (`pytorch_optimizer.SOAP`, Vyas et al. 2024): Adam in the eigenbasis
//! of Shampoo's preconditioner.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::householder::householder_q;
use super::reduce::torch_sum;
use super::{Layout, Optimizer, StateVector, state_vectors, torch_lerp};
use crate::support::linalg::symmetric_eigenvectors_descending;
use crate::support::validate::Checker;

/// SOAP, as `pytorch_optimizer.SOAP` 4.1.
///
/// ```text
/// per tensor, each axis k of size ≤ max_precondition_dim keeps
///   L_k ← lerp(L_k, G·Gᵀ contracted over the other axes, 1 − shampoo_beta)
///   Q_k = eigenvectors of L_k (step 1), then every precondition_frequency
///   steps Q_k ← qr(L_k·Q_k, sorted by Qᵀ·L·Q's diagonal) (in float32)
/// step 1 only builds L and Q.  From step 2, with s = t − 1:
///   G' = Qᵀ·G (every axis);  m ← lerp(m, G, 1 − β₁);  v ← lerp(v, G'², 1 − β₂)
///   N = Q·((Qᵀ·m)/(√v + ε))
///   θ ← θ − lr·√(1 − β₂ˢ)/(1 − β₁ˢ)·N;   θ ← θ·(1 − λ·lr)
/// ```
/// A vector (a surface's (x, y), a bias) is rotated only with
/// `precondition_1d`. `merge_dims` and `data_format` are not offered: the
/// first only reshapes tensors (and fails in the package for every tensor
/// that merges to one axis), the second concerns 4-D tensors.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the package's boolean keyword arguments"
)]
pub struct Soap {
    /// Learning rate (default 3e-3).
    pub lr: f64,
    /// (β₁, β₂) of Adam's moments (default (0.95, 0.95)).
    pub betas: (f64, f64),
    /// Decay of the preconditioner's statistics (default `None`: β₂).
    pub shampoo_beta: Option<f64>,
    /// Decoupled weight decay (default 0.01).
    pub weight_decay: f64,
    /// Steps between refreshes of the eigenbasis (default 10).
    pub precondition_frequency: u64,
    /// Axes longer than this are not rotated (default 10 000).
    pub max_precondition_dim: u64,
    /// Rotate vectors too (default false).
    pub precondition_1d: bool,
    /// Bias-correct the step size (default true).
    pub correct_bias: bool,
    /// Divide the update by its RMS (default false).
    pub normalize_gradient: bool,
    /// Added to √v (default 1e-8).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Soap {
    fn default() -> Self {
        Self {
            lr: 3e-3,
            betas: (0.95, 0.95),
            shampoo_beta: None,
            weight_decay: 1e-2,
            precondition_frequency: 10,
            max_precondition_dim: 10_000,
            precondition_1d: false,
            correct_bias: true,
            normalize_gradient: false,
            eps: 1e-8,
            maximize: false,
        }
    }
}

impl Soap {
    /// The preconditioner's decay: `shampoo_beta`, or β₂ when unset.
    pub fn shampoo_beta(&self) -> f64 {
        self.shampoo_beta.unwrap_or(self.betas.1)
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
        c.unit_interval("shampoo_beta", self.shampoo_beta());
        c.at_least_one("precondition_frequency", self.precondition_frequency);
        c.at_least_one("max_precondition_dim", self.max_precondition_dim);
    }

    /// Whether an axis of `len` entries of a tensor of `rank` axes is rotated.
    fn rotates(&self, rank: usize, len: usize) -> bool {
        (rank >= 2 || self.precondition_1d) && len as u64 <= self.max_precondition_dim
    }
}

/// One axis of a tensor: its length and, if rotated, where its L and Q sit.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Axis {
    len: usize,
    block: Option<usize>,
}

/// A tensor's entries and axes (at most two here).
#[derive(Clone, Debug, PartialEq)]
struct Plan {
    range: Range<usize>,
    axes: Vec<Axis>,
}

/// SOAP's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct SoapState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: m, in the parameter's own basis.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v, in the eigenbasis.
    pub exp_avg_sq: Vec<f64>,
    /// `GG`: every rotated axis's L, row-major, one after another.
    pub gg: Vec<f64>,
    /// `Q`: every rotated axis's eigenbasis, laid out as `gg`.
    pub q: Vec<f64>,
    /// The last step's update N before lr (the package's `norm_grad`).
    pub update: Vec<f64>,
    plans: Vec<Plan>,
    /// Two tensors' worth of scratch for the projections, and the gradient.
    work: [Vec<f64>; 3],
    /// One axis's worth of matrix scratch.
    square: Vec<f64>,
    square_f32: Vec<f32>,
    tau: Vec<f32>,
    order: Vec<usize>,
    estimate: Vec<f64>,
}

impl Optimizer for Soap {
    type State = SoapState;

    fn init(&self, dim: usize) -> SoapState {
        self.init_for(&Layout::vector(dim))
    }

    fn init_for(&self, layout: &Layout) -> SoapState {
        let dim = layout.dim();
        let mut blocks = 0;
        let mut widest_axis = 0;
        let plans: Vec<Plan> = layout
            .ranges()
            .map(|(t, range)| {
                let rank = t.shape.len();
                let axes = t
                    .shape
                    .iter()
                    .map(|&len| {
                        let block = self.rotates(rank, len).then(|| {
                            let at = blocks;
                            blocks += len * len;
                            widest_axis = widest_axis.max(len);
                            at
                        });
                        Axis { len, block }
                    })
                    .collect();
                Plan { range, axes }
            })
            .collect();
        let widest = plans.iter().map(|p| p.range.len()).max().unwrap_or(0);
        let square = widest_axis * widest_axis;
        SoapState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            gg: vec![0.0; blocks],
            q: vec![0.0; blocks],
            update: vec![0.0; dim],
            plans,
            work: [vec![0.0; widest], vec![0.0; widest], vec![0.0; widest]],
            square: vec![0.0; square],
            square_f32: vec![0.0; square],
            tau: vec![0.0; widest_axis],
            order: vec![0; widest_axis],
            estimate: vec![0.0; widest_axis],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut SoapState, lr: f64) {
        state.step += 1;
        let plans = std::mem::take(&mut state.plans);
        if state.step == 1 {
            // The package's first step only builds L and Q (from the raw gradient).
            for plan in &plans {
                if let Some(g) = grad.get(plan.range.clone()) {
                    accumulate_statistics(self.shampoo_beta(), plan, g, &mut state.gg);
                    state.eigenbases(plan);
                }
            }
            state.plans = plans;
            return;
        }
        let (beta1, beta2) = self.betas;
        let s = state.step - 1;
        let mut step_size = lr;
        if self.correct_bias {
            let bias_correction1 = 1.0 - beta1.powf(s as f64);
            let bias_correction2_sq = (1.0 - beta2.powf(s as f64)).sqrt();
            step_size *= bias_correction2_sq / bias_correction1;
        }
        for plan in &plans {
            let r = plan.range.clone();
            let n = r.len();
            let (Some(p), Some(g_in)) = (params.get_mut(r.clone()), grad.get(r.clone())) else {
                continue;
            };
            let [a, b, g] = &mut state.work;
            let (a, b, g) = (&mut a[..n], &mut b[..n], &mut g[..n]);
            for (g, &x) in g.iter_mut().zip(g_in) {
                *g = if self.maximize { -x } else { x };
            }
            let (m, v) = (
                &mut state.exp_avg[r.clone()],
                &mut state.exp_avg_sq[r.clone()],
            );
            // v sees the rotated gradient, m the gradient itself.
            project(g, a, b, &plan.axes, &state.q, Direction::Forward);
            for (v, &gp) in v.iter_mut().zip(a.iter()) {
                *v = torch_lerp(*v, gp * gp, 1.0 - beta2);
            }
            for (m, &g) in m.iter_mut().zip(g.iter()) {
                *m = torch_lerp(*m, g, 1.0 - beta1);
            }
            project(m, a, b, &plan.axes, &state.q, Direction::Forward);
            for (x, &v) in a.iter_mut().zip(v.iter()) {
                *x /= v.sqrt() + self.eps;
            }
            let update = &mut state.update[r];
            project(a, update, b, &plan.axes, &state.q, Direction::Backward);
            if self.normalize_gradient {
                for (sq, &u) in a.iter_mut().zip(update.iter()) {
                    *sq = u * u;
                }
                let rms = (torch_sum(a) / n as f64).sqrt() + self.eps;
                for u in update.iter_mut() {
                    *u /= rms;
                }
            }
            for (p, &u) in p.iter_mut().zip(update.iter()) {
                *p = (-step_size).mul_add(u, *p);
            }
            if self.weight_decay != 0.0 {
                let keep = 1.0 - self.weight_decay * lr;
                for p in p.iter_mut() {
                    *p *= keep;
                }
            }
            accumulate_statistics(self.shampoo_beta(), plan, g, &mut state.gg);
            if s.is_multiple_of(self.precondition_frequency) {
                state.refresh_eigenbases(plan);
            }
        }
        state.plans = plans;
    }

    fn describe<'a>(&self, state: &'a SoapState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
            ("norm_grad", &state.update),
            ("GG", &state.gg),
            ("Q", &state.q),
        ])
    }
}

/// Which way `torch.tensordot` contracts Q.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// `dims=[[0], [0]]`: Qᵀ applied.
    Forward,
    /// `dims=[[0], [1]]`: Q applied.
    Backward,
}

/// The package's `project`: contracts each axis in turn with its Q (or
/// moves it to the back), so the result, in `out`, has the input's shape.
fn project(
    x: &[f64],
    out: &mut [f64],
    spare: &mut [f64],
    axes: &[Axis],
    q: &[f64],
    direction: Direction,
) {
    let n = x.len();
    out.copy_from_slice(x);
    for axis in axes {
        let d = axis.len;
        let rest = n / d.max(1);
        // out is (d × rest); spare becomes (rest × d).
        for r in 0..rest {
            for j in 0..d {
                spare[r * d + j] = match axis.block {
                    None => out[j * rest + r],
                    Some(at) => (0..d).fold(0.0, |sum, i| {
                        let qij = match direction {
                            Direction::Forward => q[at + i * d + j],
                            Direction::Backward => q[at + j * d + i],
                        };
                        sum + out[i * rest + r] * qij
                    }),
                };
            }
        }
        out.copy_from_slice(spare);
    }
}

/// `update_pre_conditioner`'s statistics: each rotated axis's L moves
/// towards G·Gᵀ contracted over the other axes, by 1 − β.
fn accumulate_statistics(beta: f64, plan: &Plan, g: &[f64], gg: &mut [f64]) {
    let n = g.len();
    for (k, axis) in plan.axes.iter().enumerate() {
        let Some(at) = axis.block else { continue };
        let d = axis.len;
        let rest = n / d.max(1);
        for i in 0..d {
            for j in 0..d {
                // Entry (i, j) contracts every axis but k.
                let outer = match (plan.axes.len(), k) {
                    (1, _) => g[i] * g[j],
                    (_, 0) => (0..rest).fold(0.0, |s, c| s + g[i * rest + c] * g[j * rest + c]),
                    _ => {
                        let cols = d;
                        (0..n / cols).fold(0.0, |s, row| s + g[row * cols + i] * g[row * cols + j])
                    }
                };
                let entry = &mut gg[at + i * d + j];
                *entry = torch_lerp(*entry, outer, 1.0 - beta);
            }
        }
    }
}

impl SoapState {
    /// `get_orthogonal_matrix`: Q = eigenvectors of L + 1e-30·I, largest first.
    fn eigenbases(&mut self, plan: &Plan) {
        for axis in &plan.axes {
            let Some(at) = axis.block else { continue };
            let d = axis.len;
            let block = at..at + d * d;
            let mut l = self.gg[block.clone()].to_vec();
            for i in 0..d {
                l[i * d + i] += 1e-30;
            }
            match symmetric_eigenvectors_descending(&mut l, d) {
                Some((_, vectors)) => self.q[block].copy_from_slice(&vectors),
                None => self.q[block].fill(f64::NAN),
            }
        }
    }

    /// `get_orthogonal_matrix_qr`: one power iteration per axis, with v
    /// reordered along that axis as the estimated eigenvalues are sorted.
    fn refresh_eigenbases(&mut self, plan: &Plan) {
        let n = plan.range.len();
        for (k, axis) in plan.axes.iter().enumerate() {
            let Some(at) = axis.block else { continue };
            let d = axis.len;
            let (l, q) = (&self.gg[at..at + d * d], &self.q[at..at + d * d]);
            let product = &mut self.square[..d * d];
            for i in 0..d {
                for j in 0..d {
                    product[i * d + j] = (0..d).fold(0.0, |s, c| s + l[i * d + c] * q[c * d + j]);
                }
            }
            let estimate = &mut self.estimate[..d];
            for (j, e) in estimate.iter_mut().enumerate() {
                *e = (0..d).fold(0.0, |s, i| s + q[i * d + j] * product[i * d + j]);
            }
            let order = &mut self.order[..d];
            for (j, o) in order.iter_mut().enumerate() {
                *o = j;
            }
            order.sort_by(|&i, &j| estimate[j].total_cmp(&estimate[i]));
            // v's entries along axis k follow the sorted order.
            let v = &mut self.exp_avg_sq[plan.range.clone()];
            let copy = &mut self.work[0][..n];
            copy.copy_from_slice(v);
            let stride: usize = plan.axes[k + 1..].iter().map(|a| a.len).product();
            for (flat, entry) in v.iter_mut().enumerate() {
                let index = (flat / stride) % d;
                let moved = flat - index * stride + order[index] * stride;
                *entry = copy[moved];
            }
            // Q ← qr(power iteration), in float32 as the package casts it.
            let power = &mut self.square_f32[..d * d];
            for i in 0..d {
                for (j, &from) in order.iter().enumerate() {
                    power[i * d + j] = product[i * d + from] as f32;
                }
            }
            householder_q(power, d, &mut self.tau[..d]);
            for (q, &p) in self.q[at..at + d * d].iter_mut().zip(power.iter()) {
                *q = f64::from(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Tensor;

    fn no_decay() -> Soap {
        Soap {
            weight_decay: 0.0,
            ..Soap::default()
        }
    }

    #[test]
    fn the_first_step_only_builds_the_preconditioner() {
        let opt = Soap {
            precondition_1d: true,
            ..Soap::default()
        };
        let mut s = opt.init(2);
        let mut p = [1.0, 2.0];
        opt.step(&mut p, &[3.0, 4.0], &mut s, 0.1);
        assert_eq!(p, [1.0, 2.0]);
        // L = (1 − β)·g·gᵀ; its top eigenvector is ±g/‖g‖.
        assert_eq!(s.gg, [9.0, 12.0, 12.0, 16.0].map(|x| (1.0 - 0.95) * x));
        assert!(
            (s.q[0].abs() - 0.6).abs() < 1e-15 && (s.q[2].abs() - 0.8).abs() < 1e-15,
            "{:?}",
            s.q
        );
    }

    #[test]
    fn without_rotation_a_vector_takes_adam_s_step() {
        let opt = no_decay();
        let mut s = opt.init(2);
        let mut p = [0.0, 0.0];
        opt.step(&mut p, &[1.0, -2.0], &mut s, 0.1);
        opt.step(&mut p, &[1.0, -2.0], &mut s, 0.1);
        // Adam's first step moves each coordinate by lr·sign(g), up to ε.
        assert!(
            (p[0] + 0.1).abs() < 1e-8 && (p[1] - 0.1).abs() < 1e-8,
            "{p:?}"
        );
    }

    #[test]
    fn a_rotated_step_is_adam_in_the_eigenbasis() {
        // Gradients along one fixed direction u: in the eigenbasis the step is
        // lr·sign along u alone, so θ moves by lr along −u.
        let opt = Soap {
            precondition_1d: true,
            ..no_decay()
        };
        let mut s = opt.init(2);
        let mut p = [0.0, 0.0];
        for _ in 0..2 {
            opt.step(&mut p, &[3.0, 4.0], &mut s, 0.1);
        }
        assert!(
            (p[0] + 0.06).abs() < 1e-8 && (p[1] + 0.08).abs() < 1e-8,
            "{p:?}"
        );
    }

    #[test]
    fn a_matrix_rotates_both_axes_and_v_follows_the_sorted_basis() {
        let opt = Soap {
            precondition_frequency: 1,
            ..no_decay()
        };
        let layout = Layout::new(vec![Tensor::new("w", &[2, 3])]);
        let mut s = opt.init_for(&layout);
        assert_eq!(s.gg.len(), 4 + 9);
        let mut p = [0.0; 6];
        let grads = [
            [1.0, 0.5, -0.2, 0.3, -1.0, 0.7],
            [0.2, 0.1, 0.9, -0.4, 0.3, 0.1],
        ];
        for k in 0..6 {
            opt.step(&mut p, &grads[k % 2], &mut s, 0.01);
        }
        assert!(p.iter().all(|x| x.is_finite() && x.abs() < 0.1), "{p:?}");
        // Each Q stays orthogonal to float32 accuracy.
        for (at, d) in [(0, 2), (4, 3)] {
            for i in 0..d {
                for j in 0..d {
                    let dot: f64 = (0..d)
                        .map(|r| s.q[at + r * d + i] * s.q[at + r * d + j])
                        .sum();
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-6, "{at} {i} {j} {dot}");
                }
            }
        }
    }
}
