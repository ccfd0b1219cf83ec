//! The real `descent` binary, run as a user would.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{close, descent, golden_dir, preset, read_rows};

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A user mistake: non-zero exit, one clear message, no panic or backtrace.
fn assert_clean_failure(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "expected failure, got success: {err}"
    );
    assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn run_prints_the_csv_contract() {
    let out = descent(&[
        "run",
        &preset("adam-vs-sgd-rosenbrock.ron"),
        "--steps",
        "7",
        "--csv",
        "-",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "run,label,step,x,y,loss");
    assert_eq!(lines.len(), 1 + 3 * 8, "3 runs × (7 steps + start)");
    assert_eq!(lines[1], "0,Adam,0,-1.5,2.0,12.5");
    assert!(lines[8].starts_with("0,Adam,7,"));
    assert!(lines[9].starts_with("1,SGD + momentum,0,-1.5,2.0,"));
    for line in &lines[1..] {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 6, "{line}");
        for v in &fields[3..] {
            v.parse::<f64>().unwrap();
        }
    }
}

#[test]
fn regression_csv_names_w_and_b_and_resolves_data_relative_to_the_preset() {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_descent"))
        .current_dir(elsewhere.path())
        .args(["run", &preset("linreg-gd-vs-adam.ron"), "--csv", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("run,label,step,w,b,loss\n"));
    // Full precision: the GD run is PyTorch's reference trajectory.
    let torch = read_rows(&golden_dir().join("torch/linreg__gd.csv"));
    let ours: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("0,"))
        .map(|l| l.split(',').skip(2).map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(ours.len(), torch.len());
    for (a, b) in ours.iter().zip(&torch) {
        for i in 0..4 {
            assert!(
                close(a[i], b[i], 1e-9),
                "step {}: {a:?} vs torch {b:?}",
                b[0]
            );
        }
    }
}

#[test]
fn csv_to_a_file_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let p = preset("saddle-escape.ron");
    let to_file = descent(&["run", &p, "--csv", path.to_str().unwrap()]);
    assert!(to_file.status.success(), "{}", stderr(&to_file));
    let to_stdout = descent(&["run", &p, "--csv", "-"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout(&to_stdout));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary files left"
    );
}

#[test]
fn summary_names_every_run_and_divergence() {
    let out = descent(&["run", &preset("lr-too-large.ron")]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("Learning rate too large: divergence\n"),
        "{text}"
    );
    assert!(
        text.contains("lr 0.4") && text.contains("diverged at step"),
        "{text}"
    );
    assert_eq!(text.matches("max steps").count(), 3, "{text}");
}

