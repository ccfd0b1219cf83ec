//! The serde-facing optimizer enum and its runtime instance (config + state).

use serde::{Deserialize, Serialize};

use super::{
    AdEMAMix, AdEMAMixState, AdaBelief, AdaBeliefState, Adadelta, AdadeltaState, Adafactor,
    AdafactorState, Adagrad, AdagradState, Adam, AdamState, AdamW, Adamax, AdamaxState, Adan,
    AdanState, Adopt, AdoptState, Asgd, AsgdState, Lamb, LambState, Layout, Lbfgs, LbfgsState,
    Lion, LionState, Madgrad, MadgradState, Mars, MarsState, Muon, MuonState, NAdam, NAdamState,
    Optimizer, Prodigy, ProdigyState, RAdam, RAdamState, RmsProp, RmsPropState, Rprop, RpropState,
    ScheduleFreeAdamW, ScheduleFreeSgd, ScheduleFreeState, Sgd, SgdState, Soap, SoapState,
    StateVector, Yogi, YogiState,
};
use super::{Custom, CustomState};
use crate::support::validate::Checker;

/// Any optimizer, as written in a preset: `Adam(lr: 0.01)`, `Sgd(momentum: 0.9)`, …
///
/// Fields left out take torch's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OptimizerConfig {
    /// `torch.optim.SGD` (GD on the full batch).
    Sgd(Sgd),
    /// `torch.optim.Adagrad`.
    Adagrad(Adagrad),
    /// `torch.optim.RMSprop`.
    RmsProp(RmsProp),
    /// `torch.optim.Adam`.
    Adam(Adam),
    /// `torch.optim.AdamW`.
    AdamW(AdamW),
    /// `torch.optim.NAdam`.
    NAdam(NAdam),
    /// `torch.optim.Adadelta`.
    Adadelta(Adadelta),
    /// `torch.optim.Adamax`.
    Adamax(Adamax),
    /// Lion (`lion_pytorch.Lion`).
    Lion(Lion),
    /// `torch.optim.RAdam`.
    RAdam(RAdam),
    /// `torch.optim.Rprop`.
    Rprop(Rprop),
    /// `torch.optim.ASGD`.
    Asgd(Asgd),
    /// `torch.optim.Adafactor`.
    Adafactor(Adafactor),
    /// `prodigyopt.Prodigy`.
    Prodigy(Prodigy),
    /// `schedulefree.AdamWScheduleFree`.
    ScheduleFreeAdamW(ScheduleFreeAdamW),
    /// `schedulefree.SGDScheduleFree`.
    ScheduleFreeSgd(ScheduleFreeSgd),
    /// `pytorch_optimizer.ADOPT`.
    Adopt(Adopt),
    /// `pytorch_optimizer.AdaBelief`.
    AdaBelief(AdaBelief),
    /// `pytorch_optimizer.Yogi`.
    Yogi(Yogi),
    /// `pytorch_optimizer.MADGRAD`.
    Madgrad(Madgrad),
    /// `pytorch_optimizer.Adan`.
    Adan(Adan),
    /// `pytorch_optimizer.AdEMAMix`.
    AdEMAMix(AdEMAMix),
    /// `pytorch_optimizer.Lamb`.
    Lamb(Lamb),
    /// `torch.optim.LBFGS`.
    Lbfgs(Lbfgs),
    /// `torch.optim.Muon`.
    Muon(Muon),
    /// `pytorch_optimizer.MARS`.
    Mars(Mars),
    /// `pytorch_optimizer.SOAP`.
    Soap(Soap),
    /// A rule the user types: hyperparameters, state and update equations.
    Custom(Custom),
}

