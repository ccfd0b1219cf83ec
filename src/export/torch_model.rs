//! A preset about a model on data as a PyTorch script: the data embedded,
//! the model as `torch.nn` modules loaded with Descent's start, every run's
//! `torch.optim` class and scheduler stepped on Descent's mini-batches, with
//! its penalty and stopping rules, printing the trajectory CSV contract.

use std::fmt::Write as _;

use super::script_data::{Model, ModelData};
use super::script_parts::{penalty_terms, py};
use super::torch_calls::{optimizer_call, scheduler_call};
use crate::optim::{OptimizerConfig, Schedule};
use crate::preset::{Preset, RunSpec};
use crate::problem::Activation;

/// The script for `preset`'s model on `data`.
pub(super) fn model_script(preset: &Preset, origin: &str, data: &ModelData) -> String {
    let mut s = String::new();
    let columns = header(data);
    let _ = writeln!(
        s,
        "# {}\n# Written by Descent from {origin}: every run with torch.optim in float64.\n# Run it with python; it prints {} as `descent run --csv -` does.\n",
        preset.title,
        columns.replace(&data.names.join(","), "<parameters>")
    );
    s.push_str("import math\n\nimport torch\nimport torch.nn.functional as F\n\ntorch.set_default_dtype(torch.float64)\n\n");
    s.push_str(&data.data_block("torch.tensor"));
    s.push_str("\n\n");
    s.push_str(&model_block(&data.model, data.has_validation()));
    s.push_str("\n\n");
    s.push_str(&data.start_and_batches());
    let _ = writeln!(s, "\n\nSTEPS = {}", preset.steps);
    if let Some(tol) = preset.grad_tol {
        let _ = writeln!(
            s,
            "# A run stops where its gradient's norm falls below this.\nGRAD_TOL = {}",
            py(tol)
        );
    }
    s.push_str(HELPERS);
    s.push_str(&row(data.has_validation()));
    let _ = writeln!(s, "\n\nprint({columns:?})");
    for (i, run) in preset.runs.iter().enumerate() {
        s.push('\n');
        match run_block(i, run, preset, data) {
            Ok(block) => s.push_str(&block),
            Err(why) => {
                let _ = writeln!(s, "# Run {i}, {}: left out: {why}.", run.display_label());
            }
        }
    }
    s
}

/// `run,label,step,<names>,loss[,val_loss]`.
fn header(data: &ModelData) -> String {
    let tail = if data.has_validation() {
        "loss,val_loss"
    } else {
        "loss"
    };
    format!("run,label,step,{},{tail}", data.names.join(","))
}

/// Loading the start and printing a row.
const HELPERS: &str = r"

def load(model, values):
    # Descent's parameter vector into the model's tensors, in its order.
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(values), tensors(model))

";

/// One CSV row: the parameters after `step` steps and the loss there
/// (`@VAL@` marks where the held-out loss goes, see [`row`]).
const ROW: &str = r#"
def row(i, label, step, model, loss@VAL@):
    # A label with a comma is quoted, as in Descent's CSV.
    if "," in label:
        label = '"' + label.replace('"', '""') + '"'
    values = torch.nn.utils.parameters_to_vector(tensors(model)).tolist()
    print(f"{i},{label},{step}," + ",".join(repr(v) for v in values) + f",{loss!r}@CSV@")
"#;

/// [`ROW`], with the held-out loss if `validation`.
fn row(validation: bool) -> String {
    let (param, csv) = if validation {
        (", val", ",{val!r}")
    } else {
        ("", "")
    };
    ROW.replace("@VAL@", param).replace("@CSV@", csv)
}

