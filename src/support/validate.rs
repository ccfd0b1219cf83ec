//! Range checks for user-supplied numbers, with messages that name the field.

use std::fmt;

/// A value that is well-formed but makes no sense, e.g. a negative `lr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `runs[0].optimizer.lr`.
    pub field: String,
    /// What is wrong, e.g. `must be > 0, got -0.1`.
    pub message: String,
    /// 1-based line and column of the field in the source text, when known.
    pub at: Option<(usize, usize)>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, col)) = self.at {
            write!(f, "{line}:{col}: ")?;
        }
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Collects every field error of a value, so the user sees them all at once.
#[derive(Debug, Default)]
pub struct Checker {
    prefix: String,
    errors: Vec<FieldError>,
}

impl Checker {
    /// A checker whose field names start with `prefix` (may be empty).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            errors: Vec::new(),
        }
    }

    /// Checks nested fields under `name`.
    pub fn nested(&mut self, name: &str, check: impl FnOnce(&mut Self)) {
        let saved = self.prefix.clone();
        self.prefix = self.path(name);
        check(self);
        self.prefix = saved;
    }

    fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else if name.starts_with('[') {
            format!("{}{name}", self.prefix)
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    /// Records an error on `name`.
    pub fn fail(&mut self, name: &str, message: impl Into<String>) {
        let field = self.path(name);
        self.errors.push(FieldError {
            at: None,
            field,
            message: message.into(),
        });
    }

    /// Requires a finite value.
    pub fn finite(&mut self, name: &str, value: f64) -> bool {
        if value.is_finite() {
            true
        } else {
            self.fail(name, format!("must be a finite number, got {value}"));
            false
        }
    }

    /// Requires a finite value > 0.
    pub fn positive(&mut self, name: &str, value: f64) {
        if self.finite(name, value) && value <= 0.0 {
            self.fail(name, format!("must be > 0, got {value}"));
        }
    }

    /// Requires a finite value ≥ 0.
    pub fn non_negative(&mut self, name: &str, value: f64) {
        if self.finite(name, value) && value < 0.0 {
            self.fail(name, format!("must be >= 0, got {value}"));
        }
    }

    /// Requires a value in [0, 1), as torch demands of betas and momentum terms.
    pub fn unit_interval(&mut self, name: &str, value: f64) {
        if self.finite(name, value) && !(0.0..1.0).contains(&value) {
            self.fail(name, format!("must be in [0, 1), got {value}"));
        }
    }

    /// Requires a value in [0, 1].
    pub fn closed_unit_interval(&mut self, name: &str, value: f64) {
        if self.finite(name, value) && !(0.0..=1.0).contains(&value) {
            self.fail(name, format!("must be in [0, 1], got {value}"));
        }
    }

    /// Requires a count ≥ 1.
    pub fn at_least_one(&mut self, name: &str, value: u64) {
        if value == 0 {
            self.fail(name, "must be at least 1, got 0");
        }
    }

    /// All errors found so far.
    pub fn finish(self) -> Vec<FieldError> {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_name_the_field() {
        let mut c = Checker::new("runs");
        c.nested("[2]", |c| c.nested("optimizer", |c| c.positive("lr", -0.1)));
        c.unit_interval("beta", 1.0);
        c.finite("eps", f64::NAN);
        let errors = c.finish();
        assert_eq!(errors.len(), 3);
        assert_eq!(
            errors[0].to_string(),
            "runs[2].optimizer.lr: must be > 0, got -0.1"
        );
        assert_eq!(errors[1].to_string(), "runs.beta: must be in [0, 1), got 1");
        assert_eq!(errors[2].field, "runs.eps");
    }
}
