//! A network's per-sample loss, and its mean loss over a whole point set
//! computed eight samples at a time.
//!
//! Each sample's arithmetic is the one-sample forward pass's, in the same
//! order, so the lanes change no bit; only the loop runs across samples, which
//! the compiler turns into vector instructions. The mean adds the samples in
//! order within chunks of [`CHUNK`] points and the chunks' sums pairwise in a
//! fixed tree, so the result does not depend on how many threads share it.
//! Chunks run under `pulp`'s dispatch, compiled for the widest vectors the
//! CPU has (AVX2 where present); no operation is fused, so every CPU gives
//! the same bits.

#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's AVX2 context to be vectorised for it"
)]

use std::cell::RefCell;
use std::ops::Range;

use super::activation::{Activation, sigmoid};
use super::classes::{ClassData, MAX_CLASSES};
use super::softplus::log1p_exp_neg;

/// Samples per forward pass.
pub(super) const LANES: usize = 8;
/// Points whose losses are added in order before chunks are combined.
pub(super) const CHUNK: usize = 256;
/// Below this many points the mean stays on the calling thread.
const PARALLEL_FROM: usize = 512;

pub(super) type Lanes = [f64; LANES];

thread_local! {
    /// Per-thread activations, one lane array per unit.
    static LANE_SCRATCH: RefCell<Vec<Lanes>> = const { RefCell::new(Vec::new()) };
}

/// The loss of one sample from its logits, writing dL/dz into `dz`.
pub(super) fn sample_loss(logits: &[f64], label: usize, dz: &mut [f64]) -> f64 {
    if let ([z], [d]) = (logits, &mut *dz) {
        let y = if label == 1 { 1.0 } else { 0.0 };
        *d = sigmoid(*z) - y;
        return binary_loss(*z, y);
    }
    let lse = log_sum_exp(logits);
    for (k, (d, z)) in dz.iter_mut().zip(logits).enumerate() {
        *d = (z - lse).exp() - if k == label { 1.0 } else { 0.0 };
    }
    lse - logits.get(label).copied().unwrap_or(f64::NAN)
}

/// [`sample_loss`] without the gradient.
#[inline(always)]
fn sample_loss_value(logits: &[f64], label: usize) -> f64 {
    if let [z] = logits {
        return binary_loss(*z, if label == 1 { 1.0 } else { 0.0 });
    }
    log_sum_exp(logits) - logits.get(label).copied().unwrap_or(f64::NAN)
}

/// torch's `binary_cross_entropy_with_logits` for one logit:
/// max(z, 0) − z·y + log(1 + e^−|z|).
#[inline(always)]
fn binary_loss(z: f64, y: f64) -> f64 {
    z.max(0.0) - z * y + log1p_exp_neg(z.abs())
}

fn log_sum_exp(logits: &[f64]) -> f64 {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = logits.iter().map(|z| (z - max).exp()).sum();
    max + sum.ln()
}

/// A network's shape: units per layer (input first) and its nonlinearity.
#[derive(Clone, Copy)]
pub(super) struct Shape<'a> {
    pub sizes: &'a [usize],
    pub activation: Activation,
}

/// Whether [`mean_loss`] over `data` runs on several threads.
pub(super) fn splits(data: &ClassData) -> bool {
    data.points.len() >= PARALLEL_FROM
}

/// The mean loss over every point of `data`; `params` has the network's length.
pub(super) fn mean_loss(shape: Shape<'_>, params: &[f64], data: &ClassData) -> f64 {
    let parallel = splits(data);
    mean_loss_on(shape, params, data, parallel)
}

/// [`mean_loss`], with the chunks on two threads or on this one.
fn mean_loss_on(shape: Shape<'_>, params: &[f64], data: &ClassData, parallel: bool) -> f64 {
    let n = data.points.len().min(data.labels.len());
    if n == 0 {
        return f64::NAN;
    }
    let arch = crate::support::simd::arch();
    let units: usize = shape.sizes.iter().sum();
    let chunk_sum = |c: usize| {
        LANE_SCRATCH.with(|scratch| {
            let mut act = scratch.borrow_mut();
            if act.len() < units {
                act.resize(units, [0.0; LANES]);
            }
            arch.dispatch(ChunkLoss {
                shape,
                params,
                data,
                points: c * CHUNK..((c + 1) * CHUNK).min(n),
                act: &mut act[..units],
            })
        })
    };
    let total = sum_chunks(0..n.div_ceil(CHUNK), parallel, &chunk_sum);
    total * (1.0 / n as f64)
}

