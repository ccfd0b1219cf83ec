//! A custom optimizer's equations compiled once: each right-hand side as an
//! exmex expression reading numbered slots, run per coordinate in order
//! without allocating.

use std::fmt;

use exmex::prelude::*;
use exmex::{FloatOpsFactory, MakeOperators, Operator};

use super::scan::scan;

/// The names every equation may read besides the hyperparameters and the
/// state: the gradient, the parameter, the step (from 1) and the lr.
pub const BUILT_IN: [&str; 4] = ["g", "theta", "t", "lr"];
/// Most hyperparameters, state variables and equations.
pub const MAX_NAMES: usize = 16;
/// Most numbers and names in one right-hand side (exmex evaluates up to
/// this many on the stack).
pub const MAX_OPERANDS: usize = 32;
/// Slots: the four built-in names, then hyperparameters, state, temporaries.
const MAX_SLOTS: usize = BUILT_IN.len() + 3 * MAX_NAMES;

/// exmex's float operators, with torch's `sign` (0 at 0) instead of
/// Rust's `signum`.
#[derive(Clone, Debug)]
pub struct Ops;

impl MakeOperators<f64> for Ops {
    fn make<'a>() -> Vec<Operator<'a, f64>> {
        let mut ops: Vec<Operator<'a, f64>> = FloatOpsFactory::<f64>::make()
            .into_iter()
            .filter(|op| op.repr() != "signum" && op.repr() != "atan2")
            .collect();
        ops.push(Operator::make_unary("sign", crate::optim::torch_sign));
        ops
    }
}

/// An equation that does not compile: which one (from 1), the column
/// (from 1, in characters) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EquationError {
    /// 1-based equation number.
    pub equation: usize,
    /// 1-based character column in the equation.
    pub column: usize,
    /// The equation as typed.
    pub text: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EquationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let caret = " ".repeat(self.column.saturating_sub(1));
        write!(
            f,
            "equation {}, column {}: {}\n    {}\n    {caret}^",
            self.equation, self.column, self.message, self.text
        )
    }
}

impl std::error::Error for EquationError {}

/// One compiled equation: the slot it writes and its right-hand side.
#[derive(Clone, Debug)]
struct Equation {
    target: usize,
    expr: FlatEx<f64, Ops>,
    /// The slot of each of the expression's variables, in exmex's order.
    inputs: Vec<usize>,
}

/// Equations compiled against hyperparameter and state names.
#[derive(Clone, Debug)]
pub struct Program {
    source: Vec<String>,
    equations: Vec<Equation>,
    hyper: usize,
    state: usize,
}

impl PartialEq for Program {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.hyper == other.hyper && self.state == other.state
    }
}

