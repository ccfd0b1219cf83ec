//! A typed formula (the exmex language of `Expression` and `Online`)
//! rewritten as a Python expression over tensors `x` and `y`, parenthesised
//! exactly as exmex groups it, so Python evaluates the same operations in
//! the same order: exmex binds unary operators and functions tighter than
//! any binary one (`-x^2` is `(-x)^2`), ranks `^` over `/` over `*` over `-`
//! over `+`, and groups equal ranks from the left (`2^3^2` is `(2^3)^2`).

/// The Python for `formula`, calling `module.sin` and so on (`torch` or
/// `jnp`), or what it cannot rewrite.
pub fn to_python(formula: &str, module: &str) -> Result<String, String> {
    let tokens = tokenize(formula)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        module,
    };
    let out = parser.binary(0)?;
    match parser.tokens.get(parser.at) {
        None => Ok(out),
        Some(t) => Err(format!("unexpected `{}`", t.text())),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(String),
    Name(String),
    Op(char),
    Open,
    Close,
}

impl Token {
    fn text(&self) -> String {
        match self {
            Self::Number(s) | Self::Name(s) => s.clone(),
            Self::Op(c) => c.to_string(),
            Self::Open => "(".into(),
            Self::Close => ")".into(),
        }
    }
}

fn tokenize(formula: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = formula.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while let Some(&d) = chars.get(i) {
                let exponent_sign = (d == '-' || d == '+')
                    && matches!(chars.get(i.wrapping_sub(1)), Some('e' | 'E'));
                if d.is_ascii_digit() || d == '.' || d == 'e' || d == 'E' || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Token::Number(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|d| d.is_alphanumeric() || *d == '_')
            {
                i += 1;
            }
            out.push(Token::Name(chars[start..i].iter().collect()));
        } else {
            out.push(match c {
                '(' => Token::Open,
                ')' => Token::Close,
                '+' | '-' | '*' | '/' | '^' => Token::Op(c),
                other => return Err(format!("cannot rewrite `{other}` for Python")),
            });
            i += 1;
        }
    }
    Ok(out)
}

/// exmex's rank of a binary operator.
fn rank(op: char) -> Option<u8> {
    match op {
        '+' => Some(0),
        '-' => Some(1),
        '*' => Some(2),
        '/' => Some(3),
        '^' => Some(4),
        _ => None,
    }
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    module: &'a str,
}

impl Parser<'_> {
    /// Operands joined by operators of rank ≥ `min`, grouped from the left.
    fn binary(&mut self, min: u8) -> Result<String, String> {
        let mut left = self.unary()?;
        while let Some(Token::Op(op)) = self.tokens.get(self.at).cloned() {
            let Some(r) = rank(op).filter(|r| *r >= min) else {
                break;
            };
            self.at += 1;
            let right = self.binary(r + 1)?;
            let py = if op == '^' {
                "**".to_owned()
            } else {
                op.to_string()
            };
            left = format!("({left} {py} {right})");
        }
        Ok(left)
    }

    /// A unary minus or plus, a function applied, or an atom.
    fn unary(&mut self) -> Result<String, String> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or("the formula ends too early")?;
        self.at += 1;
        match token {
            Token::Op('-') => Ok(format!("(-{})", self.unary()?)),
            Token::Op('+') => self.unary(),
            Token::Number(n) => Ok(n),
            Token::Open => {
                let inner = self.binary(0)?;
                match self.tokens.get(self.at) {
                    Some(Token::Close) => {
                        self.at += 1;
                        Ok(inner)
                    }
                    _ => Err("a `(` is not closed".into()),
                }
            }
            Token::Name(name) => self.name(&name),
            other => Err(format!("unexpected `{}`", other.text())),
        }
    }

    fn name(&mut self, name: &str) -> Result<String, String> {
        let constant = match name {
            "x" | "y" => return Ok(name.to_owned()),
            "PI" | "π" => Some("math.pi"),
            "E" | "e" => Some("math.e"),
            "TAU" | "τ" => Some("math.tau"),
            _ => None,
        };
        if let Some(c) = constant {
            return Ok(c.to_owned());
        }
        let function = match name {
            "ln" | "log" => "log",
            "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh"
            | "asinh" | "acosh" | "atanh" | "exp" | "sqrt" | "log2" | "log10" | "abs" => name,
            other => return Err(format!("cannot rewrite `{other}` for Python")),
        };
        let argument = self.unary()?;
        Ok(format!("{}.{function}({argument})", self.module))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_as_exmex_does() {
        assert_eq!(to_python("-x^2", "torch").unwrap(), "((-x) ** 2)");
        assert_eq!(to_python("2^3^2", "torch").unwrap(), "((2 ** 3) ** 2)");
        assert_eq!(to_python("x*y/2", "torch").unwrap(), "(x * (y / 2))");
        assert_eq!(to_python("x + y - 1", "torch").unwrap(), "(x + (y - 1))");
        assert_eq!(
            to_python("sin(x)^2 + 1e-3*cos(PI*y)", "jnp").unwrap(),
            "((jnp.sin(x) ** 2) + (1e-3 * jnp.cos((math.pi * y))))"
        );
        assert_eq!(
            to_python("ln(x^2 + 1)", "torch").unwrap(),
            "torch.log(((x ** 2) + 1))"
        );
    }

    #[test]
    fn says_what_it_cannot_rewrite() {
        assert!(
            to_python("floor(x)", "torch")
                .unwrap_err()
                .contains("floor")
        );
        assert!(
            to_python("(x + y", "torch")
                .unwrap_err()
                .contains("not closed")
        );
        assert!(to_python("x $ y", "torch").unwrap_err().contains('$'));
    }
}