/// Σ `chunk_sum(c)` over `chunks`, halved recursively: the same tree whether
/// or not the halves run on two threads.
fn sum_chunks(
    chunks: Range<usize>,
    parallel: bool,
    chunk_sum: &(dyn Fn(usize) -> f64 + Sync),
) -> f64 {
    if chunks.len() <= 1 {
        return if chunks.is_empty() {
            0.0
        } else {
            chunk_sum(chunks.start)
        };
    }
    let mid = chunks.start + chunks.len() / 2;
    let (left, right) = (chunks.start..mid, mid..chunks.end);
    let (a, b) = if parallel {
        rayon::join(
            || sum_chunks(left, parallel, chunk_sum),
            || sum_chunks(right, parallel, chunk_sum),
        )
    } else {
        (
            sum_chunks(left, parallel, chunk_sum),
            sum_chunks(right, parallel, chunk_sum),
        )
    };
    a + b
}

/// One chunk's [`chunk_loss`], as `pulp` dispatches it.
struct ChunkLoss<'a> {
    shape: Shape<'a>,
    params: &'a [f64],
    data: &'a ClassData,
    points: Range<usize>,
    act: &'a mut [Lanes],
}

impl pulp::WithSimd for ChunkLoss<'_> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> f64 {
        chunk_loss(self.shape, self.params, self.data, self.points, self.act)
    }
}

/// Σ of the sample losses of `points`, in order.
#[inline(always)]
#[expect(
    clippy::needless_range_loop,
    reason = "a lane index picks the same sample out of several units"
)]
fn chunk_loss(
    shape: Shape<'_>,
    params: &[f64],
    data: &ClassData,
    points: Range<usize>,
    act: &mut [Lanes],
) -> f64 {
    let units = act.len();
    let out = shape.sizes.last().copied().unwrap_or(1).min(MAX_CLASSES);
    let mut total = 0.0;
    let mut logits = [0.0; MAX_CLASSES];
    let mut start = points.start;
    while start < points.end {
        let count = (points.end - start).min(LANES);
        for l in 0..LANES {
            let [x0, x1] = data
                .points
                .get(start + l)
                .filter(|_| l < count)
                .copied()
                .unwrap_or([0.0; 2]);
            act[0][l] = x0;
            act[1][l] = x1;
        }
        forward(shape, params, act);
        let last = units - out;
        if out == 1 {
            // Every lane's loss side by side, then added in sample order.
            let mut losses = [0.0; LANES];
            for (l, loss) in losses.iter_mut().enumerate() {
                let label = data.labels.get(start + l).copied().unwrap_or(0);
                *loss = binary_loss(act[last][l], if label == 1 { 1.0 } else { 0.0 });
            }
            total = losses[..count].iter().fold(total, |sum, loss| sum + loss);
        } else {
            for l in 0..count {
                for (k, z) in logits[..out].iter_mut().enumerate() {
                    *z = act[last + k][l];
                }
                let label = data.labels.get(start + l).copied().unwrap_or(0);
                total += sample_loss_value(&logits[..out], label);
            }
        }
        start += count;
    }
    total
}

/// Outputs computed together, so that their sums run side by side.
const OUTPUTS_AT_ONCE: usize = 4;

/// bⱼ + Σᵢ wⱼᵢ·aᵢ for [`OUTPUTS_AT_ONCE`] outputs j, the inputs i in order.
#[inline(always)]
fn weighted_sums(
    rows: [&[f64]; OUTPUTS_AT_ONCE],
    biases: [f64; OUTPUTS_AT_ONCE],
    inputs: &[Lanes],
) -> [Lanes; OUTPUTS_AT_ONCE] {
    let n = inputs.len();
    let rows = rows.map(|row| &row[..n]);
    let mut acc = biases.map(|b| [b; LANES]);
    for i in 0..n {
        let a = &inputs[i];
        for j in 0..OUTPUTS_AT_ONCE {
            let w = rows[j][i];
            for l in 0..LANES {
                acc[j][l] += w * a[l];
            }
        }
    }
    acc
}

