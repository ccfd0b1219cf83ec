//! `torch.optim.Adafactor`: a second moment factored into row and column
//! statistics for matrices, so it costs m + n numbers instead of m·n.

use serde::{Deserialize, Serialize};

use super::reduce::{torch_column_norm, torch_norm, torch_sum};
use super::{Layout, Optimizer, StateVector, torch_lerp};
use crate::support::validate::Checker;

/// Adafactor, as `torch.optim.Adafactor` (no first moment).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize);   β̂₂ₜ = t^beta2_decay   (1 − β₂ at step t)
/// ρₜ = min(lr, 1/√t);   α = max(ε₂, RMS(θ))·ρₜ          (per tensor, θ before decay)
/// θ ← θ·(1 − lr·λ)
/// matrix [m, n]:  R ← lerp(R, ‖gᵢ,:‖²/n, β̂₂ₜ);  C ← lerp(C, ‖g:,ⱼ‖²/m, β̂₂ₜ)
///                 v̂ = R·Cᵀ / max(mean(R), ε₁)
/// vector:         v ← lerp(v, g², β̂₂ₜ);  v̂ = v
/// u = g / √max(v̂, ε₁²);   θ ← θ − α/max(1, RMS(u)/d) · u
/// ```
/// ε₁ = `None` means the dtype's machine epsilon (2.2e-16 in f64). Unlike the
/// paper, torch has no β₁ momentum and clamps before the inverse square root.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adafactor {
    /// Learning rate: the cap on the relative step ρₜ (default 1e-2).
    pub lr: f64,
    /// Exponent of the second moment's decay, 1 − β₂ = `t^beta2_decay` (default −0.8).
    pub beta2_decay: f64,
    /// (ε₁, ε₂): floor of v̂ (None = machine epsilon) and of RMS(θ) (default (None, 1e-3)).
    pub eps: (Option<f64>, f64),
    /// Clipping threshold of the update's RMS (default 1).
    pub d: f64,
    /// Decoupled weight decay λ (default 0).
    pub weight_decay: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Adafactor {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            beta2_decay: -0.8,
            eps: (None, 1e-3),
            d: 1.0,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

impl Adafactor {
    /// ε₁, with `None` read as f64's machine epsilon as torch does.
    pub fn eps1(&self) -> f64 {
        self.eps.0.unwrap_or(f64::EPSILON)
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.non_negative("lr", self.lr);
        if self.beta2_decay.is_nan() || self.beta2_decay > 0.0 {
            c.fail(
                "beta2_decay",
                format!("must be <= 0, got {}", self.beta2_decay),
            );
        }
        if let Some(eps1) = self.eps.0 {
            c.non_negative("eps.0", eps1);
        }
        c.non_negative("eps.1", self.eps.1);
        if !(self.d >= 1.0 && self.d.is_finite()) {
            c.fail("d", format!("must be >= 1, got {}", self.d));
        }
        c.non_negative("weight_decay", self.weight_decay);
    }
}

/// Where one tensor's numbers live in the state.
#[derive(Clone, Debug, PartialEq)]
struct Block {
    /// Its entries in the flat vector.
    start: usize,
    len: usize,
    /// `(rows, cols, offset of R, offset of C)` for a matrix.
    factored: Option<(usize, usize, usize, usize)>,
}

/// Adafactor's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct AdafactorState {
    /// Steps taken.
    pub step: u64,
    /// `variance` of vector tensors; for matrix entries, the factored
    /// estimate R·Cᵀ/mean(R) of the last step.
    pub var_estimate: Vec<f64>,
    /// `row_var` of every matrix, one after the other.
    pub row_var: Vec<f64>,
    /// `col_var` of every matrix, one after the other.
    pub col_var: Vec<f64>,
    blocks: Vec<Block>,
    /// The update u of the tensor being stepped (scratch).
    update: Vec<f64>,
}

impl AdafactorState {
    /// How many second-moment numbers are stored, against m·n unfactored.
    pub fn stored_numbers(&self) -> usize {
        self.row_var.len()
            + self.col_var.len()
            + self
                .blocks
                .iter()
                .filter(|b| b.factored.is_none())
                .map(|b| b.len)
                .sum::<usize>()
    }
}

/// `torch.clamp(x, min=low)` with NaN kept.
#[inline]
fn at_least(x: f64, low: f64) -> f64 {
    if x.is_nan() { x } else { x.max(low) }
}

