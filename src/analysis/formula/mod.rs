//! The update rule each run executes, in torch's convention, written out with
//! the numbers of one coordinate at the inspected step substituted, plus a
//! line on each point where torch differs from the textbook.

mod research;
mod rest_of_torch;

use super::inspect::Inspection;
use crate::optim::OptimizerConfig;
use crate::support::format::compact;

/// The rule and its notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formula {
    /// The rule, one assignment per line.
    pub rule: Vec<String>,
    /// Where torch differs from the textbook, one line each.
    pub notes: Vec<&'static str>,
}

/// The symbolic rule of `config` (honouring its flags) and torch's quirks.
#[expect(clippy::too_many_lines, reason = "one arm of text per optimizer")]
pub fn formula(config: &OptimizerConfig) -> Formula {
    let l = |s: &str| s.to_owned();
    match config {
        OptimizerConfig::Sgd(c) => {
            let mut rule = Vec::new();
            let look_ahead = c.uses_look_ahead();
            if look_ahead {
                rule.push(if c.lr_inside_momentum {
                    l("g ← ∇f(θ + μ·v)            (look-ahead point)")
                } else {
                    l("g ← ∇f(θ − lr·μ·b)         (look-ahead point)")
                });
            }
            if c.weight_decay != 0.0 {
                rule.push(l("g ← g + λ·θ"));
            }
            let extra = c.nesterov && !look_ahead;
            if c.momentum == 0.0 {
                rule.push(l("θ ← θ − lr·g"));
            } else if c.lr_inside_momentum {
                rule.push(l("v ← μ·v − lr·(1 − τ)·g   (v ← −lr·g on the first step)"));
                rule.push(if extra {
                    l("θ ← θ + μ·v − lr·g")
                } else {
                    l("θ ← θ + v")
                });
            } else {
                rule.push(l("b ← μ·b + (1 − τ)·g      (b ← g on the first step)"));
                rule.push(if extra {
                    l("θ ← θ − lr·(g + μ·b)")
                } else {
                    l("θ ← θ − lr·b")
                });
            }
            let mut notes = Vec::new();
            if c.momentum != 0.0 && c.lr_inside_momentum {
                notes.push("Textbook form, not torch's: lr sits inside the velocity, so a new lr only scales new gradients; torch's θ −= lr·b rescales the whole history.");
            } else if c.momentum != 0.0 {
                notes.push("lr multiplies the buffer from outside (b = μb + g, then θ −= lr·b), not v = μv − lr·g: the same for constant lr, not under a schedule.");
                notes.push("The first step copies g into b with no dampening.");
            }
            if look_ahead {
                notes.push("Sutskever's look-ahead Nesterov, not torch's: the gradient is taken at θ + μ·v. torch's θ follows this run's θ + μ·v (exactly, for constant lr).");
            } else if c.nesterov {
                notes.push("Nesterov is the look-ahead-free form: the gradient is taken at θ, never at θ + μv.");
            }
            Formula { rule, notes }
        }
        OptimizerConfig::Adam(_) | OptimizerConfig::AdamW(_) => {
            let (amsgrad, decoupled, wd, inside) = match config {
                OptimizerConfig::Adam(c) => (
                    c.amsgrad,
                    c.decoupled_weight_decay,
                    c.weight_decay,
                    c.eps_in_sqrt,
                ),
                OptimizerConfig::AdamW(c) => (c.amsgrad, true, c.weight_decay, c.eps_in_sqrt),
                _ => (false, false, 0.0, false),
            };
            let mut rule = Vec::new();
            if wd != 0.0 {
                rule.push(if decoupled {
                    l("θ ← θ·(1 − lr·λ)")
                } else {
                    l("g ← g + λ·θ")
                });
            }
            rule.push(l("m ← β₁·m + (1 − β₁)·g"));
            rule.push(l("v ← β₂·v + (1 − β₂)·g²"));
            if amsgrad {
                rule.push(l("v_max ← max(v_max, v)"));
            }
            let v = if amsgrad { "v_max" } else { "v" };
            rule.push(if inside {
                format!("θ ← θ − lr/(1 − β₁^t) · m / √({v}/(1 − β₂^t) + ε)")
            } else {
                format!("θ ← θ − lr/(1 − β₁^t) · m / (√{v}/√(1 − β₂^t) + ε)")
            });
            let mut notes = vec![if inside {
                "ε inside the square root (optax's eps_root), not torch's: it damps steps where v̂ is below ε."
            } else {
                "ε is added outside the square root and after bias correction."
            }];
            if amsgrad {
                notes.push("AMSGrad keeps the max of the raw v and bias-corrects afterwards (torch's docs said otherwise until Dec 2024).");
            }
            if decoupled {
                notes.push("Decoupled weight decay shrinks θ by lr·λ before the moments, instead of adding λθ to g.");
            }
            Formula { rule, notes }
        }
        OptimizerConfig::RmsProp(c) => {
            let mut rule = vec![l("v ← α·v + (1 − α)·g²")];
            let denom = match (c.centered, c.eps_in_sqrt) {
                (true, false) => "√(v − g_avg²) + ε",
                (true, true) => "√(v − g_avg² + ε)",
                (false, false) => "√v + ε",
                (false, true) => "√(v + ε)",
            };
            if c.centered {
                rule.push(l("g_avg ← α·g_avg + (1 − α)·g"));
            }
            if c.momentum > 0.0 {
                rule.push(format!("b ← μ·b + g/({denom})"));
                rule.push(l("θ ← θ − lr·b"));
            } else {
                rule.push(format!("θ ← θ − lr·g/({denom})"));
            }
            Formula {
                rule,
                notes: vec![
                    "No bias correction: v starts at 0, so the first step is about lr/√(1 − α): 10·lr for α = 0.99, 3.2·lr for α = 0.9.",
                    if c.eps_in_sqrt {
                        "ε is inside the square root, as in optax and the textbook; torch puts it outside."
                    } else {
                        "ε is outside the square root (optax and the textbook put it inside)."
                    },
                ],
            }
        }
        OptimizerConfig::Adagrad(c) => Formula {
            rule: vec![
                l("s ← s + g²                (s starts at initial_accumulator_value)"),
                if c.eps_in_sqrt {
                    l("θ ← θ − lr/(1 + (t − 1)·lr_decay) · g/√(s + ε)")
                } else {
                    l("θ ← θ − lr/(1 + (t − 1)·lr_decay) · g/(√s + ε)")
                },
            ],
            notes: vec![if c.eps_in_sqrt {
                "ε is inside the square root, as optax does (optax also starts s at 0.1 with ε = 1e-7); torch puts it outside."
            } else {
                "ε = 1e-10 sits outside the square root; optax uses ε = 1e-7 inside it and starts s at 0.1."
            }],
        },
        OptimizerConfig::NAdam(_) => Formula {
            rule: vec![
                l("μ(t) = β₁·(1 − 0.5·0.96^(t·ψ))"),
                l("m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²"),
                l("θ ← θ − lr·(1 − μ(t))/(1 − P(t))·g/d − lr·μ(t+1)/(1 − P(t)·μ(t+1))·m/d"),
                l("where d = √(v/(1 − β₂^t)) + ε and P(t) = μ(1)·…·μ(t)"),
            ],
            notes: vec!["torch uses Dozat's momentum schedule μ(t); optax's nadam does not."],
        },
        OptimizerConfig::Adadelta(_) => Formula {
            rule: vec![
                l("v ← ρ·v + (1 − ρ)·g²"),
                l("Δ ← √(u + ε)/√(v + ε)·g"),
                l("u ← ρ·u + (1 − ρ)·Δ²"),
                l("θ ← θ − lr·Δ"),
            ],
            notes: vec![
                "ε is inside both square roots; Zeiler's paper has no lr (torch's default lr is 1).",
            ],
        },
        OptimizerConfig::Adamax(_) => Formula {
            rule: vec![
                l("m ← β₁·m + (1 − β₁)·g"),
                l("u ← max(β₂·u, |g| + ε)"),
                l("θ ← θ − lr/(1 − β₁^t)·m/u"),
            ],
            notes: vec!["ε is added to |g| inside the max."],
        },
        OptimizerConfig::Lion(_) => Formula {
            rule: vec![
                l("θ ← θ·(1 − lr·λ)"),
                l("θ ← θ − lr·sign(β₁·m + (1 − β₁)·g)"),
                l("m ← β₂·m + (1 − β₂)·g"),
            ],
            notes: vec![
                "Every coordinate moves by exactly lr (or 0): only the sign of the interpolation counts.",
            ],
        },
        // The rules added after the first nine live beside this file.
        _ => rest_of_torch::formula(config).unwrap_or_else(|| research::formula(config)),
    }
}

