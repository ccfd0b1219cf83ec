//! Hot loops do not allocate: after a warm-up, every optimizer's step (L-BFGS's
//! whole `step(closure)` with its line search, SOAP's eigenbasis refreshes,
//! Muon's Newton–Schulz) runs without touching the heap, on a surface and on
//! an MLP's tensors.

use descent::optim::{Layout, OptimizerConfig, OptimizerInstance, Tensor};

/// f(θ) = Σ (k + 1)·(θₖ − 0.3)² + θₖ⁴, a bowl with a quartic rim.
fn bowl(p: &[f64], g: &mut [f64]) -> f64 {
    let mut loss = 0.0;
    for (k, (x, g)) in p.iter().zip(g.iter_mut()).enumerate() {
        let a = (k % 5 + 1) as f64;
        let d = x - 0.3;
        loss += a * d * d + x.powi(4);
        *g = 2.0 * a * d + 4.0 * x.powi(3);
    }
    loss
}

/// Allocations made by steps 40..100 of `config` on `layout`.
fn steady_allocations(config: &OptimizerConfig, layout: &Layout) -> u64 {
    let dim = layout.dim();
    let mut opt = OptimizerInstance::for_layout(config.clone(), layout.clone());
    let mut params: Vec<f64> = (0..dim)
        .map(|k| ((k * 7 % 11) as f64 - 5.0) / 10.0)
        .collect();
    let mut grad = vec![0.0; dim];
    let lr = config.lr().min(1e-2);
    let mut closure = bowl;
    let mut step = |opt: &mut OptimizerInstance, params: &mut Vec<f64>, grad: &mut Vec<f64>| {
        let loss = bowl(params, grad);
        opt.step_closure(config, params, (grad, loss), lr, &mut closure);
    };
    for _ in 0..40 {
        step(&mut opt, &mut params, &mut grad);
    }
    allocation_counter::measure(|| {
        for _ in 0..60 {
            step(&mut opt, &mut params, &mut grad);
        }
    })
    .count_total
}

#[test]
fn no_optimizer_allocates_once_warmed_up() {
    let surface = Layout::new(vec![Tensor::new("params", &[2])]);
    let mlp = Layout::new(vec![
        Tensor::new("0.weight", &[8, 2]),
        Tensor::new("0.bias", &[8]),
        Tensor::new("2.weight", &[1, 8]),
        Tensor::new("2.bias", &[1]),
    ]);
    let mut failures = Vec::new();
    for config in OptimizerConfig::catalogue() {
        for (what, layout) in [("surface", &surface), ("mlp", &mlp)] {
            let n = steady_allocations(&config, layout);
            if n != 0 {
                failures.push(format!("{} on the {what}: {n}", config.kind_name()));
            }
        }
    }
    // The counter sees allocations: this test can fail.
    let probe = allocation_counter::measure(|| {
        std::hint::black_box(vec![1_u8; 3]);
    });
    assert_eq!(probe.count_total, 1);
    assert!(failures.is_empty(), "allocating steps: {failures:?}");
}
