//! The deterministic, synchronous simulation core.
//!
//! One problem, one start, N runs. Every run sees the same mini-batch sequence
//! from one seeded RNG, and `advance(n)` in chunks gives exactly the same
//! result as one call.

mod batches;
mod imported;
pub mod limits;
mod lr_record;
mod noise;
mod run;
pub mod runner;
mod setup_check;
mod termination;
mod trajectory;

use std::sync::Arc;

pub use batches::{BatchPlan, BatchStream, batch_for_step};
pub use imported::{ImportError, ImportedRun, parse_trajectories};
pub use lr_record::LrRecord;
pub use noise::{GradientNoise, NoisePlan, NoiseStream};
pub use run::{Run, RunSetup};
pub use termination::{EarlyStopping, Termination};
pub use trajectory::Trajectory;

use crate::problem::{Problem, ProblemError};
use setup_check::check_setup;

/// Steps planned (and batches drawn) at a time inside `advance`.
const PLAN_STEPS: usize = 1 << 14;
/// Below this many run-steps a chunk is not worth a thread.
const PARALLEL_MIN_WORK: usize = 1 << 15;

/// What a simulation needs besides the problem.
#[derive(Clone, Debug, PartialEq)]
pub struct SimSetup {
    /// Start point (`None`: the problem's default).
    pub start: Option<Vec<f64>>,
    /// Step horizon.
    pub steps: u64,
    /// Seed of the mini-batch stream.
    pub seed: u64,
    /// Mini-batch size (`None`: full batch).
    pub batch_size: Option<usize>,
    /// Stop a run when ‖g‖₂ falls below this.
    pub grad_tol: Option<f64>,
    /// Stop a run when its validation loss stops improving.
    pub early_stopping: Option<EarlyStopping>,
    /// Gaussian noise added to every run's gradient (a run may set its own σ).
    pub noise: Option<GradientNoise>,
    /// A box θ is kept in (2-parameter problems): the start and every step
    /// are projected onto it, as `p.clamp_()` after `opt.step()`.
    pub bounds: Option<crate::problem::ViewBox>,
    /// The runs.
    pub runs: Vec<RunSetup>,
}

/// A simulation that could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The problem could not be built.
    #[error(transparent)]
    Problem(#[from] ProblemError),
    /// Early stopping without held-out data.
    #[error(
        "early_stopping needs a validation split: give the problem `validation: 0.3` (a share of the points)"
    )]
    NoValidation,
    /// An overlay's file cannot be read as a trajectory.
    #[error("overlays: {file}: {source}")]
    Import {
        /// The file, as the preset names it.
        file: String,
        /// Where and why.
        source: ImportError,
    },
    /// An overlay's file cannot be opened.
    #[error("overlays: cannot read {file}: {reason}")]
    ImportIo {
        /// The file, as the preset names it.
        file: String,
        /// Why.
        reason: String,
    },
    /// A box constraint on a problem that is not 2-D.
    #[error("bounds: a box is for problems with 2 parameters (x, y); this one has {0}")]
    BoundsDimension(usize),
    /// The start point has the wrong number of coordinates.
    #[error("start: the problem has {expected} parameters ({names}), the start point has {got}")]
    StartDimension {
        /// Parameters of the problem.
        expected: usize,
        /// Their names.
        names: String,
        /// Coordinates given.
        got: usize,
    },
    /// The runs would record more numbers than memory allows.
    #[error(
        "steps: {runs} runs × {steps} steps × ({dim} parameters + loss) is {values} recorded numbers, over the limit of {limit}; use at most {most} steps"
    )]
    TooLarge {
        /// Runs.
        runs: usize,
        /// Horizon.
        steps: u64,
        /// Parameters.
        dim: usize,
        /// What that would record.
        values: u64,
        /// [`limits::MAX_RECORDED_VALUES`].
        limit: u64,
        /// The longest horizon that fits.
        most: u64,
    },
    /// A parameter group selects none of the problem's tensors.
    #[error(
        "runs[{run}].groups[{group}].params: {selector} selects none of this problem's tensors ({tensors})"
    )]
    EmptyGroup {
        /// The run.
        run: usize,
        /// The group.
        group: usize,
        /// The selector, as written.
        selector: String,
        /// The problem's tensors.
        tensors: String,
    },
    /// The loss is NaN or infinite where a run starts.
    #[error("start: the loss at ({point}) is {value}; pick a start where it is finite")]
    NonFiniteStart {
        /// The start, as text.
        point: String,
        /// The loss there.
        value: f64,
    },
}