/// A number, in parentheses when negative, for use as a factor.
fn factor(v: f64) -> String {
    if v < 0.0 {
        format!("({})", compact(v))
    } else {
        compact(v)
    }
}

/// The rule with coordinate `i`'s numbers at the inspected step, one line per
/// assignment; empty at the start (no step taken yet).
pub fn worked(config: &OptimizerConfig, ins: &Inspection, i: usize) -> Vec<String> {
    let (Some(g), Some(theta0), Some(lr)) = (
        ins.grad.as_ref().and_then(|g| g.get(i)).copied(),
        ins.params_before.as_ref().and_then(|p| p.get(i)).copied(),
        ins.lr,
    ) else {
        return Vec::new();
    };
    let theta1 = ins.params.get(i).copied().unwrap_or(f64::NAN);
    let n = |v: f64| compact(v);
    let get = |list: &[crate::optim::NamedVector], name: &str| {
        list.iter()
            .find(|v| v.name == name)
            .and_then(|v| v.values.get(i))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let before = |name: &str| get(&ins.state_before, name);
    let after = |name: &str| get(&ins.state, name);
    // A parameter group's scalars carry its number (`group 1: rho_t`).
    let part = ins
        .tensors
        .iter()
        .find(|t| t.range.contains(&i))
        .map_or(0, |t| t.part);
    let derived = |name: &str| {
        let name = crate::optim::group_scalar_name(part, name);
        ins.derived
            .iter()
            .find(|v| v.name == name)
            .and_then(|v| v.values.first())
            .copied()
            .unwrap_or(f64::NAN)
    };
    let mut lines = vec![format!("g = {}", n(g))];
    let theta_line = format!(
        "θ: {} -> {}   (Δθ = {})",
        n(theta0),
        n(theta1),
        n(theta1 - theta0)
    );
    match config {
        OptimizerConfig::Adam(c) => adam_lines(&mut lines, c, lr, g, &before, &after, &derived),
        OptimizerConfig::AdamW(c) => {
            adam_lines(&mut lines, &c.as_adam(), lr, g, &before, &after, &derived);
        }
        OptimizerConfig::Sgd(c) if c.momentum != 0.0 => {
            lines.push(momentum_line(c, lr, g, &before, &after));
        }
        OptimizerConfig::RmsProp(c) => {
            lines.push(format!(
                "v = {}·{} + {}·{}² = {}",
                n(c.alpha),
                factor(before("square_avg")),
                n(1.0 - c.alpha),
                factor(g),
                n(after("square_avg"))
            ));
        }
        OptimizerConfig::Adagrad(_) => {
            lines.push(format!(
                "s = {} + {}² = {}",
                n(before("sum")),
                n(g),
                n(after("sum"))
            ));
        }
        _ => {
            let numbers = rest_of_torch::Numbers {
                g,
                lr,
                before: &before,
                after: &after,
                derived: &derived,
            };
            rest_of_torch::worked(config, &numbers, &mut lines);
            research::worked(config, &numbers, &mut lines);
        }
    }
    lines.push(format!("lr = {}", n(lr)));
    lines.push(theta_line);
    lines
}

/// SGD's momentum buffer at the step: torch's `b` or the textbook's `v`.
fn momentum_line(
    c: &crate::optim::Sgd,
    lr: f64,
    g: f64,
    before: &dyn Fn(&str) -> f64,
    after: &dyn Fn(&str) -> f64,
) -> String {
    let n = compact;
    if c.lr_inside_momentum {
        let (v0, v1) = (before("velocity"), after("velocity"));
        if v0.is_nan() {
            format!("v = −lr·g = {}   (first step)", n(v1))
        } else {
            format!(
                "v = {}·{} − {}·{}·{} = {}",
                n(c.momentum),
                factor(v0),
                n(lr),
                n(1.0 - c.dampening),
                factor(g),
                n(v1)
            )
        }
    } else {
        let (b0, b1) = (before("momentum_buffer"), after("momentum_buffer"));
        if b0.is_nan() {
            format!("b = g = {}   (first step)", n(b1))
        } else {
            format!(
                "b = {}·{} + {}·{} = {}",
                n(c.momentum),
                factor(b0),
                n(1.0 - c.dampening),
                factor(g),
                n(b1)
            )
        }
    }
}

fn adam_lines(
    lines: &mut Vec<String>,
    c: &crate::optim::Adam,
    lr: f64,
    g: f64,
    before: &dyn Fn(&str) -> f64,
    after: &dyn Fn(&str) -> f64,
    derived: &dyn Fn(&str) -> f64,
) {
    let n = compact;
    let ((beta1, beta2), eps, amsgrad) = (c.betas, c.eps, c.amsgrad);
    let m0 = if before("exp_avg").is_nan() {
        0.0
    } else {
        before("exp_avg")
    };
    let v0 = if before("exp_avg_sq").is_nan() {
        0.0
    } else {
        before("exp_avg_sq")
    };
    lines.push(format!(
        "m = {}·{} + {}·{} = {}",
        n(beta1),
        factor(m0),
        n(1.0 - beta1),
        factor(g),
        n(after("exp_avg"))
    ));
    lines.push(format!(
        "v = {}·{} + {}·{}² = {}",
        n(beta2),
        factor(v0),
        n(1.0 - beta2),
        factor(g),
        n(after("exp_avg_sq"))
    ));
    if amsgrad {
        lines.push(format!("v_max = {}", n(after("max_exp_avg_sq"))));
    }
    let (bc1, bc2) = (derived("bias_correction1"), derived("bias_correction2"));
    let v = if amsgrad {
        after("max_exp_avg_sq")
    } else {
        after("exp_avg_sq")
    };
    let m = after("exp_avg");
    lines.push(if c.eps_in_sqrt {
        format!(
            "step = {}/{} · {}/√({}/{} + ε) = {}",
            n(lr),
            n(bc1),
            factor(m),
            n(v),
            n(bc2),
            n(lr / bc1 * m / (v / bc2 + eps).sqrt())
        )
    } else {
        format!(
            "step = {}/{} · {}/(√{}/√{} + ε) = {}",
            n(lr),
            n(bc1),
            factor(m),
            n(v),
            n(bc2),
            n(lr / bc1 * m / (v.sqrt() / bc2.sqrt() + eps))
        )
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::inspect::inspect;
    use crate::preset::Preset;

    #[test]
    fn adam_worked_example_reproduces_the_step() {
        let p = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), start: Some((-1.5, 2.0)), steps: 20, runs: [(optimizer: Adam(lr: 0.01))])",
            "t",
        )
        .unwrap();
        let ins = inspect(&p, Path::new("."), 5).unwrap().remove(0);
        let lines = worked(&p.runs[0].optimizer, &ins, 0);
        assert!(lines.iter().any(|l| l.starts_with("m = 0.9")), "{lines:?}");
        let step_line = lines.iter().find(|l| l.starts_with("step =")).unwrap();
        let step: f64 = step_line.rsplit("= ").next().unwrap().parse().unwrap();
        let delta = ins.params[0] - ins.params_before.as_ref().unwrap()[0];
        assert!(
            (step + delta).abs() < 1e-6 * delta.abs().max(1e-12),
            "{step} vs Δθ {delta}"
        );
    }

    #[test]
    fn a_typed_rule_shows_its_equations_and_its_state_before_and_after() {
        let p = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), steps: 10, runs: [(optimizer: Custom(lr: 0.1, state: [(\"b\", 0.5)], update: [\"b = b + g\", \"theta = theta - lr*b\"]))])",
            "t",
        )
        .unwrap();
        let ins = inspect(&p, Path::new("."), 1).unwrap().remove(0);
        assert_eq!(formula(&p.runs[0].optimizer).rule[0], "b ← b + g");
        let lines = worked(&p.runs[0].optimizer, &ins, 0);
        // b starts at its initial 0.5 and takes the first gradient.
        let b = lines.iter().find(|l| l.starts_with("b: ")).unwrap();
        assert_eq!(b, "b: 0.5000000 -> -154.5000", "{lines:?}");
    }

    #[test]
    fn the_research_rules_show_their_buffers_before_and_after() {
        let p = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), steps: 10, runs: [(optimizer: AdEMAMix(lr: 0.01)), (optimizer: Lamb(lr: 0.01))])",
            "t",
        )
        .unwrap();
        let rows = inspect(&p, Path::new("."), 3).unwrap();
        let ademamix = worked(&p.runs[0].optimizer, &rows[0], 0);
        let slow = ademamix.iter().find(|l| l.starts_with("m₂: ")).unwrap();
        let after: f64 = slow.rsplit("-> ").next().unwrap().parse().unwrap();
        let state = rows[0]
            .state
            .iter()
            .find(|v| v.name == "exp_avg_slow")
            .unwrap();
        assert!(
            (after - state.values[0]).abs() <= 1e-6 * state.values[0].abs(),
            "{slow}"
        );
        let lamb = worked(&p.runs[1].optimizer, &rows[1], 0);
        assert!(
            lamb.iter().any(|l| l.starts_with("trust ratio")),
            "{lamb:?}"
        );
    }

    #[test]
    fn every_kind_has_a_rule_and_notes_follow_the_flags() {
        for c in OptimizerConfig::catalogue() {
            assert!(!formula(&c).rule.is_empty(), "{}", c.kind_name());
        }
        let plain = formula(&OptimizerConfig::catalogue()[0]);
        assert_eq!(plain.rule, ["θ ← θ − lr·g"]);
        assert!(plain.notes.is_empty());
    }
}
