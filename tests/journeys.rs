//! Sequences a teacher and a student went through, each of which once went
//! wrong: the real window, driven by its labels, from one state to the next.

mod window;

use std::time::{Duration, Instant};

use descent::app::DescentApp;
use descent::problem::ViewBox;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use window::{harness, lessons, open_lesson, settle, started, wait_until};

fn width(v: ViewBox) -> f64 {
    v.x.1 - v.x.0
}

fn height(v: ViewBox) -> f64 {
    v.y.1 - v.y.0
}

/// Whether `outer` holds `inner` (within a hair).
fn holds(outer: ViewBox, inner: ViewBox) -> bool {
    let eps = 1e-6 * (width(inner) + height(inner));
    outer.x.0 <= inner.x.0 + eps
        && outer.x.1 >= inner.x.1 - eps
        && outer.y.0 <= inner.y.0 + eps
        && outer.y.1 >= inner.y.1 - eps
}

/// Ticking 3-D put the map in a new plot whose box grew to fit the heat
/// map, which was then sampled over the bigger box: ±10¹⁶ within a minute.
/// The map keeps the box it had, frame after frame.
#[test]
fn the_3d_view_leaves_the_maps_box_alone_while_it_runs() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let before = h.state().view().unwrap();
    h.get_by_label("3-D").click();
    let deadline = Instant::now() + Duration::from_secs(20);
    for frame in 0..400 {
        h.step();
        std::thread::sleep(Duration::from_millis(2));
        let now = h.state().view().unwrap();
        // Half the width: the box may only grow in height to keep the aspect.
        assert!(
            width(now) <= width(before) * 1.01 && height(now) <= height(before) * 4.0,
            "frame {frame}: {before:?} became {now:?}"
        );
        if Instant::now() > deadline {
            break;
        }
    }
    h.get_by_label("3-D").click();
    h.step();
    h.step();
    let after = h.state().view().unwrap();
    assert!(
        width(after) <= width(before) * 1.01,
        "{before:?} then {after:?}"
    );
}

/// What a lesson shows once open: its preset exactly, unedited, the map on
/// its own box.
fn assert_shows(h: &Harness<'static, DescentApp>, lesson: &descent::preset::Preset, after: &str) {
    let app = h.state();
    assert_eq!(
        app.preset(),
        lesson,
        "{} after {after}: the preset is not the file's",
        lesson.title
    );
    assert!(
        !app.edited(),
        "{} after {after}: marked unsaved",
        lesson.title
    );
    if let Some(own) = lesson
        .view
        .or_else(|| app.session().problem.as_ref().and_then(|p| p.view()))
        && !lesson.problem.has_data()
    {
        let shown = app.view().expect("the map was drawn");
        assert!(
            holds(shown, own) && width(shown) < 4.0 * width(own) + 1e-9,
            "{} after {after}: the map shows {shown:?}, the lesson's box is {own:?}",
            lesson.title
        );
    }
}

/// Opening the batch-size lesson after the over-fitting one ran its runs
/// with batch 28 (the previous training set's size) and marked it unsaved.
/// Every lesson with data, opened after every surface lesson, after every
/// other lesson with data, and before every surface lesson, shows exactly
/// its file.
#[test]
fn a_lesson_opened_after_any_other_is_exactly_its_file() {
    let all = lessons();
    let (data, surfaces): (Vec<_>, Vec<_>) = all.iter().partition(|p| p.problem.has_data());
    assert!(data.len() >= 5 && surfaces.len() >= 10);
    let mut h = harness("batch-size.ron");
    let mut last = "batch size".to_owned();
    let mut open = |h: &mut Harness<'static, DescentApp>, lesson: &descent::preset::Preset| {
        open_lesson(h, &lesson.title);
        started(h);
        assert_shows(h, lesson, &last);
        last.clone_from(&lesson.title);
    };
    for d in &data {
        for s in &surfaces {
            open(&mut h, d);
            open(&mut h, s);
        }
        for other in data.iter().filter(|o| o.title != d.title) {
            open(&mut h, other);
            open(&mut h, d);
        }
    }
}

