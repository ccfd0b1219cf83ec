//! `torch.optim.RAdam`: Adam whose adaptive step is switched on only once the
//! variance of its estimate is tractable.

use serde::{Deserialize, Serialize};

use super::{Optimizer, PowerSeries, StateVector, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// Rectified Adam, as `torch.optim.RAdam`.
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize)
/// decoupled_weight_decay:  θ ← θ·(1 − lr·λ)     else  g ← g + λθ
/// m ← lerp(m, g, 1 − β₁);   v ← β₂·v + (1 − β₂)·g²
/// ρ∞ = 2/(1 − β₂) − 1;      ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)
/// ρₜ > 5:  r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
///          θ ← θ − (m/(1 − β₁ᵗ))·lr·(√(1 − β₂ᵗ)/(√v + ε))·r
/// else:    θ ← θ − (m/(1 − β₁ᵗ))·lr          (SGD with momentum: unrectified)
/// ```
/// For β₂ = 0.999 the first five steps are unrectified.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RAdam {
    /// Learning rate γ (default 1e-3).
    pub lr: f64,
    /// (β₁, β₂) (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Added to √v (default 1e-8).
    pub eps: f64,
    /// Weight decay λ (default 0): L2 unless `decoupled_weight_decay`.
    pub weight_decay: f64,
    /// Decay θ directly, as AdamW does (default false).
    pub decoupled_weight_decay: bool,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for RAdam {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
            maximize: false,
        }
    }
}

/// `RAdam`'s buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct RAdamState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: first moment m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: second moment v.
    pub exp_avg_sq: Vec<f64>,
    /// β₁ᵗ and β₂ᵗ.
    powers: (PowerSeries, PowerSeries),
}

/// The length ρₜ of the approximated simple moving average after `t` steps,
/// and the rectification term r (`None` while ρₜ ≤ 5: the step is unrectified).
pub fn rectification(beta2: f64, beta2_t: f64, t: u64) -> (f64, Option<f64>) {
    let bias_correction2 = 1.0 - beta2_t;
    let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
    let rho_t = rho_inf - 2.0 * t as f64 * beta2_t / bias_correction2;
    let rect = (rho_t > 5.0).then(|| {
        ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
            .sqrt()
    });
    (rho_t, rect)
}

impl RAdam {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
    }
}

impl Optimizer for RAdam {
    type State = RAdamState;

    fn init(&self, dim: usize) -> RAdamState {
        RAdamState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            powers: (PowerSeries::default(), PowerSeries::default()),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut RAdamState, lr: f64) {
        state.step += 1;
        let t = state.step;
        let (beta1, beta2) = self.betas;
        let bias_correction1 = 1.0 - state.powers.0.at(beta1, t);
        let beta2_t = state.powers.1.at(beta2, t);
        let bias_correction2 = 1.0 - beta2_t;
        let (_, rect) = rectification(beta2, beta2_t, t);
        let sqrt_bc2 = bias_correction2.sqrt();
        let decay = self.weight_decay != 0.0;
        for ((p, &g), (m, v)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.exp_avg.iter_mut().zip(&mut state.exp_avg_sq))
        {
            let mut g = if self.maximize { -g } else { g };
            if decay {
                if self.decoupled_weight_decay {
                    *p *= 1.0 - lr * self.weight_decay;
                } else {
                    // grad.add(param, alpha=λ), fused as torch's CPU kernel is.
                    g = self.weight_decay.mul_add(*p, g);
                }
            }
            *m = torch_lerp(*m, g, 1.0 - beta1);
            // v.mul_(β₂).addcmul_(g, g, value=1 − β₂), the addcmul fused.
            *v = ((1.0 - beta2) * g).mul_add(g, *v * beta2);
            let corrected = *m / bias_correction1;
            *p -= match rect {
                Some(r) => corrected * lr * (sqrt_bc2 / (v.sqrt() + self.eps)) * r,
                None => corrected * lr,
            };
        }
    }

    fn describe<'a>(&self, state: &'a RAdamState) -> Vec<StateVector<'a>> {
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
    fn the_first_five_steps_are_unrectified_for_the_default_beta2() {
        let beta2 = 0.999_f64;
        let rectified: Vec<bool> = (1..=7)
            .map(|t| rectification(beta2, beta2.powi(t), t as u64).1.is_some())
            .collect();
        assert_eq!(rectified, [false, false, false, false, false, true, true]);
    }

    #[test]
    fn an_unrectified_step_is_momentum_sgd_with_bias_correction() {
        let opt = RAdam::default();
        let mut p = [1.0];
        let mut s = opt.init(1);
        opt.step(&mut p, &[2.0], &mut s, 0.1);
        // m = 0.1·2 = 0.2, m̂ = 0.2 / 0.1 = 2: θ = 1 − 2·0.1.
        assert!((p[0] - 0.8).abs() < 1e-15, "{}", p[0]);
    }

    #[test]
    fn a_rectified_step_divides_by_the_second_moment() {
        let opt = RAdam::default();
        let mut p = [0.0];
        let mut s = opt.init(1);
        for _ in 0..6 {
            opt.step(&mut p, &[1.0], &mut s, 1.0);
        }
        // A constant gradient has m̂ = 1 and v̂ = 1, so the sixth step is r.
        let (_, r) = rectification(0.999, 0.999_f64.powi(6), 6);
        let sixth = -p[0] - 5.0;
        assert!((sixth - r.unwrap_or(f64::NAN)).abs() < 1e-6, "{sixth}");
    }
}
