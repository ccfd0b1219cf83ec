//! Basins of attraction: every start point of a grid over the view, run
//! with one optimizer, coloured by where it ends. Starts that end at the
//! same point (within 2 % of the view) share a label; known minima get the
//! first labels (and colours) so maps of different optimizers compare.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::preset::Preset;
use crate::problem::{Problem, ViewBox};
use crate::sim::{SimError, Simulation, Termination};

/// Label of a start whose run diverged.
pub const DIVERGED: u16 = u16::MAX;
/// Label of a start whose run was still moving at the horizon (‖∇f‖ > 1e-2).
pub const UNSETTLED: u16 = u16::MAX - 1;

/// What to compute.
#[derive(Clone, Debug)]
pub struct BasinRequest {
    /// The scenario.
    pub preset: Preset,
    /// Its problem, built.
    pub problem: Arc<dyn Problem>,
    /// Which run's optimizer, schedule and horizon.
    pub run: usize,
    /// The grid's extent.
    pub view: ViewBox,
    /// Starts across and up (the map's own grid).
    pub resolution: (usize, usize),
}

/// The computed map.
#[derive(Clone, Debug)]
pub struct BasinMap {
    /// Extent.
    pub view: ViewBox,
    /// Starts across.
    pub cols: usize,
    /// Starts up.
    pub rows: usize,
    /// Per start (row 0 at the bottom): the index of its attractor, or [`DIVERGED`].
    pub labels: Vec<u16>,
    /// Where each basin's runs end (their first end point).
    pub attractors: Vec<[f64; 2]>,
}

/// Runs one start per cell of `request.view` (2-parameter problems) and
/// groups the end points; `stop` lets a worker give up early.
pub fn compute(request: &BasinRequest, stop: &(dyn Fn() -> bool + Sync)) -> Option<BasinMap> {
    let BasinRequest {
        preset,
        problem,
        run,
        view,
        resolution,
    } = request;
    let spec = preset.runs.get(*run)?;
    if problem.dim() != 2 {
        return None;
    }
    let (nx, ny) = (resolution.0.clamp(4, 512), resolution.1.clamp(4, 512));
    let mut single = preset.clone();
    single.runs = vec![spec.clone()];
    single.runs[0].start = None;
    let (dx, dy) = (
        (view.x.1 - view.x.0) / nx as f64,
        (view.y.1 - view.y.0) / ny as f64,
    );
    // Some(Err(())) for a run still moving at the horizon.
    let ends: Vec<Option<Result<[f64; 2], ()>>> = (0..nx * ny)
        .into_par_iter()
        .map(|k| {
            if stop() {
                return None;
            }
            let (i, j) = (k % nx, k / nx);
            let start = vec![
                view.x.0 + (i as f64 + 0.5) * dx,
                view.y.0 + (j as f64 + 0.5) * dy,
            ];
            let mut setup = single.sim_setup();
            setup.start = Some(start);
            let mut sim = Simulation::new(Arc::clone(problem), setup).ok()?;
            sim.run_to_end();
            let run = sim.runs().first()?;
            if matches!(run.termination(), Some(Termination::Diverged { .. })) {
                return None;
            }
            let (p, loss) = run.trajectory().last()?;
            if !(loss.is_finite() && p.len() == 2) {
                return None;
            }
            let mut g = [0.0; 2];
            problem.loss_grad(p, crate::problem::Batch::Full, &mut g);
            // Pressed against the box, only the gradient along it counts.
            if let Some(b) = preset.bounds {
                for (g, (v, (lo, hi))) in g.iter_mut().zip(p.iter().zip([b.x, b.y])) {
                    if (*v <= lo && *g > 0.0) || (*v >= hi && *g < 0.0) {
                        *g = 0.0;
                    }
                }
            }
            Some(if g[0].hypot(g[1]) <= 1e-2 {
                Ok([p[0], p[1]])
            } else {
                Err(())
            })
        })
        .collect();
    let radius = 0.02 * (view.x.1 - view.x.0).hypot(view.y.1 - view.y.0);
    let mut attractors: Vec<[f64; 2]> = problem
        .minima()
        .iter()
        .filter(|m| m.point.len() == 2)
        .map(|m| [m.point[0], m.point[1]])
        .collect();
    let labels: Vec<u16> = ends
        .iter()
        .map(|end| {
            let e = match end {
                None => return DIVERGED,
                Some(Err(())) => return UNSETTLED,
                Some(Ok(e)) => e,
            };
            let near = attractors
                .iter()
                .position(|a| (a[0] - e[0]).hypot(a[1] - e[1]) <= radius);
            let k = near.unwrap_or_else(|| {
                attractors.push(*e);
                attractors.len() - 1
            });
            u16::try_from(k).unwrap_or(DIVERGED - 1)
        })
        .collect();
    Some(BasinMap {
        view: *view,
        cols: nx,
        rows: ny,
        labels,
        attractors,
    })
}

