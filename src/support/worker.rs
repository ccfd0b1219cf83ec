//! A named background thread that answers the newest request and drops stale
//! ones: heat maps, curvature, slices, basins and the step inspector.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

thread_local! {
    /// The stop flag of the worker running on this thread, if any.
    static STOP: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// The current worker's stop flag, for long loops (also on helper threads
/// they spawn) to check with [`should_stop`].
pub fn stop_flag() -> Option<Arc<AtomicBool>> {
    STOP.with(|s| s.borrow().clone())
}

/// Whether the worker running on this thread is being shut down; long
/// computations return early (with any result) when it is.
pub fn should_stop() -> bool {
    STOP.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

/// The caller's end; dropping it stops and joins the thread.
#[derive(Debug)]
pub struct LatestWorker<Req, Resp> {
    requests: Option<Sender<(u64, Req)>>,
    answers: Receiver<(u64, Resp)>,
    thread: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl<Req: Send + 'static, Resp: Send + 'static> LatestWorker<Req, Resp> {
    /// Starts thread `name` running `work`; `waker` runs after each answer.
    /// A panic in `work` drops that request; the thread keeps serving.
    pub fn spawn(
        name: &str,
        work: impl Fn(Req) -> Resp + Send + 'static,
        waker: impl Fn() + Send + 'static,
    ) -> std::io::Result<Self> {
        Self::spawn_with_stop(name, work, waker, Arc::new(AtomicBool::new(false)))
    }

    /// The same, stopping when `stop` is raised: workers that share one flag
    /// all give up their work together.
    pub fn spawn_with_stop(
        name: &str,
        work: impl Fn(Req) -> Resp + Send + 'static,
        waker: impl Fn() + Send + 'static,
        stop: Arc<AtomicBool>,
    ) -> std::io::Result<Self> {
        let (requests, request_rx) = mpsc::channel::<(u64, Req)>();
        let (answer_tx, answers) = mpsc::channel();
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                STOP.with(|s| *s.borrow_mut() = Some(flag));
                while let Ok(mut request) = request_rx.recv() {
                    while let Ok(newer) = request_rx.try_recv() {
                        request = newer;
                    }
                    let (tag, req) = request;
                    let Ok(answer) =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(req)))
                    else {
                        continue;
                    };
                    if answer_tx.send((tag, answer)).is_err() {
                        return;
                    }
                    waker();
                }
            })?;
        Ok(Self {
            requests: Some(requests),
            answers,
            thread: Some(thread),
            stop,
        })
    }

    /// Asks the thread to give up its current work; dropping the handle
    /// then joins it.
    pub fn signal_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Queues a request tagged `tag`.
    pub fn request(&self, tag: u64, request: Req) {
        if let Some(tx) = &self.requests {
            // A dead worker just means no new answers; the caller keeps the old one.
            let _ = tx.send((tag, request));
        }
    }

    /// The newest answer that arrived since the last call, if any.
    pub fn latest(&self) -> Option<(u64, Resp)> {
        let mut newest = None;
        while let Ok(answer) = self.answers.try_recv() {
            newest = Some(answer);
        }
        newest
    }
}

impl<Req, Resp> Drop for LatestWorker<Req, Resp> {
    fn drop(&mut self) {
        // Long work checks the flag and returns early, so this join is quick.
        self.stop.store(true, Ordering::Relaxed);
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn answers_the_newest_request_and_survives_panics() {
        let worker = LatestWorker::spawn(
            "test-worker",
            |n: u64| {
                assert!(n != 3, "boom");
                n * 2
            },
            || {},
        )
        .unwrap();
        worker.request(3, 3);
        for tag in 4..8 {
            worker.request(tag, tag);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = None;
        while Instant::now() < deadline && last != Some((7, 14)) {
            if let Some(a) = worker.latest() {
                last = Some(a);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(last, Some((7, 14)));
    }
}
