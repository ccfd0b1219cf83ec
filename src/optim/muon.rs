//! `torch.optim.Muon`: momentum whose update is orthogonalised per matrix by
//! a Newton–Schulz iteration, so every singular value of the step is near 1.

use serde::{Deserialize, Serialize};

use super::newton_schulz::{Iteration, NewtonSchulz};
use super::{Layout, Optimizer, StateVector, state_vectors, torch_lerp};
use crate::support::linalg::symmetric_eigenvalues;
use crate::support::validate::Checker;

/// How Muon scales lr by the matrix's shape [A, B] (`adjust_lr_fn`),
/// spelled as torch's strings: `Some(match_rms_adamw)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustLrFn {
    /// Keller Jordan's √max(1, A/B) (torch's `None` and `"original"`).
    #[default]
    Original,
    /// Moonshot's 0.2·√max(A, B), to match AdamW's update RMS.
    MatchRmsAdamw,
    /// Bernstein's √(A/B), unclamped.
    SpectralUnclamped,
}

impl AdjustLrFn {
    /// Every choice, in torch's order.
    pub const ALL: [Self; 3] = [Self::Original, Self::MatchRmsAdamw, Self::SpectralUnclamped];

    /// Torch's string.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::MatchRmsAdamw => "match_rms_adamw",
            Self::SpectralUnclamped => "spectral_unclamped",
        }
    }

    /// lr adjusted for a matrix of shape [a, b], as torch's `_adjust_lr`.
    pub fn adjust(self, lr: f64, (a, b): (usize, usize)) -> f64 {
        let (a, b) = (a as f64, b as f64);
        let ratio = match self {
            Self::Original => super::py_max(1.0, a / b).sqrt(),
            Self::MatchRmsAdamw => 0.2 * super::py_max(a, b).sqrt(),
            Self::SpectralUnclamped => (a / b).sqrt(),
        };
        lr * ratio
    }
}

/// Muon, as `torch.optim.Muon` (torch 2.15).
///
/// ```text
/// B ← lerp(B, g, 1 − μ);   U = lerp(g, B, μ) if nesterov else B
/// O = NS_k^{(a,b,c)}(U; ε)                 (per matrix, see `newton_schulz`)
/// θ ← θ·(1 − lr·λ);   θ ← θ − adjust(lr, [A, B])·O
/// ```
/// Torch accepts only matrices. Descent reads a vector of n entries, such
/// as a surface's (x, y), as a 1×n row: its orthogonalised update is the
/// unit direction times a fixed length, so Muon moves the same distance
/// every step. torch's iteration runs in bfloat16; `newton_schulz_f64`
/// switches to the exact mathematics (the convention menu's textbook reading).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Muon {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// Decoupled weight decay λ (default 0.1).
    pub weight_decay: f64,
    /// Momentum μ (default 0.95).
    pub momentum: f64,
    /// Nesterov momentum (default true).
    pub nesterov: bool,
    /// (a, b, c) of the quintic (default (3.4445, −4.7750, 2.0315)).
    pub ns_coefficients: (f64, f64, f64),
    /// Floor of the Frobenius norm (default 1e-7).
    pub eps: f64,
    /// Newton–Schulz iterations (default 5).
    pub ns_steps: u64,
    /// lr scaling by shape (default `None`: `Original`).
    pub adjust_lr_fn: Option<AdjustLrFn>,
    /// Convention: the iteration in exact f64 instead of torch's bfloat16.
    pub newton_schulz_f64: bool,
}

impl Default for Muon {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            weight_decay: 0.1,
            momentum: 0.95,
            nesterov: true,
            ns_coefficients: (3.4445, -4.7750, 2.0315),
            eps: 1e-7,
            ns_steps: 5,
            adjust_lr_fn: None,
            newton_schulz_f64: false,
        }
    }
}

impl Muon {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.non_negative("lr", self.lr);
        c.non_negative("momentum", self.momentum);
        c.non_negative("weight_decay", self.weight_decay);
        c.non_negative("eps", self.eps);
        if self.ns_steps >= 100 {
            c.fail(
                "ns_steps",
                format!("must be less than 100, got {}", self.ns_steps),
            );
        }
        let (a, b, cc) = self.ns_coefficients;
        if !(a.is_finite() && b.is_finite() && cc.is_finite()) {
            c.fail("ns_coefficients", "must be finite".to_owned());
        }
    }

    /// The lr scaling in effect (torch's `None` is `Original`).
    pub fn adjust(&self) -> AdjustLrFn {
        self.adjust_lr_fn.unwrap_or_default()
    }

    fn iteration(&self) -> Iteration {
        Iteration {
            coefficients: self.ns_coefficients,
            steps: self.ns_steps.min(99) as u32,
            eps: self.eps,
            exact: self.newton_schulz_f64,
        }
    }
}

