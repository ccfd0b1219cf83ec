//! A typed optimizer through the real binary: the typed-Adam lesson agrees
//! with torch's Adam to within 1e-12 over 500 steps, and a typo is reported
//! with its equation, column and place in the preset.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod window;

use common::{descent, golden_dir, preset};
use descent::optim::OptimizerConfig;
use egui_kittest::kittest::Queryable as _;

/// Run `run`'s typed equations in the window's preset.
fn equations(
    h: &egui_kittest::Harness<'static, descent::app::DescentApp>,
    run: usize,
) -> Vec<String> {
    match &h.state().preset().runs[run].optimizer {
        OptimizerConfig::Custom(rule) => rule.update.clone(),
        other => panic!("run {run} is {}", other.kind_name()),
    }
}

/// (x, y, loss) of each row of `run` in Descent's trajectory CSV.
fn run_rows(csv: &str, run: &str) -> Vec<[f64; 3]> {
    csv.lines()
        .filter(|l| l.starts_with(&format!("{run},")))
        .map(|l| {
            let f: Vec<&str> = l.rsplitn(4, ',').collect();
            [
                f[2].parse().unwrap(),
                f[1].parse().unwrap(),
                f[0].parse().unwrap(),
            ]
        })
        .collect()
}

#[test]
fn adam_typed_by_hand_agrees_with_torch_to_1e_12_over_500_steps() {
    let out = descent(&["run", &preset("typed-adam.ron"), "--csv", "-"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let typed = run_rows(&csv, "1");
    let built_in = run_rows(&csv, "0");
    // torch.optim.Adam(lr=1e-2) on Beale from (1, 1.5), 500 steps.
    let torch: Vec<[f64; 3]> = std::fs::read_to_string(golden_dir().join("torch/beale__adam.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
            [f[1], f[2], f[3]]
        })
        .collect();
    assert_eq!(typed.len(), 501);
    assert_eq!(torch.len(), 501);
    let mut worst: f64 = 0.0;
    for (k, ((t, r), b)) in typed.iter().zip(&torch).zip(&built_in).enumerate() {
        for i in 0..3 {
            let gap = (t[i] - r[i]).abs().max((t[i] - b[i]).abs());
            assert!(
                gap <= 1e-12,
                "step {k}: typed {t:?}, torch {r:?}, built-in {b:?}"
            );
            worst = worst.max(gap);
        }
    }
    assert!(typed[500] != typed[0], "the typed run moved");
    eprintln!("typed Adam vs torch over 500 steps: worst difference {worst:e}");
}

#[test]
fn a_typo_names_the_equation_the_column_and_the_preset_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(preset("typed-adam.ron")).unwrap();
    let bad = dir.path().join("typo.ron");
    std::fs::write(&bad, text.replacen("(1-beta2)*g^2", "(1-bet2)*g^2", 1)).unwrap();
    let csv = dir.path().join("out.csv");
    let out = descent(&["run", bad.to_str().unwrap(), "--csv", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("runs[1].optimizer.update[1]: equation 2, column 18: unknown name `bet2`"),
        "{err}"
    );
    assert!(
        err.contains("    v = beta2*v + (1-bet2)*g^2\n                     ^"),
        "{err}"
    );
    assert!(
        err.contains("19:21: "),
        "the preset's line and column: {err}"
    );
    assert!(!csv.exists(), "nothing is written");
}

/// In the window: a typo is pointed at while the run keeps its last good
/// rule; the fix re-runs it; another lesson and back shows the lesson's own
/// equations, with no error left over.
#[test]
fn the_rule_editor_points_at_a_typo_and_a_lesson_switch_starts_afresh() {
    let mut h = window::harness("typed-adam.ron");
    window::started(&mut h);
    let lesson = equations(&h, 2);
    let text = lesson.join("\n");
    let before = window::trajectory(&h, 2);
    h.get_all_by_value(&text).next().unwrap().focus();
    h.step();
    h.get_all_by_value(&text)
        .next()
        .unwrap()
        .type_text(" * bta");
    h.step();
    h.step();
    assert!(
        h.query_all_by_label_contains("equation 3, column 40: unknown name `bta`")
            .next()
            .is_some()
    );
    assert_eq!(equations(&h, 2), lesson, "the broken rule is not taken");
    // Select the whole text and type the fixed rule over it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    let fixed = text.replace("+ eps)", "+ eps) * 0.5");
    h.get_all_by_value(&format!("{text} * bta"))
        .next()
        .unwrap()
        .type_text(&fixed);
    h.step();
    window::started(&mut h);
    window::settle(&mut h);
    assert_eq!(
        equations(&h, 2)[2],
        "theta = theta - lr*m/(sqrt(v) + eps) * 0.5"
    );
    assert!(
        h.query_all_by_label_contains("unknown name")
            .next()
            .is_none()
    );
    assert_ne!(
        window::trajectory(&h, 2),
        before,
        "the run follows the new rule"
    );
    window::open_lesson(&mut h, "Beale: a flat plateau and a narrow curved valley");
    // The edit is unsaved: the window asks first.
    assert!(h.state().asking_about_unsaved_edits());
    h.get_by_label("Discard changes").click();
    h.step();
    window::started(&mut h);
    assert_eq!(
        h.state().preset().title,
        "Beale: a flat plateau and a narrow curved valley"
    );
    window::open_lesson(&mut h, "Adam typed by hand, against torch's Adam");
    window::started(&mut h);
    assert_eq!(equations(&h, 2), lesson);
    assert!(
        h.get_all_by_value(&text).next().is_some(),
        "the lesson's own text"
    );
}
