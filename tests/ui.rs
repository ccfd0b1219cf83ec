//! The real window driven by its accessible labels (`egui_kittest`, no GPU).

mod window;

use std::path::Path;
use std::time::{Duration, Instant};

use descent::app::DescentApp;
use descent::cli::WindowOptions;
use descent::problem::{ClassDataSource, ProblemConfig};
use descent::sim::Termination;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use window::{harness, settle, trajectory, wait_until};

#[test]
fn moving_the_lr_slider_changes_that_run() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let adam_before = trajectory(&h, 0);
    let sgd_before = trajectory(&h, 1);
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .set_value_accesskit(0.05);
    h.step();
    settle(&mut h);
    let descent::optim::OptimizerConfig::Adam(adam) = h.state().preset().runs[0].optimizer else {
        panic!("run 0 is Adam");
    };
    assert!((adam.lr - 0.05).abs() < 1e-12, "lr = {}", adam.lr);
    assert_ne!(trajectory(&h, 0), adam_before);
    assert_eq!(trajectory(&h, 1), sgd_before, "other runs are untouched");
}

#[test]
fn play_advances_the_step_counter() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_label("Reset").click();
    h.step();
    assert_eq!(h.state().playback().head, 0);
    assert!(h.query_by_label("Step 0 / 1000").is_some());
    h.get_by_label("Play").click();
    for _ in 0..30 {
        h.step();
    }
    let head = h.state().playback().head;
    assert!(head > 0, "the play head did not move");
    assert!(h.query_by_label(&format!("Step {head} / 1000")).is_some());
    assert!(h.query_by_label("Pause").is_some());
}

/// The MLP spiral lesson (2 000 steps, ~10 s to compute in a debug build),
/// playing from `step`.
fn playing_the_spiral_from(step: u32) -> Harness<'static, DescentApp> {
    let mut h = harness("mlp-spiral-sgd-vs-adam.ron");
    h.get_by_label("Timeline")
        .set_value_accesskit(f64::from(step));
    h.step();
    h.get_by_label("Play").click();
    for _ in 0..5 {
        h.step();
    }
    h
}

/// A slider moved while playing recomputes from step 0; the play head keeps
/// its place instead of falling back to the rows that have arrived.
#[test]
fn a_change_while_playing_keeps_the_play_head_where_it_was() {
    let mut h = playing_the_spiral_from(1200);
    let before = h.state().playback().head;
    assert!(before >= 1200, "the head is at {before}");
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .set_value_accesskit(0.02);
    // Frame by frame while the rows come in again: the head never moves back.
    let deadline = Instant::now() + Duration::from_mins(3);
    let (mut head, mut fewest) = (before, usize::MAX);
    loop {
        h.step();
        let (now, rows) = (
            h.state().playback().head,
            h.state().session().rows_available(),
        );
        assert!(
            now >= head,
            "the head fell back from {head} to {now} ({rows} rows in)"
        );
        (head, fewest) = (now, fewest.min(rows));
        if fewest < before && h.state().session().idle() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no recomputation behind the head finished ({fewest} rows at the fewest)"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        head > before,
        "the head held at {before} and never played on once the rows were in"
    );
}

/// A head held past the rows comes back to the last row once every row is
/// in: here the horizon is cut below it while playing.
#[test]
fn a_horizon_cut_below_the_play_head_brings_the_head_back() {
    let mut h = playing_the_spiral_from(1500);
    assert!(h.state().playback().head >= 1500);
    h.get_all_by_role(Role::SpinButton)
        .find(|n| n.value().is_some_and(|v| v.starts_with("Steps: ")))
        .unwrap()
        .set_value_accesskit(600.0);
    h.step();
    settle(&mut h);
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(h.state().preset().steps, 600);
    assert_eq!(h.state().playback().head, 600);
    assert!(h.query_by_label("Step 600 / 600").is_some());
}

#[test]
fn step_back_rewinds_and_step_moves_on() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    assert_eq!(
        h.state().playback().head,
        0,
        "a lesson opens at step 0, its race not given away"
    );
    h.key_press(egui::Key::End);
    h.step();
    assert_eq!(
        h.state().playback().head,
        1000,
        "End jumps to the last step"
    );
    h.get_by_label("Step back").click();
    h.step();
    h.get_by_label("Step back").click();
    h.step();
    assert_eq!(h.state().playback().head, 998);
    assert!(h.query_by_label("Step 998 / 1000").is_some());
    h.get_by_label("Step").click();
    h.step();
    assert_eq!(h.state().playback().head, 999);
}

#[test]
fn keyboard_controls_the_play_head() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.key_press(egui::Key::Home);
    h.step();
    assert_eq!(h.state().playback().head, 0);
    h.key_press(egui::Key::ArrowRight);
    h.step();
    assert_eq!(h.state().playback().head, 1);
    h.key_press(egui::Key::Space);
    h.step();
    assert!(h.state().playback().playing);
    h.key_press(egui::Key::R);
    h.step();
    assert_eq!(h.state().playback().head, 0);
    assert!(!h.state().playback().playing);
}

#[test]
fn picking_another_surface_changes_the_problem() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_role_and_label(Role::ComboBox, "Problem").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Himmelblau").click();
    h.step();
    settle(&mut h);
    let problem = h.state().session().problem.as_ref().unwrap();
    assert_eq!(problem.name(), "Himmelblau");
    let start = h.state().session().tracks[0].row(0).unwrap().0;
    assert_eq!(start, [-0.5, -0.5], "the new surface's default start");
}

