//! Learning-rate schedules with `torch.optim.lr_scheduler` names and semantics.
//!
//! A schedule is stepped once after every optimizer step, as torch users do.
//! Where torch's scheduler is recursive (chainable) rather than closed-form, the
//! recursion is reproduced, so the values match torch to the last bit or close.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

mod kinds;

pub use kinds::{
    AnnealStrategy, ConstantLr, CosineAnnealingLr, CosineAnnealingWarmRestarts, ExponentialLr,
    LinearLr, MultiStepLr, OneCycleLr, PlateauMode, PolynomialLr, ReduceLrOnPlateau, StepLr,
    ThresholdMode,
};
use kinds::{
    default_base_momentum, default_div_factor, default_final_div_factor, default_max_momentum,
    default_pct_start,
};

use crate::support::validate::Checker;

/// A learning-rate schedule, as written in a preset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Schedule {
    /// No scheduler: lr stays at the optimizer's `lr`.
    #[default]
    Constant,
    /// `ConstantLR`: lr·factor until `total_iters`, then lr.
    ConstantLR(ConstantLr),
    /// `StepLR`: lr·γ every `step_size` steps.
    StepLR(StepLr),
    /// `MultiStepLR`: lr·γ at each milestone.
    MultiStepLR(MultiStepLr),
    /// `ExponentialLR`: lr·γ every step.
    ExponentialLR(ExponentialLr),
    /// `CosineAnnealingLR`: half a cosine from lr to `eta_min` over `t_max` steps.
    CosineAnnealingLR(CosineAnnealingLr),
    /// `CosineAnnealingWarmRestarts` (SGDR).
    CosineAnnealingWarmRestarts(CosineAnnealingWarmRestarts),
    /// `LinearLR`: linear warm-up (or decay) of the factor.
    LinearLR(LinearLr),
    /// `PolynomialLR`: polynomial decay to 0 over `total_iters`.
    PolynomialLR(PolynomialLr),
    /// `OneCycleLR`: warm up to `max_lr`, then anneal far below the start.
    OneCycleLR(OneCycleLr),
    /// `ReduceLROnPlateau`: lr·factor when the loss stops improving.
    ReduceLROnPlateau(ReduceLrOnPlateau),
}

/// The running state of a schedule: torch's `group["lr"]`, `last_epoch` and
/// the scheduler's own counters.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleState {
    base_lr: f64,
    lr: f64,
    momentum: Option<f64>,
    last_epoch: u64,
    /// `T_cur` and `T_i` of the warm-restart schedule.
    cycle: (u64, u64),
    /// `best`, `num_bad_epochs` and `cooldown_counter` of the plateau schedule.
    plateau: (f64, u64, u64),
}

impl ScheduleState {
    /// The learning rate for the next optimizer step.
    #[inline]
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// The momentum (or β₁) that a cycling schedule imposes, if any.
    #[inline]
    pub fn momentum(&self) -> Option<f64> {
        self.momentum
    }

    /// Scheduler steps taken (torch's `last_epoch`).
    pub fn last_epoch(&self) -> u64 {
        self.last_epoch
    }
}

impl Schedule {
    /// Every schedule with example arguments, for listings.
    pub fn catalogue() -> Vec<Self> {
        vec![
            Self::Constant,
            Self::ConstantLR(ConstantLr::default()),
            Self::StepLR(StepLr {
                step_size: 100,
                gamma: 0.1,
            }),
            Self::MultiStepLR(MultiStepLr {
                milestones: vec![100, 300],
                gamma: 0.1,
            }),
            Self::ExponentialLR(ExponentialLr { gamma: 0.99 }),
            Self::CosineAnnealingLR(CosineAnnealingLr {
                t_max: 500,
                eta_min: 0.0,
            }),
            Self::CosineAnnealingWarmRestarts(CosineAnnealingWarmRestarts {
                t_0: 100,
                t_mult: 1,
                eta_min: 0.0,
            }),
            Self::LinearLR(LinearLr::default()),
            Self::PolynomialLR(PolynomialLr::default()),
            Self::OneCycleLR(OneCycleLr {
                max_lr: 0.01,
                total_steps: 500,
                pct_start: default_pct_start(),
                anneal_strategy: AnnealStrategy::Cos,
                cycle_momentum: true,
                base_momentum: default_base_momentum(),
                max_momentum: default_max_momentum(),
                div_factor: default_div_factor(),
                final_div_factor: default_final_div_factor(),
                three_phase: false,
            }),
            Self::ReduceLROnPlateau(ReduceLrOnPlateau::default()),
        ]
    }

