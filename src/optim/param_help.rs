//! One line of help per optimizer hyperparameter, for the sliders' tooltips.

use super::params::Param;

impl Param {
    /// What the parameter does, in a line.
    #[expect(clippy::too_many_lines, reason = "one line of text per parameter")]
    pub const fn help(self) -> &'static str {
        match self {
            Self::Lr => "step size: how far each update moves θ",
            Self::Momentum => "how much of the previous update carries into the next",
            Self::Dampening => {
                "how much of each new gradient is held back from the momentum buffer"
            }
            Self::WeightDecay => "pull of every weight towards zero",
            Self::Nesterov => "take the momentum step first and correct with the gradient there",
            Self::Maximize => "climb the loss instead of descending it",
            Self::LrDecay => "lr shrinks as lr/(1 + (t − 1)·lr_decay)",
            Self::InitialAccumulatorValue => "what the sum of squared gradients starts from",
            Self::Eps => "keeps the division finite where the gradients are tiny",
            Self::Alpha => {
                "RMSprop: smoothing of the mean of squared gradients; ASGD: power of the step-size decay"
            }
            Self::Centered => "divide by the variance of the gradient instead of its second moment",
            Self::Beta1 => "decay of the running mean of gradients",
            Self::Beta2 => "decay of the running mean of squared gradients",
            Self::Amsgrad | Self::AmsBound => "divide by the largest second moment seen so far",
            Self::DecoupledWeightDecay | Self::Decouple => {
                "decay the weights directly, as AdamW, not through the gradient"
            }
            Self::MomentumDecay => "how fast NAdam's momentum schedule warms up",
            Self::Rho => "decay of the running means of squared gradients and updates",
            Self::Etaminus => {
                "Rprop shrinks a coordinate's step by this when its gradient flips sign"
            }
            Self::Etaplus => {
                "Rprop grows a coordinate's step by this while its gradient keeps its sign"
            }
            Self::StepSizeMin => "the smallest step Rprop takes",
            Self::StepSizeMax => "the largest step Rprop takes",
            Self::Lambd => "ASGD's decay: the step size falls as lr/(1 + lambd·lr·t)^alpha",
            Self::T0 => "ASGD starts averaging its iterates after this many steps",
            Self::Beta2Decay => {
                "Adafactor's 1 − β₂ = t^beta2_decay: the second moment forgets ever more slowly"
            }
            Self::Eps1 => "Adafactor's floor of the second-moment estimate (machine ε by default)",
            Self::Eps2 => "Adafactor's floor of RMS(θ): even zero weights move",
            Self::D => "Adafactor clips updates whose RMS exceeds d",
            Self::Beta3 => "Prodigy's decay of its distance and gradient sums (√β₂ by default)",
            Self::UseBiasCorrection => "scale Prodigy's step by Adam's bias corrections",
            Self::SafeguardWarmup => "keep lr out of Prodigy's gradient sum, so d grows less early",
            Self::D0 => "Prodigy's first guess of the step size; it only grows from here",
            Self::DCoef => "multiplies Prodigy's estimate of the step size",
            Self::GrowthRate => "the most Prodigy's d may grow per step (inf: no limit)",
            Self::WarmupSteps => "Schedule-Free ramps lr up linearly over this many steps",
            Self::R => "later z's weigh more in Schedule-Free's average as (k + 1)^r",
            Self::WeightLrPower => {
                "steps taken at a larger lr weigh more in the average, as lr_max^power"
            }
            Self::ClipLambda => "ADOPT clips g/√v to ±t^clip_lambda (inf: no clipping)",
            Self::WeightDecouple => "decay the weights directly, not through the gradient",
            Self::FixedDecay => "decoupled decay by λ alone, not λ·lr",
            Self::Rectify => "switch the adaptive step on gradually, as RAdam",
            Self::NSmaThreshold => "below this ρ_t a rectified run takes no adaptive step",
            Self::DegeneratedToSgd => {
                "below the threshold, take a momentum-SGD step instead of none"
            }
            Self::InitialAccumulator => "what the moments start from instead of zero",
            Self::TAlphaBeta3 => "AdEMAMix warms α and β₃ up over this many steps (0: none)",
            Self::GradAveraging => {
                "LAMB's m averages the gradients (1 − β₁)·g instead of adding them"
            }
            Self::AdamMode => "LAMB with the trust ratio fixed at 1",
            Self::MaxIter => "L-BFGS iterations inside one step",
            Self::MaxEval => "the most loss and gradient evaluations one L-BFGS step may make",
            Self::ToleranceGrad => "L-BFGS ends a step once every |g| is at most this",
            Self::ToleranceChange => "L-BFGS ends a step once θ or the loss changes less than this",
            Self::NsA | Self::NsB | Self::NsC => {
                "Muon's quintic a·X + b·(X·X^T)·X + c·(X·X^T)²·X, applied ns_steps times"
            }
            Self::Gamma => "how much of the change in the gradient MARS adds to it",
            Self::MarsType => {
                "what MARS does with its momentum on matrices: AdamW's division or Lion's sign"
            }
            Self::Optimize1d => "MARS's corrected step for vectors too, not the plain AdamW",
            Self::Lr1d => "the lr of the AdamW MARS runs on vectors",
            Self::Beta11d => "β₁ of the AdamW MARS runs on vectors",
            Self::Beta21d => "β₂ of the AdamW MARS runs on vectors",
            Self::WeightDecay1d => "weight decay of the AdamW MARS runs on vectors",
            Self::Cautious => "zero the update where its sign disagrees with the gradient's",
            Self::ShampooBeta => "how slowly SOAP's statistics G·G^T forget old gradients",
            Self::PreconditionFrequency => {
                "SOAP refreshes its eigenbasis by one power iteration every this many steps"
            }
            Self::MaxPreconditionDim => "SOAP leaves axes longer than this unrotated",
            Self::Precondition1d => "SOAP rotates vectors too, such as a surface's (x, y)",
            Self::CorrectBias => "SOAP scales its step by √(1 − β₂^s)/(1 − β₁^s)",
            Self::NormalizeGradient => "SOAP divides its update by the update's RMS",
            Self::NsSteps => "how many Newton–Schulz iterations orthogonalise each update",
            Self::AdjustLrFn => {
                "how Muon scales lr by the matrix's shape [A, B]: √max(1, A/B), 0.2·√max(A, B) or √(A/B)"
            }
            Self::NewtonSchulzF64 => {
                "run the Newton–Schulz iteration in exact f64 instead of torch's bfloat16"
            }
            Self::HistorySize => "how many past steps L-BFGS remembers for its Hessian estimate",
            Self::LineSearchFn => {
                "search along each direction for a step meeting the strong Wolfe conditions"
            }
            Self::EpsInSqrt => "put ε inside the square root, as optax's eps_root",
            Self::LrInsideMomentum => "multiply the gradient by lr before it enters the buffer",
            Self::LookAhead => "take Nesterov's gradient at the look-ahead point",
        }
    }
}
