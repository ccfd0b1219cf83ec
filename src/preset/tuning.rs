//! How a run's lr was tuned, kept with the run so its legend can say so.

use serde::{Deserialize, Serialize};

/// What a tuning minimised.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum TunedBy {
    /// The loss after the last step.
    FinalLoss,
    /// The first step whose loss is at most this.
    StepsTo(f64),
}

/// A run's lr chosen as the best of `values` log-spaced lrs in
/// `[from, to]`, every run of the preset given the same grid and steps:
/// `tuned: Some(values: 24, from: 1e-4, to: 1.0, by: FinalLoss)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tuning {
    /// Grid points tried.
    pub values: usize,
    /// Smallest lr tried.
    pub from: f64,
    /// Largest lr tried.
    pub to: f64,
    /// The score.
    pub by: TunedBy,
}

impl Tuning {
    /// The legend's note: `lr 3.2e-3, tuned over 24 values in [0.0001, 1] by final loss`.
    pub fn note(&self, lr: f64) -> String {
        let by = match self.by {
            TunedBy::FinalLoss => "final loss".to_owned(),
            TunedBy::StepsTo(tol) => format!("steps to loss ≤ {}", short(tol)),
        };
        format!(
            "lr {}, tuned over {} values in [{}, {}] by {by}",
            short(lr),
            self.values,
            short(self.from),
            short(self.to)
        )
    }
}

/// A number in at most about six characters: `0.001`, `1`, `3.2e-3`.
fn short(v: f64) -> String {
    let plain = format!("{v}");
    if plain.len() <= 6 {
        plain
    } else {
        format!("{v:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_names_the_lr_the_grid_and_the_score() {
        let t = Tuning {
            values: 24,
            from: 1e-4,
            to: 1.0,
            by: TunedBy::FinalLoss,
        };
        assert_eq!(
            t.note(0.003_162_277_66),
            "lr 3.2e-3, tuned over 24 values in [0.0001, 1] by final loss"
        );
        let steps = Tuning {
            by: TunedBy::StepsTo(1e-6),
            ..t
        };
        assert!(
            steps.note(0.5).ends_with("by steps to loss ≤ 1.0e-6"),
            "{}",
            steps.note(0.5)
        );
    }
}
