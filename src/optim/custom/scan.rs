//! Checking one equation's right-hand side character by character, so that
//! an error points at its column, and rewriting `1e-8` for exmex (which
//! reads no exponents) as the same number in positional form.

/// Functions an equation may call (evaluated, never differentiated).
pub const FUNCTIONS: [&str; 25] = [
    "sqrt", "exp", "ln", "log", "log2", "log10", "abs", "sign", "min", "max", "sin", "cos", "tan",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "floor", "ceil",
    "round",
];

/// Constants exmex knows.
pub(super) const CONSTANTS: [&str; 6] = ["PI", "π", "E", "e", "TAU", "τ"];

/// Deepest parenthesis nesting accepted.
const MAX_DEPTH: usize = 24;

/// What a scanned right-hand side holds.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    /// The text exmex parses: numbers with exponents written out.
    pub text: String,
    /// Numbers, constants and names: the operands exmex evaluates.
    pub operands: usize,
}

/// Scans `rhs`; `known` says whether a name may be read. Errors carry the
/// 1-based character column within `rhs`.
pub(super) fn scan(rhs: &str, known: &dyn Fn(&str) -> bool) -> Result<Scanned, (usize, String)> {
    let chars: Vec<char> = rhs.chars().collect();
    let mut out = Scanned::default();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    let mut expect_operand = true;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        if c.is_whitespace() {
            out.text.push(c);
            i += 1;
        } else if "+-*/^,".contains(c) {
            if expect_operand && !"+-".contains(c) {
                return Err((column, format!("`{c}` needs something before it")));
            }
            out.text.push(c);
            expect_operand = true;
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            i = number_end(&chars, i);
            let literal: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let value: f64 = literal
                .parse()
                .map_err(|_| (start + 1, format!("`{literal}` is not a number")))?;
            out.text.push_str(&positional(&literal, value));
            out.operands += 1;
            expect_operand = false;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            let name: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let called = chars
                .get(i..)
                .unwrap_or_default()
                .iter()
                .find(|c| !c.is_whitespace())
                == Some(&'(');
            if FUNCTIONS.contains(&name.as_str()) {
                if !called {
                    return Err((start + 1, format!("`{name}` is a function: `{name}(…)`")));
                }
            } else if CONSTANTS.contains(&name.as_str()) || known(&name) {
                out.operands += 1;
                expect_operand = false;
            } else if called {
                return Err((start + 1, format!("unknown function `{name}`")));
            } else {
                return Err((start + 1, format!("unknown name `{name}`")));
            }
            out.text.push_str(&name);
        } else if c == '(' {
            open.push(column);
            if open.len() > MAX_DEPTH {
                return Err((column, format!("parentheses nest deeper than {MAX_DEPTH}")));
            }
            out.text.push(c);
            expect_operand = true;
            i += 1;
        } else if c == ')' {
            if open.pop().is_none() {
                return Err((column, "`)` without a matching `(`".into()));
            }
            if expect_operand {
                return Err((column, "`)` closes nothing".into()));
            }
            out.text.push(c);
            i += 1;
        } else {
            return Err((column, format!("unexpected character `{c}`")));
        }
    }
    if let Some(column) = open.pop() {
        return Err((column, "`(` is never closed".into()));
    }
    if expect_operand {
        let column = chars
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map_or(1, |p| p + 1);
        return Err((column, "the equation ends without a value".into()));
    }
    Ok(out)
}

/// Where the number starting at `i` ends: digits, a point, an exponent.
pub(crate) fn number_end(chars: &[char], mut i: usize) -> usize {
    while chars
        .get(i)
        .is_some_and(|c| c.is_ascii_digit() || *c == '.')
    {
        i += 1;
    }
    let exponent = matches!(chars.get(i), Some('e' | 'E'))
        && (chars.get(i + 1).is_some_and(char::is_ascii_digit)
            || (matches!(chars.get(i + 1), Some('+' | '-'))
                && chars.get(i + 2).is_some_and(char::is_ascii_digit)));
    if exponent {
        i += 2;
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
    }
    i
}

/// `text` with every number that has an exponent written out in
/// positional form, as exmex reads numbers; names (`beta1`, `e`) are kept.
pub(crate) fn written_out(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        if c.is_alphabetic() || c == '_' {
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            out.extend(chars.get(start..i).unwrap_or_default());
        } else if c.is_ascii_digit() || c == '.' {
            i = number_end(&chars, i);
            let literal: String = chars.get(start..i).unwrap_or_default().iter().collect();
            match literal.parse::<f64>() {
                Ok(value) => out.push_str(&positional(&literal, value)),
                Err(_) => out.push_str(&literal),
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `literal` (whose value is `value`) without an exponent, as exmex reads
/// numbers; the shortest positional form of the same f64.
fn positional(literal: &str, value: f64) -> String {
    if !literal.contains(['e', 'E']) {
        return literal.to_owned();
    }
    // `{}` on an f64 never uses an exponent and round-trips exactly.
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(name: &str) -> bool {
        ["g", "m", "v", "beta1", "eps"].contains(&name)
    }

    #[test]
    fn exponents_are_written_out_to_the_same_number() {
        let s = scan("m / (sqrt(v) + 1e-8) * 2.5E+3", &names).unwrap();
        assert_eq!(s.text, "m / (sqrt(v) + 0.00000001) * 2500");
        assert_eq!(s.operands, 4);
        assert_eq!("0.00000001".parse::<f64>().unwrap(), 1e-8);
    }

    #[test]
    fn errors_point_at_the_character() {
        let cases = [
            ("beta1*m + bta*g", 11, "unknown name `bta`"),
            ("m + foo(g)", 5, "unknown function `foo`"),
            ("(m + g", 1, "`(` is never closed"),
            ("m + g)", 6, "`)` without a matching `(`"),
            ("m * ", 3, "the equation ends without a value"),
            ("m # g", 3, "unexpected character `#`"),
            ("sqrt + m", 1, "`sqrt` is a function: `sqrt(…)`"),
            ("* m", 1, "`*` needs something before it"),
        ];
        for (rhs, column, message) in cases {
            assert_eq!(
                scan(rhs, &names).unwrap_err(),
                (column, message.into()),
                "{rhs}"
            );
        }
    }

    #[test]
    fn only_numbers_are_written_out() {
        assert_eq!(
            written_out("beta1e2 + 1e-3*x^2 - e + 2.5E2"),
            "beta1e2 + 0.001*x^2 - e + 250"
        );
    }

    #[test]
    fn min_max_and_sign_are_functions() {
        let s = scan("max(abs(g), m) - min(v, eps) * sign(g)", &names).unwrap();
        assert_eq!(s.operands, 5);
    }
}
