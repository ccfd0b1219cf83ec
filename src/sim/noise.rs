//! Seeded Gaussian noise added to the gradients on a surface: one stream of
//! standard-normal draws shared by every run, as the mini-batch stream is,
//! each run scaling it by its own σ.

use rand::SeedableRng as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution as _, StandardNormal};
use serde::{Deserialize, Serialize};

/// g ← ∇f(θ) + σ·z with z ~ N(0, I), one draw of z per step: `Some(sigma: 0.5)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradientNoise {
    /// Standard deviation of each gradient coordinate's noise (0: none).
    pub sigma: f64,
}

/// Mixed into the preset's seed so the noise stream differs from the batch stream.
const NOISE_SALT: u64 = 0x6e6f_6973_655f_7631;

/// The standard-normal draws of step after step, `dim` per step.
#[derive(Clone, Debug)]
pub struct NoiseStream {
    dim: usize,
    rng: Xoshiro256PlusPlus,
}

impl NoiseStream {
    /// The stream of a simulation seeded `seed` on a `dim`-parameter problem.
    pub fn new(dim: usize, seed: u64) -> Self {
        Self {
            dim,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ NOISE_SALT),
        }
    }

    /// Writes the next step's draw into `z` (length `dim`).
    pub fn next_into(&mut self, z: &mut [f64]) {
        for v in z.iter_mut().take(self.dim) {
            *v = StandardNormal.sample(&mut self.rng);
        }
    }

    /// The draw of step `step` (from 0), by replaying the stream.
    pub fn draw_for_step(dim: usize, seed: u64, step: u64) -> Vec<f64> {
        let mut stream = Self::new(dim, seed);
        let mut z = vec![0.0; dim];
        for _ in 0..=step {
            stream.next_into(&mut z);
        }
        z
    }
}

/// The draws of the next chunk of steps, made ahead so that runs may take
/// those steps on separate threads. The buffer is reused.
#[derive(Clone, Debug, Default)]
pub struct NoisePlan {
    dim: usize,
    draws: Vec<f64>,
}

impl NoisePlan {
    /// Replaces the plan with the next `steps` draws of `stream`.
    pub fn fill(&mut self, stream: &mut NoiseStream, steps: usize) {
        self.dim = stream.dim;
        self.draws.resize(steps * stream.dim, 0.0);
        for z in self.draws.chunks_exact_mut(stream.dim.max(1)) {
            stream.next_into(z);
        }
    }

    /// The draw of planned step `i` (empty when nothing is planned).
    #[inline]
    pub fn get(&self, i: usize) -> &[f64] {
        self.draws
            .get(i * self.dim..(i + 1) * self.dim)
            .unwrap_or(&[])
    }
}

/// Adds σ·z to `grad`; an empty `z` or σ = 0 adds nothing.
#[inline]
pub fn add_noise(grad: &mut [f64], sigma: f64, z: &[f64]) {
    if sigma != 0.0 {
        for (g, z) in grad.iter_mut().zip(z) {
            *g += sigma * z;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_replays_the_stream_in_any_chunks() {
        let mut planned = NoiseStream::new(2, 7);
        let mut plan = NoisePlan::default();
        let mut got = Vec::new();
        for chunk in [3, 1, 6] {
            plan.fill(&mut planned, chunk);
            for i in 0..chunk {
                got.push(plan.get(i).to_vec());
            }
        }
        let expected: Vec<Vec<f64>> = (0..10)
            .map(|k| NoiseStream::draw_for_step(2, 7, k))
            .collect();
        assert_eq!(got, expected);
        assert_ne!(got[0], got[1], "each step has its own draw");
        assert!(plan.get(6).is_empty(), "past the plan there is no draw");
    }

    #[test]
    fn draws_are_standard_normal_and_seeded() {
        let mut s = NoiseStream::new(2, 1);
        let mut z = [0.0; 2];
        let (mut sum, mut sq, n) = (0.0, 0.0, 20_000);
        for _ in 0..n {
            s.next_into(&mut z);
            sum += z[0] + z[1];
            sq += z[0] * z[0] + z[1] * z[1];
        }
        let count = f64::from(2 * n);
        let mean = sum / count;
        let var = sq / count - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "variance {var}");
        assert_ne!(
            NoiseStream::draw_for_step(2, 1, 0),
            NoiseStream::draw_for_step(2, 2, 0),
            "another seed, another stream"
        );
    }

    #[test]
    fn noise_scales_with_sigma_and_zero_adds_nothing() {
        let mut g = [1.0, 2.0];
        add_noise(&mut g, 0.0, &[5.0, 5.0]);
        assert_eq!(g, [1.0, 2.0]);
        add_noise(&mut g, 0.5, &[2.0, -4.0]);
        assert_eq!(g, [2.0, 0.0]);
    }
}
