//! log(1 + e^−a) for a ≥ 0, the term of the binary cross-entropy with
//! logits that needs `exp` and `log1p`, without branches so that a loop over
//! several samples compiles to vector instructions.
//!
//! ```text
//! t = e^−a = 2ᵏ·(1 + expm1(r))                       (the reduction tanh uses)
//! u = 1 + t (rounded),  c = t − (u − 1)              (exact: what rounding lost)
//! u = 2ʲ·m,  m ∈ [√2/2, √2],  f = m − 1,  s = f / (2 + f)
//! log1p(t) = j·ln 2 + f − s·(f − R(s²)) + c/u,       R(z) = Σₙ 2zⁿ⁺¹/(2n + 3), n = 0…8
//! ```
//! since log(1 + f) = 2·atanh(s) and 2s = f − s·f. Within 3 ulp of glibc's
//! `exp` then `log1p` (measured in the tests); torch computes this term as
//! `log1p(exp(−|z|))` too.

#![expect(
    clippy::inline_always,
    reason = "the kernel must inline into pulp's vector context to be vectorised for it"
)]

use super::activation::{LN2_HIGH, LN2_LOW, exp_split, expm1_reduced};

/// Past this, e^−a is below 2⁻¹⁰²² and the term is taken as 0 (it is
/// under 10⁻³⁰⁷).
const LIMIT: f64 = 708.0;

/// 2/(2n + 3) for n = 0…8: 2·atanh(s)'s coefficients past its linear term.
const ATANH_TAIL: [f64; 9] = [
    2.0 / 3.0,
    2.0 / 5.0,
    2.0 / 7.0,
    2.0 / 9.0,
    2.0 / 11.0,
    2.0 / 13.0,
    2.0 / 15.0,
    2.0 / 17.0,
    2.0 / 19.0,
];

/// Σₙ `ATANH_TAIL`[n]·zⁿ by Estrin's scheme (a chain four steps long).
#[inline(always)]
fn atanh_tail(z: f64) -> f64 {
    let c = ATANH_TAIL;
    let z2 = z * z;
    let z4 = z2 * z2;
    let pair = |k: usize| c[k] + c[k + 1] * z;
    let low = (pair(0) + pair(2) * z2) + (pair(4) + pair(6) * z2) * z4;
    low + c[8] * (z4 * z4)
}

/// log(1 + e^−a) for a ≥ 0; NaN stays NaN and +∞ gives 0.
#[inline(always)]
pub(super) fn log1p_exp_neg(a: f64) -> f64 {
    // `>` is false for NaN, so NaN passes through.
    let x = if a > LIMIT { -LIMIT } else { -a };
    let (scale, r) = exp_split(x);
    let t = scale * expm1_reduced(r) + scale;
    let u = 1.0 + t;
    let lost = t - (u - 1.0);
    let above = u > std::f64::consts::SQRT_2;
    let m = if above { 0.5 * u } else { u };
    let j = if above { 1.0 } else { 0.0 };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let tail = s * s * atanh_tail(s * s);
    let log_m = f - s * (f - tail);
    let value = j * LN2_HIGH + (log_m + (j * LN2_LOW + lost / u));
    if a > LIMIT { 0.0 } else { value }
}

#[cfg(test)]
mod tests {
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt as _, SeedableRng as _};

    use super::*;

    fn libm(a: f64) -> f64 {
        (-a).exp().ln_1p()
    }

    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn within_three_ulp_of_exp_then_log1p() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut worst = (0, 0.0);
        for i in 0..400_000 {
            // Logits from 1e-12 to 700 on a log scale, and a uniform band
            // where most logits fall.
            let a = if i % 2 == 0 {
                10f64.powf(rng.random_range(-12.0..2.845))
            } else {
                rng.random_range(0.0..40.0)
            };
            let d = ulps(log1p_exp_neg(a), libm(a));
            if d > worst.0 {
                worst = (d, a);
            }
        }
        assert!(worst.0 <= 3, "{} ulp at a = {:e}", worst.0, worst.1);
    }

    #[test]
    fn edges() {
        assert!(ulps(log1p_exp_neg(0.0), std::f64::consts::LN_2) <= 1);
        // Where u crosses √2 (t = √2 − 1) and where 1 + t rounds to 1.
        for a in [0.881_373_587, 0.881_373_588, 36.0, 37.5, 40.0, 700.0] {
            assert!(ulps(log1p_exp_neg(a), libm(a)) <= 3, "a = {a}");
        }
        let far = log1p_exp_neg(708.5);
        assert!((0.0..1e-307).contains(&far), "{far}");
        assert_eq!(log1p_exp_neg(f64::INFINITY), 0.0);
        assert!(log1p_exp_neg(f64::NAN).is_nan());
    }
}
