//! The serde-facing optimizer enum and its runtime instance (config + state).

use serde::{Deserialize, Serialize};

use super::{
    Adadelta, AdadeltaState, Adagrad, AdagradState, Adam, AdamState, AdamW, Adamax, AdamaxState,
    Lion, LionState, NAdam, NAdamState, Optimizer, RmsProp, RmsPropState, Sgd, SgdState,
    StateVector,
};
use crate::support::validate::Checker;

/// Any optimizer, as written in a preset: `Adam(lr: 0.01)`, `Sgd(momentum: 0.9)`, …
///
/// Fields left out take torch's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
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
}

impl OptimizerConfig {
    /// Every kind with torch's defaults, in display order.
    pub fn catalogue() -> [Self; 9] {
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
        ]
    }

    /// The preset name of this kind, e.g. `Adam`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Sgd(_) => "Sgd",
            Self::Adagrad(_) => "Adagrad",
            Self::RmsProp(_) => "RmsProp",
            Self::Adam(_) => "Adam",
            Self::AdamW(_) => "AdamW",
            Self::NAdam(_) => "NAdam",
            Self::Adadelta(_) => "Adadelta",
            Self::Adamax(_) => "Adamax",
            Self::Lion(_) => "Lion",
        }
    }

    /// The torch class this kind reproduces.
    pub fn torch_name(&self) -> &'static str {
        match self {
            Self::Sgd(_) => "torch.optim.SGD",
            Self::Adagrad(_) => "torch.optim.Adagrad",
            Self::RmsProp(_) => "torch.optim.RMSprop",
            Self::Adam(_) => "torch.optim.Adam",
            Self::AdamW(_) => "torch.optim.AdamW",
            Self::NAdam(_) => "torch.optim.NAdam",
            Self::Adadelta(_) => "torch.optim.Adadelta",
            Self::Adamax(_) => "torch.optim.Adamax",
            Self::Lion(_) => "lion_pytorch.Lion",
        }
    }

    /// This kind with torch's defaults.
    #[must_use]
    pub fn torch_defaults(&self) -> Self {
        Self::catalogue()
            .into_iter()
            .find(|c| std::mem::discriminant(c) == std::mem::discriminant(self))
            .unwrap_or(*self)
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
        }
    }

    /// The momentum-like term that `OneCycleLR(cycle_momentum=True)` drives:
    /// `momentum` for SGD and RMSprop, β₁ for the Adam family and Lion.
    pub fn cycled_momentum(&self) -> Option<f64> {
        match self {
            Self::Sgd(c) => Some(c.momentum),
            Self::RmsProp(c) => Some(c.momentum),
            Self::Adam(c) => Some(c.betas.0),
            Self::AdamW(c) => Some(c.betas.0),
            Self::NAdam(c) => Some(c.betas.0),
            Self::Adamax(c) => Some(c.betas.0),
            Self::Lion(c) => Some(c.betas.0),
            Self::Adagrad(_) | Self::Adadelta(_) => None,
        }
    }

    /// This config with its momentum-like term replaced (see [`Self::cycled_momentum`]).
    #[must_use]
    pub fn with_cycled_momentum(mut self, value: f64) -> Self {
        match &mut self {
            Self::Sgd(c) => c.momentum = value,
            Self::RmsProp(c) => c.momentum = value,
            Self::Adam(c) => c.betas.0 = value,
            Self::AdamW(c) => c.betas.0 = value,
            Self::NAdam(c) => c.betas.0 = value,
            Self::Adamax(c) => c.betas.0 = value,
            Self::Lion(c) => c.betas.0 = value,
            Self::Adagrad(_) | Self::Adadelta(_) => {}
        }
        self
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
        }
    }

    /// Fresh buffers for `dim` parameters.
    pub fn init(&self, dim: usize) -> OptimizerState {
        match self {
            Self::Sgd(o) => OptimizerState::Sgd(o.init(dim)),
            Self::Adagrad(o) => OptimizerState::Adagrad(o.init(dim)),
            Self::RmsProp(o) => OptimizerState::RmsProp(o.init(dim)),
            Self::Adam(o) => OptimizerState::Adam(o.init(dim)),
            Self::AdamW(o) => OptimizerState::Adam(o.as_adam().init(dim)),
            Self::NAdam(o) => OptimizerState::NAdam(o.init(dim)),
            Self::Adadelta(o) => OptimizerState::Adadelta(o.init(dim)),
            Self::Adamax(o) => OptimizerState::Adamax(o.init(dim)),
            Self::Lion(o) => OptimizerState::Lion(o.init(dim)),
        }
    }

    /// Steps with a state of the matching kind; returns false (and does nothing)
    /// on a mismatch.
    #[inline]
    fn step_matching(
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
            _ => return false,
        }
        true
    }

    fn describe<'a>(&self, state: &'a OptimizerState) -> Vec<StateVector<'a>> {
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
        }
    }
}

/// An optimizer config together with its state, always of the same kind.
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerInstance {
    config: OptimizerConfig,
    state: OptimizerState,
    dim: usize,
}

impl OptimizerInstance {
    /// A fresh optimizer for `dim` parameters.
    pub fn new(config: OptimizerConfig, dim: usize) -> Self {
        Self {
            state: config.init(dim),
            config,
            dim,
        }
    }

    /// The hyperparameters in force.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// The buffers.
    pub fn state(&self) -> &OptimizerState {
        &self.state
    }

    /// Swaps the hyperparameters. The state is kept when the kind stays the same
    /// (optax's `inject_hyperparams`) and re-initialised otherwise.
    pub fn set_config(&mut self, config: OptimizerConfig) {
        let same_kind = std::mem::discriminant(&self.config) == std::mem::discriminant(&config);
        self.config = config;
        if !same_kind {
            self.state = config.init(self.dim);
        }
    }

    /// One step with learning rate `lr`, in place.
    #[inline]
    pub fn step(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        if !self.config.step_matching(params, grad, &mut self.state, lr) {
            self.reinit_and_step(self.config, params, grad, lr);
        }
    }

    /// One step with a temporarily changed config (a schedule's momentum).
    #[inline]
    pub fn step_with(
        &mut self,
        config: &OptimizerConfig,
        params: &mut [f64],
        grad: &[f64],
        lr: f64,
    ) {
        if !config.step_matching(params, grad, &mut self.state, lr) {
            self.reinit_and_step(*config, params, grad, lr);
        }
    }

    /// Only reachable if a caller swapped kinds without `set_config`.
    #[cold]
    fn reinit_and_step(
        &mut self,
        config: OptimizerConfig,
        params: &mut [f64],
        grad: &[f64],
        lr: f64,
    ) {
        self.state = config.init(self.dim);
        config.step_matching(params, grad, &mut self.state, lr);
    }

    /// Where this step's gradient must be taken when it is not θ itself
    /// (look-ahead Nesterov): writes the point into `out` and returns true.
    #[inline]
    pub fn look_ahead_point(
        &self,
        config: &OptimizerConfig,
        params: &[f64],
        lr: f64,
        out: &mut [f64],
    ) -> bool {
        match (config, &self.state) {
            (OptimizerConfig::Sgd(c), OptimizerState::Sgd(s)) => {
                c.look_ahead_point(params, s, lr, out)
            }
            _ => false,
        }
    }

    /// Named state vectors for the step inspector.
    pub fn state_vectors(&self) -> Vec<StateVector<'_>> {
        self.config.describe(&self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