/// One tensor as Muon sees it: its entries and its matrix shape.
#[derive(Clone, Debug, PartialEq)]
struct Block {
    start: usize,
    shape: (usize, usize),
}

/// Muon's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct MuonState {
    /// Steps taken.
    pub step: u64,
    /// `momentum_buffer`: B.
    pub momentum_buffer: Vec<f64>,
    /// The orthogonalised update O of the last step.
    pub orthogonal_update: Vec<f64>,
    /// lr·adjust of each tensor at the last step, one value per parameter.
    pub adjusted_lr: Vec<f64>,
    blocks: Vec<Block>,
    /// U of the tensor being stepped (scratch).
    update: Vec<f64>,
    newton_schulz: NewtonSchulz,
}

impl MuonState {
    /// The smallest and largest singular value of each tensor's last update
    /// O, with the tensor's index: near 1 for an orthogonalised update.
    pub fn update_singular_values(&self) -> Vec<(usize, f64, f64)> {
        self.blocks
            .iter()
            .enumerate()
            .filter_map(|(i, block)| {
                let (rows, cols) = block.shape;
                let o = self
                    .orthogonal_update
                    .get(block.start..block.start + rows * cols)?;
                // The eigenvalues of the smaller Gram matrix are σ².
                let (m, wide) = if rows <= cols {
                    (rows, true)
                } else {
                    (cols, false)
                };
                let at = |i: usize, j: usize| o[i * cols + j];
                let mut gram = vec![0.0; m * m];
                for a in 0..m {
                    for b in 0..m {
                        gram[a * m + b] = if wide {
                            (0..cols).map(|k| at(a, k) * at(b, k)).sum()
                        } else {
                            (0..rows).map(|k| at(k, a) * at(k, b)).sum()
                        };
                    }
                }
                let eig = symmetric_eigenvalues(&mut gram, m)?;
                let sigma = |v: f64| v.max(0.0).sqrt();
                let lo = eig.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = eig.iter().copied().fold(0.0, f64::max);
                Some((i, sigma(lo), sigma(hi)))
            })
            .collect()
    }
}

impl Optimizer for Muon {
    type State = MuonState;

    fn init(&self, dim: usize) -> MuonState {
        self.init_for(&Layout::vector(dim))
    }

