//! The window's runtime side: the simulation and field threads, the rows
//! received so far, and the play head. Nothing here is persisted.

use std::sync::Arc;

use crate::field::{Field, FieldSpec};
use crate::field_worker::{self, FieldRequest, FieldWorker};
use crate::preset::Preset;
use crate::problem::{Problem, ViewBox};
use crate::sim::inspect::{self, Inspection};
use crate::sim::runner::{SimCommand, SimEvent, SimHandle};
use crate::sim::{Termination, Trajectory};
use crate::worker::LatestWorker;

/// Rows of one run as received from the simulation thread.
#[derive(Clone, Debug)]
pub struct Track {
    /// θ and loss per row, in the core's layout.
    pub rows: Trajectory,
    /// Why the run stopped, once known.
    pub termination: Option<Termination>,
    /// The lr of each step.
    pub lrs: Vec<f64>,
    /// Validation loss per row (problems with a validation split only).
    pub val: Vec<f64>,
}

impl Track {
    /// An empty track for `dim` parameters.
    pub fn new(dim: usize) -> Self {
        Self {
            rows: Trajectory::with_capacity(dim, 0),
            termination: None,
            lrs: Vec::new(),
            val: Vec::new(),
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
        let end = last.min(self.len().saturating_sub(1));
        let stride = (end / max_points.max(1)).max(1);
        (0..=end)
            .step_by(stride)
            .chain((!end.is_multiple_of(stride)).then_some(end))
            .filter_map(move |k| self.row(k).map(|(p, l)| (k, p, l)))
    }
}

/// A replay request for the inspector.
#[derive(Debug)]
struct InspectRequest {
    preset: Preset,
    base_dir: std::path::PathBuf,
    step: u64,
}

type InspectWorker = LatestWorker<InspectRequest, Result<(u64, Vec<Inspection>), String>>;

/// Bits of a curvature answer's tag that hold the play head (the rest hold
/// the generation); 2²⁴ rows exceed the longest horizon.
const HEAD_BITS: u32 = 24;

/// The simulation and field threads and what they have delivered.
#[derive(Debug)]
pub struct Session {
    sim: Option<SimHandle>,
    fields: Option<FieldWorker>,
    inspector: Option<InspectWorker>,
    /// The inspector's latest numbers and the row they belong to.
    pub inspections: Option<(u64, Vec<Inspection>)>,
    inspection_request: Option<(u64, u64)>,
    generation: u64,
    /// The problem of the current results.
    pub problem: Option<Arc<dyn Problem>>,
    /// The problem as configured in the latest request, and in the shown results.
    requested_problem: Option<crate::problem::ProblemConfig>,
    shown_problem: Option<crate::problem::ProblemConfig>,
    /// Step horizon of the current results.
    pub horizon: u64,
    /// One track per preset run.
    pub tracks: Vec<Track>,
    /// Whether every run has stopped.
    pub finished: bool,
    /// A message for the user (bad preset, crash).
    pub error: Option<String>,
    /// The latest heat map and isolines.
    pub field: Option<Field>,
    field_tag: u64,
    field_tag_requested: u64,
    requested_field: Option<(FieldSpec, u64)>,
    decisions: Option<crate::data_view::DecisionWorker>,
    decision_tag: u64,
    /// The data of a data problem, for the data view.
    pub samples: Option<crate::data_view::Samples>,
    /// The latest decision map (classifiers).
    pub decision: Option<crate::data_view::DecisionMap>,
    accuracies: Option<crate::data_view::AccuracyWorker>,
    slices: Option<crate::landscape::SliceWorker>,
    slice_key: Option<(u64, usize, crate::landscape::SliceKind, usize)>,
    /// The latest landscape slice (problems with more than 2 parameters).
    pub slice: Option<crate::landscape::Slice>,
    /// The runs' paths projected onto the slice, as 2-D tracks.
    pub slice_tracks: Vec<Track>,
    /// Bumped whenever a new slice arrives.
    pub slice_version: u64,
    batch_fields: Option<FieldWorker>,
    batch_field_request: Option<(u64, ViewBox)>,
    /// The loss of the mini-batch at the play head, sampled over the view,
    /// and the step it belongs to.
    pub batch_field: Option<(u64, Field)>,
    accuracy_key: Option<(u64, usize)>,
    curvatures: Option<crate::curvature::CurvatureWorker>,
    basin_worker: Option<crate::basins::BasinWorker>,
    basin_key: Option<(u64, usize, [u64; 4])>,
    /// The latest basins-of-attraction map, and a count bumped with each.
    pub basins: Option<(u64, crate::basins::BasinMap)>,
    curvature_key: Option<(u64, usize)>,
    /// Per run, the curvature at the play head, and the head it belongs to.
    pub curvature: Option<(usize, Vec<Option<crate::curvature::Curvature>>)>,
    /// Per run, (row, training accuracy) points (classifiers, on request).
    pub accuracy: Vec<Vec<[f64; 2]>>,
    tracks_dim: usize,
    started_generation: u64,
    replace_tracks: bool,
}

impl Session {
    /// Starts both threads; `waker` asks the UI to repaint.
    pub fn new(waker: impl Fn() + Clone + Send + 'static) -> Self {
        let sim = SimHandle::spawn(waker.clone()).ok();
        let fields = field_worker::spawn(waker.clone()).ok();
        let decisions = crate::data_view::spawn(waker.clone()).ok();
        let accuracies = crate::data_view::spawn_accuracy(waker.clone()).ok();
        let slices = crate::landscape::spawn(waker.clone()).ok();
        let batch_fields = field_worker::spawn_named("descent-batch-field", waker.clone()).ok();
        let curvatures = crate::curvature::spawn(waker.clone()).ok();
        let basin_worker = crate::basins::spawn(waker.clone()).ok();
        let inspector = LatestWorker::spawn(
            "descent-inspector",
            |r: InspectRequest| {
                inspect::inspect(&r.preset, &r.base_dir, r.step)
                    .map(|rows| (r.step, rows))
                    .map_err(|e| e.to_string())
            },
            waker,
        )
        .ok();
        let error = sim
            .is_none()
            .then(|| "could not start the simulation thread".to_owned());
        Self {
            sim,
            fields,
            inspector,
            inspections: None,
            inspection_request: None,
            generation: 0,
            problem: None,
            horizon: 0,
            tracks: Vec::new(),
            finished: false,
            error,
            field: None,
            field_tag: 0,
            field_tag_requested: 0,
            requested_field: None,
            decisions,
            decision_tag: 0,
            samples: None,
            decision: None,
            accuracies,
            slices,
            slice_key: None,
            slice: None,
            slice_tracks: Vec::new(),
            slice_version: 0,
            batch_fields,
            batch_field_request: None,
            batch_field: None,
            requested_problem: None,
            shown_problem: None,
            curvatures,
            basin_worker,
            basin_key: None,
            basins: None,
            curvature_key: None,
            curvature: None,
            accuracy_key: None,
            accuracy: Vec::new(),
            tracks_dim: 2,
            started_generation: 0,
            replace_tracks: false,
        }
    }

