//! `torch.optim.ASGD`: SGD with a decaying step size that also keeps a
//! running average `ax` of its iterates, the point it is meant to return.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, state_vectors};
use crate::support::validate::Checker;

/// Averaged SGD, as `torch.optim.ASGD`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize; then g ← g + λ_wd·θ if weight_decay)
/// θ ← θ·(1 − λ·η);   θ ← θ − η·g
/// ax ← ax + μ·(θ − ax)     (ax ← θ while μ = 1)
/// η ← lr / (1 + λ·lr·t)^α;   μ ← 1 / max(1, t − t₀)
/// ```
/// η starts at lr and μ at 1. With the default t₀ = 1e6 the average only
/// starts after a million steps: lower t₀ to see it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Asgd {
    /// Learning rate (default 1e-2).
    pub lr: f64,
    /// Decay term λ (default 1e-4).
    pub lambd: f64,
    /// Power α of the η decay (default 0.75).
    pub alpha: f64,
    /// The step at which averaging starts, t₀ (default 1e6).
    pub t0: f64,
    /// L2 penalty added to the gradient (default 0).
    pub weight_decay: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Asgd {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            lambd: 1e-4,
            alpha: 0.75,
            t0: 1e6,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

/// ASGD's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AsgdState {
    /// Steps taken.
    pub step: u64,
    /// `eta`: the step size of the next step.
    pub eta: [f64; 1],
    /// `mu`: the averaging weight of the next step.
    pub mu: [f64; 1],
    /// `ax`: the averaged iterate.
    pub ax: Vec<f64>,
}

impl Asgd {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.non_negative("lambd", self.lambd);
        c.non_negative("alpha", self.alpha);
        c.non_negative("t0", self.t0);
        c.non_negative("weight_decay", self.weight_decay);
    }
}

impl Optimizer for Asgd {
    type State = AsgdState;

    fn init(&self, dim: usize) -> AsgdState {
        AsgdState {
            step: 0,
            // Set again from the first step's lr (a schedule may have changed
            // it), as torch creates the state then.
            eta: [self.lr],
            mu: [1.0],
            ax: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AsgdState, lr: f64) {
        if state.step == 0 {
            state.eta = [lr];
        }
        state.step += 1;
        let [eta] = state.eta;
        let [mu] = state.mu;
        let shrink = 1.0 - self.lambd * eta;
        for ((p, &g), ax) in params.iter_mut().zip(grad).zip(&mut state.ax) {
            let g = if self.maximize { -g } else { g };
            // grad.add(param, alpha=λ) and param.add_(grad, alpha=−η) are
            // fused on torch's CPU.
            let g = if self.weight_decay == 0.0 {
                g
            } else {
                self.weight_decay.mul_add(*p, g)
            };
            *p *= shrink;
            *p = (-eta).mul_add(g, *p);
            if mu == 1.0 {
                *ax = *p;
            } else {
                *ax += (*p - *ax) * mu;
            }
        }
        let t = state.step as f64;
        state.eta = [lr / (1.0 + self.lambd * lr * t).powf(self.alpha)];
        state.mu = [1.0 / (t - self.t0).max(1.0)];
    }

    fn describe<'a>(&self, state: &'a AsgdState) -> Vec<StateVector<'a>> {
        state_vectors(&[("eta", &state.eta), ("mu", &state.mu), ("ax", &state.ax)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_follows_the_iterate_until_t0() {
        let opt = Asgd {
            t0: 3.0,
            ..Asgd::default()
        };
        let mut p = [1.0];
        let mut s = opt.init(1);
        let mut seen = Vec::new();
        for _ in 0..6 {
            opt.step(&mut p, &[1.0], &mut s, 0.1);
            seen.push((p[0], s.ax[0]));
        }
        // μ = 1 for the first four steps (t − t₀ ≤ 1): ax is θ.
        assert!(seen[..4].iter().all(|(p, ax)| p == ax), "{seen:?}");
        // Step 5 averages with μ = 1/(4 − 3) = 1 too; step 6 with μ = 1/2.
        let (p5, ax5) = seen[4];
        let (p6, ax6) = seen[5];
        assert_eq!(p5, ax5);
        assert!((ax6 - (ax5 + 0.5 * (p6 - ax5))).abs() < 1e-15);
    }

    #[test]
    fn eta_decays_from_lr() {
        let opt = Asgd {
            lambd: 1.0,
            ..Asgd::default()
        };
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[1.0], &mut s, 0.5);
        assert_eq!(p[0], -0.5);
        assert_eq!(s.eta[0], 0.5 / 1.5_f64.powf(0.75));
    }
}
