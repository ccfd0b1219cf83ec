//! The simulation's background thread: typed commands in, batched rows out.
//!
//! The thread owns the [`Simulation`]. Each `Run` command replaces whatever it
//! was computing (latest wins) and streams the whole horizon back in chunks
//! over a bounded channel. The thread keeps the problem it built while the
//! problem's settings stay the same, so a slider move reads no data file and
//! parses no formula again. A waker closure is called after every send so the
//! UI can repaint; this module never names a GUI crate. A panic inside the
//! thread becomes a [`SimEvent::Crashed`] and the thread keeps serving.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

use super::{SimSetup, Simulation, Termination};
use crate::problem::{Problem, ProblemConfig, ProblemError};

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
    /// Compute this scenario from the start; `generation` tags the results.
    Run {
        /// Increases with every request; stale results are easy to drop.
        generation: u64,
        /// The problem's settings.
        problem: ProblemConfig,
        /// Where relative data paths resolve.
        base_dir: PathBuf,
        /// The start, the horizon and the runs.
        setup: Box<SimSetup>,
        /// Build the problem afresh even if its settings are unchanged
        /// (a file was opened: its data may have changed on disk).
        rebuild: bool,
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
    /// The step sizes the optimizer set itself from `first_lr` on (Prodigy's
    /// d·lr; empty for the others).
    pub effective_lrs: Vec<f64>,
    /// Loss and gradient evaluations of each step from `first_lr` on
    /// (L-BFGS; empty for optimizers that make one per step).
    pub evaluations: Vec<u64>,
    /// L-BFGS's inner evaluation points on a surface from entry
    /// `first_inner` of [`super::Run::inner_points`] on.
    pub inner_points: Vec<f64>,
    /// Index of the first value in `inner_points`.
    pub first_inner: usize,
    /// Each companion path's rows from `first_row` on, laid out as `values`
    /// (ASGD's `ax`, Schedule-Free's `x` and `z`; none for the others).
    pub companions: Vec<Vec<f64>>,
}

