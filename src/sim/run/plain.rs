//! A run's lean loop: steps with nothing around them but the gradient,
//! the update and the record.

use super::{Run, all_finite};
use crate::optim::{OptimizerConfig, Schedule};
use crate::problem::{Batch, Problem};
use crate::sim::Termination;

impl Run {
    /// Whether this run's steps need nothing but the gradient, the
    /// optimizer and the record: no look-ahead, schedule, penalty, noise,
    /// box, companion path, own step size, closure, validation or gradient
    /// tolerance. Such a run on the full batch takes [`Self::plain_steps`].
    pub(crate) fn is_plain(&self, grad_tol: Option<f64>) -> bool {
        grad_tol.is_none()
            && self.every_row_loss
            && matches!(self.setup.schedule, Schedule::Constant)
            && self.schedule_state.momentum().is_none()
            && !self.setup.optimizer.may_look_ahead()
            && !matches!(self.setup.optimizer, OptimizerConfig::Prodigy(_))
            && !self.counts_evaluations
            && self.setup.penalty.is_none()
            && self.noise_sigma == 0.0
            && self.bounds.is_none()
            && self.companions.is_empty()
            && self.early_stopping.is_none()
            // Row 0's validation loss is recorded on creation, if there is a split.
            && self.val.is_empty()
    }

    /// Up to `count` steps on the full batch from row `k`, for a run that
    /// [`Self::is_plain`]: [`Self::step`]'s arithmetic and record with none
    /// of its other work, so a 2-D step costs little more than its gradient
    /// and update. The record's pages for the next call are faulted in on
    /// another thread meanwhile.
    pub(crate) fn plain_steps(
        &mut self,
        problem: &dyn Problem,
        k: u64,
        count: usize,
        grad: &mut [f64],
    ) {
        let lr = self.schedule_state.lr();
        let Self {
            setup,
            optimizer,
            schedule_state,
            params,
            trajectory,
            lrs,
            pending_loss,
            ..
        } = self;
        let diverged = trajectory.recording_ahead(count, |rows| {
            for step in k..k.saturating_add(count as u64) {
                let loss = problem.loss_grad(params, Batch::Full, grad);
                rows.set_last_loss(loss);
                *pending_loss = false;
                if !(all_finite(grad) & loss.is_finite()) {
                    return Some(step);
                }
                lrs.push(lr);
                optimizer.step_with(&setup.optimizer, params, grad, lr);
                setup.schedule.advance(schedule_state, loss);
                rows.push(params, f64::NAN);
                *pending_loss = true;
                if !all_finite(params) {
                    return Some(step + 1);
                }
            }
            None
        });
        if let Some(step) = diverged {
            self.stop(Termination::Diverged { step });
        }
    }
}
