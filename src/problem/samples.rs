//! A problem's data as the data view draws it: points, held-out points and labels.

use super::ViewBox;

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
    /// The points of `points` labelled `k`.
    pub fn of_class(points: &[[f64; 2]], labels: &[usize], k: usize) -> Vec<[f64; 2]> {
        points
            .iter()
            .zip(labels)
            .filter(|(_, l)| **l == k)
            .map(|(p, _)| *p)
            .collect()
    }

    /// A box around every point, with a 10 % margin.
    pub fn bounds(&self) -> ViewBox {
        let points: Vec<&[f64; 2]> = match self {
            Self::Line { train, validation } => train.iter().chain(validation).collect(),
            Self::Classes {
                points, held_out, ..
            } => points.iter().chain(held_out).collect(),
        };
        ViewBox::around(points.into_iter().copied())
    }
}