/// The buffers of any optimizer; the variant always matches the config's.
#[derive(Clone, Debug, PartialEq)]
pub enum OptimizerState {
    /// SGD's buffers.
    Sgd(SgdState),
    /// Adagrad's buffers.
    Adagrad(AdagradState),
    /// RMSprop's buffers.
    RmsProp(RmsPropState),
    /// Adam's and AdamW's buffers.
    Adam(AdamState),
    /// NAdam's buffers.
    NAdam(NAdamState),
    /// Adadelta's buffers.
    Adadelta(AdadeltaState),
    /// Adamax's buffers.
    Adamax(AdamaxState),
    /// Lion's buffers.
    Lion(LionState),
    /// `RAdam`'s buffers.
    RAdam(RAdamState),
    /// Rprop's buffers.
    Rprop(RpropState),
    /// ASGD's buffers.
    Asgd(AsgdState),
    /// Adafactor's buffers.
    Adafactor(AdafactorState),
    /// Prodigy's buffers.
    Prodigy(ProdigyState),
    /// The buffers of both Schedule-Free optimizers.
    ScheduleFree(ScheduleFreeState),
    /// Adopt's buffers.
    Adopt(AdoptState),
    /// `AdaBelief`'s buffers.
    AdaBelief(AdaBeliefState),
    /// Yogi's buffers.
    Yogi(YogiState),
    /// Madgrad's buffers.
    Madgrad(MadgradState),
    /// Adan's buffers.
    Adan(AdanState),
    /// `AdEMAMix`'s buffers.
    AdEMAMix(AdEMAMixState),
    /// Lamb's buffers.
    Lamb(LambState),
    /// L-BFGS's buffers.
    Lbfgs(LbfgsState),
    /// Muon's buffers.
    Muon(MuonState),
    /// MARS's buffers.
    Mars(MarsState),
    /// SOAP's buffers.
    Soap(SoapState),
    /// A typed rule's buffers and compiled equations.
    Custom(CustomState),
}

impl OptimizerConfig {
    /// Every kind with torch's defaults, in display order.
    pub fn catalogue() -> [Self; 28] {
        [
            Self::Sgd(Sgd::default()),
            Self::Adagrad(Adagrad::default()),
            Self::RmsProp(RmsProp::default()),
            Self::Adam(Adam::default()),
            Self::AdamW(AdamW::default()),
            Self::NAdam(NAdam::default()),
            Self::Adadelta(Adadelta::default()),
            Self::Adamax(Adamax::default()),
            Self::Lion(Lion::default()),
            Self::RAdam(RAdam::default()),
            Self::Rprop(Rprop::default()),
            Self::Asgd(Asgd::default()),
            Self::Adafactor(Adafactor::default()),
            Self::Prodigy(Prodigy::default()),
            Self::ScheduleFreeAdamW(ScheduleFreeAdamW::default()),
            Self::ScheduleFreeSgd(ScheduleFreeSgd::default()),
            Self::Adopt(Adopt::default()),
            Self::AdaBelief(AdaBelief::default()),
            Self::Yogi(Yogi::default()),
            Self::Madgrad(Madgrad::default()),
            Self::Adan(Adan::default()),
            Self::AdEMAMix(AdEMAMix::default()),
            Self::Lamb(Lamb::default()),
            Self::Lbfgs(Lbfgs::default()),
            Self::Muon(Muon::default()),
            Self::Mars(Mars::default()),
            Self::Soap(Soap::default()),
            Self::Custom(Custom::default()),
        ]
    }

    /// This kind with torch's defaults.
    #[must_use]
    pub fn torch_defaults(&self) -> Self {
        Self::catalogue()
            .into_iter()
            .find(|c| std::mem::discriminant(c) == std::mem::discriminant(self))
            .unwrap_or_else(|| self.clone())
    }

