//! The simulation's background thread: typed commands in, batched rows out.
//!
//! The thread owns the [`Simulation`]. Each `Run` command replaces whatever it
//! was computing (latest wins) and streams the whole horizon back in chunks
//! over a bounded channel. A waker closure is called after every send so the
//! UI can repaint; this module never names a GUI crate. A panic inside the
//! thread becomes a [`SimEvent::Crashed`] and the thread keeps serving.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

use super::{Simulation, Termination};
use crate::preset::Preset;
use crate::problem::Problem;

/// Most steps per `advance` call.
const CHUNK_STEPS: u64 = 4096;
/// Rows go out at least this often, so slow problems (an MLP on many points)
/// show progress and a newer command is taken up quickly.
const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(40);
/// Event batches that may wait in the channel.
const CHANNEL_DEPTH: usize = 64;

/// What the UI asks of the simulation thread.
#[derive(Debug)]
pub enum SimCommand {
    /// Compute this preset from the start; `generation` tags the results.
    Run {
        /// Increases with every request; stale results are easy to drop.
        generation: u64,
        /// The scenario.
        preset: Box<Preset>,
        /// Where relative data paths resolve.
        base_dir: PathBuf,
    },
    /// Panic inside the thread (tests of the isolation only).
    #[doc(hidden)]
    InjectPanic,
    /// Stop the thread.
    Shutdown,
}

/// New rows of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRows {
    /// Index of the first row in `values`.
    pub first_row: usize,
    /// Rows, `dim + 1` values each (parameters then loss).
    pub values: Vec<f64>,
    /// Why the run stopped, once it has.
    pub termination: Option<Termination>,
    /// The lr of each step from `first_lr` on (one per step, not per row).
    pub lrs: Vec<f64>,
    /// Index of the first step in `lrs`.
    pub first_lr: usize,
    /// Validation losses from row `first_row` on (problems with a split only).
    pub val: Vec<f64>,
}

/// What the simulation thread reports.
#[derive(Debug)]
pub enum SimEvent {
    /// A run request was accepted; rows follow.
    Started {
        /// The request's tag.
        generation: u64,
        /// The problem being run.
        problem: Arc<dyn Problem>,
        /// Step horizon.
        horizon: u64,
    },
    /// More rows, one entry per run of the preset.
    Rows {
        /// The request's tag.
        generation: u64,
        /// Per run.
        runs: Vec<RunRows>,
    },
    /// Every run has stopped.
    Finished {
        /// The request's tag.
        generation: u64,
    },
    /// The preset could not be simulated.
    Failed {
        /// The request's tag.
        generation: u64,
        /// Why, for the user.
        message: String,
    },
    /// The thread panicked while working; it is ready for the next command.
    Crashed {
        /// The panic message.
        message: String,
    },
}

/// The UI's end of the simulation thread. Dropping it stops and joins the thread.
#[derive(Debug)]
pub struct SimHandle {
    commands: mpsc::Sender<SimCommand>,
    events: Receiver<SimEvent>,
    thread: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Starts the thread; `waker` is called after every event is sent.
    pub fn spawn(waker: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (commands, command_rx) = mpsc::channel();
        let (event_tx, events) = mpsc::sync_channel(CHANNEL_DEPTH);
        let thread = std::thread::Builder::new()
            .name("descent-simulation".into())
            .spawn(move || serve(&command_rx, &event_tx, &waker))?;
        Ok(Self {
            commands,
            events,
            thread: Some(thread),
        })
    }

