//! `torch.optim.LBFGS`: a quasi-Newton method that evaluates the loss and
//! gradient several times per step, optionally with a strong-Wolfe line search.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::reduce::torch_sum_abs;
use super::strong_wolfe::{WolfeScratch, abs_max, dot, strong_wolfe};
use super::{Optimizer, StateVector, state_vectors};
use super::{py_max, py_min};
use crate::support::validate::Checker;

/// The loss and gradient at a point: the step's closure.
pub type Closure<'a> = dyn FnMut(&[f64], &mut [f64]) -> f64 + 'a;

/// torch's only line search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineSearchFn {
    /// `line_search_fn="strong_wolfe"`.
    #[serde(rename = "strong_wolfe")]
    StrongWolfe,
}

/// L-BFGS, as `torch.optim.LBFGS` 2.15. One step is one `step(closure)` call:
///
/// ```text
/// up to max_iter times (and max_eval evaluations):
///   y = g − g_prev,  s = t·d;   keep (s, y, 1/yᵀs) while yᵀs > 1e-10 (history_size pairs)
///   d = −H·g by the two-loop recursion, H₀ = yᵀs/yᵀy     (d = −g on the very first iteration)
///   t = lr (min(1, 1/‖g‖₁)·lr on the very first iteration)
///   stop if gᵀd > −tolerance_change
///   θ ← θ + t·d  (t from the strong-Wolfe search if line_search_fn), then re-evaluate
///   stop on ‖g‖∞ ≤ tolerance_grad, ‖t·d‖∞ ≤ tolerance_change or |Δloss| < tolerance_change
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lbfgs {
    /// Learning rate: the step along d (default 1).
    pub lr: f64,
    /// Inner iterations per step (default 20).
    pub max_iter: u64,
    /// Evaluations per step; `None` is `max_iter`·5/4 (default None).
    pub max_eval: Option<u64>,
    /// Stop when ‖g‖∞ falls to this (default 1e-7).
    pub tolerance_grad: f64,
    /// Stop when a step, or the loss, changes less than this (default 1e-9).
    pub tolerance_change: f64,
    /// Pairs (s, y) kept (default 100).
    pub history_size: u64,
    /// `None` for a fixed step t = lr, or the strong-Wolfe search (default None).
    pub line_search_fn: Option<LineSearchFn>,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Self {
            lr: 1.0,
            max_iter: 20,
            max_eval: None,
            tolerance_grad: 1e-7,
            tolerance_change: 1e-9,
            history_size: 100,
            line_search_fn: None,
            maximize: false,
        }
    }
}

impl Lbfgs {
    /// `max_eval`, with `None` read as torch does: `max_iter * 5 // 4`.
    pub fn max_evals(&self) -> u64 {
        self.max_eval.unwrap_or(self.max_iter * 5 / 4)
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.non_negative("lr", self.lr);
        c.at_least_one("max_iter", self.max_iter);
        c.at_least_one("history_size", self.history_size);
        c.non_negative("tolerance_grad", self.tolerance_grad);
        c.non_negative("tolerance_change", self.tolerance_change);
    }
}

/// L-BFGS's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct LbfgsState {
    /// `step(closure)` calls made.
    pub step: u64,
    /// `func_evals`: loss and gradient evaluations so far, the step's first included.
    pub func_evals: [f64; 1],
    /// `n_iter`: inner iterations so far.
    pub n_iter: [f64; 1],
    /// Evaluations the last step made.
    pub last_evals: u64,
    /// `d`: the last search direction.
    pub d: Vec<f64>,
    /// `t`: the last step length.
    pub t: [f64; 1],
    /// `H_diag`: the initial inverse-Hessian scale.
    pub h_diag: [f64; 1],
    old_dirs: VecDeque<Vec<f64>>,
    old_stps: VecDeque<Vec<f64>>,
    ro: VecDeque<f64>,
    al: Vec<f64>,
    prev_flat_grad: Vec<f64>,
    prev_loss: f64,
    /// Scratch: the gradient, a point, and the line search's gradients.
    flat_grad: Vec<f64>,
    x: Vec<f64>,
    g_new: Vec<f64>,
    /// Scratch for the two-loop recursion's q.
    q: Vec<f64>,
    /// History vectors dropped or not kept, reused for the next pairs.
    spare: Vec<Vec<f64>>,
    wolfe: WolfeScratch,
}

