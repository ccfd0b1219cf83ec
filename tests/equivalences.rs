//! Algebraic identities between optimizers that torch's semantics imply.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::Path;
use std::sync::Arc;

use descent::optim::{Adam, AdamW, OptimizerConfig, Sgd};
use descent::problem::{LineDataSource, LinearRegression, Problem, Surface};
use descent::sim::{RunSetup, SimSetup, Simulation, Trajectory};

fn trajectory(
    problem: Arc<dyn Problem>,
    optimizer: OptimizerConfig,
    steps: u64,
    batch: Option<usize>,
) -> Trajectory {
    let setup = SimSetup {
        bounds: None,
        start: None,
        steps,
        seed: 11,
        batch_size: batch,
        grad_tol: None,
        early_stopping: None,
        runs: vec![RunSetup::new("run", optimizer)],
        noise: None,
    };
    let mut sim = Simulation::new(problem, setup).unwrap();
    sim.run_to_end();
    sim.runs()[0].trajectory().clone()
}

fn regression() -> Arc<dyn Problem> {
    let data = LineDataSource::Synthetic {
        n: 40,
        slope: -2.0,
        intercept: 1.0,
        noise: 0.5,
        x_range: (-2.0, 2.0),
        seed: 3,
    }
    .load(Path::new("."))
    .unwrap();
    Arc::new(LinearRegression::new(data))
}

#[test]
fn zero_momentum_is_plain_sgd_whatever_the_dampening() {
    let plain = Sgd {
        lr: 1e-3,
        ..Sgd::default()
    };
    let zero = Sgd {
        dampening: 0.7,
        ..plain
    };
    for problem in [
        Arc::new(Surface::Rosenbrock) as Arc<dyn Problem>,
        regression(),
    ] {
        let a = trajectory(
            Arc::clone(&problem),
            OptimizerConfig::Sgd(plain),
            300,
            Some(8),
        );
        let b = trajectory(problem, OptimizerConfig::Sgd(zero), 300, Some(8));
        assert_eq!(a, b);
    }
}

#[test]
fn adamw_without_decay_is_adam() {
    let adam = Adam {
        lr: 0.01,
        amsgrad: true,
        ..Adam::default()
    };
    let adamw = AdamW {
        lr: 0.01,
        amsgrad: true,
        weight_decay: 0.0,
        ..AdamW::default()
    };
    let a = trajectory(
        Arc::new(Surface::Beale),
        OptimizerConfig::Adam(adam),
        500,
        None,
    );
    let b = trajectory(
        Arc::new(Surface::Beale),
        OptimizerConfig::AdamW(adamw),
        500,
        None,
    );
    assert_eq!(a, b);
}

#[test]
fn full_batch_size_is_gradient_descent() {
    let sgd = OptimizerConfig::Sgd(Sgd {
        lr: 0.05,
        momentum: 0.5,
        ..Sgd::default()
    });
    let gd = trajectory(regression(), sgd.clone(), 200, None);
    let full = trajectory(regression(), sgd.clone(), 200, Some(40));
    let oversized = trajectory(regression(), sgd.clone(), 200, Some(1000));
    assert_eq!(gd, full);
    assert_eq!(gd, oversized);
    let noisy = trajectory(regression(), sgd.clone(), 200, Some(5));
    assert_ne!(gd, noisy, "mini-batches must change the path");
}

/// Torch's Nesterov evaluates the gradient at the current point θ and steps
/// θ ← θ − lr·(g + μb). That is Sutskever's look-ahead form
/// v ← μv − lr·∇f(w + μv), w ← w + v, seen through θ = w + μv.
#[test]
fn nesterov_is_the_look_ahead_form_in_shifted_variables() {
    let (lr, mu) = (1e-3, 0.9);
    let sgd = Sgd {
        lr,
        momentum: mu,
        nesterov: true,
        ..Sgd::default()
    };
    let ours = trajectory(
        Arc::new(Surface::Rosenbrock),
        OptimizerConfig::Sgd(sgd),
        400,
        None,
    );

    let s = Surface::Rosenbrock;
    let (mut w, mut v) = ([-1.5, 2.0], [0.0, 0.0]);
    for k in 0..=400 {
        let theta = [w[0] + mu * v[0], w[1] + mu * v[1]];
        let p = ours.params(k).unwrap();
        for i in 0..2 {
            assert!(
                (p[i] - theta[i]).abs() < 1e-10 * theta[i].abs().max(1.0),
                "step {k}: torch form {p:?}, look-ahead form {theta:?}"
            );
        }
        let (_, gx, gy) = s.eval(theta[0], theta[1]);
        for (vi, g) in v.iter_mut().zip([gx, gy]) {
            *vi = mu * *vi - lr * g;
        }
        w = [w[0] + v[0], w[1] + v[1]];
    }
}

/// lr sits outside torch's momentum buffer: halving lr after k steps scales
/// the remaining steps, which the textbook form (lr inside v) would not do.
#[test]
fn lr_multiplies_the_whole_momentum_update() {
    let sgd = Sgd {
        lr: 0.01,
        momentum: 0.9,
        ..Sgd::default()
    };
    let mut opt = descent::optim::OptimizerInstance::new(OptimizerConfig::Sgd(sgd), 1);
    let mut p = [0.0];
    opt.step(&mut p, &[1.0], 0.01);
    opt.step(&mut p, &[1.0], 0.005);
    // b₁ = 1, b₂ = 0.9 + 1 = 1.9; θ = −0.01·1 − 0.005·1.9.
    assert!((p[0] - (-0.01 - 0.005 * 1.9)).abs() < 1e-16);
}

/// Descent's look-ahead Nesterov (textbook convention) and torch's form are
/// the same method: the look-ahead point θ + μv of the one is the θ of the
/// other, and the lr-inside and lr-outside buffers agree for constant lr.
#[test]
fn look_ahead_nesterov_shifted_by_mu_v_is_torchs_nesterov() {
    let torch = Sgd {
        lr: 1e-3,
        momentum: 0.9,
        nesterov: true,
        ..Sgd::default()
    };
    let textbook = descent::optim::Convention::Textbook.applied_to(&OptimizerConfig::Sgd(torch));
    let expected = trajectory(
        Arc::new(Surface::Rosenbrock),
        OptimizerConfig::Sgd(torch),
        300,
        None,
    );
    let setup = SimSetup {
        bounds: None,
        start: None,
        steps: 300,
        seed: 11,
        batch_size: None,
        grad_tol: None,
        early_stopping: None,
        runs: vec![RunSetup::new("look-ahead", textbook)],
        noise: None,
    };
    let mut sim = Simulation::new(Arc::new(Surface::Rosenbrock), setup).unwrap();
    for k in 0..300 {
        let run = &sim.runs()[0];
        let descent::optim::OptimizerState::Sgd(state) = run.optimizer().state() else {
            panic!("SGD state");
        };
        let v = if state.buffer_ready {
            state.momentum_buffer.clone()
        } else {
            vec![0.0, 0.0]
        };
        let p = run.params();
        let t = expected.params(k).unwrap();
        for i in 0..2 {
            let shifted = p[i] + 0.9 * v[i];
            assert!(
                (shifted - t[i]).abs() < 1e-10 * t[i].abs().max(1.0),
                "step {k}: θ + μv = {shifted}, torch θ = {}",
                t[i]
            );
        }
        sim.advance(1);
    }
}
