//! `descent export --torch-script` and `--jax-script`: the script a preset
//! becomes, run with PyTorch (or JAX and optax) where it is importable,
//! prints what `descent run --csv -` prints, to within 1e-9·max(1, |v|) up
//! to each case's chaos horizon. Where the package is not importable the
//! comparison says SKIPPED on stderr and checks only the script itself.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod window;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{descent, preset};

/// The Python that has `modules`: `DESCENT_PYTHON`, else `python3`, if it
/// imports them.
fn python_with(modules: &str) -> Option<String> {
    let python = std::env::var("DESCENT_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// (run, step) → the row's numbers, from the trajectory CSV contract.
fn rows(csv: &str) -> BTreeMap<(usize, u64), Vec<f64>> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let (run, rest) = line.split_once(',').unwrap();
            // The label may be quoted (it holds a comma).
            let rest = match rest.strip_prefix('"') {
                Some(quoted) => &quoted[quoted.find("\",").unwrap() + 2..],
                None => rest.split_once(',').unwrap().1,
            };
            let f: Vec<&str> = rest.split(',').collect();
            let values = f[1..].iter().map(|v| v.parse().unwrap()).collect();
            ((run.parse().unwrap(), f[0].parse().unwrap()), values)
        })
        .collect()
}

/// Runs the lesson's script (`flag`: `--torch-script` or `--jax-script`)
/// and compares every row it prints with Descent's; `horizon` gives a run
/// whose rows are compared only up to a step, where rounding grows.
fn compare(
    lesson: &str,
    python: &str,
    dir: &Path,
    flag: &str,
    horizon: Option<(usize, u64)>,
) -> usize {
    let script = dir.join(format!("{}{flag}.py", lesson.replace('/', "_")));
    let out = descent(&["export", &preset(lesson), flag, script.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = Command::new(python).arg(&script).output().unwrap();
    assert!(
        ran.status.success(),
        "{lesson}: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let theirs = rows(&String::from_utf8(ran.stdout).unwrap());
    let ours =
        rows(&String::from_utf8(descent(&["run", &preset(lesson), "--csv", "-"]).stdout).unwrap());
    assert!(!theirs.is_empty(), "{lesson}: the script printed no rows");
    for (key, row) in &theirs {
        if horizon.is_some_and(|(run, step)| key.0 == run && key.1 > step) {
            continue;
        }
        let want = ours
            .get(key)
            .unwrap_or_else(|| panic!("{lesson}: {key:?} not in Descent's CSV"));
        for (a, b) in row.iter().zip(want) {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{lesson} {flag}: run {} step {}: script {a} vs Descent {b}",
                key.0,
                key.1
            );
        }
    }
    theirs.len()
}

#[test]
fn each_script_prints_descent_s_trajectories_under_torch() {
    let Some(python) = python_with("torch") else {
        eprintln!(
            "SKIPPED: torch is not importable (set DESCENT_PYTHON to a Python that has it); the scripts were not run"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut rows = 0;
    for (lesson, horizon) in [
        ("adam-vs-sgd-rosenbrock.ron", None),
        ("momentum-overshoot.ron", None),
        ("nesterov-vs-heavy-ball.ron", None),
        ("rmsprop-first-step.ron", None),
        ("lr-schedules.ron", None),
        ("himmelblau-four-minima.ron", None),
        ("amsgrad-vs-adam.ron", None),
        ("adamw-vs-adam-l2.ron", None),
        ("beale.ron", None),
        ("adam-can-fail.ron", None),
        ("gradient-noise-momentum.ron", None),
        ("custom-formula.ron", None),
        ("radam-warmup.ron", None),
        ("rprop-sign-steps.ron", None),
        ("lbfgs-vs-adam-evaluations.ron", None),
        // Every class and scheduler the scripts write, with non-default
        // keyword arguments (tuples, flags, milestones, the plateau's loss).
        ("../tests/fixtures/torch-script-coverage.ron", None),
        // Models on data: embedded data, start and mini-batches; penalties,
        // held-out losses, early stopping.
        ("linreg-gd-vs-adam.ron", None),
        ("batch-size.ron", None),
        ("minibatch-noise.ron", None),
        ("asgd-average.ron", None),
        ("l1-vs-l2-paths.ron", None),
        ("logistic-two-blobs.ron", None),
        ("overfitting-early-stopping.ron", None),
        ("mlp-spiral-sgd-vs-adam.ron", None),
        // GD at lr 0.5 reaches the edge of stability near step 200: the
        // instability the lesson shows grows torch's rounding (1e-15 at
        // step 200) past 1e-9 by step 245. The lr 0.25 run agrees to
        // 2e-15 over all 2 000 steps.
        ("edge-of-stability.ron", Some((0, 200))),
        ("muon-orthogonal-updates.ron", None),
        // Mini-batches of two sizes and the full batch, penalties, early
        // stopping, the plateau, L-BFGS. L-BFGS's curvature pairs grow the
        // rounding of the ReLU net's sums (1e-14 at step 2, 1e-10 by step
        // 20) until it stops 7e-9 from where Descent stops.
        ("../tests/fixtures/torch-model-coverage.ron", Some((2, 20))),
        // Softmax regression until the gradient's norm is under grad_tol.
        ("../tests/fixtures/torch-softmax-coverage.ron", None),
        ("../tests/fixtures/script-goldstein-price.ron", None),
        ("../tests/fixtures/script-ackley.ron", None),
    ] {
        rows += compare(lesson, &python, dir.path(), "--torch-script", horizon);
    }
    eprintln!("{rows} rows from torch matched Descent's");
}

#[test]
fn each_jax_script_prints_descent_s_trajectories_under_optax() {
    let Some(python) = python_with("jax, optax") else {
        eprintln!(
            "SKIPPED: jax and optax are not importable (set DESCENT_PYTHON to a Python that has them); the scripts were not run"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut rows = 0;
    for (lesson, horizon) in [
        // RMSprop rattles down Rosenbrock's valley: optax's rounding (1e-16)
        // grows to 1e-13 by step 394 and past 1e-9 at step 790.
        ("adam-vs-sgd-rosenbrock.ron", Some((2, 700))),
        ("nesterov-vs-heavy-ball.ron", None),
        ("rmsprop-first-step.ron", None),
        ("adamw-vs-adam-l2.ron", None),
        ("beale.ron", None),
        ("adam-can-fail.ron", None),
        ("gradient-noise-momentum.ron", None),
        ("custom-formula.ron", None),
        ("conventions-rmsprop-adagrad.ron", None),
        ("saddle-escape.ron", None),
        ("lr-schedules.ron", None),
        // Every optax schedule the scripts write.
        ("../tests/fixtures/jax-script-coverage.ron", None),
        ("../tests/fixtures/script-goldstein-price.ron", None),
        ("../tests/fixtures/script-ackley.ron", None),
        // Models on data, as for torch; SGD's edge of stability as there.
        ("linreg-gd-vs-adam.ron", None),
        ("batch-size.ron", None),
        ("minibatch-noise.ron", None),
        ("l1-vs-l2-paths.ron", None),
        ("logistic-two-blobs.ron", None),
        ("overfitting-early-stopping.ron", None),
        ("mlp-spiral-sgd-vs-adam.ron", None),
        ("edge-of-stability.ron", Some((0, 200))),
        ("muon-orthogonal-updates.ron", None),
        ("../tests/fixtures/torch-model-coverage.ron", None),
        ("../tests/fixtures/torch-softmax-coverage.ron", None),
    ] {
        rows += compare(lesson, &python, dir.path(), "--jax-script", horizon);
    }
    eprintln!("{rows} rows from optax matched Descent's");
}

/// What the script says without running it: torch's class and keyword
/// arguments, each left-out run named with the reason, and a clear refusal
/// for a problem scripts do not cover yet.
#[test]
fn the_script_reads_as_torch_code_and_names_what_it_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.py");
    let target = script.to_str().unwrap();
    let out = descent(&[
        "export",
        &preset("lr-schedules.ron"),
        "--torch-script",
        target,
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains("torch.optim.lr_scheduler.StepLR(opt, step_size="),
        "{text}"
    );
    assert!(text.contains("torch.set_default_dtype(torch.float64)"));
    assert!(
        text.contains("torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.001, total_steps=1500")
    );
    let out = descent(&[
        "export",
        &preset("muon-fixed-step.ron"),
        "--torch-script",
        target,
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains(": left out: Muon is not in scripts yet"),
        "{text}"
    );
    let out = descent(&[
        "export",
        &preset("adam-vs-sgd-rosenbrock.ron"),
        "--torch-script",
        target,
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains("opt = torch.optim.Adam([p], lr=0.02, betas=(0.9, 0.999))"),
        "{text}"
    );
    assert!(text.contains("return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2"));
    let jax = dir.path().join("j.py");
    let out = descent(&[
        "export",
        &preset("amsgrad-vs-adam.ron"),
        "--jax-script",
        jax.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&jax).unwrap();
    assert!(
        text.contains("run(0, \"Adam\", optax.adam(0.02, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0), START, 0.0)"),
        "{text}"
    );
    assert!(text.contains(
        "AMSGrad: left out: optax's amsgrad keeps the running max of the bias-corrected v̂"
    ));
    // A model on data: its data embedded, the network as torch.nn modules,
    // the mini-batches as each epoch's order.
    let out = descent(&[
        "export",
        &preset("mlp-spiral-sgd-vs-adam.ron"),
        "--torch-script",
        target,
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&script).unwrap();
    for line in [
        "X = torch.tensor([",
        "        torch.nn.Linear(2, 16),\n        torch.nn.Tanh(),",
        "        torch.nn.Linear(16, 3),\n    )",
        "return F.cross_entropy(model(x), y)",
        "ORDERS = {\n    32: [",
        "opt = torch.optim.Adam(tensors(model), lr=0.01, betas=(0.9, 0.999))",
        "stream = batches(32)",
        "    forward = loss_fn(model, next(stream))",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // A file that cannot be read: the error names it, and nothing is written.
    let bad = dir.path().join("missing-data.ron");
    let lesson = std::fs::read_to_string(preset("linreg-gd-vs-adam.ron")).unwrap();
    std::fs::write(&bad, lesson.replace("data/linreg.csv", "data/missing.csv")).unwrap();
    let refused = dir.path().join("no.py");
    let out = descent(&[
        "export",
        bad.to_str().unwrap(),
        "--torch-script",
        refused.to_str().unwrap(),
    ]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(
        err.contains("the problem cannot be built") && err.contains("missing.csv"),
        "{err}"
    );
    assert!(!refused.exists(), "nothing is written");
}

/// The window's File menu writes the same scripts, a model's after a
/// surface's, and says in the status line why one cannot be written.
#[test]
fn the_file_menu_exports_the_script_and_reports_a_refusal() {
    use egui_kittest::kittest::Queryable as _;
    let mut h = window::harness("momentum-overshoot.ron");
    h.get_by_label("File").click();
    for _ in 0..3 {
        h.step();
    }
    assert!(h.query_by_label("Export as PyTorch script…").is_some());
    assert!(h.query_by_label("Export as JAX/optax script…").is_some());
    h.key_press(egui::Key::Escape);
    h.step();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("run.py");
    let ctx = h.ctx.clone();
    let action = descent::app::files::FileAction::ExportTorchScript;
    h.state_mut().file_chosen(action, script.clone(), &ctx);
    h.step();
    assert!(h.query_all_by_label_contains("wrote ").next().is_some());
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("torch.optim.SGD([p], lr="), "{text}");
    let jax = dir.path().join("run_jax.py");
    let jax_action = descent::app::files::FileAction::ExportJaxScript;
    h.state_mut().file_chosen(jax_action, jax.clone(), &ctx);
    h.step();
    let text = std::fs::read_to_string(&jax).unwrap();
    assert!(
        text.contains("optax.sgd(") && text.contains("jax_enable_x64"),
        "{text}"
    );
    // After another lesson: a model on data, its data read from the
    // lesson's folder.
    window::open_lesson(&mut h, "Linear regression: GD vs Adam");
    window::started(&mut h);
    let model = dir.path().join("linreg.py");
    h.state_mut().file_chosen(action, model.clone(), &ctx);
    h.step();
    let status = h.state().files().status.clone().unwrap();
    assert!(!status.error, "{}", status.text);
    let text = std::fs::read_to_string(&model).unwrap();
    assert!(
        text.contains("return torch.nn.Linear(1, 1)")
            && text.contains("0.2739233746429086, -0.4604265724722594"),
        "{text}"
    );
    // A preset whose data file is missing: the status line says why and
    // nothing is written.
    let bad = dir.path().join("missing-data.ron");
    let lesson = std::fs::read_to_string(preset("linreg-gd-vs-adam.ron")).unwrap();
    std::fs::write(&bad, lesson.replace("data/linreg.csv", "data/missing.csv")).unwrap();
    let open = descent::app::files::FileAction::Open;
    h.state_mut().file_chosen(open, bad, &ctx);
    for _ in 0..5 {
        h.step();
    }
    let refused = dir.path().join("refused.py");
    h.state_mut().file_chosen(action, refused.clone(), &ctx);
    h.step();
    let status = h.state().files().status.clone().unwrap();
    assert!(
        status.error && status.text.contains("cannot read data file"),
        "{}",
        status.text
    );
    assert!(!refused.exists());
}
