//! The loss sampled on a grid: heat-map pixels, contour levels and isolines.
//!
//! Shared by the window and (later) the exporters; computed off the UI thread.

use crate::problem::{Problem, ViewBox};
use rayon::prelude::*;

/// What to sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldSpec {
    /// The region.
    pub view: ViewBox,
    /// Samples across.
    pub cols: usize,
    /// Samples down.
    pub rows: usize,
    /// Number of isolines.
    pub levels: usize,
}

/// One contour level and its polylines.
#[derive(Clone, Debug, PartialEq)]
pub struct Isoline {
    /// The loss on this line.
    pub value: f64,
    /// Polylines in parameter coordinates.
    pub paths: Vec<Vec<[f64; 2]>>,
}

/// A sampled loss field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// What was sampled.
    pub spec: FieldSpec,
    /// RGBA pixels, `rows × cols`, top row = largest y.
    pub rgba: Vec<u8>,
    /// Isolines, lowest level first.
    pub isolines: Vec<Isoline>,
    /// Smallest and largest finite loss seen.
    pub range: (f64, f64),
    /// Whether colours and levels are log-spaced.
    pub log_scale: bool,
    /// Arrows of −∇f on a coarse grid: `[x, y, dx, dy]`, each scaled to 0.4
    /// of a grid cell (direction only; steepness is in the isolines).
    pub quiver: Vec<[f64; 4]>,
    /// The colour scale as a height in [0, 1] per sample, `rows × cols`,
    /// row 0 at the bottom (for the 3-D view).
    pub heights: Vec<f32>,
    /// Maps a loss to the same height.
    pub height_scale: HeightScale,
}

/// The colour scale as a height: a loss to [0, 1], log-spaced or linear
/// like the heat map, clipped at its 98th percentile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeightScale {
    log: bool,
    lo: f64,
    floor: f64,
    t_lo: f64,
    span: f64,
}

impl HeightScale {
    /// The height of `loss`; non-finite losses sit at the top.
    pub fn height(&self, loss: f64) -> f32 {
        if !loss.is_finite() {
            return 1.0;
        }
        let t = if self.log {
            (loss - self.lo + self.floor).max(self.floor).ln()
        } else {
            loss
        };
        ((t - self.t_lo) / self.span).clamp(0.0, 1.0) as f32
    }
}

/// Arrows along the quiver's shorter side.
const QUIVER_CELLS: usize = 18;

/// −∇f on a grid over `view`, as unit-ish arrows for drawing.
fn quiver(problem: &dyn Problem, view: ViewBox) -> Vec<[f64; 4]> {
    let (w, h) = (view.x.1 - view.x.0, view.y.1 - view.y.0);
    let cell = w.min(h) / QUIVER_CELLS as f64;
    if !(cell.is_finite() && cell > 0.0) {
        return Vec::new();
    }
    let (nx, ny) = ((w / cell) as usize, (h / cell) as usize);
    let mut out = Vec::with_capacity(nx * ny);
    let mut grad = vec![0.0; problem.dim().max(2)];
    let mut params = vec![0.0; problem.dim().max(2)];
    for j in 0..ny {
        if crate::support::worker::should_stop() {
            break;
        }
        for i in 0..nx {
            let x = view.x.0 + (i as f64 + 0.5) * cell;
            let y = view.y.0 + (j as f64 + 0.5) * cell;
            if let [px, py, ..] = params.as_mut_slice() {
                *px = x;
                *py = y;
            }
            problem.loss_grad(&params, crate::problem::Batch::Full, &mut grad);
            let (gx, gy) = (
                grad.first().copied().unwrap_or(0.0),
                grad.get(1).copied().unwrap_or(0.0),
            );
            let norm = gx.hypot(gy);
            if norm.is_finite() && norm > 0.0 {
                let s = 0.4 * cell / norm;
                out.push([x, y, -gx * s, -gy * s]);
            }
        }
    }
    out
}

