//! The step inspector's numbers: for every run at a given row, θ, the loss,
//! the gradient the step consumed, the optimizer's buffers and what follows
//! from them (bias corrections, corrected moments, effective step sizes).

use std::path::Path;
use std::sync::Arc;

use crate::optim::{NamedVector, OptimizerConfig, OptimizerInstance};
use crate::preset::Preset;
use crate::problem::{Batch, Problem};
use crate::sim::{SimError, SimSetup, Simulation};

/// One run's numbers at row `step`.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    /// The run's label.
    pub label: String,
    /// The row shown: parameters after this many steps (a stopped run shows its last row).
    pub step: u64,
    /// θ at that row.
    pub params: Vec<f64>,
    /// Full-data loss at θ.
    pub loss: f64,
    /// The gradient step `step` consumed (at the previous θ); `None` at the start.
    pub grad: Option<Vec<f64>>,
    /// The gradient noise σ·z inside `grad` (runs with noise only).
    pub noise: Option<Vec<f64>>,
    /// The lr that step used.
    pub lr: Option<f64>,
    /// θ minus the previous θ: the update the step applied.
    pub update: Option<Vec<f64>>,
    /// The optimizer's buffers after the step, by torch's names.
    pub state: Vec<NamedVector>,
    /// The same buffers before the step (empty at the start).
    pub state_before: Vec<NamedVector>,
    /// θ before the step.
    pub params_before: Option<Vec<f64>>,
    /// Bias corrections, corrected moments and effective step sizes.
    pub derived: Vec<NamedVector>,
    /// The run's tensors, each with the part (0: the run's own optimizer,
    /// k: group k) that steps it.
    pub tensors: Vec<InspectedTensor>,
}

/// One tensor of an inspected run.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectedTensor {
    /// `name [shape]`, e.g. `2.weight [16, 16]`.
    pub name: String,
    /// Its entries in the flat vector.
    pub range: std::ops::Range<usize>,
    /// 0 for the run's own optimizer, k for group k.
    pub part: usize,
    /// The optimizer that steps it.
    pub optimizer: OptimizerConfig,
}

/// The tensors of `optimizer`'s run with the part stepping each.
fn tensors_of(optimizer: &OptimizerInstance) -> Vec<InspectedTensor> {
    optimizer
        .layout()
        .ranges()
        .map(|(t, range)| {
            let (part, config) = optimizer.part_of(range.start);
            InspectedTensor {
                name: t.describe(),
                range,
                part,
                optimizer: config,
            }
        })
        .collect()
}

impl Inspection {
    /// Every quantity as a named row of values (one per parameter, or one
    /// for a scalar), in display order: θ, loss, g, |g|, lr, buffers,
    /// derived values, Δθ.
    pub fn rows(&self) -> Vec<(String, Vec<f64>)> {
        let mut rows = vec![
            ("theta".to_owned(), self.params.clone()),
            ("loss".to_owned(), vec![self.loss]),
        ];
        if let Some(g) = &self.grad {
            rows.push(("grad".to_owned(), g.clone()));
        }
        if let Some(z) = &self.noise {
            rows.push(("noise".to_owned(), z.clone()));
        }
        if let Some(n) = self.grad_norm() {
            rows.push(("grad_norm".to_owned(), vec![n]));
        }
        if let Some(lr) = self.lr {
            rows.push(("lr".to_owned(), vec![lr]));
        }
        for v in self.state.iter().chain(&self.derived) {
            rows.push((v.name.clone(), v.values.clone()));
        }
        if let Some(u) = &self.update {
            rows.push(("update".to_owned(), u.clone()));
        }
        rows
    }

    /// ‖g‖₂ of the consumed gradient.
    pub fn grad_norm(&self) -> Option<f64> {
        self.grad
            .as_ref()
            .map(|g| g.iter().map(|v| v * v).sum::<f64>().sqrt())
    }
}

/// A run just before the inspected step.
struct Before {
    params: Vec<f64>,
    taken: u64,
    lr: f64,
    grad: Option<Vec<f64>>,
    noise: Option<Vec<f64>>,
    state: Vec<NamedVector>,
}

/// Replays `preset` to row `step` and reports every run there.
pub fn inspect(preset: &Preset, base_dir: &Path, step: u64) -> Result<Vec<Inspection>, SimError> {
    replay(preset.problem.build(base_dir)?, preset.sim_setup(), step)
}

/// The same on a problem already built.
pub fn replay(
    problem: Arc<dyn Problem>,
    setup: SimSetup,
    step: u64,
) -> Result<Vec<Inspection>, SimError> {
    let mut sim = Simulation::new(problem, setup)?;
    let step = step.min(sim.horizon());
    if step == 0 {
        return Ok(at_start_all(&sim));
    }
    // A worker being shut down stops replaying at once.
    sim.advance_until(step - 1, crate::support::worker::should_stop);
    Ok(step_and_inspect(&mut sim))
}

/// Every run at row 0 of a fresh simulation.
pub fn at_start_all(sim: &Simulation) -> Vec<Inspection> {
    sim.runs().iter().map(|run| at_start(sim, run)).collect()
}

