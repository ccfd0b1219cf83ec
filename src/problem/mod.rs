//! Loss functions the optimizers run on: 2-D surfaces and small models on data.

mod activation;
pub mod catalogue;
mod classes;
mod dataset;
mod expression;
pub mod functions;
mod linear;
mod network;
mod network_gradient;
mod network_loss;
mod online;
mod penalty;
mod polynomial;
mod samples;
mod softplus;
mod surface;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use activation::Activation;
pub use classes::{ClassData, ClassDataSource, MAX_CLASSES, parse_class_csv, split_classes};
pub use dataset::{DataError, LineData, LineDataSource, parse_xy_csv};
pub use expression::{ExpressionConfig, ExpressionError, ExpressionSurface};
pub use linear::LinearRegression;
pub use network::Network;
pub use online::{MAX_TERMS, OnlineConfig, OnlineSurface};
pub use penalty::Penalty;
pub use polynomial::{PolynomialRegression, input_scaling};
pub use samples::Samples;
pub use surface::Surface;

use crate::optim::Layout;
use crate::support::validate::Checker;

/// Which samples a gradient is computed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch<'a> {
    /// Every sample (or the whole surface).
    Full,
    /// A mini-batch: indices into the data set.
    Indices(&'a [usize]),
    /// Step `t`'s loss (from 1), for a loss that changes with the step
    /// ([`Problem::period`]); any other problem reads it as [`Batch::Full`].
    Step(u64),
}

impl Batch<'_> {
    /// The full batch of step `t` (from 1): [`Batch::Step`] where the loss
    /// changes with the step, else [`Batch::Full`].
    pub fn full_at(problem: &dyn Problem, t: u64) -> Batch<'static> {
        if problem.period().is_some() {
            Batch::Step(t)
        } else {
            Batch::Full
        }
    }
}

/// A known minimum, for markers.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// Its coordinates.
    pub point: Vec<f64>,
    /// The loss there.
    pub value: f64,
    /// `global` or `local`.
    pub label: &'static str,
}

/// An axis-aligned box in parameter space, `x: (min, max)`, `y: (min, max)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewBox {
    /// Horizontal range.
    pub x: (f64, f64),
    /// Vertical range.
    pub y: (f64, f64),
}

impl ViewBox {
    /// A box around every finite point with a 10 % margin (at least 1e-3),
    /// or −1…1 on both axes when there is none.
    pub fn around(points: impl IntoIterator<Item = [f64; 2]>) -> Self {
        let mut b = Self {
            x: (f64::INFINITY, f64::NEG_INFINITY),
            y: (f64::INFINITY, f64::NEG_INFINITY),
        };
        for p in points {
            if p[0].is_finite() && p[1].is_finite() {
                b.x = (b.x.0.min(p[0]), b.x.1.max(p[0]));
                b.y = (b.y.0.min(p[1]), b.y.1.max(p[1]));
            }
        }
        if !(b.x.0.is_finite() && b.y.0.is_finite()) {
            return Self {
                x: (-1.0, 1.0),
                y: (-1.0, 1.0),
            };
        }
        let pad = |(a, c): (f64, f64)| {
            let m = ((c - a) * 0.1).max(1e-3);
            (a - m, c + m)
        };
        Self {
            x: pad(b.x),
            y: pad(b.y),
        }
    }

    /// `point` (x, y) moved to the nearest point of the box: each coordinate
    /// clamped to its range. Other lengths are left alone.
    #[inline]
    pub fn project(&self, point: &mut [f64]) {
        if let [x, y] = point {
            *x = x.clamp(self.x.0, self.x.1);
            *y = y.clamp(self.y.0, self.y.1);
        }
    }