/// The loss at the centre of every cell, `values[j * cols + i]`, j = 0 at the
/// bottom; rows are split over the cores.
fn sample(
    problem: &dyn Problem,
    view: ViewBox,
    (cols, rows): (usize, usize),
    batch: Option<&[usize]>,
) -> Vec<f64> {
    let (x0, x1) = view.x;
    let (y0, y1) = view.y;
    let dx = (x1 - x0) / cols as f64;
    let dy = (y1 - y0) / rows as f64;
    // values[j * cols + i] at the centre of cell (i, j), j = 0 at y0.
    let mut values = vec![0.0; cols * rows];
    // A worker being shut down stops sampling at the next cell.
    let stop = crate::support::worker::stop_flag();
    let fill = |first_row: usize, out: &mut [f64]| {
        let mut grad = vec![0.0; problem.dim().max(2)];
        let mut params = vec![0.0; problem.dim().max(2)];
        for (k, v) in out.iter_mut().enumerate() {
            let (i, j) = (k % cols, first_row + k / cols);
            if stop
                .as_ref()
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
            {
                return;
            }
            if let [px, py, ..] = params.as_mut_slice() {
                *px = x0 + (i as f64 + 0.5) * dx;
                *py = y0 + (j as f64 + 0.5) * dy;
            }
            *v = match batch {
                None => problem.loss(&params),
                Some(idx) => {
                    problem.loss_grad(&params, crate::problem::Batch::Indices(idx), &mut grad)
                }
            };
        }
    };
    // Rows are independent: split them over the cores.
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let rows_per = rows.div_ceil(workers.max(1));
    if workers > 1 && rows >= 2 * workers {
        let chunk_len = rows_per * cols;
        let done: Vec<std::sync::atomic::AtomicBool> = (0..values.len().div_ceil(chunk_len))
            .map(|_| std::sync::atomic::AtomicBool::new(false))
            .collect();
        std::thread::scope(|scope| {
            for (n, chunk) in values.chunks_mut(chunk_len).enumerate() {
                let (fill, done) = (&fill, &done);
                // A chunk whose thread cannot be had is filled below instead.
                drop(
                    std::thread::Builder::new()
                        .name(format!("descent-field-{n}"))
                        .spawn_scoped(scope, move || {
                            fill(n * rows_per, chunk);
                            done[n].store(true, std::sync::atomic::Ordering::Release);
                        }),
                );
            }
        });
        for (n, chunk) in values.chunks_mut(chunk_len).enumerate() {
            if !done[n].load(std::sync::atomic::Ordering::Acquire) {
                fill(n * rows_per, chunk);
            }
        }
    } else {
        fill(0, &mut values);
    }
    values
}

/// Samples `problem` (its first two parameters) over `spec`.
///
/// Levels are log-spaced when the loss spans more than two decades above its
/// minimum, as in valley functions; the colour map is viridis, clipped at the
/// 98th percentile so a few huge values do not wash out the picture.
pub fn compute(problem: &dyn Problem, spec: &FieldSpec) -> Field {
    compute_on(problem, spec, None)
}

/// The same, for the loss on one mini-batch (`Some(indices)`) instead of the
/// full data: what a single SGD step actually descends.
pub fn compute_on(problem: &dyn Problem, spec: &FieldSpec, batch: Option<&[usize]>) -> Field {
    let (cols, rows) = (spec.cols.max(2), spec.rows.max(2));
    let values = sample(problem, spec.view, (cols, rows), batch);
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    // The k-th smallest, as a sort would place it (selection, not a sort).
    let n = finite.len();
    let mut nth = |k: usize| (k < n).then(|| *finite.select_nth_unstable_by(k, f64::total_cmp).1);
    let lo = nth(0).unwrap_or(0.0);
    let p10 = nth(n / 10).unwrap_or(lo);
    let p98 = nth((n as f64 * 0.98) as usize);
    let hi = nth(n.wrapping_sub(1)).unwrap_or(1.0);
    let p98 = p98.unwrap_or(hi);
    // Log scale when the loss spans more than two decades above its minimum.
    let log_scale = p98 - lo > 100.0 * (p10 - lo);
    let floor = ((p98 - lo) * 1e-6).max(f64::MIN_POSITIVE);
    let transform = |v: f64| {
        if log_scale {
            (v - lo + floor).max(floor).ln()
        } else {
            v
        }
    };
    let (t_lo, t_hi) = (transform(lo), transform(p98.max(lo + floor)));
    let span = (t_hi - t_lo).max(f64::MIN_POSITIVE);
    let transformed: Vec<f64> = values
        .iter()
        .map(|&v| if v.is_finite() { transform(v) } else { t_hi })
        .collect();

    let mut rgba = Vec::with_capacity(cols * rows * 4);
    for j in (0..rows).rev() {
        for i in 0..cols {
            let t = transformed.get(j * cols + i).copied().unwrap_or(t_hi);
            let c = colorous::VIRIDIS.eval_continuous(((t - t_lo) / span).clamp(0.0, 1.0));
            rgba.extend_from_slice(&[c.r, c.g, c.b, 255]);
        }
    }

    let grid = Grid {
        cols,
        rows,
        view: spec.view,
    };
    let untransform = |t: f64| if log_scale { t.exp() + lo - floor } else { t };
    let isolines = isolines(&grid, &transformed, (t_lo, span), spec.levels, untransform);
    let heights = transformed
        .iter()
        .map(|t| ((t - t_lo) / span).clamp(0.0, 1.0) as f32)
        .collect();
    let height_scale = HeightScale {
        log: log_scale,
        lo,
        floor,
        t_lo,
        span,
    };
    Field {
        spec: FieldSpec {
            cols,
            rows,
            ..*spec
        },
        rgba,
        isolines,
        range: (lo, hi),
        log_scale,
        quiver: quiver(problem, spec.view),
        heights,
        height_scale,
    }
}

