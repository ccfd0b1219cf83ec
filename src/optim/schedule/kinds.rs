//! The parameter structs of each schedule, with torch's defaults, and the
//! arithmetic of the schedules that need more than one line.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::ScheduleState;

/// `ConstantLR(factor=1/3, total_iters=5)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConstantLr {
    /// Multiplier during the first `total_iters` steps.
    pub factor: f64,
    /// Steps at the reduced rate.
    pub total_iters: u64,
}

impl Default for ConstantLr {
    fn default() -> Self {
        Self {
            factor: 1.0 / 3.0,
            total_iters: 5,
        }
    }
}

/// `StepLR(step_size, gamma=0.1)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepLr {
    /// Steps between decays (required).
    pub step_size: u64,
    /// Decay factor γ.
    #[serde(default = "default_gamma")]
    pub gamma: f64,
}

/// `MultiStepLR(milestones, gamma=0.1)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiStepLr {
    /// Steps at which lr is multiplied by γ (required; repeats multiply again).
    pub milestones: Vec<u64>,
    /// Decay factor γ.
    #[serde(default = "default_gamma")]
    pub gamma: f64,
}

/// `ExponentialLR(gamma)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExponentialLr {
    /// Decay factor γ per step (required).
    pub gamma: f64,
}

/// `CosineAnnealingLR(T_max, eta_min=0)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosineAnnealingLr {
    /// Half-period in steps (torch's `T_max`; required).
    pub t_max: u64,
    /// Lowest lr.
    #[serde(default)]
    pub eta_min: f64,
}

/// `CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosineAnnealingWarmRestarts {
    /// Length of the first cycle (torch's `T_0`; required).
    pub t_0: u64,
    /// Cycle length multiplier after each restart (`T_mult`).
    #[serde(default = "one_u64")]
    pub t_mult: u64,
    /// Lowest lr.
    #[serde(default)]
    pub eta_min: f64,
}

/// `LinearLR(start_factor=1/3, end_factor=1.0, total_iters=5)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinearLr {
    /// Factor at step 0.
    pub start_factor: f64,
    /// Factor from `total_iters` on.
    pub end_factor: f64,
    /// Steps of the ramp.
    pub total_iters: u64,
}

impl Default for LinearLr {
    fn default() -> Self {
        Self {
            start_factor: 1.0 / 3.0,
            end_factor: 1.0,
            total_iters: 5,
        }
    }
}

/// `PolynomialLR(total_iters=5, power=1.0)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolynomialLr {
    /// Steps until lr reaches 0.
    pub total_iters: u64,
    /// Power of the decay.
    pub power: f64,
}

impl Default for PolynomialLr {
    fn default() -> Self {
        Self {
            total_iters: 5,
            power: 1.0,
        }
    }
}

/// How `OneCycleLR` interpolates within a phase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnealStrategy {
    /// Cosine annealing (`'cos'`).
    #[default]
    Cos,
    /// Linear annealing (`'linear'`).
    Linear,
}

/// `OneCycleLR(max_lr, total_steps, pct_start=0.3, anneal_strategy='cos', …)`.
///
/// The optimizer's own `lr` is ignored: the cycle starts at `max_lr/div_factor`.
/// With `cycle_momentum` (torch's default) the momentum (SGD, RMSprop) or β₁
/// (Adam family, Lion) cycles inversely between `max_momentum` and `base_momentum`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneCycleLr {
    /// Peak learning rate (required).
    pub max_lr: f64,
    /// Length of the cycle in steps (required; must cover the run).
    pub total_steps: u64,
    /// Fraction of the cycle spent warming up.
    #[serde(default = "default_pct_start")]
    pub pct_start: f64,
    /// Cosine or linear interpolation.
    #[serde(default)]
    pub anneal_strategy: AnnealStrategy,
    /// Cycle the momentum or β₁ too.
    #[serde(default = "yes")]
    pub cycle_momentum: bool,
    /// Momentum at the lr peak.
    #[serde(default = "default_base_momentum")]
    pub base_momentum: f64,
    /// Momentum at the ends of the cycle.
    #[serde(default = "default_max_momentum")]
    pub max_momentum: f64,
    /// Initial lr = `max_lr / div_factor`.
    #[serde(default = "default_div_factor")]
    pub div_factor: f64,
    /// Final lr = initial lr / `final_div_factor`.
    #[serde(default = "default_final_div_factor")]
    pub final_div_factor: f64,
    /// Use torch's three-phase variant.
    #[serde(default)]
    pub three_phase: bool,
}

/// Whether `ReduceLROnPlateau` looks for a falling or a rising metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlateauMode {
    /// Lower is better (`'min'`).
    #[default]
    Min,
    /// Higher is better (`'max'`).
    Max,
}

/// How `ReduceLROnPlateau` measures a significant improvement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThresholdMode {
    /// Relative to the best value (`'rel'`).
    #[default]
    Rel,
    /// Absolute (`'abs'`).
    Abs,
}

