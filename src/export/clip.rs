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
/// axis's units, about a pixel) to the last kept one are dropped, so are
/// points within a tenth of a pixel of the straight line past them, and the
/// line is cut where it turns back by more than 120°. plotters' wide-line
/// joins go wrong on zero-length segments and hairpin turns, and then whole
/// segments vanish; many short segments of a straight line wobble.
pub fn strokeable(line: &[(f64, f64)], min_step: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut spaced: Vec<(f64, f64)> = Vec::with_capacity(line.len());
    for &p in line {
        let far = spaced.last().is_none_or(|&(x, y): &(f64, f64)| {
            (p.0 - x).abs() >= min_step.0 || (p.1 - y).abs() >= min_step.1
        });
        if far {
            spaced.push(p);
        }
    }
    let mut kept = straightened(&spaced, min_step);
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

/// The most points one straight segment may stand for (bounds the work).
const MAX_SPAN: usize = 64;

/// `line` with the points dropped that lie within a tenth of a pixel of a
/// straight segment between two kept ones (at most [`MAX_SPAN`] apart).
fn straightened(line: &[(f64, f64)], pixel: (f64, f64)) -> Vec<(f64, f64)> {
    let Some(&first) = line.first() else {
        return Vec::new();
    };
    let mut kept = vec![first];
    // The points after the last kept one; the last of them ends the segment.
    let mut span: Vec<(f64, f64)> = Vec::with_capacity(MAX_SPAN);
    for &p in &line[1..] {
        let anchor = kept[kept.len() - 1];
        let straight =
            span.len() < MAX_SPAN && span.iter().all(|&q| off_chord(anchor, q, p, pixel) < 0.1);
        if !straight && let Some(&end) = span.last() {
            kept.push(end);
            span.clear();
        }
        span.push(p);
    }
    kept.extend(span.last());
    kept
}

/// How far `b` lies from the segment `a`–`p`, in pixels (`pixel` is one
/// pixel in each axis's units); infinite when `b` is not between them.
fn off_chord(a: (f64, f64), b: (f64, f64), p: (f64, f64), pixel: (f64, f64)) -> f64 {
    let to_px = |q: (f64, f64)| (q.0 / pixel.0, q.1 / pixel.1);
    let (a, b, p) = (to_px(a), to_px(b), to_px(p));
    let (dx, dy) = (p.0 - a.0, p.1 - a.1);
    let length2 = dx * dx + dy * dy;
    if length2 == 0.0 {
        return (b.0 - a.0).hypot(b.1 - a.1);
    }
    let t = ((b.0 - a.0) * dx + (b.1 - a.1) * dy) / length2;
    if !(0.0..=1.0).contains(&t) {
        return f64::INFINITY;
    }
    (b.0 - (a.0 + t * dx)).hypot(b.1 - (a.1 + t * dy))
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

    #[test]
    fn a_straight_line_is_one_segment_and_corners_stay() {
        let line: Vec<(f64, f64)> = (0..=240)
            .map(|i| (f64::from(i), 0.6 * f64::from(i)))
            .collect();
        let pieces = strokeable(&line, (1.0, 1.0));
        assert_eq!(pieces.len(), 1);
        let kept = &pieces[0];
        assert!(kept.len() <= 240 / MAX_SPAN + 2, "{kept:?}");
        assert_eq!(
            (kept[0], kept[kept.len() - 1]),
            ((0.0, 0.0), (240.0, 144.0))
        );
        // A gentle curve keeps enough points to stay within a pixel.
        let arc: Vec<(f64, f64)> = (0..=200)
            .map(|i| {
                let t = f64::from(i) / 200.0 * std::f64::consts::FRAC_PI_2;
                (100.0 * t.cos(), 100.0 * t.sin())
            })
            .collect();
        let kept = &strokeable(&arc, (1.0, 1.0))[0];
        assert!(kept.len() < arc.len() / 2, "{} points", kept.len());
        for w in kept.windows(2) {
            let mid = (f64::midpoint(w[0].0, w[1].0), f64::midpoint(w[0].1, w[1].1));
            assert!(100.0 - mid.0.hypot(mid.1) < 0.5, "{w:?} cuts the corner");
        }
        let corner = [
            (0.0, 0.0),
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 5.0),
            (10.0, 10.0),
        ];
        assert_eq!(
            strokeable(&corner, (1.0, 1.0)),
            vec![vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]]
        );
    }
}
