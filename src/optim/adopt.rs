//! ADOPT (`pytorch_optimizer.ADOPT`, Taniguchi et al. 2024): Adam that divides
//! by the second moment of the steps before, so it converges for any β₂.

use serde::{Deserialize, Serialize};

use super::{Optimizer, StateVector, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// ADOPT, as `pytorch_optimizer.ADOPT` 4.1 (its per-parameter path).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize);   weight decay as below
/// t = 1:  v ← g²  and no step
/// t > 1:  n = clamp(g / max(√v, ε), −t^c, t^c)     (c = clip_lambda's exponent)
///         m ← lerp(m, n, 1 − β₁);   θ ← θ − lr·m;   v ← β₂·v + (1 − β₂)·g²
/// weight_decouple:  θ ← θ·(1 − λ·lr)  (λ alone if fixed_decay)   else  g ← g + λθ
/// ```
/// v is updated after the step, so the step never divides by its own gradient.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adopt {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.9999)).
    pub betas: (f64, f64),
    /// The normalised gradient is clipped to ±t^c; `Some(c)` is the package's
    /// `clip_lambda = lambda step: step ** c` (default `Some(0.25)`), `None` no clipping.
    pub clip_lambda: Option<f64>,
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly instead of adding λθ to g (default false).
    pub weight_decouple: bool,
    /// Decoupled decay without the lr factor (default false).
    pub fixed_decay: bool,
    /// Floor of √v (default 1e-6).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Adopt {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.9999),
            clip_lambda: Some(0.25),
            weight_decay: 0.0,
            weight_decouple: false,
            fixed_decay: false,
            eps: 1e-6,
            maximize: false,
        }
    }
}

/// ADOPT's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdoptState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: the momentum of the normalised gradients.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v, the second moment up to the step before.
    pub exp_avg_sq: Vec<f64>,
}

impl Adopt {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
        if let Some(exponent) = self.clip_lambda {
            c.finite("clip_lambda", exponent);
        }
    }
}

/// `pytorch_optimizer`'s `apply_weight_decay`: decoupled (θ·(1 − λ·lr), or
/// θ·(1 − λ) with `fixed`) or coupled (g + λθ, fused). Returns the gradient.
#[inline]
pub(crate) fn package_weight_decay(
    p: &mut f64,
    g: f64,
    (weight_decay, decouple, fixed): (f64, bool, bool),
    lr: f64,
) -> f64 {
    if weight_decay == 0.0 {
        g
    } else if decouple {
        *p *= 1.0 - weight_decay * if fixed { 1.0 } else { lr };
        g
    } else if weight_decay > 0.0 {
        weight_decay.mul_add(*p, g)
    } else {
        g
    }
}

impl Optimizer for Adopt {
    type State = AdoptState;

    fn init(&self, dim: usize) -> AdoptState {
        AdoptState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdoptState, lr: f64) {
        state.step += 1;
        let first = state.step == 1;
        let (beta1, beta2) = self.betas;
        let clip = self.clip_lambda.map(|c| (state.step as f64).powf(c));
        let decay = (self.weight_decay, self.weight_decouple, self.fixed_decay);
        for ((p, &g), (m, v)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.exp_avg.iter_mut().zip(&mut state.exp_avg_sq))
        {
            let g = if self.maximize { -g } else { g };
            let g = package_weight_decay(p, g, decay, lr);
            if first {
                *v = g.mul_add(g, *v);
                continue;
            }
            let root = v.sqrt();
            let denom = if root.is_nan() {
                root
            } else {
                root.max(self.eps)
            };
            let mut normed = g / denom;
            if let Some(c) = clip
                && !normed.is_nan()
            {
                normed = normed.clamp(-c, c);
            }
            *m = torch_lerp(*m, normed, 1.0 - beta1);
            *p = (-lr).mul_add(*m, *p);
            *v = ((1.0 - beta2) * g).mul_add(g, *v * beta2);
        }
    }

    fn describe<'a>(&self, state: &'a AdoptState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_step_only_measures_the_gradient() {
        let opt = Adopt::default();
        let mut p = [1.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[3.0], &mut s, 0.1);
        assert_eq!(p, [1.0]);
        assert_eq!(s.exp_avg_sq, [9.0]);
        // Step 2 divides g by √9 = 3 from step 1: n = 1, m = 0.1, θ = 1 − 0.01.
        opt.step(&mut p, &[3.0], &mut s, 0.1);
        assert!((p[0] - 0.99).abs() < 1e-15, "{p:?}");
    }

    #[test]
    fn a_huge_gradient_is_clipped_to_t_to_the_quarter() {
        let opt = Adopt::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[1.0], &mut s, 1.0);
        opt.step(&mut p, &[1e6], &mut s, 1.0);
        // n = 1e6 is clipped to 2^0.25; m = 0.1·2^0.25.
        assert!((p[0] + 0.1 * 2f64.powf(0.25)).abs() < 1e-15, "{p:?}");
    }
}
