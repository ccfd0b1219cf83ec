//! Each optimizer's and schedule's one table of hyperparameters, and the
//! methods that read and write through it.

use super::params::{self, Param, ParamError, Scale, Setting, Slot, Value};
use super::{
    Adadelta, Adafactor, Adagrad, Adam, AdamW, Adamax, AdjustLrFn, Asgd, Lbfgs, LineSearchFn, Lion,
    Muon, NAdam, OptimizerConfig, RAdam, RmsProp, Rprop, Sgd,
};

/// A number slot of parameter `$p` on a slider over `$range` with `$scale`.
macro_rules! number {
    ($p:expr, $range:expr, $scale:expr, $($field:tt)+) => {
        Slot {
            param: $p,
            range: $range,
            scale: $scale,
            get: |c| Value::Real(c.$($field)+),
            set: |c, v| match v {
                Value::Real(x) => {
                    c.$($field)+ = x;
                    true
                }
                Value::Flag(_) => false,
            },
        }
    };
}

/// A flag slot of parameter `$p`.
macro_rules! toggle {
    ($p:expr, $($field:tt)+) => {
        Slot {
            param: $p,
            range: (0.0, 1.0),
            scale: Scale::Linear,
            get: |c| Value::Flag(c.$($field)+),
            set: |c, v| match v {
                Value::Flag(b) => {
                    c.$($field)+ = b;
                    true
                }
                Value::Real(_) => false,
            },
        }
    };
}

/// An optimizer number, with the parameter's own range and scale.
macro_rules! real {
    ($p:ident, $($field:tt)+) => {
        number!(Param::$p, Param::$p.range(), Param::$p.scale(), $($field)+)
    };
}

/// An optimizer flag.
macro_rules! flag {
    ($p:ident, $($field:tt)+) => {
        toggle!(Param::$p, $($field)+)
    };
}

/// An optional number (`None`: the reference derives it) shown as its
/// effective value; setting it makes it `Some`.
macro_rules! optional {
    ($p:ident, $field:ident, $effective:ident) => {
        Slot {
            param: Param::$p,
            range: Param::$p.range(),
            scale: Param::$p.scale(),
            get: |c| Value::Real(c.$effective()),
            set: |c, v| match v {
                Value::Real(x) => {
                    c.$field = Some(x);
                    true
                }
                Value::Flag(_) => false,
            },
        }
    };
}

macro_rules! count {
    ($p:ident, $($field:tt)+) => {
        Slot {
            param: Param::$p,
            range: Param::$p.range(),
            scale: Param::$p.scale(),
            get: |c| Value::Real(c.$($field)+ as f64),
            set: |c, v| match v {
                Value::Real(x) if x >= 0.0 && x.fract() == 0.0 => {
                    c.$($field)+ = x as u64;
                    true
                }
                _ => false,
            },
        }
    };
}

mod research;
mod schedules;

static SGD: [Slot<Sgd, Param>; 8] = [
    real!(Lr, lr),
    real!(Momentum, momentum),
    real!(Dampening, dampening),
    real!(WeightDecay, weight_decay),
    flag!(Nesterov, nesterov),
    flag!(Maximize, maximize),
    flag!(LrInsideMomentum, lr_inside_momentum),
    flag!(LookAhead, look_ahead),
];

static ADAGRAD: [Slot<Adagrad, Param>; 7] = [
    real!(Lr, lr),
    real!(LrDecay, lr_decay),
    real!(WeightDecay, weight_decay),
    real!(InitialAccumulatorValue, initial_accumulator_value),
    real!(Eps, eps),
    flag!(Maximize, maximize),
    flag!(EpsInSqrt, eps_in_sqrt),
];

static RMSPROP: [Slot<RmsProp, Param>; 8] = [
    real!(Lr, lr),
    real!(Alpha, alpha),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    real!(Momentum, momentum),
    flag!(Centered, centered),
    flag!(Maximize, maximize),
    flag!(EpsInSqrt, eps_in_sqrt),
];

static ADAM: [Slot<Adam, Param>; 9] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    flag!(Amsgrad, amsgrad),
    flag!(DecoupledWeightDecay, decoupled_weight_decay),
    flag!(Maximize, maximize),
    flag!(EpsInSqrt, eps_in_sqrt),
];