impl Optimizer for Lbfgs {
    type State = LbfgsState;

    fn init(&self, dim: usize) -> LbfgsState {
        LbfgsState {
            step: 0,
            func_evals: [0.0],
            n_iter: [0.0],
            last_evals: 0,
            d: vec![0.0; dim],
            t: [f64::NAN],
            h_diag: [1.0],
            old_dirs: VecDeque::new(),
            old_stps: VecDeque::new(),
            ro: VecDeque::new(),
            al: Vec::new(),
            prev_flat_grad: Vec::new(),
            prev_loss: f64::NAN,
            flat_grad: vec![0.0; dim],
            x: vec![0.0; dim],
            g_new: vec![0.0; dim],
            q: vec![0.0; dim],
            spare: Vec::with_capacity(self.history_size.min(1000) as usize + 2),
            wolfe: WolfeScratch::new(dim),
        }
    }

    /// Without a closure L-BFGS cannot re-evaluate: this takes the step's
    /// first iteration only. Runs always step it with [`Lbfgs::step_closure`].
    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut LbfgsState, lr: f64) {
        let mut no_more = |_: &[f64], _: &mut [f64]| f64::NAN;
        let single = Self {
            max_iter: 1,
            line_search_fn: None,
            ..*self
        };
        single.step_closure(params, grad, f64::NAN, state, lr, &mut no_more);
    }

    fn describe<'a>(&self, state: &'a LbfgsState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("func_evals", &state.func_evals),
            ("n_iter", &state.n_iter),
            ("d", &state.d),
            ("t", &state.t),
            ("H_diag", &state.h_diag),
        ])
    }
}