#[test]
fn adding_a_run_adds_a_legend_entry() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    assert!(h.query_by_role_and_label(Role::CheckBox, "Run 4").is_none());
    h.get_by_label("Add run").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().session().tracks.len(), 4);
    assert!(h.query_by_role_and_label(Role::CheckBox, "Run 4").is_some());
}

#[test]
fn a_divergent_lr_shows_diverged() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    assert!(h.query_by_label_contains("diverged").is_none());
    // The second lr slider is SGD's.
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .nth(1)
        .unwrap()
        .set_value_accesskit(1.0);
    h.step();
    settle(&mut h);
    assert!(matches!(
        h.state().session().tracks[1].termination,
        Some(Termination::Diverged { .. })
    ));
    assert!(
        h.query_all_by_label_contains("diverged at step")
            .next()
            .is_some()
    );
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "SGD + momentum")
            .is_none()
    );
    assert!(
        h.query_all_by_label_contains("SGD + momentum — diverged at step")
            .next()
            .is_some()
    );
}

#[test]
fn a_crash_in_the_simulation_thread_is_shown_and_the_window_keeps_working() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.state().session().inject_panic();
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.query_by_label_contains("crashed").is_none() {
        assert!(Instant::now() < deadline, "no crash message");
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    h.get_by_label("Add run").click();
    h.step();
    settle(&mut h);
    assert_eq!(
        h.state().session().tracks.len(),
        4,
        "still simulating after the crash"
    );
}

#[test]
fn the_inspector_follows_the_play_head() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_label("Inspector").click();
    h.step();
    h.key_press(egui::Key::Home);
    h.step();
    for _ in 0..3 {
        h.key_press(egui::Key::ArrowRight);
        h.step();
    }
    wait_until(&mut h, "an inspection of step 3", |app| {
        app.session()
            .inspections()
            .is_some_and(|(step, _)| step == 3)
    });
    assert!(h.query_by_label("Adam — step 3").is_some());
    assert!(h.query_all_by_label("exp_avg_sq").next().is_some());
    assert!(h.query_all_by_label("momentum_buffer").next().is_some());
    assert!(h.query_by_label("Copy table").is_some());
    let (_, rows) = h.state().session().inspections().unwrap();
    let adam = &rows[0];
    let t = &h.state().session().tracks[0];
    assert_eq!(adam.params, t.row(3).unwrap().0);
}

#[test]
fn a_typed_formula_becomes_the_surface_and_errors_point_at_the_character() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_role_and_label(Role::ComboBox, "Problem").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Custom f(x, y)").click();
    h.step();
    settle(&mut h);
    assert_eq!(
        h.state().session().problem.as_ref().unwrap().name(),
        "Custom f(x, y)"
    );
    let formula = "sin(x)*cos(y) + 0.1*(x^2+y^2)";
    assert_eq!(
        h.state().session().problem.as_ref().unwrap().formula(),
        formula
    );
    h.get_all_by_value(formula).next().unwrap().focus();
    h.step();
    h.get_all_by_value(formula)
        .next()
        .unwrap()
        .type_text(" + sn(y)");
    h.step();
    h.step();
    assert!(
        h.query_all_by_label_contains("unknown function `sn`")
            .next()
            .is_some(),
        "no error shown"
    );
    assert_eq!(
        h.state().session().problem.as_ref().unwrap().formula(),
        formula,
        "a bad formula never reaches the simulation"
    );
}

#[test]
fn the_schedule_plot_shows_each_runs_learning_rate() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_label("Learning rate").click();
    h.step();
    h.step();
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Adam (Constant)")
            .is_some()
    );
    assert_eq!(h.state().session().tracks[0].lrs.len(), 1000);
    assert!(
        h.state().session().tracks[0]
            .lrs
            .iter()
            .all(|&lr| lr == 0.02)
    );
}

#[test]
fn the_inspector_writes_out_each_update_rule() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.key_press(egui::Key::End);
    h.get_by_label("Inspector").click();
    h.step();
    wait_until(&mut h, "an inspection", |app| {
        app.session().inspections().is_some()
    });
    assert!(
        h.query_all_by_label("m ← β₁·m + (1 − β₁)·g")
            .next()
            .is_some()
    );
    assert!(h.query_all_by_label("θ ← θ − lr·b").next().is_some());
    assert!(
        h.query_all_by_label_contains("Note: No bias correction")
            .next()
            .is_some(),
        "RMSprop's note"
    );
    assert!(
        h.query_all_by_label_contains("step = 0.02")
            .next()
            .is_some(),
        "Adam's worked step"
    );
}

