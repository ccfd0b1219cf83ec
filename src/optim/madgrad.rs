//! MADGRAD (`pytorch_optimizer.MADGRAD`, Defazio & Jelassi 2021): dual
//! averaging with a cube-root denominator and momentum by interpolation.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// MADGRAD, as `pytorch_optimizer.MADGRAD` 4.1 (dense, per-parameter path).
///
/// ```text
/// lr' = lr + ε;   λₖ = lr'·√(k + 1)
/// g ← ∇f(θ)  (−g if maximize; g ← g + λ_wd·θ unless weight_decouple)
/// S ← S + λₖ·g²;   s ← s + λₖ·g;   z = x₀ − s/(S^(1/3) + ε)
/// θ ← lerp(θ, z, 1 − momentum)       (θ ← z when momentum = 0, x₀ = θ + s/(S^(1/3) + ε))
/// weight_decouple:  θ ← θ − lr'·λ_wd·θ_before
/// ```
/// x₀ is θ at the start; the sums S and s grow without decay.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Madgrad {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// Momentum, by interpolation towards z (default 0.9).
    pub momentum: f64,
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly instead of adding λθ to g (default false).
    pub weight_decouple: bool,
    /// Added to lr and to the cube root (default 1e-6).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Madgrad {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            momentum: 0.9,
            weight_decay: 0.0,
            weight_decouple: false,
            eps: 1e-6,
            maximize: false,
        }
    }
}

/// MADGRAD's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct MadgradState {
    /// Steps taken (the optimizer's `k`).
    pub step: u64,
    /// `grad_sum_sq`: S, the weighted sum of g².
    pub grad_sum_sq: Vec<f64>,
    /// `s`: the weighted sum of g.
    pub s: Vec<f64>,
    /// `x0`: θ at the first step (momentum > 0 only).
    pub x0: Vec<f64>,
}

impl Madgrad {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.non_negative("lr", self.lr);
        c.unit_interval("momentum", self.momentum);
        c.non_negative("weight_decay", self.weight_decay);
        c.non_negative("eps", self.eps);
    }
}

impl Optimizer for Madgrad {
    type State = MadgradState;

    fn init(&self, dim: usize) -> MadgradState {
        MadgradState {
            step: 0,
            grad_sum_sq: vec![0.0; dim],
            s: vec![0.0; dim],
            x0: Vec::with_capacity(dim),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut MadgradState, lr: f64) {
        let momentum = self.momentum;
        if momentum != 0.0 && state.x0.is_empty() {
            state.x0.extend_from_slice(params);
        }
        let lr = if lr == 0.0 { 0.0 } else { lr + self.eps };
        let lambda = lr * ((state.step + 1) as f64).powf(0.5);
        let decay = self.weight_decay;
        let rms = |sum_sq: f64| sum_sq.powf(1.0 / 3.0) + self.eps;
        for (i, (p, &g)) in params.iter_mut().zip(grad).enumerate() {
            let mut g = if self.maximize { -g } else { g };
            if decay > 0.0 && !self.weight_decouple {
                g = decay.mul_add(*p, g);
            }
            let (sum_sq, s) = (&mut state.grad_sum_sq[i], &mut state.s[i]);
            let x0 = if momentum == 0.0 {
                *p + *s / rms(*sum_sq)
            } else {
                state.x0[i]
            };
            *sum_sq = (lambda * g).mul_add(g, *sum_sq);
            *s = lambda.mul_add(g, *s);
            let before = *p;
            let z = x0 + (-*s) / rms(*sum_sq);
            *p = if momentum == 0.0 {
                z
            } else {
                torch_lerp(*p, z, 1.0 - momentum)
            };
            if decay > 0.0 && self.weight_decouple {
                *p = (-lr * decay).mul_add(before, *p);
            }
        }
        state.step += 1;
    }

    fn describe<'a>(&self, state: &'a MadgradState) -> Vec<StateVector<'a>> {
        let mut out = state_vectors(&[("grad_sum_sq", &state.grad_sum_sq), ("s", &state.s)]);
        if !state.x0.is_empty() {
            out.push(StateVector {
                name: "x0",
                values: &state.x0,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_momentum_the_first_step_is_a_cube_root_step_from_x0() {
        let opt = Madgrad {
            momentum: 0.0,
            ..Madgrad::default()
        };
        let mut p = [1.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[2.0], &mut s, 0.1);
        // λ = lr + ε; S = 4λ, s = 2λ; x₀ = θ (s was 0): θ = 1 − 2λ/((4λ)^(1/3) + ε).
        let lambda: f64 = 0.1 + 1e-6;
        let expected = 1.0 - 2.0 * lambda / ((4.0 * lambda).powf(1.0 / 3.0) + 1e-6);
        assert!((p[0] - expected).abs() < 1e-15, "{p:?} vs {expected}");
    }
}
