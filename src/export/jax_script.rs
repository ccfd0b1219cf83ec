//! A preset as a self-contained JAX script with optax: the surface written
//! with `jax.numpy`, each run's rule as the optax transformation that
//! computes it (the convention switch's optax reading: optax's own
//! defaults where the run follows them, its options where the run follows
//! torch), jitted steps in float64, printing Descent's trajectory CSV
//! contract. Here: 2-D surfaces (built in, typed, online) with the box and
//! the gradient noise; models on data are [`super::jax_model`]'s. Rules:
//! SGD (heavy ball, Nesterov), Adam, AdamW, RMSprop and optax's Adagrad,
//! with the optax schedules that compute torch's ([`super::jax_calls`]).
//! Other runs are named in the script and left out.

use std::fmt::Write as _;
use std::path::Path;

use super::jax_calls::{learning_rate, transformation};
use super::script_data::ModelData;
use super::script_parts::{Flavour, ScriptError, preamble, py, scriptable, sigma_of};
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

/// The script for `preset`, titled after `origin` (its file); data files
/// are read from `base_dir`.
pub fn jax_script(preset: &Preset, origin: &str, base_dir: &Path) -> Result<String, ScriptError> {
    if let Some(data) = ModelData::of(preset, base_dir)? {
        return Ok(super::jax_model::model_script(preset, origin, &data));
    }
    let (mut s, _) = preamble(preset, origin, &JAX)?;
    let helper = super::jax_calls::schedule_helper(preset);
    if !helper.is_empty() {
        s.push_str("\n\n");
        s.push_str(helper.trim_end());
        s.push('\n');
    }
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
    let lr = learning_rate(&run.optimizer, &run.schedule, preset.steps)?;
    let opt = transformation(&run.optimizer, &lr)?;
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