/// `make_model`, `tensors`, `weights`, `loss_fn` (and `val_fn` with
/// held-out data) for `model`.
fn model_block(model: &Model, validation: bool) -> String {
    let mut s = String::new();
    match model {
        Model::Linear => {
            s.push_str("# The model: y = w·x + b, one torch.nn.Linear(1, 1); Descent's (w, b) are\n# its weight and bias.\ndef make_model():\n    return torch.nn.Linear(1, 1)\n\n\n");
            s.push_str("def tensors(model):\n    # Descent's parameter vector is these tensors flattened, in this order.\n    return [model.weight, model.bias]\n\n\n");
            s.push_str("def weights(model):\n    # What a run's penalty applies to: the weight, not the bias.\n    return [model.weight]\n\n\n");
            s.push_str("def loss_fn(model, idx=None):\n    # The mean squared error over the points idx (all of them by default).\n    x, y = (X, Y) if idx is None else (X[idx], Y[idx])\n    return F.mse_loss(model(x.unsqueeze(1)).squeeze(1), y)\n");
        }
        Model::Polynomial {
            degree,
            l1,
            l2,
            centre,
            half_width,
        } => {
            let _ = writeln!(
                s,
                "# The model: y = theta_0 + sum of theta_k * t**k (k = 1 … DEGREE) with\n# t = (x - CENTRE) / HALF_WIDTH, the training inputs scaled to [-1, 1]: one\n# torch.nn.Linear(DEGREE, 1) over the powers of t, theta_0 its bias.\nDEGREE = {degree}\nCENTRE = {}\nHALF_WIDTH = {}\n\n",
                py(*centre),
                py(*half_width)
            );
            s.push_str("def features(x):\n    t = (x - CENTRE) / HALF_WIDTH\n    return torch.stack([t ** k for k in range(1, DEGREE + 1)], dim=1)\n\n\n");
            s.push_str("def make_model():\n    return torch.nn.Linear(DEGREE, 1)\n\n\n");
            s.push_str("def tensors(model):\n    # Descent's parameter vector is these tensors flattened, in this order.\n    return [model.bias, model.weight]\n\n\n");
            s.push_str("def weights(model):\n    # What a penalty applies to: theta_1 … (the weight), not theta_0.\n    return [model.weight]\n\n\n");
            s.push_str("def mse(model, x, y):\n    return F.mse_loss(model(features(x)).squeeze(1), y)\n\n\n");
            let mut penalties = String::new();
            if *l2 != 0.0 {
                let _ = write!(penalties, " + {} * model.weight.pow(2).sum()", py(*l2));
            }
            if *l1 != 0.0 {
                let _ = write!(penalties, " + {} * model.weight.abs().sum()", py(*l1));
            }
            let own = if penalties.is_empty() {
                ""
            } else {
                ", plus the problem's own penalties"
            };
            let _ = writeln!(
                s,
                "def loss_fn(model, idx=None):\n    # The mean squared error over the points idx (all of them by default){own}.\n    x, y = (X, Y) if idx is None else (X[idx], Y[idx])\n    return mse(model, x, y){penalties}"
            );
            if validation {
                s.push_str("\n\ndef val_fn(model):\n    # The plain mean squared error on the held-out points.\n    return mse(model, XV, YV)\n");
            }
        }
        Model::Network { sizes, activation } => {
            network_block(&mut s, sizes, *activation, validation);
        }
    }
    s
}

/// The network as `torch.nn.Sequential`, and its cross-entropy.
fn network_block(s: &mut String, sizes: &[usize], activation: Activation, validation: bool) {
    let layer = match activation {
        Activation::Tanh => "torch.nn.Tanh()",
        Activation::Relu => "torch.nn.ReLU()",
        Activation::Sigmoid => "torch.nn.Sigmoid()",
    };
    let shape = sizes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("-");
    let _ = writeln!(
        s,
        "# The model: {shape} ({}) as torch.nn.Sequential; layer k's weight [out, in] and\n# bias follow each other in Descent's parameter vector.\ndef make_model():\n    return torch.nn.Sequential(",
        activation.name()
    );
    for (k, w) in sizes.windows(2).enumerate() {
        if k > 0 {
            let _ = writeln!(s, "        {layer},");
        }
        let _ = writeln!(s, "        torch.nn.Linear({}, {}),", w[0], w[1]);
    }
    s.push_str("    )\n\n\n");
    s.push_str("def tensors(model):\n    # Descent's parameter vector is these tensors flattened, in this order.\n    return list(model.parameters())\n\n\n");
    s.push_str("def weights(model):\n    # What a run's penalty applies to: the weights, not the biases.\n    return [layer.weight for layer in model if isinstance(layer, torch.nn.Linear)]\n\n\n");
    let binary = sizes.last() == Some(&1);
    let (what, loss) = if binary {
        (
            "binary cross-entropy of the logit",
            "F.binary_cross_entropy_with_logits(model(x).squeeze(1), y.double())",
        )
    } else {
        (
            "cross-entropy of the logits",
            "F.cross_entropy(model(x), y)",
        )
    };
    let _ = writeln!(
        s,
        "def loss_fn(model, idx=None, x=X, y=Y):\n    # The mean {what} over the points idx (all of them by default).\n    if idx is not None:\n        x, y = x[idx], y[idx]\n    return {loss}"
    );
    if validation {
        s.push_str("\n\ndef val_fn(model):\n    # The same loss on the held-out points.\n    return loss_fn(model, x=XV, y=YV)\n");
    }
}

