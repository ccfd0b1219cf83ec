//! What the PyTorch and the JAX scripts share: the loss as Python (the
//! built-in surfaces, typed formulas, online terms), the noise draws, σ per
//! run, and numbers Python reads back exactly.

use std::fmt::Write as _;

use super::python_expr::to_python;
use crate::preset::{Preset, RunSpec};
use crate::problem::{ProblemConfig, Surface};

/// Why a preset cannot become a script.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// The problem is not (yet) one a script can write.
    #[error("{0} is not in scripts yet")]
    Problem(String),
    /// The problem's data could not be loaded.
    #[error("the problem cannot be built: {0}")]
    Build(String),
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
pub(super) enum Loss {
    /// One expression in `x`, `y`: what it is, and the Python.
    Plain(String, String),
    /// An online loss: each term's Python; step t descends term (t − 1) mod p.
    Online(Vec<String>),
}

/// What a script's library changes in the part every script shares.
pub(super) struct Flavour {
    /// Where `sin`, `cos`, … come from: `torch` or `jnp`.
    pub module: &'static str,
    /// What every run uses, for the header.
    pub library: &'static str,
    /// The imports and the switch to float64.
    pub imports: &'static str,
    /// An array from a Python list: `torch.tensor` or `jnp.array`.
    pub array: &'static str,
    /// `step_loss` after a plain `loss_fn`, if the loop calls one.
    pub plain_step_loss: Option<&'static str>,
    /// `step_loss` after an online loss's `loss_fn`.
    pub online_step_loss: &'static str,
    /// The Python for no box, and for no noise, if the loop needs names.
    pub without: (Option<&'static str>, Option<&'static str>),
}

/// The header, imports, loss, start, horizon, box and noise draws, and
/// whether the loss is online.
pub(super) fn preamble(
    preset: &Preset,
    origin: &str,
    flavour: &Flavour,
) -> Result<(String, bool), ScriptError> {
    let loss = script_loss(&preset.problem, flavour.module)?;
    let start = match &preset.start {
        Some(p) => p.0.clone(),
        None => problem_start(&preset.problem),
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}\n# Written by Descent from {origin}: every run with {}.\n# Run it with python; it prints run,label,step,x,y,loss as `descent run --csv -` does.\n",
        preset.title, flavour.library
    );
    s.push_str(flavour.imports);
    let online = matches!(loss, Loss::Online(_));
    match loss {
        Loss::Plain(what, expr) => {
            let _ = writeln!(s, "# The loss: {what}");
            let _ = writeln!(
                s,
                "def loss_fn(p):\n    x, y = p[0], p[1]\n    return {expr}\n\n"
            );
            s.push_str(flavour.plain_step_loss.unwrap_or(""));
        }
        Loss::Online(terms) => {
            s.push_str("# An online loss: step t (from 1) descends term (t - 1) mod len(TERMS);\n# the objective (what is printed) is the terms' mean.\nTERMS = [\n");
            for t in terms {
                let _ = writeln!(s, "    lambda x, y: {t},");
            }
            s.push_str("]\n\n\ndef loss_fn(p):\n    return sum(t(p[0], p[1]) for t in TERMS) / len(TERMS)\n\n\n");
            s.push_str(flavour.online_step_loss);
        }
    }
    let _ = writeln!(s, "START = [{}, {}]", py(start[0]), py(start[1]));
    let _ = writeln!(s, "STEPS = {}", preset.steps);
    if let Some(tol) = preset.grad_tol {
        let _ = writeln!(
            s,
            "# A run stops where its gradient's norm falls below this.\nGRAD_TOL = {}",
            py(tol)
        );
    }
    let array = flavour.array;
    match preset.bounds {
        Some(b) => {
            let _ = writeln!(
                s,
                "# The box every step is projected onto, as Descent's `bounds`.\nLOW = {array}([{}, {}])\nHIGH = {array}([{}, {}])",
                py(b.x.0),
                py(b.y.0),
                py(b.x.1),
                py(b.y.1)
            );
        }
        None => s.push_str(flavour.without.0.unwrap_or("")),
    }
    if has_noise(preset) {
        let _ = writeln!(
            s,
            "# Descent's seeded standard-normal draws: step k adds sigma * Z[k] to every run's gradient.\nZ = {array}([\n{}])",
            noise_draws(preset)
        );
    } else {
        s.push_str(flavour.without.1.unwrap_or(""));
    }
    Ok((s, online))
}