    /// The name people call it by: the torch class's, e.g. `SGD`, `RMSprop`.
    pub fn short_name(&self) -> &'static str {
        let torch = self.torch_name();
        torch.rsplit('.').next().unwrap_or(torch)
    }

    /// The base learning rate (`lr`).
    pub fn lr(&self) -> f64 {
        match self {
            Self::Sgd(c) => c.lr,
            Self::Adagrad(c) => c.lr,
            Self::RmsProp(c) => c.lr,
            Self::Adam(c) => c.lr,
            Self::AdamW(c) => c.lr,
            Self::NAdam(c) => c.lr,
            Self::Adadelta(c) => c.lr,
            Self::Adamax(c) => c.lr,
            Self::Lion(c) => c.lr,
            Self::RAdam(c) => c.lr,
            Self::Rprop(c) => c.lr,
            Self::Asgd(c) => c.lr,
            Self::Adafactor(c) => c.lr,
            Self::Prodigy(c) => c.lr,
            Self::ScheduleFreeAdamW(c) => c.lr,
            Self::ScheduleFreeSgd(c) => c.lr,
            Self::Adopt(c) => c.lr,
            Self::AdaBelief(c) => c.lr,
            Self::Yogi(c) => c.lr,
            Self::Madgrad(c) => c.lr,
            Self::Adan(c) => c.lr,
            Self::AdEMAMix(c) => c.lr,
            Self::Lamb(c) => c.lr,
            Self::Lbfgs(c) => c.lr,
            Self::Muon(c) => c.lr,
            Self::Mars(c) => c.lr,
            Self::Soap(c) => c.lr,
            Self::Custom(c) => c.lr,
        }
    }

    /// The points the optimizer keeps beside θ, drawn as their own paths:
    /// ASGD's average `ax`, Schedule-Free's `x` (the point to evaluate) and `z`.
    pub fn companion_names(&self) -> &'static [&'static str] {
        match self {
            Self::Asgd(_) => &["ax"],
            Self::ScheduleFreeAdamW(_) | Self::ScheduleFreeSgd(_) => &["x", "z"],
            _ => &[],
        }
    }

    /// Whether a step may take its gradient away from θ (look-ahead Nesterov).
    #[inline]
    pub fn may_look_ahead(&self) -> bool {
        matches!(self, Self::Sgd(c) if c.uses_look_ahead())
    }

    /// Range checks on every hyperparameter, with errors under `prefix`.
    pub(crate) fn check(&self, c: &mut Checker) {
        match self {
            Self::Sgd(o) => o.check(c),
            Self::Adagrad(o) => o.check(c),
            Self::RmsProp(o) => o.check(c),
            Self::Adam(o) => o.check(c),
            Self::AdamW(o) => o.as_adam().check(c),
            Self::NAdam(o) => o.check(c),
            Self::Adadelta(o) => o.check(c),
            Self::Adamax(o) => o.check(c),
            Self::Lion(o) => o.check(c),
            Self::RAdam(o) => o.check(c),
            Self::Rprop(o) => o.check(c),
            Self::Asgd(o) => o.check(c),
            Self::Adafactor(o) => o.check(c),
            Self::Prodigy(o) => o.check(c),
            Self::ScheduleFreeAdamW(o) => o.check(c),
            Self::ScheduleFreeSgd(o) => o.check(c),
            Self::Adopt(o) => o.check(c),
            Self::AdaBelief(o) => o.check(c),
            Self::Yogi(o) => o.check(c),
            Self::Madgrad(o) => o.check(c),
            Self::Adan(o) => o.check(c),
            Self::AdEMAMix(o) => o.check(c),
            Self::Lamb(o) => o.check(c),
            Self::Lbfgs(o) => o.check(c),
            Self::Muon(o) => o.check(c),
            Self::Mars(o) => o.check(c),
            Self::Soap(o) => o.check(c),
            Self::Custom(o) => o.check(c),
        }
    }

    /// Fresh buffers for parameters laid out as `layout`.
    pub fn init(&self, layout: &Layout) -> OptimizerState {
        let l = layout;
        match self {
            Self::Sgd(o) => OptimizerState::Sgd(o.init_for(l)),
            Self::Adagrad(o) => OptimizerState::Adagrad(o.init_for(l)),
            Self::RmsProp(o) => OptimizerState::RmsProp(o.init_for(l)),
            Self::Adam(o) => OptimizerState::Adam(o.init_for(l)),
            Self::AdamW(o) => OptimizerState::Adam(o.as_adam().init_for(l)),
            Self::NAdam(o) => OptimizerState::NAdam(o.init_for(l)),
            Self::Adadelta(o) => OptimizerState::Adadelta(o.init_for(l)),
            Self::Adamax(o) => OptimizerState::Adamax(o.init_for(l)),
            Self::Lion(o) => OptimizerState::Lion(o.init_for(l)),
            Self::RAdam(o) => OptimizerState::RAdam(o.init_for(l)),
            Self::Rprop(o) => OptimizerState::Rprop(o.init_for(l)),
            Self::Asgd(o) => OptimizerState::Asgd(o.init_for(l)),
            Self::Adafactor(o) => OptimizerState::Adafactor(o.init_for(l)),
            Self::Prodigy(o) => OptimizerState::Prodigy(o.init_for(l)),
            Self::ScheduleFreeAdamW(o) => OptimizerState::ScheduleFree(o.init_for(l)),
            Self::ScheduleFreeSgd(o) => OptimizerState::ScheduleFree(o.init_for(l)),
            Self::Adopt(o) => OptimizerState::Adopt(o.init_for(l)),
            Self::AdaBelief(o) => OptimizerState::AdaBelief(o.init_for(l)),
            Self::Yogi(o) => OptimizerState::Yogi(o.init_for(l)),
            Self::Madgrad(o) => OptimizerState::Madgrad(o.init_for(l)),
            Self::Adan(o) => OptimizerState::Adan(o.init_for(l)),
            Self::AdEMAMix(o) => OptimizerState::AdEMAMix(o.init_for(l)),
            Self::Lamb(o) => OptimizerState::Lamb(o.init_for(l)),
            Self::Lbfgs(o) => OptimizerState::Lbfgs(o.init_for(l)),
            Self::Muon(o) => OptimizerState::Muon(o.init_for(l)),
            Self::Mars(o) => OptimizerState::Mars(o.init_for(l)),
            Self::Soap(o) => OptimizerState::Soap(o.init_for(l)),
            Self::Custom(o) => OptimizerState::Custom(o.init_for(l)),
        }
    }

    /// Steps with a state of the matching kind; returns false (and does nothing)
    /// on a mismatch.
    #[inline]
    pub(super) fn step_matching(
        &self,
        params: &mut [f64],
        grad: &[f64],
        state: &mut OptimizerState,
        lr: f64,
    ) -> bool {
        use OptimizerState as S;
        match (self, state) {
            (Self::Sgd(o), S::Sgd(s)) => o.step(params, grad, s, lr),
            (Self::Adagrad(o), S::Adagrad(s)) => o.step(params, grad, s, lr),
            (Self::RmsProp(o), S::RmsProp(s)) => o.step(params, grad, s, lr),
            (Self::Adam(o), S::Adam(s)) => o.step(params, grad, s, lr),
            (Self::AdamW(o), S::Adam(s)) => o.as_adam().step(params, grad, s, lr),
            (Self::NAdam(o), S::NAdam(s)) => o.step(params, grad, s, lr),
            (Self::Adadelta(o), S::Adadelta(s)) => o.step(params, grad, s, lr),
            (Self::Adamax(o), S::Adamax(s)) => o.step(params, grad, s, lr),
            (Self::Lion(o), S::Lion(s)) => o.step(params, grad, s, lr),
            (Self::RAdam(o), S::RAdam(s)) => o.step(params, grad, s, lr),
            (Self::Rprop(o), S::Rprop(s)) => o.step(params, grad, s, lr),
            (Self::Asgd(o), S::Asgd(s)) => o.step(params, grad, s, lr),
            (Self::Adafactor(o), S::Adafactor(s)) => o.step(params, grad, s, lr),
            (Self::Prodigy(o), S::Prodigy(s)) => o.step(params, grad, s, lr),
            // The two share a state type: a switch between them must re-init.
            (Self::ScheduleFreeAdamW(o), S::ScheduleFree(s)) if !s.exp_avg_sq.is_empty() => {
                o.step(params, grad, s, lr);
            }
            (Self::ScheduleFreeSgd(o), S::ScheduleFree(s)) if s.exp_avg_sq.is_empty() => {
                o.step(params, grad, s, lr);
            }
            (Self::Adopt(o), S::Adopt(s)) => o.step(params, grad, s, lr),
            (Self::AdaBelief(o), S::AdaBelief(s)) => o.step(params, grad, s, lr),
            (Self::Yogi(o), S::Yogi(s)) => o.step(params, grad, s, lr),
            (Self::Madgrad(o), S::Madgrad(s)) => o.step(params, grad, s, lr),
            (Self::Adan(o), S::Adan(s)) => o.step(params, grad, s, lr),
            (Self::AdEMAMix(o), S::AdEMAMix(s)) => o.step(params, grad, s, lr),
            (Self::Lamb(o), S::Lamb(s)) => o.step(params, grad, s, lr),
            (Self::Lbfgs(o), S::Lbfgs(s)) => o.step(params, grad, s, lr),
            (Self::Muon(o), S::Muon(s)) => o.step(params, grad, s, lr),
            (Self::Mars(o), S::Mars(s)) => o.step(params, grad, s, lr),
            (Self::Soap(o), S::Soap(s)) => o.step(params, grad, s, lr),
            (Self::Custom(o), S::Custom(s)) => o.step(params, grad, s, lr),
            _ => return false,
        }
        true
    }

    pub(super) fn describe<'a>(&self, state: &'a OptimizerState) -> Vec<StateVector<'a>> {
        use OptimizerState as S;
        match (self, state) {
            (Self::Sgd(o), S::Sgd(s)) => o.describe(s),
            (Self::Adagrad(o), S::Adagrad(s)) => o.describe(s),
            (Self::RmsProp(o), S::RmsProp(s)) => o.describe(s),
            (Self::Adam(o), S::Adam(s)) => o.describe(s),
            (Self::AdamW(o), S::Adam(s)) => o.as_adam().describe(s),
            (Self::NAdam(o), S::NAdam(s)) => o.describe(s),
            (Self::Adadelta(o), S::Adadelta(s)) => o.describe(s),
            (Self::Adamax(o), S::Adamax(s)) => o.describe(s),
            (Self::Lion(o), S::Lion(s)) => o.describe(s),
            (Self::RAdam(o), S::RAdam(s)) => o.describe(s),
            (Self::Rprop(o), S::Rprop(s)) => o.describe(s),
            (Self::Asgd(o), S::Asgd(s)) => o.describe(s),
            (Self::Adafactor(o), S::Adafactor(s)) => o.describe(s),
            (Self::Prodigy(o), S::Prodigy(s)) => o.describe(s),
            (Self::ScheduleFreeAdamW(o), S::ScheduleFree(s)) => o.describe(s),
            (Self::ScheduleFreeSgd(o), S::ScheduleFree(s)) => o.describe(s),
            (Self::Adopt(o), S::Adopt(s)) => o.describe(s),
            (Self::AdaBelief(o), S::AdaBelief(s)) => o.describe(s),
            (Self::Yogi(o), S::Yogi(s)) => o.describe(s),
            (Self::Madgrad(o), S::Madgrad(s)) => o.describe(s),
            (Self::Adan(o), S::Adan(s)) => o.describe(s),
            (Self::AdEMAMix(o), S::AdEMAMix(s)) => o.describe(s),
            (Self::Lamb(o), S::Lamb(s)) => o.describe(s),
            (Self::Lbfgs(o), S::Lbfgs(s)) => o.describe(s),
            (Self::Muon(o), S::Muon(s)) => o.describe(s),
            (Self::Mars(o), S::Mars(s)) => o.describe(s),
            (Self::Soap(o), S::Soap(s)) => o.describe(s),
            (Self::Custom(o), S::Custom(s)) => o.describe(s),
            _ => Vec::new(),
        }
    }
}

