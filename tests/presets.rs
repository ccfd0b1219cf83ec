//! Every shipped preset loads, runs, round-trips, and teaches what it says.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::{Path, PathBuf};

use descent::preset::Preset;
use descent::sim::{Simulation, Termination};

fn presets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("presets")
}

fn shipped() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(presets_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    paths
}

fn run(name: &str) -> Simulation {
    let path = presets_dir().join(name);
    let preset = Preset::load(&path).unwrap();
    let mut sim = preset.simulation(&presets_dir()).unwrap();
    sim.run_to_end();
    sim
}

#[test]
fn at_least_the_six_lessons_ship() {
    let names: Vec<String> = shipped()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for lesson in [
        "adam-vs-sgd-rosenbrock.ron",
        "momentum-overshoot.ron",
        "rmsprop-first-step.ron",
        "lr-too-large.ron",
        "saddle-escape.ron",
        "minibatch-noise.ron",
    ] {
        assert!(names.iter().any(|n| n == lesson), "missing {lesson}");
    }
}

#[test]
fn every_preset_loads_runs_and_round_trips() {
    let paths = shipped();
    assert!(paths.len() >= 6);
    let dir = tempfile::tempdir().unwrap();
    for path in paths {
        let name = path.display();
        let preset = Preset::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!preset.title.trim().is_empty(), "{name}: no title");
        let sentences = preset.description.matches(". ").count() + 1;
        assert!(
            (2..=6).contains(&sentences),
            "{name}: description of {sentences} sentences"
        );

        let mut sim = preset.simulation(path.parent().unwrap()).unwrap();
        sim.run_to_end();
        assert!(sim.is_finished(), "{name}");
        for run in sim.runs() {
            assert!(
                run.trajectory().len() >= 2,
                "{name}: {} took no step",
                run.setup().label
            );
            assert!(run.termination().is_some(), "{name}");
        }

        let copy = dir.path().join("copy.ron");
        preset.save(&copy).unwrap();
        let again = Preset::load(&copy).unwrap();
        assert_eq!(preset, again, "{name} does not round-trip");
        assert_eq!(
            again.to_ron_string().unwrap(),
            preset.to_ron_string().unwrap()
        );
    }
}

#[test]
fn the_default_preset_is_the_shipped_rosenbrock_lesson() {
    let embedded = Preset::from_ron_str(descent::DEFAULT_PRESET, "default").unwrap();
    let shipped = Preset::load(&presets_dir().join("adam-vs-sgd-rosenbrock.ron")).unwrap();
    assert_eq!(embedded, shipped);
    let labels: Vec<&str> = shipped.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["Adam", "SGD + momentum", "RMSprop"]);
}

#[test]
fn lr_too_large_diverges_only_above_two_over_lambda_max() {
    let sim = run("lr-too-large.ron");
    for run in sim.runs() {
        let diverged = matches!(run.termination(), Some(Termination::Diverged { .. }));
        assert_eq!(
            diverged,
            run.setup().label == "lr 0.4",
            "{}",
            run.setup().label
        );
    }
}

#[test]
fn rmsprop_first_step_is_ten_times_adams() {
    let sim = run("rmsprop-first-step.ron");
    let first_step = |i: usize| {
        let t = sim.runs()[i].trajectory();
        let (a, b) = (t.params(0).unwrap(), t.params(1).unwrap());
        (a[0] - b[0]).abs()
    };
    let ratio = first_step(0) / first_step(1);
    assert!((ratio - 10.0).abs() < 1e-3, "ratio {ratio}");
}

#[test]
fn adaptive_methods_escape_the_saddle_first() {
    let sim = run("saddle-escape.ron");
    let escape_step = |label: &str| {
        let run = sim
            .runs()
            .iter()
            .find(|r| r.setup().label == label)
            .unwrap();
        run.trajectory()
            .rows()
            .position(|(p, _)| p[1].abs() > 0.5)
            .unwrap_or(usize::MAX)
    };
    assert!(escape_step("Adam") < escape_step("GD"));
    assert!(escape_step("RMSprop") < escape_step("GD"));
}

#[test]
fn minibatch_runs_share_one_batch_stream() {
    let a = run("minibatch-noise.ron");
    let b = run("minibatch-noise.ron");
    for (x, y) in a.runs().iter().zip(b.runs()) {
        assert_eq!(x.trajectory(), y.trajectory());
    }
    // SGD does not settle: the loss keeps moving at the end.
    let t = a.runs()[0].trajectory();
    let tail: Vec<f64> = (t.len() - 20..t.len())
        .map(|k| t.loss(k).unwrap())
        .collect();
    assert!(tail.windows(2).any(|w| w[1] > w[0]), "no noise in {tail:?}");
}

#[test]
fn momentum_averages_the_gradient_noise_that_makes_sgd_jitter() {
    let sim = run("gradient-noise-momentum.ron");
    // Over the last 300 steps: the mean step length, the mean cosine between
    // successive steps, and the mean true loss.
    let tail = |label: &str| {
        let run = sim
            .runs()
            .iter()
            .find(|r| r.setup().label == label)
            .unwrap();
        let rows: Vec<(Vec<f64>, f64)> = run
            .trajectory()
            .rows()
            .skip(300)
            .map(|(p, l)| (p.to_vec(), l))
            .collect();
        let steps: Vec<[f64; 2]> = rows
            .windows(2)
            .map(|w| [w[1].0[0] - w[0].0[0], w[1].0[1] - w[0].0[1]])
            .collect();
        let length = |s: &[f64; 2]| s[0].hypot(s[1]);
        let mean_len = steps.iter().map(length).sum::<f64>() / steps.len() as f64;
        let cos = steps
            .windows(2)
            .map(|w| (w[0][0] * w[1][0] + w[0][1] * w[1][1]) / (length(&w[0]) * length(&w[1])))
            .sum::<f64>()
            / (steps.len() - 1) as f64;
        let loss = rows.iter().map(|r| r.1).sum::<f64>() / rows.len() as f64;
        (mean_len, cos, loss)
    };
    let (gd_len, _, gd_loss) = tail("GD without noise");
    let (sgd_len, sgd_cos, sgd_loss) = tail("SGD lr 0.05");
    let (avg_len, avg_cos, avg_loss) = tail("Momentum 0.9, lr 0.005");
    let (_, _, loud_loss) = tail("Momentum 0.9, lr 0.05");
    assert!(
        gd_len < 1e-6 && gd_loss < 1e-9,
        "GD settles: {gd_len} {gd_loss}"
    );
    assert!(
        sgd_cos < 0.0,
        "SGD's steps turn back and forth: cos {sgd_cos}"
    );
    assert!(
        avg_cos > 0.7,
        "momentum's steps keep their direction: cos {avg_cos}"
    );
    assert!(sgd_len > 4.0 * avg_len, "steps {sgd_len} vs {avg_len}");
    assert!(avg_loss < sgd_loss, "floor {avg_loss} vs {sgd_loss}");
    assert!(
        loud_loss > 5.0 * sgd_loss,
        "ten times the step: {loud_loss}"
    );
}
