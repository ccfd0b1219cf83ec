//! Golden tests: Descent's trajectories against PyTorch's, step by step.
//!
//! Every case must match within 1e-9 · max(1, |torch|) in x, y and the loss at
//! every row up to the case's chaos horizon (the first row at which torch itself
//! moves by 1e-9 when the start is nudged by one ulp).

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{close, golden_dir, optimizer, read_json, read_rows, schedule};
use descent::optim::{OptimizerConfig, Schedule};
use descent::problem::{LineDataSource, LinearRegression, Problem, Surface};
use descent::sim::{RunSetup, SimSetup, Simulation};
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

fn problem(function: &str) -> Arc<dyn Problem> {
    match function {
        "rosenbrock" => Arc::new(Surface::Rosenbrock),
        "beale" => Arc::new(Surface::Beale),
        "himmelblau" => Arc::new(Surface::Himmelblau),
        // 0.5·(x² + 10y²)
        "quadratic" => Arc::new(Surface::IllConditioned {
            condition: 10.0,
            angle: 0.0,
        }),
        // 0.5x² − 0.5y² + 0.25y⁴
        "saddle" => Arc::new(Surface::SaddleWithMinima),
        "linreg_mse" => {
            let data = LineDataSource::Csv("linreg.csv".into())
                .load(&golden_dir())
                .unwrap();
            Arc::new(LinearRegression::new(data))
        }
        other => panic!("unknown reference function {other}"),
    }
}

struct Case {
    name: String,
    function: String,
    start: Vec<f64>,
    optimizer: OptimizerConfig,
    schedule: Schedule,
    steps: u64,
    /// Rows to compare (exclusive): the chaos horizon or all rows.
    horizon: Option<usize>,
    csv: std::path::PathBuf,
}

fn start(entry: &Value) -> Vec<f64> {
    entry["start"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn horizon(entry: &Value) -> Option<usize> {
    entry["sensitivity_start_x_plus_1ulp"]["first_step_dev_over_1e-9"]
        .as_u64()
        .map(|h| h as usize)
}

/// Cases from the shared reference set (`torch/manifest.json`).
fn shared_cases() -> Vec<Case> {
    let dir = golden_dir().join("torch");
    let manifest = read_json(&dir.join("manifest.json"));
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Case {
            name: e["file"].as_str().unwrap().to_owned(),
            function: e["function"].as_str().unwrap().to_owned(),
            start: start(e),
            optimizer: optimizer(e["optimizer"].as_str().unwrap(), &e["hyperparameters"]),
            schedule: e["scheduler"].as_object().map_or(Schedule::Constant, |s| {
                schedule(s["class"].as_str().unwrap(), &s["args"])
            }),
            steps: e["N"].as_u64().unwrap(),
            horizon: horizon(e),
            csv: dir.join(e["file"].as_str().unwrap()),
        })
        .collect()
}

/// Cases from `generate_extra.py` (`extra/manifest.json`): only the given
/// kwargs are listed, so these also check that Descent's defaults are torch's.
fn extra_cases() -> Vec<Case> {
    let dir = golden_dir().join("extra");
    let manifest = read_json(&dir.join("manifest.json"));
    manifest["trajectories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Case {
            name: e["file"].as_str().unwrap().to_owned(),
            function: e["function"].as_str().unwrap().to_owned(),
            start: start(e),
            optimizer: optimizer(e["optimizer"].as_str().unwrap(), &e["kwargs"]),
            schedule: e["scheduler"]
                .as_str()
                .map_or(Schedule::Constant, |s| schedule(s, &e["scheduler_kwargs"])),
            steps: e["N"].as_u64().unwrap(),
            horizon: horizon(e),
            csv: dir.join(e["file"].as_str().unwrap()),
        })
        .collect()
}

/// Simulates a case to its horizon.
fn simulate(case: &Case) -> Simulation {
    let setup = SimSetup {
        bounds: None,
        start: Some(case.start.clone()),
        steps: case.steps,
        seed: 0,
        batch_size: None,
        grad_tol: None,
        early_stopping: None,
        runs: vec![RunSetup {
            schedule: case.schedule.clone(),
            ..RunSetup::new(case.name.clone(), case.optimizer.clone())
        }],
        noise: None,
    };
    let mut sim = Simulation::new(problem(&case.function), setup).unwrap();
    sim.run_to_end();
    sim
}

