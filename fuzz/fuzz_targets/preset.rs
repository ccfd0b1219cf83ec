//! RON text → `Preset` → validation → `Simulation` → a few steps, as the
//! window and the CLI load a preset. Errors are fine; panics are not.
#![no_main]

use std::path::Path;

use descent::preset::Preset;
use descent::sim::Simulation;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(preset) = Preset::from_ron_str(text, "fuzz") else {
        return;
    };
    if preset.validate("fuzz").is_err() {
        return;
    }
    // Data paths resolve against a folder that does not exist.
    if let Ok(mut sim) = Simulation::from_preset(&preset, Path::new("/nonexistent-fuzz-dir")) {
        sim.advance(20);
        for run in sim.runs() {
            let _ = run.trajectory().last();
        }
    }
});