/// The sampled grid: size and extent.
struct Grid {
    cols: usize,
    rows: usize,
    view: ViewBox,
}

/// Isolines of `transformed` at `levels` evenly spaced thresholds over
/// `(start, span)`; `untransform` maps a threshold back to a loss.
fn isolines(
    grid: &Grid,
    transformed: &[f64],
    (t_lo, span): (f64, f64),
    levels: usize,
    untransform: impl Fn(f64) -> f64 + Sync,
) -> Vec<Isoline> {
    let (cols, rows) = (grid.cols, grid.rows);
    let ((x0, x1), (y0, y1)) = (grid.view.x, grid.view.y);
    let dx = (x1 - x0) / cols as f64;
    let dy = (y1 - y0) / rows as f64;
    let levels = levels.max(1);
    let thresholds: Vec<f64> = (1..=levels)
        .map(|k| t_lo + span * (k as f64 - 0.5) / levels as f64)
        .collect();
    let builder = contour::ContourBuilder::new(cols, rows, true)
        .x_origin(x0)
        .y_origin(y0)
        .x_step(dx)
        .y_step(dy);
    // Each level is traced on its own, the levels split over the cores.
    thresholds
        .par_iter()
        .flat_map_iter(|t| {
            builder
                .lines(transformed, std::slice::from_ref(t))
                .unwrap_or_default()
        })
        .map(|line| {
            let t = line.threshold();
            let value = untransform(t);
            // Rings close along the grid border, where the loss is not on the
            // level: cut them there, keeping only the runs inside the samples.
            let inside = |c: &[f64; 2]| {
                c[0] > x0 + 0.49 * dx
                    && c[0] < x1 - 0.49 * dx
                    && c[1] > y0 + 0.49 * dy
                    && c[1] < y1 - 0.49 * dy
            };
            let mut paths: Vec<Vec<[f64; 2]>> = Vec::new();
            for ring in &line.geometry().0 {
                let mut current = Vec::new();
                for c in &ring.0 {
                    let p = [c.x, c.y];
                    if inside(&p) {
                        current.push(p);
                    } else if current.len() > 1 {
                        paths.push(std::mem::take(&mut current));
                    } else {
                        current.clear();
                    }
                }
                if current.len() > 1 {
                    paths.push(current);
                }
            }
            Isoline { value, paths }
        })
        .collect()
}

/// A field to compute off the UI thread.
#[derive(Debug)]
pub struct FieldRequest {
    /// The loss to sample.
    pub problem: std::sync::Arc<dyn Problem>,
    /// Where and how finely.
    pub spec: FieldSpec,
    /// Only these samples (one mini-batch); `None` for the full data.
    pub batch: Option<Vec<usize>>,
}

impl FieldRequest {
    /// The field it asks for.
    pub fn compute(&self) -> Field {
        compute_on(self.problem.as_ref(), &self.spec, self.batch.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Surface;

    fn spec(view: ViewBox) -> FieldSpec {
        FieldSpec {
            view,
            cols: 64,
            rows: 48,
            levels: 12,
        }
    }

    #[test]
    fn rosenbrock_gets_log_levels_and_many_colours() {
        let f = compute(&Surface::Rosenbrock, &spec(Surface::Rosenbrock.view()));
        assert!(f.log_scale);
        assert_eq!(f.rgba.len(), 64 * 48 * 4);
        let mut colours: Vec<&[u8]> = f.rgba.chunks(4).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 200, "{} colours", colours.len());
        assert!(f.isolines.len() >= 8);
        assert!(f.range.0 >= 0.0 && f.range.0 < 1.0);
    }

    #[test]
    fn isolines_lie_on_their_level() {
        let bowl = Surface::IllConditioned {
            condition: 4.0,
            angle: 20.0,
        };
        let f = compute(&bowl, &spec(bowl.view()));
        assert!(!f.log_scale);
        let mut checked = 0;
        for iso in &f.isolines {
            for p in iso.paths.iter().flatten() {
                let v = bowl.eval(p[0], p[1]).0;
                assert!(
                    (v - iso.value).abs() < 0.05 * f.range.1,
                    "{v} vs {}",
                    iso.value
                );
                checked += 1;
            }
        }
        assert!(checked > 100);
    }

    #[test]
    fn the_quiver_points_downhill() {
        let f = compute(&Surface::Booth, &spec(Surface::Booth.view()));
        assert!(f.quiver.len() > 100);
        for [x, y, dx, dy] in &f.quiver {
            let (_, gx, gy) = Surface::Booth.eval(*x, *y);
            assert!(gx * dx + gy * dy < 0.0, "arrow at ({x}, {y}) goes uphill");
        }
    }

    #[test]
    fn non_finite_values_do_not_break_the_field() {
        let f = compute(
            &Surface::Saddle,
            &spec(ViewBox {
                x: (-1e200, 1e200),
                y: (-1e200, 1e200),
            }),
        );
        assert_eq!(f.rgba.len(), 64 * 48 * 4);
    }
}
