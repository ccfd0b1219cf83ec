//! The `torch.optim` class and `lr_scheduler` a run becomes, with the
//! keyword arguments that differ from torch's defaults.

use crate::optim::params::Value;
use crate::optim::{OptimizerConfig, Schedule};

use super::script_parts::py;

/// `torch.optim.Kind(params, …)` with the values that differ from torch's
/// defaults, or why the rule has no one-to-one torch class.
pub(super) fn optimizer_call(config: &OptimizerConfig, params: &str) -> Result<String, String> {
    if let OptimizerConfig::Lbfgs(l) = config {
        return lbfgs_call(l, params);
    }
    let class = match config {
        OptimizerConfig::Sgd(_) => "SGD",
        OptimizerConfig::Adagrad(_) => "Adagrad",
        OptimizerConfig::RmsProp(_) => "RMSprop",
        OptimizerConfig::Adam(_) => "Adam",
        OptimizerConfig::AdamW(_) => "AdamW",
        OptimizerConfig::NAdam(_) => "NAdam",
        OptimizerConfig::Adadelta(_) => "Adadelta",
        OptimizerConfig::Adamax(_) => "Adamax",
        OptimizerConfig::RAdam(_) => "RAdam",
        OptimizerConfig::Rprop(_) => "Rprop",
        OptimizerConfig::Asgd(_) => "ASGD",
        OptimizerConfig::Custom(_) => {
            return Err(
                "a typed rule has no torch.optim class; scripts do not write it yet".into(),
            );
        }
        other => {
            return Err(format!("{} is not in scripts yet", other.short_name()));
        }
    };
    if config
        .convention_params()
        .iter()
        .any(|s| s.value == Value::Flag(true))
    {
        return Err("it follows a convention torch does not have (see its Convention)".into());
    }
    let defaults = config.torch_defaults().params();
    let mut kwargs = vec![format!("lr={}", py(config.lr()))];
    // torch takes some pairs as one tuple: betas, etas, step_sizes.
    let mut pairs: Vec<(&str, [String; 2], bool)> = Vec::new();
    for (s, d) in config.params().iter().zip(&defaults) {
        let text = match s.value {
            Value::Real(v) => py(v),
            Value::Flag(b) => if b { "True" } else { "False" }.to_owned(),
        };
        let (tuple, slot) = match s.name() {
            "lr" => continue,
            "beta1" => ("betas", 0),
            "beta2" => ("betas", 1),
            "etaminus" => ("etas", 0),
            "etaplus" => ("etas", 1),
            "step_size_min" => ("step_sizes", 0),
            "step_size_max" => ("step_sizes", 1),
            name => {
                if s.value != d.value {
                    kwargs.push(format!("{name}={text}"));
                }
                continue;
            }
        };
        let changed = s.value != d.value;
        if let Some((_, values, any)) = pairs.iter_mut().find(|(n, ..)| *n == tuple) {
            values[slot] = text;
            *any |= changed;
        } else {
            let mut values = [String::new(), String::new()];
            values[slot] = text;
            pairs.push((tuple, values, changed));
        }
    }
    // Betas are always written (they are what Adam is about); other pairs
    // only when they differ from torch's defaults.
    for (at, (name, [a, b], changed)) in pairs.into_iter().enumerate() {
        if changed || name == "betas" {
            let at = (1 + at).min(kwargs.len());
            kwargs.insert(at, format!("{name}=({a}, {b})"));
        }
    }
    Ok(format!(
        "torch.optim.{class}({params}, {})",
        kwargs.join(", ")
    ))
}