/// The MLP's decision map and box stayed in the data view of the next
/// lesson, a regression, with most of its points off screen.
#[test]
fn the_data_view_follows_the_lesson_it_shows() {
    let mut h = harness("mlp-spiral-sgd-vs-adam.ron");
    h.get_by_label("Data").click();
    h.step();
    wait_until(&mut h, "a decision map", DescentApp::has_decision_map);
    // The MLP recomputes (for seconds), so the next lesson's data arrive
    // frames after it is opened.
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .set_value_accesskit(0.02);
    h.step();
    let title = lessons()
        .into_iter()
        .find(|l| {
            matches!(
                l.problem,
                descent::problem::ProblemConfig::LinearRegression(_)
            )
        })
        .unwrap()
        .title;
    open_lesson(&mut h, &title);
    assert!(h.state().asking_about_unsaved_edits());
    h.get_by_label("Discard changes").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().preset().title, title);
    if h.query_by_label("Data").is_some() {
        h.get_by_label("Data").click();
    }
    for _ in 0..5 {
        h.step();
    }
    assert!(
        !h.state().has_decision_map(),
        "no decision map for a regression"
    );
    let samples = h.state().session().samples.as_ref().unwrap().bounds();
    let shown = h.state().data_view().unwrap();
    assert!(
        holds(shown, samples),
        "the data view {shown:?} cuts off the data in {samples:?}"
    );
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "data").is_some(),
        "the points are in the legend"
    );
}

