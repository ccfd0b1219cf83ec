//! What the views ask of the session's workers, and the answers as the
//! views read them. Each `want_*` sends a request only when it differs from
//! the last one.

use std::sync::Arc;

use super::{InspectRequest, Overlay, PaintedBasins, Session, SharpnessAnswer, Track};
use crate::analysis::basins::{BasinMap, BasinRequest};
use crate::analysis::classifier::{AccuracyRequest, DecisionRequest};
use crate::analysis::curvature::{Curvature, CurvatureRequest};
use crate::analysis::field::{Field, FieldRequest, FieldSpec};
use crate::analysis::inspect::Inspection;
use crate::analysis::landscape::{Slice, SliceKind, SliceRequest};
use crate::analysis::sharpness::SharpnessRequest;
use crate::preset::Preset;
use crate::problem::{Problem, ViewBox};

impl Session {
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

    /// Asks for every enabled run's sharpness every `every` steps, once the
    /// rows of the latest request have arrived.
    pub fn want_sharpness(&mut self, preset: &Preset, every: u64) {
        let Some(problem) = &self.problem else {
            return;
        };
        if !self.idle() {
            return;
        }
        let problem = Arc::clone(problem);
        self.sharpness
            .want((self.generation, every), || SharpnessRequest {
                problem,
                setup: preset.sim_setup(),
                every,
                wanted: preset.runs.iter().map(|r| r.enabled).collect(),
            });
    }

    /// The latest sharpness series, the interval they were asked at, and
    /// whether they belong to the rows shown (else newer ones are coming).
    pub fn sharpness(&self) -> Option<(u64, &SharpnessAnswer, bool)> {
        let asked = self.sharpness.asked().copied();
        self.sharpness.answer().map(|(key, answer)| {
            let current = key.0 == self.generation && Some(*key) == asked;
            (key.1, answer, current)
        })
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
