//! A run's own L1/L2 penalty on the problem's weights.

use serde::{Deserialize, Serialize};

use crate::support::validate::Checker;

/// L1 and L2 penalties added to the loss, on weights only (intercepts and
/// biases are left alone, as [`super::Problem::penalised`] says):
///
/// ```text
/// L' = L + l2·Σ wₖ² + l1·Σ |wₖ|
/// ∂L'/∂wₖ = ∂L/∂wₖ + 2·l2·wₖ + l1·sign(wₖ)      (sign(0) = 0, as torch)
/// ```
///
/// Each mini-batch loss gets the full penalty, as `loss = mse + λ·‖w‖₁` in torch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Penalty {
    /// Weight of Σ|wₖ| (default 0).
    #[serde(default)]
    pub l1: f64,
    /// Weight of Σwₖ² (default 0).
    #[serde(default)]
    pub l2: f64,
}

impl Penalty {
    /// Whether the penalty changes anything.
    pub fn is_zero(&self) -> bool {
        self.l1 == 0.0 && self.l2 == 0.0
    }

    /// The penalty at `params`; `mask[k]` says whether parameter k is a weight.
    pub fn value(&self, params: &[f64], mask: &[bool]) -> f64 {
        params
            .iter()
            .zip(mask)
            .filter(|(_, on)| **on)
            .map(|(w, _)| self.l2 * w * w + self.l1 * w.abs())
            .sum()
    }

    /// Adds the penalty's gradient to `grad` and returns its value.
    pub fn add_to(&self, params: &[f64], mask: &[bool], grad: &mut [f64]) -> f64 {
        let mut value = 0.0;
        for ((w, g), on) in params.iter().zip(grad.iter_mut()).zip(mask) {
            if *on {
                value += self.l2 * w * w + self.l1 * w.abs();
                *g += 2.0 * self.l2 * w + self.l1 * sign(*w);
            }
        }
        value
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.non_negative("l1", self.l1);
        c.non_negative("l2", self.l2);
    }
}

/// torch's `sign`: 0 at 0 (the L1 subgradient used by every penalty).
pub(super) fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_weights_are_penalised() {
        let p = Penalty { l1: 0.5, l2: 2.0 };
        let mut g = [1.0, 1.0];
        let value = p.add_to(&[-3.0, 4.0], &[true, false], &mut g);
        assert_eq!(value, 2.0 * 9.0 + 0.5 * 3.0);
        assert_eq!(g, [1.0 + 2.0 * 2.0 * -3.0 - 0.5, 1.0]);
        assert_eq!(p.value(&[-3.0, 4.0], &[true, false]), value);
    }

    #[test]
    fn the_subgradient_at_zero_is_zero() {
        let mut g = [0.25];
        Penalty { l1: 1.0, l2: 0.0 }.add_to(&[0.0], &[true], &mut g);
        assert_eq!(g, [0.25]);
    }

    proptest! {
        #[test]
        fn gradient_matches_finite_differences(
            w in prop::collection::vec(0.01f64..3.0, 1..6),
            signs in prop::collection::vec(any::<bool>(), 6),
            l1 in 0.0f64..2.0,
            l2 in 0.0f64..2.0,
        ) {
            // Away from 0, where |w| is differentiable.
            let w: Vec<f64> = w.iter().zip(&signs).map(|(v, s)| if *s { *v } else { -v }).collect();
            let mask: Vec<bool> = (0..w.len()).map(|k| k % 3 != 2).collect();
            let p = Penalty { l1, l2 };
            let mut g = vec![0.0; w.len()];
            p.add_to(&w, &mask, &mut g);
            for k in 0..w.len() {
                let h = 1e-6;
                let (mut up, mut down) = (w.clone(), w.clone());
                up[k] += h;
                down[k] -= h;
                let fd = (p.value(&up, &mask) - p.value(&down, &mask)) / (2.0 * h);
                prop_assert!((fd - g[k]).abs() < 1e-6, "k {k}: fd {fd} vs {}", g[k]);
            }
        }
    }
}