/// Drags `slider` from its `from` share of the rail to `to`, a frame per
/// step, waiting `pause` frames at the far end (for the runs to answer).
fn drag_slider(h: &mut Harness<'static, DescentApp>, rail: egui::Rect, path: &[f32], pause: usize) {
    use eframe::egui::{Event, Modifiers, PointerButton, pos2};
    let at = |t: f32| {
        pos2(
            rail.left() + 8.0 + t * (rail.width() - 16.0),
            rail.center().y,
        )
    };
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    let start = at(path[0]);
    h.event(Event::PointerMoved(start));
    h.event(button(start, true));
    h.step();
    for (k, w) in path.windows(2).enumerate() {
        for i in 1..=6 {
            let t = w[0] + (w[1] - w[0]) * (i as f32 / 6.0);
            h.event(Event::PointerMoved(at(t)));
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        if k == 0 {
            for _ in 0..pause {
                h.step();
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
    let end = at(*path.last().unwrap_or(&0.0));
    h.event(button(end, false));
    h.step();
}

/// Dragging SGD's lr past divergence and back: the "diverged" line came and
/// went above the sliders, and the drag carried on into momentum.
#[test]
fn a_drag_stays_on_its_slider_while_a_status_line_changes() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let before = h.state().preset().clone();
    let rail = h
        .get_all_by_role_and_label(Role::Slider, "lr")
        .nth(1)
        .unwrap()
        .rect();
    // SGD's lr is 5e-4, 38 % along its log rail; 10 is the far end. Up past
    // divergence, then (once it says so) back down in a second drag.
    let sgd_lr = |h: &Harness<'static, DescentApp>| h.state().preset().runs[1].optimizer.lr();
    drag_slider(&mut h, rail, &[0.385, 1.0], 0);
    settle(&mut h);
    assert!(
        sgd_lr(&h) > 5.0,
        "the drag reached the end: lr {}",
        sgd_lr(&h)
    );
    assert!(
        h.query_all_by_label_contains("diverged at step")
            .next()
            .is_some(),
        "lr 10 diverges"
    );
    drag_slider(&mut h, rail, &[1.0, 0.6, 0.2], 30);
    settle(&mut h);
    assert!(sgd_lr(&h) < 1e-4, "the drag came back: lr {}", sgd_lr(&h));
    let after = h.state().preset();
    let (descent::optim::OptimizerConfig::Sgd(b), descent::optim::OptimizerConfig::Sgd(a)) =
        (&before.runs[1].optimizer, &after.runs[1].optimizer)
    else {
        panic!("run 1 is SGD");
    };
    assert_eq!(
        a.momentum, b.momentum,
        "the momentum slider was not dragged"
    );
    assert_eq!(a.dampening, b.dampening);
    assert_ne!(a.lr, b.lr, "the lr slider was");
    assert_eq!(after.runs[0], before.runs[0]);
    assert_eq!(after.runs[2], before.runs[2]);
}

/// Present mode left the map a strip (the loss plot kept its height ×1.6),
/// and after Esc the map stayed zoomed out. On a 1920 × 1080 projector:
#[test]
fn present_mode_gives_the_map_the_screen_and_leaving_restores_the_view() {
    let options = descent::cli::WindowOptions {
        preset: Some(window::presets().join("adam-vs-sgd-rosenbrock.ron")),
        ..descent::cli::WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1920.0, 1080.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    settle(&mut h);
    let view = h.state().view().unwrap();
    let size = h.state().map_size();
    h.key_press(egui::Key::F11);
    for _ in 0..6 {
        h.step();
    }
    assert!(h.state().presenting());
    let presenting = h.state().map_size();
    // 1920 × 1080 pixels at 1.6×: 1200 × 675 points in all.
    assert!(
        presenting[1] > 0.55 * 675.0,
        "the map is {presenting:?} of 1200 × 675 points"
    );
    h.key_press(egui::Key::Escape);
    for _ in 0..6 {
        h.step();
    }
    assert!(!h.state().presenting());
    assert_eq!(h.state().view(), Some(view), "the same box as before");
    assert_eq!(h.state().map_size(), size, "the same layout as before");
}

/// The inspector opened too narrow to show its numbers.
#[test]
fn the_inspector_opens_wide_enough_for_its_columns() {
    let mut h = harness("overfitting-early-stopping.ron");
    h.get_by_label("Inspector").click();
    wait_until(&mut h, "an inspection", |app| {
        app.session().inspections().is_some()
    });
    // The heading (the toggle of the same name sits in the top bar).
    let left = h
        .query_all_by_label("Inspector")
        .map(|n| n.rect().left())
        .fold(0.0_f32, f32::max);
    assert!(
        left < 1280.0 - 480.0,
        "the inspector starts at x = {left}: too narrow for 13 parameters"
    );
}

/// A formula that does not parse kept the last one on the map, silently.
#[test]
fn the_map_says_when_it_shows_the_last_formula_that_parsed() {
    let mut h = harness("custom-formula.ron");
    let notice = "The formula being typed does not parse: the map shows the last one that did.";
    assert!(h.query_by_label(notice).is_none());
    let formula = match &h.state().preset().problem {
        descent::problem::ProblemConfig::Expression(e) => e.formula.clone(),
        other => panic!("{other:?}"),
    };
    h.get_all_by_value(&formula).next().unwrap().focus();
    h.step();
    h.get_all_by_value(&formula)
        .next()
        .unwrap()
        .type_text(" + (");
    h.step();
    h.step();
    assert!(h.query_by_label(notice).is_some());
}

/// Picking Lion for the run labelled "Adam" left "Adam" in the legend.
#[test]
fn a_label_that_named_the_optimizer_follows_a_new_one() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_all_by_role_and_label(Role::ComboBox, "Optimizer")
        .next()
        .unwrap()
        .click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Lion").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().preset().runs[0].label, "Lion");
    assert!(h.query_by_role_and_label(Role::CheckBox, "Lion").is_some());
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "SGD + momentum")
            .is_some()
    );
}

/// There was no way back: no undo, no reset of the lesson or the view.
#[test]
fn undo_redo_reset_lesson_and_reset_view() {
    use eframe::egui::{Key, Modifiers};
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let file = h.state().preset().clone();
    let view = h.state().view().unwrap();
    let rail = h
        .get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .rect();
    drag_slider(&mut h, rail, &[0.6, 0.65, 0.7], 0);
    settle(&mut h);
    let dragged = h.state().preset().clone();
    assert_ne!(dragged, file);
    assert!(h.state().edited());
    // The whole drag is one step back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.step();
    assert_eq!(*h.state().preset(), file);
    assert!(!h.state().edited(), "back to the file: nothing unsaved");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.step();
    assert_eq!(*h.state().preset(), dragged);
    h.get_by_label("Edit").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Reset lesson").click();
    h.step();
    assert_eq!(*h.state().preset(), file);
    // Zoom out, then Reset view.
    let centre = egui::pos2(800.0, 300.0);
    h.event(egui::Event::PointerMoved(centre));
    for _ in 0..5 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            modifiers: Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        });
        h.step();
    }
    for _ in 0..4 {
        h.step();
    }
    let zoomed = h.state().view().unwrap();
    assert!(
        zoomed.x.1 - zoomed.x.0 > 1.2 * (view.x.1 - view.x.0),
        "{view:?} → {zoomed:?}"
    );
    assert!(!h.state().edited(), "zooming is not an edit");
    h.get_by_label("Reset view").click();
    for _ in 0..3 {
        h.step();
    }
    let reset = h.state().view().unwrap();
    assert!(
        (reset.y.0 - (-1.0)).abs() < 1e-9 && (reset.y.1 - 3.0).abs() < 1e-9,
        "{reset:?}"
    );
}

