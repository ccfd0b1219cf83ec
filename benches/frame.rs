//! Full frames of the real window (`egui_kittest`, no GPU) with 8 runs × 100 000
//! steps, while playing. Reports criterion's statistics and the p95.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed benchmark")]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use descent::app::DescentApp;
use descent::cli::WindowOptions;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

const PRESET: &str = r#"(
    title: "Eight runs, 100 000 steps",
    problem: Surface(Rosenbrock),
    steps: 100000,
    runs: [
        (label: "Adam", optimizer: Adam(lr: 0.01)),
        (label: "AdamW", optimizer: AdamW(lr: 0.01)),
        (label: "SGD", optimizer: Sgd(lr: 0.0005, momentum: 0.9)),
        (label: "Nesterov", optimizer: Sgd(lr: 0.0005, momentum: 0.9, nesterov: true)),
        (label: "RMSprop", optimizer: RmsProp(lr: 0.001)),
        (label: "Adagrad", optimizer: Adagrad(lr: 0.1)),
        (label: "NAdam", optimizer: NAdam(lr: 0.01)),
        (label: "Adamax", optimizer: Adamax(lr: 0.01)),
    ],
)"#;

fn harness() -> Harness<'static, DescentApp> {
    let dir = std::env::temp_dir().join(format!("descent-frame-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("eight.ron");
    std::fs::write(&path, PRESET).unwrap();
    let options = WindowOptions {
        preset: Some(path),
        ..WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    let deadline = Instant::now() + Duration::from_mins(2);
    while !(h.state().session().idle() && h.state().session().field().is_some()) {
        assert!(Instant::now() < deadline, "results never arrived");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(h.state().session().rows_available(), 100_001);
    // Play from the middle so every frame moves the head and redraws the paths.
    h.key_press(egui::Key::Home);
    h.step();
    h.key_press(egui::Key::Space);
    h.step();
    h
}

/// Prints the median, p95 and max of 300 frames.
fn report(what: &str, h: &mut Harness<'static, DescentApp>) {
    let mut times: Vec<Duration> = (0..300)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed()
        })
        .collect();
    times.sort_unstable();
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    eprintln!(
        "{what}: frame time over {} frames: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        times.len(),
        p(0.5).as_secs_f64() * 1e3,
        p(0.95).as_secs_f64() * 1e3,
        p(1.0).as_secs_f64() * 1e3
    );
}

/// Reports frames with one overlay switched on, then switches it off.
fn with_overlay(h: &mut Harness<'static, DescentApp>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    let mut shown = label.to_owned();
    if label == "Basins" {
        // 200×200 starts of 100 000 steps each take minutes; the map is
        // measured while they are computed, as a user would see it.
        let deadline = Instant::now() + Duration::from_secs(20);
        while h.state().session().basins().is_none() && Instant::now() < deadline {
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        if h.state().session().basins().is_none() {
            shown.push_str(" (being computed)");
        }
    }
    report(&format!("map + {shown}"), h);
    h.get_by_label(label).click();
    h.step();
}

fn frames(c: &mut Criterion) {
    let mut h = harness();
    c.bench_function("frame_8_runs_x_100k_steps", |b| b.iter(|| h.step()));
    report("map", &mut h);
    // What each overlay costs, one at a time.
    for label in ["Gradient field", "Update arrows"] {
        with_overlay(&mut h, label);
    }
    // The same with the 3-D view beside the map (64×64 shaded quads).
    h.get_by_label("3-D").click();
    h.step();
    c.bench_function("frame_8_runs_x_100k_steps_with_3d", |b| b.iter(|| h.step()));
    report("map + 3-D", &mut h);
    h.get_by_label("3-D").click();
    h.step();
    // Last: its job keeps both cores busy while it runs.
    with_overlay(&mut h, "Basins");
}

criterion_group!(benches, frames);
criterion_main!(benches);