/// Every optimizer's rule, numbers and notes render (kittest panics on a
/// missing glyph, so this also proves the fonts cover the formulas).
#[test]
fn every_optimizers_formula_renders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.ron");
    let runs: Vec<String> = [
        "Sgd(lr: 0.001, momentum: 0.9, nesterov: true, weight_decay: 0.1)",
        "Adagrad(lr: 0.1)",
        "RmsProp(lr: 0.01, centered: true, momentum: 0.5)",
        "Adam(lr: 0.01, amsgrad: true, weight_decay: 0.1)",
        "AdamW(lr: 0.01)",
        "NAdam(lr: 0.01)",
        "Adadelta()",
        "Adamax(lr: 0.01)",
        "Lion(lr: 0.001)",
        "Sgd(lr: 0.001, momentum: 0.9, nesterov: true, lr_inside_momentum: true, look_ahead: true)",
        "Sgd(lr: 0.001, momentum: 0.9, lr_inside_momentum: true)",
        "Adam(lr: 0.01, eps_in_sqrt: true)",
        "RmsProp(lr: 0.01, eps_in_sqrt: true, centered: true)",
        "Adagrad(lr: 0.1, eps_in_sqrt: true)",
    ]
    .iter()
    .map(|o| format!("(optimizer: {o})"))
    .collect();
    std::fs::write(
        &path,
        format!(
            "(problem: Surface(Rosenbrock), steps: 10, runs: [{}])",
            runs.join(", ")
        ),
    )
    .unwrap();
    let options = WindowOptions {
        preset: Some(path),
        ..WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1920.0, 1080.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    settle(&mut h);
    h.get_by_label("Inspector").click();
    wait_until(&mut h, "an inspection", |app| {
        app.session().inspections().is_some()
    });
    assert_eq!(h.state().session().inspections().unwrap().1.len(), 14);
    assert!(
        h.query_all_by_label_contains("sign(β₁·m").next().is_some(),
        "Lion's rule"
    );
}

/// Every surface in the picker loads, and its formula renders (kittest panics
/// on a missing glyph).
#[test]
fn every_surface_in_the_picker_loads_and_renders() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    for surface in descent::problem::Surface::catalogue().into_iter().skip(1) {
        // Open the picker (a second click if the first one closed it).
        for _ in 0..2 {
            h.get_by_role_and_label(Role::ComboBox, "Problem").click();
            for _ in 0..3 {
                h.step();
            }
            if h.query_all_by_label(surface.name()).next().is_some() {
                break;
            }
        }
        h.get_all_by_label(surface.name())
            .next()
            .unwrap()
            .click_accesskit();
        h.step();
        h.key_press(egui::Key::Escape);
        h.step();
        settle(&mut h);
        assert_eq!(
            h.state().session().problem.as_ref().unwrap().name(),
            surface.name()
        );
        assert!(
            h.query_by_label(&surface.formula()).is_some(),
            "{} formula not shown",
            surface.name()
        );
    }
}

#[test]
fn overlays_draw_the_gradient_field_update_arrows_and_preconditioner() {
    let mut h = harness("rmsprop-first-step.ron");
    h.get_by_label("Gradient field").click();
    h.get_by_label("Update arrows").click();
    h.get_by_label("Inspector").click();
    h.key_press(egui::Key::Home);
    h.step();
    h.key_press(egui::Key::ArrowRight);
    wait_until(&mut h, "an inspection of step 1 and a field", |app| {
        app.session().inspections().is_some_and(|(s, _)| s == 1) && app.session().field().is_some()
    });
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "−grad f")
            .is_some(),
        "quiver legend entry"
    );
    assert!(!h.state().session().field().unwrap().quiver.is_empty());
}

/// Every shipped lesson opens in the window and all its text renders
/// (kittest panics on a missing glyph).
#[test]
fn every_shipped_lesson_opens_and_renders() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let is_ron = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("ron"));
            is_ron.then(|| path.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let h = harness(&name);
        assert!(
            h.state().session().error.is_none(),
            "{name}: {:?}",
            h.state().session().error
        );
        assert!(
            h.query_by_label(&h.state().preset().title).is_some(),
            "{name}: title not shown"
        );
    }
}

#[test]
fn the_lessons_menu_opens_a_lesson() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_label("Lessons").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Learning rate too large: divergence")
        .click_accesskit();
    h.step();
    settle(&mut h);
    assert_eq!(
        h.state().preset().title,
        "Learning rate too large: divergence"
    );
    assert_eq!(h.state().session().tracks.len(), 4);
    assert!(
        h.query_all_by_label_contains("diverged at step")
            .next()
            .is_some()
    );
}

/// The convention switch: picking optax for the RMSprop run rewrites its
/// hyperparameters, recomputes only that run and relabels its update rule.
#[test]
fn the_convention_switch_reads_a_run_the_optax_way() {
    let mut h = harness("conventions-rmsprop-adagrad.ron");
    let before = trajectory(&h, 0);
    let others = trajectory(&h, 2);
    h.get_all_by_role_and_label(Role::ComboBox, "Convention")
        .next()
        .unwrap()
        .click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("optax").click();
    h.step();
    settle(&mut h);
    let descent::optim::OptimizerConfig::RmsProp(rms) = h.state().preset().runs[0].optimizer else {
        panic!("run 0 is RMSprop");
    };
    assert_eq!((rms.alpha, rms.eps, rms.eps_in_sqrt), (0.9, 1e-8, true));
    assert_eq!(
        trajectory(&h, 0),
        trajectory(&h, 1),
        "now the same as the optax run"
    );
    assert_ne!(trajectory(&h, 0), before);
    assert_eq!(trajectory(&h, 2), others, "other runs are untouched");
    h.get_by_label("Inspector").click();
    wait_until(&mut h, "an inspection", |app| {
        app.session().inspections().is_some()
    });
    assert!(
        h.query_all_by_label("θ ← θ − lr·g/(√(v + ε))")
            .next()
            .is_some(),
        "the rule follows the switch"
    );
    assert!(
        h.query_all_by_label_contains("Update rule (optax)")
            .next()
            .is_some()
    );
}

