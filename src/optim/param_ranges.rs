//! Each hyperparameter's slider: its range and scale, and which names are
//! the convention switch's rather than torch's.

use super::params::{Param, Scale};

/// `adjust_lr_fn`'s choices, in [`super::AdjustLrFn::ALL`]'s order.
const ADJUST_LR_FN_NAMES: [&str; 3] = ["original", "match_rms_adamw", "spectral_unclamped"];

/// `mars_type`'s choices, in [`super::MarsType`]'s order.
const MARS_TYPE_NAMES: [&str; 2] = ["adamw", "lion"];

/// Slider ranges shared by the optimizers' tables.
pub(in crate::optim) const LR: (f64, f64) = (1e-6, 10.0);
const EPS: (f64, f64) = (1e-12, 1e-1);
const BETA: (f64, f64) = (0.0, 0.9999);
const DECAY: (f64, f64) = (0.0, 1.0);

impl Param {
    /// The slider's range (flags: 0 to 1).
    pub const fn range(self) -> (f64, f64) {
        match self {
            Self::Lr | Self::Lr1d => LR,
            Self::Eps | Self::Eps2 => EPS,
            Self::Eps1 => (1e-30, 1e-3),
            Self::Momentum
            | Self::Alpha
            | Self::Beta1
            | Self::Beta2
            | Self::Beta3
            | Self::Rho
            | Self::Beta11d
            | Self::Beta21d
            | Self::ShampooBeta => BETA,
            Self::D0 => (1e-9, 1e-1),
            Self::DCoef => (0.01, 10.0),
            Self::GrowthRate | Self::MaxIter | Self::MaxEval | Self::PreconditionFrequency => {
                (1.0, 100.0)
            }
            Self::WarmupSteps => (0.0, 1000.0),
            Self::R | Self::WeightLrPower | Self::NsC => (0.0, 4.0),
            Self::ClipLambda | Self::MarsType => (0.0, 1.0),
            Self::TAlphaBeta3 => (0.0, 100_000.0),
            Self::HistorySize => (1.0, 200.0),
            Self::ToleranceGrad | Self::ToleranceChange => (1e-15, 1e-3),
            Self::NSmaThreshold => (0.0, 10.0),
            Self::MomentumDecay => (0.0, 0.05),
            Self::Etaminus => (0.01, 0.99),
            Self::Etaplus => (1.01, 3.0),
            Self::StepSizeMin | Self::InitialAccumulator => (1e-9, 1.0),
            Self::StepSizeMax => (1e-3, 100.0),
            Self::Lambd => (1e-6, 1.0),
            Self::T0 => (1.0, 1e7),
            Self::Beta2Decay => (-1.0, 0.0),
            Self::D => (1.0, 10.0),
            Self::NsA => (0.0, 5.0),
            Self::NsB => (-6.0, 0.0),
            Self::NsSteps => (1.0, 20.0),
            Self::AdjustLrFn => (0.0, 2.0),
            Self::MaxPreconditionDim => (1.0, 10_000.0),
            _ => DECAY,
        }
    }

    /// How the slider maps to the value.
    pub const fn scale(self) -> Scale {
        match self {
            Self::WarmupSteps
            | Self::NSmaThreshold
            | Self::MaxIter
            | Self::MaxEval
            | Self::HistorySize
            | Self::NsSteps
            | Self::PreconditionFrequency
            | Self::MaxPreconditionDim => Scale::Integer,
            Self::AdjustLrFn => Scale::Choice(&ADJUST_LR_FN_NAMES),
            Self::MarsType => Scale::Choice(&MARS_TYPE_NAMES),
            Self::Lr
            | Self::Lr1d
            | Self::ToleranceGrad
            | Self::ToleranceChange
            | Self::InitialAccumulator
            | Self::Eps
            | Self::Eps1
            | Self::Eps2
            | Self::StepSizeMin
            | Self::StepSizeMax
            | Self::Lambd
            | Self::T0
            | Self::D0
            | Self::DCoef
            | Self::GrowthRate => Scale::Log,
            _ => Scale::Linear,
        }
    }

    /// Whether the parameter is one of the convention switch's flags rather
    /// than one of torch's arguments.
    pub const fn is_convention(self) -> bool {
        matches!(
            self,
            Self::EpsInSqrt | Self::LrInsideMomentum | Self::LookAhead | Self::NewtonSchulzF64
        )
    }
}
