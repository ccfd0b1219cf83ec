//! LAMB (`pytorch_optimizer.Lamb`, You et al. 2019): Adam whose step is
//! rescaled per tensor by the trust ratio ‖θ‖/‖update‖.

use serde::{Deserialize, Serialize};

use super::adabelief::rectified_step_size;
use super::reduce::torch_norm;
use super::{Layout, Optimizer, StateVector, state_vectors};
use crate::support::validate::Checker;

/// The most ‖θ‖ counts for in the trust ratio (the package's `clamp`).
const WEIGHT_NORM_CAP: f64 = 10.0;

/// LAMB, as `pytorch_optimizer.Lamb` 4.1 (per-parameter path; `pre_norm`
/// and its `max_grad_norm`, which the package computes in float32, are not offered).
///
/// ```text
/// m ← β₁·m + β₃·g  (β₃ = 1 − β₁ with grad_averaging, else 1);   v ← β₂·v + (1 − β₂)·g²
/// θ ← θ·(1 − λ·lr) if weight_decouple;   u = m/(√v + ε) (+ λθ if coupled)
/// per tensor:  r = min(‖θ‖, 10)/(‖u‖ + ε)   (1 if either norm is 0, or with adam)
/// θ ← θ − (lr/(1 − β₁ᵗ))·r·u
/// ```
/// v is not bias-corrected; `rectify` uses `RAdam`'s schedule as `AdaBelief` does.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the package's boolean keyword arguments"
)]
pub struct Lamb {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly instead of adding λθ to the update (default true).
    pub weight_decouple: bool,
    /// Decoupled decay without the lr factor (default false).
    pub fixed_decay: bool,
    /// `RAdam`'s rectification (default false).
    pub rectify: bool,
    /// Below the threshold take an SGD step instead of none (default false).
    pub degenerated_to_sgd: bool,
    /// The ρₜ below which a rectified step is not adaptive (default 5).
    pub n_sma_threshold: u64,
    /// m ← β₁·m + (1 − β₁)·g rather than β₁·m + g (default true).
    pub grad_averaging: bool,
    /// Trust ratio 1: plain Adam without v's bias correction (default false).
    pub adam: bool,
    /// Added to √v and to ‖u‖ (default 1e-6).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Lamb {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            weight_decay: 0.0,
            weight_decouple: true,
            fixed_decay: false,
            rectify: false,
            degenerated_to_sgd: false,
            n_sma_threshold: 5,
            grad_averaging: true,
            adam: false,
            eps: 1e-6,
            maximize: false,
        }
    }
}

/// LAMB's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct LambState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v.
    pub exp_avg_sq: Vec<f64>,
    /// `trust_ratio` of each tensor at the last step, one value per parameter.
    pub trust_ratio: Vec<f64>,
    tensors: Vec<std::ops::Range<usize>>,
    /// The update of the tensor being stepped (scratch).
    update: Vec<f64>,
}

impl Lamb {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
    }

    /// One tensor's step; `u` is scratch of its length.
    fn step_tensor(
        &self,
        p: &mut [f64],
        g: &[f64],
        (m, v, u): (&mut [f64], &mut [f64], &mut [f64]),
        (lr, step_size, n_sma): (f64, f64, f64),
    ) -> f64 {
        let (beta1, beta2) = self.betas;
        let beta3 = if self.grad_averaging {
            1.0 - beta1
        } else {
            1.0
        };
        let wd = self.weight_decay;
        for i in 0..p.len() {
            let g = if self.maximize { -g[i] } else { g[i] };
            m[i] = beta3.mul_add(g, m[i] * beta1);
            v[i] = ((1.0 - beta2) * g).mul_add(g, v[i] * beta2);
            if wd != 0.0 && self.weight_decouple {
                p[i] *= 1.0 - wd * if self.fixed_decay { 1.0 } else { lr };
            }
        }
        if self.rectify && step_size <= 0.0 {
            return f64::NAN;
        }
        let adaptive = n_sma >= self.n_sma_threshold as f64;
        for i in 0..p.len() {
            let denom = v[i].sqrt() + self.eps;
            u[i] = if !self.rectify {
                let ui = m[i] / denom;
                if !self.weight_decouple && wd > 0.0 {
                    wd.mul_add(p[i], ui)
                } else {
                    ui
                }
            } else if adaptive {
                p[i] + (-step_size * m[i]) / denom
            } else {
                (-step_size).mul_add(m[i], p[i])
            };
        }
        let weight_norm = torch_norm(p).clamp(0.0, WEIGHT_NORM_CAP);
        let update_norm = torch_norm(u);
        let mut trust = if weight_norm == 0.0 || update_norm == 0.0 {
            1.0
        } else {
            weight_norm / (update_norm + self.eps)
        };
        let measured = trust;
        if self.adam {
            trust = 1.0;
        }
        let scale = -step_size * trust;
        for i in 0..p.len() {
            p[i] = if !self.rectify {
                scale.mul_add(u[i], p[i])
            } else if adaptive {
                p[i] + (scale * m[i]) / (v[i].sqrt() + self.eps)
            } else {
                scale.mul_add(m[i], p[i])
            };
        }
        measured
    }
}

impl Optimizer for Lamb {
    type State = LambState;

    fn init(&self, dim: usize) -> LambState {
        self.init_for(&Layout::vector(dim))
    }

    fn init_for(&self, layout: &Layout) -> LambState {
        let dim = layout.dim();
        let tensors: Vec<_> = layout.ranges().map(|(_, r)| r).collect();
        let widest = tensors
            .iter()
            .map(ExactSizeIterator::len)
            .max()
            .unwrap_or(0);
        LambState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            trust_ratio: vec![f64::NAN; dim],
            tensors,
            update: vec![0.0; widest],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut LambState, lr: f64) {
        state.step += 1;
        let (step_size, n_sma) = rectified_step_size(
            (lr, self.betas, state.step),
            self.rectify,
            self.n_sma_threshold,
            self.degenerated_to_sgd,
        );
        for r in &state.tensors {
            let (Some(p), Some(g), Some(m), Some(v), Some(u)) = (
                params.get_mut(r.clone()),
                grad.get(r.clone()),
                state.exp_avg.get_mut(r.clone()),
                state.exp_avg_sq.get_mut(r.clone()),
                state.update.get_mut(..r.len()),
            ) else {
                continue;
            };
            let trust = self.step_tensor(p, g, (m, v, u), (lr, step_size, n_sma));
            if let Some(t) = state.trust_ratio.get_mut(r.clone()) {
                t.fill(trust);
            }
        }
    }

    fn describe<'a>(&self, state: &'a LambState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
            ("trust_ratio", &state.trust_ratio),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Tensor;

    #[test]
    fn each_tensor_moves_by_lr_times_its_own_norm() {
        // On the first step u = m/(√v + ε) ≈ sign(g), so each tensor moves
        // by about lr/(1 − β₁)·‖θ‖ — a relative step, whatever g's size.
        let layout = Layout::new(vec![Tensor::new("w", &[2]), Tensor::new("b", &[1])]);
        let opt = Lamb::default();
        let mut s = opt.init_for(&layout);
        let mut p = [3.0, 4.0, 0.5];
        opt.step(&mut p, &[1e3, 1e3, -1e-3], &mut s, 0.01);
        let w_move = ((3.0 - p[0]).powi(2) + (4.0 - p[1]).powi(2)).sqrt();
        assert!((w_move - 0.01 / 0.1 * 5.0).abs() < 1e-3, "{p:?}");
        assert!(((p[2] - 0.5) - 0.01 / 0.1 * 0.5).abs() < 1e-3, "{p:?}");
    }
}