/// The sweep window covered the map.
#[test]
fn the_sweep_docks_beside_the_map() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    let size = h.state().map_size();
    h.get_by_label("Sweep").click();
    for _ in 0..3 {
        h.step();
    }
    let heading = h.get_by_label("Hyperparameter sweep").rect();
    assert!(
        heading.left() > 700.0,
        "the sweep sits on the right: {heading:?}"
    );
    let narrower = h.state().map_size();
    assert!(
        narrower[0] < size[0] - 200.0,
        "the map made room: {size:?} → {narrower:?}"
    );
}

/// Without a desktop portal (a bare X session, Xvfb) Save, Open and the
/// exports did nothing and said nothing. Descent's own dialog saves, and
/// the unsaved-edits question's Save… goes through it and then on.
#[test]
fn the_window_s_own_file_dialog_saves_and_the_unsaved_question_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let preset = dir.path().join("lesson.ron");
    std::fs::copy(window::presets().join("beale.ron"), &preset).unwrap();
    let options = descent::cli::WindowOptions {
        preset: Some(preset),
        ..descent::cli::WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    settle(&mut h);
    let menu = |h: &mut Harness<'static, DescentApp>, item: &str| {
        h.get_by_label("File").click();
        for _ in 0..3 {
            h.step();
        }
        h.get_by_label(item).click();
        for _ in 0..3 {
            h.step();
        }
    };
    menu(&mut h, "Use Descent's own file dialog");
    h.key_press(egui::Key::Escape);
    h.step();
    menu(&mut h, "Save preset…");
    assert!(h.state().files().built_in_dialog_open());
    h.get_by_label("Save").click();
    for _ in 0..3 {
        h.step();
    }
    let saved = dir.path().join("preset.ron");
    assert!(saved.exists(), "saved in the preset's folder");
    assert!(
        h.query_all_by_label_contains("saved ").next().is_some(),
        "the status line says so"
    );
    // An edit, then another lesson: Save… in the question saves, then opens.
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .next()
        .unwrap()
        .set_value_accesskit(0.002);
    h.step();
    settle(&mut h);
    open_lesson(&mut h, "Himmelblau's four minima from different starts");
    assert!(h.state().asking_about_unsaved_edits());
    h.get_by_label("Save…").click();
    for _ in 0..3 {
        h.step();
    }
    assert!(h.state().files().built_in_dialog_open());
    h.get_all_by_value("preset.ron").next().unwrap().focus();
    h.step();
    h.get_all_by_value("preset.ron")
        .next()
        .unwrap()
        .type_text("2");
    h.step();
    h.get_by_label("Save").click();
    for _ in 0..3 {
        h.step();
    }
    settle(&mut h);
    assert!(h.state().preset().title.starts_with("Himmelblau"));
    assert!(!h.state().edited());
    let edited =
        descent::preset::Preset::load(&dir.path().join("preset.ron2")).unwrap_or_else(|_| {
            descent::preset::Preset::load(&dir.path().join("preset2.ron")).unwrap()
        });
    assert!((edited.runs[0].optimizer.lr() - 0.002).abs() < 1e-12);
}

