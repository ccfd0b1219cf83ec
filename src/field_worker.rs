//! The heat-map thread: a [`LatestWorker`] computing [`Field`]s.

use std::sync::Arc;

use crate::field::{self, Field, FieldSpec};
use crate::problem::Problem;
use crate::worker::LatestWorker;

/// A field to compute.
#[derive(Debug)]
pub struct FieldRequest {
    /// The loss to sample.
    pub problem: Arc<dyn Problem>,
    /// Where and how finely.
    pub spec: FieldSpec,
    /// Only these samples (one mini-batch); `None` for the full data.
    pub batch: Option<Vec<usize>>,
}

/// The UI's end of the field thread.
pub type FieldWorker = LatestWorker<FieldRequest, Field>;

/// Starts the field thread; `waker` runs after each answer.
pub fn spawn(waker: impl Fn() + Send + 'static) -> std::io::Result<FieldWorker> {
    spawn_named("descent-field", waker)
}

/// Starts a field thread named `name`.
pub fn spawn_named(name: &str, waker: impl Fn() + Send + 'static) -> std::io::Result<FieldWorker> {
    LatestWorker::spawn(
        name,
        |r: FieldRequest| field::compute_on(r.problem.as_ref(), &r.spec, r.batch.as_deref()),
        waker,
    )
}