/// The File menu lists every action; an export chosen there runs off the UI
/// thread (frames keep coming) and reports the written file in the window.
#[test]
fn the_file_menu_exports_off_the_ui_thread_and_reports_the_file() {
    let mut h = harness("momentum-overshoot.ron");
    h.get_by_label("File").click();
    for _ in 0..3 {
        h.step();
    }
    for label in [
        "Open preset…",
        "Save preset…",
        "Export image…",
        "Export GIF…",
        "Export CSV…",
    ] {
        assert!(h.query_by_label(label).is_some(), "{label}");
    }
    h.key_press(egui::Key::Escape);
    h.step();
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("anim.gif");
    let ctx = h.ctx.clone();
    h.state_mut().file_chosen(
        descent::app::files::FileAction::ExportGif,
        gif.clone(),
        &ctx,
    );
    assert!(h.state().files().exporting());
    let mut frames_while_exporting = 0;
    let deadline = Instant::now() + Duration::from_mins(2);
    while h.state().files().exporting() {
        h.step();
        frames_while_exporting += 1;
        assert!(Instant::now() < deadline, "the export never finished");
        std::thread::sleep(Duration::from_millis(5));
    }
    h.step();
    assert!(frames_while_exporting > 1, "the UI kept drawing frames");
    let status = h.state().files().status.clone().unwrap();
    assert!(!status.error, "{}", status.text);
    assert!(h.query_all_by_label_contains("wrote ").next().is_some());
    let bytes = std::fs::read(&gif).unwrap();
    assert!(bytes.starts_with(b"GIF89a"));
}

/// A failing export (a directory as the target) shows its error in the window.
#[test]
fn a_failed_export_shows_its_error() {
    let mut h = harness("saddle-escape.ron");
    let dir = tempfile::tempdir().unwrap();
    let ctx = h.ctx.clone();
    h.state_mut().file_chosen(
        descent::app::files::FileAction::ExportImage,
        dir.path().to_path_buf(),
        &ctx,
    );
    wait_until(&mut h, "the export to end", |app| !app.files().exporting());
    let status = h.state().files().status.clone().unwrap();
    assert!(
        status.error && status.text.contains("cannot write"),
        "{}",
        status.text
    );
    assert!(
        h.query_all_by_label_contains("export failed")
            .next()
            .is_some()
    );
}

#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// A trajectory CSV dropped on the window is read, then drawn as a run of
/// its own (legend, loss curve, the list with its rows); a bad one says
/// which line and loses nothing; Remove drops the file.
#[test]
fn a_dropped_trajectory_csv_joins_the_runs_and_a_bad_one_changes_nothing() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    settle(&mut h);
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("my-loop.csv");
    let rows: Vec<String> = (0..=40)
        .map(|k| {
            let t = f64::from(k) / 40.0;
            format!("{k},{},{}", -1.5 + 2.5 * t, 2.0 - t)
        })
        .collect();
    let text = format!("step,x,y\n{}\n", rows.join("\n"));
    std::fs::write(&good, text).unwrap();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(good)));
    h.step();
    wait_until(&mut h, "the file to be read and drawn", |app| {
        !app.session().imported().is_empty()
    });
    h.step();
    assert_eq!(h.state().preset().overlays.len(), 1);
    let imported = h.state().session().imported();
    let (_, run) = imported[0];
    assert_eq!((run.label.as_str(), run.rows.len()), ("my-loop", 41));
    // No loss column: Rosenbrock's own at each row.
    assert_eq!(
        run.rows.loss(0),
        Some(descent::problem::Surface::Rosenbrock.eval(-1.5, 2.0).0)
    );
    assert!(h.query_by_label("my-loop · 41 rows").is_some());
    assert!(h.query_all_by_label_contains("imported").next().is_some());
    let bad = dir.path().join("broken.csv");
    std::fs::write(&bad, "step,x,y\n0,1,2\n1,oops,2\n").unwrap();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(bad)));
    h.step();
    wait_until(&mut h, "the bad file to be reported", |app| {
        app.files()
            .status
            .as_ref()
            .is_some_and(|s| s.error && s.text.contains("line 3"))
    });
    h.step();
    assert_eq!(h.state().preset().overlays.len(), 1, "nothing is lost");
    assert!(
        h.query_all_by_label_contains("x: `oops` is not a number")
            .next()
            .is_some()
    );
    // Below the runs, out of view: clicked through accesskit.
    h.get_by_label("Remove file").click_accesskit();
    h.step();
    settle(&mut h);
    assert!(h.state().preset().overlays.is_empty());
    assert!(h.state().session().imported().is_empty());
}

/// Dropping a .ron file opens it; dropping anything else says why not and
/// keeps the scenario.
#[test]
fn dropping_a_preset_opens_it() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/saddle-escape.ron");
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(lesson)));
    h.step();
    settle(&mut h);
    assert_eq!(
        h.state().preset().title,
        descent::preset::Preset::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/saddle-escape.ron")
        )
        .unwrap()
        .title
    );
    let title = h.state().preset().title.clone();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )));
    h.step();
    h.step();
    assert_eq!(h.state().preset().title, title, "the scenario is kept");
    assert!(
        h.query_all_by_label_contains("not a preset")
            .next()
            .is_some()
    );
}