impl BasinRequest {
    /// The map, given up early (with `None`) when the worker running it is
    /// being shut down.
    pub fn compute_until_stopped(&self) -> Option<BasinMap> {
        let stop = crate::support::worker::stop_flag();
        let stop = move || {
            stop.as_ref()
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
        };
        compute(self, &stop)
    }
}

/// For tests and benches: the map of `preset`'s run `run` over its view.
pub fn of_preset(
    preset: &Preset,
    base_dir: &Path,
    run: usize,
    resolution: usize,
) -> Result<Option<BasinMap>, SimError> {
    let problem = preset.problem.build(base_dir)?;
    let view = preset.view.or_else(|| problem.view()).unwrap_or(ViewBox {
        x: (-5.0, 5.0),
        y: (-5.0, 5.0),
    });
    Ok(compute(
        &BasinRequest {
            preset: preset.clone(),
            problem,
            run,
            view,
            resolution: (resolution, resolution),
        },
        &|| false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn himmelblau_splits_into_its_four_minima() {
        let preset = Preset::from_ron_str(
            "(problem: Surface(Himmelblau), steps: 400, runs: [(optimizer: Sgd(lr: 0.01)), (optimizer: Sgd(lr: 0.01, momentum: 0.9))])",
            "t",
        )
        .unwrap();
        let gd = of_preset(&preset, Path::new("."), 0, 24).unwrap().unwrap();
        assert_eq!(gd.labels.len(), 24 * 24);
        // The four known minima come first, and GD reaches all four.
        for k in 0..4 {
            let share = gd.labels.iter().filter(|l| usize::from(**l) == k).count();
            assert!(share > 24 * 24 / 10, "basin {k} has {share} starts");
        }
        assert_eq!(crate::render::maps::basin_rgba(&gd).len(), 24 * 24 * 4);
        // A start next to a minimum ends there.
        let (x, y) = (3.0_f64, 2.0_f64);
        let v = gd.view;
        let i = ((x - v.x.0) / (v.x.1 - v.x.0) * 24.0) as usize;
        let j = ((y - v.y.0) / (v.y.1 - v.y.0) * 24.0) as usize;
        let label = gd.labels[j * 24 + i];
        assert!(label < UNSETTLED, "the start next to (3, 2) settles");
        let a = gd.attractors[usize::from(label)];
        assert!((a[0] - 3.0).hypot(a[1] - 2.0) < 0.3, "{a:?}");
        // Heavy momentum paints a different map from the same starts.
        let heavy = of_preset(&preset, Path::new("."), 1, 24).unwrap().unwrap();
        assert_ne!(gd.labels, heavy.labels);
    }

    #[test]
    fn a_run_pressed_against_the_box_has_settled() {
        let preset = Preset::from_ron_str(
            "(problem: Expression(formula: \"(x-2)^2 + (y-1)^2\", view: Some(x: (-1.0, 1.0), y: (0.0, 2.0))), bounds: Some(x: (-1.0, 0.5), y: (0.0, 2.0)), steps: 200, runs: [(optimizer: Sgd(lr: 0.1))])",
            "t",
        )
        .unwrap();
        let map = of_preset(&preset, Path::new("."), 0, 8).unwrap().unwrap();
        let first = map.labels[0];
        assert!(first < UNSETTLED, "settled on the edge x = 0.5");
        assert!(map.labels.iter().all(|l| *l == first), "one basin");
        let a = map.attractors[usize::from(first)];
        assert!(
            (a[0] - 0.5).abs() < 1e-9 && (a[1] - 1.0).abs() < 1e-6,
            "{a:?}"
        );
    }
}