/// Runs a case and returns a description of every mismatch.
#[expect(
    clippy::print_stdout,
    reason = "the deviations, shown with --no-capture"
)]
fn check(case: &Case) -> Vec<String> {
    let sim = simulate(case);
    let ours = sim.runs()[0].trajectory();
    let theirs = read_rows(&case.csv);
    let rows = case.horizon.unwrap_or(theirs.len()).min(theirs.len());
    let mut problems = Vec::new();
    if ours.len() < rows {
        problems.push(format!(
            "{}: only {} rows, torch has {}",
            case.name,
            ours.len(),
            theirs.len()
        ));
        return problems;
    }
    let mut worst = 0.0_f64;
    for (k, t) in theirs.iter().take(rows).enumerate() {
        let (p, loss) = ours.row(k).unwrap();
        for (name, a, b) in [("x", p[0], t[1]), ("y", p[1], t[2]), ("loss", loss, t[3])] {
            worst = worst.max((a - b).abs() / b.abs().max(1.0));
            if !close(a, b, TOLERANCE) {
                problems.push(format!(
                    "{} row {k}: {name} = {a:e}, torch {b:e}",
                    case.name
                ));
            }
        }
        if problems.len() > 5 {
            break;
        }
    }
    // Shown with --no-capture: how close each case is.
    println!("{}: max relative deviation {worst:.1e}", case.name);
    problems
}

