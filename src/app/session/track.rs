//! One run's rows as the window received them from the simulation thread.

use crate::sim::{Termination, Trajectory};

/// Rows of one run as received from the simulation thread.
#[derive(Clone, Debug)]
pub struct Track {
    /// θ and loss per row, in the core's layout.
    pub rows: Trajectory,
    /// Why the run stopped, once known.
    pub termination: Option<Termination>,
    /// The lr of each step.
    pub lrs: Vec<f64>,
    /// The step size each step really took, when the optimizer sets it
    /// (Prodigy's d·lr); empty otherwise.
    pub effective_lrs: Vec<f64>,
    /// Loss and gradient evaluations of each step (L-BFGS); empty for
    /// optimizers that make one per step.
    pub evaluations: Vec<u64>,
    /// L-BFGS's inner evaluation points on a surface, (x, y) pairs.
    pub inner_points: Vec<f64>,
    /// Validation loss per row (problems with a validation split only).
    pub val: Vec<f64>,
    /// The optimizer's companion paths (ASGD's `ax`, Schedule-Free's `x`
    /// and `z`), row for row with `rows`.
    pub companions: Vec<Trajectory>,
}

impl Track {
    /// An empty track for `dim` parameters.
    pub fn new(dim: usize) -> Self {
        Self {
            rows: Trajectory::with_capacity(dim, 0),
            termination: None,
            lrs: Vec::new(),
            effective_lrs: Vec::new(),
            evaluations: Vec::new(),
            inner_points: Vec::new(),
            val: Vec::new(),
            companions: Vec::new(),
        }
    }

    /// Rows received.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row has arrived.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `k`: parameters and loss.
    pub fn row(&self, k: usize) -> Option<(&[f64], f64)> {
        self.rows.row(k)
    }

    /// Up to `max_points` rows from 0 to `last` (inclusive), evenly thinned,
    /// always keeping the last one; for drawing only.
    pub fn decimated(
        &self,
        last: usize,
        max_points: usize,
    ) -> impl Iterator<Item = (usize, &[f64], f64)> {
        decimated(&self.rows, last, max_points)
    }
}

/// Up to `max_points` rows of `rows` from 0 to `last` (inclusive), evenly
/// thinned, always keeping the last one.
pub fn decimated(
    rows: &Trajectory,
    last: usize,
    max_points: usize,
) -> impl Iterator<Item = (usize, &[f64], f64)> {
    let end = last.min(rows.len().saturating_sub(1));
    let stride = (end / max_points.max(1)).max(1);
    let rows_exist = !rows.is_empty();
    // A plain range under `step_by` jumps: only the kept rows are visited.
    (0..if rows_exist { end + 1 } else { 0 })
        .step_by(stride)
        .chain((rows_exist && !end.is_multiple_of(stride)).then_some(end))
        .filter_map(move |k| rows.row(k).map(|(p, l)| (k, p, l)))
}
