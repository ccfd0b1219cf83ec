//! Exports off the UI thread: a [`Job`] that reruns the preset, renders and
//! writes the file, reporting progress and honouring cancel. A panic inside
//! becomes an error message; the caller keeps working.

use std::path::PathBuf;

use super::write::{ExportKind, write_files};
use crate::preset::Preset;
use crate::problem::ViewBox;
use crate::support::job::Job;

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

/// A running export: the written path, or what went wrong.
pub type ExportJob = Job<Result<PathBuf, String>>;

/// Starts `request` on thread `descent-export`; `waker` runs on progress
/// and at the end.
pub fn start(
    request: ExportRequest,
    waker: impl Fn() + Send + Sync + 'static,
) -> std::io::Result<ExportJob> {
    Job::start(
        "descent-export",
        move |progress| {
            let ExportRequest {
                preset,
                base_dir,
                view,
                path,
                kind,
            } = request;
            let targets = [(path.clone(), kind)];
            write_files(&preset, &base_dir, view, &targets, &mut |done, total| {
                progress.report(u64::from(done), u64::from(total))
            })
            .map(|()| path)
            .map_err(|e| e.to_string())
        },
        waker,
    )
}

/// The outcome of a finished job as the status line says it.
pub fn outcome(job: &mut ExportJob) -> Option<Result<PathBuf, String>> {
    Some(match job.poll()? {
        Ok(result) => result.clone(),
        Err(panic) => Err(format!("the export crashed ({panic}); nothing was written")),
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::export::animation::GifOptions;
    use crate::export::picture::PictureOptions;
    use crate::export::write::ImageFormat;

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
            if let Some(outcome) = outcome(job) {
                return outcome;
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
        let mut job = start(
            request(path.clone(), ExportKind::Picture(options, ImageFormat::Svg)),
            || {},
        )
        .unwrap();
        assert_eq!(wait(&mut job), Ok(path.clone()));
        assert!(std::fs::read_to_string(path).unwrap().starts_with("<svg"));
    }

    #[test]
    fn a_panicking_job_becomes_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("never.png");
        let mut job = start(request(path.clone(), ExportKind::InjectPanic), || {}).unwrap();
        let error = wait(&mut job).unwrap_err();
        assert!(error.contains("crashed"), "{error}");
        assert!(!path.exists());
    }

    #[test]
    fn a_cancelled_gif_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anim.gif");
        let mut job = start(
            request(path.clone(), ExportKind::Gif(GifOptions::default())),
            || {},
        )
        .unwrap();
        job.cancel();
        assert_eq!(wait(&mut job), Err("cancelled".to_owned()));
        assert!(!path.exists());
    }
}
