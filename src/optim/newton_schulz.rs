//! Muon's Newton–Schulz orthogonalisation, as torch computes it in bfloat16
//! and as the mathematics reads it in f64.
//!
//! For a matrix G with m ≤ n (otherwise on Gᵀ):
//!
//! ```text
//! X ← G / max(‖G‖_F, ε)
//! repeat k times:  A = X·Xᵀ;  B = b·A + c·A·A;  X ← a·X + B·X
//! ```
//!
//! The bfloat16 reading reproduces torch 2.15's CPU kernels: every tensor is
//! rounded to bfloat16 (nearest, ties to even), products accumulate in f32
//! in order, and `addmm(C, P, Q, beta, alpha)` is `fma(beta, C, alpha·(P·Q))`
//! in f32 before its one rounding. Checked bit for bit against torch on
//! matrices up to 16 wide; wider products are summed in blocks by torch's
//! GEMM, where a last-place flip of one entry can appear. The f64 reading
//! sums in order without fusing, which is torch's f64 result bit for bit
//! on a 1×n row; on larger matrices BLAS blocks its sums, and the two agree
//! to about 1e-14.

use super::reduce::torch_norm;

/// Scratch for one orthogonalisation of matrices up to a given size.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NewtonSchulz {
    x: Vec<f64>,
    next: Vec<f64>,
    gram: Vec<f64>,
    gram_sq: Vec<f64>,
}

/// The iteration's constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Iteration {
    /// (a, b, c) of the quintic.
    pub coefficients: (f64, f64, f64),
    /// Iterations k.
    pub steps: u32,
    /// Floor of the Frobenius norm.
    pub eps: f64,
    /// Exact f64 instead of torch's bfloat16.
    pub exact: bool,
}

/// `f32` rounded to the nearest bfloat16 (ties to even), as `c10::BFloat16`.
#[inline]
pub(crate) fn round_bf16(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    let bits = x.to_bits();
    let rounded = bits.wrapping_add(0x7FFF + ((bits >> 16) & 1)) & 0xFFFF_0000;
    f32::from_bits(rounded)
}

/// `f64` to bfloat16 by way of `f32`, as `tensor.to(torch.bfloat16)`.
#[inline]
fn to_bf16(x: f64) -> f64 {
    f64::from(round_bf16(x as f32))
}

/// `out = α·(p·q) ⊕ β·c` for row-major p [m, k], q [k, n]: the product summed
/// in order, then fused with `β·c` (c = `None`: no β term).
#[expect(clippy::too_many_arguments, reason = "a GEMM's operands and shape")]
fn gemm(
    out: &mut [f64],
    p: &[f64],
    q_transposed: bool,
    q: &[f64],
    (m, k, n): (usize, usize, usize),
    alpha: f64,
    beta_c: Option<(f64, &[f64])>,
    bf16: bool,
) {
    for i in 0..m {
        let row = &p[i * k..(i + 1) * k];
        for j in 0..n {
            let q_at = |l: usize| {
                if q_transposed {
                    q[j * k + l]
                } else {
                    q[l * n + j]
                }
            };
            let value = if bf16 {
                let mut sum = 0.0_f32;
                for (l, &a) in row.iter().enumerate() {
                    sum += (a as f32) * (q_at(l) as f32);
                }
                let scaled = (alpha as f32) * sum;
                let fused = match beta_c {
                    Some((beta, c)) => (beta as f32).mul_add(c[i * n + j] as f32, scaled),
                    None => scaled,
                };
                f64::from(round_bf16(fused))
            } else {
                let mut sum = 0.0_f64;
                for (l, &a) in row.iter().enumerate() {
                    sum += a * q_at(l);
                }
                let scaled = alpha * sum;
                match beta_c {
                    Some((beta, c)) => beta * c[i * n + j] + scaled,
                    None => scaled,
                }
            };
            out[i * n + j] = value;
        }
    }
}

impl NewtonSchulz {
    /// Scratch for matrices of at most `numel` entries.
    pub fn for_numel(numel: usize) -> Self {
        Self {
            x: vec![0.0; numel],
            next: vec![0.0; numel],
            gram: vec![0.0; numel],
            gram_sq: vec![0.0; numel],
        }
    }

