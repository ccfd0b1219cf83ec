//! The rules of the research optimizers (`Prodigy`, …) and their worked numbers.

use super::rest_of_torch::Numbers;
use super::{Formula, factor};
use crate::optim::OptimizerConfig;
use crate::support::format::compact;

/// The symbolic rule.
pub(super) fn formula(config: &OptimizerConfig) -> Formula {
    let l = |s: &str| s.to_owned();
    match config {
        OptimizerConfig::Prodigy(_) => Formula {
            rule: vec![
                l("dlr = d·lr;   r ← β₃·r + (d/d₀)·dlr·⟨g, θ₀ − θ⟩"),
                l("m ← β₁·m + d·(1 − β₁)·g;   v ← β₂·v + d²·(1 − β₂)·g²"),
                l("s ← β₃·s + (d/d₀)·dlr·g;   d̂ = r/‖s‖₁"),
                l("d_max ← max(d_max, d̂);   d ← min(d_max, d·growth_rate)"),
                l("θ ← θ − dlr·m/(√v + d·ε)"),
            ],
            notes: vec![
                "d estimates the distance to the solution from how far θ has moved along the gradients; it starts at d₀ = 1e-6 and only grows, so lr stays at 1.",
                "prodigyopt 1.1 reproduced: d is the running maximum of d̂, so it never shrinks; the step uses the d of the step before, and ε is scaled by d.",
            ],
        },
        OptimizerConfig::ScheduleFreeAdamW(_) => Formula {
            rule: vec![
                l("c = w/Σw,  w = (k + 1)^r · lr_max^weight_lr_power"),
                l("v ← β₂·v + (1 − β₂)·g²;   u = g/(√(v/(1 − β₂^(k+1))) + ε) + λ·y"),
                l("y ← lerp(y, z, c) + lr·(β₁·(1 − c) − 1)·u;   z ← z − lr·u"),
                l("x = lerp(y, z, 1 − 1/β₁)      (the point to evaluate)"),
            ],
            notes: SCHEDULE_FREE_NOTES.to_vec(),
        },
        OptimizerConfig::ScheduleFreeSgd(_) => Formula {
            rule: vec![
                l("c = w/Σw,  w = (k + 1)^r · lr_max^weight_lr_power;   u = g + λ·y"),
                l("y ← lerp(y, z, c) + lr·(μ·(1 − c) − 1)·u;   z ← z − lr·u"),
                l("x = lerp(y, z, 1 − 1/μ)       (the point to evaluate)"),
            ],
            notes: SCHEDULE_FREE_NOTES.to_vec(),
        },
        _ => Formula {
            rule: Vec::new(),
            notes: Vec::new(),
        },
    }
}

/// What the Schedule-Free rules share.
const SCHEDULE_FREE_NOTES: [&str; 2] = [
    "θ is y, where the gradient is taken (what torch's parameter holds in train mode); x, the average of the z's, is the point to evaluate (after optimizer.eval()). Both are drawn beside θ.",
    "schedulefree 1.4's AdamWScheduleFree and SGDScheduleFree are reproduced. With a constant lr, c = 1/(k + 1) and x is the plain mean of the z's: no schedule is needed.",
];

/// Appends coordinate lines of the step.
pub(super) fn worked(config: &OptimizerConfig, x: &Numbers<'_>, lines: &mut Vec<String>) {
    let n = compact;
    if let OptimizerConfig::ScheduleFreeAdamW(_) | OptimizerConfig::ScheduleFreeSgd(_) = config {
        lines.push(format!(
            "c = {},  z: {} -> {}",
            n((x.after)("ckp1")),
            n((x.before)("z")),
            n((x.after)("z"))
        ));
    }
    if let OptimizerConfig::Prodigy(_) = config {
        let d0 = (x.before)("d");
        let d1 = (x.after)("d");
        lines.push(format!(
            "d: {} -> {}   (d̂ = {}),  dlr = d·lr = {}",
            n(d0),
            n(d1),
            n((x.after)("d_hat")),
            n(d0 * x.lr)
        ));
        lines.push(format!(
            "m = {},  v = {},  s = {}   (g = {})",
            n((x.after)("exp_avg")),
            n((x.after)("exp_avg_sq")),
            n((x.after)("s")),
            factor(x.g)
        ));
    }
}