/// A teacher looks for help: the Help menu lists the keys, a how-to and
/// every lesson's idea, and a lesson opens from there.
#[test]
fn help_lists_the_keys_and_opens_a_lesson() {
    let mut h = harness("beale.ron");
    let help = |h: &mut Harness<'static, DescentApp>, page: &str| {
        h.get_by_label("Help").click();
        for _ in 0..3 {
            h.step();
        }
        h.get_by_label(page).click();
        for _ in 0..3 {
            h.step();
        }
    };
    help(&mut h, "Keyboard and mouse");
    h.get_by_label("Presentation mode on or off");
    // The Help window's own tab leads on.
    h.get_by_label("Lessons and their ideas").click();
    for _ in 0..3 {
        h.step();
    }
    let all = lessons();
    let (k, batch) = all
        .iter()
        .enumerate()
        .find(|(_, p)| p.title.to_lowercase().contains("batch size"))
        .unwrap();
    h.get_by_label(&batch.description);
    // The last lessons are below the fold: scroll as a user would.
    h.get_all_by_label("Open").nth(k).unwrap().scroll_to_me();
    for _ in 0..3 {
        h.step();
    }
    h.get_all_by_label("Open").nth(k).unwrap().click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().preset(), batch);
    assert!(
        h.query_by_label("Presentation mode on or off").is_none(),
        "Help closed"
    );
}

/// For slides: the light theme turns the window white, its exports too, and
/// the data view's decision map stays readable on it.
#[test]
fn the_light_theme_reaches_the_window_and_its_exports() {
    let mut h = harness("logistic-two-blobs.ron");
    h.get_by_label("View").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Light, for slides").click();
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    h.key_press(egui::Key::Escape);
    h.step();
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("slide.png");
    let ctx = h.ctx.clone();
    h.state_mut().file_chosen(
        descent::app::files::FileAction::ExportImage,
        png.clone(),
        &ctx,
    );
    wait_until(&mut h, "the export", |app| !app.files().exporting());
    let status = h.state().files().status.clone().unwrap();
    assert!(!status.error, "{}", status.text);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut pixels).unwrap();
    assert_eq!(&pixels[..3], &[255, 255, 255], "a white page");
    // Back to dark: the window follows.
    h.get_by_label("View").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Dark").click();
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
}

/// A lesson opens at its title, however far the last one's controls were
/// scrolled, and a curvature line without a bound says why.
#[test]
fn a_lesson_opens_at_its_title_whatever_was_scrolled() {
    let mut h = harness("lr-too-large.ron");
    let first = h.state().preset().title.clone();
    h.get_all_by_label("Remove").last().unwrap().scroll_to_me();
    for _ in 0..5 {
        h.step();
    }
    assert!(
        h.get_by_label(&first).rect().top() < 0.0,
        "the controls were scrolled past the title"
    );
    let next = lessons()
        .into_iter()
        .find(|p| p.title.contains("Your own surface"))
        .unwrap();
    open_lesson(&mut h, &next.title);
    settle(&mut h);
    let title = h.get_by_label(&next.title).rect();
    assert!(title.top() > 0.0, "title at {title:?}");
    // Its start is concave: no lr is stable on the quadratic model there.
    wait_until(&mut h, "the curvature", |app| {
        app.session().curvature().is_some()
    });
    assert!(
        h.query_all_by_label("stable lr: no bound where λmax ≤ 0")
            .next()
            .is_some()
    );
}

