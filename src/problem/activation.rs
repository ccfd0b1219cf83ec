//! The hidden layers' nonlinearities, and a tanh without branches so that a
//! loop over several samples compiles to vector instructions.
//!
//! ```text
//! tanh(z) = sign(z) · e / (e + 2),   e = expm1(2|z|)
//! expm1(x) = 2^k·p + (2^k − 1),      x = k·ln 2 + r, |r| ≤ ln 2 / 2, p = expm1(r), its Taylor polynomial of degree 13
//! ```
//! Measured against tanh to 40 digits (mpmath), it is within 2.2 ulp; glibc's
//! tanh is within 2.0. torch's own CPU tanh is SLEEF's vectorised one.

#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's AVX2 context to be vectorised for it"
)]

use serde::{Deserialize, Serialize};

/// The hidden layers' nonlinearity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activation {
    /// tanh.
    #[default]
    Tanh,
    /// max(0, z).
    Relu,
    /// 1 / (1 + e^−z).
    Sigmoid,
}

impl Activation {
    /// act(z).
    #[inline]
    pub(crate) fn apply(self, z: f64) -> f64 {
        match self {
            Self::Tanh => tanh(z),
            Self::Relu => z.max(0.0),
            Self::Sigmoid => sigmoid(z),
        }
    }

    /// act(z) for each of `z`, in place; one branch for the whole slice.
    #[inline(always)]
    pub(crate) fn apply_all(self, z: &mut [f64]) {
        match self {
            Self::Tanh => {
                let mut blocks = z.chunks_exact_mut(TANH_BLOCK);
                for block in &mut blocks {
                    if let Ok(block) = <&mut [f64; TANH_BLOCK]>::try_from(block) {
                        tanh_block(block);
                    }
                }
                blocks
                    .into_remainder()
                    .iter_mut()
                    .for_each(|v| *v = tanh(*v));
            }
            Self::Relu => z.iter_mut().for_each(|v| *v = v.max(0.0)),
            Self::Sigmoid => z.iter_mut().for_each(|v| *v = sigmoid(*v)),
        }
    }

    /// d act / dz from the activation's output a (for ReLU, a > 0 exactly
    /// when z > 0).
    #[inline(always)]
    pub(crate) fn slope(self, a: f64) -> f64 {
        match self {
            Self::Tanh => 1.0 - a * a,
            Self::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Sigmoid => a * (1.0 - a),
        }
    }

    /// Its name in formulas.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tanh => "tanh",
            Self::Relu => "ReLU",
            Self::Sigmoid => "sigmoid",
        }
    }
}

/// 1 / (1 + e^−z), without overflow for either sign.
#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// 1.5·2⁵²: adding it rounds a double below 2⁵¹ to an integer, which then
/// sits in the low bits of the sum's mantissa.
const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// ln 2 split so that k·`LN2_HIGH` is exact for |k| < 2²¹.
pub(super) const LN2_HIGH: f64 = 0.693_147_180_369_123_8;
pub(super) const LN2_LOW: f64 = 1.908_214_929_270_587_7e-10;
/// tanh(z) rounds to ±1 for |z| > 19.1; 2|z| is clamped here, below expm1's overflow.
const DOUBLED_LIMIT: f64 = 40.0;

/// tanh(z), branch-free; NaN stays NaN and ±∞ gives ±1.
#[inline(always)]
pub fn tanh(z: f64) -> f64 {
    let doubled = 2.0 * z.abs();
    // `>` is false for NaN, so NaN passes through.
    let x = if doubled > DOUBLED_LIMIT {
        DOUBLED_LIMIT
    } else {
        doubled
    };
    let (scale, r) = exp_split(x);
    let e = scale * expm1_reduced(r) + (scale - 1.0);
    (e / (e + 2.0)).copysign(z)
}

/// x = k·ln 2 + r with k an integer and |r| ≤ ln 2 / 2: returns (2ᵏ, r), for
/// −1022 ≤ k ≤ 1023 (|x| below about 708).
#[inline(always)]
pub(super) fn exp_split(x: f64) -> (f64, f64) {
    let shifted = x * std::f64::consts::LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (x - k * LN2_HIGH) - k * LN2_LOW;
    let exponent = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let scale = f64::from_bits(exponent.wrapping_add(1023) << 52);
    (scale, r)
}

/// Values whose tanh is computed step by step together: four vectors of
/// four, so that their long chains of multiplications overlap.
const TANH_BLOCK: usize = 16;

