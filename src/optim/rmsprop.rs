//! `torch.optim.RMSprop`: divide by a running RMS of the gradient.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, coupled_grad, torch_lerp};
use crate::support::validate::Checker;

/// RMSprop, as `torch.optim.RMSprop`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize; then g ← g + λθ if weight_decay)
/// v ← α·v + (1 − α)·g²
/// centered:  ḡ ← lerp(ḡ, g, 1 − α);  d ← √(v − ḡ²) + ε    else  d ← √v + ε
///            (eps_in_sqrt: d ← √(v − ḡ² + ε) or √(v + ε), as optax)
/// μ > 0:     b ← μ·b + g/d;  θ ← θ − lr·b                  else  θ ← θ − lr·g/d
/// ```
/// There is no bias correction, so with v₀ = 0 the first step is about
/// `lr·g/√(1−α)|g|`, ten times lr for α = 0.99.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RmsProp {
    /// Learning rate γ (default 1e-2).
    pub lr: f64,
    /// Smoothing constant α (default 0.99).
    pub alpha: f64,
    /// Added to the RMS, outside the sqrt (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ (default 0).
    pub weight_decay: f64,
    /// Momentum factor μ (default 0).
    pub momentum: f64,
    /// Normalise by the variance estimate instead of the raw second moment.
    pub centered: bool,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
    /// Put ε inside the sqrt, `√(v + ε)`, as optax does (not torch; default false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub eps_in_sqrt: bool,
}

impl Default for RmsProp {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
            maximize: false,
            eps_in_sqrt: false,
        }
    }
}

/// RMSprop's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct RmsPropState {
    /// Steps taken.
    pub step: u64,
    /// `square_avg`: running mean of g².
    pub square_avg: Vec<f64>,
    /// `grad_avg`: running mean of g (centered only).
    pub grad_avg: Vec<f64>,
    /// `momentum_buffer` (momentum > 0 only).
    pub momentum_buffer: Vec<f64>,
}

impl RmsProp {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.closed_unit_interval("alpha", self.alpha);
        c.non_negative("eps", self.eps);
        c.non_negative("weight_decay", self.weight_decay);
        c.non_negative("momentum", self.momentum);
    }
}

impl Optimizer for RmsProp {
    type State = RmsPropState;

    fn init(&self, dim: usize) -> RmsPropState {
        RmsPropState {
            step: 0,
            square_avg: vec![0.0; dim],
            grad_avg: vec![0.0; dim],
            momentum_buffer: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut RmsPropState, lr: f64) {
        state.step += 1;
        let alpha = self.alpha;
        let buffers = state
            .square_avg
            .iter_mut()
            .zip(&mut state.grad_avg)
            .zip(&mut state.momentum_buffer);
        for ((p, &g), ((v, ga), b)) in params.iter_mut().zip(grad).zip(buffers) {
            let g = coupled_grad(g, *p, self.weight_decay, self.maximize);
            // square_avg.mul_(α).addcmul_(g, g, value=1 − α), fused.
            *v = ((1.0 - alpha) * g).mul_add(g, *v * alpha);
            let second = if self.centered {
                *ga = torch_lerp(*ga, g, 1.0 - alpha);
                (-*ga).mul_add(*ga, *v)
            } else {
                *v
            };
            let avg = if self.eps_in_sqrt {
                (second + self.eps).sqrt()
            } else {
                second.sqrt() + self.eps
            };
            if self.momentum > 0.0 {
                *b = *b * self.momentum + g / avg;
                *p = (-lr).mul_add(*b, *p);
            } else {
                *p += (-lr * g) / avg;
            }
        }
    }

    fn describe<'a>(&self, state: &'a RmsPropState) -> Vec<StateVector<'a>> {
        let mut out = vec![StateVector {
            name: "square_avg",
            values: &state.square_avg,
        }];
        if self.centered {
            out.push(StateVector {
                name: "grad_avg",
                values: &state.grad_avg,
            });
        }
        if self.momentum > 0.0 {
            out.push(StateVector {
                name: "momentum_buffer",
                values: &state.momentum_buffer,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_is_ten_times_lr() {
        let opt = RmsProp::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[4.0], &mut s, 0.01);
        // √v = √0.01·4 = 0.4 → step = 0.01·4/0.4 = 0.1.
        assert!((p[0] + 0.1).abs() < 1e-7, "{p:?}");
    }

    #[test]
    fn describe_lists_only_used_buffers() {
        let opt = RmsProp {
            centered: true,
            ..RmsProp::default()
        };
        let s = opt.init(2);
        let names: Vec<_> = opt.describe(&s).iter().map(|v| v.name).collect();
        assert_eq!(names, ["square_avg", "grad_avg"]);
    }
}