    /// Sends a command; false if the thread is gone.
    pub fn send(&self, command: SimCommand) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The next pending event, if any.
    pub fn try_recv(&self) -> Option<SimEvent> {
        self.events.try_recv().ok()
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        // The thread may already be gone; either way it is joined below.
        let _ = self.commands.send(SimCommand::Shutdown);
        // Unblock a thread waiting on a full event channel.
        while self.events.try_recv().is_ok() {}
        if let Some(thread) = self.thread.take() {
            // Drain until the thread has seen Shutdown and exited.
            while !thread.is_finished() {
                while self.events.try_recv().is_ok() {}
                std::thread::yield_now();
            }
            let _ = thread.join();
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The thread's main loop.
fn serve(
    commands: &Receiver<SimCommand>,
    events: &SyncSender<SimEvent>,
    waker: &(dyn Fn() + Send),
) {
    let mut next = commands.recv().ok();
    while let Some(command) = next.take() {
        match command {
            SimCommand::Shutdown => return,
            SimCommand::InjectPanic | SimCommand::Run { .. } => {
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    execute(command, commands, events, waker)
                }));
                match outcome {
                    Ok(Some(interrupting)) => next = Some(interrupting),
                    Ok(None) => {}
                    Err(payload) => {
                        let message = panic_message(payload.as_ref());
                        if events.send(SimEvent::Crashed { message }).is_err() {
                            return;
                        }
                        waker();
                    }
                }
            }
        }
        if next.is_none() {
            next = commands.recv().ok();
        }
    }
}

