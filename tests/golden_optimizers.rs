//! The optimizers after the first nine against torch 2.15 and their packages
//! (`tests/golden/generate_optimizers.py`): on five surfaces and on an MLP
//! whose weights are real matrices, every row's parameters and loss must
//! match within 1e-9 · max(1, |torch|) up to the case's chaos horizon.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::PathBuf;

use common::{close, golden_dir, optimizer, read_json, read_rows, schedule};
use descent::optim::{Convention, ParamGroup, Schedule, TensorSelector};
use descent::preset::{Point, Preset, RunSpec};
use descent::problem::{Activation, ClassDataSource, ClassificationConfig, ProblemConfig, Surface};
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

fn dir() -> PathBuf {
    golden_dir().join("optimizers")
}

fn surface(name: &str) -> ProblemConfig {
    ProblemConfig::Surface(match name {
        "rosenbrock" => Surface::Rosenbrock,
        "beale" => Surface::Beale,
        "himmelblau" => Surface::Himmelblau,
        "quadratic" => Surface::IllConditioned {
            condition: 10.0,
            angle: 0.0,
        },
        "saddle" => Surface::SaddleWithMinima,
        other => panic!("unknown surface {other}"),
    })
}

/// The case as a preset Descent can run.
fn preset(case: &Value) -> Preset {
    let name = case["file"].as_str().unwrap();
    let mut preset = Preset::from_ron_str(
        "(problem: Surface(Rosenbrock), runs: [(optimizer: Sgd())])",
        "base",
    )
    .unwrap();
    preset.problem = match case["problem"].as_str().unwrap() {
        "mlp_moons" => ProblemConfig::Classification(ClassificationConfig {
            data: ClassDataSource::Csv(case["data"].as_str().unwrap().into()),
            hidden: vec![case["hidden"][0].as_u64().unwrap() as usize],
            activation: Activation::Tanh,
            init_seed: 0,
            validation: 0.0,
            split_seed: 0,
        }),
        other => surface(other),
    };
    let start: Vec<f64> = case["start"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    preset.start = Some(Point(start));
    preset.steps = case["N"].as_u64().unwrap();
    let torch = optimizer(case["optimizer"].as_str().unwrap(), &case["kwargs"]);
    // Muon's "textbook" cases are torch's Muon with Newton–Schulz in float64.
    let reading = match case["convention"].as_str() {
        Some("textbook") => Convention::Textbook,
        _ => Convention::Torch,
    };
    let mut run = RunSpec::new(name, reading.applied_to(&torch));
    // Parameter groups: one torch optimizer per group, stepped together.
    for g in case["groups"].as_array().into_iter().flatten() {
        let params = match g["params"].as_str().unwrap() {
            "Matrices" => TensorSelector::Matrices,
            "Biases" => TensorSelector::Biases,
            other => panic!("unknown selector {other}"),
        };
        run.groups.push(ParamGroup {
            params,
            optimizer: optimizer(g["optimizer"].as_str().unwrap(), &g["kwargs"]),
        });
    }
    run.schedule = case["scheduler"].as_str().map_or(Schedule::Constant, |s| {
        schedule(s, &case["scheduler_kwargs"])
    });
    preset.runs = vec![run];
    preset.validate(name).unwrap();
    preset
}

/// Every mismatch of one case (at most a few), and the largest relative
/// deviation from torch up to the horizon.
fn check(case: &Value) -> (Vec<String>, f64) {
    let name = case["file"].as_str().unwrap();
    let model = case["problem"] == "mlp_moons";
    let mut sim = preset(case)
        .simulation(&golden_dir().join("classifiers"))
        .unwrap();
    sim.run_to_end();
    let ours = sim.runs()[0].trajectory();
    let theirs = read_rows(&dir().join(name));
    let horizon = case["chaos_horizon"]
        .as_u64()
        .map_or(theirs.len(), |h| h as usize);
    if ours.len() != theirs.len() {
        let rows = format!("{name}: {} rows, torch {}", ours.len(), theirs.len());
        return (vec![rows], f64::NAN);
    }
    let mut problems = Vec::new();
    let mut worst = 0.0_f64;
    let deviation = |a: f64, b: f64| (a - b).abs() / b.abs().max(1.0);
    for (k, t) in theirs.iter().take(horizon).enumerate() {
        let (params, loss) = ours.row(k).unwrap();
        // Surfaces: step,x,y,loss. Models: step,loss,theta…
        let (torch_loss, torch_params) = if model {
            (t[1], &t[2..])
        } else {
            (t[3], &t[1..3])
        };
        worst = params
            .iter()
            .zip(torch_params)
            .map(|(a, b)| deviation(*a, *b))
            .fold(worst.max(deviation(loss, torch_loss)), f64::max);
        if !close(loss, torch_loss, TOLERANCE) {
            problems.push(format!(
                "{name} row {k}: loss {loss:e}, torch {torch_loss:e}"
            ));
        }
        for (i, (a, b)) in params.iter().zip(torch_params).enumerate() {
            if !close(*a, *b, TOLERANCE) {
                problems.push(format!("{name} row {k}: param {i} = {a:e}, torch {b:e}"));
            }
        }
        if !problems.is_empty() {
            break;
        }
    }
    // L-BFGS's evaluations per step against torch's func_evals.
    let evals = dir().join(name.replace(".csv", ".evals.csv"));
    if evals.exists() {
        let ours = sim.runs()[0].evaluations();
        let theirs: Vec<u64> = read_rows(&evals).iter().map(|r| r[1] as u64).collect();
        let rows = theirs.len().min(horizon.saturating_sub(1));
        if ours.get(..rows) != theirs.get(..rows) {
            problems.push(format!(
                "{name}: evaluations {:?}…, torch {:?}…",
                &ours[..ours.len().min(8)],
                &theirs[..theirs.len().min(8)]
            ));
        }
    }
    // Schedule-Free's x, the point to evaluate, against torch's eval().
    let sidecar = dir().join(name.replace(".csv", ".x.csv"));
    if sidecar.exists() {
        let x = sim.runs()[0]
            .companions()
            .find(|(what, _)| *what == "x")
            .map(|(_, path)| path.clone());
        match x {
            None => problems.push(format!("{name}: no x path")),
            Some(path) => {
                for (k, t) in read_rows(&sidecar).iter().take(horizon).enumerate() {
                    let ours = path.params(k).unwrap_or_default();
                    for (i, (a, b)) in ours.iter().zip(&t[1..]).enumerate() {
                        worst = worst.max(deviation(*a, *b));
                        if !close(*a, *b, TOLERANCE) {
                            problems.push(format!("{name} row {k}: x_{i} = {a:e}, torch {b:e}"));
                        }
                    }
                    if ours.len() + 1 != t.len() {
                        problems.push(format!("{name} row {k}: x has {} values", ours.len()));
                    }
                }
            }
        }
    }
    (problems, worst)
}

fn cases() -> Vec<Value> {
    read_json(&dir().join("manifest.json"))["cases"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_new_optimizer_matches_its_reference() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (problems, worst) = check(case);
        // Shown with --no-capture: how close each case is.
        println!("{}: max relative deviation {worst:.1e}", case["file"]);
        failures.extend(problems);
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn each_optimizer_has_three_problems_one_of_them_a_model() {
    let cases = cases();
    let classes = [
        "RAdam",
        "Rprop",
        "ASGD",
        "Adafactor",
        "Prodigy",
        "AdamWScheduleFree",
        "SGDScheduleFree",
        "ADOPT",
        "AdaBelief",
        "Yogi",
        "MADGRAD",
        "Adan",
        "AdEMAMix",
        "Lamb",
        "LBFGS",
        "Muon",
        "MARS",
        "SOAP",
    ];
    for class in classes {
        let mine: Vec<&Value> = cases.iter().filter(|c| c["optimizer"] == class).collect();
        let mut problems: Vec<&str> = mine
            .iter()
            .map(|c| c["problem"].as_str().unwrap())
            .collect();
        problems.sort_unstable();
        problems.dedup();
        assert!(problems.len() >= 3, "{class}: {problems:?}");
        assert!(problems.contains(&"mlp_moons"), "{class}: no model case");
    }
}
