//! `torch.optim.SGD`: plain gradient descent, heavy-ball momentum and Nesterov.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, coupled_grad};
use crate::support::validate::Checker;

/// Stochastic gradient descent, as `torch.optim.SGD`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize; then g ← g + λθ if weight_decay)
/// if μ ≠ 0:
///     b ← g                        on the first step (no dampening)
///     b ← μ·b + (1 − τ)·g          afterwards
///     g ← g + μ·b  if nesterov,  else  g ← b
/// θ ← θ − lr·g
/// ```
/// lr multiplies the buffer from outside (`v ← μv + g`), unlike the textbook
/// `v ← μv − lr·g`; Nesterov is torch's look-ahead-free form.
///
/// Two convention flags (not torch's) switch to the textbook forms:
/// ```text
/// lr_inside_momentum:  v ← μ·v − lr·(1 − τ)·g   (v ← −lr·g first);  θ ← θ + v
///                      (nesterov: θ ← θ + μ·v − lr·g)
/// look_ahead (with nesterov):  g ← ∇f(θ + μ·u), u = v or −lr·b, and no extra μ term
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "torch's boolean keyword arguments"
)]
pub struct Sgd {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// Momentum factor μ (default 0).
    pub momentum: f64,
    /// Dampening τ for momentum (default 0).
    pub dampening: f64,
    /// Use Nesterov momentum (default false).
    pub nesterov: bool,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
    /// Textbook momentum `v ← μv − lr·g; θ ← θ + v` (not torch; default false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lr_inside_momentum: bool,
    /// Sutskever's Nesterov: the gradient at the look-ahead point `θ + μ·u`
    /// (not torch; only with `nesterov`; default false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub look_ahead: bool,
}

impl Default for Sgd {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
            maximize: false,
            lr_inside_momentum: false,
            look_ahead: false,
        }
    }
}

/// SGD's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct SgdState {
    /// Steps taken.
    pub step: u64,
    /// Whether torch would have created `momentum_buffer` yet.
    pub buffer_ready: bool,
    /// `momentum_buffer` b, or the velocity v with `lr_inside_momentum`.
    pub momentum_buffer: Vec<f64>,
}

impl Sgd {
    /// Whether the gradient is taken at the look-ahead point (Sutskever's Nesterov).
    pub fn uses_look_ahead(&self) -> bool {
        self.nesterov && self.look_ahead && self.momentum != 0.0
    }

    /// Writes the look-ahead point `θ + μ·u` (u = v, or −lr·b with lr outside)
    /// into `out`; false when the gradient is taken at θ itself.
    pub fn look_ahead_point(
        &self,
        params: &[f64],
        state: &SgdState,
        lr: f64,
        out: &mut [f64],
    ) -> bool {
        if !self.uses_look_ahead() {
            return false;
        }
        let scale = if !state.buffer_ready {
            0.0
        } else if self.lr_inside_momentum {
            self.momentum
        } else {
            -lr * self.momentum
        };
        for ((o, &p), &b) in out.iter_mut().zip(params).zip(&state.momentum_buffer) {
            *o = p + scale * b;
        }
        true
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.non_negative("momentum", self.momentum);
        c.closed_unit_interval("dampening", self.dampening);
        c.non_negative("weight_decay", self.weight_decay);
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            c.fail(
                "nesterov",
                "Nesterov momentum requires a momentum > 0 and zero dampening",
            );
        }
    }
}

impl Optimizer for Sgd {
    type State = SgdState;

    fn init(&self, dim: usize) -> SgdState {
        SgdState {
            step: 0,
            buffer_ready: false,
            momentum_buffer: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut SgdState, lr: f64) {
        state.step += 1;
        let use_momentum = self.momentum != 0.0;
        let first = !state.buffer_ready;
        let extra_nesterov_term = self.nesterov && !self.look_ahead;
        for ((p, &g), b) in params.iter_mut().zip(grad).zip(&mut state.momentum_buffer) {
            let mut g = coupled_grad(g, *p, self.weight_decay, self.maximize);
            if use_momentum && self.lr_inside_momentum {
                *b = if first {
                    -lr * g
                } else {
                    self.momentum * *b - lr * (1.0 - self.dampening) * g
                };
                *p += if extra_nesterov_term {
                    self.momentum * *b - lr * g
                } else {
                    *b
                };
                continue;
            }
            if use_momentum {
                // buf.mul_(μ).add_(g, alpha=1 − τ), grad.add(buf, alpha=μ) and
                // param.add_(g, alpha=−lr) are fused on torch's CPU.
                *b = if first {
                    g
                } else {
                    (1.0 - self.dampening).mul_add(g, *b * self.momentum)
                };
                g = if extra_nesterov_term {
                    self.momentum.mul_add(*b, g)
                } else {
                    *b
                };
            }
            *p = (-lr).mul_add(g, *p);
        }
        if use_momentum {
            state.buffer_ready = true;
        }
    }

    fn describe<'a>(&self, state: &'a SgdState) -> Vec<StateVector<'a>> {
        if state.buffer_ready {
            vec![StateVector {
                name: if self.lr_inside_momentum {
                    "velocity"
                } else {
                    "momentum_buffer"
                },
                values: &state.momentum_buffer,
            }]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(opt: &Sgd, grads: &[[f64; 2]], lr: f64) -> [f64; 2] {
        let mut p = [1.0, -2.0];
        let mut s = opt.init(2);
        for g in grads {
            opt.step(&mut p, g, &mut s, lr);
        }
        p
    }

    #[test]
    fn plain_step_is_theta_minus_lr_g() {
        let p = run(&Sgd::default(), &[[0.5, -1.0]], 0.1);
        assert_eq!(p, [1.0 - 0.1 * 0.5, -2.0 + 0.1 * 1.0]);
    }

    #[test]
    fn first_momentum_step_copies_gradient_without_dampening() {
        let opt = Sgd {
            momentum: 0.9,
            dampening: 0.5,
            ..Sgd::default()
        };
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[2.0], &mut s, 1.0);
        assert_eq!(s.momentum_buffer, vec![2.0]);
        opt.step(&mut p, &[2.0], &mut s, 1.0);
        assert_eq!(s.momentum_buffer, vec![0.9 * 2.0 + 0.5 * 2.0]);
        assert_eq!(p, [-2.0 - (0.9 * 2.0 + 0.5 * 2.0)]);
    }

    #[test]
    fn nesterov_adds_momentum_times_buffer() {
        let opt = Sgd {
            momentum: 0.5,
            nesterov: true,
            ..Sgd::default()
        };
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[1.0], &mut s, 1.0);
        // b = 1, d = g + μb = 1.5
        assert_eq!(p, [-1.5]);
    }

    #[test]
    fn nesterov_without_momentum_is_rejected() {
        let mut c = Checker::new("opt");
        Sgd {
            nesterov: true,
            ..Sgd::default()
        }
        .check(&mut c);
        assert_eq!(c.finish()[0].field, "opt.nesterov");
    }
}
