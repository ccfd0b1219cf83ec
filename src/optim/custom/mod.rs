//! An optimizer the user types: named hyperparameters, state variables with
//! initial values, and per-coordinate update equations run in order.

mod program;
pub(crate) mod scan;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use program::{BUILT_IN, EquationError, MAX_NAMES, MAX_OPERANDS, Program, is_name};
pub use scan::FUNCTIONS;

use super::{Optimizer, StateVector};
use crate::support::validate::Checker;

/// A typed update rule, run for each coordinate in order:
///
/// ```text
/// for each coordinate i:   g = ∇f(θ)ᵢ,  theta = θᵢ,  each state variable s = sᵢ
///     name₁ = expression₁
///     name₂ = expression₂       (reads g, theta, t, lr, hyperparameters, state
///     …                          and the temporaries assigned above it)
/// θᵢ ← theta,  sᵢ ← s
/// ```
/// `t` counts steps from 1 and `lr` comes from the schedule. Adam by hand:
/// `m = beta1*m + (1-beta1)*g`, `v = beta2*v + (1-beta2)*g^2`,
/// `theta = theta - lr*(m/(1-beta1^t))/(sqrt(v/(1-beta2^t)) + eps)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custom {
    /// Learning rate (default 1e-3), what schedules scale.
    #[serde(default = "default_lr")]
    pub lr: f64,
    /// Hyperparameters by name, with their values.
    #[serde(default)]
    pub hyper: Vec<(String, f64)>,
    /// State variables by name, with their initial values.
    #[serde(default)]
    pub state: Vec<(String, f64)>,
    /// `name = expression`, in order.
    pub update: Vec<String>,
}

fn default_lr() -> f64 {
    1e-3
}

impl Default for Custom {
    /// Adam typed by hand, with torch's defaults.
    fn default() -> Self {
        Self {
            lr: 1e-3,
            hyper: vec![
                ("beta1".into(), 0.9),
                ("beta2".into(), 0.999),
                ("eps".into(), 1e-8),
            ],
            state: vec![("m".into(), 0.0), ("v".into(), 0.0)],
            update: vec![
                "m = beta1*m + (1-beta1)*g".into(),
                "v = beta2*v + (1-beta2)*g^2".into(),
                "theta = theta - lr*(m/(1-beta1^t))/(sqrt(v/(1-beta2^t)) + eps)".into(),
            ],
        }
    }
}

impl Custom {
    /// The equations compiled, or the first error: a bad name, or the
    /// equation and the character where it goes wrong.
    pub fn compile(&self) -> Result<Program, EquationError> {
        let hyper: Vec<&str> = self.hyper.iter().map(|(n, _)| n.as_str()).collect();
        let state: Vec<&str> = self.state.iter().map(|(n, _)| n.as_str()).collect();
        check_names(&hyper, &state).map_err(|message| EquationError {
            equation: 0,
            column: 1,
            text: String::new(),
            message,
        })?;
        Program::compile(&hyper, &state, &self.update)
    }

    /// Whether `other` has the same names and equations (so the buffers and
    /// the compiled program carry over when only values change).
    pub fn same_shape(&self, other: &Self) -> bool {
        self.update == other.update
            && self.hyper.len() == other.hyper.len()
            && self.state.len() == other.state.len()
            && self.hyper.iter().zip(&other.hyper).all(|(a, b)| a.0 == b.0)
            && self.state.iter().zip(&other.state).all(|(a, b)| a.0 == b.0)
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.positive("lr", self.lr);
        for (name, value) in self.hyper.iter().chain(&self.state) {
            c.finite(name, *value);
        }
        if let Err(e) = self.compile() {
            if e.equation == 0 {
                c.fail("hyper", e.message);
            } else {
                c.fail(&format!("update[{}]", e.equation - 1), e.to_string());
            }
        }
    }
}