/// Takes one step and reports every run at the new row.
pub fn step_and_inspect(sim: &mut Simulation) -> Vec<Inspection> {
    let problem = sim.problem_arc();
    let before: Vec<Before> = {
        let next = sim.next_batches();
        let noise = sim.next_noise().unwrap_or_default();
        sim.runs()
            .iter()
            .zip(&next)
            .map(|(run, next)| {
                let params = run.params().to_vec();
                let batch = match next {
                    Some(idx) => Batch::Indices(idx),
                    None => Batch::full_at(problem.as_ref(), run.steps_taken() + 1),
                };
                // σ·z, as the step adds it to g.
                let sigma = run.noise_sigma();
                let added: Option<Vec<f64>> = (sigma != 0.0 && !noise.is_empty())
                    .then(|| noise.iter().map(|z| sigma * z).collect());
                let grad = run.is_active().then(|| {
                    let mut g = vec![0.0; params.len()];
                    run.objective_grad(problem.as_ref(), &run.gradient_point(), batch, &mut g);
                    for (g, a) in g.iter_mut().zip(added.iter().flatten()) {
                        *g += a;
                    }
                    g
                });
                Before {
                    params,
                    taken: run.steps_taken(),
                    lr: run.schedule_state().lr(),
                    grad,
                    noise: added,
                    state: run.optimizer().named_state(),
                }
            })
            .collect()
    };
    sim.advance(1);
    sim.runs()
        .iter()
        .zip(before)
        .map(|(run, before)| {
            let Before {
                params: prev,
                taken: taken_before,
                lr,
                grad,
                noise,
                state: state_before,
            } = before;
            let stepped = run.steps_taken() > taken_before;
            let (params, loss) = run
                .trajectory()
                .last()
                .map_or((Vec::new(), f64::NAN), |(p, l)| (p.to_vec(), l));
            let update = stepped.then(|| params.iter().zip(&prev).map(|(a, b)| a - b).collect());
            let lr = stepped.then_some(lr);
            Inspection {
                label: run.setup().label.clone(),
                step: run.steps_taken(),
                derived: run
                    .optimizer()
                    .derived(lr.unwrap_or_else(|| run.schedule_state().lr())),
                state: run.optimizer().named_state(),
                state_before: if stepped { state_before } else { Vec::new() },
                params_before: stepped.then_some(prev),
                params,
                loss,
                grad: if stepped { grad } else { None },
                noise: if stepped { noise } else { None },
                lr,
                update,
                tensors: tensors_of(run.optimizer()),
            }
        })
        .collect()
}

fn at_start(sim: &Simulation, run: &crate::sim::Run) -> Inspection {
    let params = run.params().to_vec();
    let mut g = vec![0.0; params.len()];
    let loss = run.objective_grad(sim.problem(), &params, Batch::Full, &mut g);
    Inspection {
        label: run.setup().label.clone(),
        step: 0,
        params,
        loss,
        grad: None,
        noise: None,
        lr: None,
        update: None,
        state: run.optimizer().named_state(),
        state_before: Vec::new(),
        params_before: None,
        derived: Vec::new(),
        tensors: tensors_of(run.optimizer()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset() -> Preset {
        Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), start: Some((-1.5, 2.0)), steps: 50, \
             runs: [(label: \"Adam\", optimizer: Adam(lr: 0.01)), (label: \"SGD\", optimizer: Sgd(lr: 1e-3, momentum: 0.9))])",
            "t",
        )
        .unwrap()
    }

    #[test]
    fn the_inspected_row_matches_the_trajectory() {
        let p = preset();
        let mut sim = p.simulation(Path::new(".")).unwrap();
        sim.run_to_end();
        let rows = inspect(&p, Path::new("."), 17).unwrap();
        for (run, ins) in sim.runs().iter().zip(&rows) {
            let (theta, loss) = run.trajectory().row(17).unwrap();
            let (prev, _) = run.trajectory().row(16).unwrap();
            assert_eq!(ins.params, theta);
            assert_eq!(ins.loss, loss);
            let update: Vec<f64> = theta.iter().zip(prev).map(|(a, b)| a - b).collect();
            assert_eq!(ins.update.as_ref().unwrap(), &update);
            // The consumed gradient is the one at the previous row.
            let (_, gx, gy) = crate::problem::Surface::Rosenbrock.eval(prev[0], prev[1]);
            assert_eq!(ins.grad.as_ref().unwrap(), &vec![gx, gy]);
        }
        let names: Vec<&str> = rows[0].state.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["exp_avg", "exp_avg_sq"]);
        let derived: Vec<&str> = rows[0].derived.iter().map(|v| v.name.as_str()).collect();
        assert!(
            derived.contains(&"bias_correction1") && derived.contains(&"effective_lr"),
            "{derived:?}"
        );
    }

    #[test]
    fn row_zero_has_no_step_yet() {
        let rows = inspect(&preset(), Path::new("."), 0).unwrap();
        assert_eq!(rows[0].params, [-1.5, 2.0]);
        assert_eq!(rows[0].loss, 12.5);
        assert!(rows[0].grad.is_none() && rows[0].update.is_none());
    }
}
