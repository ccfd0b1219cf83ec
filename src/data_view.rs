//! What the data view shows for a problem with data: the samples, each run's
//! fitted line (regression) and a classifier's decision map at given
//! parameters. No egui here; the map is computed off the UI thread.

use std::sync::Arc;

use crate::palette::{self, Rgb};
use crate::problem::{Problem, ViewBox};
use crate::worker::LatestWorker;

/// The samples of a data problem, for drawing.
#[derive(Clone, Debug, PartialEq)]
pub enum Samples {
    /// (x, y) points of a 1-D regression.
    Line {
        /// The points trained on.
        train: Vec<[f64; 2]>,
        /// Held-out points (may be empty).
        validation: Vec<[f64; 2]>,
    },
    /// Labelled 2-D points.
    Classes {
        /// (x1, x2) per point.
        points: Vec<[f64; 2]>,
        /// Label per point.
        labels: Vec<usize>,
        /// Number of classes.
        classes: usize,
        /// Held-out points (may be empty).
        held_out: Vec<[f64; 2]>,
        /// Their labels.
        held_out_labels: Vec<usize>,
    },
}

impl Samples {
    /// A box around every point, with a 10 % margin.
    pub fn bounds(&self) -> ViewBox {
        let points: Vec<&[f64; 2]> = match self {
            Self::Line { train, validation } => train.iter().chain(validation).collect(),
            Self::Classes {
                points, held_out, ..
            } => points.iter().chain(held_out).collect(),
        };
        let mut b = ViewBox {
            x: (f64::INFINITY, f64::NEG_INFINITY),
            y: (f64::INFINITY, f64::NEG_INFINITY),
        };
        for p in points {
            b.x = (b.x.0.min(p[0]), b.x.1.max(p[0]));
            b.y = (b.y.0.min(p[1]), b.y.1.max(p[1]));
        }
        if !(b.x.0.is_finite() && b.y.0.is_finite()) {
            return ViewBox {
                x: (-1.0, 1.0),
                y: (-1.0, 1.0),
            };
        }
        let pad = |(a, c): (f64, f64)| {
            let m = ((c - a) * 0.1).max(1e-3);
            (a - m, c + m)
        };
        ViewBox {
            x: pad(b.x),
            y: pad(b.y),
        }
    }
}

/// The colour of class `k` (Okabe–Ito, starting with blue and vermillion so
/// classes do not look like the first runs).
pub fn class_rgb(k: usize) -> Rgb {
    const CLASSES: [Rgb; 8] = [
        (0, 114, 178),
        (213, 94, 0),
        (0, 158, 115),
        (204, 121, 167),
        (240, 228, 66),
        (86, 180, 233),
        (230, 159, 0),
        (200, 200, 200),
    ];
    CLASSES[k % CLASSES.len()]
}

/// A classifier's predicted class probabilities over a grid, as colours.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionMap {
    /// The region covered.
    pub view: ViewBox,
    /// Samples across.
    pub cols: usize,
    /// Samples down.
    pub rows: usize,
    /// RGBA pixels, top row first: the class colours mixed by probability,
    /// darkened towards the panel background.
    pub rgba: Vec<u8>,
}

/// The decision map of `params` over `view`; `None` for non-classifiers.
pub fn decision_map(
    problem: &dyn Problem,
    params: &[f64],
    view: ViewBox,
    cols: usize,
    rows: usize,
) -> Option<DecisionMap> {
    let classes = problem.classes()?;
    let mut probs = vec![0.0; classes];
    let mut rgba = Vec::with_capacity(cols * rows * 4);
    let (br, bg, bb) = palette::PLOT_BACKGROUND;
    for j in (0..rows).rev() {
        let y = view.y.0 + (j as f64 + 0.5) / rows as f64 * (view.y.1 - view.y.0);
        for i in 0..cols {
            let x = view.x.0 + (i as f64 + 0.5) / cols as f64 * (view.x.1 - view.x.0);
            problem.class_probabilities(params, [x, y], &mut probs);
            let (mut r, mut g, mut b) = (0.0, 0.0, 0.0);
            for (k, p) in probs.iter().enumerate() {
                let (cr, cg, cb) = class_rgb(k);
                r += p * f64::from(cr);
                g += p * f64::from(cg);
                b += p * f64::from(cb);
            }
            // Confident regions are tinted more than the boundary.
            let confidence = probs.iter().copied().fold(0.0, f64::max);
            let tint = 0.15
                + 0.3
                    * ((confidence - 1.0 / classes as f64) * classes as f64
                        / (classes as f64 - 1.0))
                        .clamp(0.0, 1.0);
            let mix = |c: f64, base: u8| (f64::from(base) * (1.0 - tint) + c * tint).round() as u8;
            rgba.extend_from_slice(&[mix(r, br), mix(g, bg), mix(b, bb), 255]);
        }
    }
    Some(DecisionMap {
        view,
        cols,
        rows,
        rgba,
    })
}