/// One run's loop, or why it has no torch counterpart here.
fn run_block(i: usize, run: &RunSpec, preset: &Preset, data: &ModelData) -> Result<String, String> {
    if !run.groups.is_empty() {
        return Err("parameter groups are not in scripts yet".into());
    }
    let optimizer = optimizer_call(&run.optimizer, "tensors(model)")?;
    let scheduler = scheduler_call(&run.schedule)?;
    let lbfgs = matches!(run.optimizer, OptimizerConfig::Lbfgs(_));
    if lbfgs && preset.grad_tol.is_some() {
        return Err("L-BFGS with a gradient tolerance is not in scripts yet".into());
    }
    let penalty = penalty_terms(
        run,
        "sum(w.pow(2).sum() for w in weights(model))",
        "sum(w.abs().sum() for w in weights(model))",
    );
    let size = run.batch_size.or(preset.batch_size);
    let mini = size.filter(|s| data.orders.iter().any(|(o, _)| o == s));
    let validation = data.has_validation();
    let stopping = run
        .early_stopping
        .or(preset.early_stopping)
        .filter(|_| validation);
    let start = match &run.start {
        Some(p) => format!(
            "[{}]",
            p.0.iter().map(|&v| py(v)).collect::<Vec<_>>().join(", ")
        ),
        None => "START".into(),
    };
    let label = run.display_label();
    let mut b = String::new();
    let hidden = if run.enabled {
        ""
    } else {
        " (hidden in the window)"
    };
    let _ = writeln!(b, "# Run {i}: {label}{hidden}.");
    let _ = writeln!(b, "model = make_model()\nload(model, {start})");
    let _ = writeln!(b, "opt = {optimizer}");
    if let Some(scheduler) = &scheduler {
        let _ = writeln!(b, "scheduler = {scheduler}");
    }
    if let Some(size) = mini {
        let _ = writeln!(b, "stream = batches({size})");
    }
    if let Some(rule) = stopping {
        let _ = writeln!(
            b,
            "# Early stopping: the best held-out loss, and the step it was seen at.\nbest = (math.inf, 0)\nPATIENCE, MIN_DELTA = {}, {}",
            rule.patience,
            py(rule.min_delta)
        );
    }
    b.push_str("for step in range(STEPS + 1):\n    opt.zero_grad()\n");
    if mini.is_none() && !lbfgs {
        // The full-data loss is also the one this step descends.
        let _ = writeln!(b, "    loss = loss_fn(model){penalty}");
    } else {
        let _ = writeln!(
            b,
            "    with torch.no_grad():\n        loss = loss_fn(model){penalty}"
        );
    }
    if validation {
        b.push_str("    with torch.no_grad():\n        val = val_fn(model).item()\n");
        let _ = writeln!(b, "    row({i}, {label:?}, step, model, loss.item(), val)");
    } else {
        let _ = writeln!(b, "    row({i}, {label:?}, step, model, loss.item())");
    }
    b.push_str("    if step == STEPS or not math.isfinite(loss.item()):\n        break\n");
    if stopping.is_some() {
        b.push_str("    if val < best[0] - MIN_DELTA:\n        best = (val, step)\n    elif step - best[1] >= PATIENCE:\n        break\n");
    }
    step_lines(
        &mut b,
        &StepShape {
            mini: mini.is_some(),
            lbfgs,
            penalty: &penalty,
            grad_tol: preset.grad_tol.is_some(),
            scheduler: match (&scheduler, &run.schedule) {
                (None, _) => SchedulerStep::None,
                (Some(_), Schedule::ReduceLROnPlateau(_)) => SchedulerStep::FedTheLoss,
                (Some(_), _) => SchedulerStep::Plain,
            },
        },
    );
    Ok(b.replace("loss_fn(model, )", "loss_fn(model)"))
}

/// What a step of a run's loop does.
struct StepShape<'a> {
    /// On a mini-batch (else the full data, whose loss is already there).
    mini: bool,
    /// Through L-BFGS's closure.
    lbfgs: bool,
    /// The run's penalty terms.
    penalty: &'a str,
    /// Whether a small gradient stops the run.
    grad_tol: bool,
    /// How the scheduler steps.
    scheduler: SchedulerStep,
}

/// How a run's scheduler steps after the optimizer.
enum SchedulerStep {
    /// There is none.
    None,
    /// `scheduler.step()`.
    Plain,
    /// `scheduler.step(loss)`, as `ReduceLROnPlateau` takes it.
    FedTheLoss,
}

/// The step after a row: the forward pass on the step's batch, backward,
/// the optimizer's step and the scheduler's.
fn step_lines(b: &mut String, shape: &StepShape<'_>) {
    let penalty = shape.penalty;
    let batch = if shape.mini { "next(stream)" } else { "" };
    if shape.lbfgs {
        if shape.mini {
            b.push_str("    idx = next(stream)\n");
        }
        let idx = if shape.mini { "idx" } else { "" };
        // One step is one step(closure): it evaluates the loss as often as
        // its iterations and line search need.
        let _ = writeln!(
            b,
            "\n    def closure():\n        opt.zero_grad()\n        value = loss_fn(model, {idx}){penalty}\n        value.backward()\n        return value\n\n    forward = opt.step(closure)"
        );
    } else {
        if shape.mini {
            let _ = writeln!(
                b,
                "    forward = loss_fn(model, {batch}){penalty}\n    forward.backward()"
            );
        } else {
            b.push_str("    loss.backward()\n");
        }
        if shape.grad_tol {
            b.push_str("    if torch.cat([t.grad.reshape(-1) for t in tensors(model)]).norm() < GRAD_TOL:\n        break\n");
        }
        b.push_str("    opt.step()\n");
    }
    match shape.scheduler {
        SchedulerStep::None => {}
        SchedulerStep::Plain => b.push_str("    scheduler.step()\n"),
        SchedulerStep::FedTheLoss => {
            // Fed the loss of the step's forward pass, as Descent feeds it.
            let descended = if shape.mini || shape.lbfgs {
                "forward"
            } else {
                "loss"
            };
            let _ = writeln!(b, "    scheduler.step({descended}.item())");
        }
    }
}
