//! `AdaBelief` (`pytorch_optimizer.AdaBelief`, Zhuang et al. 2020): Adam that
//! divides by the variance of the gradient around its own average.

use serde::{Deserialize, Serialize};

use super::adopt::package_weight_decay;
use super::{Optimizer, StateVector, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// `AdaBelief`, as `pytorch_optimizer.AdaBelief` 4.1 (its per-parameter path).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize);   weight decay (decoupled by default)
/// m ← lerp(m, g, 1 − β₁);   s ← β₂·s + (1 − β₂)·(g − m)² + ε   (ams_bound: s_max ← max(s_max, s))
/// θ ← θ − (lr/(1 − β₁ᵗ))·m / (√s/√(1 − β₂ᵗ) + ε)
/// rectify:  RAdam's r scales the step while ρₜ ≥ n_sma_threshold; below it,
///           θ ← θ − (lr/(1 − β₁ᵗ))·m if degenerated_to_sgd, else no step
/// ```
/// ε enters twice: inside s at every step, and again in the denominator.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the package's boolean keyword arguments"
)]
pub struct AdaBelief {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly instead of adding λθ to g (default true).
    pub weight_decouple: bool,
    /// Decoupled decay without the lr factor (default false).
    pub fixed_decay: bool,
    /// `RAdam`'s rectification of the early steps (default false).
    pub rectify: bool,
    /// The ρₜ below which a rectified step is not adaptive (default 5).
    pub n_sma_threshold: u64,
    /// Below the threshold take an SGD-with-momentum step, else none (default true).
    pub degenerated_to_sgd: bool,
    /// Divide by the running maximum of s (default false).
    pub ams_bound: bool,
    /// Added to s and to the denominator (default 1e-16).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for AdaBelief {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            weight_decay: 0.0,
            weight_decouple: true,
            fixed_decay: false,
            rectify: false,
            n_sma_threshold: 5,
            degenerated_to_sgd: true,
            ams_bound: false,
            eps: 1e-16,
            maximize: false,
        }
    }
}

/// `AdaBelief`'s buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdaBeliefState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_var`: s, the belief in the gradient.
    pub exp_avg_var: Vec<f64>,
    /// `max_exp_avg_var` (`ams_bound` only).
    pub max_exp_avg_var: Vec<f64>,
}

impl AdaBelief {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
    }
}

/// The step size and ρₜ at step `t`, as `pytorch_optimizer`'s
/// `get_rectify_step_size` and `apply_adam_debias` give them.
pub(crate) fn rectified_step_size(
    (lr, (beta1, beta2), t): (f64, (f64, f64), u64),
    rectify: bool,
    n_sma_threshold: u64,
    degenerated_to_sgd: bool,
) -> (f64, f64) {
    let tf = t as f64;
    let bias_correction1 = 1.0 - beta1.powf(tf);
    let mut step_size = lr;
    let mut n_sma = 0.0;
    if rectify {
        let n_sma_max = 2.0 / (1.0 - beta2) - 1.0;
        let beta2_t = beta2.powf(tf);
        n_sma = n_sma_max - 2.0 * tf * beta2_t / (1.0 - beta2_t);
        let rt = if n_sma >= n_sma_threshold as f64 {
            ((1.0 - beta2_t) * (n_sma - 4.0) / (n_sma_max - 4.0) * (n_sma - 2.0) / n_sma
                * n_sma_max
                / (n_sma_max - 2.0))
                .sqrt()
        } else if degenerated_to_sgd {
            1.0
        } else {
            -1.0
        };
        step_size *= rt;
    }
    (step_size / bias_correction1, n_sma)
}

impl Optimizer for AdaBelief {
    type State = AdaBeliefState;

    fn init(&self, dim: usize) -> AdaBeliefState {
        AdaBeliefState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_var: vec![0.0; dim],
            max_exp_avg_var: vec![0.0; if self.ams_bound { dim } else { 0 }],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdaBeliefState, lr: f64) {
        state.step += 1;
        let (beta1, beta2) = self.betas;
        let (step_size, n_sma) = rectified_step_size(
            (lr, self.betas, state.step),
            self.rectify,
            self.n_sma_threshold,
            self.degenerated_to_sgd,
        );
        let bias_correction2_sq = (1.0 - beta2.powf(state.step as f64)).sqrt();
        let decay = (self.weight_decay, self.weight_decouple, self.fixed_decay);
        if self.ams_bound && state.max_exp_avg_var.len() != params.len() {
            state.max_exp_avg_var = vec![0.0; params.len()];
        }
        for (i, (p, &g)) in params.iter_mut().zip(grad).enumerate() {
            let g = if self.maximize { -g } else { g };
            let g = package_weight_decay(p, g, decay, lr);
            let m = &mut state.exp_avg[i];
            *m = torch_lerp(*m, g, 1.0 - beta1);
            let residual = g - *m;
            let s = &mut state.exp_avg_var[i];
            *s = ((1.0 - beta2) * residual).mul_add(residual, *s * beta2) + self.eps;
            let second = if self.ams_bound {
                let max = &mut state.max_exp_avg_var[i];
                // torch.maximum keeps NaN.
                *max = if s.is_nan() || max.is_nan() {
                    f64::NAN
                } else {
                    max.max(*s)
                };
                *max
            } else {
                *s
            };
            let root = (second + 0.0).sqrt() + 0.0;
            let m = state.exp_avg[i];
            if !self.rectify {
                let denom = root / bias_correction2_sq + self.eps;
                *p += (-step_size * m) / denom;
            } else if n_sma >= self.n_sma_threshold as f64 {
                *p += (-step_size * m) / (root + self.eps);
            } else if step_size > 0.0 {
                *p = (-step_size).mul_add(m, *p);
            }
        }
    }

    fn describe<'a>(&self, state: &'a AdaBeliefState) -> Vec<StateVector<'a>> {
        let mut out = state_vectors(&[
            ("exp_avg", &state.exp_avg),
            ("exp_avg_var", &state.exp_avg_var),
        ]);
        if self.ams_bound {
            out.push(StateVector {
                name: "max_exp_avg_var",
                values: &state.max_exp_avg_var,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_gradient_gets_a_large_step() {
        // With g constant, g − m shrinks, so s stays tiny and the step is
        // far larger than Adam's lr: AdaBelief trusts a gradient it expects.
        let opt = AdaBelief::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        for _ in 0..3 {
            opt.step(&mut p, &[1.0], &mut s, 1e-3);
        }
        assert!(p[0] < -3e-3, "{p:?}");
    }
}
