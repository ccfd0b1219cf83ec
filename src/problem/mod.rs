//! Loss functions the optimizers run on: 2-D surfaces and small models on data.

mod dataset;
mod expression;
pub mod functions;
mod linear;
mod surface;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use dataset::{DataError, LineData, LineDataSource};
pub use expression::{ExpressionConfig, ExpressionError, ExpressionSurface};
pub use linear::LinearRegression;
pub use surface::Surface;

use crate::validate::Checker;

/// Which samples a gradient is computed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch<'a> {
    /// Every sample (or the whole surface).
    Full,
    /// A mini-batch: indices into the data set.
    Indices(&'a [usize]),
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

/// A differentiable loss over a parameter vector.
pub trait Problem: Send + Sync + fmt::Debug {
    /// Number of parameters.
    fn dim(&self) -> usize;

    /// One name per parameter: `x, y` or `w, b`.
    fn param_names(&self) -> Vec<String>;

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

    /// Known minima.
    fn minima(&self) -> Vec<Minimum> {
        Vec::new()
    }

    /// The default view, for 2-parameter problems.
    fn view(&self) -> Option<ViewBox> {
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
}

impl ProblemConfig {
    /// Builds the problem; relative data paths are resolved against `base_dir`.
    pub fn build(&self, base_dir: &Path) -> Result<Arc<dyn Problem>, ProblemError> {
        Ok(match self {
            Self::Surface(s) => Arc::new(*s),
            Self::LinearRegression(c) => Arc::new(LinearRegression::new(c.data.load(base_dir)?)),
            Self::Expression(e) => Arc::new(ExpressionSurface::parse(&e.formula, e.view)?),
        })
    }

    /// Whether the problem has data to draw mini-batches from.
    pub fn has_data(&self) -> bool {
        matches!(self, Self::LinearRegression(_))
    }

    /// Range checks on the problem's parameters.
    pub(crate) fn check(&self, c: &mut Checker) {
        match self {
            Self::Surface(s) => s.check(c),
            Self::LinearRegression(l) => c.nested("data", |c| l.data.check(c)),
            Self::Expression(e) => {
                if let Err(err) = ExpressionSurface::parse(&e.formula, e.view) {
                    c.fail("formula", err.to_string());
                }
                if let Some(v) = e.view
                    && !(v.x.0 < v.x.1
                        && v.y.0 < v.y.1
                        && [v.x.0, v.x.1, v.y.0, v.y.1].iter().all(|b| b.is_finite()))
                {
                    c.fail("view", "needs finite ranges with min < max");
                }
            }
        }
    }
}
