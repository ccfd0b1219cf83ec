//! What a picture of a simulation shows, independent of how it is drawn: the
//! view, the sampled loss field, every visible run's path and losses, the
//! start and the minima. The exporters draw it; nothing here knows egui.

use std::path::Path;

use crate::analysis::field::{self, Field, FieldSpec};
use crate::preset::Preset;
use crate::problem::ViewBox;
use crate::render::data_scene::DataScene;
use crate::render::palette::{self, Rgb};
use crate::sim::{ImportedRun, SimError, Simulation, Termination};

/// Isolines drawn over the heat map, as in the window.
const LEVELS: usize = 18;

/// One run as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneRun {
    /// Legend label.
    pub label: String,
    /// Line colour.
    pub color: Rgb,
    /// The first two parameters of every recorded row.
    pub points: Vec<[f64; 2]>,
    /// The full-data loss of every recorded row.
    pub losses: Vec<f64>,
    /// The validation loss of every row (empty without a split).
    pub val: Vec<f64>,
    /// "diverged at step k" and the like; `None` while running or at the horizon.
    pub status: Option<String>,
    /// The optimizer's companion paths (ASGD's average, Schedule-Free's x
    /// and z), drawn dashed.
    pub companions: Vec<SceneCompanion>,
}

/// A second point an optimizer keeps beside θ, as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneCompanion {
    /// Legend label, e.g. `ASGD · ax`.
    pub label: String,
    /// Its first two coordinates at every row.
    pub points: Vec<[f64; 2]>,
    /// The full-data loss there.
    pub losses: Vec<f64>,
}

/// The first two coordinates and the loss of every row of `rows`.
fn plane_and_losses(rows: &crate::sim::Trajectory) -> (Vec<[f64; 2]>, Vec<f64>) {
    rows.rows()
        .map(|(p, loss)| {
            let point = [
                p.first().copied().unwrap_or(f64::NAN),
                p.get(1).copied().unwrap_or(0.0),
            ];
            (point, loss)
        })
        .unzip()
}

/// Everything a surface or loss picture shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The preset's title (or the problem's name).
    pub title: String,
    /// Names of the two plotted parameters.
    pub axis_names: [String; 2],
    /// The region of parameter space shown.
    pub view: ViewBox,
    /// The loss sampled over `view` (two-parameter problems only).
    pub field: Option<Field>,
    /// Visible runs, in preset order.
    pub runs: Vec<SceneRun>,
    /// Every distinct start point (runs may have their own).
    pub starts: Vec<[f64; 2]>,
    /// Known minima inside or near the view.
    pub minima: Vec<[f64; 2]>,
    /// The box every run is kept in.
    pub bounds: Option<ViewBox>,
    /// The step horizon.
    pub horizon: u64,
    /// A model's data and the runs' fits, for a picture of the data
    /// ([`Scene::with_data`]).
    pub data: Option<DataScene>,
}

impl Scene {
    /// Runs `preset` to its horizon and samples its field on a grid
    /// `resolution` samples across over the problem's view.
    pub fn from_preset(
        preset: &Preset,
        base_dir: &Path,
        resolution: usize,
    ) -> Result<Self, SimError> {
        let mut sim = preset.simulation(base_dir)?;
        sim.run_to_end();
        Ok(Self::from_simulation(preset, &sim, None, None, resolution))
    }

