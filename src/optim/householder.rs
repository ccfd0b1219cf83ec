//! The Q of a square matrix's QR decomposition in `f32`, operation for
//! operation as LAPACK's unblocked `sgeqr2` and `sorg2r` (what
//! `torch.linalg.qr` on a float32 CPU tensor does for the small matrices
//! here; checked bit for bit on 2×2 matrices).

/// Replaces the row-major `n × n` matrix `a` by the Q of its QR
/// decomposition; `tau` holds `n` reflector scales.
pub(crate) fn householder_q(a: &mut [f32], n: usize, tau: &mut [f32]) {
    debug_assert!(a.len() == n * n && tau.len() == n);
    // sgeqr2: reflector i zeroes column i below the diagonal.
    for (i, t) in tau.iter_mut().enumerate() {
        *t = reflector(a, n, i);
        if i + 1 < n {
            apply_reflector(a, n, i, *t);
        }
    }
    // sorg2r: accumulate Q = H(0)·…·H(n−1) from the last reflector back.
    for i in (0..n).rev() {
        if i + 1 < n {
            a[i * n + i] = 1.0;
            apply_reflector(a, n, i, tau[i]);
        }
        for r in i + 1..n {
            a[r * n + i] *= -tau[i];
        }
        a[i * n + i] = 1.0 - tau[i];
        for r in 0..i {
            a[r * n + i] = 0.0;
        }
    }
}

/// `slarfg` on column `i` from the diagonal down: returns τ, leaves β on
/// the diagonal and the reflector's tail (its head is 1) below it.
fn reflector(a: &mut [f32], n: usize, i: usize) -> f32 {
    let alpha = a[i * n + i];
    let tail_norm = norm(a, n, i);
    if tail_norm == 0.0 {
        return 0.0;
    }
    let beta = -hypot(alpha, tail_norm).copysign(alpha);
    let tau = (beta - alpha) / beta;
    let scale = alpha - beta;
    for r in i + 1..n {
        a[r * n + i] /= scale;
    }
    a[i * n + i] = beta;
    tau
}

/// ‖column i below the diagonal‖, as `snrm2` (accumulated in f64).
fn norm(a: &[f32], n: usize, i: usize) -> f32 {
    let squares: f64 = (i + 1..n).map(|r| f64::from(a[r * n + i]).powi(2)).sum();
    squares.sqrt() as f32
}

/// `slapy2`: √(x² + y²) without overflow.
fn hypot(x: f32, y: f32) -> f32 {
    let (x, y) = (x.abs(), y.abs());
    let (w, z) = (x.max(y), x.min(y));
    if z == 0.0 {
        return w;
    }
    let ratio = z / w;
    w * (1.0 + ratio * ratio).sqrt()
}

/// `slarf` from the left: columns i+1.. of rows i.. ← (I − τ·v·vᵀ)·them,
/// v being column i from the diagonal down with its head read as 1.
fn apply_reflector(a: &mut [f32], n: usize, i: usize, tau: f32) {
    if tau == 0.0 {
        return;
    }
    let head = a[i * n + i];
    a[i * n + i] = 1.0;
    for j in i + 1..n {
        let mut w = 0.0_f32;
        for r in i..n {
            w += a[r * n + j] * a[r * n + i];
        }
        let scaled = -tau * w;
        for r in i..n {
            a[r * n + j] += a[r * n + i] * scaled;
        }
    }
    a[i * n + i] = head;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q_bits(mut a: [f32; 4]) -> [u32; 4] {
        householder_q(&mut a, 2, &mut [0.0; 2]);
        a.map(f32::to_bits)
    }

    #[test]
    fn a_2x2_q_is_torch_s_bit_for_bit() {
        // torch.linalg.qr(torch.tensor(A, dtype=torch.float32)).Q, read bit for bit.
        assert_eq!(
            q_bits([3.0, 1.0, 4.0, 2.0]),
            [0xbf19_999a, 0xbf4c_cccd, 0xbf4c_cccd, 0x3f19_999a]
        );
        assert_eq!(
            q_bits([-0.5, 2.0, 1e-3, -7.0]),
            [0xbf7f_ffdc, 0x3b03_125e, 0x3b03_125e, 0x3f7f_ffde]
        );
    }

    #[test]
    fn q_is_orthogonal_and_spans_the_first_column() {
        let n = 4;
        let m: Vec<f32> = (0..n * n)
            .map(|k| ((k * 7 + 3) % 11) as f32 - 5.0)
            .collect();
        let mut q = m.clone();
        householder_q(&mut q, n, &mut [0.0; 4]);
        for i in 0..n {
            for j in 0..n {
                let dot: f32 = (0..n).map(|r| q[r * n + i] * q[r * n + j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-5, "{i} {j} {dot}");
            }
        }
        // Q's first column is ± the input's first column, normalised.
        let first_norm = (0..n).map(|r| m[r * n].powi(2)).sum::<f32>().sqrt();
        let cos: f32 = (0..n).map(|r| q[r * n] * m[r * n]).sum::<f32>() / first_norm;
        assert!((cos.abs() - 1.0).abs() < 1e-6, "{cos}");
    }
}