    /// Writes the orthogonalised `g` (row-major [rows, cols]) into `out`.
    pub fn orthogonalise(
        &mut self,
        g: &[f64],
        (rows, cols): (usize, usize),
        it: Iteration,
        out: &mut [f64],
    ) {
        let numel = rows * cols;
        let transposed = rows > cols;
        let (m, n) = if transposed {
            (cols, rows)
        } else {
            (rows, cols)
        };
        let bf16 = !it.exact;
        let round = |v: f64| if bf16 { to_bf16(v) } else { v };
        let x = &mut self.x[..numel];
        for i in 0..m {
            for j in 0..n {
                let v = if transposed {
                    g[j * cols + i]
                } else {
                    g[i * cols + j]
                };
                x[i * n + j] = round(v);
            }
        }
        let norm = if bf16 {
            to_bf16(x.iter().map(|v| v * v).sum::<f64>().sqrt())
        } else {
            torch_norm(x)
        };
        let norm = norm.max(round(it.eps));
        for v in x.iter_mut() {
            *v = if bf16 {
                f64::from(round_bf16((*v as f32) / (norm as f32)))
            } else {
                *v / norm
            };
        }
        let (a, b, c) = it.coefficients;
        let gram = &mut self.gram[..m * m];
        let gram_sq = &mut self.gram_sq[..m * m];
        let next = &mut self.next[..numel];
        for _ in 0..it.steps {
            // A = X·Xᵀ;  B = b·A + c·A·A;  X ← a·X + B·X.
            gemm(gram, x, true, x, (m, n, m), 1.0, None, bf16);
            gemm(
                gram_sq,
                gram,
                false,
                gram,
                (m, m, m),
                c,
                Some((b, gram)),
                bf16,
            );
            gemm(next, gram_sq, false, x, (m, m, n), 1.0, Some((a, x)), bf16);
            x.copy_from_slice(next);
        }
        for i in 0..m {
            for j in 0..n {
                let at = if transposed { j * m + i } else { i * n + j };
                out[at] = x[i * n + j];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TORCH: Iteration = Iteration {
        coefficients: (3.4445, -4.7750, 2.0315),
        steps: 5,
        eps: 1e-7,
        exact: false,
    };

    #[test]
    fn bf16_rounds_to_nearest_with_ties_to_even() {
        assert_eq!(round_bf16(1.0), 1.0);
        // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: ties go to the even 1.
        assert_eq!(round_bf16(1.0 + 1.0 / 256.0), 1.0);
        assert_eq!(round_bf16(1.0 + 3.0 / 256.0), 1.0 + 4.0 / 256.0);
        // 0.1 is 0x3DCC_CCCD in f32; its low half rounds up.
        assert_eq!(round_bf16(-0.1), -f32::from_bits(0x3DCD_0000));
        assert!(round_bf16(f32::NAN).is_nan());
    }

    #[test]
    fn a_row_vector_keeps_its_direction_and_gets_a_fixed_length() {
        let mut ns = NewtonSchulz::for_numel(2);
        let exact = Iteration {
            exact: true,
            ..TORCH
        };
        let mut lengths = Vec::new();
        for g in [[3.0, 4.0], [300.0, -0.5], [1e-3, 1e-3]] {
            let mut out = [0.0; 2];
            ns.orthogonalise(&g, (1, 2), exact, &mut out);
            let len = out[0].hypot(out[1]);
            let norm = g[0].hypot(g[1]);
            assert!((out[0] / len - g[0] / norm).abs() < 1e-12, "{out:?}");
            assert!((out[1] / len - g[1] / norm).abs() < 1e-12, "{out:?}");
            lengths.push(len);
        }
        // The quintic applied five times to a singular value of 1.
        let mut s = 1.0_f64;
        for _ in 0..5 {
            s = 3.4445 * s - 4.7750 * s.powi(3) + 2.0315 * s.powi(5);
        }
        for len in lengths {
            assert!((len - s).abs() < 1e-12, "{len} vs {s}");
        }
    }

    #[test]
    fn the_exact_reading_makes_a_square_nearly_orthogonal() {
        let mut ns = NewtonSchulz::for_numel(4);
        let g = [2.0, 1.0, 0.5, 3.0];
        let mut o = [0.0; 4];
        let it = Iteration {
            exact: true,
            steps: 10,
            ..TORCH
        };
        ns.orthogonalise(&g, (2, 2), it, &mut o);
        // Singular values end in [0.5, 1.5], so OᵀO is near the identity.
        let d0 = o[0] * o[0] + o[2] * o[2];
        let d1 = o[1] * o[1] + o[3] * o[3];
        let off = o[0] * o[1] + o[2] * o[3];
        assert!(
            (0.25..2.25).contains(&d0) && (0.25..2.25).contains(&d1),
            "{o:?}"
        );
        assert!(off.abs() < 0.3, "{o:?}");
    }

    #[test]
    fn a_tall_matrix_is_orthogonalised_through_its_transpose() {
        let mut ns = NewtonSchulz::for_numel(6);
        let g = [1.0, 2.0, 3.0, -1.0, 0.5, 0.25];
        let gt = [1.0, 3.0, 0.5, 2.0, -1.0, 0.25];
        let (mut tall, mut wide) = ([0.0; 6], [0.0; 6]);
        ns.orthogonalise(&g, (3, 2), TORCH, &mut tall);
        ns.orthogonalise(&gt, (2, 3), TORCH, &mut wide);
        for i in 0..3 {
            for j in 0..2 {
                assert_eq!(tall[i * 2 + j], wide[j * 3 + i]);
            }
        }
    }

    #[test]
    fn the_bf16_reading_is_the_exact_one_to_bf16_precision() {
        let mut ns = NewtonSchulz::for_numel(4);
        let g = [0.3, -1.2, 2.5, 0.7];
        let (mut lo, mut hi) = ([0.0; 4], [0.0; 4]);
        ns.orthogonalise(&g, (2, 2), TORCH, &mut lo);
        let exact = Iteration {
            exact: true,
            ..TORCH
        };
        ns.orthogonalise(&g, (2, 2), exact, &mut hi);
        for (l, h) in lo.iter().zip(hi) {
            assert_ne!(*l, h, "bf16 must differ somewhere in the last places");
            assert!((l - h).abs() < 0.05, "{lo:?} vs {hi:?}");
            assert_eq!(*l, to_bf16(*l), "every output is a bfloat16");
        }
    }
}
