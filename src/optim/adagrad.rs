//! `torch.optim.Adagrad`: per-coordinate steps shrink with the summed squared gradients.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, coupled_grad};
use crate::support::validate::Checker;

/// Adagrad, as `torch.optim.Adagrad`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize; then g ← g + λθ if weight_decay)
/// γ̃ ← lr / (1 + (t − 1)·lr_decay)
/// s ← s + g²                       (s₀ = initial_accumulator_value)
/// θ ← θ − γ̃ · g / (√s + ε)         (ε outside the sqrt; √(s + ε) with eps_in_sqrt)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adagrad {
    /// Learning rate γ (default 1e-2).
    pub lr: f64,
    /// Learning-rate decay η (default 0).
    pub lr_decay: f64,
    /// L2 penalty λ (default 0).
    pub weight_decay: f64,
    /// Starting value of the accumulator `sum` (default 0).
    pub initial_accumulator_value: f64,
    /// Added to √s (default 1e-10).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
    /// Put ε inside the sqrt, `√(s + ε)`, as optax does (not torch; default false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub eps_in_sqrt: bool,
}

impl Default for Adagrad {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
            maximize: false,
            eps_in_sqrt: false,
        }
    }
}

/// Adagrad's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdagradState {
    /// Steps taken (t after the step).
    pub step: u64,
    /// `sum`: running sum of squared gradients.
    pub sum: Vec<f64>,
}

impl Adagrad {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.non_negative("lr_decay", self.lr_decay);
        c.non_negative("weight_decay", self.weight_decay);
        c.non_negative("initial_accumulator_value", self.initial_accumulator_value);
        c.non_negative("eps", self.eps);
    }
}

impl Optimizer for Adagrad {
    type State = AdagradState;

    fn init(&self, dim: usize) -> AdagradState {
        AdagradState {
            step: 0,
            sum: vec![self.initial_accumulator_value; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdagradState, lr: f64) {
        state.step += 1;
        let clr = lr / (1.0 + (state.step as f64 - 1.0) * self.lr_decay);
        for ((p, &g), s) in params.iter_mut().zip(grad).zip(&mut state.sum) {
            let g = coupled_grad(g, *p, self.weight_decay, self.maximize);
            // state_sum.addcmul_(g, g, value=1), fused.
            *s = g.mul_add(g, *s);
            let std = if self.eps_in_sqrt {
                (*s + self.eps).sqrt()
            } else {
                s.sqrt() + self.eps
            };
            *p += (-clr * g) / std;
        }
    }

    fn describe<'a>(&self, state: &'a AdagradState) -> Vec<StateVector<'a>> {
        vec![StateVector {
            name: "sum",
            values: &state.sum,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_is_about_lr_times_sign() {
        let opt = Adagrad::default();
        let mut p = [0.0, 0.0];
        let mut s = opt.init(2);
        opt.step(&mut p, &[3.0, -0.5], &mut s, 0.1);
        assert!((p[0] + 0.1).abs() < 1e-9);
        assert!((p[1] - 0.1).abs() < 1e-9);
        assert_eq!(s.sum, vec![9.0, 0.25]);
    }

    #[test]
    fn lr_decay_divides_the_rate() {
        let opt = Adagrad {
            lr_decay: 1.0,
            initial_accumulator_value: 1.0,
            eps: 0.0,
            ..Adagrad::default()
        };
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[0.0], &mut s, 1.0);
        opt.step(&mut p, &[1.0], &mut s, 1.0);
        // t = 2: γ̃ = 1/2, s = 2.
        assert_eq!(p, [-0.5 * (1.0 / 2f64.sqrt())]);
    }
}
