//! Hyperparameters as named, ranged values: what sliders and listings need.
//!
//! Names are torch's (`betas` appears as `beta1` and `beta2`).

use super::schedule::{AnnealStrategy, Schedule};
use super::{Adagrad, Adam, AdamW, OptimizerConfig, RmsProp};

/// How a slider maps to the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Logarithmic (lr, eps).
    Log,
    /// Linear (betas, momentum, …).
    Linear,
    /// Whole numbers (step counts).
    Integer,
}

/// A hyperparameter's current value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A number.
    Real(f64),
    /// A flag.
    Flag(bool),
}

/// One hyperparameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Torch's name.
    pub name: &'static str,
    /// Current value.
    pub value: Value,
    /// Slider range (ignored for flags).
    pub range: (f64, f64),
    /// Slider mapping.
    pub scale: Scale,
}

const fn real(name: &'static str, value: f64, range: (f64, f64), scale: Scale) -> Param {
    Param {
        name,
        value: Value::Real(value),
        range,
        scale,
    }
}

const fn flag(name: &'static str, value: bool) -> Param {
    Param {
        name,
        value: Value::Flag(value),
        range: (0.0, 1.0),
        scale: Scale::Linear,
    }
}

const LR: (f64, f64) = (1e-6, 10.0);
const EPS: (f64, f64) = (1e-12, 1e-1);
const BETA: (f64, f64) = (0.0, 0.9999);
const DECAY: (f64, f64) = (0.0, 1.0);

fn lr(v: f64) -> Param {
    real("lr", v, LR, Scale::Log)
}
fn eps(v: f64) -> Param {
    real("eps", v, EPS, Scale::Log)
}
fn wd(v: f64) -> Param {
    real("weight_decay", v, DECAY, Scale::Linear)
}
fn beta(name: &'static str, v: f64) -> Param {
    real(name, v, BETA, Scale::Linear)
}

impl OptimizerConfig {
    /// Every hyperparameter of this kind, in torch's order.
    pub fn params(&self) -> Vec<Param> {
        use Scale::Linear;
        match self {
            Self::Sgd(c) => vec![
                lr(c.lr),
                real("momentum", c.momentum, BETA, Linear),
                real("dampening", c.dampening, DECAY, Linear),
                wd(c.weight_decay),
                flag("nesterov", c.nesterov),
                flag("maximize", c.maximize),
            ],
            Self::Adagrad(c) => vec![
                lr(c.lr),
                real("lr_decay", c.lr_decay, DECAY, Linear),
                wd(c.weight_decay),
                real(
                    "initial_accumulator_value",
                    c.initial_accumulator_value,
                    DECAY,
                    Linear,
                ),
                eps(c.eps),
                flag("maximize", c.maximize),
            ],
            Self::RmsProp(c) => vec![
                lr(c.lr),
                beta("alpha", c.alpha),
                eps(c.eps),
                wd(c.weight_decay),
                real("momentum", c.momentum, BETA, Linear),
                flag("centered", c.centered),
                flag("maximize", c.maximize),
            ],
            Self::Adam(c) => vec![
                lr(c.lr),
                beta("beta1", c.betas.0),
                beta("beta2", c.betas.1),
                eps(c.eps),
                wd(c.weight_decay),
                flag("amsgrad", c.amsgrad),
                flag("decoupled_weight_decay", c.decoupled_weight_decay),
                flag("maximize", c.maximize),
            ],
            Self::AdamW(c) => vec![
                lr(c.lr),
                beta("beta1", c.betas.0),
                beta("beta2", c.betas.1),
                eps(c.eps),
                wd(c.weight_decay),
                flag("amsgrad", c.amsgrad),
                flag("maximize", c.maximize),
            ],
            Self::NAdam(c) => vec![
                lr(c.lr),
                beta("beta1", c.betas.0),
                beta("beta2", c.betas.1),
                eps(c.eps),
                wd(c.weight_decay),
                real("momentum_decay", c.momentum_decay, (0.0, 0.05), Linear),
                flag("decoupled_weight_decay", c.decoupled_weight_decay),
                flag("maximize", c.maximize),
            ],
            Self::Adadelta(c) => vec![
                lr(c.lr),
                beta("rho", c.rho),
                eps(c.eps),
                wd(c.weight_decay),
                flag("maximize", c.maximize),
            ],
            Self::Adamax(c) => vec![
                lr(c.lr),
                beta("beta1", c.betas.0),
                beta("beta2", c.betas.1),
                eps(c.eps),
                wd(c.weight_decay),
                flag("maximize", c.maximize),
            ],
            Self::Lion(c) => vec![
                lr(c.lr),
                beta("beta1", c.betas.0),
                beta("beta2", c.betas.1),
                wd(c.weight_decay),
            ],
        }
    }

