//! Optimizers that reproduce `torch.optim` in f64.
//!
//! Each optimizer is a plain-data config (torch's argument names and defaults)
//! plus a separate state. The learning rate is passed into every step, as torch's
//! schedulers change `group["lr"]` outside the buffers. Steps work in place and
//! never allocate.

mod adabelief;
mod adadelta;
mod adafactor;
mod adagrad;
mod adam;
mod adamax;
mod adan;
mod ademamix;
mod adopt;
mod asgd;
mod config;
mod convention;
pub mod custom;
mod cycled;
mod derived;
mod groups;
mod householder;
mod instance;
mod lamb;
mod layout;
mod lbfgs;
mod lion;
mod madgrad;
mod mars;
mod muon;
mod nadam;
mod names;
mod newton_schulz;
mod param_help;
mod param_ranges;
mod param_tables;
pub mod params;
mod power;
mod prodigy;
mod radam;
mod reduce;
mod rmsprop;
mod rprop;
pub mod schedule;
mod schedule_free;
mod sgd;
mod soap;
mod strong_wolfe;
mod yogi;

pub use adabelief::{AdaBelief, AdaBeliefState};
pub use adadelta::{Adadelta, AdadeltaState};
pub use adafactor::{Adafactor, AdafactorState};
pub use adagrad::{Adagrad, AdagradState};
pub use adam::{Adam, AdamState, AdamW};
pub use adamax::{Adamax, AdamaxState};
pub use adan::{Adan, AdanState};
pub use ademamix::{AdEMAMix, AdEMAMixState};
pub use adopt::{Adopt, AdoptState};
pub use asgd::{Asgd, AsgdState};
pub use config::{OptimizerConfig, OptimizerState};
pub use convention::Convention;
pub use custom::{Custom, CustomState};
pub use derived::NamedVector;
pub use groups::{
    ParamGroup, TensorSelector, group_scalar_name, unsupported as groups_unsupported,
};
pub use instance::OptimizerInstance;
pub use lamb::{Lamb, LambState};
pub use layout::{Layout, Tensor};
pub use lbfgs::{Closure, Lbfgs, LbfgsState, LineSearchFn};
pub use lion::{Lion, LionState};
pub use madgrad::{Madgrad, MadgradState};
pub use mars::{Mars, MarsState, MarsType};
pub use muon::{AdjustLrFn, Muon, MuonState};
pub use nadam::{NAdam, NAdamState};
pub use power::PowerSeries;
pub use prodigy::{Prodigy, ProdigyState};
pub use radam::{RAdam, RAdamState, rectification};
pub use rmsprop::{RmsProp, RmsPropState};
pub use rprop::{Rprop, RpropState};
pub use schedule::{Schedule, ScheduleState};
pub use schedule_free::{ScheduleFreeAdamW, ScheduleFreeSgd, ScheduleFreeState};
pub use sgd::{Sgd, SgdState};
pub use soap::{Soap, SoapState};
pub use yogi::{Yogi, YogiState};

/// One named state vector of an optimizer, for the step inspector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StateVector<'a> {
    /// Torch's name for the buffer, e.g. `exp_avg` (a custom rule's own).
    pub name: &'a str,
    /// One value per parameter.
    pub values: &'a [f64],
}

/// The named vectors `pairs`, as [`Optimizer::describe`] lists them.
pub(crate) fn state_vectors<'a>(pairs: &[(&'static str, &'a [f64])]) -> Vec<StateVector<'a>> {
    pairs
        .iter()
        .map(|&(name, values)| StateVector { name, values })
        .collect()
}

/// A `torch.optim` update rule.
pub trait Optimizer {
    /// Buffers the rule keeps between steps.
    type State: Clone + std::fmt::Debug + Send;

    /// Fresh state for `dim` parameters, as torch builds it on the first step.
    fn init(&self, dim: usize) -> Self::State;

    /// Fresh state for parameters laid out as `layout`'s tensors (only
    /// optimizers that work per tensor need more than the dimension).
    fn init_for(&self, layout: &Layout) -> Self::State {
        self.init(layout.dim())
    }

