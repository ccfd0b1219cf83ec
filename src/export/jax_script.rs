//! A preset as a self-contained JAX script with optax: the surface written
//! with `jax.numpy`, each run's rule as the optax transformation that
//! computes it (the convention switch's optax reading: optax's own
//! defaults where the run follows them, its options where the run follows
//! torch), jitted steps in float64, printing Descent's trajectory CSV
//! contract. So far: 2-D surfaces (built in, typed, online) with the box and
//! the gradient noise; SGD (heavy ball, Nesterov), Adam, AdamW,
//! RMSprop and optax's Adagrad at a constant lr. Other runs are named in
//! the script and left out.

use std::fmt::Write as _;

use super::script_parts::{Flavour, ScriptError, preamble, py, scriptable, sigma_of};
use crate::optim::{OptimizerConfig, Schedule};
use crate::preset::{Preset, RunSpec};

/// What a JAX script imports and calls; every loop takes `step_loss`, the
/// box and the draws (zero without noise).
const JAX: Flavour = Flavour {
    module: "jnp",
    library: "optax in float64 (jax_enable_x64)",
    imports: "import math\n\nimport jax\nimport jax.numpy as jnp\nimport optax\n\njax.config.update(\"jax_enable_x64\", True)\n\n",
    array: "jnp.array",
    plain_step_loss: Some(
        "# The loss each step descends (here the loss itself).\ndef step_loss(p, t):\n    return loss_fn(p)\n\n\n",
    ),
    online_step_loss: "def step_loss(p, t):\n    branches = [lambda p, term=term: term(p[0], p[1]) for term in TERMS]\n    return jax.lax.switch((t - 1) % len(TERMS), branches, p)\n\n\n",
    without: (
        Some("LOW, HIGH = -jnp.inf, jnp.inf\n"),
        Some("Z = jnp.zeros((max(STEPS, 1), 2))\n"),
    ),
};

/// The script for `preset`, titled after `origin` (its file).
pub fn jax_script(preset: &Preset, origin: &str) -> Result<String, ScriptError> {
    let (mut s, _) = preamble(preset, origin, &JAX)?;
    s.push_str(RUN_LOOP);
    s.push_str("\nprint(\"run,label,step,x,y,loss\")\n");
    for (i, run) in preset.runs.iter().enumerate() {
        s.push('\n');
        match run_call(i, run, preset) {
            Ok(call) => s.push_str(&call),
            Err(why) => {
                let _ = writeln!(s, "# Run {i}, {}: left out: {why}.", run.display_label());
            }
        }
    }
    Ok(s)
}

/// One run, from its start, with a jitted step: the gradient of the step's
/// loss, the noise, optax's update, the box.
const RUN_LOOP: &str = r#"

def row(i, label, step, p, loss):
    # A label with a comma is quoted, as in Descent's CSV.
    if "," in label:
        label = '"' + label.replace('"', '""') + '"'
    x, y = (float(v) for v in p)
    print(f"{i},{label},{step},{x!r},{y!r},{loss!r}")


def run(i, label, opt, start, sigma):
    p = jnp.clip(jnp.array(start), LOW, HIGH)
    state = opt.init(p)

    @jax.jit
    def step(p, state, t, z):
        g = jax.grad(step_loss)(p, t) + sigma * z
        updates, state = opt.update(g, state, p)
        return jnp.clip(optax.apply_updates(p, updates), LOW, HIGH), state

    objective = jax.jit(loss_fn)
    for k in range(STEPS + 1):
        loss = float(objective(p))
        row(i, label, k, p, loss)
        if k == STEPS or not math.isfinite(loss):
            break
        p, state = step(p, state, k + 1, Z[k])

"#;

/// `run(…)` for one run, or why optax has no exact counterpart here.
fn run_call(i: usize, run: &RunSpec, preset: &Preset) -> Result<String, String> {
    scriptable(run, preset)?;
    if !matches!(run.schedule, Schedule::Constant) {
        return Err(format!(
            "the {} schedule is not in JAX scripts yet",
            run.schedule.name()
        ));
    }
    let opt = transformation(&run.optimizer)?;
    let start = match &run.start {
        Some(p) => format!("[{}, {}]", py(p.0[0]), py(p.0[1])),
        None => "START".into(),
    };
    let hidden = if run.enabled {
        ""
    } else {
        " (hidden in the window)"
    };
    Ok(format!(
        "# Run {i}: {}{hidden}.\nrun({i}, {:?}, {opt}, {start}, {})\n",
        run.display_label(),
        run.display_label(),
        py(sigma_of(run, preset))
    ))
}

