//! The rules of `RAdam`, `Rprop`, `ASGD` and `Adafactor`, and their worked numbers.

use super::{Formula, factor};
use crate::optim::OptimizerConfig;
use crate::support::format::compact;

/// One coordinate's numbers at the inspected step.
pub(super) struct Numbers<'a> {
    /// The gradient the step consumed.
    pub g: f64,
    /// The step's lr.
    pub lr: f64,
    /// A buffer before the step.
    pub before: &'a dyn Fn(&str) -> f64,
    /// A buffer after the step.
    pub after: &'a dyn Fn(&str) -> f64,
    /// A derived scalar.
    pub derived: &'a dyn Fn(&str) -> f64,
}

/// The symbolic rule of `RAdam`, `Rprop`, `ASGD` or `Adafactor`; `None` for others.
pub(super) fn formula(config: &OptimizerConfig) -> Option<Formula> {
    let l = |s: &str| s.to_owned();
    Some(match config {
        OptimizerConfig::RAdam(_) => Formula {
            rule: vec![
                l("m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²"),
                l("ρ_t = ρ∞ − 2t·β₂^t/(1 − β₂^t),  ρ∞ = 2/(1 − β₂) − 1"),
                l("ρ_t > 5:  θ ← θ − lr·m̂·r·√(1 − β₂^t)/(√v + ε)"),
                l("ρ_t ≤ 5:  θ ← θ − lr·m̂        (m̂ = m/(1 − β₁^t))"),
            ],
            notes: vec![
                "While ρ_t ≤ 5 the variance of the adaptive step is intractable, so RAdam takes plain momentum steps: the first five for β₂ = 0.999.",
                "r = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)) rises towards 1: a warm-up built into the rule.",
            ],
        },
        OptimizerConfig::Rprop(_) => Formula {
            rule: vec![
                l("η = η₊ if g·g_prev > 0,  η₋ if < 0,  1 if = 0"),
                l("Δ ← clamp(Δ·η, Δ_min, Δ_max)"),
                l("g ← 0 where the sign flipped"),
                l("θ ← θ − sign(g)·Δ;   g_prev ← g"),
            ],
            notes: vec![
                "Only the sign of the gradient is used; lr is only the first step size, so schedules change nothing after step 1.",
                "After a flip the step is skipped and g_prev is zeroed, so the next step neither grows nor shrinks Δ.",
            ],
        },
        OptimizerConfig::Asgd(_) => Formula {
            rule: vec![
                l("θ ← θ·(1 − λ·η) − η·g"),
                l("ax ← ax + μ·(θ − ax)"),
                l("η ← lr/(1 + λ·lr·t)^α;   μ ← 1/max(1, t − t₀)"),
            ],
            notes: vec![
                "The point to return is ax, the average, not θ; ax is θ itself until step t₀ + 1.",
                "torch's default t₀ = 1e6 means no averaging in a short run; λ also shrinks θ like weight decay.",
            ],
        },
        OptimizerConfig::Adafactor(_) => Formula {
            rule: vec![
                l("β̂ = t^beta2_decay;   ρ_t = min(lr, 1/√t);   α = max(ε₂, RMS(θ))·ρ_t"),
                l(
                    "matrix: R ← lerp(R, mean_j g², β̂);  C ← lerp(C, mean_i g², β̂);  v̂ = R[i]·C[j]/mean(R)",
                ),
                l("vector: v ← lerp(v, g², β̂);  v̂ = v"),
                l("u = g/√max(v̂, ε₁²);   θ ← θ − α/max(1, RMS(u)/d)·u"),
            ],
            notes: vec![
                "A matrix stores m + n numbers of second moment instead of m·n.",
                "torch's Adafactor has no first moment (β₁) and steps relative to RMS(θ); lr only caps ρ_t.",
            ],
        },
        OptimizerConfig::Lbfgs(_) => Formula {
            rule: vec![
                l("y = g − g_prev;  s = t·d;  keep (s, y) while s·y > 1e-10"),
                l("d = −H·g   (two-loop recursion, H₀ = s·y/y·y)"),
                l("θ ← θ + t·d,  t = lr or the strong-Wolfe step"),
                l("repeat up to max_iter times within one step"),
            ],
            notes: vec![
                "One step is one optimizer.step(closure): it may evaluate the loss and gradient many times (func_evals counts them), so compare it with first-order methods by evaluations, not steps.",
                "Without a line search torch takes t = lr, except min(1, 1/sum|g|)·lr on the very first iteration.",
            ],
        },
        OptimizerConfig::Muon(_) => Formula {
            rule: vec![
                l("B ← lerp(B, g, 1 − μ);   U = lerp(g, B, μ) if nesterov, else B"),
                l("X ← U/max(‖U‖_F, ε);   ns_steps times:  A = X·X^T;  X ← a·X + (b·A + c·A·A)·X"),
                l("O = X;   θ ← θ·(1 − lr·λ) − adjust(lr, [rows, cols])·O"),
            ],
            notes: vec![
                "Per matrix, the update's singular values are all pushed near 1 whatever the gradient's scale: Muon keeps the direction and lr sets the distance. A surface's (x, y) is one 1×2 row, so every step has the same length.",
                "torch runs the iteration in bfloat16, about three significant digits; the textbook convention runs it in exact f64. torch accepts only matrices; Descent reads a vector as one row.",
            ],
        },
        _ => return None,
    })
}