impl SimError {
    /// The preset field the error is about, to point at it in the file.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            // A data file that cannot be read: point at where the preset names it.
            Self::Problem(ProblemError::Data(crate::problem::DataError::Io { .. })) => {
                Some("problem.data")
            }
            Self::Problem(_) => None,
            Self::NoValidation => Some("early_stopping"),
            Self::StartDimension { .. } | Self::NonFiniteStart { .. } => Some("start"),
            Self::TooLarge { .. } => Some("steps"),
            Self::BoundsDimension(_) => Some("bounds"),
            Self::Import { .. } | Self::ImportIo { .. } => Some("overlays"),
            Self::EmptyGroup { .. } => Some("runs"),
        }
    }
}

/// Runs several optimizers side by side on one problem.
#[derive(Debug)]
pub struct Simulation {
    problem: Arc<dyn Problem>,
    runs: Vec<Run>,
    /// One seeded stream per distinct batch size; runs of the same size
    /// share one, so they see exactly the same batches.
    batches: Vec<BatchStream>,
    /// The next chunk of each stream's batches.
    plans: Vec<BatchPlan>,
    /// The gradient-noise draws shared by every run, when any run has noise.
    noise: Option<(NoiseStream, NoisePlan)>,
    grad_tol: Option<f64>,
    steps_done: u64,
    horizon: u64,
    workers: usize,
}

impl Simulation {
    /// Sets up every run at the start point; no step is taken.
    pub fn new(problem: Arc<dyn Problem>, setup: SimSetup) -> Result<Self, SimError> {
        let start = setup
            .start
            .clone()
            .unwrap_or_else(|| problem.default_start());
        check_setup(problem.as_ref(), &setup, &start)?;
        let mut sizes: Vec<Option<usize>> = Vec::new();
        let mut stream_of = Vec::with_capacity(setup.runs.len());
        for r in &setup.runs {
            let size = r.batch_size.or(setup.batch_size);
            let index = sizes.iter().position(|s| *s == size).unwrap_or_else(|| {
                sizes.push(size);
                sizes.len() - 1
            });
            stream_of.push(index);
        }
        let batches: Vec<BatchStream> = sizes
            .iter()
            .map(|&size| match problem.sample_count() {
                Some(n) => BatchStream::new(n, size, setup.seed),
                None => BatchStream::full(),
            })
            .collect();
        // Every row is reserved up front (within the record limits checked
        // above), so no buffer is copied as it grows; untouched pages cost nothing.
        let capacity = usize::try_from(setup.steps.saturating_add(1)).unwrap_or(usize::MAX);
        let runs = setup
            .runs
            .into_iter()
            .zip(stream_of)
            .map(|(r, stream)| {
                let mut own = r.start.clone().unwrap_or_else(|| start.clone());
                if let Some(b) = setup.bounds {
                    b.project(&mut own);
                }
                let mut run = Run::new(r, &own, problem.as_ref(), capacity);
                run.bounds = setup.bounds;
                run.early_stopping = run.setup().early_stopping.or(setup.early_stopping);
                run.noise_sigma = run.setup().noise.or(setup.noise).map_or(0.0, |n| n.sigma);
                run.stream = stream;
                run
            })
            .collect::<Vec<Run>>();
        let noise = runs.iter().any(|r| r.noise_sigma != 0.0).then(|| {
            (
                NoiseStream::new(problem.dim(), setup.seed),
                NoisePlan::default(),
            )
        });
        Ok(Self {
            problem,
            runs,
            plans: vec![BatchPlan::default(); batches.len()],
            batches,
            noise,
            grad_tol: setup.grad_tol,
            steps_done: 0,
            horizon: setup.steps,
            workers: std::thread::available_parallelism().map_or(1, usize::from),
        })
    }