/// `name = value, …` as the editor shows hyperparameters and state.
pub fn named_values_text(values: &[(String, f64)]) -> String {
    values
        .iter()
        .map(|(n, v)| format!("{n} = {v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads `name = value, …` (empty: none); an error carries the 1-based
/// column of the entry that does not read.
pub fn parse_named_values(text: &str) -> Result<Vec<(String, f64)>, (usize, String)> {
    let mut out = Vec::new();
    let mut column = 1;
    for entry in text.split(',') {
        let width = entry.chars().count();
        let at = column + entry.chars().take_while(|c| c.is_whitespace()).count();
        column += width + 1;
        if entry.trim().is_empty() {
            if text.trim().is_empty() {
                continue;
            }
            return Err((at, "an empty entry; write `name = value`".into()));
        }
        let Some((name, value)) = entry.split_once('=') else {
            return Err((at, "write `name = value`".into()));
        };
        let name = name.trim();
        if !is_name(name) {
            return Err((
                at,
                format!("`{name}` is not a name (letters, digits and _)"),
            ));
        }
        let value_at = at
            + entry
                .trim_start()
                .split('=')
                .next()
                .map_or(0, |n| n.chars().count() + 1)
            + value.chars().take_while(|c| c.is_whitespace()).count();
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|_| (value_at, format!("`{}` is not a number", value.trim())))?;
        out.push((name.to_owned(), value));
    }
    Ok(out)
}

/// Hyperparameter and state names: identifiers, none twice, none built in
/// or a function's, at most [`MAX_NAMES`] of each.
fn check_names(hyper: &[&str], state: &[&str]) -> Result<(), String> {
    if hyper.len() > MAX_NAMES || state.len() > MAX_NAMES {
        return Err(format!(
            "at most {MAX_NAMES} hyperparameters and {MAX_NAMES} state variables"
        ));
    }
    let all: Vec<&str> = hyper.iter().chain(state).copied().collect();
    for (k, name) in all.iter().enumerate() {
        if !is_name(name) {
            return Err(format!("`{name}` is not a name (letters, digits and _)"));
        }
        if BUILT_IN.contains(name) || FUNCTIONS.contains(name) || scan::CONSTANTS.contains(name) {
            return Err(format!(
                "`{name}` is taken (built in, a function or a constant)"
            ));
        }
        if all.get(..k).is_some_and(|before| before.contains(name)) {
            return Err(format!("`{name}` is named twice"));
        }
    }
    Ok(())
}

/// A custom optimizer's buffers and its compiled equations.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomState {
    /// Steps taken.
    pub step: u64,
    /// The state variables' names.
    pub names: Vec<String>,
    /// Each state variable's value per coordinate.
    pub buffers: Vec<Vec<f64>>,
    /// The equations (`None` if they do not compile: steps do nothing).
    pub program: Option<Arc<Program>>,
    /// The hyperparameters' values, refreshed each step.
    hyper: Vec<f64>,
}

impl Optimizer for Custom {
    type State = CustomState;

    fn init(&self, dim: usize) -> CustomState {
        CustomState {
            step: 0,
            names: self.state.iter().map(|(n, _)| n.clone()).collect(),
            buffers: self.state.iter().map(|&(_, v)| vec![v; dim]).collect(),
            program: self.compile().ok().map(Arc::new),
            hyper: self.hyper.iter().map(|&(_, v)| v).collect(),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut CustomState, lr: f64) {
        let Some(program) = &state.program else {
            return;
        };
        state.step += 1;
        for (slot, &(_, v)) in state.hyper.iter_mut().zip(&self.hyper) {
            *slot = v;
        }
        let t = state.step as f64;
        program.run(params, grad, &mut state.buffers, (&state.hyper, t, lr));
    }

    fn describe<'a>(&self, state: &'a CustomState) -> Vec<StateVector<'a>> {
        state
            .names
            .iter()
            .zip(&state.buffers)
            .map(|(name, values)| StateVector { name, values })
            .collect()
    }
}

#[cfg(test)]
mod tests;