/// A classifier's Data view shows its classes and, off the UI thread, the
/// chosen run's decision map; a regression's shows each run's fitted line.
#[test]
fn the_data_view_shows_classes_and_the_decision_map() {
    let mut h = harness("logistic-two-blobs.ron");
    assert!(
        h.query_by_label("class 0").is_none(),
        "parameter view first"
    );
    h.get_by_label("Data").click();
    h.step();
    wait_until(&mut h, "a decision map", DescentApp::has_decision_map);
    assert!(h.query_by_label("class 0").is_some());
    assert!(h.query_by_label("class 1").is_some());
    assert!(h.query_by_label("Decision map of").is_some());

    let mut h = harness("linreg-gd-vs-adam.ron");
    let before = h.query_all_by_label("GD").count();
    h.get_by_label("Data").click();
    h.step();
    h.step();
    assert!(h.query_by_label("data").is_some(), "the points");
    assert!(
        h.query_by_label("Start").is_none(),
        "the parameter view's legend is gone"
    );
    assert_eq!(
        h.query_all_by_label("GD").count(),
        before,
        "GD's legend entry is now its fitted line's"
    );
    assert!(!h.state().has_decision_map(), "no map for a regression");
}

/// Classifiers get an Accuracy curve, computed off the UI thread.
#[test]
fn classifiers_plot_their_accuracy() {
    let h = harness("adam-vs-sgd-rosenbrock.ron");
    assert!(h.query_by_label("Accuracy").is_none(), "surfaces have none");
    let mut h = harness("logistic-two-blobs.ron");
    h.get_by_label("Accuracy").click();
    h.step();
    wait_until(&mut h, "accuracy curves", |app| {
        app.session().accuracy().len() == 3
            && app.session().accuracy().iter().all(|c| c.len() > 100)
    });
    for curve in h.state().session().accuracy() {
        assert!(curve.iter().all(|p| (0.0..=1.0).contains(&p[1])));
        let last = curve.last().unwrap();
        assert_eq!(last[0], 400.0, "the curve reaches the horizon");
        assert!(last[1] > 0.9, "the blobs are learned: {last:?}");
    }
}

/// With mini-batches on a 2-parameter problem, the view can overlay the
/// contour of the batch the next step uses; it follows the play head.
#[test]
fn the_mini_batch_contour_follows_the_play_head() {
    let h = harness("adam-vs-sgd-rosenbrock.ron");
    assert!(
        h.query_by_label("Mini-batch contour").is_none(),
        "surfaces have none"
    );
    let mut h = harness("minibatch-noise.ron");
    h.get_by_label("Mini-batch contour").click();
    h.key_press(egui::Key::Home);
    h.step();
    wait_until(&mut h, "the batch contour of step 0", |app| {
        app.session().batch_field().is_some_and(|(s, _)| s == 0)
    });
    h.key_press(egui::Key::ArrowRight);
    h.key_press(egui::Key::ArrowRight);
    h.step();
    wait_until(&mut h, "the batch contour of step 2", |app| {
        app.session().batch_field().is_some_and(|(s, _)| s == 2)
    });
    let (_, field) = h.state().session().batch_field().unwrap();
    assert!(!field.isolines.is_empty());
    assert!(
        h.query_by_label("mini-batch loss").is_some(),
        "legend entry"
    );
}

/// Models with many parameters offer a landscape slice; the PCA slice is
/// computed off the UI thread and the paths are projected onto it.
#[test]
fn a_pca_slice_shows_the_landscape_of_a_many_parameter_model() {
    let mut h = harness("overfitting-early-stopping.ron");
    h.get_by_role_and_label(Role::ComboBox, "Landscape").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("PCA slice").click();
    for _ in 0..3 {
        h.step();
    }
    // At step 0 there is no path to take components of yet: it says so.
    assert!(
        h.query_by_label_contains("play a few steps").is_some(),
        "the PCA slice explains why it waits"
    );
    h.key_press(egui::Key::End);
    h.step();
    wait_until(&mut h, "a slice", |app| app.session().slice().is_some());
    let slice = h.state().session().slice().unwrap();
    assert!(slice.axes[0].starts_with("PC1"), "{:?}", slice.axes);
    assert_eq!(
        h.state().session().slice_tracks.len(),
        3,
        "every run projected"
    );
    assert!(!slice.field.isolines.is_empty());
    assert!(h.query_by_label("through").is_some(), "the run chooser");
}

/// The inspector works for data problems with many parameters too.
#[test]
fn the_inspector_shows_a_polynomial_run() {
    let mut h = harness("overfitting-early-stopping.ron");
    h.get_by_label("Inspector").click();
    h.step();
    wait_until(&mut h, "an inspection", |app| {
        app.session().inspections().is_some()
    });
    assert!(
        h.query_all_by_label("theta_12").count() >= 1,
        "a column per parameter"
    );
    assert!(
        h.query_all_by_label_contains("Update rule")
            .next()
            .is_some()
    );
}

/// A run's own L1/L2 penalty is edited in its panel and changes only that run.
#[test]
fn a_runs_penalty_is_set_in_its_panel() {
    let mut h = harness("l1-vs-l2-paths.ron");
    assert!(
        harness("adam-vs-sgd-rosenbrock.ron")
            .query_all_by_label("Penalty")
            .next()
            .is_none(),
        "surfaces have no penalty row"
    );
    let l2_run = trajectory(&h, 1);
    let l1_run = trajectory(&h, 2);
    assert_eq!(
        h.get_all_by_role_and_label(Role::SpinButton, "L2").count(),
        4
    );
    h.get_all_by_role_and_label(Role::SpinButton, "L2")
        .next()
        .unwrap()
        .set_value_accesskit(1.5);
    h.step();
    settle(&mut h);
    let penalty = h.state().preset().runs[0].penalty.unwrap();
    assert_eq!((penalty.l1, penalty.l2), (0.0, 1.5));
    assert_eq!(
        trajectory(&h, 0),
        l2_run,
        "plain SGD with l2 = 1.5 now follows the L2 run exactly"
    );
    assert_eq!(trajectory(&h, 2), l1_run, "other runs are untouched");
}