impl RunRows {
    /// `run`'s rows from row `first_row` and its lrs from step `first_lr` on.
    fn since(run: &super::Run, first_row: usize, first_lr: usize) -> Self {
        let t = run.trajectory();
        let tail = |values: &[f64], from: usize| values.get(from..).unwrap_or_default().to_vec();
        // The inner points of the steps before first_lr were sent already.
        let before: u64 = run
            .evaluations()
            .iter()
            .take(first_lr)
            .map(|e| e.saturating_sub(1))
            .sum();
        let first_inner = (2 * before as usize).min(run.inner_points().len());
        Self {
            first_row,
            values: t.raw_rows(first_row..t.len()).to_vec(),
            termination: run.termination(),
            first_lr,
            lrs: run.lrs().tail(first_lr),
            effective_lrs: tail(run.effective_lrs(), first_lr),
            evaluations: run
                .evaluations()
                .get(first_lr..)
                .unwrap_or_default()
                .to_vec(),
            val: tail(run.val_losses(), first_row),
            inner_points: tail(run.inner_points(), first_inner),
            first_inner,
            companions: run
                .companions()
                .map(|(_, c)| c.raw_rows(first_row..c.len()).to_vec())
                .collect(),
        }
    }
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

/// The problem last built, and the settings it was built from.
#[derive(Debug, Default)]
struct BuiltProblem {
    from: Option<(ProblemConfig, PathBuf)>,
    problem: Option<Arc<dyn Problem>>,
}

impl BuiltProblem {
    /// The problem for `config`, built only if it differs from the last one
    /// (or `rebuild` says so).
    fn get(
        &mut self,
        config: &ProblemConfig,
        base_dir: PathBuf,
        rebuild: bool,
    ) -> Result<Arc<dyn Problem>, ProblemError> {
        let key = (config.clone(), base_dir);
        if !rebuild
            && self.from.as_ref() == Some(&key)
            && let Some(problem) = &self.problem
        {
            return Ok(Arc::clone(problem));
        }
        self.from = None;
        let problem = config.build(&key.1)?;
        self.problem = Some(Arc::clone(&problem));
        self.from = Some(key);
        Ok(problem)
    }
}

/// The thread's main loop.
fn serve(
    commands: &Receiver<SimCommand>,
    events: &SyncSender<SimEvent>,
    waker: &(dyn Fn() + Send),
) {
    let mut built = BuiltProblem::default();
    let mut next = commands.recv().ok();
    while let Some(command) = next.take() {
        match command {
            SimCommand::Shutdown => return,
            SimCommand::InjectPanic | SimCommand::Run { .. } => {
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    execute(command, &mut built, commands, events, waker)
                }));
                match outcome {
                    Ok(Some(interrupting)) => next = Some(interrupting),
                    Ok(None) => {}
                    Err(payload) => {
                        // A problem half built by a panicking command is not kept.
                        built = BuiltProblem::default();
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
    built: &mut BuiltProblem,
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
        problem,
        base_dir,
        setup,
        rebuild,
    } = command
    else {
        panic!("injected panic in the simulation thread");
    };
    let simulation = built
        .get(&problem, base_dir, rebuild)
        .map_err(super::SimError::from)
        .and_then(|problem| Simulation::new(problem, *setup));
    let mut sim = match simulation {
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
                let rows = RunRows::since(run, *sent, *sent_lrs);
                *sent_lrs += rows.lrs.len();
                *sent += rows.values.len() / (run.trajectory().dim() + 1);
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
    use crate::preset::Preset;

    fn preset(steps: u64, lr: f64) -> Box<Preset> {
        let text = format!(
            "(problem: Surface(Rosenbrock), steps: {steps}, runs: [(optimizer: Adam(lr: {lr})), (optimizer: Sgd(lr: 10.0))])"
        );
        Box::new(Preset::from_ron_str(&text, "test").unwrap())
    }

    /// The command the window sends for `preset`.
    fn run(generation: u64, preset: &Preset, base_dir: &std::path::Path) -> SimCommand {
        SimCommand::Run {
            generation,
            problem: preset.problem.clone(),
            base_dir: base_dir.to_path_buf(),
            setup: Box::new(preset.sim_setup()),
            rebuild: false,
        }
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
        handle.send(run(1, &p.clone(), std::path::Path::new(".")));
        let events = collect(&handle, 1);
        let mut sim = p.simulation(std::path::Path::new(".")).unwrap();
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
            handle.send(run(
                generation,
                &preset(1_000_000, 0.001 * generation as f64),
                std::path::Path::new("."),
            ));
        }
        handle.send(run(6, &preset(100, 0.01), std::path::Path::new(".")));
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
        handle.send(run(2, &preset(50, 0.01), std::path::Path::new(".")));
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
        handle.send(run(3, &Box::new(p), std::path::Path::new(".")));
        let events = collect(&handle, 3);
        assert!(
            matches!(events.last(), Some(SimEvent::Failed { message, .. }) if message.contains("missing.csv"))
        );
    }

    fn started_problem(events: &[SimEvent]) -> Arc<dyn Problem> {
        events
            .iter()
            .find_map(|e| match e {
                SimEvent::Started { problem, .. } => Some(Arc::clone(problem)),
                _ => None,
            })
            .expect("a Started event")
    }

    /// A slider move sends the same problem settings: the thread reuses the
    /// problem it built, so a data file deleted since is not read again.
    /// Opening the preset again (`rebuild`) does read it, and says it is gone.
    #[test]
    fn the_problem_is_built_once_while_its_settings_are_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("line.csv"), "x,y\n0,1\n1,3\n2,5\n").unwrap();
        let mut p = Preset::from_ron_str(
            "(problem: LinearRegression(data: Csv(\"line.csv\")), steps: 20, runs: [(optimizer: Sgd(lr: 0.01))])",
            "t",
        )
        .unwrap();
        let handle = SimHandle::spawn(|| {}).unwrap();
        handle.send(run(1, &p, dir.path()));
        let first = started_problem(&collect(&handle, 1));
        std::fs::remove_file(dir.path().join("line.csv")).unwrap();
        p.runs[0].optimizer = crate::optim::OptimizerConfig::Sgd(crate::optim::Sgd {
            lr: 0.02,
            ..crate::optim::Sgd::default()
        });
        handle.send(run(2, &p, dir.path()));
        let events = collect(&handle, 2);
        assert!(matches!(
            events.last(),
            Some(SimEvent::Finished { generation: 2 })
        ));
        assert!(
            Arc::ptr_eq(&first, &started_problem(&events)),
            "the same problem"
        );
        let mut reload = run(3, &p, dir.path());
        if let SimCommand::Run { rebuild, .. } = &mut reload {
            *rebuild = true;
        }
        handle.send(reload);
        let events = collect(&handle, 3);
        assert!(
            matches!(events.last(), Some(SimEvent::Failed { message, .. }) if message.contains("line.csv")),
            "{:?}",
            events.last()
        );
    }
}