    /// The convention flags this kind has (not torch's; see [`super::Convention`]).
    pub fn convention_params(&self) -> Vec<Param> {
        match self {
            Self::Sgd(c) => {
                let mut out = Vec::new();
                if c.momentum != 0.0 {
                    out.push(flag("lr_inside_momentum", c.lr_inside_momentum));
                }
                if c.nesterov {
                    out.push(flag("look_ahead", c.look_ahead));
                }
                out
            }
            Self::Adagrad(Adagrad { eps_in_sqrt, .. })
            | Self::RmsProp(RmsProp { eps_in_sqrt, .. })
            | Self::Adam(Adam { eps_in_sqrt, .. })
            | Self::AdamW(AdamW { eps_in_sqrt, .. }) => vec![flag("eps_in_sqrt", *eps_in_sqrt)],
            Self::NAdam(_) | Self::Adadelta(_) | Self::Adamax(_) | Self::Lion(_) => Vec::new(),
        }
    }

    /// Sets the hyperparameter `name`; unknown names and mismatched kinds are ignored.
    pub fn set_param(&mut self, name: &str, value: Value) {
        macro_rules! set {
            ($c:expr, { $($real:literal => $rfield:expr),* $(,)? }, { $($flag:literal => $ffield:expr),* $(,)? }) => {{
                match (name, value) {
                    $(($real, Value::Real(v)) => $rfield = v,)*
                    $(($flag, Value::Flag(v)) => $ffield = v,)*
                    _ => {}
                };
            }};
        }
        match self {
            Self::Sgd(c) => {
                set!(c, { "lr" => c.lr, "momentum" => c.momentum, "dampening" => c.dampening, "weight_decay" => c.weight_decay },
                                  { "nesterov" => c.nesterov, "maximize" => c.maximize,
                                    "lr_inside_momentum" => c.lr_inside_momentum, "look_ahead" => c.look_ahead });
            }
            Self::Adagrad(c) => {
                set!(c, { "lr" => c.lr, "lr_decay" => c.lr_decay, "weight_decay" => c.weight_decay,
                                          "initial_accumulator_value" => c.initial_accumulator_value, "eps" => c.eps },
                                      { "maximize" => c.maximize, "eps_in_sqrt" => c.eps_in_sqrt });
            }
            Self::RmsProp(c) => {
                set!(c, { "lr" => c.lr, "alpha" => c.alpha, "eps" => c.eps, "weight_decay" => c.weight_decay,
                                          "momentum" => c.momentum },
                                      { "centered" => c.centered, "maximize" => c.maximize,
                                        "eps_in_sqrt" => c.eps_in_sqrt });
            }
            Self::Adam(c) => {
                set!(c, { "lr" => c.lr, "beta1" => c.betas.0, "beta2" => c.betas.1, "eps" => c.eps,
                                       "weight_decay" => c.weight_decay },
                                   { "amsgrad" => c.amsgrad, "decoupled_weight_decay" => c.decoupled_weight_decay,
                                     "maximize" => c.maximize, "eps_in_sqrt" => c.eps_in_sqrt });
            }
            Self::AdamW(c) => {
                set!(c, { "lr" => c.lr, "beta1" => c.betas.0, "beta2" => c.betas.1, "eps" => c.eps,
                                        "weight_decay" => c.weight_decay },
                                    { "amsgrad" => c.amsgrad, "maximize" => c.maximize,
                                      "eps_in_sqrt" => c.eps_in_sqrt });
            }
            Self::NAdam(c) => {
                set!(c, { "lr" => c.lr, "beta1" => c.betas.0, "beta2" => c.betas.1, "eps" => c.eps,
                                        "weight_decay" => c.weight_decay, "momentum_decay" => c.momentum_decay },
                                    { "decoupled_weight_decay" => c.decoupled_weight_decay, "maximize" => c.maximize });
            }
            Self::Adadelta(c) => {
                set!(c, { "lr" => c.lr, "rho" => c.rho, "eps" => c.eps, "weight_decay" => c.weight_decay },
                                       { "maximize" => c.maximize });
            }
            Self::Adamax(c) => {
                set!(c, { "lr" => c.lr, "beta1" => c.betas.0, "beta2" => c.betas.1, "eps" => c.eps,
                                         "weight_decay" => c.weight_decay },
                                     { "maximize" => c.maximize });
            }
            Self::Lion(c) => set!(c, { "lr" => c.lr, "beta1" => c.betas.0, "beta2" => c.betas.1,
                                       "weight_decay" => c.weight_decay }, {}),
        }
    }