/// On problems with data, the horizon can be set in epochs and the loss plot
/// can count epochs.
#[test]
fn the_horizon_and_the_loss_plot_can_count_epochs() {
    let h = harness("adam-vs-sgd-rosenbrock.ron");
    assert!(
        h.query_by_label("Epochs").is_none(),
        "surfaces have no epochs"
    );
    let mut h = harness("batch-size.ron");
    assert!(
        h.query_by_label("8 steps per epoch (256 points, batch 32)")
            .is_some()
    );
    h.get_by_role_and_label(Role::SpinButton, "epochs")
        .set_value_accesskit(10.0);
    h.step();
    settle(&mut h);
    assert_eq!(h.state().preset().steps, 80);
    assert_eq!(h.state().session().tracks[0].len(), 81);
    assert!(!h.state().epochs_axis());
    h.get_by_label("Epochs").click();
    h.step();
    assert!(h.state().epochs_axis());
}

/// Models on data are picked and configured in the problem section: data
/// set, layers and activation; the simulation follows.
#[test]
fn a_model_on_data_is_picked_and_shaped_in_the_panel() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_label("Models on data").click();
    h.step();
    settle(&mut h);
    assert!(matches!(
        h.state().preset().problem,
        ProblemConfig::LinearRegression(_)
    ));
    assert!(
        h.state().preset().title.is_empty(),
        "the lesson text no longer applies"
    );
    h.get_by_role_and_label(Role::ComboBox, "Problem").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("MLP classifier").click();
    h.step();
    settle(&mut h);
    let dim =
        |h: &Harness<'static, DescentApp>| h.state().session().problem.as_ref().unwrap().dim();
    assert_eq!(dim(&h), (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1));
    h.get_by_role_and_label(Role::SpinButton, "hidden layers")
        .set_value_accesskit(1.0);
    h.step();
    settle(&mut h);
    assert_eq!(dim(&h), (2 * 16 + 16) + (16 + 1), "one hidden layer of 16");
    h.get_by_role_and_label(Role::ComboBox, "Data set").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Spiral").click();
    h.step();
    settle(&mut h);
    let ProblemConfig::Classification(c) = &h.state().preset().problem else {
        panic!("still a classifier");
    };
    assert!(matches!(c.data, ClassDataSource::Spiral { classes: 3, .. }));
    assert_eq!(
        dim(&h),
        (2 * 16 + 16) + (16 * 3 + 3),
        "three outputs for three arms"
    );
    assert!(h.state().session().tracks[0].len() > 1, "the runs trained");
    h.get_by_label("Surfaces").click();
    h.step();
    settle(&mut h);
    assert!(matches!(
        h.state().preset().problem,
        ProblemConfig::Surface(_)
    ));
}

/// Runs that hit NaN or ∞ are flagged in the panel and the legend; the
/// others finish.
#[test]
fn numeric_faults_are_flagged_per_run() {
    let h = harness("../tests/fixtures/numeric-faults.ron");
    let terminations: Vec<_> = h
        .state()
        .session()
        .tracks
        .iter()
        .map(|t| t.termination)
        .collect();
    assert_eq!(
        terminations,
        [
            Some(Termination::Diverged { step: 4 }),
            Some(Termination::MaxSteps),
            Some(Termination::Diverged { step: 1 }),
            Some(Termination::MaxSteps),
        ]
    );
    assert!(h.query_by_label("diverged at step 4").is_some());
    assert!(h.query_by_label("diverged at step 1").is_some());
    assert!(
        h.query_all_by_label_contains("Adam eps 0 at the minimum — diverged at step 1")
            .next()
            .is_some(),
        "legend entry"
    );
}

/// Names of this process's threads that belong to Descent.
fn descent_threads() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("Linux lists a process's threads in /proc")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| name.starts_with("descent-"))
        .collect()
}

/// Closing the window in the middle of a long run, a landscape slice and an
/// inspector replay returns within a second, with every thread joined.
#[test]
fn closing_mid_computation_joins_every_thread_within_a_second() {
    let options = WindowOptions {
        preset: Some(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/mlp-spiral-sgd-vs-adam.ron"),
        ),
        ..WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    h.step();
    // The epochs field appears once the problem is built (slower under load).
    window::started(&mut h);
    // A much longer horizon keeps the simulation thread busy.
    h.get_by_role_and_label(Role::SpinButton, "epochs")
        .set_value_accesskit(3_000.0);
    h.get_by_role_and_label(Role::ComboBox, "Landscape").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("PCA slice").click();
    h.get_by_label("Inspector").click();
    for _ in 0..20 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!h.state().session().idle(), "still computing when closed");
    assert!(descent_threads().len() >= 5, "{:?}", descent_threads());
    let closing = Instant::now();
    drop(h);
    let took = closing.elapsed();
    eprintln!("closed in {took:?}");
    assert!(took < Duration::from_secs(1), "closing took {took:?}");
    assert_eq!(
        descent_threads(),
        Vec::<String>::new(),
        "threads left running"
    );
}

