//! The edge of stability: `descent sharpness` on the real binary, the
//! lesson's progressive sharpening, and the window's Sharpness plot through
//! a lesson switch.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod window;

use std::path::Path;
use std::process::Command;

use egui_kittest::kittest::Queryable as _;
use window::{harness, open_lesson, started, wait_until};

/// Per run: (step, sharpness, threshold) from `descent sharpness --csv`.
fn read_series(csv: &str) -> Vec<Vec<(u64, f64, f64)>> {
    let mut runs: Vec<Vec<(u64, f64, f64)>> = Vec::new();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("run,label,step,measure,sharpness,threshold")
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let run: usize = f[0].parse().unwrap();
        runs.resize_with(runs.len().max(run + 1), Vec::new);
        runs[run].push((
            f[2].parse().unwrap(),
            f[4].parse().unwrap(),
            f[5].parse().unwrap(),
        ));
    }
    runs
}

/// Full-batch GD on the spiral MLP: its sharpness starts near 1 and rises
/// to 2/lr = 4 within 300 steps, then stays near it; at half the lr it
/// stays below its own 2/lr = 8.
#[test]
fn the_lesson_s_sharpness_rises_to_two_over_lr() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, png) = (dir.path().join("s.csv"), dir.path().join("s.png"));
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/edge-of-stability.ron");
    let out = Command::new(env!("CARGO_BIN_EXE_descent"))
        .arg("sharpness")
        .arg(&lesson)
        .args(["--steps", "600", "--every", "20", "--csv"])
        .arg(&csv)
        .arg("--png")
        .arg(&png)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("GD lr 0.5") && stdout.contains("2/lr = 4"),
        "{stdout}"
    );
    let runs = read_series(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(runs.len(), 2);
    let (fast, slow) = (&runs[0], &runs[1]);
    assert_eq!(fast.len(), 31, "steps 0, 20, …, 600");
    assert!(fast.iter().all(|p| (p.2 - 4.0).abs() < 1e-12));
    assert!(fast[0].1 < 0.4 * 4.0, "it starts flat: {:?}", fast[0]);
    let late: Vec<f64> = fast.iter().filter(|p| p.0 >= 300).map(|p| p.1).collect();
    for s in &late {
        assert!(
            (0.85 * 4.0..1.5 * 4.0).contains(s),
            "hovers near 2/lr: {late:?}"
        );
    }
    assert!(slow.iter().all(|p| p.1 < 0.85 * 8.0), "{slow:?}");
    let picture = std::fs::read(&png).unwrap();
    assert_eq!(&picture[..8], b"\x89PNG\r\n\x1a\n");
}

/// Bad input: a sampling interval of 0 in the preset names its line and
/// column, and nothing is written.
#[test]
fn a_zero_interval_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(problem: Surface(Rosenbrock), steps: 10,\n sharpness_every: Some(0), runs: [(optimizer: Sgd(lr: 0.001))])",
    )
    .unwrap();
    let csv = dir.path().join("s.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_descent"))
        .arg("sharpness")
        .arg(&bad)
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(
        err.contains(":2:") && err.contains("sharpness_every"),
        "{err}"
    );
    assert!(!csv.exists());
}

/// The window: a preset with `sharpness_every` opens on its Sharpness plot
/// and draws each run's λmax and threshold; another lesson opens on the
/// loss; asking for Sharpness there computes it for that lesson.
#[test]
fn the_sharpness_plot_through_a_lesson_switch() {
    let mut h = harness("../tests/fixtures/sharpness-bowl.ron");
    wait_until(&mut h, "the sharpness", |app| {
        app.session()
            .sharpness()
            .is_some_and(|(_, _, current)| current)
    });
    h.run();
    // At step 0 Adam has no sample yet (no preconditioner before its first
    // step), so its curve appears once the play head moves on.
    let adam = "Adam: λmax(P^-1 H), dashed (2 + 2β₁)/((1 − β₁)·lr)";
    assert!(h.query_by_label(adam).is_none());
    h.key_press(egui::Key::End);
    h.run();
    for label in [
        "GD: λmax(H), dashed 2/lr",
        "Heavy ball: λmax(H), dashed (2 + 2β)/lr",
        "Adam: λmax(P^-1 H), dashed (2 + 2β₁)/((1 − β₁)·lr)",
    ] {
        assert!(h.query_by_label(label).is_some(), "{label} in the legend");
    }
    let (every, answer, _) = h.state().session().sharpness().unwrap();
    assert_eq!(every, 10);
    let series = answer.as_ref().unwrap()[0].as_ref().unwrap();
    assert!(
        series
            .points
            .iter()
            .all(|p| (p.sharpness - 10.0).abs() < 1e-6)
    );
    open_lesson(&mut h, "Gradient noise: SGD jitters, momentum averages");
    started(&mut h);
    assert!(
        h.query_by_label("GD: λmax(H), dashed 2/lr").is_none()
            && h.query_by_label("Log scale").is_some(),
        "another lesson opens on its loss"
    );
    h.get_by_label("Sharpness").click();
    h.step();
    window::settle(&mut h);
    wait_until(&mut h, "the other lesson's sharpness", |app| {
        app.session()
            .sharpness()
            .is_some_and(|(_, _, current)| current)
    });
    h.run();
    let runs = &h.state().preset().runs;
    let first = format!("{}: λmax(H), dashed 2/lr", runs[0].display_label());
    assert!(h.query_by_label(&first).is_some(), "{first}");
}
