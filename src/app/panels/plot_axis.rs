//! The loss plot's horizontal axis: steps, epochs or loss and gradient
//! evaluations, per run.

use crate::app::session::Track;
use crate::preset::Preset;

/// Steps per epoch of each run and of the preset's own batch size (for the
/// play head), on problems with data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EpochScale {
    /// Per run.
    pub runs: Vec<f64>,
    /// At the preset's batch size.
    pub preset: f64,
}

impl EpochScale {
    /// The scale for `preset` on `samples` training points.
    pub fn new(preset: &Preset, samples: usize) -> Self {
        let per_epoch = |batch: Option<usize>| {
            let batch = batch.unwrap_or(samples).clamp(1, samples.max(1));
            samples.max(1).div_ceil(batch) as f64
        };
        Self {
            runs: preset
                .runs
                .iter()
                .map(|r| per_epoch(r.batch_size.or(preset.batch_size)))
                .collect(),
            preset: per_epoch(preset.batch_size),
        }
    }
}

/// Maps a row index to the horizontal axis, and says how far curves go.
#[derive(Clone, Copy)]
pub(super) struct XAxis<'a> {
    pub(super) epochs: Option<&'a EpochScale>,
    /// Per run, the evaluations made to reach each row (empty: one per step),
    /// when the axis counts evaluations.
    pub(super) evaluations: Option<&'a [Vec<f64>]>,
    /// The last row drawn (the play head when revealing).
    pub(super) shown_to: usize,
}

impl XAxis<'_> {
    pub(super) fn of_run(self, run: usize, step: f64) -> f64 {
        if let Some(evaluations) = self.evaluations {
            let done = evaluations.get(run).filter(|c| !c.is_empty());
            return done.map_or(step, |c| c.get(step as usize).copied().unwrap_or(f64::NAN));
        }
        match self.epochs {
            Some(e) => step / e.runs.get(run).copied().unwrap_or(1.0),
            None => step,
        }
    }

    pub(super) fn head(self, step: f64) -> f64 {
        self.epochs.map_or(step, |e| step / e.preset)
    }

    pub(super) fn label(self) -> &'static str {
        if self.evaluations.is_some() {
            "loss and gradient evaluations"
        } else if self.epochs.is_some() {
            "epoch"
        } else {
            "step"
        }
    }
}

/// Per run, the evaluations made to reach each row: 0, e₀, e₀ + e₁, …
/// (empty for runs that evaluate once a step).
pub(super) fn cumulative_evaluations(tracks: &[Track]) -> Vec<Vec<f64>> {
    tracks
        .iter()
        .map(|t| {
            if t.evaluations.is_empty() {
                return Vec::new();
            }
            std::iter::once(0.0)
                .chain(t.evaluations.iter().scan(0.0, |sum, &e| {
                    *sum += e as f64;
                    Some(*sum)
                }))
                .collect()
        })
        .collect()
}