    /// Recomputes everything for `preset`.
    pub fn run(&mut self, preset: &Preset, base_dir: &std::path::Path) {
        self.generation += 1;
        self.requested_problem = Some(preset.problem.clone());
        // Outstanding until this generation finishes or fails.
        self.finished = false;
        self.error = None;
        let Some(sim) = &self.sim else {
            self.error = Some("could not start the simulation thread".into());
            self.finished = true;
            return;
        };
        {
            sim.send(SimCommand::Run {
                generation: self.generation,
                preset: Box::new(preset.clone()),
                base_dir: base_dir.to_path_buf(),
            });
        }
    }

    /// Makes the simulation thread panic (isolation tests only).
    #[doc(hidden)]
    pub fn inject_panic(&self) {
        if let Some(sim) = &self.sim {
            sim.send(SimCommand::InjectPanic);
        }
    }

    /// Takes in whatever the threads have sent, for at most `budget`.
    /// Returns whether anything changed.
    pub fn drain(&mut self, budget: std::time::Duration) -> bool {
        let start = std::time::Instant::now();
        let mut changed = false;
        while start.elapsed() < budget {
            let Some(event) = self.sim.as_ref().and_then(SimHandle::try_recv) else {
                break;
            };
            changed = true;
            self.apply(event);
        }
        if let Some((tag, Ok(rows))) = self.inspector.as_ref().and_then(InspectWorker::latest)
            && tag == self.generation
        {
            self.inspections = Some(rows);
            changed = true;
        }
        if let Some((_, slice)) = self
            .slices
            .as_ref()
            .and_then(crate::landscape::SliceWorker::latest)
        {
            self.slice_tracks = slice.as_ref().map_or_else(Vec::new, |s| {
                s.paths
                    .iter()
                    .map(|path| {
                        let mut t = Track::new(2);
                        let raw: Vec<f64> =
                            path.iter().flat_map(|p| [p[0], p[1], f64::NAN]).collect();
                        t.rows.extend_raw(&raw);
                        t
                    })
                    .collect()
            });
            self.slice = slice;
            self.slice_version += 1;
            changed = true;
        }
        if let Some((tag, curvature)) = self
            .curvatures
            .as_ref()
            .and_then(crate::curvature::CurvatureWorker::latest)
            && tag >> HEAD_BITS == self.generation
        {
            let head = usize::try_from(tag & ((1 << HEAD_BITS) - 1)).unwrap_or(0);
            self.curvature = Some((head, curvature));
            changed = true;
        }
        if let Some((tag, map)) = self
            .basin_worker
            .as_ref()
            .and_then(crate::basins::BasinWorker::latest)
            && tag == self.generation
        {
            let count = self.basins.as_ref().map_or(0, |(n, _)| n + 1);
            self.basins = map.map(|m| (count, m));
            changed = true;
        }
        if let Some((step, field)) = self.batch_fields.as_ref().and_then(FieldWorker::latest) {
            self.batch_field = Some((step, field));
            changed = true;
        }
        if let Some((_, curves)) = self
            .accuracies
            .as_ref()
            .and_then(crate::data_view::AccuracyWorker::latest)
        {
            self.accuracy = curves;
            changed = true;
        }
        if let Some((_, map)) = self
            .decisions
            .as_ref()
            .and_then(crate::data_view::DecisionWorker::latest)
        {
            self.decision = map;
            changed = true;
        }
        if let Some((tag, field)) = self.fields.as_ref().and_then(FieldWorker::latest)
            && tag >= self.field_tag
        {
            self.field_tag = tag;
            self.field = Some(field);
            changed = true;
        }
        changed
    }

