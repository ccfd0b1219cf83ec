//! 10,000 random commands (play, pause, step, step back, reset, frame ticks,
//! hyperparameter updates, preset loads) against the background runner and
//! the play head. The state stays consistent throughout, and the rows it
//! ends with are exactly the synchronous core's.

use std::time::{Duration, Instant};

use descent::app::panels::transport::Playback;
use descent::app::session::Session;
use descent::optim::params::{Param, Value};
use descent::preset::Preset;
use descent::problem::ProblemConfig;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, SeedableRng as _};

/// Lessons on cheap problems, with horizons long enough (tens of
/// milliseconds) that commands land while rows are still arriving.
fn quick_lessons() -> Vec<Preset> {
    descent::preset::lessons::lessons()
        .iter()
        .map(|(_, p)| p.clone())
        .filter(|p| {
            matches!(
                p.problem,
                ProblemConfig::Surface(_) | ProblemConfig::LinearRegression(_)
            )
        })
        .map(|mut p| {
            p.steps = 50_000;
            p
        })
        .collect()
}

/// What the window does with the play head each frame: clamp to the rows.
fn shown_row(playback: &Playback, session: &Session) -> usize {
    playback
        .head
        .min(session.rows_available().saturating_sub(1))
}

/// Checks the state after a command; says whether rows were still arriving.
fn check_invariants(session: &Session, playback: &Playback, step: usize) -> bool {
    let horizon = usize::try_from(session.horizon).unwrap_or(usize::MAX);
    for (r, track) in session.tracks.iter().enumerate() {
        assert!(
            track.len() <= horizon + 1,
            "command {step}: run {r} has {} rows past the horizon {horizon}",
            track.len()
        );
        assert!(
            track.lrs.len() <= track.len(),
            "command {step}: lrs ahead of rows"
        );
        // Every row up to the shown one is readable (shorter tracks stopped).
        let row = shown_row(playback, session).min(track.len().saturating_sub(1));
        if !track.is_empty() {
            assert!(
                track.row(row).is_some(),
                "command {step}: run {r} row {row}"
            );
        }
    }
    if playback.follow_end {
        assert_eq!(playback.head, session.rows_available().saturating_sub(1));
    }
    !session.idle()
}

#[test]
fn ten_thousand_random_commands_keep_the_runner_consistent() {
    let lessons = quick_lessons();
    assert!(lessons.len() >= 8, "{} quick lessons", lessons.len());
    let base = descent::preset::lessons::lessons_dir();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    let mut session = Session::new(|| {});
    let mut preset = lessons[0].clone();
    session.run(&preset, &base);
    let mut playback = Playback {
        follow_end: true,
        ..Playback::default()
    };
    let mut counts = [0usize; 8];
    let mut mid_run = 0;
    for step in 0..10_000 {
        let last = session.rows_available().saturating_sub(1);
        let command = rng.random_range(0..8_usize);
        counts[command] += 1;
        match command {
            0 => playback.toggle(last),
            1 => playback.step(last),
            2 => playback.step_back(),
            3 => playback.reset(),
            4 => playback.advance(0.016, 600.0, last, !session.idle()),
            5 => {
                // Drag a run's lr slider.
                let run = rng.random_range(0..preset.runs.len());
                let lr = preset.runs[run].optimizer.lr() * rng.random_range(0.5..1.5);
                preset.runs[run]
                    .optimizer
                    .set(Param::Lr, Value::Real(lr))
                    .unwrap();
                session.run(&preset, &base);
            }
            6 => {
                preset = lessons[rng.random_range(0..lessons.len())].clone();
                session.run(&preset, &base);
                playback = Playback {
                    follow_end: true,
                    ..Playback::default()
                };
            }
            _ => {
                session.drain(Duration::from_micros(rng.random_range(0..500)));
            }
        }
        // The window drains and moves the head once per frame.
        session.drain(Duration::from_micros(100));
        let last = session.rows_available().saturating_sub(1);
        playback.advance(0.0, 600.0, last, !session.idle());
        if session.idle() {
            assert!(
                playback.head <= last,
                "command {step}: the head {} is past the last row {last} with every row in",
                playback.head
            );
        }
        if check_invariants(&session, &playback, step) {
            mid_run += 1;
        }
    }
    assert!(counts.iter().all(|&c| c > 1000), "{counts:?}");
    eprintln!("{mid_run} of 10000 commands met a run in progress; per kind {counts:?}");
    assert!(
        mid_run > 1000,
        "only {mid_run} commands met a run in progress"
    );

    let deadline = Instant::now() + Duration::from_mins(1);
    while !session.idle() {
        assert!(Instant::now() < deadline, "the runner never settled");
        session.drain(Duration::from_millis(5));
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(session.error.is_none(), "{:?}", session.error);
    let mut sim = preset.simulation(&base).unwrap();
    sim.run_to_end();
    assert_eq!(session.tracks.len(), sim.runs().len());
    for (track, run) in session.tracks.iter().zip(sim.runs()) {
        let core = run.trajectory();
        assert_eq!(
            track.rows.raw_rows(0..track.len()),
            core.raw_rows(0..core.len()),
            "{}: the window's rows differ from the core's",
            run.setup().label
        );
        assert_eq!(track.termination, run.termination());
        assert_eq!(track.lrs, run.lrs().to_vec());
    }
}
