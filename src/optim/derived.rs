//! What the optimizer's buffers imply for the next step, for the inspector:
//! bias corrections, corrected moments and effective per-coordinate step sizes.

use super::{OptimizerConfig, OptimizerInstance, OptimizerState, StateVector};

/// A named vector of numbers (one per parameter, or one for a scalar).
#[derive(Clone, Debug, PartialEq)]
pub struct NamedVector {
    /// Torch's name, or a descriptive one for derived values.
    pub name: String,
    /// The values.
    pub values: Vec<f64>,
}

fn named(name: &str, values: Vec<f64>) -> NamedVector {
    NamedVector {
        name: name.to_owned(),
        values,
    }
}

impl OptimizerInstance {
    /// The buffers as owned, named vectors.
    pub fn named_state(&self) -> Vec<NamedVector> {
        if self.is_grouped() {
            return self.grouped_state();
        }
        self.state_vectors()
            .into_iter()
            .map(|StateVector { name, values }| named(name, values.to_vec()))
            .collect()
    }

    /// Quantities derived from the state after `t = step_count` steps with
    /// learning rate `lr`, in torch's formulas.
    pub fn derived(&self, lr: f64) -> Vec<NamedVector> {
        if self.is_grouped() {
            return self.grouped_derived(lr);
        }
        let t = self.state().step_count();
        if t == 0 {
            return Vec::new();
        }
        let tf = t as f64;
        match (self.config(), self.state()) {
            (OptimizerConfig::Adam(c), OptimizerState::Adam(s)) => adam_like(c, lr, tf, s),
            (OptimizerConfig::AdamW(c), OptimizerState::Adam(s)) => {
                adam_like(&c.as_adam(), lr, tf, s)
            }
            (OptimizerConfig::RmsProp(c), OptimizerState::RmsProp(s)) => {
                let denom: Vec<f64> = s
                    .square_avg
                    .iter()
                    .zip(&s.grad_avg)
                    .map(|(v, ga)| {
                        let second = if c.centered { v - ga * ga } else { *v };
                        eps_denominator(second, c.eps, c.eps_in_sqrt)
                    })
                    .collect();
                vec![
                    named("denominator", denom.clone()),
                    named("effective_lr", denom.iter().map(|d| lr / d).collect()),
                ]
            }
            (OptimizerConfig::Adagrad(c), OptimizerState::Adagrad(s)) => {
                let clr = lr / (1.0 + (tf - 1.0) * c.lr_decay);
                vec![
                    named("decayed_lr", vec![clr]),
                    named(
                        "effective_lr",
                        s.sum
                            .iter()
                            .map(|v| clr / eps_denominator(*v, c.eps, c.eps_in_sqrt))
                            .collect(),
                    ),
                ]
            }
            (OptimizerConfig::Adamax(c), OptimizerState::Adamax(s)) => {
                let bc1 = 1.0 - c.betas.0.powf(tf);
                vec![
                    named("bias_correction1", vec![bc1]),
                    named(
                        "effective_lr",
                        s.exp_inf.iter().map(|u| lr / bc1 / u).collect(),
                    ),
                ]
            }
            (OptimizerConfig::NAdam(c), OptimizerState::NAdam(s)) => {
                let bc2 = 1.0 - c.betas.1.powf(tf);
                vec![
                    named("bias_correction2", vec![bc2]),
                    named("mu_product", vec![s.mu_product]),
                    named(
                        "effective_lr",
                        s.exp_avg_sq
                            .iter()
                            .map(|v| lr / ((v / bc2).sqrt() + c.eps))
                            .collect(),
                    ),
                ]
            }
            (OptimizerConfig::RAdam(c), OptimizerState::RAdam(_)) => {
                let beta2_t = c.betas.1.powf(tf);
                let (rho, rect) = super::rectification(c.betas.1, beta2_t, t);
                let mut out = vec![
                    named("bias_correction1", vec![1.0 - c.betas.0.powf(tf)]),
                    named("bias_correction2", vec![1.0 - beta2_t]),
                    named("rho_t", vec![rho]),
                    named("rectified", vec![f64::from(u8::from(rect.is_some()))]),
                ];
                if let Some(r) = rect {
                    out.push(named("rect", vec![r]));
                }
                out
            }
            (OptimizerConfig::Adafactor(c), OptimizerState::Adafactor(s)) => vec![
                named("rho_t", vec![lr.min(1.0 / tf.sqrt())]),
                named("one_minus_beta2_t", vec![tf.powf(c.beta2_decay)]),
                named("second_moment_numbers", vec![s.stored_numbers() as f64]),
                named("unfactored_numbers", vec![s.var_estimate.len() as f64]),
            ],
            (OptimizerConfig::Muon(_), OptimizerState::Muon(s)) => {
                let tensors = self.layout().tensors();
                s.update_singular_values()
                    .into_iter()
                    .flat_map(|(i, lo, hi)| {
                        let name = tensors.get(i).map_or("params", |t| t.name.as_str());
                        [
                            named(&format!("σ_min(O) {name}"), vec![lo]),
                            named(&format!("σ_max(O) {name}"), vec![hi]),
                        ]
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

/// `√x + ε`, or `√(x + ε)` with ε inside the sqrt.
fn eps_denominator(x: f64, eps: f64, inside: bool) -> f64 {
    if inside {
        (x + eps).sqrt()
    } else {
        x.sqrt() + eps
    }
}

fn adam_like(c: &super::Adam, lr: f64, t: f64, s: &super::AdamState) -> Vec<NamedVector> {
    let bc1 = 1.0 - c.betas.0.powf(t);
    let bc2 = 1.0 - c.betas.1.powf(t);
    let second = if c.amsgrad {
        &s.max_exp_avg_sq
    } else {
        &s.exp_avg_sq
    };
    let v_hat: Vec<f64> = second.iter().map(|v| v / bc2).collect();
    vec![
        named("bias_correction1", vec![bc1]),
        named("bias_correction2", vec![bc2]),
        named(
            "m_hat = m / bias_correction1",
            s.exp_avg.iter().map(|m| m / bc1).collect(),
        ),
        named("v_hat", v_hat.clone()),
        named(
            "effective_lr",
            v_hat
                .iter()
                .map(|v| lr / eps_denominator(*v, c.eps, c.eps_in_sqrt))
                .collect(),
        ),
    ]
}
