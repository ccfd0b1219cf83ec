//! MARS (`pytorch_optimizer.MARS`, Yuan et al. 2024): AdamW or Lion on a
//! variance-reduced gradient that adds a scaled difference of successive
//! gradients.

use serde::{Deserialize, Serialize};

use super::adopt::package_weight_decay;
use super::reduce::torch_norm;
use super::{Layout, Optimizer, StateVector, state_vectors, torch_lerp, torch_sign};
use crate::support::validate::Checker;

/// The package adds this inside the square root of the second moment.
const EXP_AVG_SQ_EPS: f64 = 1e-15;

/// What MARS does with its corrected momentum on matrices (`mars_type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarsType {
    /// Divide by the second moment of the corrected gradient (MARS-AdamW).
    #[default]
    Adamw,
    /// Take its sign (MARS-Lion).
    Lion,
}

/// MARS, as `pytorch_optimizer.MARS` 4.1 (per-parameter path; `mars_type:
/// shampoo`, whose Newton–Schulz is the package's own, is not offered).
///
/// ```text
/// g ← ∇f(θ)  (−g if maximize)
/// matrices (every tensor with optimize_1d):
///   c = g + γ·β₁/(1 − β₁)·(g − g_prev);   c ← c/‖c‖ if ‖c‖ > 1     (per tensor)
///   m ← lerp(m, c, 1 − β₁)
///   adamw: v ← β₂·v + (1 − β₂)·c²;  u = m/((√(v + 1e-15) + ε)/√(1 − β₂ᵗ)·(1 − β₁ᵗ))
///   lion:  u = sign(m)
/// other tensors: AdamW on g with betas_1d, lr_1d, weight_decay_1d
/// θ ← θ·(1 − λ·lr) (decoupled);   θ ← θ − lr·u;   g_prev ← g
/// ```
/// A surface's (x, y) is one vector, so unless `optimize_1d` is set it is
/// stepped by the 1-D AdamW, as in the package.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the package's boolean keyword arguments"
)]
pub struct Mars {
    /// Learning rate of matrices (default 3e-3).
    pub lr: f64,
    /// (β₁, β₂) of matrices (default (0.95, 0.99)).
    pub betas: (f64, f64),
    /// Strength γ of the gradient correction (default 0.025).
    pub gamma: f64,
    /// AdamW or Lion on matrices (default `adamw`).
    pub mars_type: MarsType,
    /// Treat vectors as matrices are treated (default false).
    pub optimize_1d: bool,
    /// Learning rate of the other tensors' AdamW (default 3e-3).
    pub lr_1d: f64,
    /// (β₁, β₂) of the other tensors' AdamW (default (0.9, 0.95)).
    pub betas_1d: (f64, f64),
    /// Weight decay of matrices (default 0).
    pub weight_decay: f64,
    /// Weight decay of the other tensors (default 0.1).
    pub weight_decay_1d: f64,
    /// Decay θ directly instead of adding λθ to g (default true).
    pub weight_decouple: bool,
    /// Decoupled decay without the lr factor (default false).
    pub fixed_decay: bool,
    /// Divide by the running maximum of v (default false).
    pub ams_bound: bool,
    /// Zero the update where it disagrees in sign with g (default false).
    pub cautious: bool,
    /// Added to √v (default 1e-8).
    pub eps: f64,
    /// Ascend instead of descend (default false).
    pub maximize: bool,
}

impl Default for Mars {
    fn default() -> Self {
        Self {
            lr: 3e-3,
            betas: (0.95, 0.99),
            gamma: 0.025,
            mars_type: MarsType::Adamw,
            optimize_1d: false,
            lr_1d: 3e-3,
            betas_1d: (0.9, 0.95),
            weight_decay: 0.0,
            weight_decay_1d: 0.1,
            weight_decouple: true,
            fixed_decay: false,
            ams_bound: false,
            cautious: false,
            eps: 1e-8,
            maximize: false,
        }
    }
}

impl Mars {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
        c.positive("lr_1d", self.lr_1d);
        c.unit_interval("betas_1d.0", self.betas_1d.0);
        c.unit_interval("betas_1d.1", self.betas_1d.1);
        c.non_negative("gamma", self.gamma);
        c.non_negative("weight_decay_1d", self.weight_decay_1d);
    }
}

