//! The momentum-like term `OneCycleLR(cycle_momentum=True)` drives in each
//! kind, read and replaced.

use super::OptimizerConfig;

impl OptimizerConfig {
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
            Self::RAdam(c) => Some(c.betas.0),
            Self::Prodigy(c) => Some(c.betas.0),
            Self::Adopt(c) => Some(c.betas.0),
            Self::AdaBelief(c) => Some(c.betas.0),
            Self::Yogi(c) => Some(c.betas.0),
            Self::Madgrad(c) => Some(c.momentum),
            Self::Adan(c) => Some(c.betas.0),
            Self::AdEMAMix(c) => Some(c.betas.0),
            Self::Lamb(c) => Some(c.betas.0),
            Self::Muon(c) => Some(c.momentum),
            Self::Mars(c) => Some(c.betas.0),
            Self::Soap(c) => Some(c.betas.0),
            Self::Adagrad(_)
            | Self::Adadelta(_)
            | Self::Rprop(_)
            | Self::Asgd(_)
            | Self::Adafactor(_)
            | Self::ScheduleFreeAdamW(_)
            | Self::ScheduleFreeSgd(_)
            | Self::Lbfgs(_)
            | Self::Custom(_) => None,
        }
    }

    /// This config with its momentum-like term replaced (see
    /// [`Self::cycled_momentum`]); `None` for a kind without one, so that a
    /// step never copies a typed rule.
    #[must_use]
    pub fn cycled_to(&self, value: f64) -> Option<Self> {
        self.cycled_momentum()?;
        Some(self.clone().with_cycled_momentum(value))
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
            Self::RAdam(c) => c.betas.0 = value,
            Self::Prodigy(c) => c.betas.0 = value,
            Self::Adopt(c) => c.betas.0 = value,
            Self::AdaBelief(c) => c.betas.0 = value,
            Self::Yogi(c) => c.betas.0 = value,
            Self::Madgrad(c) => c.momentum = value,
            Self::Adan(c) => c.betas.0 = value,
            Self::AdEMAMix(c) => c.betas.0 = value,
            Self::Lamb(c) => c.betas.0 = value,
            Self::Muon(c) => c.momentum = value,
            Self::Mars(c) => c.betas.0 = value,
            Self::Soap(c) => c.betas.0 = value,
            Self::Adagrad(_)
            | Self::Adadelta(_)
            | Self::Rprop(_)
            | Self::Asgd(_)
            | Self::Adafactor(_)
            | Self::ScheduleFreeAdamW(_)
            | Self::ScheduleFreeSgd(_)
            | Self::Lbfgs(_)
            | Self::Custom(_) => {}
        }
        self
    }
}
