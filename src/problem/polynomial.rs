//! Polynomial regression with optional L1/L2 penalties and a held-out
//! validation set: the classic over-fitting lesson.

use super::penalty::sign;
use super::{Batch, LineData, Problem};
use crate::optim::{Layout, Tensor};

/// ŷ = Σₖ θₖ·x̃ᵏ with x̃ = (x − c)/h, the training inputs scaled to [−1, 1] so
/// that high degrees stay trainable.
///
/// ```text
/// L = mean((ŷ − y)²) + l2·Σₖ≥₁ θₖ² + l1·Σₖ≥₁ |θₖ|       (θ₀, the intercept, is not penalised)
/// ∂L/∂θₖ = (2/n)·Σ (ŷ − y)·x̃ᵏ + 2·l2·θₖ + l1·sign(θₖ)
/// ```
/// The validation loss is the plain mean squared error on the held-out points.
#[derive(Clone, Debug, PartialEq)]
pub struct PolynomialRegression {
    train: LineData,
    validation: Option<LineData>,
    degree: usize,
    l1: f64,
    l2: f64,
    centre: f64,
    half_width: f64,
}

impl PolynomialRegression {
    /// A degree-`degree` fit of `train`, scored on `validation` if given.
    pub fn new(
        train: LineData,
        validation: Option<LineData>,
        degree: usize,
        (l1, l2): (f64, f64),
    ) -> Self {
        let (centre, half_width) = input_scaling(train.x.iter().copied());
        Self {
            train,
            validation,
            degree,
            l1,
            l2,
            centre,
            half_width,
        }
    }

    /// The model's value at input `x`.
    fn value(&self, params: &[f64], x: f64) -> f64 {
        let t = (x - self.centre) / self.half_width;
        // Horner, highest power first.
        params.iter().rev().fold(0.0, |acc, &c| acc * t + c)
    }

    fn mse(&self, params: &[f64], data: &LineData) -> f64 {
        let n = data.x.len();
        if n == 0 || params.len() != self.dim() {
            return f64::NAN;
        }
        let sum: f64 = data
            .x
            .iter()
            .zip(&data.y)
            .map(|(&x, &y)| {
                let r = self.value(params, x) - y;
                r * r
            })
            .sum();
        sum / n as f64
    }

    fn penalty(&self, params: &[f64]) -> f64 {
        params
            .iter()
            .skip(1)
            .map(|t| self.l2 * t * t + self.l1 * t.abs())
            .sum()
    }
}

/// The centre c and half-width h that map the training inputs `xs` onto
/// [−1, 1] by x̃ = (x − c)/h (h = 1 when they are all equal).
pub fn input_scaling(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() && hi > lo {
        (f64::midpoint(lo, hi), (hi - lo) / 2.0)
    } else {
        (if lo.is_finite() { lo } else { 0.0 }, 1.0)
    }
}

impl Problem for PolynomialRegression {
    fn dim(&self) -> usize {
        self.degree + 1
    }

    fn param_names(&self) -> Vec<String> {
        (0..self.dim()).map(|k| format!("theta_{k}")).collect()
    }

    /// θ₀ is the intercept; θ₁… multiply x̃, x̃², … as one row of weights.
    fn tensors(&self) -> Layout {
        Layout::new(vec![
            Tensor::new("bias", &[1]),
            Tensor::new("weight", &[1, self.degree]),
        ])
    }

    fn name(&self) -> String {
        format!("Polynomial regression, degree {}", self.degree)
    }

    fn formula(&self) -> String {
        // x − (−0.008) reads as x + 0.008.
        let shift = if self.centre < 0.0 {
            format!("x + {:.3}", -self.centre)
        } else {
            format!("x − {:.3}", self.centre)
        };
        let mut text = format!(
            "mean((Σ θₖ·x̃ᵏ − y)²) over {} points, x̃ = ({shift})/{:.3}",
            self.train.x.len(),
            self.half_width
        );
        if self.l2 > 0.0 {
            text = format!("{text} + {}·Σθₖ²", self.l2);
        }
        if self.l1 > 0.0 {
            text = format!("{text} + {}·Σ|θₖ|", self.l1);
        }
        text
    }

    fn loss(&self, params: &[f64]) -> f64 {
        self.mse(params, &self.train) + self.penalty(params)
    }

