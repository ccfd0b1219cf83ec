//! Hyperparameters as typed names in torch's spelling (each one's slider
//! range and scale are in `param_ranges.rs`). Every optimizer and schedule has one table (in
//! `param_tables.rs`) that both lists and sets its values, so a name it
//! does not have is an error, never a silent no-op.

use std::fmt;
use std::str::FromStr;

/// How a slider maps to the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Logarithmic (lr, eps).
    Log,
    /// Linear (betas, momentum, …).
    Linear,
    /// Whole numbers (step counts).
    Integer,
    /// One of these names, held as its index (a menu, never swept).
    Choice(&'static [&'static str]),
}

/// A hyperparameter's current value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A number.
    Real(f64),
    /// A flag.
    Flag(bool),
}

impl Value {
    fn kind(self) -> &'static str {
        match self {
            Self::Real(_) => "a number",
            Self::Flag(_) => "a flag",
        }
    }
}

/// Declares a parameter-name enum with torch's spelling of each variant.
macro_rules! names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $torch:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every name, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// Torch's name, as in presets and on the command line.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $torch,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|p| p.name() == s)
                    .ok_or_else(|| UnknownName {
                        name: s.to_owned(),
                        known: Self::ALL.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

names! {
    /// An optimizer hyperparameter (`betas` appears as `beta1` and `beta2`).
    Param {
        /// Learning rate.
        Lr = "lr",
        /// Momentum factor (SGD, RMSprop).
        Momentum = "momentum",
        /// Dampening of SGD's momentum.
        Dampening = "dampening",
        /// Weight decay (L2 or decoupled, as the optimizer defines it).
        WeightDecay = "weight_decay",
        /// Nesterov momentum (SGD).
        Nesterov = "nesterov",
        /// Ascend instead of descend.
        Maximize = "maximize",
        /// Adagrad's lr decay.
        LrDecay = "lr_decay",
        /// Adagrad's starting accumulator.
        InitialAccumulatorValue = "initial_accumulator_value",
        /// The term that keeps a division finite.
        Eps = "eps",
        /// RMSprop's smoothing constant.
        Alpha = "alpha",
        /// RMSprop divides by the centred second moment.
        Centered = "centered",
        /// Decay of the first moment.
        Beta1 = "beta1",
        /// Decay of the second moment.
        Beta2 = "beta2",
        /// Adam's running maximum of the second moment.
        Amsgrad = "amsgrad",
        /// AdamW-style weight decay (Adam, NAdam).
        DecoupledWeightDecay = "decoupled_weight_decay",
        /// NAdam's momentum decay.
        MomentumDecay = "momentum_decay",
        /// Adadelta's decay.
        Rho = "rho",
        /// Rprop's step-size factor on a sign flip (`etas[0]`).
        Etaminus = "etaminus",
        /// Rprop's step-size factor on a repeated sign (`etas[1]`).
        Etaplus = "etaplus",
        /// Rprop's smallest step size (`step_sizes[0]`).
        StepSizeMin = "step_size_min",
        /// Rprop's largest step size (`step_sizes[1]`).
        StepSizeMax = "step_size_max",
        /// ASGD's decay term.
        Lambd = "lambd",
        /// ASGD's step at which averaging starts.
        T0 = "t0",
        /// Adafactor's exponent of 1 − β₂.
        Beta2Decay = "beta2_decay",
        /// Adafactor's floor of the second moment (`eps[0]`).
        Eps1 = "eps1",
        /// Adafactor's floor of RMS(θ) (`eps[1]`).
        Eps2 = "eps2",
        /// Adafactor's clipping threshold.
        D = "d",
        /// Prodigy's decay of r and s.
        Beta3 = "beta3",
        /// Prodigy's decoupled weight decay.
        Decouple = "decouple",
        /// Prodigy scales its step by Adam's bias corrections.
        UseBiasCorrection = "use_bias_correction",
        /// Prodigy leaves lr out of s.
        SafeguardWarmup = "safeguard_warmup",
        /// Prodigy's first step-size estimate.
        D0 = "d0",
        /// Prodigy's multiplier of the estimate.
        DCoef = "d_coef",
        /// Prodigy's largest growth of d per step.
        GrowthRate = "growth_rate",
        /// Schedule-Free's built-in linear warm-up, in steps.
        WarmupSteps = "warmup_steps",
        /// Schedule-Free's power of the step in its averaging weights.
        R = "r",
        /// Schedule-Free's power of the largest lr in its averaging weights.
        WeightLrPower = "weight_lr_power",
        /// ADOPT clips its normalised gradient to ±t to this power (∞: no clipping).
        ClipLambda = "clip_lambda",
        /// `pytorch_optimizer`'s decoupled weight decay.
        WeightDecouple = "weight_decouple",
        /// Decoupled weight decay without the lr factor.
        FixedDecay = "fixed_decay",
        /// `RAdam`'s rectification inside another optimizer.
        Rectify = "rectify",
        /// The ρₜ below which a rectified step is not adaptive.
        NSmaThreshold = "n_sma_threshold",
        /// Below the threshold take an SGD step instead of none.
        DegeneratedToSgd = "degenerated_to_sgd",
        /// Divide by the running maximum of the second moment.
        AmsBound = "ams_bound",
        /// What the moments start from.
        InitialAccumulator = "initial_accumulator",
        /// `AdEMAMix`'s warm-up of α and β₃, in steps (0: none).
        TAlphaBeta3 = "t_alpha_beta3",
        /// LAMB's averaging of the gradient into m.
        GradAveraging = "grad_averaging",
        /// LAMB without its trust ratio.
        AdamMode = "adam",
        /// L-BFGS's inner iterations per step.
        MaxIter = "max_iter",
        /// L-BFGS's evaluations per step.
        MaxEval = "max_eval",
        /// L-BFGS stops when ‖g‖∞ falls to this.
        ToleranceGrad = "tolerance_grad",
        /// L-BFGS stops when a step or the loss changes less than this.
        ToleranceChange = "tolerance_change",
        /// L-BFGS's pairs (s, y) kept.
        HistorySize = "history_size",
        /// L-BFGS's strong-Wolfe line search (on) or fixed step lr (off).
        LineSearchFn = "line_search_fn",
        /// Muon's Newton–Schulz coefficient a (`ns_coefficients[0]`).
        NsA = "ns_a",
        /// Muon's Newton–Schulz coefficient b (`ns_coefficients[1]`).
        NsB = "ns_b",
        /// Muon's Newton–Schulz coefficient c (`ns_coefficients[2]`).
        NsC = "ns_c",
        /// Muon's Newton–Schulz iterations.
        NsSteps = "ns_steps",
        /// Muon's lr scaling by the matrix's shape.
        AdjustLrFn = "adjust_lr_fn",
        /// MARS's strength of the gradient correction.
        Gamma = "gamma",
        /// MARS's rule on matrices: AdamW or Lion.
        MarsType = "mars_type",
        /// MARS treats vectors as matrices.
        Optimize1d = "optimize_1d",
        /// MARS's lr of the other tensors.
        Lr1d = "lr_1d",
        /// MARS's β₁ of the other tensors (`betas_1d[0]`).
        Beta11d = "beta1_1d",
        /// MARS's β₂ of the other tensors (`betas_1d[1]`).
        Beta21d = "beta2_1d",
        /// MARS's weight decay of the other tensors.
        WeightDecay1d = "weight_decay_1d",
        /// Zero the update where it disagrees in sign with the gradient.
        Cautious = "cautious",
        /// SOAP's decay of its preconditioner statistics (unset: β₂).
        ShampooBeta = "shampoo_beta",
        /// SOAP's steps between refreshes of its eigenbasis.
        PreconditionFrequency = "precondition_frequency",
        /// SOAP rotates only axes of at most this many entries.
        MaxPreconditionDim = "max_precondition_dim",
        /// SOAP rotates vectors too.
        Precondition1d = "precondition_1d",
        /// SOAP's bias correction of its step size.
        CorrectBias = "correct_bias",
        /// SOAP divides its update by the update's RMS.
        NormalizeGradient = "normalize_gradient",
        /// Convention flag: Muon's Newton–Schulz in exact f64 (torch: bfloat16).
        NewtonSchulzF64 = "newton_schulz_f64",
        /// Convention flag: ε inside the square root (optax).
        EpsInSqrt = "eps_in_sqrt",
        /// Convention flag: lr inside the momentum buffer (textbook).
        LrInsideMomentum = "lr_inside_momentum",
        /// Convention flag: Nesterov's gradient at the look-ahead point.
        LookAhead = "look_ahead",
    }
}

names! {
    /// A learning-rate schedule's parameter.
    ScheduleParam {
        /// Multiplier (ConstantLR, ReduceLROnPlateau).
        Factor = "factor",
        /// Steps the schedule lasts.
        TotalIters = "total_iters",
        /// Steps between StepLR's decays.
        StepSize = "step_size",
        /// Decay factor γ.
        Gamma = "gamma",
        /// Cosine half-period.
        TMax = "t_max",
        /// Lowest lr of the cosine schedules.
        EtaMin = "eta_min",
        /// First cycle of warm restarts.
        T0 = "t_0",
        /// Cycle length multiplier.
        TMult = "t_mult",
        /// LinearLR's first factor.
        StartFactor = "start_factor",
        /// LinearLR's last factor.
        EndFactor = "end_factor",
        /// PolynomialLR's power.
        Power = "power",
        /// OneCycleLR's peak.
        MaxLr = "max_lr",
        /// OneCycleLR's length.
        TotalSteps = "total_steps",
        /// OneCycleLR's share of warm-up.
        PctStart = "pct_start",
        /// OneCycleLR anneals linearly instead of by cosine.
        LinearAnneal = "linear_anneal",
        /// OneCycleLR cycles the momentum against the lr.
        CycleMomentum = "cycle_momentum",
        /// OneCycleLR's three phases.
        ThreePhase = "three_phase",
        /// OneCycleLR: `max_lr` / initial lr.
        DivFactor = "div_factor",
        /// OneCycleLR: initial lr / final lr.
        FinalDivFactor = "final_div_factor",
        /// ReduceLROnPlateau: steps without improvement.
        Patience = "patience",
        /// ReduceLROnPlateau: what counts as improvement.
        Threshold = "threshold",
        /// ReduceLROnPlateau: steps to wait after a reduction.
        Cooldown = "cooldown",
        /// ReduceLROnPlateau: the lowest lr.
        MinLr = "min_lr",
    }
}

/// A name that is not a hyperparameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a hyperparameter; the names are {known}")]
pub struct UnknownName {
    /// What was given.
    pub name: String,
    /// Every name of that kind.
    pub known: String,
}

/// A value that cannot be set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// The optimizer or schedule has no such parameter.
    #[error("{owner} has no hyperparameter `{name}`; it has {known}")]
    Missing {
        /// The optimizer or schedule.
        owner: &'static str,
        /// The parameter asked for.
        name: &'static str,
        /// What it has.
        known: String,
    },
    /// A flag given for a number, or the reverse.
    #[error("{owner}'s `{name}` takes {wanted}, not {given}")]
    WrongType {
        /// The optimizer or schedule.
        owner: &'static str,
        /// The parameter.
        name: &'static str,
        /// "a number" or "a flag".
        wanted: &'static str,
        /// What was given.
        given: &'static str,
    },
}

/// One hyperparameter of a config, as listings and sliders need it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setting<P> {
    /// Which.
    pub param: P,
    /// Current value.
    pub value: Value,
    /// Slider range (ignored for flags).
    pub range: (f64, f64),
    /// Slider mapping.
    pub scale: Scale,
}

