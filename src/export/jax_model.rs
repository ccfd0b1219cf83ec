//! A preset about a model on data as a JAX script: the data embedded, the
//! model as a function of Descent's flat parameter vector, every run's optax
//! transformation and schedule jitted in float64 on Descent's mini-batches,
//! with its penalty and stopping rules, printing the trajectory CSV contract.

use std::fmt::Write as _;

use super::jax_calls::{learning_rate, transformation};
use super::script_data::{Model, ModelData};
use super::script_parts::py;
use crate::preset::{Preset, RunSpec};
use crate::problem::Activation;

/// The script for `preset`'s model on `data`.
pub(super) fn model_script(preset: &Preset, origin: &str, data: &ModelData) -> String {
    let validation = data.has_validation();
    let tail = if validation { "loss,val_loss" } else { "loss" };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}\n# Written by Descent from {origin}: every run with optax in float64 (jax_enable_x64).\n# Run it with python; it prints run,label,step,<parameters>,{tail} as `descent run --csv -` does.\n",
        preset.title
    );
    s.push_str("import math\n\nimport jax\nimport jax.numpy as jnp\nimport optax\n\njax.config.update(\"jax_enable_x64\", True)\n\n");
    s.push_str(super::jax_calls::schedule_helper(preset));
    s.push_str(&data.data_block("jnp.array"));
    s.push_str("\n\n");
    s.push_str(&model_block(&data.model, validation));
    s.push_str("\n\n");
    s.push_str(&data.start_and_batches());
    let _ = writeln!(s, "\n\nSTEPS = {}", preset.steps);
    let _ = writeln!(
        s,
        "# A run stops where its gradient's norm falls below this (None: never).\nGRAD_TOL = {}",
        preset.grad_tol.map_or_else(|| "None".to_owned(), py)
    );
    s.push_str(&run_loop(validation));
    let _ = writeln!(
        s,
        "\n\nprint(\"run,label,step,{},{tail}\")",
        data.names.join(",")
    );
    for (i, run) in preset.runs.iter().enumerate() {
        s.push('\n');
        match run_call(i, run, preset, data) {
            Ok(call) => s.push_str(&call),
            Err(why) => {
                let _ = writeln!(s, "# Run {i}, {}: left out: {why}.", run.display_label());
            }
        }
    }
    s
}

/// `predict`, `weights`, `loss_fn` (and `val_fn` with held-out data).
fn model_block(model: &Model, validation: bool) -> String {
    let mut s = String::new();
    match model {
        Model::Linear => {
            s.push_str("def predict(p, x):\n    # y = w·x + b, Descent's (w, b).\n    return p[0] * x + p[1]\n\n\n");
            s.push_str("def weights(p):\n    # What a run's penalty applies to: w, not b.\n    return p[:1]\n\n\n");
            s.push_str("def loss_fn(p, x=X, y=Y):\n    # The mean squared error.\n    return jnp.mean((predict(p, x) - y) ** 2)\n");
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
                "# The model: y = theta_0 + sum of theta_k * t**k (k = 1 … DEGREE) with\n# t = (x - CENTRE) / HALF_WIDTH, the training inputs scaled to [-1, 1].\nDEGREE = {degree}\nCENTRE = {}\nHALF_WIDTH = {}\n\n",
                py(*centre),
                py(*half_width)
            );
            s.push_str("def predict(p, x):\n    t = (x - CENTRE) / HALF_WIDTH\n    powers = jnp.stack([t ** k for k in range(1, DEGREE + 1)], axis=1)\n    return p[0] + powers @ p[1:]\n\n\n");
            s.push_str("def weights(p):\n    # What a penalty applies to: theta_1 …, not theta_0.\n    return p[1:]\n\n\n");
            s.push_str("def mse(p, x, y):\n    return jnp.mean((predict(p, x) - y) ** 2)\n\n\n");
            let mut own = String::new();
            if *l2 != 0.0 {
                let _ = write!(own, " + {} * jnp.sum(weights(p) ** 2)", py(*l2));
            }
            if *l1 != 0.0 {
                let _ = write!(own, " + {} * jnp.sum(jnp.abs(weights(p)))", py(*l1));
            }
            let _ = writeln!(
                s,
                "def loss_fn(p, x=X, y=Y):\n    # The mean squared error, with the problem's own penalties.\n    return mse(p, x, y){own}"
            );
            if validation {
                s.push_str("\n\ndef val_fn(p):\n    # The plain mean squared error on the held-out points.\n    return mse(p, XV, YV)\n");
            }
        }
        Model::Network { sizes, activation } => {
            network_block(&mut s, sizes, *activation, validation);
        }
    }
    s
}

/// The network as layers cut from the flat vector, and its cross-entropy.
fn network_block(s: &mut String, sizes: &[usize], activation: Activation, validation: bool) {
    let act = match activation {
        Activation::Tanh => "jnp.tanh",
        Activation::Relu => "jax.nn.relu",
        Activation::Sigmoid => "jax.nn.sigmoid",
    };
    let _ = writeln!(
        s,
        "# The model: {} ({}), layer after layer.\nSIZES = {sizes:?}\n\n",
        sizes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("-"),
        activation.name()
    );
    s.push_str("def layers(p):\n    # Descent's vector holds each layer's weight [out, in], then its bias.\n    at, out = 0, []\n    for n_in, n_out in zip(SIZES, SIZES[1:]):\n        w = p[at:at + n_out * n_in].reshape(n_out, n_in)\n        b = p[at + n_out * n_in:at + n_out * n_in + n_out]\n        out.append((w, b))\n        at += n_out * n_in + n_out\n    return out\n\n\n");
    let _ = writeln!(
        s,
        "def predict(p, x):\n    *hidden, (w, b) = layers(p)\n    for wh, bh in hidden:\n        x = {act}(x @ wh.T + bh)\n    return x @ w.T + b\n\n"
    );
    s.push_str("def weights(p):\n    # What a run's penalty applies to: the weights, not the biases.\n    return jnp.concatenate([w.ravel() for w, _ in layers(p)])\n\n\n");
    let loss = if sizes.last() == Some(&1) {
        "# The mean binary cross-entropy of the logit.\n    return jnp.mean(optax.sigmoid_binary_cross_entropy(predict(p, x)[:, 0], y))"
    } else {
        "# The mean cross-entropy of the logits.\n    return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(predict(p, x), y))"
    };
    let _ = writeln!(s, "def loss_fn(p, x=X, y=Y):\n    {loss}");
    if validation {
        s.push_str("\n\ndef val_fn(p):\n    # The same loss on the held-out points.\n    return loss_fn(p, XV, YV)\n");
    }
}