/// MARS's buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct MarsState {
    /// Steps taken.
    pub step: u64,
    /// `exp_avg`: m.
    pub exp_avg: Vec<f64>,
    /// `exp_avg_sq`: v.
    pub exp_avg_sq: Vec<f64>,
    /// `max_exp_avg_sq` (with `ams_bound`).
    pub max_exp_avg_sq: Vec<f64>,
    /// `last_grad`: the gradient of the step before.
    pub last_grad: Vec<f64>,
    /// Each tensor's entries and whether MARS's corrected path steps it.
    tensors: Vec<(std::ops::Range<usize>, bool)>,
    /// The corrected gradient c, then the update u, of the tensor being stepped.
    scratch: Vec<f64>,
    /// The gradient after maximize and coupled decay (scratch).
    grad: Vec<f64>,
}

/// One tensor's buffers.
struct Slices<'a> {
    m: &'a mut [f64],
    v: &'a mut [f64],
    v_max: &'a mut [f64],
    last: &'a mut [f64],
    u: &'a mut [f64],
    g: &'a mut [f64],
}

impl Mars {
    /// The update u of one tensor into `s.u`; `mixed` is MARS's own path.
    fn update(&self, s: &mut Slices<'_>, mixed: bool, step: f64) {
        let (beta1, beta2) = if mixed { self.betas } else { self.betas_1d };
        if mixed {
            let scale = self.gamma * (beta1 / (1.0 - beta1));
            for ((c, &g), &last) in s.u.iter_mut().zip(s.g.iter()).zip(s.last.iter()) {
                *c = (g - last) * scale + g;
            }
            let norm = torch_norm(s.u);
            if norm > 1.0 {
                for c in s.u.iter_mut() {
                    *c /= norm;
                }
            }
        } else {
            s.u.copy_from_slice(s.g);
        }
        // s.u holds what the moments see: c (matrices) or g (1-D AdamW).
        for (m, &c) in s.m.iter_mut().zip(s.u.iter()) {
            *m = torch_lerp(*m, c, 1.0 - beta1);
        }
        let adam = !mixed || self.mars_type == MarsType::Adamw;
        if adam {
            for (v, &c) in s.v.iter_mut().zip(s.u.iter()) {
                *v = ((1.0 - beta2) * c).mul_add(c, *v * beta2);
            }
        }
        s.u.copy_from_slice(s.m);
        if self.cautious {
            let agree =
                s.u.iter()
                    .zip(s.g.iter())
                    .filter(|&(u, g)| u * g > 0.0)
                    .count() as f64;
            let scale = s.u.len() as f64 / (agree + 1.0);
            for (u, &g) in s.u.iter_mut().zip(s.g.iter()) {
                *u *= if *u * g > 0.0 { scale } else { 0.0 };
            }
        }
        if !adam {
            for u in s.u.iter_mut() {
                *u = torch_sign(*u);
            }
            return;
        }
        let bias_correction1 = 1.0 - beta1.powf(step);
        let bias_correction2_sq = (1.0 - beta2.powf(step)).sqrt();
        for i in 0..s.u.len() {
            let second = if self.ams_bound {
                let top = s.v_max[i].max(s.v[i]);
                s.v_max[i] = top;
                top
            } else {
                s.v[i]
            };
            let de_nom = ((second + EXP_AVG_SQ_EPS).sqrt() + self.eps) / bias_correction2_sq
                * bias_correction1;
            s.u[i] /= de_nom;
        }
    }
}

impl Optimizer for Mars {
    type State = MarsState;

    fn init(&self, dim: usize) -> MarsState {
        self.init_for(&Layout::vector(dim))
    }

