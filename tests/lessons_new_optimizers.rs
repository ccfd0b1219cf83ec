//! The lessons of the optimizers added after the first nine (`RAdam`,
//! `Rprop`, `ASGD`, `Adafactor`, `Prodigy`, Schedule-Free, L-BFGS, Muon) show what their
//! texts say.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::{Path, PathBuf};

use descent::analysis::inspect::{Inspection, inspect};
use descent::preset::Preset;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("presets")
}

fn lesson(name: &str) -> Preset {
    Preset::load(&dir().join(name)).unwrap()
}

/// Run `run`'s numbers at row `step`.
fn at(preset: &Preset, step: u64, run: usize) -> Inspection {
    inspect(preset, &dir(), step).unwrap().remove(run)
}

fn value(ins: &Inspection, name: &str) -> Vec<f64> {
    ins.state
        .iter()
        .chain(&ins.derived)
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no {name} at step {}", ins.step))
        .values
        .clone()
}

#[test]
fn radam_switches_its_adaptive_step_on_at_step_six() {
    let preset = lesson("radam-warmup.ron");
    let radam = 1;
    assert_eq!(value(&at(&preset, 5, radam), "rectified"), [0.0]);
    let sixth = at(&preset, 6, radam);
    assert_eq!(value(&sixth, "rectified"), [1.0]);
    let r6 = value(&sixth, "rect")[0];
    let r170 = value(&at(&preset, 170, radam), "rect")[0];
    // The text quotes 0.08 at step 6 and 0.8 at step 170.
    assert!((r6 - 0.08).abs() < 0.005, "{r6}");
    assert!((r170 - 0.8).abs() < 0.02, "{r170}");
}

#[test]
fn rprop_grows_the_shallow_step_and_shrinks_the_steep_one() {
    let preset = lesson("rprop-sign-steps.ron");
    let rprop = 1;
    let sizes = value(&at(&preset, 25, rprop), "step_size");
    assert!(sizes[0] > 0.7 && sizes[0] < 0.9, "{sizes:?}");
    assert!(sizes[1] < 0.02, "{sizes:?}");
    let end = value(&at(&preset, 200, rprop), "step_size");
    assert_eq!(end, [1e-6, 1e-6]);
}

#[test]
fn asgd_s_average_leaves_theta_after_t0_and_beats_its_jitter() {
    let preset = lesson("asgd-average.ron");
    let mut sim = preset.simulation(&dir()).unwrap();
    sim.run_to_end();
    let asgd = &sim.runs()[0];
    let (name, ax) = asgd.companions().next().unwrap();
    assert_eq!(name, "ax");
    let theta = asgd.trajectory();
    assert_eq!(ax.len(), theta.len());
    // ax is θ through step t₀ + 2 = 22 and leaves it at 23, as the text says.
    assert_eq!(ax.params(22), theta.params(22));
    assert_ne!(ax.params(23), theta.params(23));
    // Over the last 300 steps the average's loss is below θ's at every row
    // but a handful, and below θ's mean by a clear margin.
    let rows = theta.len();
    let tail = rows - 300..rows;
    let theta_mean: f64 = tail.clone().map(|k| theta.loss(k).unwrap()).sum::<f64>() / 300.0;
    let ax_mean: f64 = tail.clone().map(|k| ax.loss(k).unwrap()).sum::<f64>() / 300.0;
    assert!(ax_mean < theta_mean - 0.05, "ax {ax_mean}, θ {theta_mean}");
    let above = tail
        .filter(|&k| ax.loss(k).unwrap() > theta.loss(k).unwrap())
        .count();
    assert!(above < 15, "the average lost at {above} rows");
}

#[test]
fn adafactor_stores_100_second_moment_numbers_for_337_weights() {
    let preset = lesson("adafactor-factored-memory.ron");
    let ins = at(&preset, 1, 1);
    assert_eq!(value(&ins, "second_moment_numbers"), [100.0]);
    assert_eq!(value(&ins, "unfactored_numbers"), [337.0]);
    // 16 + 16 + 1 rows and 2 + 16 + 16 columns across the three matrices.
    assert_eq!(value(&ins, "row_var").len(), 33);
    assert_eq!(value(&ins, "col_var").len(), 34);
}

