//! The window's runtime side: the simulation thread, the workers that
//! answer what the views want (fields, curvature, slices, basins, the
//! inspector, classifier maps) and the rows received so far. Nothing here is
//! persisted, and nothing here names egui.

mod imports;
mod track;
mod wanted;
mod wants;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use track::{Track, decimated};
pub use wanted::Wanted;

use crate::analysis::basins::{BasinMap, BasinRequest};
use crate::analysis::classifier::{AccuracyRequest, DecisionRequest};
use crate::analysis::curvature::{Curvature, CurvatureRequest};
use crate::analysis::field::{Field, FieldRequest, FieldSpec};
use crate::analysis::inspect::{self, Inspection};
use crate::analysis::landscape::{Slice, SliceKind, SliceRequest};
use crate::analysis::sharpness::{SharpnessRequest, SharpnessSeries};
use crate::preset::Preset;
use crate::problem::{Problem, ProblemConfig, Samples, ViewBox};
use crate::sim::runner::{SimCommand, SimEvent, SimHandle};

/// Pixels for a map laid over a view (RGBA, top row first) and the box it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlay {
    /// The box covered.
    pub view: ViewBox,
    /// Pixels across and down.
    pub size: [usize; 2],
    /// RGBA, top row first.
    pub rgba: Vec<u8>,
}

/// A basins map with its pixels.
#[derive(Clone, Debug)]
pub struct PaintedBasins {
    /// The map.
    pub map: BasinMap,
    /// Its pixels.
    pub image: Overlay,
}

/// A replay request for the inspector.
#[derive(Debug)]
pub struct InspectRequest {
    problem: Arc<dyn Problem>,
    setup: crate::sim::SimSetup,
    step: u64,
}

/// Raises the workers' shared stop flag when the session is dropped. It is
/// the session's first field, so every worker is told to stop before the
/// first of them is joined.
#[derive(Debug)]
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

type SliceKey = (u64, usize, SliceKind, usize);
type BasinKey = (u64, usize, [u64; 4]);
type DecisionKey = (Vec<f64>, ViewBox, (usize, usize));
/// Per run, its sharpness series (`None`: disabled), or why there are none.
pub type SharpnessAnswer = Result<Vec<Option<SharpnessSeries>>, String>;

/// The simulation, the workers and what they have delivered.
#[derive(Debug)]
pub struct Session {
    _stop: StopOnDrop,
    sim: Option<SimHandle>,
    generation: u64,
    started_generation: u64,
    /// The problem of the current results.
    pub problem: Option<Arc<dyn Problem>>,
    /// The problem as configured in the latest request, and in the shown results.
    requested_problem: Option<ProblemConfig>,
    shown_problem: Option<ProblemConfig>,
    /// Step horizon of the current results.
    pub horizon: u64,
    /// One track per preset run.
    pub tracks: Vec<Track>,
    tracks_dim: usize,
    replace_tracks: bool,
    /// Whether every run has stopped.
    pub finished: bool,
    /// A message for the user (bad preset, crash).
    pub error: Option<String>,
    /// The data of a data problem, for the data view.
    pub samples: Option<Samples>,
    /// The runs' paths projected onto the latest slice, as 2-D tracks.
    pub slice_tracks: Vec<Track>,
    fields: Wanted<FieldSpec, FieldRequest, Field>,
    batch_fields: Wanted<(u64, ViewBox), FieldRequest, Field>,
    inspector: Wanted<(u64, u64), InspectRequest, Result<Vec<Inspection>, String>>,
    curvatures: Wanted<(u64, usize), CurvatureRequest, Vec<Option<Curvature>>>,
    sharpness: Wanted<(u64, u64), SharpnessRequest, SharpnessAnswer>,
    slices: Wanted<SliceKey, SliceRequest, Option<Slice>>,
    basins: Wanted<BasinKey, BasinRequest, Option<PaintedBasins>>,
    accuracies: Wanted<(u64, usize), AccuracyRequest, Vec<Vec<[f64; 2]>>>,
    decisions: Wanted<DecisionKey, DecisionRequest, Option<Overlay>>,
    imports: Wanted<imports::ImportKey, imports::ImportRequest, imports::Imported>,
}

