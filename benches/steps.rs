//! Steps per second with trajectory recording, for every optimizer (all 25) on
//! Rosenbrock and on mini-batch linear regression (100 points, batch 10),
//! and Adam on an MLP 2-16-16-1 with 1 000 moons points (batch 32); Adam on
//! Rosenbrock bare, without the simulation around it.
//!
//! Run with `cargo bench --bench steps`. Throughput is reported in steps
//! (one step of one run = one element).

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use descent::analysis::landscape::{SliceKind, slice};
use descent::optim::OptimizerConfig;
use descent::problem::{
    Activation, ClassDataSource, LineDataSource, LinearRegression, Network, Problem, Surface,
};
use descent::sim::{RunSetup, SimSetup, Simulation};

const STEPS: u64 = 20_000;

fn setup(optimizer: &OptimizerConfig, runs: usize, batch_size: Option<usize>) -> SimSetup {
    SimSetup {
        start: None,
        steps: STEPS,
        seed: 0,
        batch_size,
        grad_tol: None,
        early_stopping: None,
        bounds: None,
        runs: (0..runs)
            .map(|i| RunSetup::new(format!("run {i}"), optimizer.clone()))
            .collect(),
        noise: None,
    }
}

/// Small learning rates keep every optimizer finite for the whole horizon.
fn tame(config: OptimizerConfig) -> OptimizerConfig {
    use OptimizerConfig as O;
    match config {
        O::Sgd(mut c) => {
            c.lr = 1e-4;
            O::Sgd(c)
        }
        O::Adadelta(mut c) => {
            c.lr = 0.1;
            O::Adadelta(c)
        }
        O::ScheduleFreeSgd(mut c) => {
            c.lr = 1e-4;
            O::ScheduleFreeSgd(c)
        }
        O::Asgd(mut c) => {
            c.lr = 1e-4;
            O::Asgd(c)
        }
        other => other,
    }
}

