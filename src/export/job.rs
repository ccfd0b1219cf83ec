//! Exports off the UI thread: a named thread that reruns the preset, renders
//! and writes the file atomically, reporting progress and honouring cancel.
//! A panic inside becomes an error message; the caller keeps working.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

use super::ExportError;
use super::animation::{GifOptions, render_gif};
use super::picture::{PictureOptions, render_png, render_svg, surface_aspect};
use crate::atomic_file;
use crate::preset::Preset;
use crate::problem::ViewBox;
use crate::scene::Scene;
use crate::sim::Simulation;

/// Contour grid of exported pictures (samples across).
pub const RESOLUTION: usize = 512;

/// What to write.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportKind {
    /// A PNG or SVG picture (by the file's extension).
    Picture(PictureOptions),
    /// A GIF animation.
    Gif(GifOptions),
    /// The trajectories (the `descent run --csv` contract).
    Trajectories,
    /// Every step's optimizer state (long format).
    States,
    /// Panics inside the job (tests of the crash path only).
    #[doc(hidden)]
    InjectPanic,
}

/// One export: the scenario, the view to draw and where to write.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    /// The scenario (rerun from scratch, so the file matches the CLI's).
    pub preset: Preset,
    /// Where relative data paths resolve.
    pub base_dir: PathBuf,
    /// The region to draw; `None` is the preset's or the problem's own.
    pub view: Option<ViewBox>,
    /// The output file.
    pub path: PathBuf,
    /// What to write there.
    pub kind: ExportKind,
}

/// Runs an export to completion on the calling thread. `progress(done,
/// total)` returns false to cancel.
pub fn run_export(
    request: &ExportRequest,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<(), String> {
    let ExportRequest {
        preset,
        base_dir,
        view,
        path,
        kind,
    } = request;
    let write_error = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut sim = Simulation::from_preset(preset, base_dir).map_err(|e| e.to_string())?;
    match kind {
        ExportKind::InjectPanic => panic!("injected export panic"),
        ExportKind::States => {
            return atomic_file::write_with(path, |w| super::csv::write_states(&mut sim, w))
                .map_err(write_error);
        }
        ExportKind::Trajectories | ExportKind::Picture(_) | ExportKind::Gif(_) => {}
    }
    sim.run_to_end();
    let scene_for = |options: &PictureOptions| {
        Scene::from_simulation(
            preset,
            &sim,
            view.or(preset.view),
            Some(surface_aspect(options)),
            RESOLUTION,
        )
    };
    let export_error = |e: ExportError| e.to_string();
    match kind {
        ExportKind::Trajectories => {
            atomic_file::write_with(path, |w| super::csv::write_trajectories(&sim, w))
                .map_err(write_error)
        }
        ExportKind::Picture(options) => {
            let scene = scene_for(options);
            let bytes = if is_svg(path) {
                render_svg(&scene, options)
                    .map_err(export_error)?
                    .into_bytes()
            } else {
                render_png(&scene, options).map_err(export_error)?
            };
            atomic_file::write(path, &bytes).map_err(write_error)
        }
        ExportKind::Gif(options) => {
            let scene = scene_for(&options.picture);
            let bytes = render_gif(&scene, options, progress).map_err(export_error)?;
            atomic_file::write(path, &bytes).map_err(write_error)
        }
        ExportKind::States | ExportKind::InjectPanic => Ok(()),
    }
}

fn is_svg(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// A running export. Dropping it cancels and joins the thread.
#[derive(Debug)]
pub struct ExportJob {
    done: Arc<AtomicU32>,
    total: Arc<AtomicU32>,
    cancel: Arc<AtomicBool>,
    result: Receiver<Result<PathBuf, String>>,
    thread: Option<JoinHandle<()>>,
    finished: Option<Result<PathBuf, String>>,
}

impl ExportJob {
    /// Starts `request` on thread `descent-export`; `waker` runs on progress
    /// and at the end.
    pub fn start(
        request: ExportRequest,
        waker: impl Fn() + Send + 'static,
    ) -> std::io::Result<Self> {
        let done = Arc::new(AtomicU32::new(0));
        let total = Arc::new(AtomicU32::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, result) = mpsc::channel();
        let (d, t, c) = (Arc::clone(&done), Arc::clone(&total), Arc::clone(&cancel));
        let thread = std::thread::Builder::new()
            .name("descent-export".into())
            .spawn(move || {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_export(&request, &mut |k, n| {
                        d.store(k, Ordering::Relaxed);
                        t.store(n, Ordering::Relaxed);
                        waker();
                        !c.load(Ordering::Relaxed)
                    })
                }));
                let message = match outcome {
                    Ok(Ok(())) => Ok(request.path.clone()),
                    Ok(Err(e)) => Err(e),
                    Err(panic) => Err(format!(
                        "the export crashed ({}); nothing was written",
                        panic_text(panic.as_ref())
                    )),
                };
                let _ = tx.send(message);
                waker();
            })?;
        Ok(Self {
            done,
            total,
            cancel,
            result,
            thread: Some(thread),
            finished: None,
        })
    }

    /// Frames (or steps) done and in all; (0, 0) while no count is known.
    pub fn progress(&self) -> (u32, u32) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the job to stop; it ends with "cancelled" and writes nothing.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The outcome once the job has ended: the written path or the error.
    pub fn poll(&mut self) -> Option<&Result<PathBuf, String>> {
        if self.finished.is_none()
            && let Ok(outcome) = self.result.try_recv()
        {
            self.finished = Some(outcome);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
        self.finished.as_ref()
    }
}

impl Drop for ExportJob {
    fn drop(&mut self) {
        self.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn request(path: PathBuf, kind: ExportKind) -> ExportRequest {
        ExportRequest {
            preset: Preset::from_ron_str(
                "(problem: Surface(Himmelblau), steps: 60, runs: [(optimizer: Adam(lr: 0.1))])",
                "t",
            )
            .unwrap(),
            base_dir: PathBuf::from("."),
            view: None,
            path,
            kind,
        }
    }

    fn wait(job: &mut ExportJob) -> Result<PathBuf, String> {
        let deadline = Instant::now() + Duration::from_mins(1);
        loop {
            if let Some(outcome) = job.poll() {
                return outcome.clone();
            }
            assert!(Instant::now() < deadline, "the export never finished");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_job_writes_the_file_and_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plot.svg");
        let options = PictureOptions {
            width: 300,
            height: 200,
            ..PictureOptions::default()
        };
        let mut job =
            ExportJob::start(request(path.clone(), ExportKind::Picture(options)), || {}).unwrap();
        assert_eq!(wait(&mut job), Ok(path.clone()));
        assert!(std::fs::read_to_string(path).unwrap().starts_with("<svg"));
    }

    #[test]
    fn a_panicking_job_becomes_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("never.png");
        let mut job =
            ExportJob::start(request(path.clone(), ExportKind::InjectPanic), || {}).unwrap();
        let error = wait(&mut job).unwrap_err();
        assert!(error.contains("crashed"), "{error}");
        assert!(!path.exists());
    }

    #[test]
    fn a_cancelled_gif_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anim.gif");
        let mut job = ExportJob::start(
            request(path.clone(), ExportKind::Gif(GifOptions::default())),
            || {},
        )
        .unwrap();
        job.cancel();
        assert_eq!(wait(&mut job), Err("cancelled".to_owned()));
        assert!(!path.exists());
    }
}
