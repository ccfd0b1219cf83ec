//! `torch.optim.Rprop`: sign steps with a step size per coordinate that
//! grows while the gradient keeps its sign and shrinks when it flips.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, state_vectors, torch_sign};
use crate::support::validate::Checker;

/// Resilient backpropagation, as `torch.optim.Rprop`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize)
/// s = sign(g·g_prev):  η = η₊ if s > 0,  η₋ if s < 0,  1 if s = 0
/// Δ ← clamp(Δ·η, Δ_min, Δ_max)          (Δ starts at lr)
/// g ← 0 where the sign flipped (η = η₋)
/// θ ← θ − sign(g)·Δ;   g_prev ← g
/// ```
/// Only the gradient's sign is used; lr sets the first step size and is read
/// once, so schedules do not change a run after its first step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rprop {
    /// The initial step size Δ₀ (default 1e-2).
    pub lr: f64,
    /// (η₋, η₊): step-size factors on a flip and on a repeat (default (0.5, 1.2)).
    pub etas: (f64, f64),
    /// (Δmin, Δmax): bounds of the step size (default (1e-6, 50)).
    pub step_sizes: (f64, f64),
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Rprop {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            etas: (0.5, 1.2),
            step_sizes: (1e-6, 50.0),
            maximize: false,
        }
    }
}

/// Rprop's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct RpropState {
    /// Steps taken.
    pub step: u64,
    /// `prev`: the gradient the last step used (zeroed where it flipped).
    pub prev: Vec<f64>,
    /// `step_size`: each coordinate's Δ.
    pub step_size: Vec<f64>,
}

impl Rprop {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        let (minus, plus) = self.etas;
        if !(minus > 0.0 && minus < 1.0 && plus > 1.0 && plus.is_finite()) {
            c.fail(
                "etas",
                format!("must satisfy 0 < etaminus < 1 < etaplus, got ({minus}, {plus})"),
            );
        }
        let (low, high) = self.step_sizes;
        if !(low >= 0.0 && low <= high && high.is_finite()) {
            c.fail(
                "step_sizes",
                format!("must satisfy 0 <= min <= max, got ({low}, {high})"),
            );
        }
    }
}

impl Optimizer for Rprop {
    type State = RpropState;

    fn init(&self, dim: usize) -> RpropState {
        RpropState {
            step: 0,
            prev: vec![0.0; dim],
            // Set again from the first step's lr (a schedule may have changed
            // it), as torch creates the state then.
            step_size: vec![self.lr; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut RpropState, lr: f64) {
        if state.step == 0 {
            state.step_size.fill(lr);
        }
        state.step += 1;
        let (eta_minus, eta_plus) = self.etas;
        let (low, high) = self.step_sizes;
        for ((p, &g), (prev, size)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.prev.iter_mut().zip(&mut state.step_size))
        {
            let mut g = if self.maximize { -g } else { g };
            let s = torch_sign(g * *prev);
            let eta = if s > 0.0 {
                eta_plus
            } else if s < 0.0 {
                eta_minus
            } else if s == 0.0 {
                1.0
            } else {
                s // NaN stays NaN
            };
            // torch.clamp keeps NaN; f64::max would drop it.
            let grown = *size * eta;
            *size = if grown.is_nan() {
                grown
            } else {
                grown.max(low).min(high)
            };
            if eta == eta_minus {
                g = 0.0;
            }
            *p += -(torch_sign(g) * *size);
            *prev = g;
        }
    }

    fn describe<'a>(&self, state: &'a RpropState) -> Vec<StateVector<'a>> {
        state_vectors(&[("prev", &state.prev), ("step_size", &state.step_size)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(grads: &[f64]) -> (f64, RpropState) {
        let opt = Rprop::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        for &g in grads {
            opt.step(&mut p, &[g], &mut s, 0.01);
        }
        (p[0], s)
    }

    #[test]
    fn the_step_grows_while_the_sign_repeats() {
        let (p, s) = run(&[3.0, 0.5, 100.0]);
        // Δ: 0.01 (the first step has no previous sign), 0.012, 0.0144.
        assert!((p + 0.01 + 0.012 + 0.0144).abs() < 1e-15, "{p}");
        assert!((s.step_size[0] - 0.0144).abs() < 1e-15);
    }

    #[test]
    fn a_flip_halves_the_step_and_skips_the_move() {
        let (p, s) = run(&[1.0, -1.0]);
        assert!((p + 0.01).abs() < 1e-15, "{p}");
        assert_eq!(s.step_size[0], 0.005);
        assert_eq!(s.prev[0], 0.0);
    }

    #[test]
    fn the_step_size_stays_within_its_bounds() {
        let (_, s) = run(&[1.0; 60]);
        assert_eq!(s.step_size[0], 50.0);
    }
}
