//! A typed f(x, y): parse it, then evaluate the loss and its symbolic
//! gradient at a few points, as the window does.
#![no_main]

use descent::problem::{Batch, ExpressionSurface, Problem};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
});
