//! A network's mean loss and its gradient over a set of samples, eight
//! samples at a time through the forward and backward passes.
//!
//! ```text
//! δ_L = dL/dz_L;   δₗ₋₁ = (Wₗᵀ·δₗ) ⊙ act′(aₗ₋₁);   ∂L/∂Wₗ = mean δₗ·aₗ₋₁ᵀ;   ∂L/∂bₗ = mean δₗ
//! ```
//! The passes run across samples; the gradient adds the samples'
//! contributions one sample after another, in the order given, as the
//! one-sample loop did, so no bit depends on the lanes.

#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's AVX2 context to be vectorised for it"
)]

use std::cell::RefCell;

use super::classes::{ClassData, MAX_CLASSES};
use super::network_loss::{LANES, Lanes, Shape, forward, sample_loss};

thread_local! {
    /// Per-thread activations and deltas, one lane array per unit each, and
    /// a layer's inputs sample by sample.
    static SCRATCH: RefCell<(Vec<Lanes>, Vec<Lanes>, Vec<f64>)> =
        const { RefCell::new((Vec::new(), Vec::new(), Vec::new())) };
}

/// The mean loss over `samples` (indices into `data`, every point if
/// `None`), with its gradient written into `grad`.
pub(super) fn mean_loss_and_gradient(
    shape: Shape<'_>,
    params: &[f64],
    data: &ClassData,
    samples: Option<&[usize]>,
    grad: &mut [f64],
) -> f64 {
    let n = samples.map_or(data.points.len(), <[usize]>::len);
    grad.fill(0.0);
    if n == 0 {
        grad.fill(f64::NAN);
        return f64::NAN;
    }
    let units: usize = shape.sizes.iter().sum();
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let (act, delta, by_sample) = &mut *scratch;
        for buffer in [&mut *act, &mut *delta] {
            if buffer.len() < units {
                buffer.resize(units, [0.0; LANES]);
            }
        }
        if by_sample.len() < units * LANES {
            by_sample.resize(units * LANES, 0.0);
        }
        crate::support::simd::arch().dispatch(Pass {
            shape,
            params,
            data,
            samples,
            n,
            grad,
            act: &mut act[..units],
            delta: &mut delta[..units],
            by_sample: &mut by_sample[..units * LANES],
        })
    })
}

/// One call's passes, as `pulp` dispatches them.
struct Pass<'a> {
    shape: Shape<'a>,
    params: &'a [f64],
    data: &'a ClassData,
    samples: Option<&'a [usize]>,
    n: usize,
    grad: &'a mut [f64],
    act: &'a mut [Lanes],
    delta: &'a mut [Lanes],
    by_sample: &'a mut [f64],
}

impl pulp::WithSimd for Pass<'_> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> f64 {
        let Self {
            shape,
            params,
            data,
            samples,
            n,
            grad,
            act,
            delta,
            by_sample,
        } = self;
        let units = act.len();
        let out = shape.sizes.last().copied().unwrap_or(1).min(MAX_CLASSES);
        let last = units - out;
        let scale = 1.0 / n as f64;
        let mut total = 0.0;
        let (mut logits, mut dz) = ([0.0; MAX_CLASSES], [0.0; MAX_CLASSES]);
        let mut labels = [0; LANES];
        let mut start = 0;
        while start < n {
            let count = (n - start).min(LANES);
            for l in 0..LANES {
                let i = samples.map_or(start + l, |idx| idx.get(start + l).copied().unwrap_or(0));
                let point = data.points.get(i).filter(|_| l < count).copied();
                let [x0, x1] = point.unwrap_or([0.0; 2]);
                act[0][l] = x0;
                act[1][l] = x1;
                labels[l] = data.labels.get(i).copied().unwrap_or(0);
            }
            forward(shape, params, act);
            for l in 0..LANES {
                if l < count {
                    for (k, z) in logits[..out].iter_mut().enumerate() {
                        *z = act[last + k][l];
                    }
                    total += sample_loss(&logits[..out], labels[l], &mut dz[..out]);
                } else {
                    dz.fill(0.0);
                }
                for (k, d) in dz[..out].iter().enumerate() {
                    delta[last + k][l] = *d;
                }
            }
            backward(shape, params, (act, delta, by_sample), scale, count, grad);
            start += count;
        }
        total * scale
    }
}

/// Adds the first `count` lanes' gradients (×`scale`), lane after lane, to
/// `grad`; `delta` holds dL/dz of the output layer on entry. `by_sample`
/// (`LANES` × the widest layer) takes each layer's inputs sample by sample,
/// so that a weight row is updated in one vector pass.
#[inline(always)]
fn backward(
    shape: Shape<'_>,
    params: &[f64],
    (act, delta, by_sample): (&[Lanes], &mut [Lanes], &mut [f64]),
    scale: f64,
    count: usize,
    grad: &mut [f64],
) {
    let sizes = shape.sizes;
    let layers = sizes.len() - 1;
    let mut cur = act.len() - sizes[layers];
    let mut p_end = params.len();
    for layer in (0..layers).rev() {
        let (n_in, n_out) = (sizes[layer], sizes[layer + 1]);
        let prev = cur - n_in;
        let bias = p_end - n_out;
        let w0 = bias - n_in * n_out;
        let inputs = &act[prev..cur];
        for (i, a) in inputs.iter().enumerate() {
            for (l, x) in a.iter().enumerate() {
                by_sample[l * n_in + i] = *x;
            }
        }
        for l in 0..count {
            let sample = &by_sample[l * n_in..(l + 1) * n_in];
            for o in 0..n_out {
                let d = delta[cur + o][l] * scale;
                grad[bias + o] += d;
                let row = &mut grad[w0 + o * n_in..w0 + (o + 1) * n_in];
                for (g, a) in row.iter_mut().zip(sample) {
                    *g += d * a;
                }
            }
        }
        if layer > 0 {
            let (before, after) = delta.split_at_mut(cur);
            let outputs = &after[..n_out];
            for (j, (back, a)) in before[prev..].iter_mut().zip(inputs).enumerate() {
                let mut sum = [0.0; LANES];
                for (o, d) in outputs.iter().enumerate() {
                    let w = params[w0 + o * n_in + j];
                    for (s, x) in sum.iter_mut().zip(d) {
                        *s += w * x;
                    }
                }
                for ((b, s), a) in back.iter_mut().zip(sum).zip(a) {
                    *b = s * shape.activation.slope(*a);
                }
            }
        }
        cur = prev;
        p_end = w0;
    }
}
