//! A preset as a self-contained PyTorch script: the surface written with
//! torch operations, each run's `torch.optim` class and scheduler in
//! float64, stepped as Descent steps them, printing Descent's trajectory
//! CSV contract. Here: 2-D surfaces (built in, typed, online), with the
//! box, the gradient noise (its draws embedded), penalties and the
//! gradient tolerance; models on data are [`super::torch_model`]'s. Rules:
//! SGD, Adagrad, RMSprop, Adam, AdamW, NAdam, Adadelta, Adamax, `RAdam`,
//! Rprop, ASGD and `LBFGS`, with every `lr_scheduler` Descent has
//! ([`super::torch_calls`]). Other runs are named in the script and left out.

use std::fmt::Write as _;

pub use super::script_parts::ScriptError;
use std::path::Path;

use super::script_data::ModelData;
use super::script_parts::{Flavour, penalty_terms, preamble, py, sigma_of};
use super::torch_calls::{optimizer_call, scheduler_call};
use super::torch_model::model_script;
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

/// The script for `preset`, titled after `origin` (its file); data files
/// are read from `base_dir`.
pub fn torch_script(preset: &Preset, origin: &str, base_dir: &Path) -> Result<String, ScriptError> {
    if let Some(data) = ModelData::of(preset, base_dir)? {
        return Ok(model_script(preset, origin, &data));
    }
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
    if !run.groups.is_empty() {
        return Err("parameter groups are not in scripts yet".into());
    }
    let optimizer = optimizer_call(&run.optimizer, "[p]")?;
    let lbfgs = matches!(run.optimizer, OptimizerConfig::Lbfgs(_));
    if lbfgs && (online || sigma_of(run, preset) != 0.0 || preset.grad_tol.is_some()) {
        return Err(
            "L-BFGS with an online loss, gradient noise or a gradient tolerance is not in scripts yet"
                .into(),
        );
    }
    let penalty = penalty_terms(run, "(p ** 2).sum()", "p.abs().sum()");
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
    let _ = writeln!(b, "    opt.zero_grad()\n    loss = loss_fn(p){penalty}");
    let _ = writeln!(b, "    row({i}, {label:?}, step, p.detach(), loss.item())");
    b.push_str("    if step == STEPS or not math.isfinite(loss.item()):\n        break\n");
    if lbfgs {
        // One step is one step(closure): it evaluates the loss as often as
        // its iterations and line search need.
        let _ = writeln!(
            b,
            "\n    def closure():\n        opt.zero_grad()\n        value = loss_fn(p){penalty}\n        value.backward()\n        return value\n\n    forward = opt.step(closure)"
        );
        if preset.bounds.is_some() {
            b.push_str("    with torch.no_grad():\n        p.clamp_(LOW, HIGH)\n");
        }
        if matches!(run.schedule, Schedule::ReduceLROnPlateau(_)) {
            b.push_str("    scheduler.step(forward.item())\n");
        } else if scheduler.is_some() {
            b.push_str("    scheduler.step()\n");
        }
        return Ok(b);
    }
    if online {
        let _ = writeln!(b, "    forward = step_loss(p, step + 1){penalty}");
    } else {
        b.push_str("    forward = loss\n");
    }
    b.push_str("    forward.backward()\n");
    let sigma = sigma_of(run, preset);
    if sigma != 0.0 {
        let _ = writeln!(b, "    p.grad += {} * Z[step]", py(sigma));
    }
    if preset.grad_tol.is_some() {
        b.push_str("    if p.grad.norm() < GRAD_TOL:\n        break\n");
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
