//! A preset as a self-contained PyTorch script: the surface written with
//! torch operations, each run's `torch.optim` class and scheduler in
//! float64, stepped as Descent steps them, printing Descent's trajectory
//! CSV contract. So far: 2-D surfaces (built in, typed, online), with the
//! box and the gradient noise (its draws embedded); SGD, Adagrad, RMSprop,
//! Adam, AdamW, NAdam, Adadelta, Adamax, `RAdam`, Rprop, ASGD and `LBFGS`;
//! every `lr_scheduler` Descent has. Other runs are named in the script
//! and left out.

use std::fmt::Write as _;

pub use super::script_parts::ScriptError;
use super::script_parts::{Flavour, preamble, py, scriptable, sigma_of};
use crate::optim::params::Value;
use crate::optim::{OptimizerConfig, Schedule};
use crate::preset::{Preset, RunSpec};

/// What a PyTorch script imports and calls.
const TORCH: Flavour = Flavour {
    module: "torch",
    library: "torch.optim in float64",
    imports: "import math\n\nimport torch\n\ntorch.set_default_dtype(torch.float64)\n\n",
    array: "torch.tensor",
    plain_step_loss: None,
    online_step_loss: "def step_loss(p, t):\n    return TERMS[(t - 1) % len(TERMS)](p[0], p[1])\n\n\n",
    without: (None, None),
};

/// The script for `preset`, titled after `origin` (its file).
pub fn torch_script(preset: &Preset, origin: &str) -> Result<String, ScriptError> {
    let (mut s, online) = preamble(preset, origin, &TORCH)?;
    s.push_str("\n\ndef row(i, label, step, p, loss):\n    # A label with a comma is quoted, as in Descent's CSV.\n    if \",\" in label:\n        label = '\"' + label.replace('\"', '\"\"') + '\"'\n    x, y = p.tolist()\n    print(f\"{i},{label},{step},{x!r},{y!r},{loss!r}\")\n\n\nprint(\"run,label,step,x,y,loss\")\n");
    for (i, run) in preset.runs.iter().enumerate() {
        s.push('\n');
        match run_block(i, run, preset, online) {
            Ok(block) => s.push_str(&block),
            Err(why) => {
                let _ = writeln!(s, "# Run {i}, {}: left out: {why}.", run.display_label());
            }
        }
    }
    Ok(s)
}

/// One run's loop, or why it has no torch counterpart here.
fn run_block(i: usize, run: &RunSpec, preset: &Preset, online: bool) -> Result<String, String> {
    scriptable(run, preset)?;
    let optimizer = optimizer_call(&run.optimizer)?;
    let lbfgs = matches!(run.optimizer, OptimizerConfig::Lbfgs(_));
    if lbfgs && (online || sigma_of(run, preset) != 0.0) {
        return Err("L-BFGS with an online loss or gradient noise is not in scripts yet".into());
    }
    let scheduler = scheduler_call(&run.schedule)?;
    let start = match &run.start {
        Some(p) => format!("[{}, {}]", py(p.0[0]), py(p.0[1])),
        None => "START".into(),
    };
    let label = run.display_label();
    let mut b = String::new();
    let hidden = if run.enabled {
        ""
    } else {
        " (hidden in the window)"
    };
    let _ = writeln!(b, "# Run {i}: {}{hidden}.", run.display_label());
    let _ = writeln!(b, "p = torch.tensor({start}, requires_grad=True)");
    if preset.bounds.is_some() {
        b.push_str("with torch.no_grad():\n    p.clamp_(LOW, HIGH)\n");
    }
    let _ = writeln!(b, "opt = {optimizer}");
    if let Some(scheduler) = &scheduler {
        let _ = writeln!(b, "scheduler = {scheduler}");
    }
    let _ = writeln!(b, "for step in range(STEPS + 1):");
    b.push_str("    opt.zero_grad()\n    loss = loss_fn(p)\n");
    let _ = writeln!(b, "    row({i}, {label:?}, step, p.detach(), loss.item())");
    b.push_str("    if step == STEPS or not math.isfinite(loss.item()):\n        break\n");
    if lbfgs {
        // One step is one step(closure): it evaluates the loss as often as
        // its iterations and line search need.
        b.push_str("\n    def closure():\n        opt.zero_grad()\n        value = loss_fn(p)\n        value.backward()\n        return value\n\n");
        b.push_str("    opt.step(closure)\n");
        if preset.bounds.is_some() {
            b.push_str("    with torch.no_grad():\n        p.clamp_(LOW, HIGH)\n");
        }
        if scheduler.is_some() {
            b.push_str("    scheduler.step()\n");
        }
        return Ok(b);
    }
    if online {
        b.push_str("    forward = step_loss(p, step + 1)\n");
    } else {
        b.push_str("    forward = loss\n");
    }
    b.push_str("    forward.backward()\n");
    let sigma = sigma_of(run, preset);
    if sigma != 0.0 {
        let _ = writeln!(b, "    p.grad += {} * Z[step]", py(sigma));
    }
    b.push_str("    opt.step()\n");
    if preset.bounds.is_some() {
        b.push_str("    with torch.no_grad():\n        p.clamp_(LOW, HIGH)\n");
    }
    if matches!(run.schedule, Schedule::ReduceLROnPlateau(_)) {
        // Fed the loss of the step's forward pass, as Descent feeds it.
        b.push_str("    scheduler.step(forward.item())\n");
    } else if scheduler.is_some() {
        b.push_str("    scheduler.step()\n");
    }
    Ok(b)
}

/// `torch.optim.Kind([p], …)` with the values that differ from torch's
/// defaults, or why the rule has no one-to-one torch class.
fn optimizer_call(config: &OptimizerConfig) -> Result<String, String> {
    if let OptimizerConfig::Lbfgs(l) = config {
        return lbfgs_call(l);
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
    Ok(format!("torch.optim.{class}([p], {})", kwargs.join(", ")))
}

/// `torch.optim.LBFGS([p], …)`; torch's class has no `maximize`.
fn lbfgs_call(l: &crate::optim::Lbfgs) -> Result<String, String> {
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
    Ok(format!("torch.optim.LBFGS([p], {})", kwargs.join(", ")))
}

/// The scheduler stepped after each optimizer step (`None`: constant lr).
fn scheduler_call(schedule: &Schedule) -> Result<Option<String>, String> {
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
