//! `torch.optim.NAdam`: Adam with Nesterov momentum and Dozat's momentum schedule.

use serde::{Deserialize, Serialize};

use super::{Optimizer, PowerSeries, StateVector, coupled_grad, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// NAdam, as `torch.optim.NAdam`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize)
/// decoupled_weight_decay:  θ ← θ·(1 − lr·λ)     else  g ← g + λθ
/// μₜ = β₁(1 − ½·0.96^(t·ψ)),   μₜ₊₁ = β₁(1 − ½·0.96^((t+1)·ψ)),   Πₜ = Π_{i≤t} μᵢ
/// m ← lerp(m, g, 1 − β₁);   v ← β₂·v + (1 − β₂)·g²
/// d ← √(v / (1 − β₂ᵗ)) + ε
/// θ ← θ − lr·(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NAdam {
    /// Learning rate γ (default 2e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Added to the denominator (default 1e-8).
    pub eps: f64,
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Momentum decay ψ (default 4e-3).
    pub momentum_decay: f64,
    /// Decay θ directly (NAdamW) instead of adding λθ to g (default false).
    pub decoupled_weight_decay: bool,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for NAdam {
    fn default() -> Self {
        Self {
            lr: 2e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 4e-3,
            decoupled_weight_decay: false,
            maximize: false,
        }
    }
}

/// NAdam's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct NAdamState {
    /// Steps taken.
    pub step: u64,
    /// `mu_product`: Π μᵢ up to this step.
    pub mu_product: f64,
    /// `exp_avg`: first moment m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: second moment v.
    pub exp_avg_sq: Vec<f64>,
    /// β₂ᵗ, for the bias correction.
    pub beta2_power: PowerSeries,
    /// μₜ₊₁ from the last step with its (β₁, ψ, t), reused as the next μₜ.
    mu_cache: (f64, f64, u64, f64),
}

impl NAdam {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
        c.non_negative("momentum_decay", self.momentum_decay);
    }
}

impl Optimizer for NAdam {
    type State = NAdamState;

    fn init(&self, dim: usize) -> NAdamState {
        NAdamState {
            step: 0,
            mu_product: 1.0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            beta2_power: PowerSeries::default(),
            mu_cache: (f64::NAN, f64::NAN, 0, f64::NAN),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut NAdamState, lr: f64) {
        state.step += 1;
        let (beta1, beta2) = self.betas;
        let t = state.step as f64;
        let bias_correction2 = state.beta2_power.one_minus(beta2, state.step);
        let psi = self.momentum_decay;
        let mu = match state.mu_cache {
            (b, p, s, mu)
                if b.to_bits() == beta1.to_bits()
                    && p.to_bits() == psi.to_bits()
                    && s == state.step =>
            {
                mu
            }
            _ => beta1 * (1.0 - 0.5 * 0.96f64.powf(t * psi)),
        };
        let mu_next = beta1 * (1.0 - 0.5 * 0.96f64.powf((t + 1.0) * psi));
        state.mu_cache = (beta1, psi, state.step + 1, mu_next);
        state.mu_product *= mu;
        let mu_product_next = state.mu_product * mu_next;
        let grad_coef = -lr * (1.0 - mu) / (1.0 - state.mu_product);
        let avg_coef = (-lr * mu_next) / (1.0 - mu_product_next);
        let (l2, decay) = if self.decoupled_weight_decay {
            (0.0, 1.0 - lr * self.weight_decay)
        } else {
            (self.weight_decay, 1.0)
        };
        for ((p, &g), (m, v)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.exp_avg.iter_mut().zip(&mut state.exp_avg_sq))
        {
            if self.decoupled_weight_decay && self.weight_decay != 0.0 {
                *p *= decay;
            }
            let g = coupled_grad(g, *p, l2, self.maximize);
            *m = torch_lerp(*m, g, 1.0 - beta1);
            *v = ((1.0 - beta2) * g).mul_add(g, *v * beta2);
            let denom = (*v / bias_correction2).sqrt() + self.eps;
            *p += (grad_coef * g) / denom;
            *p += (avg_coef * *m) / denom;
        }
    }

    fn describe<'a>(&self, state: &'a NAdamState) -> Vec<StateVector<'a>> {
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
    fn mu_product_follows_the_schedule() {
        let opt = NAdam::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[1.0], &mut s, 0.01);
        opt.step(&mut p, &[1.0], &mut s, 0.01);
        let mu = |t: f64| 0.9 * (1.0 - 0.5 * 0.96f64.powf(t * 4e-3));
        assert!((s.mu_product - mu(1.0) * mu(2.0)).abs() < 1e-15);
        assert!(p[0] < 0.0);
    }
}