/// Runs one command to completion, or until another command arrives (which is
/// returned). Returns `Some(Shutdown)` if the UI has gone away.
fn execute(
    command: SimCommand,
    commands: &Receiver<SimCommand>,
    events: &SyncSender<SimEvent>,
    waker: &(dyn Fn() + Send),
) -> Option<SimCommand> {
    let send = |event: SimEvent| -> bool {
        let ok = events.send(event).is_ok();
        waker();
        ok
    };
    let SimCommand::Run {
        generation,
        preset,
        base_dir,
    } = command
    else {
        panic!("injected panic in the simulation thread");
    };
    let mut sim = match Simulation::from_preset(&preset, &base_dir) {
        Ok(sim) => sim,
        Err(e) => {
            let message = e.to_string();
            return (!send(SimEvent::Failed {
                generation,
                message,
            }))
            .then_some(SimCommand::Shutdown);
        }
    };
    if !send(SimEvent::Started {
        generation,
        problem: sim.problem_arc(),
        horizon: sim.horizon(),
    }) {
        return Some(SimCommand::Shutdown);
    }
    let mut sent = vec![0usize; sim.runs().len()];
    let mut sent_lrs = vec![0usize; sim.runs().len()];
    let mut steps = 8;
    loop {
        // Grow the step count until a batch fills its time budget.
        let started = std::time::Instant::now();
        loop {
            sim.advance(steps);
            if sim.is_finished() || started.elapsed() >= BATCH_TIME {
                break;
            }
            steps = (steps * 2).min(CHUNK_STEPS);
            match commands.try_recv() {
                Ok(newer) => return Some(newer),
                Err(TryRecvError::Disconnected) => return Some(SimCommand::Shutdown),
                Err(TryRecvError::Empty) => {}
            }
        }
        let finished = sim.is_finished();
        let runs = sim
            .runs()
            .iter()
            .zip(sent.iter_mut().zip(&mut sent_lrs))
            .map(|(run, (sent, sent_lrs))| {
                let t = run.trajectory();
                let stride = t.dim() + 1;
                let values = t.raw_rows(*sent..t.len()).to_vec();
                let lrs = run.lrs().get(*sent_lrs..).unwrap_or_default().to_vec();
                let val = run.val_losses().get(*sent..).unwrap_or_default().to_vec();
                let rows = RunRows {
                    first_row: *sent,
                    values,
                    termination: run.termination(),
                    first_lr: *sent_lrs,
                    lrs,
                    val,
                };
                *sent_lrs += rows.lrs.len();
                *sent += rows.values.len() / stride;
                rows
            })
            .collect();
        if !send(SimEvent::Rows { generation, runs }) {
            return Some(SimCommand::Shutdown);
        }
        if finished {
            return (!send(SimEvent::Finished { generation })).then_some(SimCommand::Shutdown);
        }
        match commands.try_recv() {
            Ok(newer) => return Some(newer),
            Err(TryRecvError::Disconnected) => return Some(SimCommand::Shutdown),
            Err(TryRecvError::Empty) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn preset(steps: u64, lr: f64) -> Box<Preset> {
        let text = format!(
            "(problem: Surface(Rosenbrock), steps: {steps}, runs: [(optimizer: Adam(lr: {lr})), (optimizer: Sgd(lr: 10.0))])"
        );
        Box::new(Preset::from_ron_str(&text, "test").unwrap())
    }

    /// Collects events until `Finished` or `Crashed` for `generation`.
    fn collect(handle: &SimHandle, generation: u64) -> Vec<SimEvent> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut out = Vec::new();
        while Instant::now() < deadline {
            match handle.try_recv() {
                Some(e) => {
                    let done = matches!(&e, SimEvent::Finished { generation: g } if *g == generation)
                        || matches!(e, SimEvent::Crashed { .. } | SimEvent::Failed { .. });
                    out.push(e);
                    if done {
                        return out;
                    }
                }
                None => std::thread::sleep(Duration::from_millis(1)),
            }
        }
        panic!("no Finished event");
    }

    fn assemble(
        events: &[SimEvent],
        generation: u64,
        run: usize,
    ) -> (Vec<f64>, Option<Termination>) {
        let mut values = Vec::new();
        let mut termination = None;
        for e in events {
            if let SimEvent::Rows {
                generation: g,
                runs,
            } = e
                && *g == generation
            {
                values.extend_from_slice(&runs[run].values);
                termination = runs[run].termination;
            }
        }
        (values, termination)
    }

    #[test]
    fn thread_results_equal_the_synchronous_core() {
        let handle = SimHandle::spawn(|| {}).unwrap();
        let p = preset(10_000, 0.01);
        handle.send(SimCommand::Run {
            generation: 1,
            preset: p.clone(),
            base_dir: ".".into(),
        });
        let events = collect(&handle, 1);
        let mut sim = Simulation::from_preset(&p, std::path::Path::new(".")).unwrap();
        sim.run_to_end();
        for (i, run) in sim.runs().iter().enumerate() {
            let (values, termination) = assemble(&events, 1, i);
            assert_eq!(values, run.trajectory().raw_rows(0..run.trajectory().len()));
            assert_eq!(termination, run.termination());
        }
    }

    #[test]
    fn a_newer_request_replaces_the_running_one() {
        let handle = SimHandle::spawn(|| {}).unwrap();
        for generation in 1..=5 {
            handle.send(SimCommand::Run {
                generation,
                preset: preset(1_000_000, 0.001 * generation as f64),
                base_dir: ".".into(),
            });
        }
        handle.send(SimCommand::Run {
            generation: 6,
            preset: preset(100, 0.01),
            base_dir: ".".into(),
        });
        let events = collect(&handle, 6);
        let (values, _) = assemble(&events, 6, 0);
        assert_eq!(values.len(), 101 * 3);
    }

    #[test]
    fn a_panic_is_reported_and_the_thread_keeps_serving() {
        let handle = SimHandle::spawn(|| {}).unwrap();
        handle.send(SimCommand::InjectPanic);
        let events = collect(&handle, 0);
        assert!(
            matches!(events.last(), Some(SimEvent::Crashed { message }) if message.contains("injected"))
        );
        handle.send(SimCommand::Run {
            generation: 2,
            preset: preset(50, 0.01),
            base_dir: ".".into(),
        });
        let events = collect(&handle, 2);
        assert!(matches!(
            events.last(),
            Some(SimEvent::Finished { generation: 2 })
        ));
    }

    #[test]
    fn a_bad_data_path_fails_cleanly() {
        let handle = SimHandle::spawn(|| {}).unwrap();
        let p = Preset::from_ron_str(
            "(problem: LinearRegression(data: Csv(\"missing.csv\")), runs: [(optimizer: Sgd())])",
            "t",
        )
        .unwrap();
        handle.send(SimCommand::Run {
            generation: 3,
            preset: Box::new(p),
            base_dir: ".".into(),
        });
        let events = collect(&handle, 3);
        assert!(
            matches!(events.last(), Some(SimEvent::Failed { message, .. }) if message.contains("missing.csv"))
        );
    }
}
