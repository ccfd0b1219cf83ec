//! Logistic regression, softmax regression and MLPs against PyTorch
//! (`tests/golden/generate_classifiers.py`): from torch's own initial weights,
//! on the same points, every row's loss and every parameter must match
//! within 1e-9 · max(1, |torch|) up to the chaos horizon.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{close, golden_dir, optimizer, read_json, read_rows};
use descent::preset::{Point, Preset, RunSpec};
use descent::problem::{Activation, ClassDataSource, ClassificationConfig, ProblemConfig};

const TOLERANCE: f64 = 1e-9;

#[test]
fn classifiers_match_torch() {
    let dir = golden_dir().join("classifiers");
    let manifest = read_json(&dir.join("manifest.json"));
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["file"].as_str().unwrap();
        let activation = match case["activation"].as_str().unwrap() {
            "Tanh" => Activation::Tanh,
            "Relu" => Activation::Relu,
            "Sigmoid" => Activation::Sigmoid,
            other => panic!("unknown activation {other}"),
        };
        let start: Vec<f64> = case["start"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let steps = case["N"].as_u64().unwrap();
        let mut preset = Preset::from_ron_str(
            "(problem: Surface(Rosenbrock), runs: [(optimizer: Sgd())])",
            "base",
        )
        .unwrap();
        preset.problem = ProblemConfig::Classification(ClassificationConfig {
            data: ClassDataSource::Csv(case["data"].as_str().unwrap().into()),
            hidden: case["hidden"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect(),
            activation,
            init_seed: 0,
            validation: 0.0,
            split_seed: 0,
        });
        preset.start = Some(Point(start));
        preset.steps = steps;
        preset.runs = vec![RunSpec::new(
            name,
            optimizer(case["optimizer"].as_str().unwrap(), &case["kwargs"]),
        )];
        preset.validate(name).unwrap();
        let mut sim = preset.simulation(&dir).unwrap();
        sim.run_to_end();
        let ours = sim.runs()[0].trajectory();
        let theirs = read_rows(&dir.join(name));
        let horizon = case["chaos_horizon"]
            .as_u64()
            .map_or(theirs.len(), |h| h as usize);
        assert_eq!(ours.len(), theirs.len(), "{name}: rows");
        let worst = theirs
            .iter()
            .take(horizon)
            .enumerate()
            .filter_map(|(k, t)| {
                let (params, loss) = ours.row(k)?;
                let pairs = std::iter::once((loss, t[1]))
                    .chain(params.iter().copied().zip(t[2..].iter().copied()));
                pairs
                    .map(|(a, b)| (a - b).abs() / b.abs().max(1.0))
                    .reduce(f64::max)
            })
            .fold(0.0, f64::max);
        println!("{name}: max relative deviation {worst:.1e} (horizon {horizon} rows)");
        'rows: for (k, t) in theirs.iter().take(horizon).enumerate() {
            let (params, loss) = ours.row(k).unwrap();
            if !close(loss, t[1], TOLERANCE) {
                failures.push(format!("{name} row {k}: loss {loss:e}, torch {:e}", t[1]));
                break;
            }
            for (i, (a, b)) in params.iter().zip(&t[2..]).enumerate() {
                if !close(*a, *b, TOLERANCE) {
                    failures.push(format!("{name} row {k}: theta_{i} {a:e}, torch {b:e}"));
                    break 'rows;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
