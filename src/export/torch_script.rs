//! A preset as a self-contained PyTorch script: the surface written with
//! torch operations, each run's `torch.optim` class and scheduler in
//! float64, stepped as Descent steps them, printing Descent's trajectory
//! CSV contract. So far: 2-D surfaces (built in, typed, online), with the
//! box and the gradient noise (its draws embedded), the torch.optim
//! classes with a one-to-one counterpart, and the Constant, StepLR,
//! ExponentialLR and CosineAnnealingLR schedules; runs outside that are
//! named in the script and left out.

use std::fmt::Write as _;

use super::python_expr::to_python;
use crate::optim::params::Value;
use crate::optim::{OptimizerConfig, Schedule};
use crate::preset::{Preset, RunSpec};
use crate::problem::{ProblemConfig, Surface};

/// Why a preset cannot become a script.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// The problem is not (yet) one a script can write.
    #[error("a PyTorch script can be written for 2-D surfaces so far, not for {0}")]
    Problem(String),
    /// A typed formula has something Python cannot be given.
    #[error("the formula `{formula}` cannot be written for Python: {why}")]
    Formula {
        /// The formula.
        formula: String,
        /// What is in the way.
        why: String,
    },
}

/// The loss as the script writes it.
enum Loss {
    /// One expression in `x`, `y`: what it is, and the Python.
    Plain(String, String),
    /// An online loss: each term's Python; step t descends term (t − 1) mod p.
    Online(Vec<String>),
}

/// The script for `preset`, titled after `origin` (its file).
pub fn torch_script(preset: &Preset, origin: &str) -> Result<String, ScriptError> {
    let loss = script_loss(&preset.problem)?;
    let start = match &preset.start {
        Some(p) => p.0.clone(),
        None => problem_start(&preset.problem),
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}\n# Written by Descent from {origin}: every run with torch.optim in float64.\n# Run it with python; it prints run,label,step,x,y,loss as `descent run --csv -` does.\n",
        preset.title
    );
    s.push_str("import math\n\nimport torch\n\ntorch.set_default_dtype(torch.float64)\n\n");
    match &loss {
        Loss::Plain(what, expr) => {
            let _ = writeln!(s, "# The loss: {what}");
            let _ = writeln!(
                s,
                "def loss_fn(p):\n    x, y = p[0], p[1]\n    return {expr}\n\n"
            );
        }
        Loss::Online(terms) => {
            s.push_str("# An online loss: step t (from 1) descends term (t - 1) mod len(TERMS);\n# the objective (what is printed) is the terms' mean.\nTERMS = [\n");
            for t in terms {
                let _ = writeln!(s, "    lambda x, y: {t},");
            }
            s.push_str("]\n\n\ndef loss_fn(p):\n    return sum(t(p[0], p[1]) for t in TERMS) / len(TERMS)\n\n\n");
            s.push_str(
                "def step_loss(p, t):\n    return TERMS[(t - 1) % len(TERMS)](p[0], p[1])\n\n\n",
            );
        }
    }
    let _ = writeln!(s, "START = [{}, {}]", py(start[0]), py(start[1]));
    let _ = writeln!(s, "STEPS = {}", preset.steps);
    if let Some(b) = preset.bounds {
        let _ = writeln!(
            s,
            "# The box every step is projected onto, as Descent's `bounds`.\nLOW = torch.tensor([{}, {}])\nHIGH = torch.tensor([{}, {}])",
            py(b.x.0),
            py(b.y.0),
            py(b.x.1),
            py(b.y.1)
        );
    }
    if has_noise(preset) {
        let _ = writeln!(
            s,
            "# Descent's seeded standard-normal draws: step k adds sigma * Z[k] to every run's gradient.\nZ = torch.tensor([\n{}])",
            noise_draws(preset)
        );
    }
    s.push_str("\n\ndef row(i, label, step, p, loss):\n    # A label with a comma is quoted, as in Descent's CSV.\n    if \",\" in label:\n        label = '\"' + label.replace('\"', '\"\"') + '\"'\n    x, y = p.tolist()\n    print(f\"{i},{label},{step},{x!r},{y!r},{loss!r}\")\n\n\nprint(\"run,label,step,x,y,loss\")\n");
    let online = matches!(loss, Loss::Online(_));
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