    /// Widened (never narrowed) to width / height = `aspect`, keeping its centre.
    #[must_use]
    pub fn widened_to(self, aspect: f64) -> Self {
        let (w, h) = (self.x.1 - self.x.0, self.y.1 - self.y.0);
        if !(aspect.is_finite() && aspect > 0.0 && w > 0.0 && h > 0.0) {
            return self;
        }
        let (cx, cy) = (
            f64::midpoint(self.x.0, self.x.1),
            f64::midpoint(self.y.0, self.y.1),
        );
        let (w, h) = if w / h < aspect {
            (h * aspect, h)
        } else {
            (w, w / aspect)
        };
        Self {
            x: (cx - w / 2.0, cx + w / 2.0),
            y: (cy - h / 2.0, cy + h / 2.0),
        }
    }
}

/// A differentiable loss over a parameter vector.
pub trait Problem: Send + Sync + fmt::Debug {
    /// Number of parameters.
    fn dim(&self) -> usize;

    /// One name per parameter: `x, y` or `w, b`.
    fn param_names(&self) -> Vec<String>;

    /// The parameters as torch's named tensors, in the flat vector's order
    /// (a surface is one tensor of shape `[2]`).
    fn tensors(&self) -> Layout {
        Layout::vector(self.dim())
    }

    /// Short display name.
    fn name(&self) -> String;

    /// The loss as display text.
    fn formula(&self) -> String;

    /// The loss on the full data.
    fn loss(&self, params: &[f64]) -> f64;

    /// The loss on `batch`, writing its gradient into `grad`. Must not allocate.
    fn loss_grad(&self, params: &[f64], batch: Batch<'_>, grad: &mut [f64]) -> f64;

    /// A sensible start.
    fn default_start(&self) -> Vec<f64>;

    /// Number of samples to draw mini-batches from (`None` for surfaces).
    fn sample_count(&self) -> Option<usize> {
        None
    }

    /// Whether [`Self::loss`] splits its work across rayon's threads (a
    /// network on enough points); callers then step from inside the pool.
    fn splits_loss(&self) -> bool {
        false
    }

    /// Known minima.
    fn minima(&self) -> Vec<Minimum> {
        Vec::new()
    }

    /// The default view, for 2-parameter problems.
    fn view(&self) -> Option<ViewBox> {
        None
    }

    /// The mean loss on held-out data, when the problem has a validation split.
    fn validation_loss(&self, _params: &[f64]) -> Option<f64> {
        None
    }

    /// The data, for the data view (`None` for surfaces).
    fn samples(&self) -> Option<Samples> {
        None
    }

    /// Number of classes, for classifiers.
    fn classes(&self) -> Option<usize> {
        None
    }

    /// A classifier's class probabilities at input `x`, written into `probs`
    /// (length [`Self::classes`]); others leave `probs` alone.
    fn class_probabilities(&self, _params: &[f64], _x: [f64; 2], _probs: &mut [f64]) {}

    /// Groups of parameters that form one "filter" for filter-normalised
    /// landscape directions (a neuron's incoming weights); empty means one
    /// group of everything.
    fn filter_groups(&self) -> Vec<std::ops::Range<usize>> {
        Vec::new()
    }

    /// A classifier's share of correctly classified training points.
    fn accuracy(&self, _params: &[f64]) -> Option<f64> {
        None
    }

    /// Which parameters are weights that a run's [`Penalty`] applies to
    /// (intercepts and biases are not); surfaces penalise every coordinate.
    fn penalised(&self) -> Vec<bool> {
        vec![true; self.dim()]
    }

    /// A 1-D regression's prediction at `x`.
    fn predict(&self, _params: &[f64], _x: f64) -> Option<f64> {
        None
    }

    /// For a loss that changes with the step: how many steps its cycle of
    /// losses takes. [`Self::loss`] is then their mean, the objective.
    fn period(&self) -> Option<usize> {
        None
    }
}

/// A problem as written in a preset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ProblemConfig {
    /// An analytic 2-D surface: `Surface(Rosenbrock)`.
    Surface(Surface),
    /// y ≈ w·x + b with MSE: `LinearRegression(data: Csv("linreg.csv"))`.
    LinearRegression(LinearRegressionConfig),
    /// A typed formula: `Expression(formula: "sin(x)*cos(y) + 0.1*(x^2+y^2)")`.
    Expression(ExpressionConfig),
    /// Polynomial regression with optional penalties and a validation split:
    /// `PolynomialRegression(data: Synthetic(n: 30), degree: 12, l2: 1e-3, validation: 0.3)`.
    PolynomialRegression(PolynomialConfig),
    /// A classifier on labelled points: logistic regression (no hidden layers,
    /// 2 classes), softmax regression (no hidden layers, K classes) or an MLP:
    /// `Classification(data: Moons(n: 200), hidden: [16, 16], activation: Tanh)`.
    Classification(ClassificationConfig),
    /// A loss that changes with the step: `Online(terms: ["3*x", "-x", "-x"])`.
    /// Step t takes the gradient of term (t − 1) mod p; the loss drawn and
    /// recorded is the terms' mean.
    Online(OnlineConfig),
}

