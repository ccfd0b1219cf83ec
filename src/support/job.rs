//! One piece of background work on a named thread: progress, cancel, and
//! a panic turned into an error. Exports and sweeps both run as a [`Job`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

/// What a job's work sees: where to report progress and whether to stop.
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
    waker: Box<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("done", &self.done)
            .field("total", &self.total)
            .field("cancel", &self.cancel)
            .finish_non_exhaustive()
    }
}

impl Progress {
    /// Records `done` of `total` and wakes the caller; false once the job
    /// has been cancelled.
    pub fn report(&self, done: u64, total: u64) -> bool {
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        (self.waker)();
        !self.cancelled()
    }

    /// Whether the caller asked the job to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A job that panicked: its message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Panicked(pub String);

/// A running job. Dropping it cancels and joins the thread.
#[derive(Debug)]
pub struct Job<T> {
    progress: Arc<Progress>,
    result: Receiver<Result<T, Panicked>>,
    thread: Option<JoinHandle<()>>,
    finished: Option<Result<T, Panicked>>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on thread `name`; `waker` runs on progress and at the end.
    pub fn start(
        name: &str,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
        waker: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let progress = Arc::new(Progress {
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            waker: Box::new(waker),
        });
        let (tx, result) = mpsc::channel();
        let shared = Arc::clone(&progress);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&shared)))
                        .map_err(|panic| Panicked(panic_message(panic.as_ref())));
                // The caller may have gone; then nobody needs the answer.
                let _ = tx.send(outcome);
                (shared.waker)();
            })?;
        Ok(Self {
            progress,
            result,
            thread: Some(thread),
            finished: None,
        })
    }
}

impl<T> Job<T> {
    /// Units done and in all; (0, 0) until the work first reports.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.progress.done.load(Ordering::Relaxed),
            self.progress.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the work to stop at its next report.
    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }

    /// The outcome once the job has ended.
    pub fn poll(&mut self) -> Option<&Result<T, Panicked>> {
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

    /// Takes the outcome once the job has ended.
    pub fn take(&mut self) -> Option<Result<T, Panicked>> {
        self.poll()?;
        self.finished.take()
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn wait<T: Clone>(job: &mut Job<T>) -> Result<T, Panicked> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(outcome) = job.poll() {
                return outcome.clone();
            }
            assert!(Instant::now() < deadline, "the job never finished");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn reports_progress_and_its_answer() {
        let mut job = Job::start(
            "test-job",
            |p| {
                for k in 1..=4 {
                    p.report(k, 4);
                }
                7
            },
            || {},
        )
        .unwrap();
        assert_eq!(wait(&mut job), Ok(7));
        assert_eq!(job.progress(), (4, 4));
    }

    #[test]
    fn a_panic_becomes_an_error() {
        let mut job: Job<()> = Job::start("test-job", |_| panic!("boom"), || {}).unwrap();
        assert_eq!(wait(&mut job), Err(Panicked("boom".into())));
    }

    #[test]
    fn cancel_reaches_the_work() {
        let (tx, rx) = mpsc::channel::<()>();
        let mut job = Job::start(
            "test-job",
            move |p| {
                // Wait for the test to cancel, then report.
                let _ = rx.recv();
                p.report(1, 2)
            },
            || {},
        )
        .unwrap();
        job.cancel();
        tx.send(()).unwrap();
        assert_eq!(wait(&mut job), Ok(false), "report says stop once cancelled");
    }
}