/// "Watch which one arrives first": a lesson opens at step 0 with its
/// curves revealed up to the play head, on axes that already span the whole
/// run, so they stand still while it plays.
#[test]
fn the_loss_axes_stand_still_while_the_curves_are_revealed() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    assert_eq!(h.state().playback().head, 0);
    assert!(h.state().reveals_curves(), "revealing is on by default");
    let bounds = |h: &Harness<'static, DescentApp>| {
        *egui_plot::PlotMemory::load(&h.ctx, egui::Id::unique("loss_plot"))
            .unwrap()
            .bounds()
    };
    let at_start = bounds(&h);
    assert!(
        at_start.max()[0] >= 1000.0,
        "the axis spans the horizon: {at_start:?}"
    );
    h.key_press(egui::Key::End);
    for _ in 0..3 {
        h.step();
    }
    let at_end = bounds(&h);
    for k in 0..2 {
        assert!(
            (at_start.min()[k] - at_end.min()[k]).abs() < 1e-9,
            "{at_start:?} {at_end:?}"
        );
        assert!(
            (at_start.max()[k] - at_end.max()[k]).abs() < 1e-9,
            "{at_start:?} {at_end:?}"
        );
    }
}

/// Lesson A then lesson B: an ASGD average, then Schedule-Free's x and z,
/// then a lesson without companions. Each lesson's extra paths come and go
/// with it, in the legend and in the rows the window holds.
#[test]
fn companion_paths_come_and_go_with_their_lesson() {
    let companion_entries = |h: &Harness<'static, DescentApp>| -> Vec<String> {
        h.query_all_by_role(Role::CheckBox)
            .filter_map(|n| n.accesskit_node().label())
            .filter(|l| l.contains(" · "))
            .collect()
    };
    let mut h = harness("asgd-average.ron");
    let asgd = companion_entries(&h);
    assert_eq!(asgd, ["ASGD lr 0.3, t₀ = 20 · ax"], "{asgd:?}");
    let title = |file: &str| {
        lessons()
            .into_iter()
            .find(|p| p.title.starts_with(file))
            .unwrap()
            .title
    };
    open_lesson(&mut h, &title("Schedule-Free"));
    settle(&mut h);
    let sf = companion_entries(&h);
    assert_eq!(
        sf,
        [
            "Schedule-Free AdamW lr 0.05 · x",
            "Schedule-Free AdamW lr 0.05 · z"
        ],
        "{sf:?}"
    );
    // L-BFGS's faint inner evaluations come with their own legend entries
    // once the play head has passed a step that made them.
    open_lesson(&mut h, &title("L-BFGS against Adam"));
    settle(&mut h);
    h.key_press(egui::Key::End);
    for _ in 0..3 {
        h.step();
    }
    let lbfgs = companion_entries(&h);
    assert_eq!(
        lbfgs,
        [
            "L-BFGS, strong Wolfe · inner evaluations",
            "L-BFGS, lr 0.1, no line search · inner evaluations"
        ],
        "{lbfgs:?}"
    );
    assert!(!h.state().session().tracks[0].inner_points.is_empty());
    open_lesson(&mut h, &title("Adam vs SGD"));
    settle(&mut h);
    assert!(
        companion_entries(&h).is_empty(),
        "{:?}",
        companion_entries(&h)
    );
    assert!(
        h.state()
            .session()
            .tracks
            .iter()
            .all(|t| t.companions.is_empty() && t.inner_points.is_empty())
    );
}

