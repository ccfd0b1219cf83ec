//! 2-D slices through a many-parameter loss (Li et al., "Visualizing the
//! Loss Landscape of Neural Nets", 2018): the loss on the plane
//! θ꜀ + α·d₁ + β·d₂, with the runs' paths projected onto it.
//!
//! - **Random** directions are Gaussian, filter-normalised: each group of
//!   parameters (a neuron's incoming weights) is scaled to the norm of the
//!   same group in θ꜀; parameters outside every group (biases) get 0.
//! - **PCA** directions are the top two principal components of one run's
//!   path around its last point, which then explain most of its motion.

use std::sync::Arc;

use rand::SeedableRng as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution as _, StandardNormal};

use crate::analysis::field::{self, Field, FieldSpec};
use crate::problem::{Batch, Problem, ViewBox};

/// Which plane to cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceKind {
    /// Two filter-normalised random directions through the centre run's
    /// parameters at the play head.
    Random {
        /// Seed of the directions.
        seed: u64,
    },
    /// The top two principal components of the centre run's path.
    Pca,
}

/// A slice to compute, for the landscape thread.
#[derive(Debug)]
pub struct SliceRequest {
    /// The loss.
    pub problem: Arc<dyn Problem>,
    /// Each run's (decimated) parameter rows up to the play head.
    pub runs: Vec<Vec<Vec<f64>>>,
    /// The run the plane goes through.
    pub centre_run: usize,
    /// Which plane.
    pub kind: SliceKind,
    /// Samples per side.
    pub resolution: usize,
}

impl SliceRequest {
    /// The slice it asks for (`None` if the plane cannot be built).
    pub fn compute(self) -> Option<Slice> {
        slice(
            self.problem,
            &self.runs,
            self.centre_run,
            self.kind,
            self.resolution,
        )
    }
}

/// A computed slice.
#[derive(Clone, Debug)]
pub struct Slice {
    /// The loss over (α, β).
    pub field: Field,
    /// Every run's path projected onto the plane, as (α, β).
    pub paths: Vec<Vec<[f64; 2]>>,
    /// Axis names.
    pub axes: [String; 2],
    /// For PCA: the share of the path's variance each direction explains.
    pub explained: Option<[f64; 2]>,
}

/// The loss on a plane through parameter space, as a 2-parameter problem.
#[derive(Debug)]
struct Plane {
    inner: Arc<dyn Problem>,
    centre: Vec<f64>,
    d1: Vec<f64>,
    d2: Vec<f64>,
}

impl Plane {
    fn point(&self, a: f64, b: f64, out: &mut [f64]) {
        for (((o, c), x), y) in out.iter_mut().zip(&self.centre).zip(&self.d1).zip(&self.d2) {
            *o = c + a * x + b * y;
        }
    }
}