/// One run from its start: the jitted step on each step's batch, the
/// full-data loss printed at every row, and the stopping rules; `@…@`
/// marks what held-out data add (see [`run_loop`]).
const RUN_LOOP: &str = r#"

def row(i, label, step, p, loss@ROW_PARAM@):
    # A label with a comma is quoted, as in Descent's CSV.
    if "," in label:
        label = '"' + label.replace('"', '""') + '"'
    print(f"{i},{label},{step}," + ",".join(repr(float(v)) for v in p) + f",{loss!r}@ROW_CSV@")


def run(i, label, opt, start, size, l1=0.0, l2=0.0@RUN_PARAMS@):
    def objective(p, x=X, y=Y):
        # The loss, plus the run's own penalty on the weights.
        w = weights(p)
        return loss_fn(p, x, y) + l2 * jnp.sum(w ** 2) + l1 * jnp.sum(jnp.abs(w))

    @jax.jit
    def step(p, state, x, y):
        g = jax.grad(objective)(p, x, y)
        updates, state = opt.update(g, state, p)
        return optax.apply_updates(p, updates), state, jnp.linalg.norm(g)

    p = jnp.array(start)
    state = opt.init(p)
@JIT@    stream = batches(size)
@BEST@    for k in range(STEPS + 1):
@EVAL@        if k == STEPS or not math.isfinite(loss):
            break
@EARLY@        idx = next(stream)
        x, y = (X, Y) if idx is None else (X[jnp.array(idx)], Y[jnp.array(idx)])
        after, state_after, norm = step(p, state, x, y)
        if GRAD_TOL is not None and float(norm) < GRAD_TOL:
            break
        p, state = after, state_after
"#;

/// [`RUN_LOOP`], with the held-out loss and early stopping if `validation`.
fn run_loop(validation: bool) -> String {
    let parts: [(&str, &str, &str); 7] = [
        ("@ROW_PARAM@", "", ", val"),
        ("@ROW_CSV@", "", ",{val!r}"),
        ("@RUN_PARAMS@", "", ", patience=None, min_delta=0.0"),
        (
            "@JIT@",
            "    full = jax.jit(objective)\n",
            "    full, held_out = jax.jit(objective), jax.jit(val_fn)\n",
        ),
        (
            "@BEST@",
            "",
            "    best = (math.inf, 0)  # the best held-out loss, and its step\n",
        ),
        (
            "@EVAL@",
            "        loss = float(full(p))\n        row(i, label, k, p, loss)\n",
            "        loss, val = float(full(p)), float(held_out(p))\n        row(i, label, k, p, loss, val)\n",
        ),
        (
            "@EARLY@",
            "",
            "        if patience is not None:\n            if val < best[0] - min_delta:\n                best = (val, k)\n            elif k - best[1] >= patience:\n                break\n",
        ),
    ];
    parts
        .iter()
        .fold(RUN_LOOP.to_owned(), |text, (marker, without, with)| {
            text.replace(marker, if validation { with } else { without })
        })
}

/// `run(…)` for one run, or why optax has no exact counterpart here.
fn run_call(i: usize, run: &RunSpec, preset: &Preset, data: &ModelData) -> Result<String, String> {
    if !run.groups.is_empty() {
        return Err("parameter groups are not in scripts yet".into());
    }
    let lr = learning_rate(&run.optimizer, &run.schedule, preset.steps)?;
    let opt = transformation(&run.optimizer, &lr)?;
    let start = match &run.start {
        Some(p) => format!(
            "[{}]",
            p.0.iter().map(|&v| py(v)).collect::<Vec<_>>().join(", ")
        ),
        None => "START".into(),
    };
    let size = run
        .batch_size
        .or(preset.batch_size)
        .filter(|s| data.orders.iter().any(|(o, _)| o == s));
    let mut extra = String::new();
    if let Some(p) = run.penalty {
        if p.l1 != 0.0 {
            let _ = write!(extra, ", l1={}", py(p.l1));
        }
        if p.l2 != 0.0 {
            let _ = write!(extra, ", l2={}", py(p.l2));
        }
    }
    if data.has_validation()
        && let Some(rule) = run.early_stopping.or(preset.early_stopping)
    {
        let _ = write!(
            extra,
            ", patience={}, min_delta={}",
            rule.patience,
            py(rule.min_delta)
        );
    }
    let hidden = if run.enabled {
        ""
    } else {
        " (hidden in the window)"
    };
    let label = run.display_label();
    Ok(format!(
        "# Run {i}: {label}{hidden}.\nrun({i}, {label:?}, {opt}, {start}, {}{extra})\n",
        size.map_or_else(|| "None".to_owned(), |s| s.to_string())
    ))
}