    fn apply(&mut self, event: SimEvent) {
        match event {
            SimEvent::Started {
                generation,
                problem,
                horizon,
            } if generation == self.generation => {
                let dim = problem.dim();
                // Data settings (noise, seed, …) change the loss without its name.
                let same_problem =
                    self.shown_problem.is_some() && self.shown_problem == self.requested_problem;
                if !same_problem {
                    self.field = None;
                    self.requested_field = None;
                    self.batch_field = None;
                    self.batch_field_request = None;
                }
                self.shown_problem.clone_from(&self.requested_problem);
                self.curvature = None;
                self.basins = None;
                self.samples = problem.samples();
                self.decision = None;
                self.problem = Some(problem);
                self.horizon = horizon;
                // Keep showing the old rows until the new ones arrive.
                self.replace_tracks = true;
                self.finished = false;
                self.error = None;
                self.tracks_dim = dim;
                self.started_generation = generation;
            }
            SimEvent::Rows { generation, runs } if generation == self.generation => {
                if self.replace_tracks {
                    self.tracks.clear();
                    self.replace_tracks = false;
                }
                if self.tracks.len() < runs.len() {
                    self.tracks.resize(runs.len(), Track::new(self.tracks_dim));
                }
                for (track, rows) in self.tracks.iter_mut().zip(runs) {
                    if rows.first_row == track.len() {
                        track.rows.extend_raw(&rows.values);
                    }
                    if rows.first_lr == track.lrs.len() {
                        track.lrs.extend_from_slice(&rows.lrs);
                    }
                    if rows.first_row <= track.val.len() {
                        track.val.truncate(rows.first_row);
                        track.val.extend_from_slice(&rows.val);
                    }
                    track.termination = rows.termination;
                }
            }
            SimEvent::Finished { generation } if generation == self.generation => {
                self.finished = true;
            }
            SimEvent::Failed {
                generation,
                message,
            } if generation == self.generation => {
                self.error = Some(message);
                self.finished = true;
            }
            SimEvent::Crashed { message } => {
                self.error = Some(format!("the simulation thread crashed: {message}"));
                self.finished = true;
            }
            _ => {}
        }
    }

