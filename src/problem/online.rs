//! An online loss: a cycle of typed f(x, y), step t seeing term (t − 1) mod p.

use serde::{Deserialize, Serialize};

use super::{Batch, ExpressionError, ExpressionSurface, Problem, ViewBox};

/// Most terms in one cycle.
pub const MAX_TERMS: usize = 16;

/// A cycle of losses as written in a preset:
/// `Online(terms: ["3*x", "-x", "-x"])`. Step t (from 1) takes the gradient
/// of term (t − 1) mod p; the loss drawn and recorded is the terms' mean.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlineConfig {
    /// f₁(x, y), f₂(x, y), …, in the formula language of `Expression`.
    pub terms: Vec<String>,
    /// The region to show (default ±5 in both directions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewBox>,
}

impl OnlineConfig {
    /// Parses every term: the first that does not parse, with its index.
    pub fn parse(&self) -> Result<OnlineSurface, (usize, ExpressionError)> {
        let terms = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| ExpressionSurface::parse(t, self.view).map_err(|e| (i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OnlineSurface {
            terms,
            view: self.view.unwrap_or(ViewBox {
                x: (-5.0, 5.0),
                y: (-5.0, 5.0),
            }),
        })
    }
}

/// The parsed cycle.
#[derive(Clone, Debug)]
pub struct OnlineSurface {
    terms: Vec<ExpressionSurface>,
    view: ViewBox,
}

impl OnlineSurface {
    /// The terms' mean f̄ and its gradient at (x, y).
    fn mean(&self, x: f64, y: f64) -> (f64, f64, f64) {
        let n = self.terms.len().max(1) as f64;
        let (f, gx, gy) = self.terms.iter().fold((0.0, 0.0, 0.0), |acc, t| {
            let (f, gx, gy) = t.eval(x, y);
            (acc.0 + f, acc.1 + gx, acc.2 + gy)
        });
        (f / n, gx / n, gy / n)
    }

    /// Step `t`'s term (t from 1) and its gradient at (x, y).
    fn term(&self, t: u64, x: f64, y: f64) -> (f64, f64, f64) {
        let p = self.terms.len().max(1) as u64;
        let i = usize::try_from(t.saturating_sub(1) % p).unwrap_or(0);
        self.terms
            .get(i)
            .map_or((f64::NAN, f64::NAN, f64::NAN), |e| e.eval(x, y))
    }
}

impl Problem for OnlineSurface {
    fn dim(&self) -> usize {
        2
    }

    fn param_names(&self) -> Vec<String> {
        vec!["x".into(), "y".into()]
    }

    fn name(&self) -> String {
        "Online f_t(x, y)".into()
    }

    fn formula(&self) -> String {
        let terms: Vec<&str> = self.terms.iter().map(ExpressionSurface::formula).collect();
        format!("f_t cycles through [{}]", terms.join("; "))
    }

    fn loss(&self, params: &[f64]) -> f64 {
        match params {
            [x, y] => self.mean(*x, *y).0,
            _ => f64::NAN,
        }
    }

    fn loss_grad(&self, params: &[f64], batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        let ([x, y], [gx, gy]) = (params, grad) else {
            return f64::NAN;
        };
        let (f, dx, dy) = match batch {
            Batch::Step(t) => self.term(t, *x, *y),
            Batch::Full | Batch::Indices(_) => self.mean(*x, *y),
        };
        *gx = dx;
        *gy = dy;
        f
    }

    fn default_start(&self) -> Vec<f64> {
        vec![
            f64::midpoint(self.view.x.0, self.view.x.1),
            f64::midpoint(self.view.y.0, self.view.y.1),
        ]
    }

    fn view(&self) -> Option<ViewBox> {
        Some(self.view)
    }

    fn period(&self) -> Option<usize> {
        Some(self.terms.len())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reddi() -> OnlineSurface {
        OnlineConfig {
            terms: vec![
                "3*x + y^2/2".into(),
                "-x + y^2/2".into(),
                "-x + y^2/2".into(),
            ],
            view: None,
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn step_t_sees_term_t_minus_one_mod_p_and_full_sees_the_mean() {
        let p = reddi();
        let mut g = [0.0; 2];
        for (t, gx) in [
            (1, 3.0),
            (2, -1.0),
            (3, -1.0),
            (4, 3.0),
            (300, -1.0),
            (301, 3.0),
        ] {
            p.loss_grad(&[0.5, 2.0], Batch::Step(t), &mut g);
            assert_eq!(g, [gx, 2.0], "step {t}");
        }
        let f = p.loss_grad(&[0.5, 2.0], Batch::Full, &mut g);
        assert!((g[0] - 1.0 / 3.0).abs() < 1e-15);
        assert!((f - (0.5 / 3.0 + 2.0)).abs() < 1e-15, "{f}");
        assert_eq!(p.loss(&[0.5, 2.0]), f);
        assert_eq!(p.period(), Some(3));
    }

    #[test]
    fn a_bad_term_is_named_by_its_index_and_column() {
        let config = OnlineConfig {
            terms: vec!["x".into(), "x + z".into()],
            view: None,
        };
        let (index, e) = config.parse().unwrap_err();
        assert_eq!((index, e.column), (1, 5), "{e}");
    }

    #[test]
    fn a_surface_that_does_not_cycle_reads_a_step_as_the_full_batch() {
        let s = crate::problem::Surface::Rosenbrock;
        let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
        let fa = s.loss_grad(&[0.3, 0.2], Batch::Step(7), &mut a);
        let fb = s.loss_grad(&[0.3, 0.2], Batch::Full, &mut b);
        assert_eq!((fa, a), (fb, b));
        assert_eq!(Batch::full_at(&s, 7), Batch::Full);
        assert_eq!(Batch::full_at(&reddi(), 7), Batch::Step(7));
    }

    proptest! {
        #[test]
        fn each_terms_gradient_matches_finite_differences(
            x in -2.0..2.0f64, y in -2.0..2.0f64, t in 1..40_u64,
        ) {
            let p = OnlineConfig {
                terms: vec!["sin(x)*y".into(), "x^2 - exp(y/3)".into()],
                view: None,
            }
            .parse()
            .unwrap();
            let mut g = [0.0; 2];
            p.loss_grad(&[x, y], Batch::Step(t), &mut g);
            let h = 1e-6;
            let mut scratch = [0.0; 2];
            let mut f = |x: f64, y: f64| p.loss_grad(&[x, y], Batch::Step(t), &mut scratch);
            let fx = (f(x + h, y) - f(x - h, y)) / (2.0 * h);
            let fy = (f(x, y + h) - f(x, y - h)) / (2.0 * h);
            prop_assert!((g[0] - fx).abs() < 1e-6 * (1.0 + fx.abs()));
            prop_assert!((g[1] - fy).abs() < 1e-6 * (1.0 + fy.abs()));
        }
    }
}
