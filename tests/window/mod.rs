//! Driving the real window in tests: open a lesson, let the threads answer,
//! wait for what a user would see.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::Path;
use std::time::{Duration, Instant};

use descent::app::DescentApp;
use descent::cli::WindowOptions;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// The window on `presets/<preset>`, 1280 × 800, with its results in.
pub fn harness(preset: &str) -> Harness<'static, DescentApp> {
    let options = WindowOptions {
        preset: Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("presets")
                .join(preset),
        ),
        ..WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    settle(&mut h);
    h
}

/// Steps frames until the simulation thread has answered the latest request.
pub fn settle(h: &mut Harness<'static, DescentApp>) {
    // Generous: the MLP lesson takes ~10 s in a debug build, more on a busy CI box.
    let deadline = Instant::now() + Duration::from_mins(3);
    loop {
        h.step();
        if h.state().session().idle() {
            h.step();
            return;
        }
        assert!(Instant::now() < deadline, "the simulation never finished");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Steps frames until `done` holds (then one more), failing after 60 s.
pub fn wait_until(
    h: &mut Harness<'static, DescentApp>,
    what: &str,
    done: impl Fn(&DescentApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_mins(1);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    h.step();
}

pub fn trajectory(h: &Harness<'static, DescentApp>, run: usize) -> Vec<f64> {
    let t = &h.state().session().tracks[run].rows;
    t.raw_rows(0..t.len()).to_vec()
}

/// Steps frames until the latest request's results have started to arrive
/// (its problem is built and shown), then a few more.
pub fn started(h: &mut Harness<'static, DescentApp>) {
    wait_until(h, "the results to start", |app| {
        app.session().finished_starting()
    });
    for _ in 0..3 {
        h.step();
    }
}

/// Opens the lesson titled `title` from the Lessons menu.
pub fn open_lesson(h: &mut Harness<'static, DescentApp>, title: &str) {
    h.get_by_label("Lessons").click();
    for _ in 0..3 {
        h.step();
    }
    // The list scrolls in a small window: below its fold, the item is
    // clicked as a screen reader clicks it.
    h.get_by_label(title).click_accesskit();
    h.step();
    h.step();
}

/// The shipped lessons as they are in their files.
pub fn lessons() -> Vec<descent::preset::Preset> {
    descent::preset::lessons::lessons()
        .iter()
        .map(|(_, p)| p.clone())
        .collect()
}

/// The presets folder.
pub fn presets() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("presets")
}
