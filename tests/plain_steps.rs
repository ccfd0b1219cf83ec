//! A run on a surface with nothing around its steps (no schedule, penalty,
//! noise, box, companion path or gradient tolerance) takes a lean loop and
//! has its record's pages faulted in on another thread. It must give the
//! bits of the full step, which a gradient tolerance of 0 (never reached)
//! forces.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::Arc;

use descent::optim::{Adam, OptimizerConfig};
use descent::problem::{Problem, Surface};
use descent::sim::{RunSetup, SimSetup, Simulation};

fn simulation(
    problem: &Arc<dyn Problem>,
    runs: &[OptimizerConfig],
    steps: u64,
    grad_tol: Option<f64>,
) -> Simulation {
    let setup = SimSetup {
        bounds: None,
        start: Some(vec![-1.2, 1.5]),
        steps,
        seed: 3,
        batch_size: None,
        grad_tol,
        early_stopping: None,
        runs: runs
            .iter()
            .map(|optimizer| RunSetup::new(optimizer.kind_name(), optimizer.clone()))
            .collect(),
        noise: None,
    };
    let mut sim = Simulation::new(Arc::clone(problem), setup).unwrap();
    sim.run_to_end();
    sim
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// Every optimizer, on two surfaces, with and without the lean loop.
#[test]
fn the_lean_loop_gives_the_full_steps_bits_for_every_optimizer() {
    let kinds: Vec<OptimizerConfig> = OptimizerConfig::catalogue().into_iter().collect();
    for surface in [Surface::Rosenbrock, Surface::Himmelblau] {
        let problem: Arc<dyn Problem> = Arc::new(surface);
        let lean = simulation(&problem, &kinds, 400, None);
        let full = simulation(&problem, &kinds, 400, Some(0.0));
        for (a, b) in lean.runs().iter().zip(full.runs()) {
            let name = &a.setup().label;
            let (ta, tb) = (a.trajectory(), b.trajectory());
            assert!(ta.len() > 1, "{name} took no step");
            assert_eq!(
                bits(ta.raw_rows(0..ta.len())),
                bits(tb.raw_rows(0..tb.len())),
                "{name} on {surface:?}"
            );
            assert_eq!(a.termination(), b.termination(), "{name}");
            assert_eq!(a.lrs().to_vec(), b.lrs().to_vec(), "{name}");
            assert_eq!(bits(a.effective_lrs()), bits(b.effective_lrs()), "{name}");
        }
    }
}

/// A run long enough (33.6 MB) that its record is zeroed and its pages are
/// touched ahead on another thread, checked row by row against the full
/// step, across the chunks the simulation advances by.
#[test]
fn a_long_record_touched_ahead_holds_every_row() {
    let problem: Arc<dyn Problem> = Arc::new(Surface::Rosenbrock);
    let adam = [OptimizerConfig::Adam(Adam::default())];
    let lean = simulation(&problem, &adam, 1_400_000, None);
    let full = simulation(&problem, &adam, 1_400_000, Some(0.0));
    let (a, b) = (lean.runs()[0].trajectory(), full.runs()[0].trajectory());
    assert_eq!(a.len(), 1_400_001);
    assert_eq!(bits(a.raw_rows(0..a.len())), bits(b.raw_rows(0..b.len())));
    // A constant lr is kept as one number.
    assert_eq!(lean.runs()[0].lrs().len(), 1_400_000);
    assert_eq!(lean.runs()[0].lrs().get(1_399_999), Some(1e-3));
}

/// A run that diverges in the lean loop stops where the full step stops.
#[test]
fn divergence_in_the_lean_loop_is_flagged_at_the_same_step() {
    let problem: Arc<dyn Problem> = Arc::new(Surface::Rosenbrock);
    let sgd = [OptimizerConfig::Sgd(descent::optim::Sgd {
        lr: 0.05,
        ..descent::optim::Sgd::default()
    })];
    let lean = simulation(&problem, &sgd, 500, None);
    let full = simulation(&problem, &sgd, 500, Some(0.0));
    let why = lean.runs()[0].termination();
    assert!(
        matches!(why, Some(descent::sim::Termination::Diverged { .. })),
        "{why:?}"
    );
    assert_eq!(why, full.runs()[0].termination());
    assert_eq!(
        lean.runs()[0].trajectory().len(),
        full.runs()[0].trajectory().len()
    );
}