/// Whether any run adds gradient noise.
fn has_noise(preset: &Preset) -> bool {
    preset.runs.iter().any(|r| sigma_of(r, preset) != 0.0)
}

/// σ of the noise `run` adds (0: none).
fn sigma_of(run: &RunSpec, preset: &Preset) -> f64 {
    run.noise.or(preset.noise).map_or(0.0, |n| n.sigma)
}

/// Every step's draw of the simulation's noise stream, one `[zx, zy],` a line.
fn noise_draws(preset: &Preset) -> String {
    let mut stream = crate::sim::NoiseStream::new(2, preset.seed);
    let mut z = [0.0; 2];
    let mut out = String::new();
    for _ in 0..preset.steps {
        stream.next_into(&mut z);
        let _ = writeln!(out, "    [{}, {}],", py(z[0]), py(z[1]));
    }
    out
}

/// One run's loop, or why it has no torch counterpart here.
fn run_block(i: usize, run: &RunSpec, preset: &Preset, online: bool) -> Result<String, String> {
    if !run.groups.is_empty() {
        return Err("parameter groups are not in scripts yet".into());
    }
    if run.penalty.is_some_and(|p| !p.is_zero()) {
        return Err("its own penalty is not in scripts yet".into());
    }
    if run.early_stopping.is_some() || preset.grad_tol.is_some() {
        return Err("stopping rules are not in scripts yet".into());
    }
    let optimizer = optimizer_call(&run.optimizer)?;
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
    if online {
        b.push_str("    step_loss(p, step + 1).backward()\n");
    } else {
        b.push_str("    loss.backward()\n");
    }
    let sigma = sigma_of(run, preset);
    if sigma != 0.0 {
        let _ = writeln!(b, "    p.grad += {} * Z[step]", py(sigma));
    }
    b.push_str("    opt.step()\n");
    if preset.bounds.is_some() {
        b.push_str("    with torch.no_grad():\n        p.clamp_(LOW, HIGH)\n");
    }
    if scheduler.is_some() {
        b.push_str("    scheduler.step()\n");
    }
    Ok(b)
}

