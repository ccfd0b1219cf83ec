//! The rules of the research optimizers (`Prodigy`, …) and their worked numbers.

use super::rest_of_torch::Numbers;
use super::{Formula, factor};
use crate::optim::OptimizerConfig;
use crate::support::format::compact;

/// The symbolic rule.
#[expect(clippy::too_many_lines, reason = "one arm of text per optimizer")]
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
        OptimizerConfig::Adopt(_) => Formula {
            rule: vec![
                l("t = 1:  v ← g², no step"),
                l("n = clamp(g/max(√v, ε), −t^c, t^c)     (v from the steps before)"),
                l("m ← β₁·m + (1 − β₁)·n;   θ ← θ − lr·m"),
                l("v ← β₂·v + (1 − β₂)·g²"),
            ],
            notes: vec![
                "Adam divides by a v that contains this step's g, which breaks its convergence proof for small β₂; ADOPT divides by the v of the steps before and normalises before the momentum.",
                "pytorch_optimizer 4.1 reproduced; its default clips n to ±t^0.25, which the paper added for stability.",
            ],
        },
        OptimizerConfig::AdaBelief(_) => Formula {
            rule: vec![
                l("m ← β₁·m + (1 − β₁)·g"),
                l("s ← β₂·s + (1 − β₂)·(g − m)² + ε"),
                l("θ ← θ − lr/(1 − β₁^t) · m/(√s/√(1 − β₂^t) + ε)"),
            ],
            notes: vec![
                "The denominator is the spread of g around its running mean, not its size: a steady gradient, however large, gets a large step.",
                "pytorch_optimizer 4.1 reproduced: ε is added inside s at every step and again outside; weight decay is decoupled by default.",
            ],
        },
        OptimizerConfig::Yogi(_) => Formula {
            rule: vec![
                l("m ← β₁·m + (1 − β₁)·g"),
                l("v ← v − (1 − β₂)·sign(v − g²)·g²"),
                l("θ ← θ − lr/(1 − β₁^t) · m/(√v/√(1 − β₂^t) + ε)"),
            ],
            notes: vec![
                "Adam's update of v, a step of (1 − β₂)(g² − v), can forget a large v quickly; Yogi's additive update moves v by at most (1 − β₂)·g² per step.",
                "pytorch_optimizer 4.1 reproduced: m and v start at initial_accumulator = 1e-6 and ε = 1e-3.",
            ],
        },
        OptimizerConfig::Madgrad(_) => Formula {
            rule: vec![
                l("λ_k = (lr + ε)·√(k + 1);   S ← S + λ_k·g²;   s ← s + λ_k·g"),
                l("z = x₀ − s/(S^(1/3) + ε)"),
                l("θ ← (1 − c)·θ + c·z,   c = 1 − momentum"),
            ],
            notes: vec![
                "Dual averaging: z is computed from the start x₀ and the whole weighted sum of gradients, not from the last θ.",
                "The cube root, not Adagrad's square root, keeps the step from shrinking as fast.",
            ],
        },
        OptimizerConfig::Adan(_) => Formula {
            rule: vec![
                l("Δ = g − g_prev;   m ← lerp(m, g, 1 − β₁);   n ← lerp(n, Δ, 1 − β₂)"),
                l("v ← β₃·v + (1 − β₃)·(g + β₂·Δ)²;   d = √v/√(1 − β₃^t) + ε"),
                l("θ ← θ − lr/(1 − β₁^t)·m/d − lr·β₂/(1 − β₂^t)·n/d"),
            ],
            notes: vec![
                "g + β₂·Δ extrapolates the gradient one step ahead: Nesterov momentum without a second gradient evaluation.",
                "pytorch_optimizer 4.1 reproduced; its first step takes g_prev = g, so Δ = 0 there. max_grad_norm is not offered (the package computes it in float32).",
            ],
        },
        OptimizerConfig::AdEMAMix(_) => Formula {
            rule: vec![
                l("m₁ ← lerp(m₁, g, 1 − β₁);   m₂ ← lerp(m₂, g, 1 − β₃);   v ← β₂·v + (1 − β₂)·g²"),
                l("θ ← θ − lr·(m₁/(1 − β₁^t) + α·m₂)/(√v/√(1 − β₂^t) + ε)"),
            ],
            notes: vec![
                "m₂ averages about 1/(1 − β₃) = 10 000 gradients and is never bias-corrected, so it only matters in long runs; t_alpha_beta3 warms α and β₃ up.",
                "pytorch_optimizer 4.1 reproduced.",
            ],
        },
        OptimizerConfig::Lamb(_) => Formula {
            rule: vec![
                l("m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²;   u = m/(√v + ε)"),
                l("per tensor:  r = min(‖θ‖, 10)/(‖u‖ + ε)"),
                l("θ ← θ − lr/(1 − β₁^t) · r · u"),
            ],
            notes: vec![
                "The trust ratio r makes each tensor's step proportional to its own size, so large and small layers learn at the same relative speed.",
                "pytorch_optimizer 4.1 reproduced: v is not bias-corrected and weight decay is decoupled by default; on a surface (one tensor) r rescales the whole step.",
            ],
        },
        OptimizerConfig::Mars(_) => Formula {
            rule: vec![
                l("matrices:  c = g + γ·β₁/(1 − β₁)·(g − g_prev);   c ← c/‖c‖ if ‖c‖ > 1"),
                l("m ← lerp(m, c, 1 − β₁);   v ← β₂·v + (1 − β₂)·c²"),
                l("θ ← θ − lr·m/((√(v + 1e-15) + ε)/√(1 − β₂^t)·(1 − β₁^t))   (lion: lr·sign(m))"),
                l("vectors:  AdamW on g with betas_1d, lr_1d and weight_decay_1d"),
            ],
            notes: vec![
                "The correction adds the change of the gradient, scaled by γ, so the momentum tracks where the gradient is going; the whole c is clipped to unit norm per tensor.",
                "pytorch_optimizer 4.1 reproduced: a surface's (x, y) is a vector and takes the plain AdamW path unless optimize_1d is set; coupled weight decay also changes the g_prev kept for the next step.",
            ],
        },
        OptimizerConfig::Soap(_) => Formula {
            rule: vec![
                l(
                    "each axis k of ≤ max_precondition_dim:  L_k ← lerp(L_k, G·G^T over the other axes, 1 − shampoo_beta)",
                ),
                l(
                    "Q_k = eigh(L_k) at step 1;  every precondition_frequency steps Q_k ← qr(L_k·Q_k)",
                ),
                l("G' = Q^T·G;   m ← lerp(m, g, 1 − β₁);   v ← lerp(v, G'², 1 − β₂)"),
                l("θ ← θ − lr·√(1 − β₂^s)/(1 − β₁^s)·Q·((Q^T·m)/(√v + ε));   θ ← θ·(1 − λ·lr)"),
            ],
            notes: vec![
                "Adam's v is kept in the eigenbasis of Shampoo's statistics L, so each rotated direction gets its own step size; with precondition_1d a surface's basis turns with its valley.",
                "pytorch_optimizer 4.1 reproduced: its first step only builds L and Q, so the bias correction counts s = t − 1 from the second; the QR refresh runs in float32, as the package casts it.",
            ],
        },
        OptimizerConfig::Custom(c) => Formula {
            rule: c.update.iter().map(|e| e.replacen('=', "←", 1)).collect(),
            notes: vec![
                "Typed by you: each equation runs for every coordinate in order, reading g, theta, t (from 1), lr, the hyperparameters, the state and the temporaries above it.",
            ],
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
    // The buffers each rule updates, before -> after, for this coordinate.
    let buffers: &[(&str, &str)] = match config {
        OptimizerConfig::Adopt(_) => &[("m", "exp_avg"), ("v", "exp_avg_sq")],
        OptimizerConfig::AdaBelief(_) => &[("m", "exp_avg"), ("s", "exp_avg_var")],
        OptimizerConfig::Yogi(_) | OptimizerConfig::Lamb(_) => {
            &[("m", "exp_avg"), ("v", "exp_avg_sq")]
        }
        OptimizerConfig::Mars(_) => &[
            ("g_prev", "last_grad"),
            ("m", "exp_avg"),
            ("v", "exp_avg_sq"),
        ],
        OptimizerConfig::Soap(_) => &[
            ("m", "exp_avg"),
            ("v (rotated)", "exp_avg_sq"),
            ("N", "norm_grad"),
        ],
        OptimizerConfig::Madgrad(_) => &[("S", "grad_sum_sq"), ("s", "s")],
        OptimizerConfig::Adan(_) => &[("m", "exp_avg"), ("n", "exp_avg_diff"), ("v", "exp_avg_sq")],
        OptimizerConfig::AdEMAMix(_) => &[
            ("m₁", "exp_avg"),
            ("m₂", "exp_avg_slow"),
            ("v", "exp_avg_sq"),
        ],
        _ => &[],
    };
    for (symbol, name) in buffers {
        let before = (x.before)(name);
        let before = if before.is_nan() { 0.0 } else { before };
        lines.push(format!("{symbol}: {} -> {}", n(before), n((x.after)(name))));
    }
    // A typed rule's own state variables, before -> after.
    if let OptimizerConfig::Custom(c) = config {
        for (name, initial) in &c.state {
            let before = (x.before)(name);
            let before = if before.is_nan() { *initial } else { before };
            lines.push(format!("{name}: {} -> {}", n(before), n((x.after)(name))));
        }
    }
    if let OptimizerConfig::Lamb(_) = config {
        lines.push(format!(
            "trust ratio of this tensor: {}",
            n((x.after)("trust_ratio"))
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