    /// The same hyperparameters carried over to another kind where names match
    /// (lr, betas, eps, weight decay, momentum), the rest at torch's defaults.
    #[must_use]
    pub fn converted_to(&self, kind: &Self) -> Self {
        let mut out = *kind;
        for p in self.params() {
            if p.name != "maximize" && p.name != "decoupled_weight_decay" {
                out.set_param(p.name, p.value);
            }
        }
        out
    }
}

fn steps_param(name: &'static str, v: u64, max: f64) -> Param {
    real(name, v as f64, (1.0, max), Scale::Integer)
}

impl Schedule {
    /// Every parameter of this schedule (milestones are not listed).
    pub fn params(&self) -> Vec<Param> {
        use Scale::{Linear, Log};
        match self {
            Self::Constant | Self::MultiStepLR(_) => Vec::new(),
            Self::ConstantLR(s) => vec![
                real("factor", s.factor, (0.01, 1.0), Linear),
                steps_param("total_iters", s.total_iters, 10_000.0),
            ],
            Self::StepLR(s) => vec![
                steps_param("step_size", s.step_size, 10_000.0),
                real("gamma", s.gamma, (0.01, 1.0), Linear),
            ],
            Self::ExponentialLR(s) => vec![real("gamma", s.gamma, (0.9, 1.0), Linear)],
            Self::CosineAnnealingLR(s) => vec![
                steps_param("t_max", s.t_max, 100_000.0),
                real("eta_min", s.eta_min, (0.0, 1.0), Linear),
            ],
            Self::CosineAnnealingWarmRestarts(s) => vec![
                steps_param("t_0", s.t_0, 100_000.0),
                steps_param("t_mult", s.t_mult, 4.0),
                real("eta_min", s.eta_min, (0.0, 1.0), Linear),
            ],
            Self::LinearLR(s) => vec![
                real("start_factor", s.start_factor, (0.01, 1.0), Linear),
                real("end_factor", s.end_factor, (0.0, 1.0), Linear),
                steps_param("total_iters", s.total_iters, 10_000.0),
            ],
            Self::PolynomialLR(s) => vec![
                steps_param("total_iters", s.total_iters, 100_000.0),
                real("power", s.power, (0.0, 5.0), Linear),
            ],
            Self::OneCycleLR(s) => vec![
                real("max_lr", s.max_lr, LR, Log),
                steps_param("total_steps", s.total_steps, 10_000_000.0),
                real("pct_start", s.pct_start, (0.0, 1.0), Linear),
                flag("linear_anneal", s.anneal_strategy == AnnealStrategy::Linear),
                flag("cycle_momentum", s.cycle_momentum),
                flag("three_phase", s.three_phase),
                real("div_factor", s.div_factor, (1.0, 1000.0), Log),
                real("final_div_factor", s.final_div_factor, (1.0, 1e6), Log),
            ],
            Self::ReduceLROnPlateau(s) => vec![
                real("factor", s.factor, (0.0, 0.99), Linear),
                steps_param("patience", s.patience, 10_000.0),
                real("threshold", s.threshold, (0.0, 0.1), Linear),
                steps_param("cooldown", s.cooldown, 10_000.0),
                real("min_lr", s.min_lr, (0.0, 1.0), Linear),
            ],
        }
    }