/// `torch.optim.Kind([p], …)` with the values that differ from torch's
/// defaults, or why the rule has no one-to-one torch class.
fn optimizer_call(config: &OptimizerConfig) -> Result<String, String> {
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
        other => {
            return Err(format!(
                "{} is not in scripts yet (only torch.optim classes with one-to-one kwargs are)",
                other.short_name()
            ));
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
    let mut betas: Option<(String, String)> = None;
    for (s, d) in config.params().iter().zip(&defaults) {
        let text = match s.value {
            Value::Real(v) => py(v),
            Value::Flag(b) => if b { "True" } else { "False" }.to_owned(),
        };
        match s.name() {
            "lr" => {}
            "beta1" => betas.get_or_insert_with(Default::default).0 = text,
            "beta2" => betas.get_or_insert_with(Default::default).1 = text,
            name if s.value != d.value => kwargs.push(format!("{name}={text}")),
            _ => {}
        }
    }
    if let Some((b1, b2)) = betas {
        kwargs.insert(1, format!("betas=({b1}, {b2})"));
    }
    Ok(format!("torch.optim.{class}([p], {})", kwargs.join(", ")))
}

/// The scheduler stepped after each optimizer step (`None`: constant lr).
fn scheduler_call(schedule: &Schedule) -> Result<Option<String>, String> {
    let prefix = "torch.optim.lr_scheduler";
    Ok(match schedule {
        Schedule::Constant => None,
        Schedule::StepLR(s) => Some(format!(
            "{prefix}.StepLR(opt, step_size={}, gamma={})",
            s.step_size,
            py(s.gamma)
        )),
        Schedule::ExponentialLR(s) => Some(format!(
            "{prefix}.ExponentialLR(opt, gamma={})",
            py(s.gamma)
        )),
        Schedule::CosineAnnealingLR(s) => Some(format!(
            "{prefix}.CosineAnnealingLR(opt, T_max={}, eta_min={})",
            s.t_max,
            py(s.eta_min)
        )),
        other => {
            return Err(format!(
                "the {} schedule is not in scripts yet",
                other.name()
            ));
        }
    })
}

/// A float as Python reads it back exactly (shortest round trip).
fn py(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else if v.is_nan() {
        "math.nan".into()
    } else if v > 0.0 {
        "math.inf".into()
    } else {
        "-math.inf".into()
    }
}

/// The problem's own start.
fn problem_start(problem: &ProblemConfig) -> Vec<f64> {
    problem
        .build(std::path::Path::new("."))
        .map_or_else(|_| vec![0.0, 0.0], |p| p.default_start())
}

/// The loss written with torch operations.
fn script_loss(problem: &ProblemConfig) -> Result<Loss, ScriptError> {
    let python = |formula: &str| {
        to_python(formula, "torch").map_err(|why| ScriptError::Formula {
            formula: formula.to_owned(),
            why,
        })
    };
    let surface = match problem {
        ProblemConfig::Surface(surface) => surface,
        ProblemConfig::Expression(e) => {
            return Ok(Loss::Plain(e.formula.clone(), python(&e.formula)?));
        }
        ProblemConfig::Online(o) => {
            let terms = o
                .terms
                .iter()
                .map(|t| python(t))
                .collect::<Result<_, _>>()?;
            return Ok(Loss::Online(terms));
        }
        _ => return Err(ScriptError::Problem("models on data (yet)".into())),
    };
    let expr = match *surface {
        Surface::Rosenbrock => "(1 - x) ** 2 + 100 * (y - x ** 2) ** 2".to_owned(),
        Surface::Beale => "(1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2".to_owned(),
        Surface::Himmelblau => "(x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2".to_owned(),
        Surface::Booth => "(x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2".to_owned(),
        Surface::Matyas => "0.26 * (x ** 2 + y ** 2) - 0.48 * x * y".to_owned(),
        Surface::ThreeHumpCamel => "2 * x ** 2 - 1.05 * x ** 4 + x ** 6 / 6 + x * y + y ** 2".to_owned(),
        Surface::SixHumpCamel => "(4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2".to_owned(),
        Surface::Rastrigin => "20 + x ** 2 - 10 * torch.cos(2 * math.pi * x) + y ** 2 - 10 * torch.cos(2 * math.pi * y)".to_owned(),
        Surface::StyblinskiTang => "0.5 * (x ** 4 - 16 * x ** 2 + 5 * x) + 0.5 * (y ** 4 - 16 * y ** 2 + 5 * y)".to_owned(),
        Surface::IllConditioned { condition, angle } => {
            let (sin, cos) = angle.to_radians().sin_cos();
            format!(
                "0.5 * ((x * {c} + y * {s}) ** 2 + {k} * (-x * {s} + y * {c}) ** 2)",
                c = py(cos),
                s = py(sin),
                k = py(condition)
            )
        }
        Surface::Saddle => "x ** 2 - y ** 2".to_owned(),
        Surface::SaddleWithMinima => "0.5 * x ** 2 - 0.5 * y ** 2 + 0.25 * y ** 4".to_owned(),
        Surface::GaussianWells => "0.05 * (x ** 2 + y ** 2) - 2.0 * torch.exp(-((x - 1.5) ** 2 + (y - 1.0) ** 2) / 0.98) - 1.2 * torch.exp(-((x + 1.5) ** 2 + (y + 1.2) ** 2) / 1.62)".to_owned(),
        other => {
            return Err(ScriptError::Problem(format!("the {} surface (yet)", other.name())));
        }
    };
    Ok(Loss::Plain(surface.formula(), expr))
}