    /// Asks for the inspector's numbers at row `step` of `preset`, unless
    /// they are already there or on their way.
    pub fn want_inspection(&mut self, preset: &Preset, base_dir: &std::path::Path, step: u64) {
        let key = (self.generation, step);
        if self.inspection_request == Some(key) {
            return;
        }
        self.inspection_request = Some(key);
        if let Some(worker) = &self.inspector {
            worker.request(
                self.generation,
                InspectRequest {
                    preset: preset.clone(),
                    base_dir: base_dir.to_path_buf(),
                    step,
                },
            );
        }
    }

    /// Whether the field on screen is the one last asked for.
    pub fn field_is_current(&self) -> bool {
        match (&self.field, &self.requested_field) {
            (Some(f), Some((spec, _))) => f.spec.view == spec.view,
            _ => false,
        }
    }

    /// Asks for a field over `view` unless one is already there or on its way.
    pub fn want_field(&mut self, view: ViewBox, cols: usize, rows: usize) {
        let Some(problem) = &self.problem else { return };
        if problem.dim() != 2 {
            return;
        }
        let spec = FieldSpec {
            view,
            cols,
            rows,
            levels: 18,
        };
        let close = |a: &FieldSpec| {
            let tol_x = (a.view.x.1 - a.view.x.0).abs() * 1e-3;
            let tol_y = (a.view.y.1 - a.view.y.0).abs() * 1e-3;
            (a.view.x.0 - view.x.0).abs() < tol_x
                && (a.view.x.1 - view.x.1).abs() < tol_x
                && (a.view.y.0 - view.y.0).abs() < tol_y
                && (a.view.y.1 - view.y.1).abs() < tol_y
                && a.cols == cols
                && a.rows == rows
        };
        if self.requested_field.as_ref().is_some_and(|(s, _)| close(s)) {
            return;
        }
        self.field_tag_requested += 1;
        let tag = self.field_tag_requested;
        self.requested_field = Some((spec, tag));
        if let Some(worker) = &self.fields {
            worker.request(
                tag,
                FieldRequest {
                    batch: None,
                    problem: Arc::clone(problem),
                    spec,
                },
            );
        }
    }

    /// Asks for the contour of the mini-batch that step `step` uses, over
    /// `view` (2-parameter data problems with mini-batches only).
    pub fn want_batch_field(&mut self, preset: &Preset, step: u64, view: ViewBox) {
        let (Some(problem), Some(worker)) = (&self.problem, &self.batch_fields) else {
            return;
        };
        let Some(samples) = problem.sample_count() else {
            return;
        };
        if problem.dim() != 2 || self.batch_field_request == Some((step, view)) {
            return;
        }
        let Some(batch) = crate::sim::batch_for_step(samples, preset.batch_size, preset.seed, step)
        else {
            return;
        };
        self.batch_field_request = Some((step, view));
        worker.request(
            step,
            FieldRequest {
                problem: Arc::clone(problem),
                spec: FieldSpec {
                    view,
                    cols: 120,
                    rows: 120,
                    levels: 12,
                },
                batch: Some(batch),
            },
        );
    }

    /// Asks for a landscape slice through run `run` at row `head`.
    pub fn want_slice(&mut self, kind: crate::landscape::SliceKind, run: usize, head: usize) {
        const ROWS: usize = 400;
        let (Some(problem), Some(worker)) = (&self.problem, &self.slices) else {
            return;
        };
        if problem.dim() <= 2 {
            return;
        }
        let key = (self.generation, run, kind, head);
        if self.slice_key == Some(key) || self.tracks.get(run).is_none_or(Track::is_empty) {
            return;
        }
        self.slice_key = Some(key);
        let runs = self
            .tracks
            .iter()
            .map(|t| {
                t.decimated(head, ROWS)
                    .map(|(_, p, _)| p.to_vec())
                    .collect()
            })
            .collect();
        worker.request(
            self.generation,
            crate::landscape::SliceRequest {
                problem: Arc::clone(problem),
                runs,
                centre_run: run,
                kind,
                resolution: 64,
            },
        );
    }

