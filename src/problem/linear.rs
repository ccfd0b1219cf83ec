//! Linear regression y ≈ w·x + b with mean-squared error.

use super::{Batch, LineData, Problem, ViewBox};
use crate::optim::{Layout, Tensor};

/// Linear regression on (w, b), loss `mean((w·x + b − y)²)`, as
/// `torch.nn.functional.mse_loss` with mean reduction.
///
/// ```text
/// L  = (1/n) Σ (w·xᵢ + b − yᵢ)²
/// ∂L/∂w = (2/n) Σ rᵢ·xᵢ,   ∂L/∂b = (2/n) Σ rᵢ,   rᵢ = w·xᵢ + b − yᵢ
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegression {
    data: LineData,
    /// Least-squares solution (w*, b*), if the xs are not all equal.
    optimum: Option<(f64, f64)>,
}

impl LinearRegression {
    /// Fits over `data`.
    pub fn new(data: LineData) -> Self {
        let optimum = least_squares(&data);
        Self { data, optimum }
    }

    /// The data set.
    pub fn data(&self) -> &LineData {
        &self.data
    }

    /// Sums of r², r·x and r over the samples `indices`, and their count.
    fn accumulate(&self, params: &[f64], indices: &[usize]) -> (f64, f64, f64, usize) {
        let (Some(&w), Some(&b)) = (params.first(), params.get(1)) else {
            return (f64::NAN, f64::NAN, f64::NAN, 0);
        };
        let (mut sq, mut sx, mut s, mut n) = (0.0, 0.0, 0.0, 0);
        for &i in indices {
            if let (Some(&x), Some(&y)) = (self.data.x.get(i), self.data.y.get(i)) {
                let r = w * x + b - y;
                sq += r * r;
                sx += r * x;
                s += r;
                n += 1;
            }
        }
        (sq, sx, s, n)
    }

    /// The same sums over every sample, in four independent lanes so the
    /// additions overlap (torch's CPU sum reorders them too).
    fn accumulate_all(&self, params: &[f64]) -> (f64, f64, f64, usize) {
        let (Some(&w), Some(&b)) = (params.first(), params.get(1)) else {
            return (f64::NAN, f64::NAN, f64::NAN, 0);
        };
        let (Some(xs), Some(ys)) = (self.data.x.as_slice(), self.data.y.as_slice()) else {
            let all: Vec<usize> = (0..self.data.x.len()).collect();
            return self.accumulate(params, &all);
        };
        let (mut sq, mut sx, mut s) = ([0.0; 4], [0.0; 4], [0.0; 4]);
        let (xc, yc) = (xs.chunks_exact(4), ys.chunks_exact(4));
        let (x_rest, y_rest) = (xc.remainder(), yc.remainder());
        for (x4, y4) in xc.zip(yc) {
            for lane in 0..4 {
                let r = w * x4[lane] + b - y4[lane];
                sq[lane] += r * r;
                sx[lane] += r * x4[lane];
                s[lane] += r;
            }
        }
        for (lane, (&x, &y)) in x_rest.iter().zip(y_rest).enumerate() {
            let r = w * x + b - y;
            sq[lane] += r * r;
            sx[lane] += r * x;
            s[lane] += r;
        }
        let total = |v: [f64; 4]| (v[0] + v[1]) + (v[2] + v[3]);
        (total(sq), total(sx), total(s), xs.len().min(ys.len()))
    }
}

/// Closed-form least squares via centred moments.
fn least_squares(data: &LineData) -> Option<(f64, f64)> {
    let n = data.x.len() as f64;
    if n == 0.0 {
        return None;
    }
    let xm = data.x.sum() / n;
    let ym = data.y.sum() / n;
    let sxy: f64 = data
        .x
        .iter()
        .zip(&data.y)
        .map(|(x, y)| (x - xm) * (y - ym))
        .sum();
    let sxx: f64 = data.x.iter().map(|x| (x - xm) * (x - xm)).sum();
    (sxx > 0.0).then(|| {
        let w = sxy / sxx;
        (w, ym - w * xm)
    })
}

impl Problem for LinearRegression {
    fn dim(&self) -> usize {
        2
    }

    fn param_names(&self) -> Vec<String> {
        vec!["w".into(), "b".into()]
    }