impl Program {
    /// Compiles `equations` (`name = expression`, in order) that may read
    /// `g`, `theta`, `t`, `lr`, the `hyper` and `state` names, and
    /// temporaries assigned by earlier equations.
    pub fn compile(
        hyper: &[&str],
        state: &[&str],
        equations: &[String],
    ) -> Result<Self, EquationError> {
        let fail = |equation: usize, column: usize, message: String| EquationError {
            equation,
            column,
            text: equations.get(equation - 1).cloned().unwrap_or_default(),
            message,
        };
        if equations.is_empty() {
            return Err(fail(1, 1, "there are no equations".into()));
        }
        if equations.len() > MAX_NAMES {
            return Err(fail(
                MAX_NAMES + 1,
                1,
                format!("at most {MAX_NAMES} equations"),
            ));
        }
        let mut names: Vec<String> = BUILT_IN.iter().map(|s| (*s).to_owned()).collect();
        names.extend(hyper.iter().map(|s| (*s).to_owned()));
        names.extend(state.iter().map(|s| (*s).to_owned()));
        let mut compiled = Vec::with_capacity(equations.len());
        let mut writes_theta = false;
        for (k, text) in equations.iter().enumerate() {
            let n = k + 1;
            let Some((lhs, rhs)) = text.split_once('=') else {
                return Err(fail(n, 1, "write `name = expression`".into()));
            };
            let target_name = lhs.trim();
            let lhs_column = lhs.chars().take_while(|c| c.is_whitespace()).count() + 1;
            if !is_name(target_name) {
                return Err(fail(
                    n,
                    lhs_column,
                    format!(
                        "`{target_name}` cannot be assigned: name a state variable, theta or a new temporary"
                    ),
                ));
            }
            if ["g", "t", "lr"].contains(&target_name) || hyper.contains(&target_name) {
                return Err(fail(
                    n,
                    lhs_column,
                    format!(
                        "`{target_name}` is read-only: assign theta, a state variable or a new temporary"
                    ),
                ));
            }
            let rhs_offset = lhs.chars().count() + 1;
            let known = |name: &str| names.iter().any(|n| n == name);
            let scanned = scan(rhs, &known).map_err(|(c, m)| fail(n, rhs_offset + c, m))?;
            if scanned.operands > MAX_OPERANDS {
                return Err(fail(
                    n,
                    rhs_offset + 1,
                    format!(
                        "at most {MAX_OPERANDS} numbers and names in one equation; split it with a temporary"
                    ),
                ));
            }
            let expr = FlatEx::<f64, Ops>::parse(&scanned.text)
                .map_err(|e| fail(n, rhs_offset + 1, e.msg().to_owned()))?;
            let inputs = expr
                .var_names()
                .iter()
                .map(|v| names.iter().position(|n| n == v).unwrap_or(0))
                .collect();
            let target = match names.iter().position(|n| n == target_name) {
                Some(slot) => slot,
                None if names.len() < MAX_SLOTS => {
                    names.push(target_name.to_owned());
                    names.len() - 1
                }
                None => {
                    return Err(fail(n, lhs_column, "too many temporaries".into()));
                }
            };
            writes_theta |= target == 1;
            compiled.push(Equation {
                target,
                expr,
                inputs,
            });
        }
        if !writes_theta {
            return Err(fail(equations.len(), 1, "no equation assigns theta".into()));
        }
        Ok(Self {
            source: equations.to_vec(),
            equations: compiled,
            hyper: hyper.len(),
            state: state.len(),
        })
    }

    /// One step for every coordinate: `hyper` values, step `t`, `lr`; each
    /// of `state` holds one variable's value per coordinate.
    #[inline]
    pub fn run(
        &self,
        params: &mut [f64],
        grad: &[f64],
        state: &mut [Vec<f64>],
        (hyper, t, lr): (&[f64], f64, f64),
    ) {
        let mut slots = [0.0; MAX_SLOTS];
        slots[2] = t;
        slots[3] = lr;
        let first_state = BUILT_IN.len() + self.hyper;
        for (slot, &v) in slots[BUILT_IN.len()..first_state].iter_mut().zip(hyper) {
            *slot = v;
        }
        let mut args = [0.0; MAX_OPERANDS];
        for (i, (p, &g)) in params.iter_mut().zip(grad).enumerate() {
            slots[0] = g;
            slots[1] = *p;
            for (k, values) in state.iter().enumerate().take(self.state) {
                slots[first_state + k] = values.get(i).copied().unwrap_or(f64::NAN);
            }
            for eq in &self.equations {
                for (arg, &slot) in args.iter_mut().zip(&eq.inputs) {
                    *arg = slots[slot];
                }
                let n = eq.inputs.len().min(MAX_OPERANDS);
                slots[eq.target] = eq.expr.eval(&args[..n]).unwrap_or(f64::NAN);
            }
            *p = slots[1];
            for (k, values) in state.iter_mut().enumerate().take(self.state) {
                if let Some(v) = values.get_mut(i) {
                    *v = slots[first_state + k];
                }
            }
        }
    }
}

/// Whether `s` is an identifier: a letter or `_`, then letters, digits, `_`.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}
