//! Trajectories imported from CSV (the preset's overlays), read on their
//! own worker whenever the files or the problem change; one file that fails
//! leaves the others drawn.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Session;
use crate::preset::{Overlay, Preset};
use crate::problem::{Problem, ProblemConfig};
use crate::sim::ImportedRun;

/// What the import worker reads.
#[derive(Debug)]
pub struct ImportRequest {
    preset: Preset,
    base_dir: PathBuf,
    problem: Arc<dyn Problem>,
}

/// Per overlay: its trajectories, or why its file could not be read.
pub type Imported = Vec<Result<Vec<ImportedRun>, String>>;

/// The files and the problem they were read for.
pub type ImportKey = (Vec<Overlay>, PathBuf, Option<ProblemConfig>);

impl ImportRequest {
    /// Reads every overlay.
    pub fn load(self) -> Imported {
        (0..self.preset.overlays.len())
            .map(|i| {
                self.preset
                    .import_overlay(i, &self.base_dir, self.problem.as_ref())
                    .map_err(|e| e.to_string())
            })
            .collect()
    }
}

impl Session {
    /// Asks for `preset`'s overlays, read relative to `base_dir`, once the
    /// problem of the latest request is built.
    pub fn want_imported(&mut self, preset: &Preset, base_dir: &Path) {
        if preset.overlays.is_empty() {
            self.imports.forget();
            return;
        }
        let Some(problem) = self.problem.as_ref().filter(|_| self.finished_starting()) else {
            return;
        };
        let problem = Arc::clone(problem);
        let key = (
            preset.overlays.clone(),
            base_dir.to_path_buf(),
            self.shown_problem.clone(),
        );
        self.imports.want(key, || ImportRequest {
            preset: preset.clone(),
            base_dir: base_dir.to_path_buf(),
            problem,
        });
    }

    /// Every imported trajectory with the index of its overlay.
    pub fn imported(&self) -> Vec<(usize, &ImportedRun)> {
        self.imports
            .answer()
            .filter(|_| self.imports.is_current())
            .map(|(_, files)| {
                files
                    .iter()
                    .enumerate()
                    .filter_map(|(i, f)| f.as_ref().ok().map(|runs| (i, runs)))
                    .flat_map(|(i, runs)| runs.iter().map(move |r| (i, r)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Why files of the overlays could not be read.
    pub fn import_errors(&self) -> Vec<&str> {
        self.imports
            .answer()
            .map(|(_, files)| {
                files
                    .iter()
                    .filter_map(|f| f.as_ref().err().map(String::as_str))
                    .collect()
            })
            .unwrap_or_default()
    }
}