    fn init_for(&self, layout: &Layout) -> MuonState {
        let blocks: Vec<Block> = layout
            .ranges()
            .map(|(tensor, range)| Block {
                start: range.start,
                shape: tensor.as_matrix().unwrap_or((1, range.len())),
            })
            .collect();
        let widest = blocks
            .iter()
            .map(|b| b.shape.0 * b.shape.1)
            .max()
            .unwrap_or(0);
        let dim = layout.dim();
        MuonState {
            step: 0,
            momentum_buffer: vec![0.0; dim],
            orthogonal_update: vec![0.0; dim],
            adjusted_lr: vec![0.0; dim],
            blocks,
            update: vec![0.0; widest],
            newton_schulz: NewtonSchulz::for_numel(widest),
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut MuonState, lr: f64) {
        state.step += 1;
        let mu = self.momentum;
        let iteration = self.iteration();
        let keep = 1.0 - lr * self.weight_decay;
        for block in &state.blocks {
            let len = block.shape.0 * block.shape.1;
            let range = block.start..block.start + len;
            let (Some(p), Some(g), Some(buf), Some(o), Some(alr), Some(u)) = (
                params.get_mut(range.clone()),
                grad.get(range.clone()),
                state.momentum_buffer.get_mut(range.clone()),
                state.orthogonal_update.get_mut(range.clone()),
                state.adjusted_lr.get_mut(range),
                state.update.get_mut(..len),
            ) else {
                continue;
            };
            for ((b, u), &g) in buf.iter_mut().zip(u.iter_mut()).zip(g) {
                *b = torch_lerp(*b, g, 1.0 - mu);
                *u = if self.nesterov {
                    torch_lerp(g, *b, mu)
                } else {
                    *b
                };
            }
            state
                .newton_schulz
                .orthogonalise(u, block.shape, iteration, o);
            let adjusted = self.adjust().adjust(lr, block.shape);
            alr.fill(adjusted);
            for (p, &o) in p.iter_mut().zip(o.iter()) {
                *p *= keep;
                *p = (-adjusted).mul_add(o, *p);
            }
        }
    }

    fn describe<'a>(&self, state: &'a MuonState) -> Vec<StateVector<'a>> {
        state_vectors(&[
            ("momentum_buffer", &state.momentum_buffer),
            ("orthogonal_update", &state.orthogonal_update),
            ("adjusted_lr", &state.adjusted_lr),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Tensor;

    fn exact() -> Muon {
        Muon {
            newton_schulz_f64: true,
            weight_decay: 0.0,
            ..Muon::default()
        }
    }

    #[test]
    fn on_a_surface_every_step_has_the_same_length() {
        let opt = exact();
        let mut s = opt.init(2);
        let mut p = [1.0, -2.0];
        let mut lengths = Vec::new();
        for g in [[10.0, 0.1], [-0.001, 0.002], [3.0, 4.0]] {
            let before = p;
            opt.step(&mut p, &g, &mut s, 0.1);
            lengths.push((p[0] - before[0]).hypot(p[1] - before[1]));
        }
        for l in &lengths {
            assert!((l - lengths[0]).abs() < 1e-12, "{lengths:?}");
        }
        assert!(lengths[0] > 0.05 && lengths[0] < 0.15, "{lengths:?}");
    }

    #[test]
    fn the_lr_is_adjusted_by_the_shape_as_torch_does() {
        assert_eq!(AdjustLrFn::Original.adjust(0.1, (4, 1)), 0.2);
        assert_eq!(AdjustLrFn::Original.adjust(0.1, (1, 4)), 0.1);
        assert_eq!(AdjustLrFn::MatchRmsAdamw.adjust(1.0, (16, 4)), 0.8);
        assert_eq!(AdjustLrFn::SpectralUnclamped.adjust(1.0, (1, 4)), 0.5);
    }

    #[test]
    fn weight_decay_uses_the_unadjusted_lr() {
        let opt = Muon {
            weight_decay: 0.5,
            momentum: 0.0,
            nesterov: false,
            ..exact()
        };
        let layout = Layout::new(vec![Tensor::new("w", &[4, 1])]);
        let mut s = opt.init_for(&layout);
        let mut p = [1.0; 4];
        opt.step(&mut p, &[0.0; 4], &mut s, 0.1);
        // A zero gradient orthogonalises to zero; only the decay acts.
        assert_eq!(p, [0.95; 4]);
        assert_eq!(s.adjusted_lr, [0.2; 4]);
    }

    #[test]
    fn a_square_update_has_singular_values_near_one() {
        let opt = exact();
        let layout = Layout::new(vec![Tensor::new("w", &[3, 3])]);
        let mut s = opt.init_for(&layout);
        let mut p = [0.0; 9];
        let g = [5.0, 0.1, 0.0, 0.2, 1e-2, 0.3, 0.0, 0.4, 2.0];
        opt.step(&mut p, &g, &mut s, 0.1);
        let [(0, lo, hi)] = s.update_singular_values()[..] else {
            panic!("{:?}", s.update_singular_values())
        };
        // The gradient's singular values span 100× (5.0 to 0.052); the
        // update's lie in the quintic's band, here [0.69, 1.05].
        assert!(lo > 0.5 && hi < 1.3, "{lo} {hi}");
    }

    #[test]
    fn each_matrix_is_orthogonalised_on_its_own() {
        let opt = exact();
        let layout = Layout::new(vec![Tensor::new("a", &[1, 2]), Tensor::new("b", &[2])]);
        let mut s = opt.init_for(&layout);
        let mut p = [0.0; 4];
        opt.step(&mut p, &[3.0, 4.0, 300.0, 400.0], &mut s, 1.0);
        // Same direction, so the same update despite the scale.
        assert!(
            (p[0] - p[2]).abs() < 1e-12 && (p[1] - p[3]).abs() < 1e-12,
            "{p:?}"
        );
    }
}
