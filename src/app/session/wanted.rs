//! What the window wants of one background worker: the worker, the key of the
//! last request and the newest answer. Each frame the window says what it
//! wants; only a changed wish is sent, and answers to stale wishes are dropped.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::support::worker::LatestWorker;

/// One worker and the window's wish of it.
#[derive(Debug)]
pub struct Wanted<Key, Req, Resp> {
    worker: Option<LatestWorker<(Key, Req), (Key, Resp)>>,
    asked: Option<Key>,
    answer: Option<(Key, Resp)>,
    /// Tag of the last request sent.
    tag: u64,
    /// Answers to requests tagged below this are stale.
    valid_from: u64,
    /// Bumped with every answer taken in (for caches keyed on it).
    version: u64,
}

impl<Key, Req, Resp> Wanted<Key, Req, Resp>
where
    Key: Clone + PartialEq + Send + 'static,
    Req: Send + 'static,
    Resp: Send + 'static,
{
    /// Starts thread `name` running `work`; it stops when `stop` is raised.
    /// Without a thread (the system refused one) nothing is ever answered.
    pub fn spawn(
        name: &str,
        work: impl Fn(Req) -> Resp + Send + 'static,
        waker: impl Fn() + Send + 'static,
        stop: &Arc<AtomicBool>,
    ) -> Self {
        let worker = LatestWorker::spawn_with_stop(
            name,
            move |(key, request): (Key, Req)| (key, work(request)),
            waker,
            Arc::clone(stop),
        )
        .ok();
        Self {
            worker,
            asked: None,
            answer: None,
            tag: 0,
            valid_from: 0,
            version: 0,
        }
    }

    /// Asks for `key` unless it was the last request; `request` builds the
    /// work only when it is sent. Returns whether it was sent.
    pub fn want(&mut self, key: Key, request: impl FnOnce() -> Req) -> bool {
        self.want_unless(key, |asked, key| asked == key, request)
    }

    /// As [`Self::want`], with `same` deciding whether the last request
    /// already covers `key`.
    pub fn want_unless(
        &mut self,
        key: Key,
        same: impl Fn(&Key, &Key) -> bool,
        request: impl FnOnce() -> Req,
    ) -> bool {
        if self.asked.as_ref().is_some_and(|asked| same(asked, &key)) {
            return false;
        }
        self.tag += 1;
        self.asked = Some(key.clone());
        if let Some(worker) = &self.worker {
            worker.request(self.tag, (key, request()));
        }
        true
    }

    /// Takes in the newest answer, if a current one arrived; returns whether
    /// one did.
    pub fn poll(&mut self) -> bool {
        let Some((tag, answer)) = self.worker.as_ref().and_then(LatestWorker::latest) else {
            return false;
        };
        if tag < self.valid_from {
            return false;
        }
        self.answer = Some(answer);
        self.version += 1;
        true
    }

    /// The newest answer and the key it answers.
    pub fn answer(&self) -> Option<(&Key, &Resp)> {
        self.answer.as_ref().map(|(k, r)| (k, r))
    }

    /// The newest answer alone.
    pub fn value(&self) -> Option<&Resp> {
        self.answer.as_ref().map(|(_, r)| r)
    }

    /// The key of the last request.
    pub fn asked(&self) -> Option<&Key> {
        self.asked.as_ref()
    }

    /// Whether the answer shown is the one last asked for.
    pub fn is_current(&self) -> bool {
        matches!((&self.answer, &self.asked), (Some((k, _)), Some(a)) if k == a)
    }

    /// Counts the answers taken in.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Drops answers to the requests made so far, keeping the one shown
    /// until a newer arrives.
    pub fn invalidate(&mut self) {
        self.valid_from = self.tag + 1;
    }

    /// Forgets the wish and the answer: the next wish is sent whatever it is.
    pub fn forget(&mut self) {
        self.invalidate();
        self.asked = None;
        self.answer = None;
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn wait(w: &mut Wanted<u32, u32, u32>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !w.poll() {
            assert!(Instant::now() < deadline, "no answer");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn only_a_changed_wish_is_sent_and_stale_answers_are_dropped() {
        let stop = Arc::new(AtomicBool::new(false));
        let mut w: Wanted<u32, u32, u32> = Wanted::spawn("test-wanted", |x| x * 10, || {}, &stop);
        assert!(w.want(1, || 1));
        assert!(!w.want(1, || unreachable!("the same wish is not built again")));
        wait(&mut w);
        assert_eq!(w.answer(), Some((&1, &10)));
        assert!(w.is_current());
        assert_eq!(w.version(), 1);
        assert!(w.want(2, || 2));
        w.invalidate();
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            !w.poll(),
            "the answer to a wish made before invalidate is dropped"
        );
        assert_eq!(w.value(), Some(&10), "the old answer stays on screen");
        w.forget();
        assert!(w.value().is_none());
        assert!(w.want(2, || 3), "after forget the same key is sent again");
        wait(&mut w);
        assert_eq!(w.answer(), Some((&2, &30)));
    }
}