    fn init_for(&self, layout: &Layout) -> MarsState {
        let dim = layout.dim();
        let tensors: Vec<_> = layout
            .ranges()
            .map(|(t, r)| (r, self.optimize_1d || t.shape.len() >= 2))
            .collect();
        let widest = tensors.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
        MarsState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            max_exp_avg_sq: vec![0.0; if self.ams_bound { dim } else { 0 }],
            last_grad: vec![0.0; dim],
            tensors,
            scratch: vec![0.0; widest],
            grad: vec![0.0; widest],
        }
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut MarsState, lr: f64) {
        state.step += 1;
        let step = state.step as f64;
        // The package fixes lr_1d / lr when it is built and scales group["lr"] by it.
        let lr_1d_factor = self.lr_1d / self.lr;
        if self.ams_bound && state.max_exp_avg_sq.len() != params.len() {
            state.max_exp_avg_sq = vec![0.0; params.len()];
        }
        for (range, mixed) in &state.tensors {
            let (r, n) = (range.clone(), range.len());
            let v_max = if self.ams_bound {
                state.max_exp_avg_sq.get_mut(r.clone())
            } else {
                Some(&mut [][..])
            };
            let (Some(p), Some(g_in), Some(m), Some(v), Some(v_max), Some(last), Some(u), Some(g)) = (
                params.get_mut(r.clone()),
                grad.get(r.clone()),
                state.exp_avg.get_mut(r.clone()),
                state.exp_avg_sq.get_mut(r.clone()),
                v_max,
                state.last_grad.get_mut(r),
                state.scratch.get_mut(..n),
                state.grad.get_mut(..n),
            ) else {
                continue;
            };
            for (g, &x) in g.iter_mut().zip(g_in) {
                *g = if self.maximize { -x } else { x };
            }
            let mut s = Slices {
                m,
                v,
                v_max,
                last,
                u,
                g,
            };
            self.update(&mut s, *mixed, step);
            let (step_size, decay) = if *mixed {
                (lr, self.weight_decay)
            } else {
                (lr * lr_1d_factor, self.weight_decay_1d)
            };
            let decay = (decay, self.weight_decouple, self.fixed_decay);
            for (((p, g), &u), last) in p
                .iter_mut()
                .zip(s.g.iter_mut())
                .zip(s.u.iter())
                .zip(s.last.iter_mut())
            {
                // Coupled decay changes the gradient kept as g_prev, as in the package.
                *g = package_weight_decay(p, *g, decay, step_size);
                *p = (-step_size).mul_add(u, *p);
                *last = *g;
            }
        }
    }

    fn describe<'a>(&self, state: &'a MarsState) -> Vec<StateVector<'a>> {
        let mut pairs = vec![
            ("exp_avg", state.exp_avg.as_slice()),
            ("exp_avg_sq", state.exp_avg_sq.as_slice()),
            ("last_grad", state.last_grad.as_slice()),
        ];
        if !state.max_exp_avg_sq.is_empty() {
            pairs.push(("max_exp_avg_sq", state.max_exp_avg_sq.as_slice()));
        }
        state_vectors(&pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Tensor;

    #[test]
    fn a_vector_is_stepped_by_the_1d_adamw_unless_asked() {
        let opt = Mars {
            weight_decay_1d: 0.0,
            ..Mars::default()
        };
        let mut s = opt.init(2);
        let mut p = [1.0, -1.0];
        opt.step(&mut p, &[0.5, -2.0], &mut s, 3e-3);
        // Adam's first step is lr·sign(g) (up to ε).
        assert!((p[0] - (1.0 - 3e-3)).abs() < 1e-9, "{p:?}");
        assert!((p[1] - (-1.0 + 3e-3)).abs() < 1e-9, "{p:?}");
        assert_eq!(s.last_grad, [0.5, -2.0]);
    }

    #[test]
    fn the_correction_is_clipped_to_unit_norm_per_matrix() {
        let opt = Mars {
            mars_type: MarsType::Lion,
            ..Mars::default()
        };
        let layout = Layout::new(vec![Tensor::new("w", &[1, 2])]);
        let mut s = opt.init_for(&layout);
        let mut p = [0.0, 0.0];
        opt.step(&mut p, &[30.0, -40.0], &mut s, 0.1);
        // c = g/‖g‖ = (0.6, −0.8); m = 0.05·c; Lion steps by sign(m).
        assert!((s.exp_avg[0] - 0.05 * 0.6).abs() < 1e-15, "{:?}", s.exp_avg);
        assert!((s.exp_avg[1] + 0.05 * 0.8).abs() < 1e-15, "{:?}", s.exp_avg);
        assert_eq!(p, [-0.1, 0.1]);
    }

    #[test]
    fn cautious_zeroes_the_coordinates_that_disagree_with_g() {
        let opt = Mars {
            cautious: true,
            optimize_1d: true,
            mars_type: MarsType::Lion,
            ..Mars::default()
        };
        let mut s = opt.init(2);
        let mut p = [0.0, 0.0];
        opt.step(&mut p, &[1.0, 1.0], &mut s, 0.1);
        // The next gradient flips the second coordinate's sign against m.
        opt.step(&mut p, &[1.0, -1e-6], &mut s, 0.1);
        assert_eq!(p[1], -0.1, "the second step did not move y: {p:?}");
    }
}
