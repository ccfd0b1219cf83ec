//! The window's runtime side: the simulation thread, the workers that
//! answer what the views want (fields, curvature, slices, basins, the
//! inspector, classifier maps) and the rows received so far. Nothing here is
//! persisted, and nothing here names egui.

mod track;
mod wanted;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use track::Track;
pub use wanted::Wanted;

use crate::analysis::basins::{BasinMap, BasinRequest};
use crate::analysis::classifier::{AccuracyRequest, DecisionRequest};
use crate::analysis::curvature::{Curvature, CurvatureRequest};
use crate::analysis::field::{Field, FieldRequest, FieldSpec};
use crate::analysis::inspect::{self, Inspection};
use crate::analysis::landscape::{Slice, SliceKind, SliceRequest};
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
    slices: Wanted<SliceKey, SliceRequest, Option<Slice>>,
    basins: Wanted<BasinKey, BasinRequest, Option<PaintedBasins>>,
    accuracies: Wanted<(u64, usize), AccuracyRequest, Vec<Vec<[f64; 2]>>>,
    decisions: Wanted<DecisionKey, DecisionRequest, Option<Overlay>>,
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
                w,
                &stop,
            ),
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
            | self.basins.poll()
            | self.accuracies.poll()
            | self.decisions.poll();
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
                    self.decisions.invalidate();
                } else {
                    self.fields.forget();
                    self.batch_fields.forget();
                    self.decisions.forget();
                }
                self.shown_problem.clone_from(&self.requested_problem);
                self.curvatures.forget();
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

    /// The problem of the latest request, once its results have started.
    fn current_problem(&self) -> Option<&Arc<dyn Problem>> {
        self.problem.as_ref().filter(|_| self.finished_starting())
    }

    /// Asks for the inspector's numbers at row `step` of `preset`.
    pub fn want_inspection(&mut self, preset: &Preset, step: u64) {
        let Some(problem) = self.current_problem() else {
            return;
        };
        let problem = Arc::clone(problem);
        self.inspector
            .want((self.generation, step), || InspectRequest {
                problem,
                setup: preset.sim_setup(),
                step,
            });
    }

    /// The inspector's latest numbers and the row they belong to.
    pub fn inspections(&self) -> Option<(u64, &Vec<Inspection>)> {
        match self.inspector.answer()? {
            ((_, step), Ok(rows)) => Some((*step, rows)),
            (_, Err(_)) => None,
        }
    }

    /// Asks for a field over `view` unless one close to it is already there
    /// or on its way.
    pub fn want_field(&mut self, view: ViewBox, cols: usize, rows: usize) {
        let Some(problem) = self.problem.as_ref().filter(|p| p.dim() == 2) else {
            return;
        };
        let spec = FieldSpec {
            view,
            cols,
            rows,
            levels: 18,
        };
        let problem = Arc::clone(problem);
        self.fields.want_unless(spec, close_specs, || FieldRequest {
            batch: None,
            problem,
            spec,
        });
    }

    /// The latest heat map and isolines.
    pub fn field(&self) -> Option<&Field> {
        self.fields.value()
    }

    /// Counts the fields received (for caches of what is drawn from them).
    pub fn field_version(&self) -> u64 {
        self.fields.version()
    }

    /// Whether the field on screen is the one last asked for.
    pub fn field_is_current(&self) -> bool {
        match (self.fields.value(), self.fields.asked()) {
            (Some(f), Some(spec)) => f.spec.view == spec.view,
            _ => false,
        }
    }

    /// Asks for the contour of the mini-batch that step `step` uses, over
    /// `view` (2-parameter data problems with mini-batches only).
    pub fn want_batch_field(&mut self, preset: &Preset, step: u64, view: ViewBox) {
        let Some(problem) = self.problem.as_ref().filter(|p| p.dim() == 2) else {
            return;
        };
        let Some(samples) = problem.sample_count() else {
            return;
        };
        let Some(batch) = crate::sim::batch_for_step(samples, preset.batch_size, preset.seed, step)
        else {
            return;
        };
        let problem = Arc::clone(problem);
        self.batch_fields.want((step, view), || FieldRequest {
            problem,
            spec: FieldSpec {
                view,
                cols: 120,
                rows: 120,
                levels: 12,
            },
            batch: Some(batch),
        });
    }

    /// The loss of the mini-batch at the play head, sampled over the view,
    /// and the step it belongs to.
    pub fn batch_field(&self) -> Option<(u64, &Field)> {
        self.batch_fields.answer().map(|((step, _), f)| (*step, f))
    }

    /// Asks for a landscape slice through run `run` at row `head`.
    pub fn want_slice(&mut self, kind: SliceKind, run: usize, head: usize) {
        const ROWS: usize = 400;
        let Some(problem) = self.problem.as_ref().filter(|p| p.dim() > 2) else {
            return;
        };
        if self.tracks.get(run).is_none_or(Track::is_empty) {
            return;
        }
        let problem = Arc::clone(problem);
        let tracks = &self.tracks;
        self.slices.want((self.generation, run, kind, head), || {
            let runs = tracks
                .iter()
                .map(|t| {
                    t.decimated(head, ROWS)
                        .map(|(_, p, _)| p.to_vec())
                        .collect()
                })
                .collect();
            SliceRequest {
                problem,
                runs,
                centre_run: run,
                kind,
                resolution: 64,
            }
        });
    }

    /// The latest landscape slice (problems with more than 2 parameters).
    pub fn slice(&self) -> Option<&Slice> {
        self.slices.value().and_then(Option::as_ref)
    }

    /// Counts the slices received.
    pub fn slice_version(&self) -> u64 {
        self.slices.version()
    }

    /// Asks for the curvature at the play head of every run (once the rows
    /// of the latest request have arrived).
    pub fn want_curvature(&mut self, preset: &Preset, head: usize) {
        let Some(problem) = &self.problem else {
            return;
        };
        if !self.idle() || self.tracks.is_empty() {
            return;
        }
        let problem = Arc::clone(problem);
        let tracks = &self.tracks;
        self.curvatures.want((self.generation, head), || {
            let points = tracks
                .iter()
                .zip(&preset.runs)
                .map(|(track, run)| {
                    let row = head.min(track.len().checked_sub(1)?);
                    let (params, _) = track.row(row)?;
                    Some((params.to_vec(), run.penalty))
                })
                .collect();
            CurvatureRequest { problem, points }
        });
    }

    /// Per run, the curvature at the play head, and the head it belongs to.
    pub fn curvature(&self) -> Option<(usize, &[Option<Curvature>])> {
        self.curvatures
            .answer()
            .map(|((_, head), c)| (*head, c.as_slice()))
    }

    /// Asks for the basins of attraction of `run` over `view`, one start per
    /// cell of the map's grid (at most 200 a side), once the runs of the
    /// latest request have finished.
    pub fn want_basins(
        &mut self,
        preset: &Preset,
        run: usize,
        (view, cols, rows): (ViewBox, usize, usize),
    ) {
        let Some(problem) = self.problem.as_ref().filter(|p| p.dim() == 2) else {
            return;
        };
        if !self.idle() {
            return;
        }
        let problem = Arc::clone(problem);
        let key = (
            self.generation,
            run,
            [view.x.0, view.x.1, view.y.0, view.y.1].map(f64::to_bits),
        );
        self.basins.want(key, || BasinRequest {
            preset: preset.clone(),
            problem,
            run,
            view,
            resolution: (cols.min(200), rows.min(200)),
        });
    }

    /// The latest basins-of-attraction map, and a count bumped with each.
    pub fn basins(&self) -> Option<(u64, &BasinMap)> {
        self.painted_basins()
            .map(|b| (self.basins.version(), &b.map))
    }

    /// The same with its pixels.
    pub fn painted_basins(&self) -> Option<&PaintedBasins> {
        self.basins.value().and_then(Option::as_ref)
    }

    /// Counts the basin maps received.
    pub fn basins_version(&self) -> u64 {
        self.basins.version()
    }

    /// Asks for every run's accuracy curve (classifiers only), when the rows
    /// have changed since the last request.
    pub fn want_accuracy(&mut self) {
        const POINTS: usize = 300;
        let Some(problem) = self.problem.as_ref().filter(|p| p.classes().is_some()) else {
            return;
        };
        let problem = Arc::clone(problem);
        let tracks = &self.tracks;
        let key = (
            self.generation,
            tracks.iter().map(Track::len).sum::<usize>(),
        );
        self.accuracies.want(key, || AccuracyRequest {
            problem,
            runs: tracks
                .iter()
                .map(|t| {
                    t.decimated(t.len().saturating_sub(1), POINTS)
                        .map(|(k, p, _)| (k, p.to_vec()))
                        .collect()
                })
                .collect(),
        });
    }

    /// Per run, (row, training accuracy) points (classifiers, on request).
    pub fn accuracy(&self) -> &[Vec<[f64; 2]>] {
        self.accuracies.value().map_or(&[], Vec::as_slice)
    }

    /// Asks for the decision map of `params` over `view` (classifiers only).
    pub fn want_decision(&mut self, params: &[f64], view: ViewBox, size: (usize, usize)) {
        let Some(problem) = self.problem.as_ref().filter(|p| p.classes().is_some()) else {
            return;
        };
        let problem = Arc::clone(problem);
        self.decisions
            .want((params.to_vec(), view, size), || DecisionRequest {
                problem,
                params: params.to_vec(),
                view,
                size,
            });
    }

    /// The latest decision map (classifiers) and its version.
    pub fn decision(&self) -> Option<(u64, &Overlay)> {
        self.decisions
            .value()
            .and_then(Option::as_ref)
            .map(|o| (self.decisions.version(), o))
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

/// Whether two field requests cover nearly the same box (within 0.1 % of
/// its size) at the same resolution: panning by a pixel asks for no new field.
fn close_specs(a: &FieldSpec, b: &FieldSpec) -> bool {
    let tol_x = (a.view.x.1 - a.view.x.0).abs() * 1e-3;
    let tol_y = (a.view.y.1 - a.view.y.0).abs() * 1e-3;
    (a.view.x.0 - b.view.x.0).abs() < tol_x
        && (a.view.x.1 - b.view.x.1).abs() < tol_x
        && (a.view.y.0 - b.view.y.0).abs() < tol_y
        && (a.view.y.1 - b.view.y.1).abs() < tol_y
        && a.cols == b.cols
        && a.rows == b.rows
}