#[test]
fn headless_without_a_command_runs_the_default_lesson() {
    let out = descent(&["--headless"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Adam vs SGD on Rosenbrock"), "{text}");
    assert!(text.contains("RMSprop"));
}

#[test]
fn list_shows_surfaces_optimizers_and_schedules() {
    let out = descent(&["list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "Rosenbrock",
        "GaussianWells",
        "IllConditioned",
        "torch.optim.NAdam",
        "Adam(lr: 0.001, betas: (0.9, 0.999), eps: 1e-8",
        "Lion(lr: 0.0001",
        "OneCycleLR(",
        "ReduceLROnPlateau(",
        "CosineAnnealingWarmRestarts(",
    ] {
        assert!(text.contains(needle), "list lacks {needle}:\n{text}");
    }
}

/// `descent list` left out polynomial regression, the classifiers (with
/// their data sets and activations) and typed formulas.
#[test]
fn list_names_every_problem_a_preset_can_hold() {
    let out = descent(&["list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "Expression(formula:",
        "PolynomialRegression(data: Synthetic(",
        "Classification(data: Moons(",
        "Spiral(n: 200",
        "Circles(n: 200",
        "Xor(n: 200",
        "Blobs(n: 200",
        "activation: Tanh, Relu, Sigmoid",
        "SparseAdam",
    ] {
        assert!(text.contains(needle), "list lacks {needle}:\n{text}");
    }
    // Every listed model parses as a preset's problem.
    for line in text.lines().map(str::trim) {
        if line.starts_with("LinearRegression(")
            || line.starts_with("PolynomialRegression(")
            || line.starts_with("Classification(")
        {
            let preset = format!("(problem: {line}, runs: [(optimizer: Sgd())])");
            descent::preset::Preset::from_ron_str(&preset, "list").unwrap();
        }
    }
}

#[test]
fn missing_preset_is_a_clean_error() {
    let out = descent(&["run", "no/such/preset.ron"]);
    assert_clean_failure(&out, "no/such/preset.ron");
}

#[test]
fn syntax_errors_report_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(
        &path,
        "(\n    problem: Surface(Rosenbrock),\n    runs: [(optimizer: Adamm())],\n)\n",
    )
    .unwrap();
    let out = descent(&["run", path.to_str().unwrap()]);
    assert_clean_failure(&out, "bad.ron:3:");
    assert_clean_failure(&out, "Adamm");
}

#[test]
fn nonsense_values_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("neg.ron");
    std::fs::write(
        &path,
        "(problem: Surface(Beale), runs: [(optimizer: Sgd(lr: -1.0))])",
    )
    .unwrap();
    let out = descent(&["run", path.to_str().unwrap()]);
    assert_clean_failure(&out, "runs[0].optimizer.lr: must be > 0, got -1");
}

#[test]
fn zero_steps_override_is_rejected() {
    let out = descent(&["run", &preset("saddle-escape.ron"), "--steps", "0"]);
    assert_clean_failure(&out, "steps: must be at least 1");
}

#[test]
fn unwritable_csv_path_is_a_clean_error() {
    let out = descent(&[
        "run",
        &preset("saddle-escape.ron"),
        "--csv",
        "/nonexistent-dir/x.csv",
    ]);
    assert_clean_failure(&out, "cannot write /nonexistent-dir/x.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = descent(&[
        "run",
        &preset("saddle-escape.ron"),
        "--csv",
        dir.path().to_str().unwrap(),
    ]);
    assert_clean_failure(&out, "directory");
}

#[test]
fn bad_data_file_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.csv"), "x,y\n1,2\n3,oops\n").unwrap();
    let path: PathBuf = dir.path().join("p.ron");
    std::fs::write(
        &path,
        "(problem: LinearRegression(data: Csv(\"d.csv\")), runs: [(optimizer: Sgd())])",
    )
    .unwrap();
    let out = descent(&["run", path.to_str().unwrap()]);
    assert_clean_failure(&out, "d.csv:3: y is not a number: `oops`");
}

#[test]
fn unknown_subcommand_is_rejected_by_clap() {
    let out = descent(&["frobnicate"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("frobnicate"));
}

/// A typed Rosenbrock gives the built-in Rosenbrock's trajectory to 1e-12.
#[test]
fn a_typed_formula_reproduces_the_builtin_surface() {
    let dir = tempfile::tempdir().unwrap();
    let body = |problem: &str| {
        format!(
            "(problem: {problem}, start: Some((-1.5, 2.0)), steps: 500, \
             runs: [(label: \"Adam\", optimizer: Adam(lr: 0.01)), (label: \"Nesterov\", optimizer: Sgd(lr: 0.001, momentum: 0.9, nesterov: true))])"
        )
    };
    let typed = dir.path().join("typed.ron");
    let builtin = dir.path().join("builtin.ron");
    std::fs::write(
        &typed,
        body("Expression(formula: \"(1-x)^2 + 100*(y-x^2)^2\")"),
    )
    .unwrap();
    std::fs::write(&builtin, body("Surface(Rosenbrock)")).unwrap();
    let rows = |path: &PathBuf| -> Vec<Vec<f64>> {
        let out = descent(&["run", path.to_str().unwrap(), "--csv", "-"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .skip(1)
            .map(|l| l.split(',').skip(2).map(|v| v.parse().unwrap()).collect())
            .collect()
    };
    let (a, b) = (rows(&typed), rows(&builtin));
    assert_eq!(a.len(), 2 * 501);
    assert_eq!(a.len(), b.len());
    for (ra, rb) in a.iter().zip(&b) {
        for (x, y) in ra.iter().zip(rb) {
            assert!(
                (x - y).abs() <= 1e-12 * y.abs().max(1.0),
                "step {}: {ra:?} vs {rb:?}",
                ra[0]
            );
        }
    }
}

#[test]
fn a_bad_formula_points_at_the_character() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(
        &path,
        "(problem: Expression(formula: \"sin(x) + sn(y)\"), runs: [(optimizer: Sgd())])",
    )
    .unwrap();
    let out = descent(&["run", path.to_str().unwrap()]);
    assert_clean_failure(&out, "problem.formula: column 10: unknown function `sn`");
    assert_clean_failure(&out, "    sin(x) + sn(y)\n             ^");
}

/// `--state-csv` writes the inspector's numbers for every step; Adam's
/// buffers there are torch's `optimizer.state`.
#[test]
fn state_csv_holds_torchs_optimizer_state() {
    let dir = tempfile::tempdir().unwrap();
    let preset = dir.path().join("adam.ron");
    std::fs::write(
        &preset,
        "(problem: Surface(Rosenbrock), start: Some((-1.5, 2.0)), steps: 200, runs: [(label: \"Adam\", optimizer: Adam(lr: 0.01))])",
    )
    .unwrap();
    let path = dir.path().join("state.csv");
    let out = descent(&[
        "run",
        preset.to_str().unwrap(),
        "--state-csv",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("run,label,step,quantity,x,y"));
    let value = |step: u64, quantity: &str| -> (f64, f64) {
        let prefix = format!("0,Adam,{step},{quantity},");
        let line = text
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {prefix}"));
        let mut cells = line.rsplit(',');
        let y = cells.next().unwrap().parse().unwrap();
        let x = cells.next().unwrap().parse().unwrap();
        (x, y)
    };
    let torch = read_rows(&golden_dir().join("extra/rosenbrock__adam_state.csv"));
    for row in torch.iter().filter(|r| [1.0, 50.0, 200.0].contains(&r[0])) {
        let k = row[0] as u64;
        let checks = [
            ("theta", (row[1], row[2])),
            ("grad", (row[4], row[5])),
            ("exp_avg", (row[6], row[7])),
            ("exp_avg_sq", (row[8], row[9])),
        ];
        for (quantity, (tx, ty)) in checks {
            let (x, y) = value(k, quantity);
            assert!(
                close(x, tx, 1e-9) && close(y, ty, 1e-9),
                "step {k} {quantity}: ({x}, {y}) vs torch ({tx}, {ty})"
            );
        }
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("0,Adam,200,effective_lr,"))
    );
    assert!(!text.lines().any(|l| l.starts_with("0,Adam,201,")));
}

/// With a validation split the CSV gains `val_loss`, and an early-stopped run
/// ends where it stopped.
#[test]
fn validation_losses_and_early_stopping_reach_the_csv() {
    let out = descent(&[
        "run",
        &preset("overfitting-early-stopping.ron"),
        "--csv",
        "-",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("run,label,step,theta_0,"), "{header}");
    assert!(header.ends_with(",theta_12,loss,val_loss"), "{header}");
    let last_of = |run: &str| {
        text.lines()
            .rev()
            .find(|l| l.starts_with(&format!("{run},")))
            .unwrap()
            .split(',')
            .nth(2)
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(last_of("0"), 3000);
    assert_eq!(last_of("2"), 1231, "stopped early at 1231");
    let summary = stdout(&descent(&[
        "run",
        &preset("overfitting-early-stopping.ron"),
    ]));
    assert!(
        summary.contains("stopped early at step 1231 (best at 931)"),
        "{summary}"
    );
}

/// lr = 10 on Rosenbrock overflows, Adam with lr = 1e6 wanders far but stays
/// finite, and ε = 0 with a zero gradient is 0/0: each run stops at its own
/// first non-finite value, the others go on, and every export still works.
#[test]
fn numeric_faults_stop_only_their_run_and_exports_show_them() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/numeric-faults.ron");
    let fixture = fixture.to_str().unwrap();
    let out = descent(&["run", fixture]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = |label: &str| text.lines().find(|l| l.contains(label)).unwrap().to_owned();
    assert!(line("SGD lr 10").contains("diverged at step 4"), "{text}");
    assert!(line("Adam lr 1e6").contains("max steps"), "{text}");
    assert!(line("Adam eps 0").contains("diverged at step 1"), "{text}");
    assert!(line("Adam    ").contains("max steps"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).display().to_string();
    let out = descent(&[
        "export",
        fixture,
        "--png",
        &file("f.png"),
        "--svg",
        &file("f.svg"),
        "--gif",
        &file("f.gif"),
        "--csv",
        &file("f.csv"),
        "--frames",
        "10",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(file("f.svg")).unwrap();
    assert!(svg.contains("(diverged at step 4)") && svg.contains("(diverged at step 1)"));
    let csv = std::fs::read_to_string(file("f.csv")).unwrap();
    let rows = |run: &str| {
        csv.lines()
            .filter(|l| l.starts_with(&format!("{run},")))
            .count()
    };
    assert_eq!(rows("0"), 5, "rows 0..=4, the last one non-finite");
    assert_eq!(rows("2"), 2);
    assert_eq!(rows("1"), 301);
    assert_eq!(rows("3"), 301);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("0,") && l.ends_with(",inf"))
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2,") && l.contains("NaN"))
    );
}

/// `descent sweep` scores a grid of two hyperparameters and writes the heat
/// map and every cell; the best heavy-ball setting on the κ = 50 bowl is
/// Polyak's (β ≈ 0.57), as in "Why Momentum Really Works".
#[test]
fn sweep_writes_a_heat_map_and_every_cell() {
    let dir = tempfile::tempdir().unwrap();
    let (png, csv) = (dir.path().join("s.png"), dir.path().join("s.csv"));
    let out = descent(&[
        "sweep",
        &preset("momentum-overshoot.ron"),
        "--run",
        "1",
        "--x",
        "lr:1e-3:0.1:log",
        "--y",
        "momentum:0:0.95",
        "--resolution",
        "20",
        "--steps-to",
        "1e-6",
        "--png",
        png.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Momentum 0.9: 20×20 cells of 400 steps"),
        "{text}"
    );
    let rows: Vec<Vec<f64>> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(3).map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 400);
    let best = rows
        .iter()
        .filter(|r| r[2].is_finite())
        .min_by(|a, b| a[2].total_cmp(&b[2]))
        .unwrap();
    assert!((0.4..0.75).contains(&best[1]), "best momentum {best:?}");
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert_clean_failure(
        &descent(&[
            "sweep",
            &preset("momentum-overshoot.ron"),
            "--x",
            "lr:1e-3:1:log",
            "--y",
            "beta2:0:0.9",
        ]),
        "--y: Sgd has no hyperparameter `beta2`",
    );
}

/// An online term that does not parse is pointed at in the file, element
/// and character; Reddi's lesson runs headless with Adam ending at +1.
#[test]
fn an_online_loss_runs_headless_and_a_bad_term_is_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(
        &path,
        "(\n  problem: Online(terms: [\"x\", \"x + z\"]),\n  runs: [(optimizer: Sgd())],\n)\n",
    )
    .unwrap();
    let out = descent(&["run", path.to_str().unwrap()]);
    assert_clean_failure(&out, "2:32: problem.terms[1]: column 5: unknown name `z`");
    let out = descent(&["run", "presets/adam-can-fail.ron", "--csv", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let last_x = |label: &str| -> f64 {
        let row = csv
            .lines()
            .rfind(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no rows for {label}"));
        let cells: Vec<&str> = row.rsplitn(4, ',').collect();
        assert_eq!(cells[3].rsplit(',').next(), Some("600"), "{row}");
        cells[2].parse().unwrap()
    };
    assert!(last_x("\"Adam, β₂ = 0.1\"") > 0.97);
    assert!(last_x("\"AMSGrad, β₂ = 0.1\"") < -0.97);
}

/// `descent tune` gives every run the same grid, prints each run's best lr,
/// and `--save` writes a preset whose runs use them and say so.
#[test]
fn tune_gives_each_run_its_best_lr_and_saves_the_preset() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("tuned.ron");
    let out = descent(&[
        "tune",
        "presets/adam-vs-sgd-rosenbrock.ron",
        "--from",
        "1e-4",
        "--to",
        "0.1",
        "--points",
        "7",
        "--steps",
        "300",
        "--save",
        saved.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.starts_with("3 runs × 7 lrs in [0.0001, 0.1] × 300 steps"),
        "{table}"
    );
    let tuned = descent::preset::Preset::load(&saved).unwrap();
    let grid: Vec<f64> = (0..7)
        .map(|i| 10f64.powf(-4.0 + 3.0 * f64::from(i) / 6.0))
        .collect();
    for run in &tuned.runs {
        let lr = run.optimizer.lr();
        assert!(
            grid.iter().any(|g| (g - lr).abs() <= 1e-12 * g),
            "{}: lr {lr} is on the grid",
            run.label
        );
        assert!(
            table.contains(&format!("{lr:.4e}")),
            "the table shows {lr}: {table}"
        );
        assert!(
            run.legend_label()
                .ends_with("tuned over 7 values in [0.0001, 0.1] by final loss"),
            "{}",
            run.legend_label()
        );
    }
    // Each lr really is its run's best of the seven.
    let original =
        descent::preset::Preset::load(Path::new("presets/adam-vs-sgd-rosenbrock.ron")).unwrap();
    for (i, run) in tuned.runs.iter().enumerate() {
        let final_loss = |lr: f64| {
            let mut one = original.clone();
            one.steps = 300;
            one.runs = vec![original.runs[i].clone()];
            one.runs[0]
                .optimizer
                .set(
                    descent::optim::params::Param::Lr,
                    descent::optim::params::Value::Real(lr),
                )
                .unwrap();
            let mut sim = one.simulation(Path::new("presets")).unwrap();
            sim.run_to_end();
            let r = &sim.runs()[0];
            if r.termination()
                .is_some_and(|t| t.to_string().contains("diverged"))
            {
                f64::NAN
            } else {
                r.trajectory().last().unwrap().1
            }
        };
        let best = final_loss(run.optimizer.lr());
        for g in &grid {
            let other = final_loss(*g);
            assert!(
                other.is_nan() || other >= best,
                "{}: lr {g} gives {other} < {best}",
                run.label
            );
        }
    }
}

/// `descent export --overlay` draws a trajectory from elsewhere beside the
/// runs: one preset's CSV over another's picture, and a bad file names its
/// line and writes nothing.
#[test]
fn export_overlays_a_trajectory_csv_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("theirs.csv");
    let out = descent(&[
        "run",
        "presets/nesterov-vs-heavy-ball.ron",
        "--csv",
        theirs.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = dir.path().join("plain.png");
    let with = dir.path().join("with.png");
    let preset = "presets/momentum-overshoot.ron";
    let out = descent(&["export", preset, "--png", plain.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = descent(&[
        "export",
        preset,
        "--overlay",
        theirs.to_str().unwrap(),
        "--png",
        with.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (a, b) = (
        std::fs::read(&plain).unwrap(),
        std::fs::read(&with).unwrap(),
    );
    assert!(b.starts_with(b"\x89PNG") && a != b, "the overlay is drawn");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "step,x,y\n0,1,2\n2,1,2\n").unwrap();
    let target = dir.path().join("never.png");
    let out = descent(&[
        "export",
        preset,
        "--overlay",
        bad.to_str().unwrap(),
        "--png",
        target.to_str().unwrap(),
    ]);
    assert_clean_failure(&out, "line 3: step 2 where step 1 was due");
    assert!(!target.exists(), "nothing is written");
}
