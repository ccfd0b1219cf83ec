//! One optimizer run inside a simulation.

use crate::optim::{Layout, OptimizerConfig, OptimizerInstance, Schedule, ScheduleState};
use crate::problem::{Batch, Penalty, Problem};

use super::{EarlyStopping, LrRecord, Termination, Trajectory};

mod plain;

/// Whether every value is finite, without a branch per value.
#[inline]
fn all_finite(values: &[f64]) -> bool {
    values.iter().fold(true, |ok, v| ok & v.is_finite())
}

/// The full-data loss at `params` plus `penalty` on the `mask`ed weights.
fn objective(
    problem: &dyn Problem,
    penalty: Option<&Penalty>,
    mask: &[bool],
    params: &[f64],
) -> f64 {
    let loss = problem.loss(params);
    match penalty {
        Some(p) => loss + p.value(params, mask),
        None => loss,
    }
}

/// How a run describes itself: label, optimizer and schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSetup {
    /// Legend label.
    pub label: String,
    /// Hyperparameters.
    pub optimizer: OptimizerConfig,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// This run's own start instead of the simulation's (basin lessons).
    pub start: Option<Vec<f64>>,
    /// This run's own early-stopping rule instead of the simulation's.
    pub early_stopping: Option<EarlyStopping>,
    /// This run's own mini-batch size instead of the simulation's (a size
    /// of at least the number of samples is the full batch).
    pub batch_size: Option<usize>,
    /// This run's own L1/L2 penalty on the weights.
    pub penalty: Option<Penalty>,
    /// Tensors stepped by their own optimizer (empty: `optimizer` steps all).
    pub groups: Vec<crate::optim::ParamGroup>,
    /// This run's own gradient noise instead of the simulation's.
    pub noise: Option<super::GradientNoise>,
}

impl RunSetup {
    /// `optimizer` under `label`, with no schedule and nothing of its own
    /// (start, early stopping, batch size, penalty, groups, noise).
    pub fn new(label: impl Into<String>, optimizer: OptimizerConfig) -> Self {
        Self {
            label: label.into(),
            optimizer,
            schedule: Schedule::Constant,
            start: None,
            early_stopping: None,
            batch_size: None,
            penalty: None,
            groups: Vec::new(),
            noise: None,
        }
    }
}

/// The most inner evaluation points a run keeps (16 MB).
pub const MAX_INNER_POINTS: usize = 1 << 20;

/// A run's optimizer, schedule, current parameters and recorded path.
#[derive(Clone, Debug)]
pub struct Run {
    setup: RunSetup,
    optimizer: OptimizerInstance,
    schedule_state: ScheduleState,
    params: Vec<f64>,
    trajectory: Trajectory,
    /// The optimizer's companion points per row (ASGD's `ax`, Schedule-Free's
    /// `x` and `z`; row 0 is the start), one path each.
    companions: Vec<Trajectory>,
    /// Scratch for a companion point.
    companion_point: Vec<f64>,
    /// The lr each step used: `lrs.get(k)` took row k to row k + 1.
    lrs: LrRecord,
    /// Loss and gradient evaluations of each step, for optimizers that make
    /// more than one (L-BFGS); empty for the others, which make one each.
    evaluations: Vec<u64>,
    counts_evaluations: bool,
    /// On a surface, where each step's extra evaluations were made (x, y
    /// pairs, step after step; L-BFGS only), up to [`MAX_INNER_POINTS`].
    inner_points: Vec<f64>,
    /// The step size each step really took, for optimizers that set it
    /// themselves (Prodigy's d·lr); empty for the others.
    effective_lrs: Vec<f64>,
    /// Scratch for the look-ahead point (look-ahead Nesterov only).
    probe: Vec<f64>,
    /// The validation loss of every row whose loss is settled (problems
    /// with a validation split only).
    val: Vec<f64>,
    /// When to stop on the validation loss.
    pub(crate) early_stopping: Option<EarlyStopping>,
    /// Which parameters the run's penalty applies to (empty without one).
    penalty_mask: Vec<bool>,
    /// Which of the simulation's batch streams this run reads.
    pub(crate) stream: usize,
    /// σ of the Gaussian noise added to each gradient (0: none).
    pub(crate) noise_sigma: f64,
    /// The box θ is projected onto after each step.
    pub(crate) bounds: Option<crate::problem::ViewBox>,
    /// The best validation loss so far and its row.
    best_val: (f64, u64),
    /// The last row's loss still has to be evaluated.
    pending_loss: bool,
    /// Whether every row's full loss is evaluated, or only each chunk's last
    /// (a sweep's final-loss score reads no other).
    pub(crate) every_row_loss: bool,
    stopped: Option<Termination>,
}

