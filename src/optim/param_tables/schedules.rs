//! The learning-rate schedules' tables of hyperparameters.

use super::super::param_ranges::LR;
use super::super::params::{self, ParamError, Scale, ScheduleParam, Setting, Slot, Value};
use super::super::schedule::{
    AnnealStrategy, ConstantLr, CosineAnnealingLr, CosineAnnealingWarmRestarts, ExponentialLr,
    LinearLr, MultiStepLr, OneCycleLr, PolynomialLr, ReduceLrOnPlateau, Schedule, StepLr,
};

/// A schedule number with its own range (and a linear slider unless given).
macro_rules! sreal {
    ($p:ident, $field:ident, $range:expr) => {
        number!(ScheduleParam::$p, $range, Scale::Linear, $field)
    };
    ($p:ident, $field:ident, $range:expr, $scale:expr) => {
        number!(ScheduleParam::$p, $range, $scale, $field)
    };
}

/// A schedule step count, from 1 to `$max`.
macro_rules! count {
    ($p:ident, $field:ident, $max:expr) => {
        Slot {
            param: ScheduleParam::$p,
            range: (1.0, $max),
            scale: Scale::Integer,
            get: |c| Value::Real(c.$field as f64),
            set: |c, v| match v {
                Value::Real(x) => {
                    c.$field = x.round().max(0.0) as u64;
                    true
                }
                Value::Flag(_) => false,
            },
        }
    };
}

/// A schedule flag.
macro_rules! sflag {
    ($p:ident, $field:ident) => {
        toggle!(ScheduleParam::$p, $field)
    };
}

static CONSTANT_LR: [Slot<ConstantLr, ScheduleParam>; 2] = [
    sreal!(Factor, factor, (0.01, 1.0)),
    count!(TotalIters, total_iters, 10_000.0),
];

static STEP_LR: [Slot<StepLr, ScheduleParam>; 2] = [
    count!(StepSize, step_size, 10_000.0),
    sreal!(Gamma, gamma, (0.01, 1.0)),
];

static MULTI_STEP_LR: [Slot<MultiStepLr, ScheduleParam>; 1] = [sreal!(Gamma, gamma, (0.01, 1.0))];

static EXPONENTIAL_LR: [Slot<ExponentialLr, ScheduleParam>; 1] = [sreal!(Gamma, gamma, (0.9, 1.0))];

static COSINE_LR: [Slot<CosineAnnealingLr, ScheduleParam>; 2] = [
    count!(TMax, t_max, 100_000.0),
    sreal!(EtaMin, eta_min, (0.0, 1.0)),
];

static WARM_RESTARTS: [Slot<CosineAnnealingWarmRestarts, ScheduleParam>; 3] = [
    count!(T0, t_0, 100_000.0),
    count!(TMult, t_mult, 4.0),
    sreal!(EtaMin, eta_min, (0.0, 1.0)),
];

static LINEAR_LR: [Slot<LinearLr, ScheduleParam>; 3] = [
    sreal!(StartFactor, start_factor, (0.01, 1.0)),
    sreal!(EndFactor, end_factor, (0.0, 1.0)),
    count!(TotalIters, total_iters, 10_000.0),
];

static POLYNOMIAL_LR: [Slot<PolynomialLr, ScheduleParam>; 2] = [
    count!(TotalIters, total_iters, 100_000.0),
    sreal!(Power, power, (0.0, 5.0)),
];

static ONE_CYCLE_LR: [Slot<OneCycleLr, ScheduleParam>; 8] = [
    sreal!(MaxLr, max_lr, LR, Scale::Log),
    count!(TotalSteps, total_steps, 10_000_000.0),
    sreal!(PctStart, pct_start, (0.0, 1.0)),
    Slot {
        param: ScheduleParam::LinearAnneal,
        range: (0.0, 1.0),
        scale: Scale::Linear,
        get: |c| Value::Flag(c.anneal_strategy == AnnealStrategy::Linear),
        set: |c, v| match v {
            Value::Flag(b) => {
                c.anneal_strategy = if b {
                    AnnealStrategy::Linear
                } else {
                    AnnealStrategy::Cos
                };
                true
            }
            Value::Real(_) => false,
        },
    },
    sflag!(CycleMomentum, cycle_momentum),
    sflag!(ThreePhase, three_phase),
    sreal!(DivFactor, div_factor, (1.0, 1000.0), Scale::Log),
    sreal!(FinalDivFactor, final_div_factor, (1.0, 1e6), Scale::Log),
];

static PLATEAU: [Slot<ReduceLrOnPlateau, ScheduleParam>; 5] = [
    sreal!(Factor, factor, (0.0, 0.99)),
    count!(Patience, patience, 10_000.0),
    sreal!(Threshold, threshold, (0.0, 0.1)),
    count!(Cooldown, cooldown, 10_000.0),
    sreal!(MinLr, min_lr, (0.0, 1.0)),
];

/// Runs `$body` with the schedule's parameters and table, or `$none` for
/// the constant schedule.
macro_rules! with_schedule_table {
    ($self:expr, $c:ident, $t:ident => $body:expr, $none:expr) => {
        match $self {
            Schedule::Constant => $none,
            Schedule::ConstantLR($c) => {
                let $t = &CONSTANT_LR[..];
                $body
            }
            Schedule::StepLR($c) => {
                let $t = &STEP_LR[..];
                $body
            }
            Schedule::MultiStepLR($c) => {
                let $t = &MULTI_STEP_LR[..];
                $body
            }
            Schedule::ExponentialLR($c) => {
                let $t = &EXPONENTIAL_LR[..];
                $body
            }
            Schedule::CosineAnnealingLR($c) => {
                let $t = &COSINE_LR[..];
                $body
            }
            Schedule::CosineAnnealingWarmRestarts($c) => {
                let $t = &WARM_RESTARTS[..];
                $body
            }
            Schedule::LinearLR($c) => {
                let $t = &LINEAR_LR[..];
                $body
            }
            Schedule::PolynomialLR($c) => {
                let $t = &POLYNOMIAL_LR[..];
                $body
            }
            Schedule::OneCycleLR($c) => {
                let $t = &ONE_CYCLE_LR[..];
                $body
            }
            Schedule::ReduceLROnPlateau($c) => {
                let $t = &PLATEAU[..];
                $body
            }
        }
    };
}

impl Schedule {
    /// Every parameter of this schedule (MultiStepLR's milestones are a
    /// list, edited on their own).
    pub fn params(&self) -> Vec<Setting<ScheduleParam>> {
        with_schedule_table!(self, c, t => params::list(c, t), Vec::new())
    }

    /// The value of `param`, if this schedule has it.
    pub fn get(&self, param: ScheduleParam) -> Option<Value> {
        with_schedule_table!(self, c, t => params::read(c, t, param), None)
    }

    /// Sets `param`; an error if this schedule has no such parameter.
    pub fn set(&mut self, param: ScheduleParam, value: Value) -> Result<(), ParamError> {
        let owner = self.name();
        with_schedule_table!(
            self,
            c,
            t => params::write(c, t, owner, param, value),
            params::write::<(), ScheduleParam>(&mut (), &[], owner, param, value)
        )
    }
}
