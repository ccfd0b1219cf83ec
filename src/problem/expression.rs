//! User-typed surfaces f(x, y) with symbolic gradients (exmex).

use std::fmt;

use exmex::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Batch, Problem, ViewBox};
use crate::optim::custom::scan::{number_end, written_out};

/// Functions the formula may use (those exmex can differentiate).
const FUNCTIONS: [&str; 18] = [
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "exp", "sqrt", "ln", "log", "log2", "log10",
];
/// Functions exmex evaluates but cannot differentiate.
const NOT_DIFFERENTIABLE: [&str; 8] = [
    "abs", "signum", "floor", "round", "ceil", "trunc", "fract", "cbrt",
];
const CONSTANTS: [&str; 6] = ["PI", "π", "E", "e", "TAU", "τ"];

/// A formula as written in a preset: `Expression(formula: "sin(x)*cos(y)")`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressionConfig {
    /// f(x, y) with `+ - * / ^`, parentheses, the usual functions and `PI`, `E`.
    pub formula: String,
    /// The region to show (default ±5 in both directions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewBox>,
}

impl ExpressionConfig {
    /// Parses `formula` in this config's view: the warnings where the
    /// symbolic gradient disagrees with finite differences, or the error
    /// pointing at the offending character.
    pub fn check_formula(&self, formula: &str) -> Result<Vec<String>, ExpressionError> {
        ExpressionSurface::parse(formula, self.view).map(|s| s.gradient_warnings())
    }
}

/// A formula that does not parse, with the column (1-based, in characters)
/// of the offending character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpressionError {
    /// The formula.
    pub formula: String,
    /// 1-based character column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let caret = " ".repeat(self.column.saturating_sub(1));
        write!(
            f,
            "column {}: {}\n    {}\n    {caret}^",
            self.column, self.message, self.formula
        )
    }
}

impl std::error::Error for ExpressionError {}

/// f(x, y) with its symbolic partial derivatives.
#[derive(Clone, Debug)]
pub struct ExpressionSurface {
    formula: String,
    f: FlatEx<f64>,
    dfdx: Option<FlatEx<f64>>,
    dfdy: Option<FlatEx<f64>>,
    /// Positions of x and y in exmex's (alphabetical) variable list.
    slots: (Option<usize>, Option<usize>),
    view: ViewBox,
}

/// Finds the first character that cannot start a valid formula piece.
fn scan(formula: &str) -> Result<(), (usize, String)> {
    let chars: Vec<char> = formula.chars().collect();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        if c.is_whitespace() || "+-*/^,".contains(c) {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            i = number_end(&chars, i);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            let name: String = chars.get(start..i).unwrap_or_default().iter().collect();
            if NOT_DIFFERENTIABLE.contains(&name.as_str()) {
                return Err((
                    start + 1,
                    format!("`{name}` has no symbolic derivative; use a smooth function"),
                ));
            }
            let known = name == "x"
                || name == "y"
                || FUNCTIONS.contains(&name.as_str())
                || CONSTANTS.contains(&name.as_str());
            if !known {
                let called = chars
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .find(|c| !c.is_whitespace())
                    == Some(&'(');
                let message = if called {
                    format!("unknown function `{name}`")
                } else {
                    format!("unknown name `{name}`; the variables are x and y")
                };
                return Err((start + 1, message));
            }
        } else if c == '(' {
            open.push(column);
            if open.len() > MAX_DEPTH {
                return Err((column, format!("parentheses nest deeper than {MAX_DEPTH}")));
            }
            i += 1;
        } else if c == ')' {
            if open.pop().is_none() {
                return Err((column, "`)` without a matching `(`".into()));
            }
            i += 1;
        } else {
            return Err((column, format!("unexpected character `{c}`")));
        }
    }
    if let Some(column) = open.pop() {
        return Err((column, "`(` is never closed".into()));
    }
    if let Some(pos) = chars.iter().rposition(|c| !c.is_whitespace())
        && chars.get(pos).is_some_and(|c| "+-*/^,".contains(*c))
    {
        return Err((pos + 1, "the formula ends with an operator".into()));
    }
    Ok(())
}

/// Longest formula accepted; exmex differentiates recursively.
const MAX_LENGTH: usize = 400;
/// Deepest parenthesis nesting accepted.
const MAX_DEPTH: usize = 24;
/// Stack for parsing and differentiating (exmex recurses deeply).
const PARSE_STACK: usize = 256 << 20;

impl ExpressionSurface {
    /// Parses `formula` and derives its gradient, on a thread with a large
    /// stack so that deep expressions cannot overflow the caller's.
    pub fn parse(formula: &str, view: Option<ViewBox>) -> Result<Self, ExpressionError> {
        let text = formula.to_owned();
        let spawned = std::thread::Builder::new()
            .name("descent-formula".into())
            .stack_size(PARSE_STACK)
            .spawn(move || Self::parse_here(&text, view));
        match spawned.map(std::thread::JoinHandle::join) {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(ExpressionError {
                formula: formula.to_owned(),
                column: 1,
                message: "the formula could not be differentiated".into(),
            }),
            Err(_) => Self::parse_here(formula, view),
        }
    }

