//! Small dense linear algebra the analyses share.

/// Eigenvalues of the symmetric `dim × dim` matrix `a` (row-major, destroyed)
/// by cyclic Jacobi rotations.
pub(crate) fn symmetric_eigenvalues(a: &mut [f64], dim: usize) -> Option<Vec<f64>> {
    jacobi(a, dim, None)?;
    Some((0..dim).map(|i| a[i * dim + i]).collect())
}

/// Eigenvalues of the symmetric `a` (destroyed) in descending order, with
/// their unit eigenvectors as the columns of a row-major `dim × dim` matrix.
pub(crate) fn symmetric_eigenvectors_descending(
    a: &mut [f64],
    dim: usize,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut v = vec![0.0; dim * dim];
    for i in 0..dim {
        v[i * dim + i] = 1.0;
    }
    jacobi(a, dim, Some(&mut v))?;
    let mut order: Vec<usize> = (0..dim).collect();
    order.sort_by(|&i, &j| a[j * dim + j].total_cmp(&a[i * dim + i]));
    let values = order.iter().map(|&i| a[i * dim + i]).collect();
    let mut vectors = vec![0.0; dim * dim];
    for (col, &from) in order.iter().enumerate() {
        for row in 0..dim {
            vectors[row * dim + col] = v[row * dim + from];
        }
    }
    Some((values, vectors))
}

/// Diagonalises `a` in place; the rotations accumulate into `vectors`' columns.
fn jacobi(a: &mut [f64], dim: usize, mut vectors: Option<&mut [f64]>) -> Option<()> {
    if a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..dim)
            .flat_map(|i| (0..dim).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * dim + j] * a[i * dim + j])
            .sum();
        let diag: f64 = (0..dim).map(|i| a[i * dim + i] * a[i * dim + i]).sum();
        if off <= 1e-30 * diag.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..dim {
            for q in p + 1..dim {
                let apq = a[p * dim + q];
                if apq == 0.0 {
                    continue;
                }
                let (app, aqq) = (a[p * dim + p], a[q * dim + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                rotate_columns(a, dim, p, q, c, s);
                for k in 0..dim {
                    let (apk, aqk) = (a[p * dim + k], a[q * dim + k]);
                    a[p * dim + k] = c * apk - s * aqk;
                    a[q * dim + k] = s * apk + c * aqk;
                }
                if let Some(v) = vectors.as_deref_mut() {
                    rotate_columns(v, dim, p, q, c, s);
                }
            }
        }
    }
    Some(())
}

fn rotate_columns(m: &mut [f64], dim: usize, p: usize, q: usize, c: f64, s: f64) {
    for k in 0..dim {
        let (mkp, mkq) = (m[k * dim + p], m[k * dim + q]);
        m[k * dim + p] = c * mkp - s * mkq;
        m[k * dim + q] = s * mkp + c * mkq;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigenvectors_satisfy_av_equals_lambda_v_in_descending_order() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, -1.0];
        let (values, v) = symmetric_eigenvectors_descending(&mut a.clone(), 3).expect("finite");
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        for (col, &lambda) in values.iter().enumerate() {
            for row in 0..3 {
                let av: f64 = (0..3).map(|k| a[row * 3 + k] * v[k * 3 + col]).sum();
                assert!(
                    (av - lambda * v[row * 3 + col]).abs() < 1e-13,
                    "{col} {row}"
                );
            }
        }
    }
}