    fn tensors(&self) -> Layout {
        Layout::new(vec![
            Tensor::new("weight", &[1, 1]),
            Tensor::new("bias", &[1]),
        ])
    }

    fn name(&self) -> String {
        "Linear regression".into()
    }

    fn formula(&self) -> String {
        format!("mean((w·x + b − y)²) over {} points", self.data.x.len())
    }

    fn loss(&self, params: &[f64]) -> f64 {
        let (sq, _, _, n) = self.accumulate_all(params);
        if n == 0 { f64::NAN } else { sq / n as f64 }
    }

    fn loss_grad(&self, params: &[f64], batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        let (sq, sx, s, n) = match batch {
            Batch::Full | Batch::Step(_) => self.accumulate_all(params),
            Batch::Indices(idx) => self.accumulate(params, idx),
        };
        let n = n as f64;
        if let [gw, gb] = grad {
            *gw = 2.0 * sx / n;
            *gb = 2.0 * s / n;
        }
        sq / n
    }

    fn default_start(&self) -> Vec<f64> {
        vec![0.0, 0.0]
    }

    fn penalised(&self) -> Vec<bool> {
        vec![true, false]
    }

    fn samples(&self) -> Option<crate::problem::Samples> {
        Some(crate::problem::Samples::Line {
            train: self
                .data
                .x
                .iter()
                .zip(&self.data.y)
                .map(|(&x, &y)| [x, y])
                .collect(),
            validation: Vec::new(),
        })
    }

    fn predict(&self, params: &[f64], x: f64) -> Option<f64> {
        match params {
            [w, b] => Some(w * x + b),
            _ => None,
        }
    }

    fn sample_count(&self) -> Option<usize> {
        Some(self.data.x.len())
    }

    fn minima(&self) -> Vec<super::Minimum> {
        self.optimum
            .map(|(w, b)| super::Minimum {
                point: vec![w, b],
                value: self.loss(&[w, b]),
                label: "least squares",
            })
            .into_iter()
            .collect()
    }

    fn view(&self) -> Option<ViewBox> {
        let (w, b) = self.optimum.unwrap_or((0.0, 0.0));
        let r = 1.5 * w.abs().max(b.abs()).max(1.0);
        Some(ViewBox {
            x: (w - r, w + r),
            y: (b - r, b + r),
        })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use proptest::prelude::*;

    use super::*;

    fn small() -> LinearRegression {
        LinearRegression::new(LineData {
            x: array![0.0, 1.0, 2.0, -1.5],
            y: array![1.0, 3.2, 4.9, -2.0],
        })
    }

    #[test]
    fn loss_is_mean_squared_error() {
        let p = small();
        let l = p.loss(&[2.0, 1.0]);
        let expected = (0.0 + 0.2f64.powi(2) + 0.1f64.powi(2) + 0.0) / 4.0;
        assert!((l - expected).abs() < 1e-15);
    }

    #[test]
    fn optimum_has_zero_gradient() {
        let p = small();
        let m = &p.minima()[0].point;
        let mut g = [0.0; 2];
        p.loss_grad(m, Batch::Full, &mut g);
        assert!(g[0].abs() < 1e-12 && g[1].abs() < 1e-12, "{g:?}");
    }

    proptest! {
        #[test]
        fn batch_gradient_matches_finite_differences(
            w in -5.0..5.0f64,
            b in -5.0..5.0f64,
            idx in proptest::collection::vec(0usize..4, 1..6),
        ) {
            let p = small();
            let sub = LinearRegression::new(LineData {
                x: idx.iter().map(|&i| p.data.x[i]).collect(),
                y: idx.iter().map(|&i| p.data.y[i]).collect(),
            });
            let mut g = [0.0; 2];
            let l = p.loss_grad(&[w, b], Batch::Indices(&idx), &mut g);
            prop_assert!((l - sub.loss(&[w, b])).abs() < 1e-12);
            let h = 1e-6;
            let fw = (sub.loss(&[w + h, b]) - sub.loss(&[w - h, b])) / (2.0 * h);
            let fb = (sub.loss(&[w, b + h]) - sub.loss(&[w, b - h])) / (2.0 * h);
            prop_assert!((g[0] - fw).abs() < 1e-5 * (1.0 + fw.abs()));
            prop_assert!((g[1] - fb).abs() < 1e-5 * (1.0 + fb.abs()));
        }
    }
}