    /// As [`Self::advance`], in growing chunks, giving up early once `stop`
    /// says so (a worker being shut down). Returns the steps taken.
    pub fn advance_until(&mut self, n: u64, stop: impl Fn() -> bool) -> u64 {
        let begin = self.steps_done;
        let mut chunk = 8;
        while self.steps_done - begin < n && !self.is_finished() && !stop() {
            let started = std::time::Instant::now();
            self.advance(chunk.min(n - (self.steps_done - begin)));
            // Grow the chunks while they take under 20 ms.
            if started.elapsed() < std::time::Duration::from_millis(20) {
                chunk = chunk.saturating_mul(2);
            }
        }
        self.steps_done - begin
    }

    /// Advances every active run by up to `n` steps, never past the horizon.
    /// Returns the number of steps taken.
    ///
    /// The batches are drawn first, then each run takes the steps on its own;
    /// independent runs go to separate threads when there is enough work.
    pub fn advance(&mut self, n: u64) -> u64 {
        // A loss split across threads joins fastest from a worker of the pool.
        if self.problem.splits_loss() && rayon::current_thread_index().is_none() {
            return rayon::scope(|_| self.advance(n));
        }
        let begin = self.steps_done;
        let target = self.steps_done.saturating_add(n).min(self.horizon);
        while self.steps_done < target && self.runs.iter().any(Run::is_active) {
            let chunk =
                usize::try_from(target - self.steps_done).map_or(PLAN_STEPS, |r| r.min(PLAN_STEPS));
            for (plan, stream) in self.plans.iter_mut().zip(&mut self.batches) {
                plan.fill(stream, chunk);
            }
            if let Some((stream, plan)) = &mut self.noise {
                plan.fill(stream, chunk);
            }
            let first = self.steps_done;
            let problem = self.problem.as_ref();
            let (plan, tol) = (self.plans.as_slice(), self.grad_tol);
            let noise = self.noise.as_ref().map(|(_, plan)| plan);
            let active = self.runs.iter().filter(|r| r.is_active()).count();
            let workers = self.workers.min(active);
            if workers > 1 && active * chunk >= PARALLEL_MIN_WORK {
                let per_worker = self.runs.len().div_ceil(workers);
                std::thread::scope(|scope| {
                    for (i, runs) in self.runs.chunks_mut(per_worker).enumerate() {
                        // If no thread can be had, the catch-up below takes this share.
                        drop(
                            std::thread::Builder::new()
                                .name(format!("descent-sim-{i}"))
                                .spawn_scoped(scope, move || {
                                    step_runs(runs, problem, (plan, noise), first, tol);
                                }),
                        );
                    }
                });
                step_runs(&mut self.runs, problem, (plan, noise), first, tol);
            } else {
                step_runs(&mut self.runs, problem, (plan, noise), first, tol);
            }
            self.steps_done += chunk as u64;
        }
        let problem = self.problem.as_ref();
        for run in &mut self.runs {
            run.settle(problem);
        }
        if self.steps_done >= self.horizon {
            for run in &mut self.runs {
                run.stop(Termination::MaxSteps);
            }
        }
        self.steps_done - begin
    }

    /// Evaluates the full loss only on each advance's last row from now on; the path is unchanged.
    pub fn record_last_losses_only(&mut self) {
        self.runs.iter_mut().for_each(|r| r.every_row_loss = false);
    }

    /// Runs to the horizon (or until every run has stopped).
    pub fn run_to_end(&mut self) {
        while !self.is_finished() {
            if self.advance(1 << 16) == 0 {
                break;
            }
        }
    }

    /// Whether no run takes further steps.
    pub fn is_finished(&self) -> bool {
        self.steps_done >= self.horizon || !self.runs.iter().any(Run::is_active)
    }

    /// The problem.
    pub fn problem(&self) -> &dyn Problem {
        self.problem.as_ref()
    }

    /// The problem, shared.
    pub fn problem_arc(&self) -> Arc<dyn Problem> {
        Arc::clone(&self.problem)
    }

    /// The runs, in preset order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Steps taken so far.
    pub fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// The step horizon.
    pub fn horizon(&self) -> u64 {
        self.horizon
    }