    /// Torch's class name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Constant => "Constant",
            Self::ConstantLR(_) => "ConstantLR",
            Self::StepLR(_) => "StepLR",
            Self::MultiStepLR(_) => "MultiStepLR",
            Self::ExponentialLR(_) => "ExponentialLR",
            Self::CosineAnnealingLR(_) => "CosineAnnealingLR",
            Self::CosineAnnealingWarmRestarts(_) => "CosineAnnealingWarmRestarts",
            Self::LinearLR(_) => "LinearLR",
            Self::PolynomialLR(_) => "PolynomialLR",
            Self::OneCycleLR(_) => "OneCycleLR",
            Self::ReduceLROnPlateau(_) => "ReduceLROnPlateau",
        }
    }

    /// Range checks with torch's own constraints.
    pub(crate) fn check(&self, c: &mut Checker) {
        match self {
            Self::Constant => {}
            Self::ConstantLR(s) => {
                if c.finite("factor", s.factor) && !(s.factor > 0.0 && s.factor <= 1.0) {
                    c.fail("factor", format!("must be in (0, 1], got {}", s.factor));
                }
            }
            Self::StepLR(s) => {
                c.at_least_one("step_size", s.step_size);
                c.positive("gamma", s.gamma);
            }
            Self::MultiStepLR(s) => c.positive("gamma", s.gamma),
            Self::ExponentialLR(s) => c.positive("gamma", s.gamma),
            Self::CosineAnnealingLR(s) => {
                c.at_least_one("t_max", s.t_max);
                c.non_negative("eta_min", s.eta_min);
            }
            Self::CosineAnnealingWarmRestarts(s) => {
                c.at_least_one("t_0", s.t_0);
                c.at_least_one("t_mult", s.t_mult);
                c.non_negative("eta_min", s.eta_min);
            }
            Self::LinearLR(s) => {
                if c.finite("start_factor", s.start_factor)
                    && !(s.start_factor > 0.0 && s.start_factor <= 1.0)
                {
                    c.fail(
                        "start_factor",
                        format!("must be in (0, 1], got {}", s.start_factor),
                    );
                }
                c.closed_unit_interval("end_factor", s.end_factor);
                c.at_least_one("total_iters", s.total_iters);
            }
            Self::PolynomialLR(s) => {
                c.at_least_one("total_iters", s.total_iters);
                c.non_negative("power", s.power);
            }
            Self::OneCycleLR(s) => {
                c.positive("max_lr", s.max_lr);
                c.at_least_one("total_steps", s.total_steps);
                if c.finite("pct_start", s.pct_start) && !(0.0..=1.0).contains(&s.pct_start) {
                    c.fail(
                        "pct_start",
                        format!("must be in [0, 1], got {}", s.pct_start),
                    );
                }
                c.positive("div_factor", s.div_factor);
                c.positive("final_div_factor", s.final_div_factor);
                c.closed_unit_interval("base_momentum", s.base_momentum);
                c.closed_unit_interval("max_momentum", s.max_momentum);
            }
            Self::ReduceLROnPlateau(s) => {
                if c.finite("factor", s.factor) && !(s.factor < 1.0 && s.factor >= 0.0) {
                    c.fail("factor", format!("must be in [0, 1), got {}", s.factor));
                }
                c.non_negative("threshold", s.threshold);
                c.non_negative("min_lr", s.min_lr);
                c.non_negative("eps", s.eps);
            }
        }
    }

    /// The state right after torch constructs the scheduler (`last_epoch = 0`).
    pub fn start(&self, base_lr: f64) -> ScheduleState {
        let mut state = ScheduleState {
            base_lr,
            lr: base_lr,
            momentum: None,
            last_epoch: 0,
            cycle: (0, 0),
            plateau: (f64::INFINITY, 0, 0),
        };
        match self {
            Self::ConstantLR(s) => state.lr = base_lr * s.factor,
            Self::LinearLR(s) => state.lr = base_lr * s.start_factor,
            Self::CosineAnnealingWarmRestarts(s) => {
                state.cycle = (0, s.t_0);
                state.lr = s.eta_min + (base_lr - s.eta_min) * (1.0 + (PI * 0.0).cos()) / 2.0;
            }
            Self::OneCycleLR(s) => {
                let (lr, momentum) = s.at(0);
                state.lr = lr;
                state.momentum = s.cycle_momentum.then_some(momentum);
            }
            Self::ReduceLROnPlateau(s) => {
                state.plateau.0 = match s.mode {
                    PlateauMode::Min => f64::INFINITY,
                    PlateauMode::Max => f64::NEG_INFINITY,
                };
            }
            _ => {}
        }
        state
    }

    /// `scheduler.step()` after an optimizer step. `metric` is the loss of that
    /// step's forward pass; only `ReduceLROnPlateau` reads it.
    #[inline]
    pub fn advance(&self, state: &mut ScheduleState, metric: f64) {
        if let Self::Constant = self {
            state.last_epoch += 1;
        } else {
            self.advance_scheduled(state, metric);
        }
    }

    fn advance_scheduled(&self, state: &mut ScheduleState, metric: f64) {
        state.last_epoch += 1;
        let k = state.last_epoch;
        let lr = state.lr;
        match self {
            Self::Constant => {}
            Self::ConstantLR(s) => {
                if k == s.total_iters {
                    state.lr = lr * (1.0 / s.factor);
                }
            }
            Self::StepLR(s) => {
                if k.is_multiple_of(s.step_size) {
                    state.lr = lr * s.gamma;
                }
            }
            Self::MultiStepLR(s) => {
                let hits = s.milestones.iter().filter(|&&m| m == k).count();
                if hits > 0 {
                    state.lr = lr * s.gamma.powf(hits as f64);
                }
            }
            Self::ExponentialLR(s) => state.lr = lr * s.gamma,
            Self::CosineAnnealingLR(s) => state.lr = s.next(state.base_lr, lr, k),
            Self::CosineAnnealingWarmRestarts(s) => {
                let (mut t_cur, mut t_i) = state.cycle;
                t_cur += 1;
                if t_cur >= t_i {
                    t_cur -= t_i;
                    t_i *= s.t_mult;
                }
                state.cycle = (t_cur, t_i);
                state.lr = s.eta_min
                    + (state.base_lr - s.eta_min) * (1.0 + (PI * t_cur as f64 / t_i as f64).cos())
                        / 2.0;
            }
            Self::LinearLR(s) => {
                if k <= s.total_iters {
                    let delta = s.end_factor - s.start_factor;
                    let denom = s.total_iters as f64 * s.start_factor + (k as f64 - 1.0) * delta;
                    state.lr = lr * (1.0 + delta / denom);
                }
            }
            Self::PolynomialLR(s) => {
                if k <= s.total_iters {
                    let n = s.total_iters as f64;
                    let kf = k as f64;
                    let factor = ((1.0 - kf / n) / (1.0 - (kf - 1.0) / n)).powf(s.power);
                    state.lr = lr * factor;
                }
            }
            Self::OneCycleLR(s) => {
                let (lr, momentum) = s.at(k.min(s.total_steps));
                state.lr = lr;
                state.momentum = s.cycle_momentum.then_some(momentum);
            }
            Self::ReduceLROnPlateau(s) => s.observe(state, metric),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lrs(schedule: &Schedule, base: f64, n: usize) -> Vec<f64> {
        let mut s = schedule.start(base);
        let mut out = vec![s.lr()];
        for _ in 1..n {
            schedule.advance(&mut s, 1.0);
            out.push(s.lr());
        }
        out
    }

    #[test]
    fn step_lr_decays_every_step_size() {
        let v = lrs(
            &Schedule::StepLR(StepLr {
                step_size: 2,
                gamma: 0.5,
            }),
            1.0,
            6,
        );
        assert_eq!(v, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]);
    }

    #[test]
    fn multistep_applies_repeated_milestones_twice() {
        let v = lrs(
            &Schedule::MultiStepLR(MultiStepLr {
                milestones: vec![1, 3, 3],
                gamma: 0.5,
            }),
            1.0,
            5,
        );
        assert_eq!(v, [1.0, 0.5, 0.5, 0.125, 0.125]);
    }

    #[test]
    fn linear_warmup_reaches_the_end_factor() {
        let v = lrs(&Schedule::LinearLR(LinearLr::default()), 0.3, 8);
        assert!((v[0] - 0.1).abs() < 1e-15);
        assert!((v[5] - 0.3).abs() < 1e-15);
        assert_eq!(v[6], v[5]);
    }

    #[test]
    fn cosine_reaches_eta_min_at_t_max() {
        let v = lrs(
            &Schedule::CosineAnnealingLR(CosineAnnealingLr {
                t_max: 10,
                eta_min: 0.01,
            }),
            1.0,
            21,
        );
        assert!((v[10] - 0.01).abs() < 1e-12);
        assert!(
            (v[20] - 1.0).abs() < 1e-9,
            "second half climbs back: {}",
            v[20]
        );
    }

    #[test]
    fn warm_restarts_restart_and_stretch() {
        let v = lrs(
            &Schedule::CosineAnnealingWarmRestarts(CosineAnnealingWarmRestarts {
                t_0: 2,
                t_mult: 2,
                eta_min: 0.0,
            }),
            1.0,
            8,
        );
        // Cycles of length 2, then 4: restarts at steps 2 and 6.
        assert_eq!(v[0], 1.0);
        assert_eq!(v[2], 1.0);
        assert_eq!(v[6], 1.0);
        assert!((v[4] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn one_cycle_peaks_at_pct_start() {
        let sched = Schedule::OneCycleLR(OneCycleLr {
            max_lr: 1.0,
            total_steps: 100,
            ..match Schedule::catalogue()[9] {
                Schedule::OneCycleLR(s) => s,
                _ => unreachable!(),
            }
        });
        let v = lrs(&sched, 123.0, 100);
        assert!((v[0] - 1.0 / 25.0).abs() < 1e-15);
        assert!((v[29] - 1.0).abs() < 1e-15);
        assert!((v[99] - 1.0 / 25.0 / 1e4).abs() < 1e-15);
    }

    #[test]
    fn plateau_reduces_after_patience_bad_steps() {
        let sched = Schedule::ReduceLROnPlateau(ReduceLrOnPlateau {
            patience: 2,
            ..ReduceLrOnPlateau::default()
        });
        let mut s = sched.start(1.0);
        for metric in [5.0, 5.0, 5.0] {
            sched.advance(&mut s, metric);
        }
        assert_eq!(s.lr(), 1.0);
        sched.advance(&mut s, 5.0);
        assert!((s.lr() - 0.1).abs() < 1e-15);
    }

    #[test]
    fn polynomial_decays_to_zero() {
        let v = lrs(
            &Schedule::PolynomialLR(PolynomialLr {
                total_iters: 4,
                power: 1.0,
            }),
            1.0,
            6,
        );
        assert!((v[2] - 0.5).abs() < 1e-15);
        assert_eq!(v[4], 0.0);
        assert_eq!(v[5], 0.0);
    }
}