impl Lbfgs {
    /// One `optimizer.step(closure)`: `grad` and `loss` are the closure's
    /// first evaluation at `params`; `f` evaluates at other points. Returns
    /// the evaluations made, the first included.
    #[expect(clippy::too_many_lines, reason = "torch's step, kept in its order")]
    pub fn step_closure(
        &self,
        params: &mut [f64],
        grad: &[f64],
        loss: f64,
        state: &mut LbfgsState,
        lr: f64,
        f: &mut Closure<'_>,
    ) -> u64 {
        let sign = if self.maximize { -1.0 } else { 1.0 };
        let max_eval = self.max_evals();
        let tol_change = self.tolerance_change;
        state.step += 1;
        let mut loss = sign * loss;
        let mut current_evals = 1;
        state.func_evals[0] += 1.0;
        state.last_evals = 1;
        for (fg, &g) in state.flat_grad.iter_mut().zip(grad) {
            *fg = sign * g;
        }
        if abs_max(&state.flat_grad) <= self.tolerance_grad {
            return 1;
        }
        let mut evaluate = |point: &[f64], out: &mut [f64]| -> f64 {
            let l = f(point, out);
            for g in out.iter_mut() {
                *g *= sign;
            }
            sign * l
        };
        let mut n_iter = 0;
        let mut t = state.t[0];
        while n_iter < self.max_iter {
            n_iter += 1;
            state.n_iter[0] += 1.0;
            if state.n_iter[0] == 1.0 {
                for (d, g) in state.d.iter_mut().zip(&state.flat_grad) {
                    *d = -g;
                }
                state.spare.extend(state.old_dirs.drain(..));
                state.spare.extend(state.old_stps.drain(..));
                state.ro.clear();
                state.h_diag = [1.0];
            } else {
                let dim = state.flat_grad.len();
                let mut y = state.spare.pop().unwrap_or_else(|| vec![0.0; dim]);
                let mut s = state.spare.pop().unwrap_or_else(|| vec![0.0; dim]);
                for ((y, g), p) in y
                    .iter_mut()
                    .zip(&state.flat_grad)
                    .zip(&state.prev_flat_grad)
                {
                    *y = g - p;
                }
                for (s, d) in s.iter_mut().zip(&state.d) {
                    *s = d * t;
                }
                let ys = dot(&y, &s);
                if ys > 1e-10 {
                    if state.old_dirs.len() as u64 == self.history_size {
                        state.spare.extend(state.old_dirs.pop_front());
                        state.spare.extend(state.old_stps.pop_front());
                        state.ro.pop_front();
                    }
                    let yy = dot(&y, &y);
                    state.old_dirs.push_back(y);
                    state.old_stps.push_back(s);
                    state.ro.push_back(1.0 / ys);
                    state.h_diag = [ys / yy];
                } else {
                    state.spare.push(y);
                    state.spare.push(s);
                }
                let num_old = state.old_dirs.len();
                state.al.resize(self.history_size as usize, 0.0);
                let q = &mut state.q;
                for (q, g) in q.iter_mut().zip(&state.flat_grad) {
                    *q = -g;
                }
                for i in (0..num_old).rev() {
                    let al = dot(&state.old_stps[i], q) * state.ro[i];
                    state.al[i] = al;
                    for (qi, yi) in q.iter_mut().zip(&state.old_dirs[i]) {
                        *qi = (-al).mul_add(*yi, *qi);
                    }
                }
                let h = state.h_diag[0];
                for (d, qi) in state.d.iter_mut().zip(&state.q) {
                    *d = qi * h;
                }
                for i in 0..num_old {
                    let be = dot(&state.old_dirs[i], &state.d) * state.ro[i];
                    let alpha = state.al[i] - be;
                    for (di, si) in state.d.iter_mut().zip(&state.old_stps[i]) {
                        *di = alpha.mul_add(*si, *di);
                    }
                }
            }
            state.prev_flat_grad.clone_from(&state.flat_grad);
            state.prev_loss = loss;
            t = if state.n_iter[0] == 1.0 {
                py_min(1.0, 1.0 / torch_sum_abs(&state.flat_grad)) * lr
            } else {
                lr
            };
            let gtd = dot(&state.flat_grad, &state.d);
            if gtd > -tol_change {
                break;
            }
            let ls_evals;
            let opt_cond;
            if self.line_search_fn.is_some() {
                state.x.copy_from_slice(params);
                let found = strong_wolfe(
                    &mut evaluate,
                    (&state.x, &state.d, &mut state.flat_grad),
                    (t, loss, gtd),
                    (tol_change, max_eval.saturating_sub(current_evals)),
                    &mut state.wolfe,
                );
                (loss, t, ls_evals) = found;
                for (p, d) in params.iter_mut().zip(&state.d) {
                    *p = t.mul_add(*d, *p);
                }
                opt_cond = abs_max(&state.flat_grad) <= self.tolerance_grad;
            } else {
                for (p, d) in params.iter_mut().zip(&state.d) {
                    *p = t.mul_add(*d, *p);
                }
                if n_iter == self.max_iter {
                    ls_evals = 0;
                    opt_cond = false;
                } else {
                    let mut g = std::mem::take(&mut state.flat_grad);
                    loss = evaluate(params, &mut g);
                    state.flat_grad = g;
                    opt_cond = abs_max(&state.flat_grad) <= self.tolerance_grad;
                    ls_evals = 1;
                }
            }
            current_evals += ls_evals;
            state.func_evals[0] += ls_evals as f64;
            if n_iter == self.max_iter || current_evals >= max_eval || opt_cond {
                break;
            }
            let moved = state
                .d
                .iter()
                .fold(0.0_f64, |m, d| py_max(m, (d * t).abs()));
            if moved <= tol_change || (loss - state.prev_loss).abs() < tol_change {
                break;
            }
        }
        state.t = [t];
        state.last_evals = current_evals;
        current_evals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f = ½(x² + 10y²): L-BFGS with a line search solves a quadratic in a
    /// few iterations.
    fn bowl(p: &[f64], g: &mut [f64]) -> f64 {
        g[0] = p[0];
        g[1] = 10.0 * p[1];
        0.5 * (p[0] * p[0] + 10.0 * p[1] * p[1])
    }

    #[test]
    fn a_strong_wolfe_step_solves_a_quadratic() {
        let opt = Lbfgs {
            line_search_fn: Some(LineSearchFn::StrongWolfe),
            ..Lbfgs::default()
        };
        let mut s = opt.init(2);
        let mut p = [3.0, -2.0];
        let mut g = [0.0; 2];
        let loss = bowl(&p, &mut g);
        let evals = opt.step_closure(&mut p, &g, loss, &mut s, 1.0, &mut bowl);
        // One step of up to 20 iterations ends within 1e-4 of the minimum.
        assert!(p[0].abs() < 1e-4 && p[1].abs() < 1e-4, "{p:?}");
        assert!(evals > 1 && evals <= 25, "{evals}");
    }

    #[test]
    fn max_eval_defaults_to_five_quarters_of_max_iter() {
        assert_eq!(Lbfgs::default().max_evals(), 25);
    }
}