    /// The picture of `sim` (already advanced), over `view` or the problem's
    /// own, widened to `aspect` (width / height) when given so that one unit
    /// is as long across as down, as in the window.
    pub fn from_simulation(
        preset: &Preset,
        sim: &Simulation,
        view: Option<ViewBox>,
        aspect: Option<f64>,
        resolution: usize,
    ) -> Self {
        let problem = sim.problem();
        let two_d = problem.dim() == 2;
        let runs: Vec<SceneRun> = sim
            .runs()
            .iter()
            .enumerate()
            .filter(|(i, _)| preset.runs.get(*i).is_none_or(|r| r.enabled))
            .map(|(i, run)| {
                let (points, losses) = plane_and_losses(run.trajectory());
                let companions = run
                    .companions()
                    .map(|(name, rows)| {
                        let (points, losses) = plane_and_losses(rows);
                        SceneCompanion {
                            label: format!("{} · {name}", run.setup().label),
                            points,
                            losses,
                        }
                    })
                    .collect();
                SceneRun {
                    companions,
                    label: preset.runs.get(i).map_or_else(
                        || run.setup().label.clone(),
                        crate::preset::RunSpec::legend_label,
                    ),
                    color: palette::run_rgb(i, preset.runs.get(i).and_then(|r| r.color)),
                    points,
                    losses,
                    val: run.val_losses().to_vec(),
                    status: match run.termination() {
                        None | Some(Termination::MaxSteps) => None,
                        Some(t) => Some(t.to_string()),
                    },
                }
            })
            .collect();
        let mut starts: Vec<[f64; 2]> = Vec::new();
        for p in runs.iter().filter_map(|r| r.points.first()) {
            if !starts.contains(p) {
                starts.push(*p);
            }
        }
        let view = view
            .or_else(|| problem.view())
            .unwrap_or_else(|| fit(&runs));
        let view = aspect.map_or(view, |a| view.widened_to(a));
        let field = two_d.then(|| {
            let aspect = (view.y.1 - view.y.0) / (view.x.1 - view.x.0);
            let cols = resolution.max(8);
            let rows = ((resolution as f64 * aspect).round() as usize).clamp(8, 4 * cols);
            field::compute(
                problem,
                &FieldSpec {
                    view,
                    cols,
                    rows,
                    levels: LEVELS,
                },
            )
        });
        let names = problem.param_names();
        Self {
            title: if preset.title.is_empty() {
                problem.name()
            } else {
                preset.title.clone()
            },
            axis_names: [
                names.first().cloned().unwrap_or_else(|| "x".into()),
                names.get(1).cloned().unwrap_or_else(|| "y".into()),
            ],
            view,
            field,
            runs,
            starts,
            minima: problem
                .minima()
                .into_iter()
                .filter_map(|m| Some([*m.point.first()?, *m.point.get(1)?]))
                .collect(),
            bounds: preset.bounds,
            horizon: sim.horizon(),
            data: None,
        }
    }

    /// The same with `imported` (from [`Preset::imported_runs`]) drawn after
    /// the runs, each in its overlay's colour or the palette's next.
    #[must_use]
    pub fn with_overlays(mut self, preset: &Preset, imported: &[(usize, ImportedRun)]) -> Self {
        for (k, (overlay, run)) in imported.iter().enumerate() {
            let (points, losses) = plane_and_losses(&run.rows);
            let chosen = preset.overlays.get(*overlay).and_then(|o| o.color);
            self.runs.push(SceneRun {
                label: run.label.clone(),
                color: palette::run_rgb(preset.runs.len() + k, chosen),
                points,
                losses,
                val: Vec::new(),
                status: None,
                companions: Vec::new(),
            });
        }
        self
    }

    /// The same with the model's data and every shown run's fit (or the
    /// first one's decision map) at `rows`; nothing for a surface.
    #[must_use]
    /// `aspect` is the data plot's width over height: classes fill it at one
    /// unit as long across as down.
    pub fn with_data(
        mut self,
        preset: &Preset,
        sim: &Simulation,
        rows: &[usize],
        aspect: f64,
    ) -> Self {
        let shown: Vec<usize> = (0..sim.runs().len())
            .filter(|i| preset.runs.get(*i).is_none_or(|r| r.enabled))
            .collect();
        self.data = DataScene::of(sim, &shown, rows, aspect);
        self
    }

    /// The most rows any run recorded.
    pub fn rows(&self) -> usize {
        self.runs.iter().map(|r| r.points.len()).max().unwrap_or(0)
    }
}

/// A box around every finite point, with a margin, for problems without a view.
fn fit(runs: &[SceneRun]) -> ViewBox {
    ViewBox::around(runs.iter().flat_map(|r| r.points.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scene_holds_every_visible_run_and_the_field() {
        let mut preset = Preset::from_ron_str(
            "(problem: Surface(Himmelblau), steps: 50, runs: [(optimizer: Adam(lr: 0.1)), (optimizer: Sgd(lr: 0.01)), (optimizer: Sgd(lr: 0.02))])",
            "t",
        )
        .unwrap();
        preset.runs[1].enabled = false;
        let scene = Scene::from_preset(&preset, Path::new("."), 64).unwrap();
        assert_eq!(scene.runs.len(), 2);
        assert_eq!(
            scene.runs[1].color,
            palette::RUNS[2],
            "colours keep the run index"
        );
        assert_eq!(scene.rows(), 51);
        assert_eq!(scene.minima.len(), 4);
        let field = scene.field.as_ref().unwrap();
        assert_eq!(field.spec.cols, 64);
        assert_eq!(field.rgba.len(), 4 * field.spec.cols * field.spec.rows);
    }
}