    /// Sets the parameter `name`; unknown names are ignored.
    pub fn set_param(&mut self, name: &str, value: Value) {
        let (real, on) = match value {
            Value::Real(v) => (v, v != 0.0),
            Value::Flag(b) => (f64::from(u8::from(b)), b),
        };
        let count = real.round().max(0.0) as u64;
        match (self, name) {
            (Self::ConstantLR(s), "factor") => s.factor = real,
            (Self::ConstantLR(s), "total_iters") => s.total_iters = count,
            (Self::StepLR(s), "step_size") => s.step_size = count,
            (Self::StepLR(s), "gamma") => s.gamma = real,
            (Self::ExponentialLR(s), "gamma") => s.gamma = real,
            (Self::CosineAnnealingLR(s), "t_max") => s.t_max = count,
            (Self::CosineAnnealingLR(s), "eta_min") => s.eta_min = real,
            (Self::CosineAnnealingWarmRestarts(s), "t_0") => s.t_0 = count,
            (Self::CosineAnnealingWarmRestarts(s), "t_mult") => s.t_mult = count,
            (Self::CosineAnnealingWarmRestarts(s), "eta_min") => s.eta_min = real,
            (Self::LinearLR(s), "start_factor") => s.start_factor = real,
            (Self::LinearLR(s), "end_factor") => s.end_factor = real,
            (Self::LinearLR(s), "total_iters") => s.total_iters = count,
            (Self::PolynomialLR(s), "total_iters") => s.total_iters = count,
            (Self::PolynomialLR(s), "power") => s.power = real,
            (Self::OneCycleLR(s), "max_lr") => s.max_lr = real,
            (Self::OneCycleLR(s), "total_steps") => s.total_steps = count,
            (Self::OneCycleLR(s), "pct_start") => s.pct_start = real,
            (Self::OneCycleLR(s), "linear_anneal") => {
                s.anneal_strategy = if on {
                    AnnealStrategy::Linear
                } else {
                    AnnealStrategy::Cos
                };
            }
            (Self::OneCycleLR(s), "cycle_momentum") => s.cycle_momentum = on,
            (Self::OneCycleLR(s), "three_phase") => s.three_phase = on,
            (Self::OneCycleLR(s), "div_factor") => s.div_factor = real,
            (Self::OneCycleLR(s), "final_div_factor") => s.final_div_factor = real,
            (Self::ReduceLROnPlateau(s), "factor") => s.factor = real,
            (Self::ReduceLROnPlateau(s), "patience") => s.patience = count,
            (Self::ReduceLROnPlateau(s), "threshold") => s.threshold = real,
            (Self::ReduceLROnPlateau(s), "cooldown") => s.cooldown = count,
            (Self::ReduceLROnPlateau(s), "min_lr") => s.min_lr = real,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_param_can_be_set_and_read_back() {
        for mut opt in OptimizerConfig::catalogue() {
            for p in opt.params() {
                let new = match p.value {
                    Value::Real(_) => Value::Real(0.123),
                    Value::Flag(b) => Value::Flag(!b),
                };
                opt.set_param(p.name, new);
                let read = opt.params().into_iter().find(|q| q.name == p.name).unwrap();
                assert_eq!(read.value, new, "{} {}", opt.kind_name(), p.name);
            }
        }
        for mut sched in Schedule::catalogue() {
            for p in sched.params() {
                let new = match (p.value, p.scale) {
                    (Value::Real(_), Scale::Integer) => Value::Real(7.0),
                    (Value::Real(_), _) => Value::Real(0.25),
                    (Value::Flag(b), _) => Value::Flag(!b),
                };
                sched.set_param(p.name, new);
                let read = sched
                    .params()
                    .into_iter()
                    .find(|q| q.name == p.name)
                    .unwrap();
                assert_eq!(read.value, new, "{} {}", sched.name(), p.name);
            }
        }
    }

    #[test]
    fn converting_keeps_shared_hyperparameters() {
        let mut adam = OptimizerConfig::catalogue()[3];
        adam.set_param("lr", Value::Real(0.05));
        let sgd = adam.converted_to(&OptimizerConfig::catalogue()[0]);
        assert_eq!(sgd.lr(), 0.05);
        let lion = adam.converted_to(&OptimizerConfig::catalogue()[8]);
        assert_eq!(lion.params()[1].value, Value::Real(0.9));
    }
}