    fn loss_grad(&self, params: &[f64], batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        let count = match batch {
            Batch::Full | Batch::Step(_) => self.train.x.len(),
            Batch::Indices(idx) => idx.len(),
        };
        if count == 0 || params.len() != self.dim() || grad.len() != self.dim() {
            grad.fill(f64::NAN);
            return f64::NAN;
        }
        grad.fill(0.0);
        let mut sum = 0.0;
        for k in 0..count {
            let i = match batch {
                Batch::Full | Batch::Step(_) => k,
                Batch::Indices(idx) => idx[k],
            };
            let (Some(&x), Some(&y)) = (self.train.x.get(i), self.train.y.get(i)) else {
                continue;
            };
            let r = self.value(params, x) - y;
            sum += r * r;
            let t = (x - self.centre) / self.half_width;
            let mut power = 1.0;
            for g in grad.iter_mut() {
                *g += 2.0 * r * power;
                power *= t;
            }
        }
        let n = count as f64;
        for (k, (g, &theta)) in grad.iter_mut().zip(params).enumerate() {
            *g /= n;
            if k > 0 {
                *g += 2.0 * self.l2 * theta + self.l1 * sign(theta);
            }
        }
        sum / n + self.penalty(params)
    }

    fn default_start(&self) -> Vec<f64> {
        vec![0.0; self.dim()]
    }

    fn penalised(&self) -> Vec<bool> {
        (0..self.dim()).map(|k| k > 0).collect()
    }

    fn sample_count(&self) -> Option<usize> {
        Some(self.train.x.len())
    }

    fn validation_loss(&self, params: &[f64]) -> Option<f64> {
        self.validation.as_ref().map(|v| self.mse(params, v))
    }

    fn samples(&self) -> Option<crate::problem::Samples> {
        let points = |d: &LineData| -> Vec<[f64; 2]> {
            d.x.iter().zip(&d.y).map(|(&x, &y)| [x, y]).collect()
        };
        Some(crate::problem::Samples::Line {
            train: points(&self.train),
            validation: self.validation.as_ref().map(points).unwrap_or_default(),
        })
    }

    fn predict(&self, params: &[f64], x: f64) -> Option<f64> {
        (params.len() == self.dim()).then(|| self.value(params, x))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array1;
    use proptest::prelude::*;

    use super::*;

    fn data(n: usize) -> LineData {
        let x: Array1<f64> = (0..n)
            .map(|i| -2.0 + 4.0 * i as f64 / (n - 1) as f64)
            .collect();
        let y = x.mapv(|v| (1.5 * v).sin());
        LineData { x, y }
    }

    #[test]
    fn loss_grad_agrees_with_loss_and_validation_is_plain_mse() {
        let x: Array1<f64> = (0..20).map(|i| f64::from(i) / 10.0 - 1.0).collect();
        let y = x.mapv(|v| 1.0 - 2.0 * v + 0.5 * v * v * v);
        let p = PolynomialRegression::new(
            LineData {
                x: x.clone(),
                y: y.clone(),
            },
            Some(LineData { x, y }),
            3,
            (0.0, 0.0),
        );
        // x already spans [−1, 0.9]; x̃ is an affine map of it, so some θ is exact.
        let mut g = vec![0.0; 4];
        let theta = [0.0; 4];
        let loss = p.loss_grad(&theta, Batch::Full, &mut g);
        assert!((loss - p.loss(&theta)).abs() < 1e-15);
        assert_eq!(p.validation_loss(&theta), Some(p.loss(&theta)));
        assert_eq!(p.param_names()[3], "theta_3");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn gradient_matches_central_differences(
            degree in 1_usize..12,
            l1 in 0.0..0.1f64,
            l2 in 0.0..0.1f64,
            seed in proptest::collection::vec(-1.0..1.0f64, 13),
        ) {
            let p = PolynomialRegression::new(data(15), None, degree, (l1, l2));
            // Keep θ away from 0 so the L1 term is differentiable.
            let theta: Vec<f64> = seed[..=degree].iter().map(|v| v + v.signum() * 0.05).collect();
            let idx = [0_usize, 3, 7, 11];
            for batch in [Batch::Full, Batch::Indices(&idx)] {
                let mut g = vec![0.0; theta.len()];
                p.loss_grad(&theta, batch, &mut g);
                let mut scratch = vec![0.0; theta.len()];
                for i in 0..theta.len() {
                    let h = 1e-6;
                    let mut up = theta.clone();
                    up[i] += h;
                    let mut down = theta.clone();
                    down[i] -= h;
                    let fd = (p.loss_grad(&up, batch, &mut scratch) - p.loss_grad(&down, batch, &mut scratch)) / (2.0 * h);
                    prop_assert!((g[i] - fd).abs() < 1e-6 * fd.abs().max(1.0), "θ{i}: {} vs {fd}", g[i]);
                }
            }
        }
    }
}