impl<P: Copy + Into<&'static str>> Setting<P> {
    /// Torch's name.
    pub fn name(&self) -> &'static str {
        self.param.into()
    }
}

/// One row of a config's table: the parameter, its slider, and how to read
/// and write it.
#[derive(Clone, Copy)]
pub(super) struct Slot<C, P> {
    pub param: P,
    pub range: (f64, f64),
    pub scale: Scale,
    pub get: fn(&C) -> Value,
    /// Writes the value; false if it is of the wrong kind.
    pub set: fn(&mut C, Value) -> bool,
}

/// Reads every row of `table` from `config`.
pub(super) fn list<C, P: Copy>(config: &C, table: &[Slot<C, P>]) -> Vec<Setting<P>> {
    table
        .iter()
        .map(|s| Setting {
            param: s.param,
            value: (s.get)(config),
            range: s.range,
            scale: s.scale,
        })
        .collect()
}

/// The value of `param` in `config`, if its table has it.
pub(super) fn read<C, P: Copy + PartialEq>(
    config: &C,
    table: &[Slot<C, P>],
    param: P,
) -> Option<Value> {
    table
        .iter()
        .find(|s| s.param == param)
        .map(|s| (s.get)(config))
}

/// Writes `value` into `param` of `config`, or says why it cannot.
pub(super) fn write<C, P>(
    config: &mut C,
    table: &[Slot<C, P>],
    owner: &'static str,
    param: P,
    value: Value,
) -> Result<(), ParamError>
where
    P: Copy + PartialEq + Into<&'static str>,
{
    let Some(slot) = table.iter().find(|s| s.param == param) else {
        return Err(ParamError::Missing {
            owner,
            name: param.into(),
            known: table
                .iter()
                .map(|s| s.param.into())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    if (slot.set)(config, value) {
        Ok(())
    } else {
        Err(ParamError::WrongType {
            owner,
            name: param.into(),
            wanted: (slot.get)(config).kind(),
            given: value.kind(),
        })
    }
}

impl From<Param> for &'static str {
    fn from(p: Param) -> Self {
        p.name()
    }
}

impl From<ScheduleParam> for &'static str {
    fn from(p: ScheduleParam) -> Self {
        p.name()
    }
}
