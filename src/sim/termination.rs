//! Why a run stopped, and the early-stopping rule that can stop it.

use serde::{Deserialize, Serialize};

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Termination {
    /// It reached the horizon.
    MaxSteps,
    /// A parameter, the loss or the gradient became NaN or ±∞ at row `step`.
    Diverged {
        /// The first row with a non-finite value.
        step: u64,
    },
    /// ‖g‖ fell below the tolerance at row `step`.
    Converged {
        /// The row where ‖g‖ < tol.
        step: u64,
    },
    /// The validation loss had not improved for `patience` rows at `step`.
    EarlyStopped {
        /// The row where the run stopped.
        step: u64,
        /// The row with the best validation loss.
        best: u64,
    },
}

/// Stop a run once its validation loss has not improved by more than
/// `min_delta` for `patience` rows (Keras' and Lightning's rule).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    /// Rows without improvement before stopping.
    pub patience: u64,
    /// The smallest decrease that counts as an improvement (default 0).
    #[serde(default)]
    pub min_delta: f64,
}

impl std::fmt::Display for Termination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MaxSteps => write!(f, "max steps"),
            Self::Diverged { step } => write!(f, "diverged at step {step}"),
            Self::Converged { step } => write!(f, "converged at step {step}"),
            Self::EarlyStopped { step, best } => {
                write!(f, "stopped early at step {step} (best at {best})")
            }
        }
    }
}