/// Why `run` has no script yet, whatever the library: parameter groups,
/// its own penalty, a stopping rule.
pub(super) fn scriptable(run: &RunSpec, preset: &Preset) -> Result<(), String> {
    if !run.groups.is_empty() {
        return Err("parameter groups are not in scripts yet".into());
    }
    if run.penalty.is_some_and(|p| !p.is_zero()) {
        return Err("its own penalty is not in scripts yet".into());
    }
    if run.early_stopping.is_some() || preset.grad_tol.is_some() {
        return Err("stopping rules are not in scripts yet".into());
    }
    Ok(())
}

/// ` + l2·Σw² + l1·Σ|w|` for `run`'s own penalty, given the Python for
/// the weights' sum of squares and of absolute values (empty: none).
pub(super) fn penalty_terms(run: &RunSpec, squares: &str, absolutes: &str) -> String {
    let mut terms = String::new();
    if let Some(p) = run.penalty {
        if p.l2 != 0.0 {
            let _ = write!(terms, " + {} * {squares}", py(p.l2));
        }
        if p.l1 != 0.0 {
            let _ = write!(terms, " + {} * {absolutes}", py(p.l1));
        }
    }
    terms
}

/// Whether any run adds gradient noise.
pub(super) fn has_noise(preset: &Preset) -> bool {
    preset.runs.iter().any(|r| sigma_of(r, preset) != 0.0)
}

/// σ of the noise `run` adds (0: none).
pub(super) fn sigma_of(run: &RunSpec, preset: &Preset) -> f64 {
    run.noise.or(preset.noise).map_or(0.0, |n| n.sigma)
}

/// Every step's draw of the simulation's noise stream, one `[zx, zy],` a line.
pub(super) fn noise_draws(preset: &Preset) -> String {
    let mut stream = crate::sim::NoiseStream::new(2, preset.seed);
    let mut z = [0.0; 2];
    let mut out = String::new();
    for _ in 0..preset.steps {
        stream.next_into(&mut z);
        let _ = writeln!(out, "    [{}, {}],", py(z[0]), py(z[1]));
    }
    out
}

/// A float as Python reads it back exactly (shortest round trip).
pub(super) fn py(v: f64) -> String {
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
pub(super) fn problem_start(problem: &ProblemConfig) -> Vec<f64> {
    problem
        .build(std::path::Path::new("."))
        .map_or_else(|_| vec![0.0, 0.0], |p| p.default_start())
}

/// The loss written with `module`'s operations (`torch` or `jnp`).
pub(super) fn script_loss(problem: &ProblemConfig, module: &str) -> Result<Loss, ScriptError> {
    let python = |formula: &str| {
        to_python(formula, module).map_err(|why| ScriptError::Formula {
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
        _ => return Err(ScriptError::Problem("this model on data".into())),
    };
    let expr = match *surface {
        Surface::Rosenbrock => "(1 - x) ** 2 + 100 * (y - x ** 2) ** 2".to_owned(),
        Surface::Beale => {
            "(1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2"
                .to_owned()
        }
        Surface::Himmelblau => "(x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2".to_owned(),
        Surface::Booth => "(x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2".to_owned(),
        Surface::Matyas => "0.26 * (x ** 2 + y ** 2) - 0.48 * x * y".to_owned(),
        Surface::ThreeHumpCamel => {
            "2 * x ** 2 - 1.05 * x ** 4 + x ** 6 / 6 + x * y + y ** 2".to_owned()
        }
        Surface::SixHumpCamel => {
            "(4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y + (-4 + 4 * y ** 2) * y ** 2"
                .to_owned()
        }
        Surface::GoldsteinPrice => "(1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2)) * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y + 27 * y ** 2))".to_owned(),
        Surface::Ackley => format!(
            "-20 * {module}.exp(-0.2 * {module}.sqrt(0.5 * (x ** 2 + y ** 2))) - {module}.exp(0.5 * ({module}.cos(2 * math.pi * x) + {module}.cos(2 * math.pi * y))) + math.e + 20"
        ),
        Surface::Rastrigin => format!(
            "20 + x ** 2 - 10 * {module}.cos(2 * math.pi * x) + y ** 2 - 10 * {module}.cos(2 * math.pi * y)"
        ),
        Surface::StyblinskiTang => {
            "0.5 * (x ** 4 - 16 * x ** 2 + 5 * x) + 0.5 * (y ** 4 - 16 * y ** 2 + 5 * y)".to_owned()
        }
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
        Surface::GaussianWells => format!(
            "0.05 * (x ** 2 + y ** 2) - 2.0 * {module}.exp(-((x - 1.5) ** 2 + (y - 1.0) ** 2) / 0.98) - 1.2 * {module}.exp(-((x + 1.5) ** 2 + (y + 1.2) ** 2) / 1.62)"
        ),
    };
    Ok(Loss::Plain(surface.formula(), expr))
}