#[test]
fn prodigy_grows_its_step_size_from_d0_and_never_shrinks_it() {
    let preset = lesson("prodigy-finds-its-step-size.ron");
    let mut sim = preset.simulation(&dir()).unwrap();
    sim.run_to_end();
    let prodigy = &sim.runs()[0];
    let step_sizes = prodigy.effective_lrs();
    assert_eq!(step_sizes.len(), 500);
    // d·lr with lr = 1: 1e-6 at the first step, never falling.
    assert_eq!(step_sizes[0], 1e-6);
    assert!(step_sizes.windows(2).all(|w| w[1] >= w[0]));
    // About 0.025 by step 20, and the tenfold jump to 0.27 near step 96.
    assert!((step_sizes[20] - 0.0248).abs() < 1e-3, "{}", step_sizes[20]);
    let jump = step_sizes.iter().position(|&d| d > 0.2).unwrap();
    assert!((90..105).contains(&jump), "jumped at {jump}");
    let (end, _) = prodigy.trajectory().last().unwrap();
    assert!(
        (end[0] - 0.99).abs() < 0.01 && (end[1] - 0.98).abs() < 0.01,
        "{end:?}"
    );
    // Adam lr 0.1 ends near (0.90, 0.82), as the text says.
    let (adam, _) = sim.runs()[2].trajectory().last().unwrap();
    assert!(
        (adam[0] - 0.90).abs() < 0.01 && (adam[1] - 0.82).abs() < 0.01,
        "{adam:?}"
    );
}

/// The spread of `losses[range]` (standard deviation).
fn spread(losses: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = losses.clone().count() as f64;
    let mean = losses.clone().sum::<f64>() / n;
    (losses.map(|l| (l - mean) * (l - mean)).sum::<f64>() / n).sqrt()
}

#[test]
fn schedule_free_s_x_ends_calmer_than_constant_adamw_and_y_lies_between() {
    let preset = lesson("schedule-free-x-y-z.ron");
    let mut sim = preset.simulation(&dir()).unwrap();
    sim.run_to_end();
    let runs = sim.runs();
    let sf = &runs[2];
    let paths: Vec<_> = sf.companions().collect();
    let names: Vec<&str> = paths.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["x", "z"]);
    let (x, z) = (paths[0].1, paths[1].1);
    let last = 500..601;
    let of = |t: &descent::sim::Trajectory| {
        let t = t.clone();
        spread(last.clone().map(move |k| t.loss(k).unwrap()))
    };
    let (x_spread, z_spread) = (of(x), of(z));
    let adamw = of(runs[0].trajectory());
    assert!(x_spread < adamw / 2.0, "x {x_spread:e}, AdamW {adamw:e}");
    assert!(z_spread > adamw, "z {z_spread:e}, AdamW {adamw:e}");
    // y = (1 − β₁)·z + β₁·x at every row.
    let y = sf.trajectory();
    for k in [1, 100, 600] {
        for i in 0..2 {
            let (xi, zi, yi) = (
                x.params(k).unwrap()[i],
                z.params(k).unwrap()[i],
                y.params(k).unwrap()[i],
            );
            assert!(
                (yi - (0.1 * zi + 0.9 * xi)).abs() < 1e-12,
                "row {k}: {yi} vs {xi}, {zi}"
            );
        }
    }
}

#[test]
fn lbfgs_beats_adam_even_counted_in_evaluations() {
    let preset = lesson("lbfgs-vs-adam-evaluations.ron");
    let mut sim = preset.simulation(&dir()).unwrap();
    sim.run_to_end();
    // The evaluations a run has made to reach its first row below 1e-9 (its
    // x on the evaluations axis).
    let evaluations_to = |run: usize| {
        let r = &sim.runs()[run];
        let t = r.trajectory();
        let row = (0..t.len()).find(|&k| t.loss(k).unwrap() < 1e-9)?;
        Some(r.evaluations()[..row].iter().sum::<u64>())
    };
    // As the text says: 3 steps and 53 evaluations with the line search,
    // 72 steps and 337 without.
    assert_eq!(evaluations_to(0), Some(53));
    assert_eq!(evaluations_to(1), Some(337));
    let adam = sim.runs()[2].trajectory().last().unwrap().1;
    assert!((adam - 0.4).abs() < 0.01, "{adam}");
    assert!(
        sim.runs()[2].evaluations().is_empty(),
        "Adam evaluates once a step"
    );
    // The map's faint points: every evaluation after each step's first.
    for run in &sim.runs()[..2] {
        let extra: u64 = run.evaluations().iter().map(|e| e - 1).sum();
        assert!(extra > 0);
        assert_eq!(run.inner_points().len() as u64, 2 * extra);
        assert!(run.inner_points().iter().all(|v| v.is_finite()));
    }
    assert!(sim.runs()[2].inner_points().is_empty());
}