/// Highest polynomial degree.
pub const MAX_DEGREE: usize = 15;

/// Settings of polynomial regression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolynomialConfig {
    /// Where the (x, y) points come from.
    pub data: LineDataSource,
    /// Degree, 1 to 15.
    #[serde(default = "default_degree")]
    pub degree: usize,
    /// L1 penalty on θ₁… (default 0).
    #[serde(default)]
    pub l1: f64,
    /// L2 penalty on θ₁… (default 0).
    #[serde(default)]
    pub l2: f64,
    /// Share of the points held out for validation, 0 to 0.9 (default 0).
    #[serde(default)]
    pub validation: f64,
    /// Seed of the train/validation split.
    #[serde(default)]
    pub split_seed: u64,
}

fn default_degree() -> usize {
    3
}

/// Most hidden layers, and most units in one.
pub const MAX_HIDDEN: (usize, usize) = (3, 32);

/// Settings of a classification problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassificationConfig {
    /// The labelled points.
    pub data: ClassDataSource,
    /// Widths of the hidden layers (none: logistic or softmax regression).
    #[serde(default)]
    pub hidden: Vec<usize>,
    /// The hidden layers' nonlinearity.
    #[serde(default)]
    pub activation: Activation,
    /// Seed of the default (torch-style) initial weights.
    #[serde(default)]
    pub init_seed: u64,
    /// Share of the points held out for validation, 0 to 0.9 (default 0).
    #[serde(default)]
    pub validation: f64,
    /// Seed of the train/validation split.
    #[serde(default)]
    pub split_seed: u64,
}

/// Settings of the linear-regression problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearRegressionConfig {
    /// Where the (x, y) points come from.
    pub data: LineDataSource,
}

/// A problem that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ProblemError {
    /// The data set could not be loaded.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The formula does not parse.
    #[error("problem.formula: {0}")]
    Expression(#[from] ExpressionError),
    /// A term of an online loss does not parse.
    #[error("problem.terms[{0}]: {1}")]
    Term(usize, ExpressionError),
}

impl ProblemConfig {
    /// Builds the problem; relative data paths are resolved against `base_dir`.
    pub fn build(&self, base_dir: &Path) -> Result<Arc<dyn Problem>, ProblemError> {
        Ok(match self {
            Self::Surface(s) => Arc::new(*s),
            Self::LinearRegression(c) => Arc::new(LinearRegression::new(c.data.load(base_dir)?)),
            Self::Expression(e) => Arc::new(ExpressionSurface::parse(&e.formula, e.view)?),
            Self::Online(o) => Arc::new(o.parse().map_err(|(i, e)| ProblemError::Term(i, e))?),
            Self::PolynomialRegression(c) => {
                let (train, validation) =
                    dataset::split(c.data.load(base_dir)?, c.validation, c.split_seed);
                Arc::new(PolynomialRegression::new(
                    train,
                    validation,
                    c.degree,
                    (c.l1, c.l2),
                ))
            }
            Self::Classification(c) => {
                let (train, validation) =
                    split_classes(c.data.load(base_dir)?, c.validation, c.split_seed);
                Arc::new(
                    Network::new(train, &c.hidden, c.activation, c.init_seed)
                        .with_validation(validation),
                )
            }
        })
    }