impl Session {
    /// Starts the simulation thread and the workers; `waker` asks the UI to
    /// repaint.
    pub fn new(waker: impl Fn() + Clone + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let sim = SimHandle::spawn(waker.clone()).ok();
        let w = waker;
        let error = sim
            .is_none()
            .then(|| "could not start the simulation thread".to_owned());
        Self {
            fields: Wanted::spawn(
                "descent-field",
                |r: FieldRequest| r.compute(),
                w.clone(),
                &stop,
            ),
            batch_fields: Wanted::spawn(
                "descent-batch-field",
                |r: FieldRequest| r.compute(),
                w.clone(),
                &stop,
            ),
            inspector: Wanted::spawn(
                "descent-inspector",
                |r: InspectRequest| {
                    inspect::replay(r.problem, r.setup, r.step).map_err(|e| e.to_string())
                },
                w.clone(),
                &stop,
            ),
            curvatures: Wanted::spawn(
                "descent-curvature",
                |r: CurvatureRequest| r.compute(),
                w.clone(),
                &stop,
            ),
            sharpness: Wanted::spawn(
                "descent-sharpness",
                SharpnessRequest::compute,
                w.clone(),
                &stop,
            ),
            slices: Wanted::spawn("descent-landscape", SliceRequest::compute, w.clone(), &stop),
            basins: Wanted::spawn(
                "descent-basins",
                |r: BasinRequest| {
                    r.compute_until_stopped().map(|map| PaintedBasins {
                        image: Overlay {
                            view: map.view,
                            size: [map.cols, map.rows],
                            rgba: crate::render::maps::basin_rgba(&map),
                        },
                        map,
                    })
                },
                w.clone(),
                &stop,
            ),
            accuracies: Wanted::spawn(
                "descent-accuracy",
                |r: AccuracyRequest| r.compute(),
                w.clone(),
                &stop,
            ),
            decisions: Wanted::spawn(
                "descent-decision-map",
                |r: DecisionRequest| {
                    r.compute().map(|map| Overlay {
                        view: map.view,
                        size: [map.cols, map.rows],
                        rgba: crate::render::maps::decision_rgba(&map),
                    })
                },
                w.clone(),
                &stop,
            ),
            imports: Wanted::spawn("descent-import", imports::ImportRequest::load, w, &stop),
            _stop: StopOnDrop(stop),
            sim,
            generation: 0,
            started_generation: 0,
            problem: None,
            requested_problem: None,
            shown_problem: None,
            horizon: 0,
            tracks: Vec::new(),
            tracks_dim: 2,
            replace_tracks: false,
            finished: false,
            error,
            samples: None,
            slice_tracks: Vec::new(),
        }
    }

    /// Recomputes everything for `preset`; the simulation thread keeps the
    /// problem it built while the problem's settings are unchanged.
    pub fn run(&mut self, preset: &Preset, base_dir: &Path) {
        self.send_run(preset, base_dir, false);
    }

    /// As [`Self::run`], building the problem afresh (data files are read
    /// again): for a preset just opened.
    pub fn reload(&mut self, preset: &Preset, base_dir: &Path) {
        self.send_run(preset, base_dir, true);
    }

    fn send_run(&mut self, preset: &Preset, base_dir: &Path, rebuild: bool) {
        self.generation += 1;
        self.requested_problem = Some(preset.problem.clone());
        // Outstanding until this generation finishes or fails.
        self.finished = false;
        self.error = None;
        // Answers about the old rows no longer apply.
        self.inspector.invalidate();
        self.curvatures.invalidate();
        self.sharpness.invalidate();
        self.basins.invalidate();
        let Some(sim) = &self.sim else {
            self.error = Some("could not start the simulation thread".into());
            self.finished = true;
            return;
        };
        sim.send(SimCommand::Run {
            generation: self.generation,
            problem: preset.problem.clone(),
            base_dir: base_dir.to_path_buf(),
            setup: Box::new(preset.sim_setup()),
            rebuild,
        });
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
        if self.slices.poll() {
            self.slice_tracks = self.slice().map_or_else(Vec::new, |s| {
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
            changed = true;
        }
        // Every worker is polled; `|` keeps the later ones from being skipped.
        changed |= self.fields.poll()
            | self.batch_fields.poll()
            | self.inspector.poll()
            | self.curvatures.poll()
            | self.sharpness.poll()
            | self.basins.poll()
            | self.accuracies.poll()
            | self.decisions.poll()
            | self.imports.poll();
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
                if same_problem {
                    // Shown until the new rows' answers replace them, so
                    // nothing under a dragged slider comes and goes.
                    self.decisions.invalidate();
                    self.curvatures.invalidate();
                } else {
                    self.fields.forget();
                    self.batch_fields.forget();
                    self.decisions.forget();
                    self.curvatures.forget();
                    self.sharpness.forget();
                }
                self.shown_problem.clone_from(&self.requested_problem);
                self.basins.forget();
                self.samples = problem.samples();
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
                    if track.companions.len() < rows.companions.len() {
                        let dim = self.tracks_dim;
                        let missing = rows.companions.len() - track.companions.len();
                        track.companions.extend(
                            (0..missing).map(|_| crate::sim::Trajectory::with_capacity(dim, 0)),
                        );
                    }
                    for (path, new) in track.companions.iter_mut().zip(&rows.companions) {
                        if rows.first_row == path.len() {
                            path.extend_raw(new);
                        }
                    }
                    if rows.first_row == track.len() {
                        track.rows.extend_raw(&rows.values);
                    }
                    if rows.first_lr == track.effective_lrs.len() {
                        track.effective_lrs.extend_from_slice(&rows.effective_lrs);
                    }
                    if rows.first_lr == track.evaluations.len() {
                        track.evaluations.extend_from_slice(&rows.evaluations);
                    }
                    if rows.first_inner == track.inner_points.len() {
                        track.inner_points.extend_from_slice(&rows.inner_points);
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