impl Adafactor {
    /// One tensor's step; `u` is scratch of the tensor's length.
    #[expect(
        clippy::too_many_arguments,
        reason = "one tensor's slices of the state"
    )]
    fn step_tensor(
        &self,
        block: &Block,
        params: &mut [f64],
        grad: &[f64],
        state_rows: &mut [f64],
        state_cols: &mut [f64],
        var_estimate: &mut [f64],
        u: &mut [f64],
        (lr, t): (f64, f64),
    ) {
        let sign = if self.maximize { -1.0 } else { 1.0 };
        let weight = t.powf(self.beta2_decay);
        let rho = lr.min(1.0 / t.sqrt());
        let numel_sqrt = (block.len as f64).sqrt();
        let rms = torch_norm(params) / numel_sqrt;
        let alpha = self.eps.1.max(rms) * rho;
        if self.weight_decay != 0.0 {
            let keep = 1.0 - lr * self.weight_decay;
            for p in params.iter_mut() {
                *p *= keep;
            }
        }
        let eps1 = self.eps1();
        match block.factored {
            Some((rows, cols, _, _)) => {
                // (−g)² = g²: maximize does not change the statistics.
                for (r, row) in state_rows.iter_mut().zip(grad.chunks_exact(cols)) {
                    let norm = torch_norm(row);
                    *r = torch_lerp(*r, norm * norm / cols as f64, weight);
                }
                for (j, c) in state_cols.iter_mut().enumerate() {
                    let norm = torch_column_norm(grad, cols, j);
                    *c = torch_lerp(*c, norm * norm / rows as f64, weight);
                }
                let row_mean = at_least(torch_sum(state_rows) / rows as f64, eps1);
                for (i, r) in state_rows.iter().enumerate() {
                    for (j, c) in state_cols.iter().enumerate() {
                        var_estimate[i * cols + j] = r * c / row_mean;
                    }
                }
            }
            None => {
                for (v, &g) in var_estimate.iter_mut().zip(grad) {
                    let g = sign * g;
                    *v = torch_lerp(*v, g * g, weight);
                }
            }
        }
        for ((u, &v), &g) in u.iter_mut().zip(var_estimate.iter()).zip(grad) {
            *u = (1.0 / at_least(v, eps1 * eps1).sqrt()) * (sign * g);
        }
        let u_rms = torch_norm(u) / (numel_sqrt * self.d);
        let denom = if u_rms.is_nan() {
            u_rms
        } else {
            u_rms.max(1.0)
        };
        let scale = -alpha / denom;
        // param.add_(u, alpha=scale) is fused on torch's CPU.
        for (p, &u) in params.iter_mut().zip(u.iter()) {
            *p = scale.mul_add(u, *p);
        }
    }
}

impl Optimizer for Adafactor {
    type State = AdafactorState;

    fn init(&self, dim: usize) -> AdafactorState {
        self.init_for(&Layout::vector(dim))
    }

    fn init_for(&self, layout: &Layout) -> AdafactorState {
        let (mut rows_at, mut cols_at) = (0, 0);
        let blocks = layout
            .ranges()
            .map(|(tensor, range)| {
                let factored = tensor.as_matrix().map(|(rows, cols)| {
                    let at = (rows, cols, rows_at, cols_at);
                    rows_at += rows;
                    cols_at += cols;
                    at
                });
                Block {
                    start: range.start,
                    len: range.len(),
                    factored,
                }
            })
            .collect::<Vec<_>>();
        let widest = blocks.iter().map(|b| b.len).max().unwrap_or(0);
        AdafactorState {
            step: 0,
            var_estimate: vec![0.0; layout.dim()],
            row_var: vec![0.0; rows_at],
            col_var: vec![0.0; cols_at],
            blocks,
            update: vec![0.0; widest],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut AdafactorState, lr: f64) {
        state.step += 1;
        let t = state.step as f64;
        for block in &state.blocks {
            let range = block.start..block.start + block.len;
            let (rows, cols) = match block.factored {
                Some((m, n, r, c)) => (r..r + m, c..c + n),
                None => (0..0, 0..0),
            };
            let (Some(p), Some(g), Some(r), Some(c), Some(v), Some(u)) = (
                params.get_mut(range.clone()),
                grad.get(range.clone()),
                state.row_var.get_mut(rows),
                state.col_var.get_mut(cols),
                state.var_estimate.get_mut(range),
                state.update.get_mut(..block.len),
            ) else {
                continue;
            };
            self.step_tensor(block, p, g, r, c, v, u, (lr, t));
        }
    }

    fn describe<'a>(&self, state: &'a AdafactorState) -> Vec<StateVector<'a>> {
        let mut out = vec![StateVector {
            name: "var_estimate",
            values: &state.var_estimate,
        }];
        if !state.row_var.is_empty() {
            out.push(StateVector {
                name: "row_var",
                values: &state.row_var,
            });
            out.push(StateVector {
                name: "col_var",
                values: &state.col_var,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Tensor;

    #[test]
    fn a_vector_s_first_step_moves_every_coordinate_by_alpha_over_rms() {
        let opt = Adafactor::default();
        let mut p = [3.0, 4.0];
        let mut s = opt.init(2);
        opt.step(&mut p, &[1.0, -2.0], &mut s, 0.01);
        // v = g², u = sign(g), RMS(u) = 1; α = RMS(θ)·min(lr, 1) = √12.5·0.01.
        let alpha = 12.5_f64.sqrt() * 0.01;
        assert!((p[0] - (3.0 - alpha)).abs() < 1e-15, "{p:?}");
        assert!((p[1] - (4.0 + alpha)).abs() < 1e-15, "{p:?}");
    }

    #[test]
    fn a_matrix_keeps_one_number_per_row_and_column() {
        let layout = Layout::new(vec![Tensor::new("w", &[3, 4]), Tensor::new("b", &[3])]);
        let opt = Adafactor::default();
        let s = opt.init_for(&layout);
        assert_eq!((s.row_var.len(), s.col_var.len()), (3, 4));
        assert_eq!(s.stored_numbers(), 3 + 4 + 3);
    }

    #[test]
    fn the_factored_estimate_is_exact_for_a_rank_one_square() {
        // g = a·bᵀ has g² = (a²)(b²)ᵀ, which R·Cᵀ/mean(R) recovers exactly.
        let layout = Layout::new(vec![Tensor::new("w", &[2, 2])]);
        let opt = Adafactor::default();
        let mut s = opt.init_for(&layout);
        let mut p = [1.0; 4];
        let (a, b) = ([1.0, 2.0], [3.0, 0.5]);
        let g = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
        opt.step(&mut p, &g, &mut s, 0.01);
        for (v, g) in s.var_estimate.iter().zip(g) {
            assert!((v - g * g).abs() < 1e-12 * g * g, "{v} vs {}", g * g);
        }
    }
}