/// The optax transformation that computes `config`'s update, or why there
/// is none that does exactly.
fn transformation(config: &OptimizerConfig) -> Result<String, String> {
    Ok(match config {
        OptimizerConfig::Sgd(s) => sgd(s)?,
        OptimizerConfig::Adam(a) => adam(a)?,
        OptimizerConfig::AdamW(a) => {
            if a.maximize || a.amsgrad || a.eps_in_sqrt {
                return Err(
                    "maximize, AMSGrad and ε inside the sqrt are not in JAX AdamW yet".into(),
                );
            }
            format!(
                "optax.adamw({}, b1={}, b2={}, eps={}, weight_decay={})",
                py(a.lr),
                py(a.betas.0),
                py(a.betas.1),
                py(a.eps),
                py(a.weight_decay)
            )
        }
        OptimizerConfig::RmsProp(r) => {
            if r.maximize || r.weight_decay != 0.0 {
                return Err("maximize and weight decay are not in JAX RMSprop yet".into());
            }
            let momentum = if r.momentum == 0.0 {
                String::new()
            } else {
                format!(", momentum={}", py(r.momentum))
            };
            format!(
                "optax.rmsprop({}, decay={}, eps={}, eps_in_sqrt={}, centered={}{momentum})",
                py(r.lr),
                py(r.alpha),
                py(r.eps),
                if r.eps_in_sqrt { "True" } else { "False" },
                if r.centered { "True" } else { "False" }
            )
        }
        OptimizerConfig::Adagrad(a) => {
            if !a.eps_in_sqrt || a.lr_decay != 0.0 || a.maximize || a.weight_decay != 0.0 {
                return Err(
                    "optax's adagrad puts ε inside the sqrt and has no lr decay: only the optax reading is written".into(),
                );
            }
            format!(
                "optax.adagrad({}, initial_accumulator_value={}, eps={})",
                py(a.lr),
                py(a.initial_accumulator_value),
                py(a.eps)
            )
        }
        other => return Err(format!("{} is not in JAX scripts yet", other.short_name())),
    })
}

/// torch's coupled weight decay (g + λθ before the rule) as optax's
/// `add_decayed_weights` ahead of `inner`.
fn decayed(wd: f64, inner: String) -> String {
    if wd == 0.0 {
        inner
    } else {
        format!(
            "optax.chain(optax.add_decayed_weights({}), {inner})",
            py(wd)
        )
    }
}

/// `optax.sgd` for torch's SGD without dampening.
fn sgd(s: &crate::optim::Sgd) -> Result<String, String> {
    if s.dampening != 0.0 || s.maximize || s.lr_inside_momentum || s.look_ahead {
        return Err("optax's sgd has no dampening, maximize or textbook momentum".into());
    }
    let momentum = if s.momentum == 0.0 {
        String::new()
    } else {
        format!(", momentum={}", py(s.momentum))
    };
    let nesterov = if s.nesterov { ", nesterov=True" } else { "" };
    Ok(decayed(
        s.weight_decay,
        format!("optax.sgd({}{momentum}{nesterov})", py(s.lr)),
    ))
}

/// `optax.adam` for torch's Adam (not AMSGrad: optax's takes another max).
fn adam(a: &crate::optim::Adam) -> Result<String, String> {
    if a.amsgrad {
        return Err(
            "optax's amsgrad keeps the running max of the bias-corrected v̂, torch's of v".into(),
        );
    }
    if a.maximize || a.decoupled_weight_decay {
        return Err("maximize and Adam's decoupled decay are not in JAX scripts yet".into());
    }
    let (eps, eps_root) = if a.eps_in_sqrt {
        (0.0, a.eps)
    } else {
        (a.eps, 0.0)
    };
    Ok(decayed(
        a.weight_decay,
        format!(
            "optax.adam({}, b1={}, b2={}, eps={}, eps_root={})",
            py(a.lr),
            py(a.betas.0),
            py(a.betas.1),
            py(eps),
            py(eps_root)
        ),
    ))
}
