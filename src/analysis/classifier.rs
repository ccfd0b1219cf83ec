//! What a classifier predicts off its training points: class probabilities
//! over a grid (the decision map, which `render::maps` colours) and
//! accuracy along each run's path, both computed off the UI thread.

use std::sync::Arc;

use crate::problem::{Problem, ViewBox};

/// A classifier's predicted class probabilities over a grid.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassMap {
    /// The region covered.
    pub view: ViewBox,
    /// Samples across.
    pub cols: usize,
    /// Samples down.
    pub rows: usize,
    /// Number of classes.
    pub classes: usize,
    /// `classes` probabilities per sample, top row first.
    pub probabilities: Vec<f64>,
}

impl ClassMap {
    /// The probabilities at column `i`, row `j` (row 0 at the top).
    pub fn at(&self, i: usize, j: usize) -> &[f64] {
        let k = (j * self.cols + i) * self.classes;
        self.probabilities
            .get(k..k + self.classes)
            .unwrap_or_default()
    }
}

/// The class probabilities of `params` over `view`; `None` for non-classifiers.
pub fn class_map(
    problem: &dyn Problem,
    params: &[f64],
    view: ViewBox,
    cols: usize,
    rows: usize,
) -> Option<ClassMap> {
    let classes = problem.classes()?;
    let mut probabilities = vec![0.0; cols * rows * classes];
    let mut cells = probabilities.chunks_exact_mut(classes);
    for j in (0..rows).rev() {
        let y = view.y.0 + (j as f64 + 0.5) / rows as f64 * (view.y.1 - view.y.0);
        for i in 0..cols {
            let x = view.x.0 + (i as f64 + 0.5) / cols as f64 * (view.x.1 - view.x.0);
            if let Some(cell) = cells.next() {
                problem.class_probabilities(params, [x, y], cell);
            }
        }
    }
    Some(ClassMap {
        view,
        cols,
        rows,
        classes,
        probabilities,
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

impl DecisionRequest {
    /// The map it asks for.
    pub fn compute(&self) -> Option<ClassMap> {
        class_map(
            self.problem.as_ref(),
            &self.params,
            self.view,
            self.size.0,
            self.size.1,
        )
    }
}

/// Accuracy curves to compute: per run, (row, parameters) samples.
#[derive(Debug)]
pub struct AccuracyRequest {
    /// The classifier.
    pub problem: Arc<dyn Problem>,
    /// Per run, the rows to score and their parameters.
    pub runs: Vec<Vec<(usize, Vec<f64>)>>,
}

impl AccuracyRequest {
    /// Per run, (row, training accuracy) points; cut short when the worker
    /// is being shut down.
    pub fn compute(&self) -> Vec<Vec<[f64; 2]>> {
        self.runs
            .iter()
            .map(|rows| {
                rows.iter()
                    .take_while(|_| !crate::support::worker::should_stop())
                    .filter_map(|(k, p)| Some([*k as f64, self.problem.accuracy(p)?]))
                    .collect()
            })
            .collect()
    }
}

/// For tests: logistic regression on two tight blobs at (2, 0) and (−2, 0),
/// the parameters of a boundary between them (logit = −3x), and the 20 × 10
/// map of those parameters over the data.
#[cfg(test)]
pub(crate) fn two_blobs() -> (crate::problem::Network, [f64; 3], ClassMap) {
    use crate::problem::{Activation, ClassDataSource, Network, Problem as _};
    let data = ClassDataSource::Blobs {
        n: 100,
        classes: 2,
        spread: 0.3,
        seed: 0,
    }
    .load(std::path::Path::new("."))
    .unwrap_or_else(|e| unreachable!("generated data: {e}"));
    let net = Network::new(data, &[], Activation::Tanh, 0);
    let params = [-3.0, 0.0, 0.0];
    let view = net.samples().map_or(
        ViewBox {
            x: (-3.0, 3.0),
            y: (-3.0, 3.0),
        },
        |s| s.bounds(),
    );
    let map = class_map(&net, &params, view, 20, 10)
        .unwrap_or_else(|| unreachable!("a classifier has a class map"));
    (net, params, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trained_logistic_boundary_splits_the_blobs() {
        let (_, _, map) = two_blobs();
        assert_eq!(map.probabilities.len(), 20 * 10 * 2);
        let (left, right) = (map.at(0, 5), map.at(19, 5));
        assert!(right[0] > 0.9 && left[1] > 0.9, "{left:?} {right:?}");
        for j in 0..10 {
            for i in 0..20 {
                assert!((map.at(i, j).iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
        }
    }
}
