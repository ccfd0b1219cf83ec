//! The research optimizers' tables of hyperparameters (Prodigy, Schedule-Free,
//! and pytorch-optimizer's).

use super::super::params::{Param, Scale, Slot, Value};
use super::super::{
    AdEMAMix, AdaBelief, Adan, Adopt, Custom, Lamb, Madgrad, Mars, MarsType, Prodigy,
    ScheduleFreeAdamW, ScheduleFreeSgd, Soap, Yogi,
};

pub(super) static PRODIGY: [Slot<Prodigy, Param>; 12] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    optional!(Beta3, beta3, beta3),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    flag!(Decouple, decouple),
    flag!(UseBiasCorrection, use_bias_correction),
    flag!(SafeguardWarmup, safeguard_warmup),
    real!(D0, d0),
    real!(DCoef, d_coef),
    real!(GrowthRate, growth_rate),
];

/// A whole-number optimizer parameter stored as `u64`.
pub(super) static SCHEDULE_FREE_ADAMW: [Slot<ScheduleFreeAdamW, Param>; 8] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Eps, eps),
    real!(WeightDecay, weight_decay),
    count!(WarmupSteps, warmup_steps),
    real!(R, r),
    real!(WeightLrPower, weight_lr_power),
];

pub(super) static SCHEDULE_FREE_SGD: [Slot<ScheduleFreeSgd, Param>; 6] = [
    real!(Lr, lr),
    number!(Param::Momentum, (0.01, 0.99), Scale::Linear, momentum),
    real!(WeightDecay, weight_decay),
    count!(WarmupSteps, warmup_steps),
    real!(R, r),
    real!(WeightLrPower, weight_lr_power),
];

pub(super) static ADOPT: [Slot<Adopt, Param>; 9] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    Slot {
        param: Param::ClipLambda,
        range: Param::ClipLambda.range(),
        scale: Param::ClipLambda.scale(),
        get: |c| Value::Real(c.clip_lambda.unwrap_or(f64::INFINITY)),
        set: |c, v| match v {
            Value::Real(x) => {
                c.clip_lambda = (x != f64::INFINITY).then_some(x);
                true
            }
            Value::Flag(_) => false,
        },
    },
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    flag!(FixedDecay, fixed_decay),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static ADABELIEF: [Slot<AdaBelief, Param>; 12] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    flag!(FixedDecay, fixed_decay),
    flag!(Rectify, rectify),
    count!(NSmaThreshold, n_sma_threshold),
    flag!(DegeneratedToSgd, degenerated_to_sgd),
    flag!(AmsBound, ams_bound),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static YOGI: [Slot<Yogi, Param>; 9] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(InitialAccumulator, initial_accumulator),
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    flag!(FixedDecay, fixed_decay),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static MADGRAD: [Slot<Madgrad, Param>; 6] = [
    real!(Lr, lr),
    real!(Momentum, momentum),
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static ADAN: [Slot<Adan, Param>; 8] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Beta3, betas.2),
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static ADEMAMIX: [Slot<AdEMAMix, Param>; 11] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Beta3, betas.2),
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    flag!(FixedDecay, fixed_decay),
    number!(Param::Alpha, (0.0, 20.0), Scale::Linear, alpha),
    Slot {
        param: Param::TAlphaBeta3,
        range: Param::TAlphaBeta3.range(),
        scale: Param::TAlphaBeta3.scale(),
        get: |c| Value::Real(c.t_alpha_beta3.unwrap_or(0.0)),
        set: |c, v| match v {
            Value::Real(x) => {
                c.t_alpha_beta3 = (x > 0.0).then_some(x);
                true
            }
            Value::Flag(_) => false,
        },
    },
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static LAMB: [Slot<Lamb, Param>; 13] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(WeightDecay, weight_decay),
    flag!(WeightDecouple, weight_decouple),
    flag!(FixedDecay, fixed_decay),
    flag!(Rectify, rectify),
    flag!(DegeneratedToSgd, degenerated_to_sgd),
    count!(NSmaThreshold, n_sma_threshold),
    flag!(GradAveraging, grad_averaging),
    flag!(AdamMode, adam),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static MARS: [Slot<Mars, Param>; 17] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    real!(Gamma, gamma),
    Slot {
        param: Param::MarsType,
        range: Param::MarsType.range(),
        scale: Param::MarsType.scale(),
        get: |c| {
            Value::Real(if c.mars_type == MarsType::Lion {
                1.0
            } else {
                0.0
            })
        },
        set: |c, v| match v {
            Value::Real(x) if x == 0.0 || x == 1.0 => {
                c.mars_type = if x == 1.0 {
                    MarsType::Lion
                } else {
                    MarsType::Adamw
                };
                true
            }
            _ => false,
        },
    },
    flag!(Optimize1d, optimize_1d),
    real!(Lr1d, lr_1d),
    real!(Beta11d, betas_1d.0),
    real!(Beta21d, betas_1d.1),
    real!(WeightDecay, weight_decay),
    real!(WeightDecay1d, weight_decay_1d),
    flag!(WeightDecouple, weight_decouple),
    flag!(FixedDecay, fixed_decay),
    flag!(AmsBound, ams_bound),
    flag!(Cautious, cautious),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

pub(super) static SOAP: [Slot<Soap, Param>; 12] = [
    real!(Lr, lr),
    real!(Beta1, betas.0),
    real!(Beta2, betas.1),
    optional!(ShampooBeta, shampoo_beta, shampoo_beta),
    real!(WeightDecay, weight_decay),
    count!(PreconditionFrequency, precondition_frequency),
    count!(MaxPreconditionDim, max_precondition_dim),
    flag!(Precondition1d, precondition_1d),
    flag!(CorrectBias, correct_bias),
    flag!(NormalizeGradient, normalize_gradient),
    real!(Eps, eps),
    flag!(Maximize, maximize),
];

/// A typed rule's lr; its own hyperparameters have their own editor.
pub(super) static CUSTOM: [Slot<Custom, Param>; 1] = [real!(Lr, lr)];