    fn parse_here(formula: &str, view: Option<ViewBox>) -> Result<Self, ExpressionError> {
        let error = |column: usize, message: String| ExpressionError {
            formula: formula.to_owned(),
            column,
            message,
        };
        if formula.trim().is_empty() {
            return Err(error(1, "the formula is empty".into()));
        }
        if formula.chars().count() > MAX_LENGTH {
            return Err(error(
                MAX_LENGTH + 1,
                format!("the formula is longer than {MAX_LENGTH} characters"),
            ));
        }
        scan(formula).map_err(|(column, message)| error(column, message))?;
        // exmex reads no exponents: `1e-3` is given to it as `0.001`.
        let f =
            exmex::parse::<f64>(&written_out(formula)).map_err(|e| error(1, e.msg().to_owned()))?;
        let names = f.var_names().to_vec();
        let slot = |v: &str| names.iter().position(|n| n == v);
        let slots = (slot("x"), slot("y"));
        let derive = |idx: Option<usize>| -> Result<Option<FlatEx<f64>>, ExpressionError> {
            idx.map(|i| f.clone().partial(i))
                .transpose()
                .map_err(|e| error(1, format!("cannot differentiate: {}", e.msg())))
        };
        Ok(Self {
            dfdx: derive(slots.0)?,
            dfdy: derive(slots.1)?,
            formula: formula.to_owned(),
            f,
            slots,
            view: view.unwrap_or(ViewBox {
                x: (-5.0, 5.0),
                y: (-5.0, 5.0),
            }),
        })
    }

    /// The formula as typed.
    pub fn formula(&self) -> &str {
        &self.formula
    }

    fn vars(&self, x: f64, y: f64) -> ([f64; 2], usize) {
        let mut vars = [0.0; 2];
        let mut n = 0;
        if let Some(i) = self.slots.0
            && let Some(v) = vars.get_mut(i)
        {
            *v = x;
            n += 1;
        }
        if let Some(i) = self.slots.1
            && let Some(v) = vars.get_mut(i)
        {
            *v = y;
            n += 1;
        }
        (vars, n)
    }

    /// f(x, y) and its gradient; NaN where the formula is undefined.
    pub fn eval(&self, x: f64, y: f64) -> (f64, f64, f64) {
        let (vars, n) = self.vars(x, y);
        let vars = vars.get(..n).unwrap_or_default();
        let at = |e: &FlatEx<f64>| e.eval(vars).unwrap_or(f64::NAN);
        let f = at(&self.f);
        let gx = self.dfdx.as_ref().map_or(0.0, at);
        let gy = self.dfdy.as_ref().map_or(0.0, at);
        (f, gx, gy)
    }

    /// Points where the symbolic gradient disagrees with central differences
    /// (relative error above 1e-4), as messages; checked on a 9×9 grid.
    pub fn gradient_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let h = 1e-6;
        for i in 0..9 {
            for j in 0..9 {
                let x =
                    self.view.x.0 + (self.view.x.1 - self.view.x.0) * (f64::from(i) + 0.5) / 9.0;
                let y =
                    self.view.y.0 + (self.view.y.1 - self.view.y.0) * (f64::from(j) + 0.5) / 9.0;
                let (_, gx, gy) = self.eval(x, y);
                let fd_x = (self.eval(x + h, y).0 - self.eval(x - h, y).0) / (2.0 * h);
                let fd_y = (self.eval(x, y + h).0 - self.eval(x, y - h).0) / (2.0 * h);
                for (name, g, fd) in [("∂f/∂x", gx, fd_x), ("∂f/∂y", gy, fd_y)] {
                    if g.is_finite() && fd.is_finite() && (g - fd).abs() > 1e-4 * (1.0 + fd.abs()) {
                        out.push(format!(
                            "{name} at ({x:.3}, {y:.3}) is {g:.6e} symbolically but {fd:.6e} by finite differences"
                        ));
                    }
                }
            }
        }
        out
    }
}

impl Problem for ExpressionSurface {
    fn dim(&self) -> usize {
        2
    }

    fn param_names(&self) -> Vec<String> {
        vec!["x".into(), "y".into()]
    }

    fn name(&self) -> String {
        "Custom f(x, y)".into()
    }

    fn formula(&self) -> String {
        self.formula.clone()
    }

    fn loss(&self, params: &[f64]) -> f64 {
        match params {
            [x, y] => self.eval(*x, *y).0,
            _ => f64::NAN,
        }
    }

    fn loss_grad(&self, params: &[f64], _batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        match (params, grad) {
            ([x, y], [gx, gy]) => {
                let (f, dx, dy) = self.eval(*x, *y);
                *gx = dx;
                *gy = dy;
                f
            }
            _ => f64::NAN,
        }
    }

    fn default_start(&self) -> Vec<f64> {
        vec![
            self.view.x.0 + 0.2 * (self.view.x.1 - self.view.x.0),
            self.view.y.0 + 0.8 * (self.view.y.1 - self.view.y.0),
        ]
    }