    /// The mini-batch each run's next step will use (`None`: the full
    /// data), without drawing it.
    pub fn next_batches(&self) -> Vec<Option<Vec<usize>>> {
        let next: Vec<Option<Vec<usize>>> = self
            .batches
            .iter()
            .map(|stream| match stream.clone().next_batch() {
                crate::problem::Batch::Indices(idx) => Some(idx.to_vec()),
                crate::problem::Batch::Full | crate::problem::Batch::Step(_) => None,
            })
            .collect();
        self.runs
            .iter()
            .map(|run| next.get(run.stream).cloned().flatten())
            .collect()
    }

    /// The standard-normal draw the next step adds to the gradients (scaled
    /// by each run's σ), without drawing it; `None` without noise.
    pub fn next_noise(&self) -> Option<Vec<f64>> {
        let (stream, _) = self.noise.as_ref()?;
        let mut z = vec![0.0; self.problem.dim()];
        stream.clone().next_into(&mut z);
        Some(z)
    }
}

/// Takes every planned step (from global step `first`) on each active run.
/// A run that is already past a step (caught up elsewhere) skips it.
fn step_runs(
    runs: &mut [Run],
    problem: &dyn Problem,
    (plans, noise): (&[BatchPlan], Option<&NoisePlan>),
    first: u64,
    tol: Option<f64>,
) {
    let mut grad = [0.0; 64];
    let mut heap_grad = Vec::new();
    let dim = problem.dim();
    // A loss that changes with the step takes its step's loss, not the mean.
    let periodic = problem.period().is_some();
    let grad: &mut [f64] = if dim <= grad.len() {
        &mut grad[..dim]
    } else {
        heap_grad.resize(dim, 0.0);
        &mut heap_grad
    };
    for run in runs {
        let Some(plan) = plans.get(run.stream) else {
            continue;
        };
        let done = run.steps_taken().saturating_sub(first);
        let from = usize::try_from(done).unwrap_or(usize::MAX);
        if from < plan.len() && !periodic && run.is_active() && plan.is_full() && run.is_plain(tol)
        {
            run.plain_steps(problem, first + from as u64, plan.len() - from, grad);
            continue;
        }
        for i in from..plan.len() {
            if !run.is_active() {
                break;
            }
            let z = noise.map_or(&[][..], |n| n.get(i));
            let k = first + i as u64;
            let batch = match plan.get(i) {
                crate::problem::Batch::Full if periodic => crate::problem::Batch::Step(k + 1),
                batch => batch,
            };
            run.step(problem, (batch, z), k, grad, tol);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::optim::{Adam, OptimizerConfig, Sgd};
    use crate::preset::Preset;
    use crate::problem::{LineDataSource, LinearRegression, Surface};

    fn setup(steps: u64, runs: Vec<RunSetup>) -> SimSetup {
        SimSetup {
            bounds: None,
            start: None,
            steps,
            seed: 5,
            batch_size: Some(8),
            grad_tol: None,
            early_stopping: None,
            runs,
            noise: None,
        }
    }

    fn run(label: &str, optimizer: OptimizerConfig) -> RunSetup {
        RunSetup::new(label, optimizer)
    }

    fn regression() -> Arc<dyn Problem> {
        let data = LineDataSource::Synthetic {
            n: 50,
            slope: 2.0,
            intercept: -1.0,
            noise: 0.2,
            x_range: (-1.0, 1.0),
            seed: 1,
        }
        .load(Path::new("."))
        .unwrap();
        Arc::new(LinearRegression::new(data))
    }

    /// A loss that claims to split across threads and panics once θ moves.
    #[derive(Debug)]
    struct PanicsInThePool;

    impl Problem for PanicsInThePool {
        fn dim(&self) -> usize {
            2
        }
        fn param_names(&self) -> Vec<String> {
            vec!["x".into(), "y".into()]
        }
        fn name(&self) -> String {
            "panics".into()
        }
        fn formula(&self) -> String {
            String::new()
        }
        fn loss(&self, params: &[f64]) -> f64 {
            assert!(params[0] == 0.0, "the full loss panicked inside the pool");
            1.0
        }
        fn loss_grad(&self, _: &[f64], _: crate::problem::Batch<'_>, grad: &mut [f64]) -> f64 {
            grad.fill(1.0);
            1.0
        }
        fn default_start(&self) -> Vec<f64> {
            vec![0.0; 2]
        }
        fn sample_count(&self) -> Option<usize> {
            Some(1000)
        }
        fn splits_loss(&self) -> bool {
            true
        }
    }

    /// Stepping from inside rayon's pool hands a panic back to the caller
    /// (the simulation thread catches it), and the pool keeps serving.
    #[test]
    fn a_panic_inside_the_pool_reaches_the_caller_and_the_pool_survives() {
        let sgd = OptimizerConfig::Sgd(Sgd::default());
        let mut sim =
            Simulation::new(Arc::new(PanicsInThePool), setup(10, vec![run("a", sgd)])).unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sim.advance(10)));
        let payload = caught.unwrap_err();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        assert_eq!(message, Some("the full loss panicked inside the pool"));
        let data = crate::problem::ClassDataSource::Moons {
            n: 600,
            noise: 0.2,
            seed: 1,
        }
        .load(Path::new("."))
        .unwrap();
        let net = crate::problem::Network::new(data, &[8], crate::problem::Activation::Tanh, 0);
        assert!(net.splits_loss());
        let adam = OptimizerConfig::Adam(Adam::default());
        let mut sim = Simulation::new(Arc::new(net), setup(5, vec![run("b", adam)])).unwrap();
        assert_eq!(sim.advance(5), 5);
        let path = sim.runs()[0].trajectory();
        assert_eq!(path.len(), 6);
        assert!(path.rows().all(|(_, loss)| loss.is_finite() && loss > 0.0));
    }

    fn both_runs() -> Vec<RunSetup> {
        vec![
            run(
                "adam",
                OptimizerConfig::Adam(Adam {
                    lr: 0.05,
                    ..Adam::default()
                }),
            ),
            run(
                "sgd",
                OptimizerConfig::Sgd(Sgd {
                    lr: 0.1,
                    momentum: 0.9,
                    ..Sgd::default()
                }),
            ),
        ]
    }

    #[test]
    fn chunked_advance_equals_one_call() {
        let mut one = Simulation::new(regression(), setup(300, both_runs())).unwrap();
        one.advance(300);
        let mut chunked = Simulation::new(regression(), setup(300, both_runs())).unwrap();
        for n in [1, 2, 3, 50, 7, 1000] {
            chunked.advance(n);
        }
        for (a, b) in one.runs().iter().zip(chunked.runs()) {
            assert_eq!(a.trajectory(), b.trajectory());
            assert_eq!(a.termination(), Some(Termination::MaxSteps));
        }
        assert_eq!(one.runs()[0].trajectory().len(), 301);
    }

    #[test]
    fn every_run_sees_the_same_batches() {
        // Two identical runs must produce identical paths even with other runs
        // in between, because the batch stream is shared, not per run.
        let cfg = OptimizerConfig::Sgd(Sgd {
            lr: 0.1,
            ..Sgd::default()
        });
        let mut sim = Simulation::new(
            regression(),
            setup(
                100,
                vec![
                    run("a", cfg.clone()),
                    both_runs().remove(0),
                    run("b", cfg.clone()),
                ],
            ),
        )
        .unwrap();
        sim.run_to_end();
        assert_eq!(sim.runs()[0].trajectory(), sim.runs()[2].trajectory());
        let mut alone = Simulation::new(regression(), setup(100, vec![run("a", cfg)])).unwrap();
        alone.run_to_end();
        assert_eq!(alone.runs()[0].trajectory(), sim.runs()[0].trajectory());
    }

    #[test]
    fn parallel_runs_equal_runs_alone() {
        // 8 runs × 10 000 steps is enough work for the threaded path.
        let configs: Vec<OptimizerConfig> = OptimizerConfig::catalogue()[..8].to_vec();
        let runs: Vec<RunSetup> = configs
            .iter()
            .map(|c| run(c.kind_name(), c.clone()))
            .collect();
        let mut together = Simulation::new(regression(), setup(10_000, runs.clone())).unwrap();
        together.run_to_end();
        for (i, r) in runs.into_iter().enumerate() {
            let mut alone = Simulation::new(regression(), setup(10_000, vec![r])).unwrap();
            alone.run_to_end();
            assert_eq!(
                alone.runs()[0].trajectory(),
                together.runs()[i].trajectory(),
                "run {i}"
            );
            assert_eq!(
                alone.runs()[0].termination(),
                together.runs()[i].termination()
            );
        }
    }

    #[test]
    fn divergence_stops_only_that_run() {
        let runs = vec![
            run(
                "wild",
                OptimizerConfig::Sgd(Sgd {
                    lr: 10.0,
                    ..Sgd::default()
                }),
            ),
            run(
                "tame",
                OptimizerConfig::Sgd(Sgd {
                    lr: 1e-4,
                    ..Sgd::default()
                }),
            ),
        ];
        let mut sim = Simulation::new(Arc::new(Surface::Rosenbrock), setup(200, runs)).unwrap();
        sim.run_to_end();
        let Some(Termination::Diverged { step }) = sim.runs()[0].termination() else {
            panic!("expected divergence, got {:?}", sim.runs()[0].termination());
        };
        let traj = sim.runs()[0].trajectory();
        assert_eq!(traj.len() as u64, step + 1);
        let (p, l) = traj.last().unwrap();
        assert!(!l.is_finite() || p.iter().any(|v| !v.is_finite()));
        let (p_prev, l_prev) = traj.row(step as usize - 1).unwrap();
        assert!(l_prev.is_finite() && p_prev.iter().all(|v| v.is_finite()));
        assert_eq!(sim.runs()[1].termination(), Some(Termination::MaxSteps));
        assert_eq!(sim.runs()[1].trajectory().len(), 201);
    }

    #[test]
    fn converged_runs_stop_at_the_tolerance() {
        let mut s = setup(
            10_000,
            vec![run(
                "gd",
                OptimizerConfig::Sgd(Sgd {
                    lr: 0.1,
                    ..Sgd::default()
                }),
            )],
        );
        s.grad_tol = Some(1e-6);
        s.start = Some(vec![3.0, 1.0]);
        let mut sim = Simulation::new(Arc::new(Surface::Booth), s).unwrap();
        sim.run_to_end();
        let Some(Termination::Converged { step }) = sim.runs()[0].termination() else {
            panic!("{:?}", sim.runs()[0].termination());
        };
        assert!(step < 10_000);
        assert_eq!(sim.runs()[0].trajectory().len() as u64, step + 1);
    }

    #[test]
    fn wrong_start_dimension_is_an_error() {
        let mut s = setup(10, both_runs());
        s.start = Some(vec![1.0]);
        let err = Simulation::new(Arc::new(Surface::Beale), s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "start: the problem has 2 parameters (x, y), the start point has 1"
        );
        let many: Vec<String> = (0..371).map(|i| format!("theta_{i}")).collect();
        assert_eq!(
            crate::support::format::name_list(&many),
            "theta_0, theta_1, theta_2, …, theta_370"
        );
    }

    #[test]
    fn early_stopping_ends_at_patience_after_the_best_validation_loss() {
        let preset = Preset::from_ron_str(
            "(problem: PolynomialRegression(data: Synthetic(n: 40, slope: 1.5, noise: 0.3, seed: 3), degree: 12, validation: 0.3, split_seed: 1), steps: 3000, runs: [(optimizer: Adam(lr: 0.01)), (optimizer: Adam(lr: 0.01), early_stopping: Some(patience: 300))])",
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let (free, stopped) = (&sim.runs()[0], &sim.runs()[1]);
        assert_eq!(free.termination(), Some(Termination::MaxSteps));
        assert_eq!(free.val_losses().len(), free.trajectory().len());
        let Some(Termination::EarlyStopped { step, best }) = stopped.termination() else {
            panic!("{:?}", stopped.termination());
        };
        assert_eq!(step - best, 300);
        let val = stopped.val_losses();
        assert_eq!(val.len() as u64, step + 1);
        let min = val.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(
            val[best as usize], min,
            "the best row has the lowest validation loss"
        );
        // Same path as the free run until it stops: early stopping only ends runs.
        assert_eq!(
            stopped.trajectory().raw_rows(0..stopped.trajectory().len()),
            free.trajectory().raw_rows(0..stopped.trajectory().len())
        );
    }

    #[test]
    fn early_stopping_without_a_validation_split_is_refused() {
        let preset = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), early_stopping: Some(patience: 5), runs: [(optimizer: Adam())])",
            "t",
        )
        .unwrap();
        let err = preset.simulation(Path::new(".")).unwrap_err();
        assert!(
            err.to_string().contains("needs a validation split"),
            "{err}"
        );
    }

    /// `batch_for_step` names the batch the simulation really used: one
    /// plain SGD step on it from row k gives row k + 1.
    #[test]
    fn batch_for_step_replays_the_stream() {
        let preset = Preset::from_ron_str(
            "(problem: LinearRegression(data: Synthetic(n: 50, seed: 4)), steps: 40, seed: 9, batch_size: Some(7), runs: [(optimizer: Sgd(lr: 0.1))])",
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let t = sim.runs()[0].trajectory();
        for k in [0_u64, 6, 7, 8, 39] {
            let batch = batch_for_step(50, Some(7), 9, k).unwrap();
            let before = t.params(k as usize).unwrap();
            let mut g = [0.0; 2];
            sim.problem()
                .loss_grad(before, crate::problem::Batch::Indices(&batch), &mut g);
            let after = t.params(k as usize + 1).unwrap();
            for i in 0..2 {
                assert_eq!(after[i], before[i] + -0.1 * g[i], "step {k}");
            }
        }
        assert!(batch_for_step(50, None, 9, 3).is_none());
    }

    /// Runs may set their own batch size: runs of one size share a stream,
    /// and a size of at least the data is plain gradient descent.
    #[test]
    fn per_run_batch_sizes_share_streams_by_size() {
        let preset = Preset::from_ron_str(
            "(problem: LinearRegression(data: Synthetic(n: 50, seed: 4)), steps: 60, seed: 3, batch_size: Some(10), runs: [(optimizer: Sgd(lr: 0.1), batch_size: Some(1)), (optimizer: Sgd(lr: 0.1)), (optimizer: Sgd(lr: 0.1), batch_size: Some(10)), (optimizer: Sgd(lr: 0.1), batch_size: Some(1000))])",
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let rows = |i: usize| {
            let t = sim.runs()[i].trajectory();
            t.raw_rows(0..t.len()).to_vec()
        };
        assert_eq!(rows(1), rows(2), "the same size sees the same batches");
        assert_ne!(rows(0), rows(1), "batch 1 differs");
        let mut gd = preset.clone();
        gd.batch_size = None;
        gd.runs.truncate(1);
        gd.runs[0].batch_size = None;
        let mut plain = gd.simulation(Path::new(".")).unwrap();
        plain.run_to_end();
        let t = plain.runs()[0].trajectory();
        assert_eq!(
            rows(3),
            t.raw_rows(0..t.len()).to_vec(),
            "≥ n is full-batch GD"
        );
    }

    #[test]
    fn last_losses_only_keep_the_path_and_the_last_loss() {
        let preset = Preset::from_ron_str(
            "(problem: Classification(data: Moons(n: 200, noise: 0.2, seed: 1), hidden: [6]), steps: 90, batch_size: Some(16), runs: [(optimizer: Adam(lr: 0.05))])",
            "t",
        )
        .unwrap();
        let mut every = preset.simulation(Path::new(".")).unwrap();
        every.run_to_end();
        let mut last = preset.simulation(Path::new(".")).unwrap();
        last.record_last_losses_only();
        for n in [7, 50, 100] {
            last.advance(n);
        }
        let (a, b) = (every.runs()[0].trajectory(), last.runs()[0].trajectory());
        assert_eq!(a.len(), b.len());
        for k in 0..a.len() {
            assert_eq!(a.params(k), b.params(k), "row {k}");
        }
        assert_eq!(a.last().unwrap().1.to_bits(), b.last().unwrap().1.to_bits());
        assert!(
            b.loss(8).unwrap().is_nan(),
            "rows between are not evaluated"
        );
        assert!(b.loss(7).unwrap().is_finite(), "an advance's last row is");
    }

    #[test]
    fn classifiers_record_a_validation_loss_and_can_stop_early() {
        let preset = Preset::from_ron_str(
            "(problem: Classification(data: Moons(n: 120, noise: 0.3, seed: 2), hidden: [8], validation: 0.25), steps: 400, runs: [(optimizer: Adam(lr: 0.05)), (optimizer: Adam(lr: 0.05), early_stopping: Some(patience: 30))])",
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        assert_eq!(
            sim.problem().sample_count(),
            Some(90),
            "batches come from the 90 training points"
        );
        sim.run_to_end();
        let free = &sim.runs()[0];
        assert_eq!(free.val_losses().len(), free.trajectory().len());
        let (train, val) = (free.trajectory().loss(0).unwrap(), free.val_losses()[0]);
        assert!(val.is_finite() && val != train, "{train} vs {val}");
        // Over-fitting 90 noisy points: the held-out loss turns up and the
        // second run stops 30 rows after its best.
        let Some(Termination::EarlyStopped { step, best }) = sim.runs()[1].termination() else {
            panic!("{:?}", sim.runs()[1].termination());
        };
        assert_eq!(step - best, 30);
        let val = sim.runs()[1].val_losses();
        assert!(
            val[best as usize + 1..]
                .iter()
                .all(|&v| v >= val[best as usize])
        );
    }

    #[test]
    fn a_runs_penalty_moves_its_minimum_to_ridge_and_lasso() {
        let data = "data: Synthetic(n: 60, slope: 1.0, intercept: 1.0, noise: 0.5, x_range: (-2.0, 2.0), seed: 11)";
        let preset = Preset::from_ron_str(
            &format!(
                "(problem: LinearRegression({data}), steps: 4000, runs: [\
                 (optimizer: Sgd(lr: 0.1)),\
                 (optimizer: Sgd(lr: 0.1), penalty: Some(l2: 1.5)),\
                 (optimizer: Sgd(lr: 0.1), schedule: StepLR(step_size: 200, gamma: 0.5), penalty: Some(l1: 3.0))])"
            ),
            "t",
        )
        .unwrap();
        let mut sim = preset.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let Some(crate::problem::Samples::Line { train, .. }) = sim.problem().samples() else {
            panic!("linear regression has line samples");
        };
        let n = train.len() as f64;
        let mean =
            |f: &dyn Fn(f64, f64) -> f64| train.iter().map(|&[x, y]| f(x, y)).sum::<f64>() / n;
        let (mx, my) = (mean(&|x, _| x), mean(&|_, y| y));
        let var = mean(&|x, _| (x - mx) * (x - mx));
        let cov = mean(&|x, y| (x - mx) * (y - my));
        // Ridge on w only: minimise var·w² − 2·cov·w + l2·w², b = ȳ − w·x̄.
        let ridge_w = cov / (var + 1.5);
        let end = |i: usize| sim.runs()[i].params().to_vec();
        assert!((end(0)[0] - cov / var).abs() < 1e-9, "{:?}", end(0));
        assert!(
            (end(1)[0] - ridge_w).abs() < 1e-9,
            "{:?} vs {ridge_w}",
            end(1)
        );
        assert!((end(1)[1] - (my - ridge_w * mx)).abs() < 1e-9);
        // Lasso: 2·|cov| < l1, so the minimum has w = 0 exactly and b = ȳ;
        // decaying lr lets subgradient descent settle there.
        assert!(2.0 * cov.abs() < 3.0);
        assert!(end(2)[0].abs() < 1e-6, "{:?}", end(2));
        // b follows ȳ − w·x̄ while w chatters, and freezes as lr decays.
        assert!((end(2)[1] - my).abs() < 1e-3, "{:?} vs {my}", end(2));
        // The recorded loss is the run's own objective.
        let last = sim.runs()[1].trajectory().last().unwrap().1;
        let expected = sim.problem().loss(&end(1)) + 1.5 * end(1)[0] * end(1)[0];
        assert!((last - expected).abs() < 1e-12);
    }
}
