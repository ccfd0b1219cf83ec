//! Schedule-Free AdamW and SGD (`schedulefree` 1.4's `AdamWScheduleFree` and
//! `SGDScheduleFree`, Defazio et al. 2024): no learning-rate schedule, an
//! average instead.
//!
//! Three sequences: z takes the plain steps, x is the weighted average of the
//! z's and the point to evaluate, and y = lerp(z, x, β₁) is where the gradient
//! is taken. In train mode torch's parameter holds y, and so does θ here; x
//! and z are drawn beside it.

use serde::{Deserialize, Serialize};

use super::{Optimizer, PowerSeries, StateVector, state_vectors, torch_lerp};
use crate::support::validate::Checker;

/// Schedule-Free AdamW, as `schedulefree.AdamWScheduleFree` (the
/// memory-efficient class whose parameter holds y in train mode).
///
/// ```text
/// lrₖ = lr·min(1, (k + 1)/warmup_steps);   lr_max ← max(lr_max, lrₖ)
/// cₖ₊₁ = wₖ/Σw,  wₖ = (k + 1)^r · lr_max^weight_lr_power
/// v ← β₂·v + (1 − β₂)·g²;   u = g/(√(v/(1 − β₂ᵏ⁺¹)) + ε) + λ·y
/// y ← lerp(y, z, cₖ₊₁) + lrₖ·(β₁·(1 − cₖ₊₁) − 1)·u
/// z ← z − lrₖ·u;          x = lerp(y, z, 1 − 1/β₁)   (the point to evaluate)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleFreeAdamW {
    /// Learning rate (default 0.0025).
    pub lr: f64,
    /// (β₁, β₂): the interpolation and the second moment's decay (default (0.9, 0.999)).
    pub betas: (f64, f64),
    /// Added to the denominator (default 1e-8).
    pub eps: f64,
    /// Weight decay λ, at y (default 0).
    pub weight_decay: f64,
    /// Steps of the built-in linear warm-up (default 0).
    pub warmup_steps: u64,
    /// Power of the step in the averaging weights (default 0).
    pub r: f64,
    /// Power of the largest lr in the averaging weights (default 2).
    pub weight_lr_power: f64,
}

impl Default for ScheduleFreeAdamW {
    fn default() -> Self {
        Self {
            lr: 0.0025,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            warmup_steps: 0,
            r: 0.0,
            weight_lr_power: 2.0,
        }
    }
}

/// Schedule-Free SGD, as `schedulefree.SGDScheduleFree` (parameter = y).
///
/// ```text
/// the weights cₖ₊₁ as in ScheduleFreeAdamW;   u = g + λ·y
/// y ← lerp(y, z, cₖ₊₁) + lrₖ·(μ·(1 − cₖ₊₁) − 1)·u
/// z ← z − lrₖ·u;          x = lerp(y, z, 1 − 1/μ)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleFreeSgd {
    /// Learning rate (default 1).
    pub lr: f64,
    /// The interpolation μ between x and z, in (0, 1) (default 0.9).
    pub momentum: f64,
    /// Weight decay λ, at y (default 0).
    pub weight_decay: f64,
    /// Steps of the built-in linear warm-up (default 0).
    pub warmup_steps: u64,
    /// Power of the step in the averaging weights (default 0).
    pub r: f64,
    /// Power of the largest lr in the averaging weights (default 2).
    pub weight_lr_power: f64,
}

impl Default for ScheduleFreeSgd {
    fn default() -> Self {
        Self {
            lr: 1.0,
            momentum: 0.9,
            weight_decay: 0.0,
            warmup_steps: 0,
            r: 0.0,
            weight_lr_power: 2.0,
        }
    }
}