    fn view(&self) -> Option<ViewBox> {
        Some(self.view)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::problem::Surface;

    #[test]
    fn rosenbrock_typed_equals_the_builtin() {
        let e = ExpressionSurface::parse("(1-x)^2 + 100*(y-x^2)^2", None).unwrap();
        for (x, y) in [(-1.5, 2.0), (0.3, -0.7), (1.0, 1.0)] {
            let (f, gx, gy) = e.eval(x, y);
            let (f0, gx0, gy0) = Surface::Rosenbrock.eval(x, y);
            assert!((f - f0).abs() <= 1e-12 * f0.abs().max(1.0));
            assert!((gx - gx0).abs() <= 1e-12 * gx0.abs().max(1.0));
            assert!((gy - gy0).abs() <= 1e-12 * gy0.abs().max(1.0));
        }
    }

    #[test]
    fn numbers_with_exponents_read_as_written() {
        let e = ExpressionSurface::parse("x^2 + 1e-3*y^2 + 2.5E+1", None).unwrap();
        let (f, gx, gy) = e.eval(2.0, 10.0);
        assert_eq!(f, 4.0 + 0.1 + 25.0);
        assert_eq!((gx, gy), (4.0, 0.02));
    }

    #[test]
    fn errors_point_at_the_offending_character() {
        let cases = [
            ("sin(x) + sn(y)", 10, "unknown function `sn`"),
            ("x + z", 5, "unknown name `z`"),
            ("(x + y", 1, "`(` is never closed"),
            ("x + y)", 6, "`)` without a matching `(`"),
            ("x $ y", 3, "unexpected character `$`"),
            ("x + y *", 7, "ends with an operator"),
            ("", 1, "empty"),
        ];
        for (formula, column, needle) in cases {
            let e = ExpressionSurface::parse(formula, None).unwrap_err();
            assert_eq!(e.column, column, "{formula}: {e}");
            assert!(e.message.contains(needle), "{formula}: {e}");
        }
        let shown = ExpressionSurface::parse("sin(x) + sn(y)", None)
            .unwrap_err()
            .to_string();
        assert!(shown.ends_with("sin(x) + sn(y)\n             ^"), "{shown}");
    }

    #[test]
    fn deep_and_long_formulas_neither_overflow_nor_hang() {
        let nested = format!("{}x{}", "(".repeat(24), ")".repeat(24));
        assert!(ExpressionSurface::parse(&nested, None).is_ok());
        let too_deep = format!("{}x{}", "(".repeat(25), ")".repeat(25));
        assert_eq!(
            ExpressionSurface::parse(&too_deep, None)
                .unwrap_err()
                .column,
            25
        );
        let long = vec!["sin(x*y)"; 44].join("+");
        let e = ExpressionSurface::parse(&long, None).unwrap();
        assert!((e.eval(0.5, 0.5).0 - 44.0 * 0.25f64.sin()).abs() < 1e-12);
        let too_long = "x+".repeat(250) + "x";
        assert!(
            ExpressionSurface::parse(&too_long, None)
                .unwrap_err()
                .message
                .contains("longer")
        );
    }

    #[test]
    fn one_variable_formulas_have_a_zero_partial() {
        let e = ExpressionSurface::parse("x^2 + 3", None).unwrap();
        assert_eq!(e.eval(2.0, 7.0), (7.0, 4.0, 0.0));
        let c = ExpressionSurface::parse("2*PI", None).unwrap();
        assert_eq!(c.eval(1.0, 1.0).1, 0.0);
    }

    #[test]
    fn the_gradient_check_accepts_smooth_formulas_and_flags_singular_ones() {
        let smooth = ExpressionSurface::parse("sin(x)*cos(y) + 0.1*(x^2+y^2)", None).unwrap();
        assert!(smooth.gradient_warnings().is_empty());
        let e = ExpressionSurface::parse("abs(x)", None).unwrap_err();
        assert_eq!(e.column, 1);
        assert!(e.message.contains("no symbolic derivative"), "{e}");
        // sqrt(x^2) = |x| has a kink at 0: the symbolic 0/0 there is NaN, not a
        // wrong number, so the check stays quiet rather than crying wolf.
        let kink = ExpressionSurface::parse("sqrt(x^2) + y", None).unwrap();
        assert!(
            kink.gradient_warnings().len() <= 2,
            "{:?}",
            kink.gradient_warnings()
        );
    }

    proptest! {
        #[test]
        fn symbolic_gradients_match_finite_differences(x in -3.0..3.0f64, y in -3.0..3.0f64) {
            let e = ExpressionSurface::parse("sin(x)*cos(y) + 0.1*(x^2+y^2) + exp(-x*y/4)", None).unwrap();
            let (_, gx, gy) = e.eval(x, y);
            let h = 1e-6;
            let fx = (e.eval(x + h, y).0 - e.eval(x - h, y).0) / (2.0 * h);
            let fy = (e.eval(x, y + h).0 - e.eval(x, y - h).0) / (2.0 * h);
            prop_assert!((gx - fx).abs() < 1e-6 * (1.0 + fx.abs()));
            prop_assert!((gy - fy).abs() < 1e-6 * (1.0 + fy.abs()));
        }
    }
}