impl Run {
    pub(crate) fn new(
        setup: RunSetup,
        start: &[f64],
        problem: &dyn Problem,
        capacity: usize,
    ) -> Self {
        let setup_has_penalty = setup.penalty.is_some_and(|p| !p.is_zero());
        let mut trajectory = Trajectory::with_capacity(start.len(), capacity);
        trajectory.push(start, f64::NAN);
        let layout = Some(problem.tensors())
            .filter(|l| l.dim() == start.len())
            .unwrap_or_else(|| Layout::vector(start.len()));
        let companion_count = setup.optimizer.companion_names().len();
        let sets_own_step_size = matches!(setup.optimizer, OptimizerConfig::Prodigy(_));
        let evaluates_often = matches!(setup.optimizer, OptimizerConfig::Lbfgs(_));
        let lr_changes = !matches!(setup.schedule, Schedule::Constant);
        let validates = problem.validation_loss(start).is_some();
        let companions = (0..companion_count)
            .map(|_| Trajectory::with_capacity(start.len(), capacity))
            .collect();
        let mut run = Self {
            companions,
            companion_point: vec![0.0; start.len()],
            optimizer: OptimizerInstance::with_groups(
                setup.optimizer.clone(),
                layout,
                &setup.groups,
            ),
            schedule_state: setup.schedule.start(setup.optimizer.lr()),
            setup,
            params: start.to_vec(),
            trajectory,
            // Without a schedule the lr stays the same: one number, no room.
            lrs: LrRecord::with_capacity(if lr_changes { capacity } else { 0 }),
            evaluations: Vec::with_capacity(if evaluates_often { capacity } else { 0 }),
            counts_evaluations: evaluates_often,
            inner_points: Vec::new(),
            effective_lrs: Vec::with_capacity(if sets_own_step_size { capacity } else { 0 }),
            probe: vec![0.0; start.len()],
            val: Vec::with_capacity(if validates { capacity } else { 0 }),
            early_stopping: None,
            penalty_mask: if setup_has_penalty {
                problem.penalised()
            } else {
                Vec::new()
            },
            stream: 0,
            noise_sigma: 0.0,
            bounds: None,
            best_val: (f64::INFINITY, 0),
            pending_loss: true,
            every_row_loss: true,
            stopped: None,
        };
        if companion_count > 0 {
            let loss = run.objective(problem, start);
            for path in &mut run.companions {
                path.push(start, loss);
            }
        }
        run.settle(problem);
        run
    }

    /// Label, optimizer and schedule.
    pub fn setup(&self) -> &RunSetup {
        &self.setup
    }

    /// The optimizer with its current state.
    pub fn optimizer(&self) -> &OptimizerInstance {
        &self.optimizer
    }

    /// The schedule's state (current lr).
    pub fn schedule_state(&self) -> &ScheduleState {
        &self.schedule_state
    }

    /// The recorded path.
    pub fn trajectory(&self) -> &Trajectory {
        &self.trajectory
    }

    /// The optimizer's companion paths with their names (ASGD's `ax`,
    /// Schedule-Free's `x` and `z`), row for row with [`Self::trajectory`].
    pub fn companions(&self) -> impl Iterator<Item = (&'static str, &Trajectory)> {
        self.setup
            .optimizer
            .companion_names()
            .iter()
            .copied()
            .zip(&self.companions)
    }

    /// The validation loss of every settled row (empty without a split).
    pub fn val_losses(&self) -> &[f64] {
        &self.val
    }

    /// The step size every step really took (Prodigy's d·lr), in step with
    /// [`Self::lrs`]; empty for optimizers that take lr as it is.
    pub fn effective_lrs(&self) -> &[f64] {
        &self.effective_lrs
    }

    /// Loss and gradient evaluations of every step, in step with
    /// [`Self::lrs`], for optimizers that evaluate more than once a step
    /// (L-BFGS); empty for the others, which evaluate once.
    pub fn evaluations(&self) -> &[u64] {
        &self.evaluations
    }

