//! Polylines clipped to a box (plotters draws whatever it is given, so paths
//! that leave the view, or diverge to 1e300, are cut here first).

use crate::problem::ViewBox;

/// Clips segment `a → b` to `view` (Liang–Barsky); `None` when it misses.
fn clip_segment(a: [f64; 2], b: [f64; 2], view: ViewBox) -> Option<([f64; 2], [f64; 2])> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a[0] - view.x.0),
        (dx, view.x.1 - a[0]),
        (-dy, a[1] - view.y.0),
        (dy, view.y.1 - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then(|| {
        (
            [a[0] + t0 * dx, a[1] + t0 * dy],
            [a[0] + t1 * dx, a[1] + t1 * dy],
        )
    })
}

/// The parts of `points` (joined in order) inside `view`; non-finite points
/// break the line.
pub fn clip_polyline(points: &[[f64; 2]], view: ViewBox) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let clipped = if finite(&a) && finite(&b) {
            clip_segment(a, b, view)
        } else {
            None
        };
        match clipped {
            Some((p, q)) => {
                let continues = current.last().is_some_and(|&(x, y)| x == p[0] && y == p[1]);
                if !continues && !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                if current.is_empty() {
                    current.push((p[0], p[1]));
                }
                current.push((q[0], q[1]));
            }
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `line` ready for a thick stroke: points closer than `min_step` (in each
/// axis's units, about a pixel) to the last kept one are dropped, and the
/// line is cut where it turns back by more than 120°. plotters' wide-line
/// joins go wrong on zero-length segments and hairpin turns, and then whole
/// segments vanish.
pub fn strokeable(line: &[(f64, f64)], min_step: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut kept: Vec<(f64, f64)> = Vec::with_capacity(line.len());
    for &p in line {
        let far = kept.last().is_none_or(|&(x, y): &(f64, f64)| {
            (p.0 - x).abs() >= min_step.0 || (p.1 - y).abs() >= min_step.1
        });
        if far {
            kept.push(p);
        }
    }
    if let (Some(&last), Some(&end)) = (kept.last(), line.last())
        && last != end
        && kept.len() == 1
    {
        kept.push(end);
    }
    let mut out = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for &p in &kept {
        if let [.., a, b] = current.as_slice() {
            // Directions in pixel-like units, so the test is scale-free.
            let d1 = ((b.0 - a.0) / min_step.0, (b.1 - a.1) / min_step.1);
            let d2 = ((p.0 - b.0) / min_step.0, (p.1 - b.1) / min_step.1);
            let dot = d1.0 * d2.0 + d1.1 * d2.1;
            let norms = (d1.0.hypot(d1.1)) * (d2.0.hypot(d2.1));
            if dot < -0.5 * norms {
                let joint = *b;
                out.push(std::mem::take(&mut current));
                current.push(joint);
            }
        }
        current.push(p);
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: ViewBox = ViewBox {
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };

    #[test]
    fn inside_stays_whole_and_leaving_splits() {
        let inside = clip_polyline(&[[0.1, 0.1], [0.5, 0.5], [0.9, 0.2]], UNIT);
        assert_eq!(inside, vec![vec![(0.1, 0.1), (0.5, 0.5), (0.9, 0.2)]]);
        let out_and_back = clip_polyline(&[[0.5, 0.5], [1.5, 0.5], [0.5, 0.25]], UNIT);
        assert_eq!(out_and_back.len(), 2);
        assert_eq!(out_and_back[0], vec![(0.5, 0.5), (1.0, 0.5)]);
        assert_eq!(out_and_back[1][1], (0.5, 0.25));
    }

    #[test]
    fn divergence_and_nan_are_cut() {
        let lines = clip_polyline(&[[0.5, 0.5], [1e300, -1e300], [f64::NAN, 0.0]], UNIT);
        assert_eq!(lines.len(), 1);
        let end = lines[0][1];
        assert!(
            (0.0..=1.0).contains(&end.0) && (0.0..=1.0).contains(&end.1),
            "{end:?}"
        );
    }

    #[test]
    fn strokes_drop_near_duplicates_and_cut_hairpins() {
        let line = [(0.0, 0.0), (0.001, 0.0), (1.0, 0.0), (0.0, 0.1), (0.0, 1.0)];
        let pieces = strokeable(&line, (0.01, 0.01));
        assert_eq!(
            pieces,
            vec![
                vec![(0.0, 0.0), (1.0, 0.0)],
                vec![(1.0, 0.0), (0.0, 0.1), (0.0, 1.0)]
            ]
        );
    }
}
