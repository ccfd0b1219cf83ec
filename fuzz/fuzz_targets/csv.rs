//! The two data-set CSV readers: `x,y` for regression and `x1,x2,label` for
//! classifiers. Bad rows must come back as errors with their row number.
#![no_main]

use std::path::Path;

use descent::problem::{parse_class_csv, parse_xy_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.csv");
    if let Ok(line) = parse_xy_csv(text, path) {
        assert_eq!(line.x.len(), line.y.len());
    }
    if let Ok(classes) = parse_class_csv(text, path) {
        assert_eq!(classes.points.len(), classes.labels.len());
        assert!(classes.labels.iter().all(|&l| l < classes.classes));
    }
});