/// Edits are not thrown away unasked: opening a lesson or closing the window
/// with unsaved edits asks first; Cancel keeps them, Discard goes on.
#[test]
fn unsaved_edits_are_not_lost_without_asking() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let open_lesson = |h: &mut Harness<'static, DescentApp>| {
        h.get_by_label("Lessons").click();
        for _ in 0..3 {
            h.step();
        }
        // The list scrolls: below its fold, clicked as a screen reader does.
        h.get_by_label("Beale: a flat plateau and a narrow curved valley")
            .click_accesskit();
        h.step();
        h.step();
    };
    // Unedited: a lesson opens at once.
    assert!(!h.state().edited());
    open_lesson(&mut h);
    settle(&mut h);
    assert!(!h.state().asking_about_unsaved_edits());
    assert!(h.state().preset().title.starts_with("Beale"));
    // Edited: the question comes first, and Cancel keeps the edits.
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .set_value_accesskit(0.05);
    h.step();
    settle(&mut h);
    assert!(h.state().edited());
    h.get_by_label("Lessons").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Himmelblau's four minima from different starts")
        .click_accesskit();
    h.step();
    h.step();
    assert!(h.state().asking_about_unsaved_edits());
    assert!(h.query_by_label("Unsaved changes").is_some());
    h.get_by_label("Cancel").click();
    h.step();
    assert!(!h.state().asking_about_unsaved_edits());
    assert!(
        h.state().preset().title.starts_with("Beale"),
        "still the edited preset"
    );
    assert!(h.state().edited());
    // Closing asks too; Discard lets the window close.
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
    h.step();
    assert!(h.state().asking_about_unsaved_edits());
    assert!(!h.state().close_confirmed());
    h.get_by_label("Discard changes").click();
    h.step();
    assert!(h.state().close_confirmed());
    assert!(!h.state().asking_about_unsaved_edits());
}

/// The curvature at the play head is computed off the UI thread and shown
/// under each run, with GD's stable-lr bound 2/λmax.
#[test]
fn each_run_shows_the_curvature_and_the_stable_lr_at_the_play_head() {
    let mut h = harness("lr-too-large.ron");
    h.key_press(egui::Key::End);
    h.step();
    wait_until(&mut h, "the curvature", |app| {
        app.session()
            .curvature()
            .is_some_and(|(head, _)| head == 500)
    });
    let (head, curvature) = h.state().session().curvature().unwrap();
    assert_eq!(head, 500);
    // ½(x² + 10y²): λ = 10 and 1 everywhere, so GD is stable for lr < 0.2.
    let c = curvature[0].as_ref().unwrap();
    assert!((c.lambda_max() - 10.0).abs() < 1e-5 && (c.lambda_min() - 1.0).abs() < 1e-5);
    assert_eq!(curvature.len(), 4);
    assert!(
        h.query_all_by_label_contains("stable for lr < 2.000e-1")
            .count()
            >= 3,
        "under each run"
    );
    // Moving the play head asks again.
    h.key_press(egui::Key::Home);
    h.step();
    wait_until(&mut h, "the curvature at step 0", |app| {
        app.session().curvature().is_some_and(|(head, _)| head == 0)
    });
    assert!(
        h.query_all_by_label_contains("At step 0: Hessian eigenvalues")
            .count()
            >= 3
    );
}