/// Layer after layer: z = b + Σᵢ wᵢ·aᵢ (in input order), then act(z) for
/// hidden layers; `act[0..2]` holds the inputs on entry.
#[inline(always)]
pub(super) fn forward(shape: Shape<'_>, params: &[f64], act: &mut [Lanes]) {
    let layers = shape.sizes.len() - 1;
    let (mut p, mut prev) = (0, 0);
    for layer in 0..layers {
        let (n_in, n_out) = (shape.sizes[layer], shape.sizes[layer + 1]);
        let cur = prev + n_in;
        let bias = p + n_in * n_out;
        let (inputs, outputs) = act.split_at_mut(cur);
        let inputs = &inputs[prev..];
        let outputs = &mut outputs[..n_out];
        for first in (0..n_out).step_by(OUTPUTS_AT_ONCE) {
            // Past the last output, repeat it; those sums are dropped.
            let unit = |j: usize| (first + j).min(n_out - 1);
            let rows: [&[f64]; OUTPUTS_AT_ONCE] =
                std::array::from_fn(|j| &params[p + unit(j) * n_in..p + (unit(j) + 1) * n_in]);
            let acc = weighted_sums(
                rows,
                std::array::from_fn(|j| params[bias + unit(j)]),
                inputs,
            );
            for (slot, sums) in outputs[first..].iter_mut().zip(&acc) {
                *slot = *sums;
            }
        }
        if layer + 1 < layers {
            shape.activation.apply_all(outputs.as_flattened_mut());
        }
        p = bias + n_out;
        prev = cur;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::problem::{ClassDataSource, Network, Problem as _};

    fn moons(n: usize) -> ClassData {
        ClassDataSource::Moons {
            n,
            noise: 0.2,
            seed: 3,
        }
        .load(Path::new("."))
        .unwrap()
    }

    /// The one-sample loop's loss on every point.
    fn one_at_a_time(net: &Network, params: &[f64]) -> f64 {
        let mut g = vec![0.0; params.len()];
        crate::problem::network::tests::reference_loss_grad(net, params, &mut g)
    }

    #[test]
    fn lanes_change_no_bit_within_a_chunk() {
        for (hidden, activation) in [
            (&[][..], Activation::Tanh),
            (&[16, 16][..], Activation::Tanh),
            (&[5][..], Activation::Sigmoid),
            (&[7, 3][..], Activation::Relu),
        ] {
            // 203 points: 25 full blocks of eight and a partial one.
            let net = Network::new(moons(203), hidden, activation, 9);
            let params = net.default_start();
            assert_eq!(
                net.loss(&params).to_bits(),
                one_at_a_time(&net, &params).to_bits(),
                "{hidden:?} {activation:?}"
            );
        }
        let blobs = ClassDataSource::Blobs {
            n: 90,
            classes: 4,
            spread: 0.5,
            seed: 1,
        }
        .load(Path::new("."))
        .unwrap();
        let softmax = Network::new(blobs, &[6], Activation::Tanh, 2);
        let params = softmax.default_start();
        assert_eq!(
            softmax.loss(&params).to_bits(),
            one_at_a_time(&softmax, &params).to_bits()
        );
    }

    #[test]
    fn chunks_give_the_same_bits_on_one_thread_or_two() {
        let data = moons(3 * CHUNK + 17);
        let sizes = [2, 16, 16, 1];
        let net = Network::new(data.clone(), &sizes[1..3], Activation::Tanh, 4);
        let params = net.default_start();
        let shape = Shape {
            sizes: &sizes,
            activation: Activation::Tanh,
        };
        let one = mean_loss_on(shape, &params, &data, false);
        let two = mean_loss_on(shape, &params, &data, true);
        assert_eq!(one.to_bits(), two.to_bits());
        // Chunked sums differ from one running sum by rounding only.
        let running = one_at_a_time(&net, &params);
        assert!(
            (one - running).abs() <= 1e-15 * running,
            "{one} vs {running}"
        );
        assert!(one > 0.1 && one.is_finite());
    }

    #[test]
    fn non_finite_parameters_give_a_non_finite_loss() {
        let net = Network::new(moons(40), &[4], Activation::Tanh, 0);
        let mut params = net.default_start();
        params[0] = f64::NAN;
        assert!(net.loss(&params).is_nan());
    }
}