/// [`tanh`] of each value, the same operations in the same order, done one
/// step at a time across the block.
#[inline(always)]
fn tanh_block(z: &mut [f64; TANH_BLOCK]) {
    let mut x = [0.0; TANH_BLOCK];
    let mut shifted = [0.0; TANH_BLOCK];
    let mut r = [0.0; TANH_BLOCK];
    for i in 0..TANH_BLOCK {
        let doubled = 2.0 * z[i].abs();
        x[i] = if doubled > DOUBLED_LIMIT {
            DOUBLED_LIMIT
        } else {
            doubled
        };
        shifted[i] = x[i] * std::f64::consts::LOG2_E + ROUNDER;
        let k = shifted[i] - ROUNDER;
        r[i] = (x[i] - k * LN2_HIGH) - k * LN2_LOW;
    }
    let mut q = [0.0; TANH_BLOCK];
    for i in 0..TANH_BLOCK {
        q[i] = expm1_tail(r[i]);
    }
    for i in 0..TANH_BLOCK {
        let p = r[i] + r[i] * r[i] * q[i];
        let exponent = shifted[i].to_bits().wrapping_sub(ROUNDER.to_bits());
        let scale = f64::from_bits(exponent.wrapping_add(1023) << 52);
        let e = scale * p + (scale - 1.0);
        z[i] = (e / (e + 2.0)).copysign(z[i]);
    }
}

/// 1/2!, 1/3!, …, 1/13!: expm1's Taylor coefficients past its linear term.
const INVERSE_FACTORIALS: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// Σₙ rⁿ/(n + 2)! for n = 0…11, by Estrin's scheme: pairs, then pairs of
/// pairs, so the chain of dependent steps is four long instead of eleven.
#[inline(always)]
fn expm1_tail(r: f64) -> f64 {
    let c = INVERSE_FACTORIALS;
    let r2 = r * r;
    let r4 = r2 * r2;
    let pair = |k: usize| c[k] + c[k + 1] * r;
    let low = (pair(0) + pair(2) * r2) + (pair(4) + pair(6) * r2) * r4;
    let high = pair(8) + pair(10) * r2;
    low + high * (r4 * r4)
}

/// expm1(r) for |r| ≤ ln 2 / 2: r + r²·Σₙ rⁿ/(n + 2)!.
#[inline(always)]
pub(super) fn expm1_reduced(r: f64) -> f64 {
    r + r * r * expm1_tail(r)
}

#[cfg(test)]
mod tests {
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt as _, SeedableRng as _};

    use super::*;

    /// Units in the last place between `a` and `b` (same sign, finite).
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn tanh_is_within_four_ulp_of_the_c_library() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut worst = (0, 0.0);
        for i in 0..400_000 {
            // Magnitudes from 1e-12 to 30, both signs, plus a uniform band near 0.
            let z = if i % 2 == 0 {
                let m = 10f64.powf(rng.random_range(-12.0..1.5));
                if rng.random_bool(0.5) { m } else { -m }
            } else {
                rng.random_range(-3.0..3.0)
            };
            let d = ulps(tanh(z), z.tanh());
            if d > worst.0 {
                worst = (d, z);
            }
        }
        // Each is within about 2 ulp of the exact value.
        assert!(worst.0 <= 4, "{} ulp at z = {:e}", worst.0, worst.1);
    }

    #[test]
    fn tanh_edges() {
        assert_eq!(tanh(0.0).to_bits(), 0.0_f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(tanh(1e-300), 1e-300);
        assert_eq!(tanh(20.0), 1.0);
        assert_eq!(tanh(-1e300), -1.0);
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
        assert!(tanh(f64::NAN).is_nan());
        // Where the reduction switches k.
        for z in [0.1733, 0.1734, 0.5199, 0.52, 9.5, 19.0, 19.1] {
            assert!(ulps(tanh(z), z.tanh()) <= 4, "z = {z}");
        }
    }

    #[test]
    fn apply_all_matches_apply() {
        // More than one block of sixteen, with a remainder.
        let zs: [f64; 37] = std::array::from_fn(|i| (i as f64 - 18.0) * 0.37);
        for act in [Activation::Tanh, Activation::Relu, Activation::Sigmoid] {
            let mut all = zs;
            act.apply_all(&mut all);
            for (a, z) in all.iter().zip(zs) {
                assert_eq!(a.to_bits(), act.apply(z).to_bits(), "{act:?} at {z}");
            }
        }
    }
}