    /// Where L-BFGS evaluated inside its steps on a surface, as (x, y)
    /// pairs: step k's are its `evaluations()[k] − 1` after the first, which
    /// is the row itself.
    pub fn inner_points(&self) -> &[f64] {
        &self.inner_points
    }

    /// The lr of every step taken: `lrs().get(k)` moved row k to row k + 1.
    pub fn lrs(&self) -> &LrRecord {
        &self.lrs
    }

    /// Current parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Why the run stopped, if it has.
    pub fn termination(&self) -> Option<Termination> {
        self.stopped
    }

    /// Optimizer steps this run has taken.
    pub fn steps_taken(&self) -> u64 {
        self.trajectory.len().saturating_sub(1) as u64
    }

    /// Whether the run still takes steps.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.stopped.is_none()
    }

    pub(crate) fn stop(&mut self, why: Termination) {
        if self.stopped.is_none() {
            self.stopped = Some(why);
        }
    }

    /// One optimizer step from row `k`, recording row `k + 1`.
    #[inline]
    pub(crate) fn step(
        &mut self,
        problem: &dyn Problem,
        (batch, noise): (Batch<'_>, &[f64]),
        k: u64,
        grad: &mut [f64],
        grad_tol: Option<f64>,
    ) {
        let lr = self.schedule_state.lr();
        // A schedule's momentum copies the config; no kind with one allocates.
        let cycled = self
            .schedule_state
            .momentum()
            .and_then(|m| self.setup.optimizer.cycled_to(m));
        let config = cycled.as_ref().unwrap_or(&self.setup.optimizer);
        let ahead = config.may_look_ahead()
            && self
                .optimizer
                .look_ahead_point(config, &self.params, lr, &mut self.probe);
        let point = if ahead { &self.probe } else { &self.params };
        let batch_is_row = matches!(batch, Batch::Full) && !ahead;
        let row_wanted = !batch_is_row && self.pending_loss && self.every_row_loss;
        let (mut batch_loss, row_loss) = self.losses(problem, (point, batch), grad, row_wanted);
        let (penalty, mask) = (self.setup.penalty.as_ref(), &self.penalty_mask);
        if let Some(p) = penalty {
            batch_loss += p.add_to(point, mask, grad);
        }
        let sigma = self.noise_sigma;
        super::noise::add_noise(grad, sigma, noise);
        let loss = if batch_is_row {
            batch_loss
        } else if !self.pending_loss {
            // Settled at the end of the last advance.
            self.trajectory.last().map_or(f64::NAN, |(_, l)| l)
        } else {
            row_loss
        };
        self.trajectory.set_last_loss(loss);
        // A row settled at the end of the last chunk already has its validation loss.
        let early_stop = if self.pending_loss {
            self.record_validation(problem, k)
        } else {
            None
        };
        self.pending_loss = false;
        let loss_ok = loss.is_finite() || !self.every_row_loss;
        if !(all_finite(grad) & loss_ok & batch_loss.is_finite()) {
            self.stop(Termination::Diverged { step: k });
            return;
        }
        if let Some(tol) = grad_tol
            && grad.iter().map(|g| g * g).sum::<f64>().sqrt() < tol
        {
            self.stop(Termination::Converged { step: k });
            return;
        }
        if let Some(why) = early_stop {
            self.stop(why);
            return;
        }
        self.lrs.push(lr);
        let config = cycled.as_ref().unwrap_or(&self.setup.optimizer);
        // The step's closure (L-BFGS evaluates again): the same batch and penalty.
        let (penalty, mask) = (self.setup.penalty.as_ref(), &self.penalty_mask);
        let inner = &mut self.inner_points;
        let keep_inner = self.counts_evaluations && self.params.len() == 2;
        let mut closure = |p: &[f64], g: &mut [f64]| {
            if keep_inner && inner.len() < 2 * MAX_INNER_POINTS {
                inner.extend_from_slice(p);
            }
            let loss = problem.loss_grad(p, batch, g);
            let loss = penalty.map_or(loss, |pen| loss + pen.add_to(p, mask, g));
            super::noise::add_noise(g, sigma, noise);
            loss
        };
        let evaluations = self.optimizer.step_closure(
            config,
            &mut self.params,
            (grad, batch_loss),
            lr,
            &mut closure,
        );
        if let Some(b) = &self.bounds {
            b.project(&mut self.params);
        }
        if self.counts_evaluations {
            self.evaluations.push(evaluations);
        }
        self.setup
            .schedule
            .advance(&mut self.schedule_state, batch_loss);
        self.trajectory.push(&self.params, f64::NAN);
        if let Some(step_size) = self.optimizer.effective_lr() {
            self.effective_lrs.push(step_size);
        }
        for (k, path) in self.companions.iter_mut().enumerate() {
            let point = &mut self.companion_point;
            if self.optimizer.companion_into(k, &self.params, point) {
                let penalty = self.setup.penalty.as_ref();
                let loss = objective(problem, penalty, &self.penalty_mask, point);
                path.push(point, loss);
            }
        }
        self.pending_loss = true;
        if !all_finite(&self.params) {
            self.stop(Termination::Diverged { step: k + 1 });
        }
    }

    /// The batch loss at `point` (its gradient into `grad`) and, if
    /// `row_wanted`, the full loss of the current row (else NaN). Neither
    /// depends on the other, so a loss that splits across threads runs
    /// side by side with the gradient.
    fn losses(
        &self,
        problem: &dyn Problem,
        (point, batch): (&[f64], Batch<'_>),
        grad: &mut [f64],
        row_wanted: bool,
    ) -> (f64, f64) {
        let row_loss = || self.objective(problem, &self.params);
        if row_wanted && problem.splits_loss() {
            rayon::join(|| problem.loss_grad(point, batch, grad), row_loss)
        } else {
            let batch_loss = problem.loss_grad(point, batch, grad);
            (batch_loss, if row_wanted { row_loss() } else { f64::NAN })
        }
    }

    /// This run's loss at `params`: the problem's plus the run's penalty.
    pub fn objective(&self, problem: &dyn Problem, params: &[f64]) -> f64 {
        objective(
            problem,
            self.setup.penalty.as_ref(),
            &self.penalty_mask,
            params,
        )
    }

    /// This run's loss and gradient on `batch` at `point`, penalty included.
    pub fn objective_grad(
        &self,
        problem: &dyn Problem,
        point: &[f64],
        batch: Batch<'_>,
        grad: &mut [f64],
    ) -> f64 {
        let loss = problem.loss_grad(point, batch, grad);
        match &self.setup.penalty {
            Some(p) => loss + p.add_to(point, &self.penalty_mask, grad),
            None => loss,
        }
    }

    /// σ of the Gaussian noise this run adds to each gradient (0: none).
    pub fn noise_sigma(&self) -> f64 {
        self.noise_sigma
    }

    /// Where the next step takes its gradient: θ, or the look-ahead point.
    pub fn gradient_point(&self) -> Vec<f64> {
        let cycled = self
            .schedule_state
            .momentum()
            .and_then(|m| self.setup.optimizer.cycled_to(m));
        let config = cycled.as_ref().unwrap_or(&self.setup.optimizer);
        let mut point = self.params.clone();
        self.optimizer
            .look_ahead_point(config, &self.params, self.schedule_state.lr(), &mut point);
        point
    }

    /// Records row `row`'s validation loss, if the problem has a split, and
    /// says whether early stopping ends the run there.
    fn record_validation(&mut self, problem: &dyn Problem, row: u64) -> Option<Termination> {
        let v = problem.validation_loss(&self.params)?;
        self.val.push(v);
        let rule = self.early_stopping?;
        if v < self.best_val.0 - rule.min_delta {
            self.best_val = (v, row);
        } else if row - self.best_val.1 >= rule.patience {
            return Some(Termination::EarlyStopped {
                step: row,
                best: self.best_val.1,
            });
        }
        None
    }

    /// Evaluates the last row's loss if it is still pending.
    pub(crate) fn settle(&mut self, problem: &dyn Problem) {
        if !self.pending_loss {
            return;
        }
        let loss = self.objective(problem, &self.params);
        self.trajectory.set_last_loss(loss);
        self.pending_loss = false;
        let step = self.trajectory.len().saturating_sub(1) as u64;
        if let Some(why) = self.record_validation(problem, step)
            && self.stopped.is_none()
        {
            self.stop(why);
        }
        if !loss.is_finite() || self.params.iter().any(|p| !p.is_finite()) {
            let step = self.trajectory.len().saturating_sub(1) as u64;
            self.stop(Termination::Diverged { step });
        }
    }
}