impl OptimizerState {
    /// Optimizer steps taken so far (torch's `state["step"]`).
    pub fn step_count(&self) -> u64 {
        match self {
            Self::Sgd(s) => s.step,
            Self::Adagrad(s) => s.step,
            Self::RmsProp(s) => s.step,
            Self::Adam(s) => s.step,
            Self::NAdam(s) => s.step,
            Self::Adadelta(s) => s.step,
            Self::Adamax(s) => s.step,
            Self::Lion(s) => s.step,
            Self::RAdam(s) => s.step,
            Self::Rprop(s) => s.step,
            Self::Asgd(s) => s.step,
            Self::Adafactor(s) => s.step,
            Self::Prodigy(s) => s.step,
            Self::ScheduleFree(s) => s.step,
            Self::Adopt(s) => s.step,
            Self::AdaBelief(s) => s.step,
            Self::Yogi(s) => s.step,
            Self::Madgrad(s) => s.step,
            Self::Adan(s) => s.step,
            Self::AdEMAMix(s) => s.step,
            Self::Lamb(s) => s.step,
            Self::Lbfgs(s) => s.step,
            Self::Muon(s) => s.step,
            Self::Mars(s) => s.step,
            Self::Soap(s) => s.step,
            Self::Custom(s) => s.step,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::OptimizerInstance;

    #[test]
    fn set_config_keeps_state_for_the_same_kind() {
        let mut opt = OptimizerInstance::new(OptimizerConfig::Adam(Adam::default()), 2);
        let mut p = [1.0, 2.0];
        opt.step(&mut p, &[0.5, 0.5], 0.1);
        opt.set_config(OptimizerConfig::Adam(Adam {
            lr: 0.5,
            ..Adam::default()
        }));
        assert_eq!(opt.state().step_count(), 1);
        opt.set_config(OptimizerConfig::Sgd(Sgd::default()));
        assert_eq!(opt.state().step_count(), 0);
    }

    #[test]
    fn adamw_shares_adam_state() {
        let opt = OptimizerInstance::new(OptimizerConfig::AdamW(AdamW::default()), 3);
        let names: Vec<_> = opt.state_vectors().iter().map(|v| v.name).collect();
        assert_eq!(names, ["exp_avg", "exp_avg_sq"]);
    }

    #[test]
    fn cycled_momentum_targets_beta1_or_momentum() {
        let adam = OptimizerConfig::Adam(Adam::default()).with_cycled_momentum(0.5);
        assert_eq!(adam.cycled_momentum(), Some(0.5));
        let sgd = OptimizerConfig::Sgd(Sgd::default()).with_cycled_momentum(0.95);
        assert_eq!(sgd.cycled_momentum(), Some(0.95));
        assert_eq!(
            OptimizerConfig::Adagrad(Adagrad::default()).cycled_momentum(),
            None
        );
    }
}