    /// Whether the problem has data to draw mini-batches from.
    pub fn has_data(&self) -> bool {
        matches!(
            self,
            Self::LinearRegression(_) | Self::PolynomialRegression(_) | Self::Classification(_)
        )
    }

    /// Range checks on the problem's parameters.
    pub(crate) fn check(&self, c: &mut Checker) {
        match self {
            Self::Surface(s) => s.check(c),
            Self::LinearRegression(l) => c.nested("data", |c| l.data.check(c)),
            Self::PolynomialRegression(p) => {
                c.nested("data", |c| p.data.check(c));
                if !(1..=MAX_DEGREE).contains(&p.degree) {
                    c.fail(
                        "degree",
                        format!("must be between 1 and {MAX_DEGREE}, got {}", p.degree),
                    );
                }
                c.non_negative("l1", p.l1);
                c.non_negative("l2", p.l2);
                if !(0.0..=0.9).contains(&p.validation) {
                    c.fail(
                        "validation",
                        format!("must be between 0 and 0.9, got {}", p.validation),
                    );
                }
            }
            Self::Classification(k) => {
                c.nested("data", |c| k.data.check(c));
                if !(0.0..=0.9).contains(&k.validation) {
                    c.fail(
                        "validation",
                        format!("must be between 0 and 0.9, got {}", k.validation),
                    );
                }
                let (layers, width) = MAX_HIDDEN;
                if k.hidden.len() > layers {
                    c.fail(
                        "hidden",
                        format!("at most {layers} hidden layers, got {}", k.hidden.len()),
                    );
                }
                for (i, &units) in k.hidden.iter().enumerate() {
                    if !(1..=width).contains(&units) {
                        c.fail(
                            &format!("hidden[{i}]"),
                            format!("must be between 1 and {width} units, got {units}"),
                        );
                    }
                }
            }
            Self::Expression(e) => {
                if let Err(err) = ExpressionSurface::parse(&e.formula, e.view) {
                    c.fail("formula", err.to_string());
                }
                check_view(c, "view", e.view);
            }
            Self::Online(o) => {
                if o.terms.is_empty() || o.terms.len() > MAX_TERMS {
                    c.fail(
                        "terms",
                        format!("needs 1 to {MAX_TERMS} formulas, got {}", o.terms.len()),
                    );
                }
                for (i, term) in o.terms.iter().enumerate() {
                    if let Err(err) = ExpressionSurface::parse(term, o.view) {
                        c.fail(&format!("terms[{i}]"), err.to_string());
                    }
                }
                check_view(c, "view", o.view);
            }
        }
    }
}

/// A box with finite ranges, min < max on both axes (or none).
pub(crate) fn check_view(c: &mut Checker, field: &str, view: Option<ViewBox>) {
    if let Some(v) = view
        && !(v.x.0 < v.x.1
            && v.y.0 < v.y.1
            && [v.x.0, v.x.1, v.y.0, v.y.1].iter().all(|b| b.is_finite()))
    {
        c.fail(field, "needs finite ranges with min < max");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_to_an_aspect_widens_the_short_side_only() {
        let square = ViewBox {
            x: (-1.0, 1.0),
            y: (0.0, 2.0),
        };
        let wide = square.widened_to(2.0);
        assert_eq!(wide.x, (-2.0, 2.0));
        assert_eq!(wide.y, (0.0, 2.0));
        let tall = square.widened_to(0.5);
        assert_eq!(tall.x, (-1.0, 1.0));
        assert_eq!(tall.y, (-1.0, 3.0));
    }
}