fn run_all(cases: &[Case]) {
    let failures: Vec<String> = cases.iter().flat_map(check).collect();
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn shared_reference_set_matches_torch() {
    let cases = shared_cases();
    assert!(cases.len() >= 17, "only {} shared cases found", cases.len());
    run_all(&cases);
}

#[test]
fn extra_optimizer_options_match_torch() {
    let cases = extra_cases();
    assert!(cases.len() >= 18, "only {} extra cases found", cases.len());
    run_all(&cases);
}

#[test]
fn every_optimizer_kind_is_covered_by_a_golden_case() {
    // The rest of torch.optim is checked by `golden_optimizers.rs`.
    let rest = read_json(&golden_dir().join("optimizers/manifest.json"));
    let mut kinds: Vec<&str> = shared_cases()
        .iter()
        .chain(&extra_cases())
        .map(|c| c.optimizer.kind_name())
        .chain(
            rest["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| optimizer(c["optimizer"].as_str().unwrap(), &c["kwargs"]).kind_name()),
        )
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let all: Vec<&str> = OptimizerConfig::catalogue()
        .iter()
        .map(OptimizerConfig::kind_name)
        .collect();
    for kind in all {
        // A typed rule is checked against torch's Adam trajectory
        // (tests/custom_optimizer.rs types Adam by hand).
        if kind == "Custom" {
            continue;
        }
        assert!(kinds.contains(&kind), "no golden case for {kind}");
    }
}

/// The lr that torch used at each step (`.lr.csv` sidecars of scheduled cases).
#[test]
fn scheduled_cases_use_torchs_learning_rates() {
    let dir = golden_dir().join("torch");
    let manifest = read_json(&dir.join("manifest.json"));
    let mut checked = 0;
    for e in manifest["files"].as_array().unwrap() {
        let Some(s) = e["scheduler"].as_object() else {
            continue;
        };
        let sched = schedule(s["class"].as_str().unwrap(), &s["args"]);
        let mut state = sched.start(s["base_lr"].as_f64().unwrap());
        let lr_rows = read_rows(&dir.join(s["lr_file"].as_str().unwrap()));
        // The simulation records the lr every step used; it must be torch's too.
        let case = shared_cases()
            .into_iter()
            .find(|c| c.name == e["file"].as_str().unwrap())
            .unwrap();
        let sim = simulate(&case);
        let recorded = sim.runs()[0].lrs().to_vec();
        assert_eq!(recorded.len(), lr_rows.len());
        for (ours, row) in recorded.iter().zip(&lr_rows) {
            assert!(
                close(*ours, row[1], 1e-14),
                "{}: step {} lr {ours} vs {}",
                e["file"],
                row[0],
                row[1]
            );
        }
        for row in lr_rows {
            assert!(
                close(state.lr(), row[1], 1e-14),
                "{}: step {} lr {} vs torch {}",
                e["file"],
                row[0],
                state.lr(),
                row[1]
            );
            sched.advance(&mut state, f64::NAN);
        }
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} scheduled cases");
}

fn plateau_metric(k: u64) -> f64 {
    1.0 / (1.0 + (k / 15) as f64) + 0.001 * (k as f64).sin()
}

/// Every scheduler's lr (and cycled momentum) sequence, from `generate_extra.py`.
#[test]
fn every_schedule_matches_torch_lr_sequence() {
    let dir = golden_dir().join("schedules");
    let manifest = read_json(&golden_dir().join("extra/manifest.json"));
    let entries = manifest["schedules"].as_array().unwrap();
    assert!(entries.len() >= 14);
    for e in entries {
        let case = e["case"].as_str().unwrap();
        let sched = schedule(e["scheduler"].as_str().unwrap(), &e["kwargs"]);
        let opt = optimizer(e["optimizer"].as_str().unwrap(), &e["optimizer_kwargs"]);
        let mut state = sched.start(opt.lr());
        let rows = read_rows(&dir.join(format!("{case}.csv")));
        assert_eq!(rows.len() as u64, e["steps"].as_u64().unwrap());
        for row in rows {
            let k = row[0] as u64;
            assert!(
                close(state.lr(), row[1], 1e-13),
                "{case}: step {k} lr {} vs torch {}",
                state.lr(),
                row[1]
            );
            let momentum = state
                .momentum()
                .or(opt.cycled_momentum())
                .unwrap_or(f64::NAN);
            assert!(
                close(momentum, row[2], 1e-13),
                "{case}: step {k} momentum {momentum} vs torch {}",
                row[2]
            );
            sched.advance(&mut state, plateau_metric(k));
        }
    }
}

#[test]
fn linear_regression_data_matches_the_manifest_optimum() {
    let manifest = read_json(&golden_dir().join("torch/manifest.json"));
    let cf = &manifest["linreg"]["closed_form"];
    let p = problem("linreg_mse");
    let m = &p.minima()[0];
    assert!(close(m.point[0], cf["w"].as_f64().unwrap(), 1e-12));
    assert!(close(m.point[1], cf["b"].as_f64().unwrap(), 1e-12));
    assert!(close(
        m.value,
        cf["mse_at_optimum"].as_f64().unwrap(),
        1e-12
    ));
    assert!(Path::new(&golden_dir().join("linreg.csv")).exists());
}

/// The step inspector's numbers (θ, loss, consumed gradient, optimizer buffers)
/// equal torch's `optimizer.state` at every step.
#[test]
fn inspector_numbers_match_torch_optimizer_state() {
    let dir = golden_dir().join("extra");
    let manifest = read_json(&dir.join("manifest.json"));
    let cases = manifest["states"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        let opt = optimizer(case["optimizer"].as_str().unwrap(), &case["kwargs"]);
        let n = case["N"].as_u64().unwrap();
        let preset = descent::preset::Preset {
            version: 1,
            title: String::new(),
            description: String::new(),
            problem: descent::problem::ProblemConfig::Surface(Surface::Rosenbrock),
            view: None,
            start: Some(descent::preset::Point(vec![-1.5, 2.0])),
            steps: n,
            seed: 0,
            batch_size: None,
            grad_tol: None,
            early_stopping: None,
            runs: vec![descent::preset::RunSpec::new("run", opt)],
            noise: None,
            bounds: None,
            sharpness_every: None,
            overlays: Vec::new(),
        };
        let keys: Vec<&str> = case["state"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let rows = read_rows(&dir.join(case["file"].as_str().unwrap()));
        for row in rows
            .iter()
            .filter(|r| [1.0, 2.0, 3.0, 10.0, 57.0, 123.0, 200.0].contains(&r[0]))
        {
            let k = row[0] as u64;
            let ins = descent::analysis::inspect::inspect(&preset, Path::new("."), k)
                .unwrap()
                .remove(0);
            let what = format!("{} step {k}", case["file"]);
            assert_eq!(ins.step, k, "{what}");
            let grad = ins.grad.as_ref().unwrap();
            let mut pairs = vec![
                ("x", ins.params[0], row[1]),
                ("y", ins.params[1], row[2]),
                ("loss", ins.loss, row[3]),
                ("grad_x", grad[0], row[4]),
                ("grad_y", grad[1], row[5]),
            ];
            for (i, key) in keys.iter().enumerate() {
                let ours = ins
                    .state
                    .iter()
                    .find(|v| v.name == *key)
                    .unwrap_or_else(|| panic!("{what}: no state vector {key}"));
                pairs.push((key, ours.values[0], row[6 + 2 * i]));
                pairs.push((key, ours.values[1], row[7 + 2 * i]));
            }
            for (name, ours, theirs) in pairs {
                assert!(
                    close(ours, theirs, TOLERANCE),
                    "{what}: {name} = {ours:e}, torch {theirs:e}"
                );
            }
        }
    }
}
