//! A background thread that computes loss fields; the newest request wins.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use crate::field::{self, Field, FieldSpec};
use crate::problem::Problem;

/// A field to compute, tagged so stale answers can be recognised.
#[derive(Debug)]
pub struct FieldRequest {
    /// Caller's tag, echoed in the answer.
    pub tag: u64,
    /// The loss to sample.
    pub problem: Arc<dyn Problem>,
    /// Where and how finely.
    pub spec: FieldSpec,
}

/// The UI's end of the field thread; dropping it stops and joins the thread.
#[derive(Debug)]
pub struct FieldWorker {
    requests: Option<Sender<FieldRequest>>,
    answers: Receiver<(u64, Field)>,
    thread: Option<JoinHandle<()>>,
}

impl FieldWorker {
    /// Starts the thread; `waker` runs after each answer.
    pub fn spawn(waker: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (requests, request_rx) = mpsc::channel::<FieldRequest>();
        let (answer_tx, answers) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("descent-field".into())
            .spawn(move || {
                while let Ok(mut request) = request_rx.recv() {
                    // Skip to the newest request.
                    while let Ok(newer) = request_rx.try_recv() {
                        request = newer;
                    }
                    let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        field::compute(request.problem.as_ref(), &request.spec)
                    }));
                    let Ok(field) = computed else { continue };
                    if answer_tx.send((request.tag, field)).is_err() {
                        return;
                    }
                    waker();
                }
            })?;
        Ok(Self {
            requests: Some(requests),
            answers,
            thread: Some(thread),
        })
    }

    /// Queues a request.
    pub fn request(&self, request: FieldRequest) {
        if let Some(tx) = &self.requests {
            // A dead worker just means no new fields; the UI keeps the old one.
            let _ = tx.send(request);
        }
    }

    /// The newest finished field, if any arrived.
    pub fn latest(&self) -> Option<(u64, Field)> {
        let mut newest = None;
        while let Ok(answer) = self.answers.try_recv() {
            newest = Some(answer);
        }
        newest
    }
}

impl Drop for FieldWorker {
    fn drop(&mut self) {
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
    use crate::problem::Surface;

    #[test]
    fn answers_the_newest_request() {
        let worker = FieldWorker::spawn(|| {}).unwrap();
        for tag in 0..5 {
            worker.request(FieldRequest {
                tag,
                problem: Arc::new(Surface::Beale),
                spec: FieldSpec {
                    view: Surface::Beale.view(),
                    cols: 32,
                    rows: 32,
                    levels: 8,
                },
            });
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = None;
        while Instant::now() < deadline {
            if let Some((tag, field)) = worker.latest() {
                assert_eq!(field.rgba.len(), 32 * 32 * 4);
                last = Some(tag);
                if tag == 4 {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(last, Some(4));
    }
}
