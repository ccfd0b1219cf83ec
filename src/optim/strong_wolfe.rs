//! torch's strong-Wolfe line search for L-BFGS (`torch/optim/lbfgs.py`'s
//! `_strong_wolfe` and `_cubic_interpolate`), in its order of operations.

use super::{py_max, py_min};

/// torch's `_cubic_interpolate` of two points with values and slopes.
pub(super) fn cubic_interpolate(
    (x1, f1, g1): (f64, f64, f64),
    (x2, f2, g2): (f64, f64, f64),
    bounds: Option<(f64, f64)>,
) -> f64 {
    let (lo, hi) = bounds.unwrap_or(if x1 <= x2 { (x1, x2) } else { (x2, x1) });
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        py_min(py_max(min_pos, lo), hi)
    } else {
        f64::midpoint(lo, hi)
    }
}

/// The line search's vectors, kept between steps so it does not allocate.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct WolfeScratch {
    g: Vec<f64>,
    point: Vec<f64>,
    g_new: Vec<f64>,
    g_prev: Vec<f64>,
    bracket_g: [Vec<f64>; 2],
}

impl WolfeScratch {
    /// Scratch for `dim` parameters.
    pub(super) fn new(dim: usize) -> Self {
        let v = || vec![0.0; dim];
        Self {
            g: v(),
            point: v(),
            g_new: v(),
            g_prev: v(),
            bracket_g: [v(), v()],
        }
    }
}

/// torch's `_strong_wolfe` from `x` along `d`, with the current loss `f`,
/// slope `gtd` and gradient `flat_grad`: returns the new loss, step and
/// evaluations, and leaves the new gradient in `flat_grad`.
#[expect(
    clippy::too_many_lines,
    reason = "torch's line search, kept in its order"
)]
pub(super) fn strong_wolfe(
    evaluate: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
    (x, d, flat_grad): (&[f64], &[f64], &mut [f64]),
    (mut t, f, gtd): (f64, f64, f64),
    (tolerance_change, max_ls): (f64, u64),
    scratch: &mut WolfeScratch,
) -> (f64, f64, u64) {
    let (c1, c2) = (1e-4, 0.9);
    let d_norm = abs_max(d);
    let WolfeScratch {
        g,
        point,
        g_new,
        g_prev,
        bracket_g,
    } = scratch;
    g.copy_from_slice(flat_grad);
    let mut eval_at = |t: f64, out: &mut [f64]| -> f64 {
        for ((p, x), d) in point.iter_mut().zip(x).zip(d) {
            *p = t.mul_add(*d, *x);
        }
        evaluate(point, out)
    };
    let mut f_new = eval_at(t, g_new);
    let mut evals = 1;
    let mut gtd_new = dot(g_new, d);
    let (mut t_prev, mut f_prev, mut gtd_prev) = (0.0, f, gtd);
    g_prev.copy_from_slice(g);
    let mut done = false;
    let mut ls_iter = 0;
    // torch's bracket lists hold one or two entries.
    let mut bracket = [0.0; 2];
    let mut bracket_f = [0.0; 2];
    let mut bracket_gtd = [0.0; 2];
    let mut bracket_len = 0;
    while ls_iter < max_ls {
        if f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev) {
            (bracket, bracket_f, bracket_gtd) = ([t_prev, t], [f_prev, f_new], [gtd_prev, gtd_new]);
            bracket_g[0].copy_from_slice(g_prev);
            bracket_g[1].copy_from_slice(g_new);
            bracket_len = 2;
            break;
        }
        if gtd_new.abs() <= -c2 * gtd {
            (bracket[0], bracket_f[0]) = (t, f_new);
            bracket_g[0].copy_from_slice(g_new);
            bracket_len = 1;
            done = true;
            break;
        }
        if gtd_new >= 0.0 {
            (bracket, bracket_f, bracket_gtd) = ([t_prev, t], [f_prev, f_new], [gtd_prev, gtd_new]);
            bracket_g[0].copy_from_slice(g_prev);
            bracket_g[1].copy_from_slice(g_new);
            bracket_len = 2;
            break;
        }
        let min_step = t + 0.01 * (t - t_prev);
        let max_step = t * 10.0;
        let tmp = t;
        t = cubic_interpolate(
            (t_prev, f_prev, gtd_prev),
            (t, f_new, gtd_new),
            Some((min_step, max_step)),
        );
        t_prev = tmp;
        f_prev = f_new;
        g_prev.copy_from_slice(g_new);
        gtd_prev = gtd_new;
        f_new = eval_at(t, g_new);
        evals += 1;
        gtd_new = dot(g_new, d);
        ls_iter += 1;
    }
    if ls_iter == max_ls {
        (bracket, bracket_f) = ([0.0, t], [f, f_new]);
        bracket_g[0].copy_from_slice(g);
        bracket_g[1].copy_from_slice(g_new);
        bracket_len = 2;
    }
    let (mut low, mut high) = if bracket_f[0] <= bracket_f[bracket_len.max(1) - 1] {
        (0, 1)
    } else {
        (1, 0)
    };
    let mut insuf_progress = false;
    while !done && ls_iter < max_ls {
        if (bracket[1] - bracket[0]).abs() * d_norm < tolerance_change {
            break;
        }
        t = cubic_interpolate(
            (bracket[0], bracket_f[0], bracket_gtd[0]),
            (bracket[1], bracket_f[1], bracket_gtd[1]),
            None,
        );
        let (b_max, b_min) = (
            py_max(bracket[0], bracket[1]),
            py_min(bracket[0], bracket[1]),
        );
        let eps = 0.1 * (b_max - b_min);
        if py_min(b_max - t, t - b_min) < eps {
            if insuf_progress || t >= b_max || t <= b_min {
                t = if (t - b_max).abs() < (t - b_min).abs() {
                    b_max - eps
                } else {
                    b_min + eps
                };
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        f_new = eval_at(t, g_new);
        evals += 1;
        gtd_new = dot(g_new, d);
        ls_iter += 1;
        if f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low] {
            bracket[high] = t;
            bracket_f[high] = f_new;
            bracket_g[high].copy_from_slice(g_new);
            bracket_gtd[high] = gtd_new;
            (low, high) = if bracket_f[0] <= bracket_f[1] {
                (0, 1)
            } else {
                (1, 0)
            };
        } else {
            if gtd_new.abs() <= -c2 * gtd {
                done = true;
            } else if gtd_new * (bracket[high] - bracket[low]) >= 0.0 {
                bracket[high] = bracket[low];
                bracket_f[high] = bracket_f[low];
                let [first, second] = bracket_g;
                if high == 1 {
                    second.copy_from_slice(first);
                } else {
                    first.copy_from_slice(second);
                }
                bracket_gtd[high] = bracket_gtd[low];
            }
            bracket[low] = t;
            bracket_f[low] = f_new;
            bracket_g[low].copy_from_slice(g_new);
            bracket_gtd[low] = gtd_new;
        }
    }
    let t = bracket[low];
    flat_grad.copy_from_slice(&bracket_g[low]);
    (bracket_f[low], t, evals)
}

/// `torch.dot` of short vectors: a plain running sum.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| s + x * y)
}

/// `x.abs().max()`, NaN kept.
pub(super) fn abs_max(a: &[f64]) -> f64 {
    a.iter().fold(0.0_f64, |m, x| {
        if x.is_nan() || m.is_nan() {
            f64::NAN
        } else {
            m.max(x.abs())
        }
    })
}