/// The buffers of either Schedule-Free optimizer.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleFreeState {
    /// Steps taken (the group's `k`).
    pub step: u64,
    /// `z`: the sequence that takes the plain steps.
    pub z: Vec<f64>,
    /// `exp_avg_sq` (AdamW only; empty for SGD).
    pub exp_avg_sq: Vec<f64>,
    /// The weight cₖ₊₁ of the last step's average.
    pub ckp1: [f64; 1],
    /// `lr_max`: the largest scheduled lr so far.
    pub lr_max: [f64; 1],
    /// `weight_sum`.
    pub weight_sum: [f64; 1],
    beta2_power: PowerSeries,
}

impl ScheduleFreeState {
    fn new(dim: usize, adam: bool) -> Self {
        Self {
            step: 0,
            z: Vec::with_capacity(dim),
            exp_avg_sq: vec![0.0; if adam { dim } else { 0 }],
            ckp1: [f64::NAN],
            lr_max: [-1.0],
            weight_sum: [0.0],
            beta2_power: PowerSeries::default(),
        }
    }

    /// The step's scheduled lr and averaging weight, advancing the sums.
    fn weights(&mut self, lr: f64, warmup: u64, r: f64, power: f64) -> (f64, f64) {
        let k = self.step;
        let sched = if k < warmup {
            (k + 1) as f64 / warmup as f64
        } else {
            1.0
        };
        let lr = lr * sched;
        // Python's max(lr, lr_max): lr_max only if it is larger.
        let [lr_max] = self.lr_max;
        self.lr_max = [if lr_max > lr { lr_max } else { lr }];
        let weight = ((k + 1) as f64).powf(r) * self.lr_max[0].powf(power);
        self.weight_sum = [self.weight_sum[0] + weight];
        let ckp1 = if self.weight_sum[0] == 0.0 {
            0.0
        } else {
            weight / self.weight_sum[0]
        };
        self.ckp1 = [ckp1];
        (lr, ckp1)
    }

    /// x = lerp(y, z, 1 − 1/β), the point to evaluate, into `out`.
    pub fn x_into(&self, y: &[f64], beta: f64, out: &mut [f64]) {
        if self.z.is_empty() {
            out.copy_from_slice(y);
            return;
        }
        for ((o, &y), &z) in out.iter_mut().zip(y).zip(&self.z) {
            *o = torch_lerp(y, z, 1.0 - 1.0 / beta);
        }
    }
}

/// The shared y and z update: `y ← lerp(y, z, c) + lr·(β(1 − c) − 1)·u`,
/// `z ← z − lr·u`, both adds fused as torch's CPU kernels do.
#[inline]
fn move_y_and_z(y: &mut f64, z: &mut f64, u: f64, lr: f64, beta: f64, ckp1: f64) {
    *y = torch_lerp(*y, *z, ckp1);
    *y = (lr * (beta * (1.0 - ckp1) - 1.0)).mul_add(u, *y);
    *z = (-lr).mul_add(u, *z);
}

impl ScheduleFreeAdamW {
    pub(crate) fn check(&self, c: &mut Checker) {
        super::check_adam_like(c, self.lr, self.betas, self.eps, self.weight_decay);
        if self.betas.0 == 0.0 {
            c.fail("betas.0", "must be > 0: x = lerp(y, z, 1 − 1/β₁)");
        }
        c.finite("r", self.r);
        c.finite("weight_lr_power", self.weight_lr_power);
    }
}

impl ScheduleFreeSgd {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.non_negative("lr", self.lr);
        if !(self.momentum > 0.0 && self.momentum < 1.0) {
            c.fail(
                "momentum",
                format!("must be in (0, 1), got {}", self.momentum),
            );
        }
        c.non_negative("weight_decay", self.weight_decay);
        c.finite("r", self.r);
        c.finite("weight_lr_power", self.weight_lr_power);
    }
}

fn describe(state: &ScheduleFreeState) -> Vec<StateVector<'_>> {
    let mut out = state_vectors(&[("z", &state.z), ("ckp1", &state.ckp1)]);
    if !state.exp_avg_sq.is_empty() {
        out.push(StateVector {
            name: "exp_avg_sq",
            values: &state.exp_avg_sq,
        });
    }
    out
}

