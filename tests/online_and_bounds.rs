//! Losses that change with the step (`Online`) and the box constraint
//! (`bounds`): the step each term is taken at, the projection, the checks,
//! and Reddi et al.'s counterexample.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;

use common::rows_of as rows;

use descent::analysis::inspect::inspect;
use descent::preset::Preset;

fn preset(text: &str) -> Preset {
    Preset::from_ron_str(text, "test").unwrap()
}

/// The gradient of the cycle [2x² + y, −x, x·y]: step t (from 1) takes term (t − 1) mod 3.
fn cycle_grad(t: u64, x: f64, y: f64) -> [f64; 2] {
    match (t - 1) % 3 {
        0 => [4.0 * x, 1.0],
        1 => [-1.0, 0.0],
        _ => [y, x],
    }
}

#[test]
fn sgd_on_an_online_loss_takes_each_steps_own_term_and_records_the_mean() {
    let lr: f64 = 0.05;
    let p = preset(&format!(
        "(problem: Online(terms: [\"2*x^2 + y\", \"-x\", \"x*y\"]), start: Some((0.7, -0.4)), steps: 30, runs: [(optimizer: Sgd(lr: {lr}))])"
    ));
    let path = rows(&p, 0);
    assert_eq!(path.len(), 31);
    for k in 0..30 {
        let (before, _) = &path[k];
        let g = cycle_grad(k as u64 + 1, before[0], before[1]);
        let (after, loss) = &path[k + 1];
        for i in 0..2 {
            // torch's SGD: param.add_(grad, alpha=-lr), one fused multiply-add.
            assert_eq!(after[i], (-lr).mul_add(g[i], before[i]), "row {}", k + 1);
        }
        let (x, y) = (after[0], after[1]);
        let mean = (2.0 * x * x + y - x + x * y) / 3.0;
        assert!(
            (loss - mean).abs() <= 1e-15,
            "row {}: {loss} vs {mean}",
            k + 1
        );
    }
}

#[test]
fn the_inspector_shows_the_gradient_of_the_steps_term() {
    let p = preset(
        "(problem: Online(terms: [\"3*x\", \"-x\", \"-x\"]), start: Some((0.2, 0.0)), steps: 10, runs: [(optimizer: Sgd(lr: 0.1))])",
    );
    for (step, gx) in [(1, 3.0), (2, -1.0), (3, -1.0), (4, 3.0)] {
        let shown = inspect(&p, Path::new("."), step).unwrap();
        assert_eq!(
            shown[0].grad.as_deref(),
            Some(&[gx, 0.0][..]),
            "step {step}"
        );
    }
}

#[test]
fn a_box_projects_the_start_and_every_step() {
    let p = preset(
        "(problem: Expression(formula: \"(x-2)^2 + (y-1)^2\"), bounds: Some(x: (-1.0, 0.5), y: (0.0, 2.0)), start: Some((-2.0, 3.0)), steps: 100, runs: [(optimizer: Sgd(lr: 0.1))])",
    );
    let path = rows(&p, 0);
    assert_eq!(path[0].0, [-1.0, 2.0], "the start is moved onto the box");
    for (k, (theta, _)) in path.iter().enumerate().skip(1) {
        let (before, _) = &path[k - 1];
        // The plain step, then each coordinate clamped.
        let free = [
            (-0.1_f64).mul_add(2.0 * (before[0] - 2.0), before[0]),
            (-0.1_f64).mul_add(2.0 * (before[1] - 1.0), before[1]),
        ];
        assert_eq!(
            theta,
            &[free[0].clamp(-1.0, 0.5), free[1].clamp(0.0, 2.0)],
            "row {k}"
        );
    }
    // The minimum (2, 1) lies outside: GD ends pressed against x = 0.5.
    let (end, loss) = path.last().unwrap();
    assert_eq!(end[0], 0.5);
    assert!(
        (end[1] - 1.0).abs() < 1e-6 && (loss - 2.25).abs() < 1e-6,
        "{end:?} {loss}"
    );
}

/// The shipped lesson: Adam with β₁ = 0 and β₂ = 1/(1 + C²) drifts to the
/// worst point, AMSGrad and long-memory Adam reach the best.
#[test]
fn reddis_counterexample_adam_drifts_to_plus_one_and_amsgrad_reaches_minus_one() {
    let p = Preset::load(Path::new("presets/adam-can-fail.ron")).unwrap();
    let mut sim = p.simulation(Path::new("presets")).unwrap();
    sim.run_to_end();
    let x_at = |run: usize, row: usize| sim.runs()[run].trajectory().params(row).unwrap()[0];
    let last = usize::try_from(p.steps).unwrap();
    // The last full cycle, every row of it.
    let tail = |run: usize| (last - 2..=last).map(move |k| x_at(run, k));
    assert!(
        tail(0).all(|x| x > 0.97),
        "Adam: {:?}",
        tail(0).collect::<Vec<_>>()
    );
    assert!(
        tail(1).all(|x| x < -0.97),
        "AMSGrad: {:?}",
        tail(1).collect::<Vec<_>>()
    );
    assert!(
        tail(2).all(|x| x < -0.97),
        "β₂ 0.999: {:?}",
        tail(2).collect::<Vec<_>>()
    );
    // The recorded loss is the mean, 1 + x/3: Adam ends near its maximum 4/3.
    let (end, loss) = sim.runs()[0].trajectory().last().unwrap();
    assert!((loss - (1.0 + end[0] / 3.0)).abs() < 1e-15);
    assert!(loss > 1.32, "{loss}");
    assert_eq!(end[1], 0.5, "nothing pulls on y");
    // x never leaves [−1, 1].
    for run in sim.runs() {
        let t = run.trajectory();
        assert!((0..t.len()).all(|k| t.params(k).unwrap()[0].abs() <= 1.0));
    }
}

#[test]
fn bad_terms_and_boxes_are_named() {
    let cases = [
        (
            "(problem: Online(terms: [\"x\", \"x + z\"]), runs: [(optimizer: Sgd())])",
            "problem.terms[1]: column 5: unknown name `z`",
        ),
        (
            "(problem: Online(terms: []), runs: [(optimizer: Sgd())])",
            "problem.terms: needs 1 to 16 formulas, got 0",
        ),
        (
            "(problem: Surface(Beale), bounds: Some(x: (1.0, -1.0), y: (0.0, 1.0)), runs: [(optimizer: Sgd())])",
            "bounds: needs finite ranges with min < max",
        ),
        (
            "(problem: LinearRegression(data: Synthetic(n: 20)), bounds: Some(x: (-1.0, 1.0), y: (-1.0, 1.0)), runs: [(optimizer: Sgd())])",
            "bounds: a box is for surfaces with 2 parameters",
        ),
    ];
    for (text, needle) in cases {
        let err = Preset::from_ron_str(text, "bad.ron")
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{text}\n{err}");
    }
}

#[test]
fn the_lesson_round_trips_through_ron() {
    let p = Preset::load(Path::new("presets/adam-can-fail.ron")).unwrap();
    let text = p.to_ron_string().unwrap();
    assert!(text.contains("bounds: Some("), "{text}");
    assert_eq!(Preset::from_ron_str(&text, "again").unwrap(), p);
}
