//! Adan (`pytorch_optimizer.Adan`, Xie et al. 2022): Nesterov momentum
//! estimated from gradient differences, so no extra gradient is needed.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// Adan, as `pytorch_optimizer.Adan` 4.1 (its per-parameter path, without
/// `max_grad_norm` clipping, which the package computes in float32).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize);   Δ = g − g_prev   (g_prev = g at step 1: Δ = 0)
/// m ← lerp(m, g, 1 − β₁);   n ← lerp(n, Δ, 1 − β₂)
/// v ← β₃·v + (1 − β₃)·(g + β₂·Δ)²;   d = √v/√(1 − β₃ᵗ) + ε
/// θ ← θ − lr/(1 − β₁ᵗ)·m/d − lr·β₂/(1 − β₂ᵗ)·n/d
/// weight decay: θ ← θ·(1 − lr·λ) first (weight_decouple), else θ ← θ/(1 + lr·λ) last
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adan {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂, β₃): momentum, difference momentum, second moment (default (0.98, 0.92, 0.99)).
    pub betas: (f64, f64, f64),
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ before the step instead of dividing after it (default false).
    pub weight_decouple: bool,
    /// Added to the denominator (default 1e-8).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Adan {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.98, 0.92, 0.99),
            weight_decay: 0.0,
            weight_decouple: false,
            eps: 1e-8,
            maximize: false,
        }
    }
}

/// Adan's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdanState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_diff`: n, the momentum of the gradient differences.
    pub exp_avg_diff: Vec<f64>,
    /// `exp_avg_sq`: v.
    pub exp_avg_sq: Vec<f64>,
    /// `previous_grad`, stored negated: −g of the last step.
    pub previous_grad: Vec<f64>,
}

impl Adan {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.unit_interval("betas.0", self.betas.0);
        c.unit_interval("betas.1", self.betas.1);
        c.unit_interval("betas.2", self.betas.2);
        c.non_negative("weight_decay", self.weight_decay);
        c.non_negative("eps", self.eps);
    }
}

impl Optimizer for Adan {
    type State = AdanState;

    fn init(&self, dim: usize) -> AdanState {
        AdanState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_diff: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            previous_grad: Vec::with_capacity(dim),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdanState, lr: f64) {
        if state.previous_grad.is_empty() {
            // Made from the raw gradient, before maximize negates it.
            state.previous_grad.extend(grad.iter().map(|g| -g));
        }
        state.step += 1;
        let t = state.step as f64;
        let (beta1, beta2, beta3) = self.betas;
        let bias_correction1 = 1.0 - beta1.powf(t);
        let bias_correction2 = 1.0 - beta2.powf(t);
        let bias_correction3_sq = (1.0 - beta3.powf(t)).sqrt();
        let wd = self.weight_decay;
        for (i, (p, &g)) in params.iter_mut().zip(grad).enumerate() {
            let g = if self.maximize { -g } else { g };
            let diff = &mut state.previous_grad[i];
            *diff += g;
            let m = &mut state.exp_avg[i];
            *m = torch_lerp(*m, g, 1.0 - beta1);
            let n = &mut state.exp_avg_diff[i];
            *n = torch_lerp(*n, *diff, 1.0 - beta2);
            let mixed = *diff * beta2 + g;
            let v = &mut state.exp_avg_sq[i];
            *v = ((1.0 - beta3) * mixed).mul_add(mixed, *v * beta3);
            let denom = v.sqrt() / bias_correction3_sq + self.eps;
            if wd != 0.0 && self.weight_decouple {
                *p *= 1.0 - lr * wd;
            }
            *p += (-lr / bias_correction1 * state.exp_avg[i]) / denom;
            *p += (-lr * beta2 / bias_correction2 * state.exp_avg_diff[i]) / denom;
            if wd != 0.0 && !self.weight_decouple {
                *p /= 1.0 + lr * wd;
            }
            state.previous_grad[i] = -g;
        }
    }

    fn describe<'a>(&self, state: &'a AdanState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_diff", &state.exp_avg_diff),
            ("exp_avg_sq", &state.exp_avg_sq),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_difference_momentum_starts_at_the_second_step() {
        let opt = Adan::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[1.0], &mut s, 1e-3);
        // Step 1 takes g_prev = g: Δ = 0.
        assert_eq!(s.exp_avg_diff[0], 0.0);
        opt.step(&mut p, &[3.0], &mut s, 1e-3);
        // Step 2: Δ = 3 − 1 = 2, n = (1 − β₂)·2.
        assert!((s.exp_avg_diff[0] - (1.0 - 0.92) * 2.0).abs() < 1e-15);
    }
}
