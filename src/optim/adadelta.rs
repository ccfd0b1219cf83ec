//! `torch.optim.Adadelta`: unit-consistent steps from two running averages.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, coupled_grad, state_vectors};
use crate::support::validate::Checker;

/// Adadelta, as `torch.optim.Adadelta`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize; then g ← g + λθ if weight_decay)
/// v ← ρ·v + (1 − ρ)·g²
/// Δ ← √(u + ε) / √(v + ε) · g          (ε inside both square roots)
/// u ← ρ·u + (1 − ρ)·Δ²
/// θ ← θ − lr·Δ                          (Zeiler has no lr; torch's default is 1)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adadelta {
    /// Learning rate γ scaling Δ (default 1.0).
    pub lr: f64,
    /// Decay ρ of both running averages (default 0.9).
    pub rho: f64,
    /// Added inside both square roots (default 1e-6).
    pub eps: f64,
    /// L2 penalty λ (default 0).
    pub weight_decay: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Adadelta {
    fn default() -> Self {
        Self {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

/// Adadelta's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdadeltaState {
    /// Steps taken.
    pub step: u64,
    /// `square_avg`: running mean of g².
    pub square_avg: Vec<f64>,
    /// `acc_delta`: running mean of Δ².
    pub acc_delta: Vec<f64>,
}

impl Adadelta {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.closed_unit_interval("rho", self.rho);
        c.non_negative("eps", self.eps);
        c.non_negative("weight_decay", self.weight_decay);
    }
}

impl Optimizer for Adadelta {
    type State = AdadeltaState;

    fn init(&self, dim: usize) -> AdadeltaState {
        AdadeltaState {
            step: 0,
            square_avg: vec![0.0; dim],
            acc_delta: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdadeltaState, lr: f64) {
        state.step += 1;
        let rho = self.rho;
        for ((p, &g), (v, u)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.square_avg.iter_mut().zip(&mut state.acc_delta))
        {
            let g = coupled_grad(g, *p, self.weight_decay, self.maximize);
            // The addcmuls and param.add_(Δ, alpha=−lr) are fused on torch's CPU.
            *v = ((1.0 - rho) * g).mul_add(g, *v * rho);
            let std = (*v + self.eps).sqrt();
            let delta = (*u + self.eps).sqrt() / std * g;
            *u = ((1.0 - rho) * delta).mul_add(delta, *u * rho);
            *p = (-lr).mul_add(delta, *p);
        }
    }

    fn describe<'a>(&self, state: &'a AdadeltaState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("square_avg", &state.square_avg),
            ("acc_delta", &state.acc_delta),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_is_tiny_because_u_starts_at_zero() {
        let opt = Adadelta::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[1.0], &mut s, 1.0);
        // Δ = √1e-6 / √(0.1 + 1e-6) ≈ 3.16e-3.
        let expected = -(1e-6f64).sqrt() / (0.1f64 + 1e-6).sqrt();
        assert!((p[0] - expected).abs() < 1e-15);
    }
}
