//! A progress line on stderr for long headless jobs (sweeps, tuning), drawn
//! only when stderr is a terminal so that logs and pipes stay clean.

use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A `progress(done, total)` callback that redraws `what: done/total (p %)`
/// at each whole percent and never cancels; [`finish`] clears the line.
pub(super) fn on_stderr(what: &'static str) -> impl Fn(usize, usize) -> bool + Sync {
    let shown = AtomicUsize::new(usize::MAX);
    let terminal = std::io::stderr().is_terminal();
    move |done, total| {
        if terminal {
            let percent = done * 100 / total.max(1);
            if shown.swap(percent, Ordering::Relaxed) != percent {
                let mut err = std::io::stderr().lock();
                // A progress line that cannot be drawn is not worth failing for.
                let _ = write!(err, "\r{what}: {done}/{total} ({percent} %)");
                let _ = err.flush();
            }
        }
        true
    }
}

/// Clears the progress line.
pub(super) fn finish() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[2K");
    }
}