impl Optimizer for ScheduleFreeAdamW {
    type State = ScheduleFreeState;

    fn init(&self, dim: usize) -> ScheduleFreeState {
        ScheduleFreeState::new(dim, true)
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut ScheduleFreeState, lr: f64) {
        let (beta1, beta2) = self.betas;
        if state.z.is_empty() {
            state.z.extend_from_slice(params);
        }
        let bias_correction2 = 1.0 - state.beta2_power.at(beta2, state.step + 1);
        let (lr, ckp1) = state.weights(lr, self.warmup_steps, self.r, self.weight_lr_power);
        for ((y, &g), (z, v)) in params
            .iter_mut()
            .zip(grad)
            .zip(state.z.iter_mut().zip(&mut state.exp_avg_sq))
        {
            *v = ((1.0 - beta2) * g).mul_add(g, *v * beta2);
            let denom = (*v / bias_correction2).sqrt() + self.eps;
            let mut u = g / denom;
            if self.weight_decay != 0.0 {
                u = self.weight_decay.mul_add(*y, u);
            }
            move_y_and_z(y, z, u, lr, beta1, ckp1);
        }
        state.step += 1;
    }

    fn describe<'a>(&self, state: &'a ScheduleFreeState) -> Vec<StateVector<'a>> {
        describe(state)
    }
}

impl Optimizer for ScheduleFreeSgd {
    type State = ScheduleFreeState;

    fn init(&self, dim: usize) -> ScheduleFreeState {
        ScheduleFreeState::new(dim, false)
    }

    fn step(&self, params: &mut [f64], grad: &[f64], state: &mut ScheduleFreeState, lr: f64) {
        if state.z.is_empty() {
            state.z.extend_from_slice(params);
        }
        let (lr, ckp1) = state.weights(lr, self.warmup_steps, self.r, self.weight_lr_power);
        for ((y, &g), z) in params.iter_mut().zip(grad).zip(state.z.iter_mut()) {
            let u = if self.weight_decay == 0.0 {
                g
            } else {
                self.weight_decay.mul_add(*y, g)
            };
            move_y_and_z(y, z, u, lr, self.momentum, ckp1);
        }
        state.step += 1;
    }

    fn describe<'a>(&self, state: &'a ScheduleFreeState) -> Vec<StateVector<'a>> {
        describe(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_a_constant_lr_x_is_the_running_mean_of_the_z_s() {
        // r = 0 and a constant lr give cₖ₊₁ = 1/(k + 1): x is the plain mean.
        let opt = ScheduleFreeSgd {
            lr: 0.1,
            ..ScheduleFreeSgd::default()
        };
        let mut y = [1.0];
        let mut s = opt.init(1);
        let mut zs = vec![1.0];
        for _ in 0..5 {
            let g = [2.0 * y[0]];
            opt.step(&mut y, &g, &mut s, 0.1);
            zs.push(s.z[0]);
        }
        let mut x = [0.0];
        s.x_into(&y, opt.momentum, &mut x);
        // x is the average of z₁…z₅ (z₀ enters with weight 0 after step 1).
        let mean = zs[1..].iter().sum::<f64>() / 5.0;
        assert!((x[0] - mean).abs() < 1e-12, "{} vs {mean}", x[0]);
        assert!((s.ckp1[0] - 0.2).abs() < 1e-15);
    }

    #[test]
    fn the_first_step_is_a_plain_step_of_z() {
        let opt = ScheduleFreeAdamW::default();
        let mut y = [0.5];
        let mut s = opt.init(1);
        opt.step(&mut y, &[3.0], &mut s, 0.01);
        // c₁ = 1: y moves to z, then by lr·(β₁·0 − 1)·u, with u ≈ sign(g).
        assert!((s.z[0] - (0.5 - 0.01)).abs() < 1e-9, "{}", s.z[0]);
        assert!((y[0] - s.z[0]).abs() < 1e-12);
    }
}
