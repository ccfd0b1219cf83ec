//! The maps laid over the parameter and data views, as RGBA pixels (top row
//! first): basins of attraction and a classifier's decision map.

use super::palette;
use crate::analysis::basins::{BasinMap, DIVERGED, UNSETTLED};
use crate::analysis::classifier::ClassMap;

/// Half-transparent basin colours; diverged starts dark, unsettled grey.
pub fn basin_rgba(map: &BasinMap) -> Vec<u8> {
    let (nx, ny) = (map.cols, map.rows);
    let mut rgba = Vec::with_capacity(nx * ny * 4);
    for j in (0..ny).rev() {
        for i in 0..nx {
            let label = map.labels.get(j * nx + i).copied().unwrap_or(DIVERGED);
            let (r, g, b) = match label {
                DIVERGED => (20, 20, 20),
                UNSETTLED => (70, 70, 70),
                k => palette::basin_rgb(usize::from(k)),
            };
            rgba.extend_from_slice(&[r, g, b, 150]);
        }
    }
    rgba
}

/// The class colours mixed by probability, with an opacity that grows with
/// confidence (laid over the plot's background, whatever its theme): the
/// boundary is faint, confident regions are tinted more.
pub fn decision_rgba(map: &ClassMap) -> Vec<u8> {
    let classes = map.classes.max(1);
    let mut rgba = Vec::with_capacity(map.cols * map.rows * 4);
    for j in 0..map.rows {
        for i in 0..map.cols {
            let probs = map.at(i, j);
            let (mut r, mut g, mut b) = (0.0, 0.0, 0.0);
            for (k, p) in probs.iter().enumerate() {
                let (cr, cg, cb) = palette::class_rgb(k);
                r += p * f64::from(cr);
                g += p * f64::from(cg);
                b += p * f64::from(cb);
            }
            let confidence = probs.iter().copied().fold(0.0, f64::max);
            let share = (confidence - 1.0 / classes as f64) * classes as f64;
            let tint = 0.15 + 0.3 * (share / (classes as f64 - 1.0)).clamp(0.0, 1.0);
            rgba.extend_from_slice(&[
                r.round() as u8,
                g.round() as u8,
                b.round() as u8,
                (tint * 255.0).round() as u8,
            ]);
        }
    }
    rgba
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trained_logistic_boundary_splits_the_blobs() {
        let (_, _, map) = crate::analysis::classifier::two_blobs();
        let map = decision_rgba(&map);
        assert_eq!(map.len(), 20 * 10 * 4);
        let pixel = |i: usize, j: usize| &map[(j * 20 + i) * 4..(j * 20 + i) * 4 + 3];
        let (left, right) = (pixel(0, 5), pixel(19, 5));
        assert_ne!(left, right, "the two sides get different classes");
        // The right side (x > 0) is class 0's colour, tinted.
        let blue = palette::class_rgb(0);
        assert!(right[2] > right[0] && blue.2 > blue.0, "{right:?}");
    }
}
