//! Prodigy (`prodigyopt.Prodigy` 1.1): Adam whose step size d is estimated
//! from the distance travelled, so lr can stay at 1.

use serde::{Deserialize, Serialize};

use super::reduce::torch_sum_abs;
use super::{Layout, Optimizer, StateVector, py_max, py_min, state_vectors};
use crate::support::validate::Checker;

/// Prodigy, as `prodigyopt.Prodigy` (Mishchenko & Defazio, 2024), one group.
///
/// ```text
/// dlr = d·lr·(√(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) if use_bias_correction else 1)
/// g ← g + λθ                                  (if weight_decay and not decouple)
/// r ← β₃·r + (d/d₀)·dlr·⟨g, θ₀ − θ⟩            (β₃ = √β₂ by default)
/// m ← β₁·m + d·(1 − β₁)·g;   v ← β₂·v + d²·(1 − β₂)·g²
/// s ← β₃·s + (d/d₀)·dlr·g                      ((d/d₀)·d with safeguard_warmup)
/// d̂ = d_coef·r/‖s‖₁;   d_max ← max(d_max, d̂);   d ← min(d_max, d·growth_rate)
/// θ ← θ·(1 − λ·dlr) if decouple;   θ ← θ − dlr·m/(√v + d·ε)
/// ```
/// The step uses the d of the previous step; ε is scaled by the new d.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Prodigy {
    /// Multiplier of the estimated step size (default 1).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Decay of r and s; `None` is √β₂ (default None).
    pub beta3: Option<f64>,
    /// Added to √v, scaled by d (default 1e-8).
    pub eps: f64,
    /// Weight decay λ (default 0).
    pub weight_decay: f64,
    /// Decay θ directly, as AdamW does (default true).
    pub decouple: bool,
    /// Scale dlr by Adam's bias corrections (default false).
    pub use_bias_correction: bool,
    /// Leave lr out of s, against a d that grows too fast early (default false).
    pub safeguard_warmup: bool,
    /// The first estimate d₀ (default 1e-6).
    pub d0: f64,
    /// Multiplier of the estimate d̂ (default 1).
    pub d_coef: f64,
    /// The most d may grow per step, as a factor (default ∞).
    pub growth_rate: f64,
}

impl Default for Prodigy {
    fn default() -> Self {
        Self {
            lr: 1.0,
            betas: (0.9, 0.999),
            beta3: None,
            eps: 1e-8,
            weight_decay: 0.0,
            decouple: true,
            use_bias_correction: false,
            safeguard_warmup: false,
            d0: 1e-6,
            d_coef: 1.0,
            growth_rate: f64::INFINITY,
        }
    }
}

impl Prodigy {
    /// β₃, with `None` read as √β₂.
    pub fn beta3(&self) -> f64 {
        self.beta3.unwrap_or_else(|| self.betas.1.sqrt())
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        c.unit_interval("betas.0", self.betas.0);
        c.unit_interval("betas.1", self.betas.1);
        if let Some(beta3) = self.beta3 {
            c.unit_interval("beta3", beta3);
        }
        c.positive("eps", self.eps);
        c.non_negative("weight_decay", self.weight_decay);
        c.positive("d0", self.d0);
        c.positive("d_coef", self.d_coef);
        if self.growth_rate.is_nan() || self.growth_rate < 1.0 {
            c.fail(
                "growth_rate",
                format!("must be >= 1 (inf for no limit), got {}", self.growth_rate),
            );
        }
    }
}

/// Prodigy's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct ProdigyState {
    /// Steps taken (the group's `k`).
    pub step: u64,
    /// The step-size estimate d, its running maximum and the last d̂.
    pub d: [f64; 1],
    /// `d_max`.
    pub d_max: [f64; 1],
    /// `d_hat`, the last raw estimate.
    pub d_hat: [f64; 1],
    /// `d_numerator`, the running r.
    pub d_numerator: [f64; 1],
    /// `exp_avg`: m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v.
    pub exp_avg_sq: Vec<f64>,
    /// `s`: the weighted sum of gradients.
    pub s: Vec<f64>,
    /// `p0`: θ at the first step.
    pub p0: Vec<f64>,
    /// Each tensor's range, for the per-tensor sums torch makes.
    tensors: Vec<std::ops::Range<usize>>,
    /// The step-size lr·d this step used, for the lr view.
    pub dlr: f64,
}

impl Optimizer for Prodigy {
    type State = ProdigyState;

    fn init(&self, dim: usize) -> ProdigyState {
        self.init_for(&Layout::vector(dim))
    }