static ADAMW: [Slot<AdamW, Param>; 8] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    flag!(Amsgrad, amsgrad),
    flag!(Maximize, maximize),
    flag!(EpsInSqrt, eps_in_sqrt),
];

static NADAM: [Slot<NAdam, Param>; 8] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    real!(MomentumDecay, momentum_decay),
    flag!(DecoupledWeightDecay, decoupled_weight_decay),
    flag!(Maximize, maximize),
];

static ADADELTA: [Slot<Adadelta, Param>; 5] = [
    real!(Lr, lr),
    real!(Rho, rho),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    flag!(Maximize, maximize),
];

static ADAMAX: [Slot<Adamax, Param>; 6] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    flag!(Maximize, maximize),
];

static LION: [Slot<Lion, Param>; 4] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(WeightDecay, weight_decay),
];

static RADAM: [Slot<RAdam, Param>; 7] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    flag!(DecoupledWeightDecay, decoupled_weight_decay),
    flag!(Maximize, maximize),
];

static RPROP: [Slot<Rprop, Param>; 6] = [
    real!(Lr, lr),
    real!(Etaminus, etas.0),
    real!(Etaplus, etas.1),
    real!(StepSizeMin, step_sizes.0),
    real!(StepSizeMax, step_sizes.1),
    flag!(Maximize, maximize),
];

static ASGD: [Slot<Asgd, Param>; 6] = [
    real!(Lr, lr),
    real!(Lambd, lambd),
    number!(Param::Alpha, (0.0, 2.0), Scale::Linear, alpha),
    real!(T0, t0),
    real!(WeightDecay, weight_decay),
    flag!(Maximize, maximize),
];

static ADAFACTOR: [Slot<Adafactor, Param>; 7] = [
    real!(Lr, lr),
    real!(Beta2Decay, beta2_decay),
    Slot {
        param: Param::Eps1,
        range: Param::Eps1.range(),
        scale: Param::Eps1.scale(),
        get: |c| Value::Real(c.eps1()),
        set: |c, v| match v {
            Value::Real(x) => {
                c.eps.0 = Some(x);
                true
            }
            Value::Flag(_) => false,
        },
    },
    real!(Eps2, eps.1),
    real!(D, d),
    real!(WeightDecay, weight_decay),
    flag!(Maximize, maximize),
];

static LBFGS: [Slot<Lbfgs, Param>; 8] = [
    real!(Lr, lr),
    count!(MaxIter, max_iter),
    Slot {
        param: Param::MaxEval,
        range: Param::MaxEval.range(),
        scale: Param::MaxEval.scale(),
        get: |c| Value::Real(c.max_evals() as f64),
        set: |c, v| match v {
            Value::Real(x) if x >= 1.0 && x.fract() == 0.0 => {
                c.max_eval = Some(x as u64);
                true
            }
            _ => false,
        },
    },
    real!(ToleranceGrad, tolerance_grad),
    real!(ToleranceChange, tolerance_change),
    count!(HistorySize, history_size),
    Slot {
        param: Param::LineSearchFn,
        range: (0.0, 1.0),
        scale: Scale::Linear,
        get: |c| Value::Flag(c.line_search_fn.is_some()),
        set: |c, v| match v {
            Value::Flag(on) => {
                c.line_search_fn = on.then_some(LineSearchFn::StrongWolfe);
                true
            }
            Value::Real(_) => false,
        },
    },
    flag!(Maximize, maximize),
];

