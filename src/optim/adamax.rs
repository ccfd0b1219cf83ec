//! `torch.optim.Adamax`: Adam with an infinity-norm second moment.

use serde::{Deserialize, Serialize};

use super::{Optimizer, PowerSeries, StateVector, coupled_grad, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// Adamax, as `torch.optim.Adamax`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize; then g ← g + λθ if weight_decay)
/// m ← lerp(m, g, 1 − β₁)
/// u ← max(β₂·u, |g| + ε)                (ε inside the max)
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / u
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adamax {
    /// Learning rate γ (default 2e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Added to |g| (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ (default 0).
    pub weight_decay: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Adamax {
    fn default() -> Self {
        Self {
            lr: 2e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

/// Adamax's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdamaxState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: first moment m.
    pub exp_avg: Vec<f64>,
    /// `exp_inf`: exponentially weighted infinity norm u.
    pub exp_inf: Vec<f64>,
    /// β₁ᵗ, for the bias correction.
    pub beta1_power: PowerSeries,
}

impl Adamax {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
    }
}

impl Optimizer for Adamax {
    type State = AdamaxState;

    fn init(&self, dim: usize) -> AdamaxState {
        AdamaxState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_inf: vec![0.0; dim],
            beta1_power: PowerSeries::default(),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdamaxState, lr: f64) {
        state.step += 1;
        let (beta1, beta2) = self.betas;
        let clr = lr / state.beta1_power.one_minus(beta1, state.step);
        for ((p, &g), (m, u)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.exp_avg.iter_mut().zip(&mut state.exp_inf))
        {
            let g = coupled_grad(g, *p, self.weight_decay, self.maximize);
            *m = torch_lerp(*m, g, 1.0 - beta1);
            // torch.maximum propagates NaN; f64::max would drop it.
            let decayed = *u * beta2;
            let fresh = g.abs() + self.eps;
            *u = if decayed.is_nan() || fresh.is_nan() {
                f64::NAN
            } else {
                decayed.max(fresh)
            };
            *p += (-clr * *m) / *u;
        }
    }

    fn describe<'a>(&self, state: &'a AdamaxState) -> Vec<StateVector<'a>> {
        state_vectors(&[("exp_avg", &state.exp_avg), ("exp_inf", &state.exp_inf)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_is_lr_times_sign() {
        let opt = Adamax::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[-5.0], &mut s, 0.01);
        assert!((p[0] - 0.01).abs() < 1e-9);
    }

    #[test]
    fn nan_gradient_is_not_swallowed() {
        let opt = Adamax::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[f64::NAN], &mut s, 0.01);
        assert!(p[0].is_nan());
    }
}
