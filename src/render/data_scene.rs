//! What a picture of a model on data shows, as the window's data view does:
//! the points (held-out ones apart), each run's fitted curve (regressions)
//! or a classifier's decision map, at the rows the picture (or each frame of
//! an animation) shows.

use crate::analysis::classifier::class_map;
use crate::problem::{Problem, Samples, ViewBox};
use crate::render::maps::decision_rgba;
use crate::sim::Simulation;

/// Points per fitted curve.
const CURVE_SAMPLES: usize = 240;

/// Samples across a decision map (down follows the aspect).
const MAP_COLS: usize = 240;

/// The data, and the runs' fits at a few rows.
#[derive(Clone, Debug, PartialEq)]
pub struct DataScene {
    /// The points.
    pub samples: Samples,
    /// The box drawn: around every point.
    pub view: ViewBox,
    /// Whether the points are labelled classes (equal axis scales, a map).
    pub classes: bool,
    /// Per shown run, in scene order: (row, curve) for each row drawn.
    pub fits: Vec<Vec<(usize, Vec<[f64; 2]>)>>,
    /// A classifier's decision map of its first shown run: (row, RGBA) for
    /// each row drawn, `map_size` samples.
    pub maps: Vec<(usize, Vec<u8>)>,
    /// Samples across and down of each map.
    pub map_size: (usize, usize),
    /// Whose decision map it is.
    pub map_of: String,
}

impl DataScene {
    /// The data of `sim`'s problem (if it has any), with the fits of the
    /// runs `shown` (indices into the simulation's runs) at `rows`, for a
    /// plot `aspect` times as wide as high (classes fill it at equal scales).
    pub fn of(sim: &Simulation, shown: &[usize], rows: &[usize], aspect: f64) -> Option<Self> {
        let problem = sim.problem();
        let samples = problem.samples()?;
        let classes = matches!(samples, Samples::Classes { .. });
        let view = if classes {
            samples.bounds().widened_to(aspect)
        } else {
            samples.bounds()
        };
        let params_at = |run: usize, row: usize| {
            let t = sim.runs().get(run)?.trajectory();
            let row = row.min(t.len().checked_sub(1)?);
            t.params(row).map(<[f64]>::to_vec)
        };
        let fits = if classes {
            Vec::new()
        } else {
            shown
                .iter()
                .map(|&run| {
                    rows.iter()
                        .filter_map(|&row| {
                            Some((row, curve(problem, &params_at(run, row)?, view)?))
                        })
                        .collect()
                })
                .collect()
        };
        let aspect = (view.y.1 - view.y.0) / (view.x.1 - view.x.0);
        let map_size = (
            MAP_COLS,
            ((MAP_COLS as f64 * aspect).round() as usize).clamp(16, 4 * MAP_COLS),
        );
        let first = shown.first().copied();
        let maps = match first.filter(|_| classes) {
            Some(run) => rows
                .iter()
                .filter_map(|&row| {
                    let params = params_at(run, row)?;
                    let map = class_map(problem, &params, view, map_size.0, map_size.1)?;
                    Some((row, decision_rgba(&map)))
                })
                .collect(),
            None => Vec::new(),
        };
        let map_of = first
            .and_then(|run| sim.runs().get(run))
            .map(|r| r.setup().label.clone())
            .unwrap_or_default();
        Some(Self {
            samples,
            view,
            classes,
            fits,
            maps,
            map_size,
            map_of,
        })
    }

    /// The fit of the `k`-th shown run drawn at `row` (the last drawn row
    /// at or before it).
    pub fn fit_at(&self, k: usize, row: usize) -> Option<&[[f64; 2]]> {
        latest(self.fits.get(k)?, row).map(Vec::as_slice)
    }

    /// The decision map drawn at `row`.
    pub fn map_at(&self, row: usize) -> Option<&[u8]> {
        latest(&self.maps, row).map(Vec::as_slice)
    }
}

/// The entry of the last row at or before `row` (else the first).
fn latest<T>(entries: &[(usize, T)], row: usize) -> Option<&T> {
    entries
        .iter()
        .rev()
        .find(|(r, _)| *r <= row)
        .or_else(|| entries.first())
        .map(|(_, v)| v)
}

/// A 1-D regression's prediction across the view.
fn curve(problem: &dyn Problem, params: &[f64], view: ViewBox) -> Option<Vec<[f64; 2]>> {
    (0..=CURVE_SAMPLES)
        .map(|k| {
            let x = view.x.0 + (view.x.1 - view.x.0) * k as f64 / CURVE_SAMPLES as f64;
            problem.predict(params, x).map(|y| [x, y])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::preset::Preset;

    #[test]
    fn a_regression_has_its_points_and_a_fit_per_run_and_row() {
        let preset = Preset::from_ron_str(
            "(problem: LinearRegression(data: Synthetic(n: 30, seed: 2)), steps: 50, runs: [(optimizer: Sgd(lr: 0.1)), (optimizer: Adam(lr: 0.1))])",
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let data = DataScene::of(&sim, &[0, 1], &[0, 50], 1.0).unwrap();
        assert!(!data.classes && data.maps.is_empty());
        assert_eq!(data.fits.len(), 2);
        let start = data.fit_at(0, 10).unwrap();
        let end = data.fit_at(0, 50).unwrap();
        assert_ne!(start, end, "the fit moves between rows");
        assert_eq!(end.len(), CURVE_SAMPLES + 1);
    }

    #[test]
    fn a_classifier_has_a_decision_map_of_its_first_run() {
        let preset = Preset::from_ron_str(
            "(problem: Classification(data: Blobs(n: 60, classes: 2, seed: 1)), steps: 20, runs: [(label: \"GD\", optimizer: Sgd(lr: 0.5))])",
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let data = DataScene::of(&sim, &[0], &[20], 2.0).unwrap();
        assert!(data.classes && data.fits.is_empty());
        let (w, h) = data.map_size;
        assert_eq!(data.map_at(20).unwrap().len(), w * h * 4);
        assert_eq!(data.map_of, "GD");
        // The map fills a plot twice as wide as high at equal scales.
        let (vw, vh) = (data.view.x.1 - data.view.x.0, data.view.y.1 - data.view.y.0);
        assert!((vw / vh - 2.0).abs() < 1e-9, "view {:?}", data.view);
        assert!(((w as f64 / h as f64) - 2.0).abs() < 0.05, "map {w}x{h}");
        let surface = Preset::from_ron_str(crate::DEFAULT_PRESET, "d").unwrap();
        let sim = surface.simulation(Path::new(".")).unwrap();
        assert!(
            DataScene::of(&sim, &[0], &[0], 1.0).is_none(),
            "surfaces have no data"
        );
    }
}