/// The sweep runs off the UI thread — frames keep coming while it works —
/// and clicking a cell of its heat map gives the run those values.
#[test]
fn a_sweep_runs_in_the_background_and_a_click_applies_a_cell() {
    let mut h = harness("momentum-overshoot.ron");
    h.get_by_label("Sweep").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_role_and_label(Role::Slider, "cells per side")
        .set_value_accesskit(40.0);
    h.step();
    h.get_by_label("Run sweep").click();
    h.step();
    let mut frames_while_running = 0;
    let mut slowest = Duration::ZERO;
    let deadline = Instant::now() + Duration::from_mins(2);
    while h.state().sweep().running() {
        assert!(Instant::now() < deadline, "the sweep never finished");
        let t = Instant::now();
        h.step();
        slowest = slowest.max(t.elapsed());
        frames_while_running += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!("{frames_while_running} frames during the sweep, slowest {slowest:?}");
    assert!(
        frames_while_running >= 3,
        "only {frames_while_running} frames"
    );
    assert!(
        slowest < Duration::from_millis(500),
        "a frame took {slowest:?}"
    );
    h.step();
    let result = h
        .state()
        .sweep()
        .result()
        .expect("a finished sweep")
        .clone();
    assert_eq!(result.values.len(), 40 * 40);
    h.get_by_label("sweep heat map").click();
    h.step();
    settle(&mut h);
    let descent::optim::OptimizerConfig::Sgd(gd) = h.state().preset().runs[0].optimizer else {
        panic!("run 0 is SGD");
    };
    assert!(result.xs.contains(&gd.lr), "lr {} is a grid value", gd.lr);
    // Exactly: the sliders show four decimals but keep the value.
    assert!(
        result.ys.contains(&gd.momentum),
        "momentum {} is a grid value",
        gd.momentum
    );
    assert!(h.state().edited());
}

/// Basins of attraction are computed off the UI thread for the chosen run
/// and laid over the map; another run paints another map.
#[test]
fn basins_of_attraction_colour_the_view_by_where_each_start_ends() {
    let mut h = harness("../tests/fixtures/basins-himmelblau.ron");
    assert!(!h.state().basins_shown());
    h.get_by_label("Basins").click();
    h.step();
    // Frames keep coming while the map is computed.
    let (mut frames, mut slowest) = (0, Duration::ZERO);
    let deadline = Instant::now() + Duration::from_mins(1);
    while !h.state().basins_shown() {
        assert!(Instant::now() < deadline, "the basins never came");
        let t = Instant::now();
        h.step();
        slowest = slowest.max(t.elapsed());
        frames += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        frames >= 3 && slowest < Duration::from_millis(500),
        "{frames} frames, slowest {slowest:?}"
    );
    let gd = h.state().session().basins().unwrap().1.clone();
    assert_eq!(gd.labels.len(), gd.cols * gd.rows);
    assert!(
        gd.cols >= 64 && gd.rows >= 64,
        "the map's own grid: {}x{}",
        gd.cols,
        gd.rows
    );
    let settled = |m: &descent::analysis::basins::BasinMap, k: usize| {
        m.labels.iter().filter(|l| usize::from(**l) == k).count()
    };
    for k in 0..4 {
        assert!(
            settled(&gd, k) > gd.labels.len() / 20,
            "GD reaches minimum {k} from many starts"
        );
    }
    h.get_by_role_and_label(Role::ComboBox, "of").click();
    for _ in 0..3 {
        h.step();
    }
    // The menu's entry is the last button with the run's name (the
    // legend's comes first).
    h.get_all_by_role_and_label(Role::Button, "Momentum 0.9")
        .last()
        .unwrap()
        .click();
    h.step();
    assert_eq!(h.state().preset().runs.len(), 2);
    wait_until(&mut h, "the momentum run's basins", |app| {
        app.session()
            .basins()
            .is_some_and(|(_, m)| m.labels != gd.labels)
    });
}

/// Presentation mode hides the controls and enlarges everything; Esc leaves.
#[test]
fn presentation_mode_hides_the_controls_and_enlarges_the_type() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    assert!(h.query_by_label("Add run").is_some());
    h.get_by_label("Present").click();
    // The toggle, then the zoom request, then the pass that applies it.
    for _ in 0..3 {
        h.step();
    }
    assert!(h.state().presenting());
    assert!(h.query_by_label("Add run").is_none(), "controls hidden");
    assert!((h.ctx.zoom_factor() - 1.6).abs() < 1e-6);
    assert!(h.query_by_label("Play").is_some(), "the transport stays");
    h.key_press(egui::Key::Escape);
    for _ in 0..3 {
        h.step();
    }
    assert!(!h.state().presenting());
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-6);
    assert!(h.query_by_label("Add run").is_some());
}

/// The 3-D view sits beside the map when asked for and turns on drag.
#[test]
fn the_3d_view_shows_beside_the_map_and_turns_on_drag() {
    use eframe::egui::{Event, Modifiers, PointerButton, Pos2};
    let mut h = harness("himmelblau-four-minima.ron");
    assert!(h.query_by_label("3-D view").is_none());
    h.get_by_label("3-D").click();
    h.step();
    wait_until(&mut h, "the field", |app| app.session().field().is_some());
    h.step();
    let view = h.get_by_label("3-D view");
    let rect = view.rect();
    assert!(rect.width() > 200.0 && rect.height() > 200.0, "{rect:?}");
    let before = h.state().camera();
    let from = rect.center();
    let to = Pos2::new(from.x + 80.0, from.y + 20.0);
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    h.event(Event::PointerMoved(from));
    h.event(button(from, true));
    h.step();
    for k in 1..=4 {
        h.event(Event::PointerMoved(from + (to - from) * (k as f32 / 4.0)));
        h.step();
    }
    h.event(button(to, false));
    h.step();
    let after = h.state().camera();
    assert!(after.yaw > before.yaw + 0.3, "{before:?} → {after:?}");
    assert!(after.pitch > before.pitch, "{before:?} → {after:?}");
}

/// A slider move reruns the runs on the problem already built: with its
/// data file deleted, the lesson still reruns (nothing reads the file), and
/// nothing is re-parsed; opening the preset again reads the file and says
/// it is gone.
#[test]
fn a_slider_move_reuses_the_built_problem_and_opening_reads_the_data_again() {
    let dir = tempfile::tempdir().unwrap();
    let presets = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::copy(
        presets.join("data/linreg.csv"),
        dir.path().join("data/linreg.csv"),
    )
    .unwrap();
    let preset = dir.path().join("linreg.ron");
    std::fs::copy(presets.join("linreg-gd-vs-adam.ron"), &preset).unwrap();
    let options = WindowOptions {
        preset: Some(preset.clone()),
        ..WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    settle(&mut h);
    assert!(h.state().session().error.is_none());
    let before = trajectory(&h, 0);
    std::fs::remove_file(dir.path().join("data/linreg.csv")).unwrap();
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .set_value_accesskit(0.02);
    h.step();
    settle(&mut h);
    assert!(
        h.state().session().error.is_none(),
        "{:?}",
        h.state().session().error
    );
    assert_ne!(trajectory(&h, 0), before, "the run was recomputed");
    let ctx = h.ctx.clone();
    h.state_mut().file_chosen(
        descent::app::files::FileAction::Save,
        dir.path().join("saved.ron"),
        &ctx,
    );
    h.state_mut()
        .file_chosen(descent::app::files::FileAction::Open, preset, &ctx);
    h.step();
    settle(&mut h);
    let error = h.state().session().error.clone().unwrap_or_default();
    assert!(error.contains("linreg.csv"), "{error}");
}
