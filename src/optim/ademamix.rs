//! `AdEMAMix` (`pytorch_optimizer.AdEMAMix`, Pagliardini et al. 2024): Adam
//! plus a second, very slow momentum that remembers old gradients.

use serde::{Deserialize, Serialize};

use super::adopt::package_weight_decay;
use super::{Optimizer, StateVector, py_min, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// `AdEMAMix`, as `pytorch_optimizer.AdEMAMix` 4.1 (its per-parameter path).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize);   weight decay as the package applies it
/// m₁ ← lerp(m₁, g, 1 − β₁);   v ← β₂·v + (1 − β₂)·g²;   m₂ ← lerp(m₂, g, 1 − β₃ₜ)
/// θ ← θ − lr·(m₁/(1 − β₁ᵗ) + αₜ·m₂) / (√v/√(1 − β₂ᵗ) + ε)
/// with t_alpha_beta3 = T:  αₜ = min(t·α/T, α),
///                          β₃ₜ = min(exp(ln β₁·ln β₃ / ((1 − t/T)·ln β₃ + (t/T)·ln β₁)), β₃)
/// ```
/// m₂ is not bias-corrected: with β₃ = 0.9999 it averages about 10 000 steps.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdEMAMix {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂, β₃): fast momentum, second moment, slow momentum (default (0.9, 0.999, 0.9999)).
    pub betas: (f64, f64, f64),
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly instead of adding λθ to g (default false).
    pub weight_decouple: bool,
    /// Decoupled decay without the lr factor (default false).
    pub fixed_decay: bool,
    /// Weight α of the slow momentum (default 5).
    pub alpha: f64,
    /// Steps over which α and β₃ warm up; `None` for none (default None).
    pub t_alpha_beta3: Option<f64>,
    /// Added to the denominator (default 1e-8).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for AdEMAMix {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999, 0.9999),
            weight_decay: 0.0,
            weight_decouple: false,
            fixed_decay: false,
            alpha: 5.0,
            t_alpha_beta3: None,
            eps: 1e-8,
            maximize: false,
        }
    }
}

/// `AdEMAMix`'s buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdEMAMixState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: the fast momentum m₁.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v.
    pub exp_avg_sq: Vec<f64>,
    /// `exp_avg_slow`: the slow momentum m₂.
    pub exp_avg_slow: Vec<f64>,
}

impl AdEMAMix {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.unit_interval("betas.0", self.betas.0);
        c.unit_interval("betas.1", self.betas.1);
        c.unit_interval("betas.2", self.betas.2);
        c.non_negative("weight_decay", self.weight_decay);
        c.non_negative("alpha", self.alpha);
        if let Some(t) = self.t_alpha_beta3 {
            c.positive("t_alpha_beta3", t);
        }
        c.non_negative("eps", self.eps);
    }

    /// αₜ and β₃ₜ at step `t`, as the package schedules them.
    pub fn scheduled(&self, t: u64) -> (f64, f64) {
        let (beta1, _, beta3) = self.betas;
        let Some(horizon) = self.t_alpha_beta3 else {
            return (self.alpha, beta3);
        };
        let t = t as f64;
        let alpha = py_min(t * self.alpha / horizon, self.alpha);
        let (log1, log3) = (beta1.ln(), beta3.ln());
        let mix = (1.0 - t / horizon) * log3 + (t / horizon) * log1;
        (alpha, py_min((log1 * log3 / mix).exp(), beta3))
    }
}

impl Optimizer for AdEMAMix {
    type State = AdEMAMixState;

    fn init(&self, dim: usize) -> AdEMAMixState {
        AdEMAMixState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            exp_avg_slow: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdEMAMixState, lr: f64) {
        state.step += 1;
        let t = state.step as f64;
        let (beta1, beta2, _) = self.betas;
        let bias_correction1 = 1.0 - beta1.powf(t);
        let bias_correction2_sq = (1.0 - beta2.powf(t)).sqrt();
        let (alpha, beta3) = self.scheduled(state.step);
        let decay = (self.weight_decay, self.weight_decouple, self.fixed_decay);
        for (i, (p, &g)) in params.iter_mut().zip(grad).enumerate() {
            let g = if self.maximize { -g } else { g };
            let g = package_weight_decay(p, g, decay, lr);
            let m = &mut state.exp_avg[i];
            *m = torch_lerp(*m, g, 1.0 - beta1);
            let v = &mut state.exp_avg_sq[i];
            *v = ((1.0 - beta2) * g).mul_add(g, *v * beta2);
            let slow = &mut state.exp_avg_slow[i];
            *slow = torch_lerp(*slow, g, 1.0 - beta3);
            let denom = state.exp_avg_sq[i].sqrt() / bias_correction2_sq + self.eps;
            let update = alpha.mul_add(state.exp_avg_slow[i], state.exp_avg[i] / bias_correction1);
            *p += (-lr * update) / denom;
        }
    }

    fn describe<'a>(&self, state: &'a AdEMAMixState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
            ("exp_avg_slow", &state.exp_avg_slow),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_takes_alpha_and_beta3_from_their_start_to_their_values() {
        let opt = AdEMAMix {
            t_alpha_beta3: Some(100.0),
            ..AdEMAMix::default()
        };
        let (a0, b0) = opt.scheduled(1);
        assert!((a0 - 0.05).abs() < 1e-15);
        // The formula gives β₁ at t = 0 and rises fast towards β₃ = 0.9999.
        assert!((b0 - 0.990_900_162_4).abs() < 1e-9, "{b0}");
        let (_, b10) = opt.scheduled(10);
        assert!(b10 > b0 && b10 < 0.9999, "{b10}");
        let (a, b) = opt.scheduled(100);
        assert_eq!(a, 5.0);
        assert!((b - 0.9999).abs() < 1e-12, "{b}");
    }
}
