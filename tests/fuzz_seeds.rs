//! Replays every committed fuzz seed and regression input through the same
//! code the fuzz targets run, on stable Rust in every CI run.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    ["seeds", "regressions"]
        .iter()
        .filter_map(|kind| std::fs::read_dir(root.join(kind).join(target)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.path().display().to_string(), bytes)
        })
        .collect()
}

fn replay(target: &str, run: fn(&[u8]), at_least: usize) {
    let inputs = inputs(target);
    assert!(
        inputs.len() >= at_least,
        "{target}: {} inputs",
        inputs.len()
    );
    for (name, bytes) in inputs {
        assert!(
            std::panic::catch_unwind(|| run(&bytes)).is_ok(),
            "{name} panics"
        );
    }
}

#[test]
fn preset_inputs_load_or_fail_cleanly() {
    replay("preset", descent::fuzzing::preset, 20);
}

#[test]
fn expression_inputs_parse_or_fail_cleanly() {
    replay("expression", descent::fuzzing::expression, 10);
}

#[test]
fn csv_inputs_parse_or_fail_cleanly() {
    replay("csv", descent::fuzzing::csv, 4);
}