/// A preset given on the command line that did not parse was reported, and
/// the report vanished as soon as the simulation of the lesson shown
/// instead started: the user saw the default lesson and no word of why.
#[test]
fn a_preset_that_fails_to_open_stays_reported_while_the_fallback_runs() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("typo.ron");
    std::fs::write(
        &bad,
        "(\n    problem: Surface(Rosenbrock),\n    view: Some((x: (0.0, 1.0), y: (0.0, 1.0))),\n    runs: [(optimizer: Sgd())],\n)\n",
    )
    .unwrap();
    let options = descent::cli::WindowOptions {
        preset: Some(bad),
        ..descent::cli::WindowOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| DescentApp::new(cc, options));
    settle(&mut h);
    for _ in 0..20 {
        h.step();
    }
    assert!(
        h.query_by_label_contains("typo.ron:3:16").is_some(),
        "the parse error, with its line and column, is still shown"
    );
}

/// Gradient noise from the window: the lesson's runs jitter, a run's own σ 0
/// is the noiseless path, noise off makes SGD the same as GD, and moving to
/// a model on data drops the noise rather than refusing the preset.
#[test]
fn gradient_noise_on_off_and_through_a_switch_to_data() {
    let mut h = harness("gradient-noise-momentum.ron");
    let gd = window::trajectory(&h, 0);
    let sgd = window::trajectory(&h, 1);
    assert_ne!(gd, sgd, "SGD sees the noise, GD (its own σ 0) does not");
    h.get_by_label("Gradient noise").click();
    h.step();
    settle(&mut h);
    assert!(h.state().preset().noise.is_none());
    assert_eq!(window::trajectory(&h, 0), gd, "GD is unchanged");
    assert_eq!(
        window::trajectory(&h, 1),
        gd,
        "without noise SGD at the same lr is GD"
    );
    h.get_by_label("Gradient noise").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().preset().noise.map(|n| n.sigma), Some(1.0));
    assert_ne!(window::trajectory(&h, 1), gd);
    // The inspector shows the noise inside g, from the first step on.
    if h.query_by_label("Copy table").is_none() {
        h.get_by_label("Inspector").click();
    }
    h.get_by_label("Step").click();
    h.step();
    wait_until(&mut h, "the inspector at step 1", |app| {
        app.session()
            .inspections()
            .is_some_and(|(step, _)| step == 1)
    });
    // SGD and the shown momentum run; GD has σ 0 and the last run is hidden.
    assert_eq!(h.query_all_by_label_contains("σ·z (in g)").count(), 2);
    h.get_by_label("Models on data").click();
    h.step();
    settle(&mut h);
    let p = h.state().preset();
    assert!(p.noise.is_none() && p.runs.iter().all(|r| r.noise.is_none()));
    assert!(h.query_by_label_contains("noise is for surfaces").is_none());
    assert!(h.query_by_label("Mini-batches").is_some());
}

/// Reddi's lesson keeps every run in its box; the next lesson has no box
/// (its checkbox is clear and its start is its own); ticking *Box* there
/// projects the runs; an online problem picked afresh points at a bad term.
#[test]
fn a_box_and_an_online_loss_through_a_lesson_switch() {
    let mut h = harness("adam-can-fail.ron");
    let adam = window::trajectory(&h, 0);
    assert!(
        h.query_by_role_and_label(Role::SpinButton, "x from")
            .is_some()
    );
    // Row k: [x, y, loss]; Adam ends against x = +1.
    let x_end = adam[adam.len() - 3];
    assert!(x_end > 0.97 && x_end <= 1.0, "{x_end}");
    open_lesson(&mut h, "Gradient noise: SGD jitters, momentum averages");
    started(&mut h);
    assert!(h.state().preset().bounds.is_none());
    assert!(
        h.query_by_role_and_label(Role::SpinButton, "x from")
            .is_none()
    );
    let free = window::trajectory(&h, 0);
    h.get_by_label("Box").click();
    h.step();
    settle(&mut h);
    let b = h.state().preset().bounds.expect("a box");
    let boxed = window::trajectory(&h, 0);
    assert_ne!(boxed, free);
    for row in boxed.chunks(3) {
        assert!((b.x.0..=b.x.1).contains(&row[0]) && (b.y.0..=b.y.1).contains(&row[1]));
    }
    h.get_by_role_and_label(Role::ComboBox, "Problem").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Online f_t(x, y)").scroll_to_me();
    h.step();
    h.get_by_label("Online f_t(x, y)").click();
    h.step();
    settle(&mut h);
    assert!(
        h.state().preset().bounds.is_none(),
        "a new problem drops the box"
    );
    let term = "-x + 0.5*y^2";
    let field = h.get_all_by_value(term).next().expect("the second term");
    field.focus();
    h.step();
    h.get_all_by_value(term).next().unwrap().type_text(" + q");
    h.step();
    assert!(
        h.query_all_by_label_contains("unknown name `q`")
            .next()
            .is_some()
    );
}

