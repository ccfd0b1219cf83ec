//! `torch.optim.Adam` (with AMSGrad) and `torch.optim.AdamW`.

#![expect(
    clippy::inline_always,
    reason = "the step must inline into pulp's context to use the FMA unit"
)]

use serde::{Deserialize, Serialize};

use super::{Optimizer, PowerSeries, StateVector, coupled_grad, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// Adam, as `torch.optim.Adam`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize)
/// decoupled_weight_decay:  θ ← θ·(1 − lr·λ)     else  g ← g + λθ
/// m ← lerp(m, g, 1 − β₁)               (= β₁·m + (1 − β₁)·g)
/// v ← β₂·v + (1 − β₂)·g²
/// amsgrad:  v_max ← max(v_max, v)  and v_max replaces v below
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// eps_in_sqrt:  θ ← θ − (lr / (1 − β₁ᵗ)) · m / √(v / (1 − β₂ᵗ) + ε)
/// ```
/// ε sits outside the sqrt and after bias correction; AMSGrad takes the max of
/// the raw v, then bias-corrects.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "torch's boolean keyword arguments"
)]
pub struct Adam {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Added to the denominator (default 1e-8).
    pub eps: f64,
    /// Weight decay λ (default 0): L2 unless `decoupled_weight_decay`.
    pub weight_decay: f64,
    /// Keep the running maximum of v (default false).
    pub amsgrad: bool,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
    /// Decay θ directly, as AdamW does (default false).
    pub decoupled_weight_decay: bool,
    /// Put ε inside the sqrt, `√(v̂ + ε)` (optax's `eps_root`; not torch; default false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub eps_in_sqrt: bool,
}

impl Default for Adam {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            maximize: false,
            decoupled_weight_decay: false,
            eps_in_sqrt: false,
        }
    }
}

/// AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay.
///
/// ```text
/// θ ← θ·(1 − lr·λ)            (before the moments; default λ = 1e-2)
/// … then the Adam update with g = ∇f(θ), no λθ added
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdamW {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Added to the denominator (default 1e-8).
    pub eps: f64,
    /// Decoupled weight decay λ (default 1e-2).
    pub weight_decay: f64,
    /// Keep the running maximum of v (default false).
    pub amsgrad: bool,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
    /// Put ε inside the sqrt, `√(v̂ + ε)` (not torch; default false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub eps_in_sqrt: bool,
}

impl Default for AdamW {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 1e-2,
            amsgrad: false,
            maximize: false,
            eps_in_sqrt: false,
        }
    }
}

impl AdamW {
    /// The same rule written as an [`Adam`] config.
    pub fn as_adam(&self) -> Adam {
        Adam {
            lr: self.lr,
            betas: self.betas,
            eps: self.eps,
            weight_decay: self.weight_decay,
            amsgrad: self.amsgrad,
            maximize: self.maximize,
            decoupled_weight_decay: true,
            eps_in_sqrt: self.eps_in_sqrt,
        }
    }
}

/// Adam's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdamState {
    /// Steps taken (t after the step).
    pub step: u64,
    /// `exp_avg`: first moment m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: second moment v.
    pub exp_avg_sq: Vec<f64>,
    /// `max_exp_avg_sq`: running max of v (AMSGrad only).
    pub max_exp_avg_sq: Vec<f64>,
    /// β₁ᵗ, for the bias correction.
    pub beta1_power: PowerSeries,
    /// β₂ᵗ, for the bias correction.
    pub beta2_power: PowerSeries,
}

impl Adam {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
    }
}

impl Optimizer for Adam {
    type State = AdamState;

    fn init(&self, dim: usize) -> AdamState {
        AdamState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            max_exp_avg_sq: vec![0.0; dim],
            beta1_power: PowerSeries::default(),
            beta2_power: PowerSeries::default(),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdamState, lr: f64) {
        // Compiled for the CPU's FMA unit: `mul_add` is then one instruction.
        crate::support::simd::arch().dispatch(AdamStep {
            adam: self,
            params,
            grad,
            state,
            lr,
        });
    }

    fn describe<'a>(&self, state: &'a AdamState) -> Vec<StateVector<'a>> {
        let mut out = state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
        ]);
        if self.amsgrad {
            out.push(StateVector {
                name: "max_exp_avg_sq",
                values: &state.max_exp_avg_sq,
            });
        }
        out
    }
}

/// One [`Adam`] step, as `pulp` dispatches it.
struct AdamStep<'a> {
    adam: &'a Adam,
    params: &'a mut [f64],
    grad: &'a [f64],
    state: &'a mut AdamState,
    lr: f64,
}

impl pulp::WithSimd for AdamStep<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        self.adam
            .step_here(self.params, self.grad, self.state, self.lr);
    }
}

impl Adam {
    /// [`Optimizer::step`]'s arithmetic, inlined into the dispatching context.
    #[inline(always)]
    fn step_here(&self, params: &mut [f64], grad: &[f64], state: &mut AdamState, lr: f64) {
        state.step += 1;
        let (beta1, beta2) = self.betas;
        let bias_correction1 = state.beta1_power.one_minus(beta1, state.step);
        let bias_correction2 = state.beta2_power.one_minus(beta2, state.step);
        let step_size = lr / bias_correction1;
        let bias_correction2_sqrt = bias_correction2.sqrt();
        let (l2, decay) = if self.decoupled_weight_decay {
            (0.0, 1.0 - lr * self.weight_decay)
        } else {
            (self.weight_decay, 1.0)
        };
        let moments = state
            .exp_avg
            .iter_mut()
            .zip(&mut state.exp_avg_sq)
            .zip(&mut state.max_exp_avg_sq);
        for ((p, &g), ((m, v), v_max)) in params.iter_mut().zip(grad).zip(moments) {
            if self.decoupled_weight_decay && self.weight_decay != 0.0 {
                *p *= decay;
            }
            let g = coupled_grad(g, *p, l2, self.maximize);
            *m = torch_lerp(*m, g, 1.0 - beta1);
            // exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂), fused.
            *v = ((1.0 - beta2) * g).mul_add(g, *v * beta2);
            let second = if self.amsgrad {
                *v_max = v_max.max(*v);
                *v_max
            } else {
                *v
            };
            let denom = if self.eps_in_sqrt {
                (second / bias_correction2 + self.eps).sqrt()
            } else {
                second.sqrt() / bias_correction2_sqrt + self.eps
            };
            *p += (-step_size * *m) / denom;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_moves_lr_against_the_gradient_sign() {
        let opt = Adam::default();
        let mut p = [1.0, 1.0];
        let mut s = opt.init(2);
        opt.step(&mut p, &[123.0, -0.004], &mut s, 0.01);
        assert!((p[0] - 0.99).abs() < 1e-9);
        assert!((p[1] - 1.01).abs() < 1e-6);
    }

    #[test]
    fn amsgrad_keeps_the_max_of_raw_v() {
        let opt = Adam {
            amsgrad: true,
            ..Adam::default()
        };
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[10.0], &mut s, 0.01);
        let after_big = s.max_exp_avg_sq[0];
        opt.step(&mut p, &[0.1], &mut s, 0.01);
        assert_eq!(s.max_exp_avg_sq[0], after_big);
        assert!(s.exp_avg_sq[0] < after_big);
    }

    #[test]
    fn decoupled_decay_scales_params_by_one_minus_lr_lambda() {
        let opt = AdamW {
            weight_decay: 0.5,
            ..AdamW::default()
        }
        .as_adam();
        let mut p = [2.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[0.0], &mut s, 0.1);
        assert_eq!(p, [2.0 * (1.0 - 0.1 * 0.5)]);
    }
}