    /// Asks for the curvature at the play head of every run (once the rows
    /// of the latest request have arrived).
    pub fn want_curvature(&mut self, preset: &Preset, head: usize) {
        let (Some(problem), Some(worker)) = (&self.problem, &self.curvatures) else {
            return;
        };
        if !self.idle() || self.tracks.is_empty() {
            return;
        }
        let key = (self.generation, head);
        if self.curvature_key == Some(key) {
            return;
        }
        self.curvature_key = Some(key);
        let points = self
            .tracks
            .iter()
            .zip(&preset.runs)
            .map(|(track, run)| {
                let row = head.min(track.len().checked_sub(1)?);
                let (params, _) = track.row(row)?;
                Some((params.to_vec(), run.penalty))
            })
            .collect();
        worker.request(
            (self.generation << HEAD_BITS) | (head as u64 & ((1 << HEAD_BITS) - 1)),
            crate::curvature::CurvatureRequest {
                problem: Arc::clone(problem),
                points,
            },
        );
    }

    /// Asks for the basins of attraction of `run` over `view`, one start per
    /// cell of the map's grid (at most 200 a side), once the runs of the
    /// latest request have finished.
    pub fn want_basins(
        &mut self,
        preset: &Preset,
        base_dir: &std::path::Path,
        run: usize,
        (view, cols, rows): (ViewBox, usize, usize),
    ) {
        let Some(worker) = &self.basin_worker else {
            return;
        };
        if !self.idle() || self.problem.as_ref().is_none_or(|p| p.dim() != 2) {
            return;
        }
        let key = (
            self.generation,
            run,
            [view.x.0, view.x.1, view.y.0, view.y.1].map(f64::to_bits),
        );
        if self.basin_key == Some(key) {
            return;
        }
        self.basin_key = Some(key);
        worker.request(
            self.generation,
            crate::basins::BasinRequest {
                preset: preset.clone(),
                base_dir: base_dir.to_path_buf(),
                run,
                view,
                resolution: (cols.min(200), rows.min(200)),
            },
        );
    }

    /// Asks for every run's accuracy curve (classifiers only), when the rows
    /// have changed since the last request.
    pub fn want_accuracy(&mut self) {
        const POINTS: usize = 300;
        let (Some(problem), Some(worker)) = (&self.problem, &self.accuracies) else {
            return;
        };
        if problem.classes().is_none() {
            return;
        }
        let key = (
            self.generation,
            self.tracks.iter().map(Track::len).sum::<usize>(),
        );
        if self.accuracy_key == Some(key) {
            return;
        }
        self.accuracy_key = Some(key);
        let runs = self
            .tracks
            .iter()
            .map(|t| {
                t.decimated(t.len().saturating_sub(1), POINTS)
                    .map(|(k, p, _)| (k, p.to_vec()))
                    .collect()
            })
            .collect();
        worker.request(
            key.0,
            crate::data_view::AccuracyRequest {
                problem: Arc::clone(problem),
                runs,
            },
        );
    }

    /// Asks for the decision map of `params` over `view` (classifiers only).
    pub fn want_decision(&mut self, params: Vec<f64>, view: ViewBox, size: (usize, usize)) {
        let (Some(problem), Some(worker)) = (&self.problem, &self.decisions) else {
            return;
        };
        if problem.classes().is_none() {
            return;
        }
        self.decision_tag += 1;
        worker.request(
            self.decision_tag,
            crate::data_view::DecisionRequest {
                problem: Arc::clone(problem),
                params,
                view,
                size,
            },
        );
    }

    /// Whether the latest request has been fully answered.
    pub fn idle(&self) -> bool {
        self.finished && (self.started_generation == self.generation || self.error.is_some())
    }

    /// Whether the results of the latest request have started arriving.
    pub fn finished_starting(&self) -> bool {
        self.started_generation == self.generation
    }

    /// The longest track's last row.
    pub fn rows_available(&self) -> usize {
        self.tracks.iter().map(Track::len).max().unwrap_or(0)
    }
}

impl Drop for Session {
    /// Tells every thread to stop at once, so they wind down together; each
    /// handle then joins its thread as it is dropped.
    fn drop(&mut self) {
        if let Some(sim) = &self.sim {
            sim.send(SimCommand::Shutdown);
        }
        for worker in [&self.fields, &self.batch_fields].into_iter().flatten() {
            worker.signal_stop();
        }
        if let Some(w) = &self.inspector {
            w.signal_stop();
        }
        if let Some(w) = &self.decisions {
            w.signal_stop();
        }
        if let Some(w) = &self.accuracies {
            w.signal_stop();
        }
        if let Some(w) = &self.slices {
            w.signal_stop();
        }
        if let Some(w) = &self.curvatures {
            w.signal_stop();
        }
        if let Some(w) = &self.basin_worker {
            w.signal_stop();
        }
    }
}
