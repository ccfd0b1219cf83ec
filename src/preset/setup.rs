//! A preset turned into a simulation: the one place where the file format
//! meets the core.

use std::path::Path;

use super::{Overlay, Preset};
use crate::problem::Problem;
use crate::sim::{ImportedRun, RunSetup, SimError, SimSetup, Simulation, parse_trajectories};

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
                    optimizer: r.optimizer.clone(),
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

    /// Every overlay's trajectories, read relative to `base_dir`, with
    /// the index of the overlay each came from; where a file has no loss,
    /// `problem`'s.
    pub fn imported_runs(
        &self,
        base_dir: &Path,
        problem: &dyn Problem,
    ) -> Result<Vec<(usize, ImportedRun)>, SimError> {
        let mut out = Vec::new();
        for i in 0..self.overlays.len() {
            for run in self.import_overlay(i, base_dir, problem)? {
                out.push((i, run));
            }
        }
        Ok(out)
    }

    /// The trajectories of overlay `index` (none if there is no such overlay).
    pub fn import_overlay(
        &self,
        index: usize,
        base_dir: &Path,
        problem: &dyn Problem,
    ) -> Result<Vec<ImportedRun>, SimError> {
        self.overlays
            .get(index)
            .map_or(Ok(Vec::new()), |o| o.read(base_dir, problem))
    }

    /// Builds the problem and the runs; data paths resolve against `base_dir`.
    pub fn simulation(&self, base_dir: &Path) -> Result<Simulation, SimError> {
        let problem = self.problem.build(base_dir)?;
        Simulation::new(problem, self.sim_setup())
    }
}

impl Overlay {
    /// Reads the file (relative to `base_dir`) for `problem`: its
    /// trajectories, labelled, with `problem`'s loss where the file has none.
    pub fn read(
        &self,
        base_dir: &Path,
        problem: &dyn Problem,
    ) -> Result<Vec<ImportedRun>, SimError> {
        let path = base_dir.join(&self.csv);
        let text = std::fs::read_to_string(&path).map_err(|e| SimError::ImportIo {
            file: self.csv.clone(),
            reason: e.to_string(),
        })?;
        let stem = path
            .file_stem()
            .map_or_else(|| self.csv.clone(), |s| s.to_string_lossy().into_owned());
        let names = problem.param_names();
        let mut runs =
            parse_trajectories(&text, &names, &|p| problem.loss(p), &stem).map_err(|source| {
                SimError::Import {
                    file: self.csv.clone(),
                    source,
                }
            })?;
        if let Some(label) = &self.label {
            let several = runs.len() > 1;
            for run in &mut runs {
                run.label = if several {
                    format!("{label} · {}", run.label)
                } else {
                    label.clone()
                };
            }
        }
        Ok(runs)
    }
}
