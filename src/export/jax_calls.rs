//! The optax transformation a run becomes (the convention switch's optax
//! reading), and the optax schedule that gives its lr.

use super::script_parts::py;
use crate::optim::{OptimizerConfig, Schedule};

/// The optax transformation that computes `config`'s update, or why there
/// is none that does exactly.
pub(super) fn transformation(config: &OptimizerConfig, lr: &str) -> Result<String, String> {
    Ok(match config {
        OptimizerConfig::Sgd(s) => sgd(s, lr)?,
        OptimizerConfig::Adam(a) => adam(a, lr)?,
        OptimizerConfig::AdamW(a) => {
            if a.maximize || a.amsgrad || a.eps_in_sqrt {
                return Err(
                    "maximize, AMSGrad and ε inside the sqrt are not in JAX AdamW yet".into(),
                );
            }
            format!(
                "optax.adamw({lr}, b1={}, b2={}, eps={}, weight_decay={})",
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
                "optax.rmsprop({lr}, decay={}, eps={}, eps_in_sqrt={}, centered={}{momentum})",
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
                "optax.adagrad({lr}, initial_accumulator_value={}, eps={})",
                py(a.initial_accumulator_value),
                py(a.eps)
            )
        }
        OptimizerConfig::Custom(_) => {
            return Err(
                "a typed rule has no optax transformation; scripts do not write it yet".into(),
            );
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
fn sgd(s: &crate::optim::Sgd, lr: &str) -> Result<String, String> {
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
        format!("optax.sgd({lr}{momentum}{nesterov})"),
    ))
}

/// `optax.adam` for torch's Adam (not AMSGrad: optax's takes another max).
fn adam(a: &crate::optim::Adam, lr: &str) -> Result<String, String> {
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
            "optax.adam({lr}, b1={}, b2={}, eps={}, eps_root={})",
            py(a.betas.0),
            py(a.betas.1),
            py(eps),
            py(eps_root)
        ),
    ))
}

/// The run's lr as optax gives it: a number, or the schedule that computes
/// torch's (`steps`: how far the run goes, for schedules optax ends early).
pub(super) fn learning_rate(
    config: &OptimizerConfig,
    schedule: &Schedule,
    steps: u64,
) -> Result<String, String> {
    let lr = config.lr();
    if !matches!(schedule, Schedule::Constant)
        && let OptimizerConfig::RmsProp(r) = config
        && r.momentum != 0.0
    {
        return Err(
            "optax's RMSprop applies the lr inside its momentum: only a constant lr matches torch"
                .into(),
        );
    }
    let left_out = || {
        format!(
            "the {} schedule has no optax counterpart here",
            schedule.name()
        )
    };
    let schedule_text = match schedule {
        Schedule::Constant => return Ok(py(lr)),
        Schedule::StepLR(s) => format!(
            "optax.exponential_decay({}, transition_steps={}, decay_rate={}, staircase=True)",
            py(lr),
            s.step_size,
            py(s.gamma)
        ),
        Schedule::ExponentialLR(s) => format!(
            "optax.exponential_decay({}, transition_steps=1, decay_rate={})",
            py(lr),
            py(s.gamma)
        ),
        Schedule::MultiStepLR(s) => format!(
            "optax.piecewise_constant_schedule({}, {{{}}})",
            py(lr),
            s.milestones
                .iter()
                .map(|m| format!("{m}: {}", py(s.gamma)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Schedule::ConstantLR(s) => format!(
            "optax.join_schedules([optax.constant_schedule({}), optax.constant_schedule({})], [{}])",
            py(lr * s.factor),
            py(lr),
            s.total_iters
        ),
        Schedule::LinearLR(s) => format!(
            "optax.linear_schedule({}, {}, transition_steps={})",
            py(lr * s.start_factor),
            py(lr * s.end_factor),
            s.total_iters
        ),
        Schedule::PolynomialLR(s) => format!(
            "optax.polynomial_schedule({}, 0.0, {}, transition_steps={})",
            py(lr),
            py(s.power),
            s.total_iters
        ),
        // torch's cosine turns back up after T_max; optax's stays at the floor.
        Schedule::CosineAnnealingLR(s) if steps <= s.t_max => format!(
            "optax.cosine_decay_schedule({}, decay_steps={}, alpha={})",
            py(lr),
            s.t_max,
            py(s.eta_min / lr)
        ),
        Schedule::CosineAnnealingLR(s) => {
            return Err(format!(
                "torch's cosine turns back up after T_max = {}, optax's stays at eta_min",
                s.t_max
            ));
        }
        _ => return Err(left_out()),
    };
    Ok(format!("f64({schedule_text})"))
}

/// The helper that makes optax's schedules float64, for a preset whose
/// runs have a schedule (empty otherwise).
pub(super) fn schedule_helper(preset: &crate::preset::Preset) -> &'static str {
    if preset
        .runs
        .iter()
        .all(|r| matches!(r.schedule, Schedule::Constant))
    {
        return "";
    }
    "# optax counts steps in int32, which makes its schedules float32: count in float64.\ndef f64(schedule):\n    return lambda count: schedule(jnp.asarray(count, jnp.float64))\n\n\n"
}
