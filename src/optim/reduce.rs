//! Sums in the order torch's CPU kernels add f64 tensors (AVX2 build), so
//! that optimizers which reduce a tensor (norms, sums) match torch bit for bit.
//! Found by comparing against torch 2.15 on random tensors.

/// `torch.linalg.vector_norm` of a contiguous f64 tensor, summed in the
/// order of torch's AVX2 CPU kernel: four lanes of `x·x + acc`, the lanes
/// added in order, then the tail fused (`fma`). Found by matching torch 2.15
/// bit for bit; a plain sum differs in the last bit about one time in twelve.
pub(super) fn torch_norm(xs: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let chunks = xs.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane += x * x;
        }
    }
    let mut sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for &x in tail {
        sum = x.mul_add(x, sum);
    }
    sum.sqrt()
}

/// `torch.linalg.vector_norm(g, dim=-2)` of column `j`: a strided reduction,
/// which torch sums row by row without fusing.
pub(super) fn torch_column_norm(grad: &[f64], cols: usize, j: usize) -> f64 {
    grad.iter()
        .skip(j)
        .step_by(cols)
        .fold(0.0, |sum, &x| x * x + sum)
        .sqrt()
}

/// `torch.sum` of a short contiguous f64 tensor, in torch's order: four
/// lanes, then the tail, then the lanes (exact for up to 32 entries).
pub(super) fn torch_sum(xs: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let chunks = xs.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane += x;
        }
    }
    let mut sum = 0.0;
    for &x in tail {
        sum += x;
    }
    for lane in lanes {
        sum += lane;
    }
    sum
}

/// `x.abs().sum()`, in [`torch_sum`]'s order, without a buffer.
pub(super) fn torch_sum_abs(xs: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let chunks = xs.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane += x.abs();
        }
    }
    let mut sum = 0.0;
    for &x in tail {
        sum += x.abs();
    }
    for lane in lanes {
        sum += lane;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_norms_fuse_and_long_ones_use_four_lanes() {
        // Two entries: a·a, then fma(b, b, a·a).
        let (a, b) = (1.234_567_890_123, -2.345_678_901_234_f64);
        assert_eq!(torch_norm(&[a, b]), b.mul_add(b, a * a).sqrt());
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        // ((1 + 4) + 9) + 16 lanes, then fma(5, 5, 30).
        assert_eq!(torch_norm(&xs), 55.0_f64.sqrt());
        assert_eq!(torch_sum(&xs), 15.0);
        assert_eq!(torch_sum_abs(&[-1.0, 2.0, -3.0]), 6.0);
    }
}