/// The distance run `run` moves at each step.
fn step_lengths(sim: &descent::sim::Simulation, run: usize) -> Vec<f64> {
    let t = sim.runs()[run].trajectory();
    (1..t.len())
        .map(|k| {
            let (a, b) = (t.params(k - 1).unwrap(), t.params(k).unwrap());
            (a[0] - b[0]).hypot(a[1] - b[1])
        })
        .collect()
}

#[test]
fn muon_moves_a_fixed_distance_on_a_surface_and_cosine_lands_it() {
    use descent::optim::Convention;
    let mut preset = lesson("muon-fixed-step.ron");
    let mut sim = preset.simulation(&dir()).unwrap();
    sim.run_to_end();
    // torch's bfloat16 reading: 0.68–0.72 of lr at every step, as the text says.
    let lengths = step_lengths(&sim, 0);
    assert_eq!(lengths.len(), 600);
    for (k, l) in lengths.iter().enumerate() {
        assert!((0.68 * 0.02..0.72 * 0.02).contains(l), "step {k}: {l}");
    }
    let sigma = value(&at(&preset, 300, 0), "σ_max(O) params")[0];
    assert!((0.68..0.72).contains(&sigma), "{sigma}");
    let loss = |run: usize| sim.runs()[run].trajectory().last().unwrap().1;
    assert!((0.01..0.1).contains(&loss(0)), "{}", loss(0));
    assert!(loss(1) < 1e-6, "{}", loss(1));
    assert!(loss(2) > 0.01, "Adam is still in the valley: {}", loss(2));
    // The textbook reading, exact f64: one length at every step.
    preset.runs[0].optimizer = Convention::Textbook.applied_to(&preset.runs[0].optimizer);
    let mut exact = preset.simulation(&dir()).unwrap();
    exact.run_to_end();
    let lengths = step_lengths(&exact, 0);
    for l in &lengths {
        assert!((l - lengths[0]).abs() < 1e-12, "{l} vs {}", lengths[0]);
    }
    assert!((lengths[0] / 0.02 - 0.7).abs() < 0.02, "{}", lengths[0]);
}

#[test]
fn muon_keeps_each_layer_s_largest_update_direction_near_one() {
    let preset = lesson("muon-orthogonal-updates.ron");
    let layers = [
        "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias",
    ];
    let mut weakest_hidden = f64::INFINITY;
    for step in [1, 50, 200, 400, 600] {
        let muon = at(&preset, step, 0);
        for layer in layers {
            let top = value(&muon, &format!("σ_max(O) {layer}"))[0];
            assert!((0.68..1.21).contains(&top), "step {step} {layer}: {top}");
        }
        weakest_hidden = weakest_hidden.min(value(&muon, "σ_min(O) 2.weight")[0]);
    }
    assert!(weakest_hidden < 0.1, "{weakest_hidden}");
    let mut sim = preset.simulation(&dir()).unwrap();
    sim.run_to_end();
    let loss = |run: usize| sim.runs()[run].trajectory().last().unwrap().1;
    assert!(loss(0) < 0.025, "Muon {}", loss(0));
    assert!(
        (0.024..0.028).contains(&loss(1)),
        "Muon + AdamW {}",
        loss(1)
    );
    assert!(
        loss(2) > 0.028 && loss(3) > 0.028,
        "{} {}",
        loss(2),
        loss(3)
    );
    // The recipe's group: Muon keeps its buffer for the hidden matrix only.
    let recipe = at(&preset, 10, 1);
    let hidden = recipe
        .tensors
        .iter()
        .find(|t| t.name == "2.weight [16, 16]")
        .unwrap();
    assert_eq!((hidden.part, hidden.optimizer.kind_name()), (1, "Muon"));
    let buffer = value(&recipe, "momentum_buffer");
    assert!(buffer[hidden.range.clone()].iter().all(|v| v.is_finite()));
    assert!(buffer[..hidden.range.start].iter().all(|v| v.is_nan()));
    let exp_avg = value(&recipe, "exp_avg");
    assert!(exp_avg[hidden.range.clone()].iter().all(|v| v.is_nan()));
    assert!(exp_avg[..hidden.range.start].iter().all(|v| v.is_finite()));
}
