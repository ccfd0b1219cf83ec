//! The checks a simulation's setup must pass before it runs.

use super::{SimError, SimSetup, limits};
use crate::problem::Problem;

/// Refuses setups that cannot run: too much to record, starts of the wrong
/// size or with a non-finite loss, early stopping without held-out data.
pub(super) fn check_setup(
    problem: &dyn Problem,
    setup: &SimSetup,
    start: &[f64],
) -> Result<(), SimError> {
    let dim = problem.dim();
    let per_step = (setup.runs.len() as u64).saturating_mul(dim as u64 + 1);
    let values = setup.steps.saturating_mul(per_step);
    let limit = limits::MAX_RECORDED_VALUES;
    if values > limit {
        return Err(SimError::TooLarge {
            runs: setup.runs.len(),
            steps: setup.steps,
            dim,
            values,
            limit,
            most: limit / per_step.max(1),
        });
    }
    let layout = problem.tensors();
    for (run, r) in setup.runs.iter().enumerate() {
        for (group, g) in r.groups.iter().enumerate() {
            if !g.params.picks(&layout).contains(&true) {
                let tensors: Vec<String> = layout
                    .tensors()
                    .iter()
                    .map(crate::optim::Tensor::describe)
                    .collect();
                return Err(SimError::EmptyGroup {
                    run,
                    group,
                    selector: g.params.describe(),
                    tensors: tensors.join(", "),
                });
            }
        }
    }
    if setup.bounds.is_some() && dim != 2 {
        return Err(SimError::BoundsDimension(dim));
    }
    if start.len() != dim {
        return Err(SimError::StartDimension {
            expected: dim,
            names: crate::support::format::name_list(&problem.param_names()),
            got: start.len(),
        });
    }
    if let Some(own) = setup
        .runs
        .iter()
        .filter_map(|r| r.start.as_ref())
        .find(|s| s.len() != dim)
    {
        return Err(SimError::StartDimension {
            expected: dim,
            names: crate::support::format::name_list(&problem.param_names()),
            got: own.len(),
        });
    }
    for point in std::iter::once(start).chain(setup.runs.iter().filter_map(|r| r.start.as_deref()))
    {
        let value = problem.loss(point);
        if !value.is_finite() {
            return Err(SimError::NonFiniteStart {
                point: point
                    .iter()
                    .map(|v| format!("{v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                value,
            });
        }
    }
    let any_early =
        setup.early_stopping.is_some() || setup.runs.iter().any(|r| r.early_stopping.is_some());
    if any_early && problem.validation_loss(start).is_none() {
        return Err(SimError::NoValidation);
    }
    Ok(())
}