/// `torch.optim.LBFGS(params, …)`; torch's class has no `maximize`.
fn lbfgs_call(l: &crate::optim::Lbfgs, params: &str) -> Result<String, String> {
    if l.maximize {
        return Err("torch's LBFGS has no maximize".into());
    }
    let d = crate::optim::Lbfgs::default();
    let mut kwargs = vec![format!("lr={}", py(l.lr))];
    if l.max_iter != d.max_iter {
        kwargs.push(format!("max_iter={}", l.max_iter));
    }
    if let Some(e) = l.max_eval {
        kwargs.push(format!("max_eval={e}"));
    }
    if l.tolerance_grad != d.tolerance_grad {
        kwargs.push(format!("tolerance_grad={}", py(l.tolerance_grad)));
    }
    if l.tolerance_change != d.tolerance_change {
        kwargs.push(format!("tolerance_change={}", py(l.tolerance_change)));
    }
    if l.history_size != d.history_size {
        kwargs.push(format!("history_size={}", l.history_size));
    }
    if l.line_search_fn.is_some() {
        kwargs.push("line_search_fn=\"strong_wolfe\"".into());
    }
    Ok(format!(
        "torch.optim.LBFGS({params}, {})",
        kwargs.join(", ")
    ))
}

/// The scheduler stepped after each optimizer step (`None`: constant lr).
pub(super) fn scheduler_call(schedule: &Schedule) -> Result<Option<String>, String> {
    let prefix = "torch.optim.lr_scheduler";
    let bool_py = |b: bool| if b { "True" } else { "False" };
    Ok(Some(match schedule {
        Schedule::Constant => return Ok(None),
        Schedule::ConstantLR(s) => format!(
            "{prefix}.ConstantLR(opt, factor={}, total_iters={})",
            py(s.factor),
            s.total_iters
        ),
        Schedule::StepLR(s) => format!(
            "{prefix}.StepLR(opt, step_size={}, gamma={})",
            s.step_size,
            py(s.gamma)
        ),
        Schedule::MultiStepLR(s) => format!(
            "{prefix}.MultiStepLR(opt, milestones={:?}, gamma={})",
            s.milestones,
            py(s.gamma)
        ),
        Schedule::ExponentialLR(s) => format!("{prefix}.ExponentialLR(opt, gamma={})", py(s.gamma)),
        Schedule::CosineAnnealingLR(s) => format!(
            "{prefix}.CosineAnnealingLR(opt, T_max={}, eta_min={})",
            s.t_max,
            py(s.eta_min)
        ),
        Schedule::CosineAnnealingWarmRestarts(s) => format!(
            "{prefix}.CosineAnnealingWarmRestarts(opt, T_0={}, T_mult={}, eta_min={})",
            s.t_0,
            s.t_mult,
            py(s.eta_min)
        ),
        Schedule::LinearLR(s) => format!(
            "{prefix}.LinearLR(opt, start_factor={}, end_factor={}, total_iters={})",
            py(s.start_factor),
            py(s.end_factor),
            s.total_iters
        ),
        Schedule::PolynomialLR(s) => format!(
            "{prefix}.PolynomialLR(opt, total_iters={}, power={})",
            s.total_iters,
            py(s.power)
        ),
        Schedule::OneCycleLR(s) => format!(
            "{prefix}.OneCycleLR(opt, max_lr={}, total_steps={}, pct_start={}, anneal_strategy={:?}, cycle_momentum={}, base_momentum={}, max_momentum={}, div_factor={}, final_div_factor={}, three_phase={})",
            py(s.max_lr),
            s.total_steps,
            py(s.pct_start),
            match s.anneal_strategy {
                crate::optim::schedule::AnnealStrategy::Cos => "cos",
                crate::optim::schedule::AnnealStrategy::Linear => "linear",
            },
            bool_py(s.cycle_momentum),
            py(s.base_momentum),
            py(s.max_momentum),
            py(s.div_factor),
            py(s.final_div_factor),
            bool_py(s.three_phase)
        ),
        Schedule::ReduceLROnPlateau(s) => format!(
            "{prefix}.ReduceLROnPlateau(opt, mode={:?}, factor={}, patience={}, threshold={}, threshold_mode={:?}, cooldown={}, min_lr={}, eps={})",
            match s.mode {
                crate::optim::schedule::PlateauMode::Min => "min",
                crate::optim::schedule::PlateauMode::Max => "max",
            },
            py(s.factor),
            s.patience,
            py(s.threshold),
            match s.threshold_mode {
                crate::optim::schedule::ThresholdMode::Rel => "rel",
                crate::optim::schedule::ThresholdMode::Abs => "abs",
            },
            s.cooldown,
            py(s.min_lr),
            py(s.eps)
        ),
    }))
}
