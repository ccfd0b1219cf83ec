//! A trajectory CSV chosen in the File menu or dropped on the window: read
//! once on its own thread, with the problem, before it joins the preset's
//! overlays, so a bad file is reported (with its line) and changes nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::preset::Overlay;
use crate::problem::Problem;
use crate::support::job::Job;

/// The file being read, and its overlay once it reads.
#[derive(Debug, Default)]
pub struct Imports {
    job: Option<Job<Result<(Overlay, usize), String>>>,
}

impl Imports {
    /// Reads `path` for `problem`; `base_dir` is the preset's folder, which
    /// the overlay's path is kept relative to when the file lies inside it.
    pub fn start(
        &mut self,
        path: PathBuf,
        base_dir: &Path,
        problem: Arc<dyn Problem>,
        waker: impl Fn() + Send + Sync + 'static,
    ) -> Result<(), String> {
        let base = std::fs::canonicalize(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
        let file = std::fs::canonicalize(&path).unwrap_or(path);
        let csv = file
            .strip_prefix(&base)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        let job = Job::start(
            "descent-import-file",
            move |_| {
                let overlay = Overlay {
                    csv,
                    label: None,
                    color: None,
                };
                let runs = overlay
                    .read(&base, problem.as_ref())
                    .map_err(|e| format!("{e} (not imported)"))?;
                Ok((overlay, runs.len()))
            },
            waker,
        )
        .map_err(|e| format!("cannot start reading the file: {e}"))?;
        self.job = Some(job);
        Ok(())
    }

    /// The file's overlay and how many trajectories it holds once it has
    /// been read, or why it could not be.
    pub fn poll(&mut self) -> Option<Result<(Overlay, usize), String>> {
        let outcome = self.job.as_mut()?.take()?;
        self.job = None;
        Some(match outcome {
            Ok(result) => result,
            Err(panic) => Err(format!("reading the file crashed ({panic})")),
        })
    }
}