/// Appends coordinate lines of the step.
pub(super) fn worked(config: &OptimizerConfig, x: &Numbers<'_>, lines: &mut Vec<String>) {
    let n = compact;
    let zero_if_nan = |v: f64| if v.is_nan() { 0.0 } else { v };
    let g = x.g;
    match config {
        OptimizerConfig::RAdam(c) => {
            let (b1, b2) = c.betas;
            let m = (x.after)("exp_avg");
            let v = (x.after)("exp_avg_sq");
            lines.push(format!(
                "m = {}·{} + {}·{} = {}",
                n(b1),
                factor(zero_if_nan((x.before)("exp_avg"))),
                n(1.0 - b1),
                factor(g),
                n(m)
            ));
            lines.push(format!(
                "v = {}·{} + {}·{}² = {}",
                n(b2),
                factor(zero_if_nan((x.before)("exp_avg_sq"))),
                n(1.0 - b2),
                factor(g),
                n(v)
            ));
            let rho = (x.derived)("rho_t");
            let m_hat = m / (x.derived)("bias_correction1");
            if (x.derived)("rectified") == 1.0 {
                let r = (x.derived)("rect");
                let bc2 = (x.derived)("bias_correction2");
                lines.push(format!("ρ_t = {} > 5: rectified, r = {}", n(rho), n(r)));
                lines.push(format!(
                    "step = {}·{}·{}·√{}/(√{} + ε) = {}",
                    n(x.lr),
                    factor(m_hat),
                    n(r),
                    n(bc2),
                    n(v),
                    n(x.lr * m_hat * r * bc2.sqrt() / (v.sqrt() + c.eps))
                ));
            } else {
                lines.push(format!(
                    "ρ_t = {} ≤ 5: unrectified, step = lr·m̂ = {}",
                    n(rho),
                    n(x.lr * m_hat)
                ));
            }
        }
        OptimizerConfig::Rprop(_) => {
            let before = (x.before)("step_size");
            let size = (x.after)("step_size");
            let prev = zero_if_nan((x.before)("prev"));
            let flip = (x.after)("prev") == 0.0 && g != 0.0;
            lines.push(format!(
                "g·g_prev = {}·{}: Δ {} -> {}{}",
                n(g),
                factor(prev),
                n(before),
                n(size),
                if flip { "   (flip: no move)" } else { "" }
            ));
        }
        OptimizerConfig::Asgd(_) => {
            lines.push(format!(
                "η = {} (next {}),  μ next = {}",
                n((x.before)("eta")),
                n((x.after)("eta")),
                n((x.after)("mu"))
            ));
            lines.push(format!(
                "ax: {} -> {}",
                n(zero_if_nan((x.before)("ax"))),
                n((x.after)("ax"))
            ));
        }
        OptimizerConfig::Muon(c) => {
            lines.push(format!(
                "B = lerp({}, g, {}) = {}",
                n(zero_if_nan((x.before)("momentum_buffer"))),
                n(1.0 - c.momentum),
                n((x.after)("momentum_buffer"))
            ));
            lines.push(format!(
                "O = {},   lr adjusted = {}",
                n((x.after)("orthogonal_update")),
                n((x.after)("adjusted_lr"))
            ));
        }
        OptimizerConfig::Adafactor(_) => {
            let v = (x.after)("var_estimate");
            lines.push(format!("v̂ = {},  u = g/√v̂ = {}", n(v), n(g / v.sqrt())));
            lines.push(format!("ρ_t = {}", n((x.derived)("rho_t"))));
        }
        _ => {}
    }
}