    fn init_for(&self, layout: &Layout) -> ProdigyState {
        let dim = layout.dim();
        ProdigyState {
            step: 0,
            d: [self.d0],
            d_max: [self.d0],
            d_hat: [self.d0],
            d_numerator: [0.0],
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            s: vec![0.0; dim],
            p0: Vec::with_capacity(dim),
            tensors: layout.ranges().map(|(_, r)| r).collect(),
            dlr: f64::NAN,
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut ProdigyState, lr: f64) {
        let (beta1, beta2) = self.betas;
        let beta3 = self.beta3();
        let k = state.step as f64;
        if state.p0.is_empty() {
            // A tensor of zeros stores the scalar 0, which broadcasts the same.
            state.p0.extend_from_slice(params);
        }
        let bias_correction = if self.use_bias_correction {
            (1.0 - beta2.powf(k + 1.0)).sqrt() / (1.0 - beta1.powf(k + 1.0))
        } else {
            1.0
        };
        let [d] = state.d;
        let dlr = d * lr * bias_correction;
        let d_numerator = state.d_numerator[0] * beta3;
        let coupled = self.weight_decay != 0.0 && !self.decouple;
        let s_weight = if self.safeguard_warmup {
            (d / self.d0) * d
        } else {
            (d / self.d0) * dlr
        };
        let (mut delta_numerator, mut d_denom) = (0.0, 0.0);
        // grad.add_(p, alpha=λ) when the decay is coupled (fused, as torch's).
        let g_at = |p: f64, i: usize| {
            if coupled {
                self.weight_decay.mul_add(p, grad[i])
            } else {
                grad[i]
            }
        };
        for range in &state.tensors {
            let r = range.clone();
            // torch.dot of two short vectors: a plain running sum (longer
            // ones go to BLAS, which may differ in the last bit).
            let dotted = r.clone().fold(0.0, |sum, i| {
                sum + g_at(params[i], i) * (state.p0[i] - params[i])
            });
            delta_numerator += (d / self.d0) * dlr * dotted;
            for i in r.clone() {
                let g = g_at(params[i], i);
                if beta1 > 0.0 {
                    state.exp_avg[i] = (d * (1.0 - beta1)).mul_add(g, state.exp_avg[i] * beta1);
                }
                state.exp_avg_sq[i] =
                    (d * d * (1.0 - beta2) * g).mul_add(g, state.exp_avg_sq[i] * beta2);
                state.s[i] = s_weight.mul_add(g, state.s[i] * beta3);
            }
            d_denom += torch_sum_abs(&state.s[r]);
        }
        if d_denom == 0.0 {
            // prodigyopt returns here: the moments moved, θ and k did not.
            state.dlr = 0.0;
            return;
        }
        let numerator = d_numerator + delta_numerator;
        let d_hat = self.d_coef * numerator / d_denom;
        let mut d_new = d;
        if d_new == self.d0 {
            d_new = py_max(d_new, d_hat);
        }
        let d_max = py_max(state.d_max[0], d_hat);
        d_new = py_min(d_max, d_new * self.growth_rate);
        state.d_numerator = [numerator];
        state.d = [d_new];
        state.d_max = [d_max];
        state.d_hat = [d_hat];
        state.dlr = dlr;
        for (i, p) in params.iter_mut().enumerate() {
            let denom = state.exp_avg_sq[i].sqrt() + d_new * self.eps;
            if self.weight_decay != 0.0 && self.decouple {
                *p = (-self.weight_decay * dlr).mul_add(*p, *p);
            }
            *p += if beta1 > 0.0 {
                (-dlr * state.exp_avg[i]) / denom
            } else {
                // The gradient here is the (possibly L2-coupled) one above.
                ((-dlr * d_new) * g_at(*p, i)) / denom
            };
        }
        state.step += 1;
    }

    fn describe<'a>(&self, state: &'a ProdigyState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("d", &state.d),
            ("d_hat", &state.d_hat),
            ("d_max", &state.d_max),
            ("exp_avg", &state.exp_avg),
            ("exp_avg_sq", &state.exp_avg_sq),
            ("s", &state.s),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d_grows_from_d0_as_the_run_travels() {
        let opt = Prodigy::default();
        let mut p = [3.0, -2.0];
        let mut s = opt.init(2);
        let mut ds = Vec::new();
        for _ in 0..40 {
            let g = [p[0], 10.0 * p[1]];
            opt.step(&mut p, &g, &mut s, 1.0);
            ds.push(s.d[0]);
        }
        assert!(ds[0] >= 1e-6);
        assert!(ds.windows(2).all(|w| w[1] >= w[0]), "{ds:?}");
        assert!(ds[39] > 1e-3, "{}", ds[39]);
    }

    #[test]
    fn python_max_and_min_keep_the_first_on_nan() {
        assert_eq!(py_max(1.0, f64::NAN), 1.0);
        assert_eq!(py_min(1.0, f64::NAN), 1.0);
        assert_eq!(py_max(1.0, 2.0), 2.0);
    }
}