/// `ReduceLROnPlateau(mode='min', factor=0.1, patience=10, threshold=1e-4, …)`,
/// fed with the loss of each step's forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReduceLrOnPlateau {
    /// Min or max.
    pub mode: PlateauMode,
    /// lr multiplier on a plateau.
    pub factor: f64,
    /// Bad steps tolerated before reducing.
    pub patience: u64,
    /// Size of a significant improvement.
    pub threshold: f64,
    /// Relative or absolute threshold.
    pub threshold_mode: ThresholdMode,
    /// Steps to wait after a reduction.
    pub cooldown: u64,
    /// Lower bound on lr.
    pub min_lr: f64,
    /// Reductions smaller than this are skipped.
    pub eps: f64,
}

impl Default for ReduceLrOnPlateau {
    fn default() -> Self {
        Self {
            mode: PlateauMode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lr: 0.0,
            eps: 1e-8,
        }
    }
}

pub(super) fn default_gamma() -> f64 {
    0.1
}
pub(super) fn one_u64() -> u64 {
    1
}
pub(super) fn yes() -> bool {
    true
}
pub(super) fn default_pct_start() -> f64 {
    0.3
}
pub(super) fn default_base_momentum() -> f64 {
    0.85
}
pub(super) fn default_max_momentum() -> f64 {
    0.95
}
pub(super) fn default_div_factor() -> f64 {
    25.0
}
pub(super) fn default_final_div_factor() -> f64 {
    1e4
}

impl CosineAnnealingLr {
    /// Torch's chainable form of one step.
    pub(super) fn next(&self, base_lr: f64, lr: f64, k: u64) -> f64 {
        let t_max = self.t_max as f64;
        let kf = k as f64;
        let t = i128::from(self.t_max);
        if (i128::from(k) - 1 - t).rem_euclid(2 * t) == 0 {
            lr + (base_lr - self.eta_min) * (1.0 - (PI / t_max).cos()) / 2.0
        } else {
            (1.0 + (PI * kf / t_max).cos()) / (1.0 + (PI * (kf - 1.0) / t_max).cos())
                * (lr - self.eta_min)
                + self.eta_min
        }
    }
}

impl OneCycleLr {
    /// Learning rate and momentum at scheduler step `step` (closed form, as torch).
    pub(super) fn at(&self, step: u64) -> (f64, f64) {
        let initial_lr = self.max_lr / self.div_factor;
        let min_lr = initial_lr / self.final_div_factor;
        let total = self.total_steps as f64;
        let (lo_m, hi_m) = (self.base_momentum, self.max_momentum);
        // (end_step, start_lr, end_lr, start_momentum, end_momentum)
        let phases: &[(f64, f64, f64, f64, f64)] = if self.three_phase {
            &[
                (
                    self.pct_start * total - 1.0,
                    initial_lr,
                    self.max_lr,
                    hi_m,
                    lo_m,
                ),
                (
                    2.0 * self.pct_start * total - 2.0,
                    self.max_lr,
                    initial_lr,
                    lo_m,
                    hi_m,
                ),
                (total - 1.0, initial_lr, min_lr, hi_m, hi_m),
            ]
        } else {
            &[
                (
                    self.pct_start * total - 1.0,
                    initial_lr,
                    self.max_lr,
                    hi_m,
                    lo_m,
                ),
                (total - 1.0, self.max_lr, min_lr, lo_m, hi_m),
            ]
        };
        let step = step as f64;
        let mut start_step = 0.0;
        for (i, &(end_step, lr0, lr1, m0, m1)) in phases.iter().enumerate() {
            if step <= end_step || i + 1 == phases.len() {
                let pct = (step - start_step) / (end_step - start_step);
                return (self.anneal(lr0, lr1, pct), self.anneal(m0, m1, pct));
            }
            start_step = end_step;
        }
        (min_lr, hi_m)
    }

    fn anneal(&self, start: f64, end: f64, pct: f64) -> f64 {
        match self.anneal_strategy {
            AnnealStrategy::Cos => end + (start - end) / 2.0 * ((PI * pct).cos() + 1.0),
            AnnealStrategy::Linear => (end - start) * pct + start,
        }
    }
}

impl ReduceLrOnPlateau {
    fn is_better(&self, current: f64, best: f64) -> bool {
        match (self.mode, self.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => current < best * (1.0 - self.threshold),
            (PlateauMode::Min, ThresholdMode::Abs) => current < best - self.threshold,
            (PlateauMode::Max, ThresholdMode::Rel) => current > best * (self.threshold + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => current > best + self.threshold,
        }
    }

    pub(super) fn observe(&self, state: &mut ScheduleState, metric: f64) {
        let (mut best, mut bad, mut cooldown) = state.plateau;
        if self.is_better(metric, best) {
            best = metric;
            bad = 0;
        } else {
            bad += 1;
        }
        if cooldown > 0 {
            cooldown -= 1;
            bad = 0;
        }
        if bad > self.patience {
            let old = state.lr;
            let new = (old * self.factor).max(self.min_lr);
            if old - new > self.eps {
                state.lr = new;
            }
            cooldown = self.cooldown;
            bad = 0;
        }
        state.plateau = (best, bad, cooldown);
    }
}
