//! Polylines thinned to the screen: a point is dropped while it stays within
//! half a pixel of the last point kept, so the drawn line moves by at most
//! that much and converged stretches cost one point instead of thousands.

/// Drops, in place, every point but the last that lies within half a pixel
/// (in both x and y) of the point kept before it. `units_per_pixel` is the
/// plot's scale; a scale that is not positive and finite keeps every point.
pub fn thin_to_pixels(points: &mut Vec<[f64; 2]>, units_per_pixel: [f64; 2]) {
    let [hx, hy] = units_per_pixel.map(|u| 0.5 * u.abs());
    if !(hx > 0.0 && hy > 0.0 && hx.is_finite() && hy.is_finite()) || points.len() < 3 {
        return;
    }
    let last = points.len() - 1;
    let mut kept = 1;
    for i in 1..points.len() {
        let (p, q) = (points[i], points[kept - 1]);
        if i == last || (p[0] - q[0]).abs() >= hx || (p[1] - q[1]).abs() >= hy {
            points[kept] = p;
            kept += 1;
        }
    }
    points.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_converged_tail_becomes_its_last_point() {
        let mut points: Vec<[f64; 2]> = (0..10).map(|k| [f64::from(k), 0.0]).collect();
        points.extend((0..1000).map(|k| [9.0 + 1e-4 * f64::from(k), 1e-5]));
        thin_to_pixels(&mut points, [1.0, 1.0]);
        assert_eq!(points.len(), 11, "{points:?}");
        assert_eq!(points[9], [9.0, 0.0]);
        assert_eq!(*points.last().unwrap(), [9.0999, 1e-5]);
    }

    #[test]
    fn every_dropped_point_lies_within_half_a_pixel_of_one_kept() {
        // A spiral of 5 000 points, denser towards its centre.
        let full: Vec<[f64; 2]> = (0..5000)
            .map(|k| {
                let t = f64::from(k) * 0.01;
                let r = 50.0 / (1.0 + t);
                [r * t.cos(), r * t.sin()]
            })
            .collect();
        let mut thinned = full.clone();
        thin_to_pixels(&mut thinned, [0.2, 0.1]);
        assert!(thinned.len() < full.len() / 2, "{} points", thinned.len());
        assert_eq!(thinned.first(), full.first());
        assert_eq!(thinned.last(), full.last());
        let mut kept = thinned.iter().peekable();
        let mut anchor = full[0];
        for p in &full {
            if kept.peek() == Some(&p) {
                anchor = *p;
                kept.next();
            } else {
                assert!((p[0] - anchor[0]).abs() < 0.1 && (p[1] - anchor[1]).abs() < 0.05);
            }
        }
        assert!(kept.next().is_none(), "the kept points are in order");
    }

    #[test]
    fn a_degenerate_scale_keeps_every_point() {
        let points = vec![[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]];
        for scale in [[0.0, 1.0], [f64::NAN, 1.0], [1.0, f64::INFINITY]] {
            let mut p = points.clone();
            thin_to_pixels(&mut p, scale);
            assert_eq!(p, points);
        }
    }
}
