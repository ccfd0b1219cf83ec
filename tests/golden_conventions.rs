//! The convention switch against the real optax and the textbook formulas
//! (`tests/golden/generate_conventions.py`): a torch config read the optax or
//! textbook way must reproduce that reference within 1e-9 · max(1, |ref|) up
//! to the chaos horizon, and, where the readings differ, torch's must not.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::sync::Arc;

use common::{close, golden_dir, optimizer, read_json, read_rows, schedule};
use descent::optim::params::Value as ParamValue;
use descent::optim::{Convention, OptimizerConfig, Schedule};
use descent::problem::Surface;
use descent::sim::{RunSetup, SimSetup, Simulation};

const TOLERANCE: f64 = 1e-9;

struct Case {
    name: String,
    torch: OptimizerConfig,
    read: OptimizerConfig,
    schedule: Schedule,
    rows: Vec<Vec<f64>>,
    horizon: usize,
}

fn cases() -> Vec<Case> {
    let dir = golden_dir().join("conventions");
    let manifest = read_json(&dir.join("manifest.json"));
    manifest["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let torch = optimizer(e["torch_class"].as_str().unwrap(), &e["torch_kwargs"]);
            let convention = match e["convention"].as_str().unwrap() {
                "optax" => Convention::Optax,
                "textbook" => Convention::Textbook,
                other => panic!("unknown convention {other}"),
            };
            let mut read = convention.applied_to(&torch);
            for (name, on) in e["flags"].as_object().unwrap() {
                read.set(
                    name.parse().unwrap(),
                    ParamValue::Flag(on.as_bool().unwrap()),
                )
                .unwrap();
            }
            let schedule = e["schedule"].as_object().map_or(Schedule::Constant, |s| {
                let (class, kw) = s.iter().next().unwrap();
                schedule(class, kw)
            });
            let rows = read_rows(&dir.join(e["file"].as_str().unwrap()));
            let horizon = e["sensitivity_start_x_plus_1ulp"]["first_step_dev_over_1e-9"]
                .as_u64()
                .map_or(rows.len(), |h| h as usize);
            Case {
                name: e["file"].as_str().unwrap().to_owned(),
                torch,
                read,
                schedule,
                rows,
                horizon,
            }
        })
        .collect()
}

fn trajectory(case: &Case, config: OptimizerConfig) -> Vec<Vec<f64>> {
    let setup = SimSetup {
        bounds: None,
        start: Some(vec![-1.5, 2.0]),
        steps: (case.rows.len() - 1) as u64,
        seed: 0,
        batch_size: None,
        grad_tol: None,
        early_stopping: None,
        runs: vec![RunSetup {
            schedule: case.schedule.clone(),
            ..RunSetup::new(case.name.clone(), config)
        }],
        noise: None,
    };
    let mut sim = Simulation::new(Arc::new(Surface::Rosenbrock), setup).unwrap();
    sim.run_to_end();
    let t = sim.runs()[0].trajectory();
    (0..t.len())
        .map(|k| {
            let (p, loss) = t.row(k).unwrap();
            vec![p[0], p[1], loss]
        })
        .collect()
}

/// The first row (below the horizon) where `ours` and the reference differ.
fn first_mismatch(case: &Case, ours: &[Vec<f64>]) -> Option<String> {
    for (k, r) in case.rows.iter().take(case.horizon).enumerate() {
        let Some(o) = ours.get(k) else {
            return Some(format!("{}: only {} rows", case.name, ours.len()));
        };
        for (i, name) in ["x", "y", "loss"].iter().enumerate() {
            if !close(o[i], r[i + 1], TOLERANCE) {
                return Some(format!(
                    "{} row {k}: {name} = {:e}, reference {:e}",
                    case.name,
                    o[i],
                    r[i + 1]
                ));
            }
        }
    }
    None
}

#[test]
fn each_convention_reproduces_its_reference() {
    let cases = cases();
    assert!(cases.len() >= 11, "only {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| first_mismatch(c, &trajectory(c, c.read.clone())))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Cases where torch's reading is measurably off the reference, so the cases
/// above really test the switch. The rest read SGD and Adam as torch does, or
/// (textbook Adagrad) differ only in ε = 1e-7 vs 1e-10, invisible next to
/// Rosenbrock's gradients.
const DISTINGUISHABLE: [&str; 7] = [
    "optax_adagrad.csv",
    "optax_rmsprop.csv",
    "optax_rmsprop_momentum.csv",
    "optax_adam_eps_root.csv",
    "textbook_momentum_step_lr.csv",
    "textbook_nesterov.csv",
    "textbook_rmsprop.csv",
];

#[test]
fn torchs_reading_misses_the_reference_where_the_conventions_differ() {
    for case in cases() {
        let torch_matches = first_mismatch(&case, &trajectory(&case, case.torch.clone())).is_none();
        let distinguishable = DISTINGUISHABLE.contains(&case.name.as_str());
        assert_eq!(
            torch_matches,
            !distinguishable,
            "{}: torch's reading {} the reference",
            case.name,
            if torch_matches { "matches" } else { "misses" }
        );
        if !distinguishable && case.name.starts_with("optax_") {
            assert_eq!(
                case.read, case.torch,
                "{}: optax reads it as torch",
                case.name
            );
        }
    }
}
