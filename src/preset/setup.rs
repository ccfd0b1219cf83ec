//! A preset turned into a simulation: the one place where the file format
//! meets the core.

use std::path::Path;

use super::Preset;
use crate::sim::{RunSetup, SimError, SimSetup, Simulation};

impl Preset {
    /// The simulation setup this preset describes.
    pub fn sim_setup(&self) -> SimSetup {
        SimSetup {
            start: self.start.as_ref().map(|p| p.0.clone()),
            steps: self.steps,
            seed: self.seed,
            batch_size: self.batch_size,
            grad_tol: self.grad_tol,
            early_stopping: self.early_stopping,
            noise: self.noise,
            bounds: self.bounds,
            runs: self
                .runs
                .iter()
                .map(|r| RunSetup {
                    label: r.display_label().to_owned(),
                    optimizer: r.optimizer,
                    schedule: r.schedule.clone(),
                    start: r.start.as_ref().map(|p| p.0.clone()),
                    early_stopping: r.early_stopping,
                    batch_size: r.batch_size,
                    penalty: r.penalty.filter(|p| !p.is_zero()),
                    groups: r.groups.clone(),
                    noise: r.noise,
                })
                .collect(),
        }
    }

    /// Builds the problem and the runs; data paths resolve against `base_dir`.
    pub fn simulation(&self, base_dir: &Path) -> Result<Simulation, SimError> {
        let problem = self.problem.build(base_dir)?;
        Simulation::new(problem, self.sim_setup())
    }
}