fn bench_problem(c: &mut Criterion, name: &str, problem: &Arc<dyn Problem>, batch: Option<usize>) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(STEPS));
    for config in OptimizerConfig::catalogue().map(tame) {
        group.bench_function(config.kind_name(), |b| {
            b.iter_batched(
                || Simulation::new(Arc::clone(problem), setup(&config, 1, batch)).unwrap(),
                |mut sim| {
                    sim.advance(STEPS);
                    black_box(sim)
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn rosenbrock(c: &mut Criterion) {
    let problem: Arc<dyn Problem> = Arc::new(Surface::Rosenbrock);
    bench_problem(c, "rosenbrock", &problem, None);
}

fn linear_regression(c: &mut Criterion) {
    let data = LineDataSource::Synthetic {
        n: 100,
        slope: 3.0,
        intercept: 0.5,
        noise: 0.3,
        x_range: (-1.0, 1.0),
        seed: 0,
    }
    .load(Path::new("."))
    .unwrap();
    let problem: Arc<dyn Problem> = Arc::new(LinearRegression::new(data));
    bench_problem(c, "linreg_100_batch_10", &problem, Some(10));
}

/// Eight independent Adam runs side by side: should cost well under 8× one run.
fn eight_runs(c: &mut Criterion) {
    let problem: Arc<dyn Problem> = Arc::new(Surface::Rosenbrock);
    let adam = OptimizerConfig::Adam(descent::optim::Adam::default());
    let mut group = c.benchmark_group("rosenbrock_adam_runs");
    for runs in [1usize, 8] {
        group.throughput(Throughput::Elements(STEPS * runs as u64));
        group.bench_function(format!("{runs}"), |b| {
            b.iter_batched(
                || Simulation::new(Arc::clone(&problem), setup(&adam, runs, None)).unwrap(),
                |mut sim| {
                    sim.advance(STEPS);
                    black_box(sim)
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

/// Adam on Rosenbrock with nothing around it: the problem's gradient and the
/// optimizer's step in a loop, nothing recorded or checked. The gap to
/// `rosenbrock_adam_runs/1` is what the simulation's bookkeeping costs.
fn bare_adam(c: &mut Criterion) {
    use descent::optim::Optimizer as _;
    let problem = Surface::Rosenbrock;
    let adam = descent::optim::Adam::default();
    let mut group = c.benchmark_group("rosenbrock_adam_bare");
    group.throughput(Throughput::Elements(STEPS));
    group.bench_function("1", |b| {
        b.iter(|| {
            let (mut params, mut grad) = ([-1.5, 2.0], [0.0; 2]);
            let mut state = adam.init(2);
            for _ in 0..STEPS {
                problem.loss_grad(&params, descent::problem::Batch::Full, &mut grad);
                adam.step(&mut params, &grad, &mut state, adam.lr);
            }
            black_box(params)
        });
    });
    group.finish();
}

/// An MLP 2-16-16-1 (tanh) on 1 000 moons points.
fn moons_mlp() -> Arc<dyn Problem> {
    let data = ClassDataSource::Moons {
        n: 1000,
        noise: 0.1,
        seed: 0,
    }
    .load(Path::new("."))
    .unwrap();
    Arc::new(Network::new(data, &[16, 16], Activation::Tanh, 0))
}

/// The MLP 2-16-16-1 (tanh) on 1 000 moons points, mini-batches of 32, Adam.
/// Each step also records the full-data loss (1 000 forward passes).
fn mlp_moons(c: &mut Criterion) {
    let problem = moons_mlp();
    let adam = OptimizerConfig::Adam(descent::optim::Adam::default());
    let steps = 500;
    let mut group = c.benchmark_group("mlp_2_16_16_1_moons_1000_batch_32");
    group.sample_size(10);
    group.throughput(Throughput::Elements(steps));
    group.bench_function("Adam", |b| {
        b.iter_batched(
            || Simulation::new(Arc::clone(&problem), setup(&adam, 1, Some(32))).unwrap(),
            |mut sim| {
                sim.advance(steps);
                black_box(sim)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// A 64×64 landscape slice (random and PCA directions) of the same MLP,
/// through a 500-step Adam run.
fn landscape_slice(c: &mut Criterion) {
    let problem = moons_mlp();
    let adam = OptimizerConfig::Adam(descent::optim::Adam::default());
    let mut sim = Simulation::new(Arc::clone(&problem), setup(&adam, 1, Some(32))).unwrap();
    sim.advance(500);
    let t = sim.runs()[0].trajectory();
    let rows: Vec<Vec<f64>> = (0..t.len())
        .step_by(2)
        .map(|k| t.params(k).unwrap().to_vec())
        .collect();
    let runs = vec![rows];
    let mut group = c.benchmark_group("landscape_slice_64x64_mlp_moons_1000");
    group.sample_size(10);
    for (name, kind) in [
        ("random", SliceKind::Random { seed: 0 }),
        ("pca", SliceKind::Pca),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(slice(Arc::clone(&problem), &runs, 0, kind, 64)));
        });
    }
    group.finish();
}

/// Sweeps of lr × β1: 64×64 cells of 500-step Adam on Rosenbrock (4 096
/// runs), and 32×32 cells of 500 Adam steps on the MLP workload (1 024 runs,
/// each scored by its final full-data loss).
fn sweep_grid(c: &mut Criterion) {
    let rosenbrock = descent::preset::Preset::from_ron_str(
        "(problem: Surface(Rosenbrock), start: Some((-1.5, 2.0)), steps: 500, runs: [(optimizer: Adam(lr: 0.01))])",
        "bench",
    )
    .unwrap();
    let mut mlp =
        descent::preset::Preset::load(Path::new("benches/presets/mlp-moons-adam.ron")).unwrap();
    mlp.steps = 500;
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    for (name, preset, resolution) in [
        ("adam_rosenbrock_64x64x500", &rosenbrock, 64),
        ("adam_mlp_moons_32x32x500", &mlp, 32),
    ] {
        let spec = descent::analysis::sweep::SweepSpec {
            run: 0,
            x: "lr:1e-4:1:log".parse().unwrap(),
            y: "beta1:0:0.99".parse().unwrap(),
            resolution,
            metric: descent::analysis::sweep::Metric::FinalLoss,
        };
        group.throughput(Throughput::Elements((resolution * resolution * 500) as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    descent::analysis::sweep::sweep(preset, Path::new("."), &spec, &|_, _| true)
                        .unwrap(),
                )
            });
        });
    }
    group.finish();
}

/// Basins of attraction: 96×96 starts of 500-step GD on Himmelblau.
fn basins_grid(c: &mut Criterion) {
    let preset = descent::preset::Preset::from_ron_str(
        "(problem: Surface(Himmelblau), view: Some(x: (-5.0, 5.0), y: (-5.0, 5.0)), steps: 500, runs: [(optimizer: Sgd(lr: 0.01))])",
        "bench",
    )
    .unwrap();
    let mut group = c.benchmark_group("basins");
    group.sample_size(10);
    group.throughput(Throughput::Elements(96 * 96 * 500));
    group.bench_function("himmelblau_gd_96x96x500", |b| {
        b.iter(|| {
            black_box(descent::analysis::basins::of_preset(&preset, Path::new("."), 0, 96).unwrap())
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    rosenbrock,
    linear_regression,
    eight_runs,
    bare_adam,
    mlp_moons,
    landscape_slice,
    sweep_grid,
    basins_grid
);
criterion_main!(benches);