    /// One `optimizer.step()`: updates `params` in place from `grad`, with the
    /// current learning rate `lr`.
    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut Self::State, lr: f64);

    /// The state vectors this rule keeps, by torch's names.
    fn describe<'a>(&self, state: &'a Self::State) -> Vec<StateVector<'a>>;
}

/// The range checks the Adam family shares: lr > 0, both betas in [0, 1),
/// eps and weight decay at least 0.
pub(crate) fn check_adam_like(
    c: &mut crate::support::validate::Checker,
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
) {
    c.positive("lr", lr);
    c.unit_interval("betas.0", betas.0);
    c.unit_interval("betas.1", betas.1);
    c.non_negative("eps", eps);
    c.non_negative("weight_decay", weight_decay);
}

/// The gradient torch feeds into the moments: sign flipped for `maximize`,
/// then L2-coupled weight decay `grad.add(param, alpha=λ)`, which torch's
/// CPU kernel fuses: `fma(λ, θ, g)`.
#[inline]
pub(crate) fn coupled_grad(grad: f64, param: f64, weight_decay: f64, maximize: bool) -> f64 {
    let g = if maximize { -grad } else { grad };
    if weight_decay == 0.0 {
        g
    } else {
        weight_decay.mul_add(param, g)
    }
}

/// `torch.lerp(a, b, w)` as the CPU kernel computes it (`ATen/native/Lerp.h`).
///
/// For `|w| < 0.5` it is `fma(w, b − a, a)`, otherwise `fma(−(b − a), 1 − w, b)`:
/// both fused, which matches torch 2.15 bit for bit where the unfused
/// `a + w·(b − a)` differs in the last bit about one time in ten.
#[inline]
pub(crate) fn torch_lerp(a: f64, b: f64, w: f64) -> f64 {
    let diff = b - a;
    if w.abs() < 0.5 {
        w.mul_add(diff, a)
    } else {
        (-diff).mul_add(1.0 - w, b)
    }
}

/// Python's `max(a, b)`: `b` only if it is strictly larger (a NaN `b` loses),
/// as the reference packages' scalar code computes it.
#[inline]
pub(crate) fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Python's `min(a, b)`: `b` only if it is strictly smaller.
#[inline]
pub(crate) fn py_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// `torch.sign`: −1, 0 or +1 (0 for ±0; NaN stays NaN).
#[inline]
pub(crate) fn torch_sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(clippy::unreadable_literal, reason = "torch's printed values")]
    fn lerp_uses_torch_branches() {
        // With w = 1 − 0.9 the small-weight branch applies.
        let w = 1.0 - 0.9;
        assert_eq!(torch_lerp(0.3, 0.7, w), w.mul_add(0.7 - 0.3, 0.3));
        assert_eq!(
            torch_lerp(0.3, 0.7, 0.75),
            (-(0.7 - 0.3_f64)).mul_add(1.0 - 0.75, 0.7)
        );
        // Cases where fusing changes the last bit, as torch 2.15 computed them.
        assert_eq!(
            torch_lerp(6.174525204661166, 1.2669923255026971, 0.1),
            5.683771916745319
        );
        assert_eq!(
            torch_lerp(1.8091948795104784, 9.551798995911664, 0.9),
            8.777538584271545
        );
    }

    #[test]
    fn sign_of_zero_is_zero() {
        assert_eq!(torch_sign(0.0), 0.0);
        assert_eq!(torch_sign(-2.5), -1.0);
        assert_eq!(torch_sign(1e-300), 1.0);
        assert!(torch_sign(f64::NAN).is_nan());
    }

    #[test]
    fn coupled_grad_applies_maximize_before_decay() {
        assert_eq!(
            coupled_grad(2.0, 10.0, 0.1, true),
            0.1_f64.mul_add(10.0, -2.0)
        );
        assert_eq!(coupled_grad(2.0, 10.0, 0.0, false), 2.0);
    }
}