/// *Tune each run* gives every run its best lr on one grid and the legend
/// says so; moving one run's lr afterwards drops that run's note only, and
/// undo brings it back.
#[test]
fn tune_each_run_then_move_one_lr() {
    let mut h = harness("adam-vs-sgd-rosenbrock.ron");
    h.get_by_label("Tune").click();
    h.step();
    h.step();
    h.get_by_label("Start tuning").click();
    h.step();
    wait_until(&mut h, "the tuning to finish", |app| {
        app.preset().runs.iter().all(|r| r.tuned.is_some())
    });
    settle(&mut h);
    let grid: Vec<f64> = (0..24)
        .map(|i| 10f64.powf(-4.0 + 4.0 * f64::from(i) / 23.0))
        .collect();
    for run in &h.state().preset().runs {
        let lr = run.optimizer.lr();
        assert!(grid.iter().any(|g| (g - lr).abs() <= 1e-12 * g), "{lr}");
    }
    assert!(h.query_by_label("3 runs now use their best lr").is_some());
    assert!(
        h.query_all_by_label_contains("tuned over 24 values in [0.0001, 1] by final loss")
            .next()
            .is_some(),
        "the legend says how each lr was chosen"
    );
    let tuned_lr = h.state().preset().runs[1].optimizer.lr();
    h.get_all_by_role_and_label(Role::Slider, "lr")
        .nth(1)
        .unwrap()
        .set_value_accesskit(0.002);
    h.step();
    settle(&mut h);
    let runs = &h.state().preset().runs;
    assert!(runs[1].tuned.is_none() && runs[0].tuned.is_some() && runs[2].tuned.is_some());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.step();
    settle(&mut h);
    let run = &h.state().preset().runs[1];
    assert_eq!(run.optimizer.lr(), tuned_lr);
    assert!(run.tuned.is_some(), "undo brings the note back");
}

/// Clicking the map of a model with more than two parameters once set a
/// two-coordinate start, which the simulation refused with a message
/// listing every parameter. The click now moves the first two coordinates
/// of the start and keeps the others.
#[test]
fn a_click_on_a_model_s_map_moves_its_first_two_parameters() {
    let mut h = harness("logistic-two-blobs.ron");
    let dim = h.state().session().problem.as_ref().unwrap().dim();
    assert!(dim > 2);
    let before = h
        .state()
        .preset()
        .start
        .clone()
        .expect("the lesson's start")
        .0;
    let on_map = egui::pos2(800.0, 330.0);
    h.hover_at(on_map);
    h.step();
    h.drag_at(on_map);
    h.step();
    h.drop_at(on_map);
    h.step();
    settle(&mut h);
    let start = h.state().preset().start.clone().expect("a start").0;
    assert_eq!(start.len(), dim);
    assert_ne!(start[..2], before[..2], "the click moved θ₀ and θ₁");
    assert_eq!(start[2..], before[2..], "the others are kept");
    assert!(
        h.state().session().error.is_none(),
        "{:?}",
        h.state().session().error
    );
    assert_eq!(window::trajectory(&h, 0)[..2], start[..2]);
}