static MUON: [Slot<Muon, Param>; 11] = [
    real!(Lr, lr),
    real!(WeightDecay, weight_decay),
    real!(Momentum, momentum),
    flag!(Nesterov, nesterov),
    real!(NsA, ns_coefficients.0),
    real!(NsB, ns_coefficients.1),
    real!(NsC, ns_coefficients.2),
    real!(Eps, eps),
    count!(NsSteps, ns_steps),
    Slot {
        param: Param::AdjustLrFn,
        range: Param::AdjustLrFn.range(),
        scale: Param::AdjustLrFn.scale(),
        get: |c| {
            let at = AdjustLrFn::ALL.iter().position(|f| *f == c.adjust());
            Value::Real(at.unwrap_or(0) as f64)
        },
        set: |c, v| match v {
            Value::Real(x) if x >= 0.0 && x.fract() == 0.0 => {
                match AdjustLrFn::ALL.get(x as usize) {
                    Some(f) => {
                        // torch's None is "original".
                        c.adjust_lr_fn = (*f != AdjustLrFn::Original).then_some(*f);
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        },
    },
    flag!(NewtonSchulzF64, newton_schulz_f64),
];

use research::{
    ADABELIEF, ADAN, ADEMAMIX, ADOPT, CUSTOM, LAMB, MADGRAD, MARS, PRODIGY, SCHEDULE_FREE_ADAMW,
    SCHEDULE_FREE_SGD, SOAP, YOGI,
};

/// Runs `$body` with `$c` bound to the config inside `$self` and `$t` to its table.
macro_rules! with_table {
    ($self:expr, $c:ident, $t:ident => $body:expr) => {
        with_table!(@arms $self, $c, $t, $body;
            Sgd SGD, Adagrad ADAGRAD, RmsProp RMSPROP, Adam ADAM, AdamW ADAMW, NAdam NADAM,
            Adadelta ADADELTA, Adamax ADAMAX, Lion LION, RAdam RADAM, Rprop RPROP, Asgd ASGD,
            Adafactor ADAFACTOR, Prodigy PRODIGY, ScheduleFreeAdamW SCHEDULE_FREE_ADAMW,
            ScheduleFreeSgd SCHEDULE_FREE_SGD, Adopt ADOPT, AdaBelief ADABELIEF, Yogi YOGI,
            Madgrad MADGRAD, Adan ADAN, AdEMAMix ADEMAMIX, Lamb LAMB, Lbfgs LBFGS, Muon MUON, Mars MARS,
            Soap SOAP, Custom CUSTOM)
    };
    (@arms $self:expr, $c:ident, $t:ident, $body:expr; $($variant:ident $table:ident),+) => {
        match $self {
            $(OptimizerConfig::$variant($c) => {
                let $t = &$table[..];
                $body
            })+
        }
    };
}

impl OptimizerConfig {
    /// Every hyperparameter that torch's class takes, in torch's order.
    pub fn params(&self) -> Vec<Setting<Param>> {
        let mut all = with_table!(self, c, t => params::list(c, t));
        all.retain(|s| !s.param.is_convention());
        all
    }

    /// The convention flags that matter for this config (not torch's; see
    /// [`super::Convention`]): SGD's only with momentum or Nesterov.
    pub fn convention_params(&self) -> Vec<Setting<Param>> {
        let mut all = with_table!(self, c, t => params::list(c, t));
        all.retain(|s| match (self, s.param) {
            (Self::Sgd(c), Param::LrInsideMomentum) => c.momentum != 0.0,
            (Self::Sgd(c), Param::LookAhead) => c.nesterov,
            (_, p) => p.is_convention(),
        });
        all
    }

    /// The value of `param`, if this kind has it.
    pub fn get(&self, param: Param) -> Option<Value> {
        with_table!(self, c, t => params::read(c, t, param))
    }

    /// Sets `param`; an error if this kind has no such parameter or the
    /// value is of the wrong type.
    pub fn set(&mut self, param: Param, value: Value) -> Result<(), ParamError> {
        let owner = self.kind_name();
        with_table!(self, c, t => params::write(c, t, owner, param, value))
    }

    /// The same hyperparameters carried over to another kind where names match
    /// (lr, betas, eps, weight decay, momentum), the rest at torch's defaults.
    #[must_use]
    pub fn converted_to(&self, kind: &Self) -> Self {
        let mut out = kind.clone();
        for s in self.params() {
            let carried = !matches!(s.param, Param::Maximize | Param::DecoupledWeightDecay);
            if carried && out.get(s.param).is_some() {
                // Same name, same type: cannot fail.
                let _ = out.set(s.param, s.value);
            }
        }
        out
    }
}