impl Problem for Plane {
    fn dim(&self) -> usize {
        2
    }
    fn param_names(&self) -> Vec<String> {
        vec!["alpha".into(), "beta".into()]
    }
    fn name(&self) -> String {
        format!("slice of {}", self.inner.name())
    }
    fn formula(&self) -> String {
        "L(θc + α·d1 + β·d2)".into()
    }
    fn loss(&self, params: &[f64]) -> f64 {
        let mut p = vec![0.0; self.centre.len()];
        self.point(params[0], params[1], &mut p);
        self.inner.loss(&p)
    }
    /// A slice has no gradient of its own (and no quiver): NaN, without
    /// spending a loss evaluation.
    fn loss_grad(&self, _params: &[f64], _batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        grad.fill(f64::NAN);
        f64::NAN
    }
    fn default_start(&self) -> Vec<f64> {
        vec![0.0, 0.0]
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Filter-normalised Gaussian directions (see the module docs).
fn random_direction(
    problem: &dyn Problem,
    centre: &[f64],
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<f64> {
    let mut d = vec![0.0; centre.len()];
    let groups = problem.filter_groups();
    if groups.is_empty() {
        for v in &mut d {
            *v = StandardNormal.sample(rng);
        }
        let scale = dot(centre, centre).sqrt().max(1e-3) / dot(&d, &d).sqrt().max(1e-300);
        for v in &mut d {
            *v *= scale;
        }
        return d;
    }
    for g in groups {
        let Some(slot) = d.get_mut(g.clone()) else {
            continue;
        };
        for v in slot.iter_mut() {
            *v = StandardNormal.sample(rng);
        }
        let target = centre.get(g).map_or(0.0, |c| dot(c, c).sqrt()).max(1e-3);
        let norm = dot(slot, slot).sqrt().max(1e-300);
        for v in slot.iter_mut() {
            *v *= target / norm;
        }
    }
    d
}

/// The top two principal directions of `rows` (centred on `centre`), by
/// power iteration with deflation, and the variance share of each.
fn principal_directions(rows: &[Vec<f64>], centre: &[f64]) -> Option<([Vec<f64>; 2], [f64; 2])> {
    let dim = centre.len();
    let x: Vec<Vec<f64>> = rows
        .iter()
        .take_while(|_| !crate::support::worker::should_stop())
        .map(|r| r.iter().zip(centre).map(|(a, c)| a - c).collect())
        .collect();
    let total: f64 = x.iter().map(|r| dot(r, r)).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    // C·v = Σ x (x·v), without forming C.
    let apply = |v: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; dim];
        for (i, r) in x.iter().enumerate() {
            if i % 512 == 0 && crate::support::worker::should_stop() {
                break;
            }
            let s = dot(r, v);
            for (o, ri) in out.iter_mut().zip(r) {
                *o += s * ri;
            }
        }
        out
    };
    let mut found: Vec<(Vec<f64>, f64)> = Vec::new();
    for k in 0..2 {
        let mut v: Vec<f64> = (0..dim)
            .map(|i| ((i * 7 + k * 3 + 1) % 11) as f64 - 5.0)
            .collect();
        let mut lambda = 0.0;
        for _ in 0..200 {
            if crate::support::worker::should_stop() {
                return None;
            }
            let mut w = apply(&v);
            for (u, _) in &found {
                let s = dot(&w, u);
                w.iter_mut().zip(u).for_each(|(wi, ui)| *wi -= s * ui);
            }
            let norm = dot(&w, &w).sqrt();
            if norm.is_nan() || norm <= 0.0 {
                break;
            }
            let settled = (norm - lambda).abs() <= 1e-12 * norm;
            lambda = norm;
            v = w.into_iter().map(|wi| wi / norm).collect();
            if settled {
                break;
            }
        }
        found.push((v, lambda));
    }
    let [(d1, l1), (d2, l2)] = <[(Vec<f64>, f64); 2]>::try_from(found).ok()?;
    Some(([d1, d2], [l1 / total, l2 / total]))
}

/// Projects `p − centre` onto the plane spanned by `d1`, `d2` (least squares).
fn project(p: &[f64], centre: &[f64], d1: &[f64], d2: &[f64]) -> [f64; 2] {
    let r: Vec<f64> = p.iter().zip(centre).map(|(a, c)| a - c).collect();
    let (a11, a12, a22) = (dot(d1, d1), dot(d1, d2), dot(d2, d2));
    let (b1, b2) = (dot(d1, &r), dot(d2, &r));
    let det = a11 * a22 - a12 * a12;
    if det.abs() < 1e-300 {
        return [f64::NAN, f64::NAN];
    }
    [(a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det]
}

/// Cuts the slice: `runs` holds each run's (decimated) parameter rows up to
/// the play head; `centre_run` picks the run the plane goes through.
pub fn slice(
    problem: Arc<dyn Problem>,
    runs: &[Vec<Vec<f64>>],
    centre_run: usize,
    kind: SliceKind,
    resolution: usize,
) -> Option<Slice> {
    let path = runs.get(centre_run)?;
    let centre = path.last()?.clone();
    let (d1, d2, axes, explained) = match kind {
        SliceKind::Random { seed } => {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let d1 = random_direction(problem.as_ref(), &centre, &mut rng);
            let d2 = random_direction(problem.as_ref(), &centre, &mut rng);
            (
                d1,
                d2,
                [
                    "alpha (random d1)".to_owned(),
                    "beta (random d2)".to_owned(),
                ],
                None,
            )
        }
        SliceKind::Pca => {
            let ([d1, d2], share) = principal_directions(path, &centre)?;
            (
                d1,
                d2,
                [
                    format!("PC1 ({:.0} %)", 100.0 * share[0]),
                    format!("PC2 ({:.0} %)", 100.0 * share[1]),
                ],
                Some(share),
            )
        }
    };
    let paths: Vec<Vec<[f64; 2]>> = runs
        .iter()
        .map(|rows| {
            rows.iter()
                .take_while(|_| !crate::support::worker::should_stop())
                .map(|p| project(p, &centre, &d1, &d2))
                .collect()
        })
        .collect();
    if crate::support::worker::should_stop() {
        return None;
    }
    // The view: every path with a margin, at least ±1 (one direction length).
    let (mut lo, mut hi) = ([-1.0_f64, -1.0], [1.0_f64, 1.0]);
    for p in paths.iter().flatten() {
        if p[0].is_finite() && p[1].is_finite() {
            for i in 0..2 {
                lo[i] = lo[i].min(p[i] * 1.25);
                hi[i] = hi[i].max(p[i] * 1.25);
            }
        }
    }
    let view = ViewBox {
        x: (lo[0], hi[0]),
        y: (lo[1], hi[1]),
    };
    let plane = Plane {
        inner: problem,
        centre,
        d1,
        d2,
    };
    let field = field::compute(
        &plane,
        &FieldSpec {
            view,
            cols: resolution,
            rows: resolution,
            levels: 18,
        },
    );
    Some(Slice {
        field,
        paths,
        axes,
        explained,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::preset::Preset;

    fn mlp_runs() -> (Arc<dyn Problem>, Vec<Vec<Vec<f64>>>) {
        let p = Preset::from_ron_str(
            "(problem: Classification(data: Moons(n: 60, seed: 1), hidden: [6]), steps: 200, runs: [(optimizer: Adam(lr: 0.05))])",
            "t",
        )
        .unwrap();
        let mut sim = p.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let t = sim.runs()[0].trajectory();
        let rows = (0..t.len())
            .map(|k| t.params(k).unwrap().to_vec())
            .collect();
        (sim.problem_arc(), vec![rows])
    }

    #[test]
    fn the_pca_plane_holds_the_path_and_its_centre_is_the_last_point() {
        let (problem, runs) = mlp_runs();
        let s = slice(Arc::clone(&problem), &runs, 0, SliceKind::Pca, 24).unwrap();
        let last = s.paths[0].last().unwrap();
        assert!(last[0].abs() < 1e-9 && last[1].abs() < 1e-9, "{last:?}");
        let share = s.explained.unwrap();
        assert!(
            share[0] >= share[1] && share[0] + share[1] <= 1.0 + 1e-9,
            "{share:?}"
        );
        assert!(
            share[0] + share[1] > 0.5,
            "two components explain most of a short path: {share:?}"
        );
        // The slice's loss at (0, 0) is the run's loss at its last point.
        let at_centre = problem.loss(runs[0].last().unwrap());
        let plane_loss = s.field.range;
        assert!(plane_loss.0 <= at_centre + 1e-12);
        assert_eq!(s.field.spec.cols, 24);
    }

    #[test]
    fn random_directions_are_filter_normalised_and_skip_biases() {
        let (problem, runs) = mlp_runs();
        let centre = runs[0].last().unwrap().clone();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let d = random_direction(problem.as_ref(), &centre, &mut rng);
        let groups = problem.filter_groups();
        assert!(!groups.is_empty());
        for g in &groups {
            let (a, b) = (
                dot(&d[g.clone()], &d[g.clone()]).sqrt(),
                dot(&centre[g.clone()], &centre[g.clone()]).sqrt(),
            );
            assert!((a - b.max(1e-3)).abs() < 1e-9 * b.max(1.0), "{a} vs {b}");
        }
        let covered: usize = groups.iter().map(ExactSizeIterator::len).sum();
        assert!(covered < centre.len(), "biases are left out");
        let biases_zero = (0..centre.len())
            .filter(|i| !groups.iter().any(|g| g.contains(i)))
            .all(|i| d[i] == 0.0);
        assert!(biases_zero);
    }
}