/// A decision map to compute.
#[derive(Debug)]
pub struct DecisionRequest {
    /// The classifier.
    pub problem: Arc<dyn Problem>,
    /// Its parameters (a run at the play head).
    pub params: Vec<f64>,
    /// Where.
    pub view: ViewBox,
    /// Samples across and down.
    pub size: (usize, usize),
}

/// The UI's end of the decision-map thread.
pub type DecisionWorker = LatestWorker<DecisionRequest, Option<DecisionMap>>;

/// Starts the decision-map thread; `waker` runs after each answer.
pub fn spawn(waker: impl Fn() + Send + 'static) -> std::io::Result<DecisionWorker> {
    LatestWorker::spawn(
        "descent-decision-map",
        |r: DecisionRequest| {
            decision_map(r.problem.as_ref(), &r.params, r.view, r.size.0, r.size.1)
        },
        waker,
    )
}

/// Accuracy curves to compute: per run, (row, parameters) samples.
#[derive(Debug)]
pub struct AccuracyRequest {
    /// The classifier.
    pub problem: Arc<dyn Problem>,
    /// Per run, the rows to score and their parameters.
    pub runs: Vec<Vec<(usize, Vec<f64>)>>,
}

/// The UI's end of the accuracy thread: per run, (row, accuracy) points.
pub type AccuracyWorker = LatestWorker<AccuracyRequest, Vec<Vec<[f64; 2]>>>;

/// Starts the accuracy thread; `waker` runs after each answer.
pub fn spawn_accuracy(waker: impl Fn() + Send + 'static) -> std::io::Result<AccuracyWorker> {
    LatestWorker::spawn(
        "descent-accuracy",
        |r: AccuracyRequest| {
            r.runs
                .iter()
                .map(|rows| {
                    rows.iter()
                        .take_while(|_| !crate::worker::should_stop())
                        .filter_map(|(k, p)| Some([*k as f64, r.problem.accuracy(p)?]))
                        .collect()
                })
                .collect()
        },
        waker,
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::problem::{Activation, ClassDataSource, Network};

    #[test]
    fn a_trained_logistic_boundary_splits_the_blobs() {
        let data = ClassDataSource::Blobs {
            n: 100,
            classes: 2,
            spread: 0.3,
            seed: 0,
        }
        .load(Path::new("."))
        .unwrap();
        let net = Network::new(data, &[], Activation::Tanh, 0);
        // Blob 0 sits at (2, 0), blob 1 at (−2, 0): logit = −x separates them.
        let params = [-3.0, 0.0, 0.0];
        let samples = net.samples().unwrap();
        let view = samples.bounds();
        let map = decision_map(&net, &params, view, 20, 10).unwrap();
        assert_eq!(map.rgba.len(), 20 * 10 * 4);
        let pixel = |i: usize, j: usize| &map.rgba[(j * 20 + i) * 4..(j * 20 + i) * 4 + 3];
        let (left, right) = (pixel(0, 5), pixel(19, 5));
        assert_ne!(left, right, "the two sides get different classes");
        // The right side (x > 0) is class 0's colour, tinted.
        let blue = class_rgb(0);
        assert!(right[2] > right[0] && blue.2 > blue.0, "{right:?}");
    }
}
