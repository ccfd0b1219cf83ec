//! Yogi (`pytorch_optimizer.Yogi`, Zaheer et al. 2018): Adam whose second
//! moment moves additively, by at most (1 − β₂)·g² per step.

use serde::{Deserialize, Serialize};

use super::adopt::package_weight_decay;
use super::{Optimizer, StateVector, state_vectors, torch_lerp, torch_sign};
use crate::support::validate::Checker;

/// Yogi, as `pytorch_optimizer.Yogi` 4.1 (its per-parameter path).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize);   weight decay (decoupled by default)
/// m ← lerp(m, g, 1 − β₁)
/// v ← v − (1 − β₂)·sign(v − g²)·g²          (Adam: v ← v − (1 − β₂)·(v − g²))
/// θ ← θ − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε)
/// ```
/// m and v start at `initial_accumulator`, not 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Yogi {
    /// Learning rate (default 1e-2).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// What m and v start from (default 1e-6).
    pub initial_accumulator: f64,
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly instead of adding λθ to g (default true).
    pub weight_decouple: bool,
    /// Decoupled decay without the lr factor (default false).
    pub fixed_decay: bool,
    /// Added to the denominator (default 1e-3).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Yogi {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            betas: (0.9, 0.999),
            initial_accumulator: 1e-6,
            weight_decay: 0.0,
            weight_decouple: true,
            fixed_decay: false,
            eps: 1e-3,
            maximize: false,
        }
    }
}

/// Yogi's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct YogiState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v.
    pub exp_avg_sq: Vec<f64>,
}

impl Yogi {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
        c.non_negative("initial_accumulator", self.initial_accumulator);
    }
}

impl Optimizer for Yogi {
    type State = YogiState;

    fn init(&self, dim: usize) -> YogiState {
        YogiState {
            step: 0,
            exp_avg: vec![self.initial_accumulator; dim],
            exp_avg_sq: vec![self.initial_accumulator; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut YogiState, lr: f64) {
        state.step += 1;
        let (beta1, beta2) = self.betas;
        let t = state.step as f64;
        let step_size = lr / (1.0 - beta1.powf(t));
        let bias_correction2_sq = (1.0 - beta2.powf(t)).sqrt();
        let decay = (self.weight_decay, self.weight_decouple, self.fixed_decay);
        for ((p, &g), (m, v)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.exp_avg.iter_mut().zip(&mut state.exp_avg_sq))
        {
            let g = if self.maximize { -g } else { g };
            let g = package_weight_decay(p, g, decay, lr);
            let g2 = g * g;
            *m = torch_lerp(*m, g, 1.0 - beta1);
            // v.addcmul_(sign(v − g²), g², value=−(1 − β₂)), fused.
            *v = (-(1.0 - beta2) * torch_sign(*v - g2)).mul_add(g2, *v);
            let denom = v.sqrt() / bias_correction2_sq + self.eps;
            *p += (-step_size * *m) / denom;
        }
    }

    fn describe<'a>(&self, state: &'a YogiState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_moment_grows_by_at_most_one_minus_beta2_g_squared() {
        let opt = Yogi::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[10.0], &mut s, 0.01);
        // v = 1e-6 + 0.001·100: Adam's would be the same here, but Yogi's
        // never shrinks by more than (1 − β₂)·g² either.
        assert!((s.exp_avg_sq[0] - (1e-6 + 0.1)).abs() < 1e-12);
        opt.step(&mut p, &[0.0], &mut s, 0.01);
        assert!(
            (s.exp_avg_sq[0] - (1e-6 + 0.1)).abs() < 1e-12,
            "g = 0 leaves v"
        );
    }
}
