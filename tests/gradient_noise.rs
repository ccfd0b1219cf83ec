//! Seeded gradient noise on surfaces: one stream shared by every run, the
//! update it really takes, the true loss recorded, and the checks on it.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;

use common::rows_of as rows;

use descent::analysis::inspect::inspect;
use descent::preset::Preset;
use descent::problem::Surface;
use descent::sim::NoiseStream;

fn preset(noise: &str, runs: &str) -> Preset {
    let text = format!(
        "(problem: Surface(Rosenbrock), start: Some((-1.0, 1.5)), steps: 60, seed: 11, {noise} runs: [{runs}])"
    );
    Preset::from_ron_str(&text, "test").unwrap()
}

#[test]
fn sgd_takes_the_noisy_gradient_and_records_the_true_loss() {
    let sigma = 0.7;
    let lr = 1e-3;
    let p = preset(
        &format!("noise: Some(sigma: {sigma}),"),
        &format!("(optimizer: Sgd(lr: {lr}))"),
    );
    let path = rows(&p, 0);
    assert_eq!(path.len(), 61);
    for k in 0..60 {
        let (theta, _) = &path[k];
        let (next, loss) = &path[k + 1];
        let (_, gx, gy) = Surface::Rosenbrock.eval(theta[0], theta[1]);
        let z = NoiseStream::draw_for_step(2, 11, k as u64);
        let expected = [
            theta[0] - lr * (gx + sigma * z[0]),
            theta[1] - lr * (gy + sigma * z[1]),
        ];
        assert_eq!(next, &expected, "step {k}");
        let (f, _, _) = Surface::Rosenbrock.eval(next[0], next[1]);
        assert_eq!(*loss, f, "row {}: the true surface's loss", k + 1);
    }
}

#[test]
fn every_run_sees_the_same_draws_and_a_run_may_turn_them_off() {
    let p = preset(
        "noise: Some(sigma: 2.0),",
        "(optimizer: Adam(lr: 0.01)), (optimizer: Adam(lr: 0.01)), \
         (optimizer: Adam(lr: 0.01), noise: Some(sigma: 0.0))",
    );
    let quiet = preset("", "(optimizer: Adam(lr: 0.01))");
    assert_eq!(rows(&p, 0), rows(&p, 1), "the same stream for both runs");
    assert_ne!(rows(&p, 0), rows(&p, 2), "the noise moves the path");
    assert_eq!(rows(&p, 2), rows(&quiet, 0), "σ 0 is the noiseless run");
}

#[test]
fn a_run_of_its_own_sigma_scales_the_same_stream() {
    // Only the second run has noise: the stream still starts at step 0.
    let p = preset(
        "",
        "(optimizer: Sgd(lr: 1e-3)), (optimizer: Sgd(lr: 1e-3), noise: Some(sigma: 0.3))",
    );
    let (first, second) = (rows(&p, 0), rows(&p, 1));
    let z = NoiseStream::draw_for_step(2, 11, 0);
    let (_, gx, gy) = Surface::Rosenbrock.eval(-1.0, 1.5);
    assert_eq!(first[1].0, [-1.0 - 1e-3 * gx, 1.5 - 1e-3 * gy]);
    assert_eq!(
        second[1].0,
        [
            -1.0 - 1e-3 * (gx + 0.3 * z[0]),
            1.5 - 1e-3 * (gy + 0.3 * z[1])
        ]
    );
}

#[test]
fn chunked_advance_gives_the_same_bits() {
    let p = preset(
        "noise: Some(sigma: 1.0),",
        "(optimizer: Sgd(lr: 1e-3, momentum: 0.9)), (optimizer: Lbfgs(lr: 0.1))",
    );
    let mut one = p.simulation(Path::new(".")).unwrap();
    one.advance(60);
    let mut chunked = p.simulation(Path::new(".")).unwrap();
    for n in [1, 7, 13, 39] {
        chunked.advance(n);
    }
    for (a, b) in one.runs().iter().zip(chunked.runs()) {
        assert_eq!(a.trajectory(), b.trajectory());
    }
}

#[test]
fn the_inspector_shows_the_noisy_gradient_the_step_took() {
    let lr = 1e-3;
    let p = preset(
        "noise: Some(sigma: 0.5),",
        &format!("(optimizer: Sgd(lr: {lr}))"),
    );
    let path = rows(&p, 0);
    let seen = inspect(&p, Path::new("."), 23).unwrap();
    let g = seen[0].grad.as_ref().unwrap();
    let (prev, next) = (&path[22].0, &path[23].0);
    for i in 0..2 {
        let taken = (prev[i] - next[i]) / lr;
        assert!(
            (g[i] - taken).abs() < 1e-9 * taken.abs().max(1.0),
            "g[{i}] {} vs the step's {taken}",
            g[i]
        );
    }
    let (_, gx, gy) = Surface::Rosenbrock.eval(prev[0], prev[1]);
    assert_ne!(g[0], gx, "the noise is part of the shown gradient");
    let z = NoiseStream::draw_for_step(2, 11, 22);
    assert_eq!(
        seen[0].noise.as_deref(),
        Some(&[0.5 * z[0], 0.5 * z[1]][..])
    );
    assert_eq!(g, &[gx + 0.5 * z[0], gy + 0.5 * z[1]]);
}

#[test]
fn noise_is_written_as_the_issue_spells_it_and_round_trips() {
    let short = Preset::from_ron_str(
        "(problem: Surface(Beale), noise: Some(sigma: 0.5), runs: [(optimizer: Sgd(lr: 0.01), noise: Some(sigma: 0.0))])",
        "short",
    )
    .unwrap();
    assert_eq!(short.noise.unwrap().sigma, 0.5);
    assert_eq!(short.runs[0].noise.unwrap().sigma, 0.0);
    let text = short.to_ron_string().unwrap();
    assert!(text.contains("sigma: 0.5"), "{text}");
    assert_eq!(Preset::from_ron_str(&text, "again").unwrap(), short);
}

#[test]
fn bad_noise_names_the_field() {
    let check = |text: &str, needle: &str| {
        let err = Preset::from_ron_str(text, "t").unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    };
    check(
        "(problem: Surface(Beale), noise: Some(sigma: -1.0), runs: [(optimizer: Sgd(lr: 0.01))])",
        "noise.sigma: must be >= 0",
    );
    check(
        "(problem: Surface(Beale), runs: [(optimizer: Sgd(lr: 0.01), noise: Some(sigma: inf))])",
        "runs[0].noise.sigma: must be a finite number",
    );
    check(
        "(problem: LinearRegression(data: Synthetic(n: 20)), noise: Some(sigma: 1.0), runs: [(optimizer: Sgd(lr: 0.01))])",
        "noise: gradient noise is for surfaces",
    );
}
