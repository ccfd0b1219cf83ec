//! What each fuzz target does with its input, shared by `fuzz/` (libFuzzer)
//! and the regression test that replays the seeds on stable Rust. Errors are
//! expected; a panic is a bug.

use std::path::Path;

use crate::preset::Preset;
use crate::problem::{Batch, ExpressionSurface, Problem as _, parse_class_csv, parse_xy_csv};

/// RON text → `Preset` → validation → `Simulation` → a few steps, as the
/// window and the CLI load a preset.
pub fn preset(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(preset) = Preset::from_ron_str(text, "fuzz") else {
        return;
    };
    // Data paths resolve against a folder that does not exist.
    if let Ok(mut sim) = preset.simulation(Path::new("/nonexistent-fuzz-dir")) {
        sim.advance(20);
        for run in sim.runs() {
            let _ = run.trajectory().last();
        }
    }
}

/// A typed f(x, y): parsed, then its loss and symbolic gradient evaluated.
pub fn expression(data: &[u8]) {
    let Ok(formula) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(surface) = ExpressionSurface::parse(formula, None) else {
        return;
    };
    let mut grad = [0.0; 2];
    for point in [[0.0, 0.0], [1.5, -2.0], [-1e3, 1e-3], [f64::MAX, 1.0]] {
        let _ = surface.loss_grad(&point, Batch::Full, &mut grad);
        let _ = surface.loss(&point);
    }
}

/// Both data-set readers: `x,y` and `x1,x2,label`.
pub fn csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.csv");
    if let Ok(line) = parse_xy_csv(text, path) {
        assert_eq!(line.x.len(), line.y.len(), "x and y differ in length");
    }
    if let Ok(classes) = parse_class_csv(text, path) {
        assert_eq!(classes.points.len(), classes.labels.len());
        assert!(classes.labels.iter().all(|&l| l < classes.classes));
    }
}
