//! Lion (Chen et al., 2023), with `lion-pytorch` semantics.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, torch_sign};
use crate::support::validate::Checker;

/// Lion, as `lion_pytorch.Lion`.
///
/// ```text
/// θ ← θ·(1 − lr·λ)
/// θ ← θ − lr·sign(β₁·m + (1 − β₁)·g)
/// m ← β₂·m + (1 − β₂)·g
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lion {
    /// Learning rate γ (default 1e-4).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.99)).
    pub betas: (f64, f64),
    /// Decoupled weight decay λ (default 0).
    pub weight_decay: f64,
}

impl Default for Lion {
    fn default() -> Self {
        Self {
            lr: 1e-4,
            betas: (0.9, 0.99),
            weight_decay: 0.0,
        }
    }
}

/// Lion's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct LionState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: momentum m.
    pub exp_avg: Vec<f64>,
}

impl Lion {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.unit_interval("betas.0", self.betas.0);
        c.unit_interval("betas.1", self.betas.1);
        c.non_negative("weight_decay", self.weight_decay);
    }
}

impl Optimizer for Lion {
    type State = LionState;

    fn init(&self, dim: usize) -> LionState {
        LionState {
            step: 0,
            exp_avg: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut LionState, lr: f64) {
        state.step += 1;
        let (beta1, beta2) = self.betas;
        let decay = 1.0 - lr * self.weight_decay;
        for ((p, &g), m) in params.iter_mut().zip(grad).zip(&mut state.exp_avg) {
            *p *= decay;
            // lion-pytorch's add(g, alpha=1 − β) calls are fused on torch's CPU.
            let update = torch_sign((1.0 - beta1).mul_add(g, *m * beta1));
            *p += -lr * update;
            *m = (1.0 - beta2).mul_add(g, *m * beta2);
        }
    }

    fn describe<'a>(&self, state: &'a LionState) -> Vec<StateVector<'a>> {
        vec![StateVector {
            name: "exp_avg",
            values: &state.exp_avg,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_size_lr() {
        let opt = Lion::default();
        let mut p = [0.0, 0.0, 0.0];
        let mut s = opt.init(3);
        opt.step(&mut p, &[3.0, -1e-9, 0.0], &mut s, 0.1);
        assert_eq!(p, [-0.1, 0.1, 0.0]);
    }
}
