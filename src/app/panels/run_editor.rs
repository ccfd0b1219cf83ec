//! One run in the left panel: shown or not, its colour and label, how it
//! stopped, its optimizer and schedule, its own penalty, and the buttons
//! that copy or remove it.

use eframe::egui::{self, RichText};

use super::stability::AtHead;
use super::{inputs, noise_editor, optimizer_editor, schedule_editor};
use crate::analysis::curvature::Curvature;
use crate::app::command::{Command, Commands};
use crate::app::edit::Edit;
use crate::app::session::Track;
use crate::app::theme;
use crate::preset::RunSpec;
use crate::sim::Termination;

/// One run and what the editor shows besides it.
#[derive(Clone, Copy, Debug)]
pub struct RunView<'a> {
    /// Its place in the preset.
    pub index: usize,
    /// The run.
    pub run: &'a RunSpec,
    /// Its rows so far.
    pub track: Option<&'a Track>,
    /// The curvature at the play head, and that head.
    pub curvature: Option<(usize, &'a Curvature)>,
    /// The problem has data (runs may carry a penalty).
    pub has_data: bool,
    /// The preset's gradient noise (a run may have its own σ).
    pub preset_noise: Option<crate::sim::GradientNoise>,
}

/// Draws the run's editors.
pub fn show(ui: &mut egui::Ui, view: &RunView<'_>, out: &mut Commands) {
    let &RunView {
        index,
        run,
        track,
        curvature,
        has_data,
        preset_noise,
    } = view;
    header(ui, index, run, out);
    // Always one line, so its text changing never moves the sliders below.
    let termination = track.and_then(|t| t.termination);
    let (text, color) = match termination_text(termination) {
        Some(text) if text.starts_with("diverged") => (text, theme::error(ui)),
        Some(text) => (text, ui.visuals().text_color()),
        None => (status_text(track), ui.visuals().weak_text_color()),
    };
    ui.add(egui::Label::new(RichText::new(text).color(color).strong()).truncate());
    let at = match (termination, curvature) {
        (Some(Termination::Diverged { step }), Some((head, _))) if head as u64 >= step => {
            AtHead::Diverged
        }
        (_, Some((head, c))) => AtHead::At(head, c),
        (_, None) => AtHead::Computing,
    };
    optimizer_editor::show(ui, index, &run.optimizer, at, out);
    groups(ui, index, run, out);
    schedule_editor::show(ui, index, &run.schedule, out);
    if has_data {
        penalty(ui, index, run, out);
    } else {
        noise_editor::show_run(ui, index, run, preset_noise, out);
    }
    ui.horizontal(|ui| {
        if ui.button("Duplicate").clicked() {
            out.edit(Edit::DuplicateRun(index));
        }
        if ui.button("Remove").clicked() {
            out.edit(Edit::RemoveRun(index));
        }
    });
}

/// Each parameter group's optimizer, with its own sliders.
fn groups(ui: &mut egui::Ui, index: usize, run: &RunSpec, out: &mut Commands) {
    for (g, group) in run.groups.iter().enumerate() {
        ui.push_id(("group", g), |ui| {
            let title = format!(
                "Group {}: {} — {}",
                g + 1,
                group.params.describe(),
                group.optimizer.short_name()
            );
            egui::CollapsingHeader::new(title)
                .default_open(true)
                .show(ui, |ui| {
                    let mut inner = Commands::default();
                    optimizer_editor::show_rule(ui, index, &group.optimizer, &mut inner);
                    for command in inner.take() {
                        if let Command::Edit(e) = command
                            && let Some(e) = e.for_group(g)
                        {
                            out.edit(e);
                        }
                    }
                })
                .header_response
                .on_hover_text(
                    "These tensors are stepped by their own optimizer; the run's optimizer above steps the rest",
                );
        });
    }
}

/// Shown or not, the colour and the label.
fn header(ui: &mut egui::Ui, index: usize, run: &RunSpec, out: &mut Commands) {
    ui.horizontal(|ui| {
        let mut enabled = run.enabled;
        if ui
            .checkbox(&mut enabled, "")
            .on_hover_text("Show this run")
            .changed()
        {
            out.edit(Edit::SetRunEnabled {
                run: index,
                enabled,
            });
        }
        let (r, g, b) = run.color.unwrap_or_else(|| theme::palette_rgb(index));
        let mut rgb = [r, g, b];
        if egui::color_picker::color_edit_button_srgb(ui, &mut rgb).changed() {
            out.edit(Edit::SetRunColor {
                run: index,
                color: (rgb[0], rgb[1], rgb[2]),
            });
        }
        let mut label = run.label.clone();
        let name = ui.add(
            egui::TextEdit::singleline(&mut label)
                .desired_width(ui.available_width() - 10.0)
                .hint_text(run.optimizer.kind_name()),
        );
        if name.changed() {
            out.edit(Edit::SetRunLabel { run: index, label });
        }
    });
}

/// The run's own L1 and L2 penalty on the model's weights.
fn penalty(ui: &mut egui::Ui, index: usize, run: &RunSpec, out: &mut Commands) {
    let mut penalty = run.penalty.unwrap_or_default();
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label("Penalty").on_hover_text(
            "Adds l1·Σ|w| + l2·Σw² to this run's loss (biases and intercepts are not penalised)",
        );
        for (name, value) in [("L1 ", &mut penalty.l1), ("L2 ", &mut penalty.l2)] {
            changed |= ui
                .add(
                    inputs::drag_value(value)
                        .range(0.0..=10.0)
                        .speed(0.01)
                        .max_decimals(4)
                        .prefix(name),
                )
                .changed();
        }
    });
    if changed {
        out.edit(Edit::SetPenalty {
            run: index,
            penalty: (!penalty.is_zero()).then_some(penalty),
        });
    }
}

/// The status of a run that has not stopped early: its steps so far.
fn status_text(track: Option<&Track>) -> String {
    match track {
        Some(t) if t.termination == Some(Termination::MaxSteps) => {
            format!("ran all {} steps", t.len().saturating_sub(1))
        }
        Some(t) if !t.is_empty() => format!("running… {} steps", t.len() - 1),
        _ => "running…".to_owned(),
    }
}

/// How the run stopped, when it stopped before the horizon.
fn termination_text(t: Option<Termination>) -> Option<String> {
    match t {
        Some(
            t @ (Termination::Diverged { .. }
            | Termination::Converged { .. }
            | Termination::EarlyStopped { .. }),
        ) => Some(t.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::preset::Preset;

    #[test]
    fn a_diverged_run_says_so_and_its_buttons_name_it() {
        let preset = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        let mut track = Track::new(2);
        track.termination = Some(Termination::Diverged { step: 7 });
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| {
                show(
                    ui,
                    &RunView {
                        index: 1,
                        run: &preset.runs[1],
                        track: Some(&track),
                        curvature: None,
                        has_data: true,
                        preset_noise: None,
                    },
                    out,
                );
            },
            Commands::default(),
        );
        assert!(h.query_by_label("diverged at step 7").is_some());
        assert!(
            h.query_by_label("Penalty").is_some(),
            "models on data get a penalty row"
        );
        h.get_by_label("Duplicate").click();
        h.run();
        h.get_by_label("Remove").click();
        h.run();
        let edits: Vec<&Edit> = h.state().edits().collect();
        assert_eq!(edits, [&Edit::DuplicateRun(1), &Edit::RemoveRun(1)]);
    }

    #[test]
    fn a_parameter_group_has_its_own_sliders() {
        use crate::optim::params::{Param, Value};
        use egui_kittest::kittest::NodeT as _;
        let text = "(problem: Classification(data: Moons(n: 40, noise: 0.1, seed: 0), hidden: [4, 4]), \
            runs: [(optimizer: AdamW(lr: 0.01), groups: [(params: HiddenMatrices, optimizer: Muon(lr: 0.02))])])";
        let preset = Preset::from_ron_str(text, "p").unwrap();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| {
                show(
                    ui,
                    &RunView {
                        index: 0,
                        run: &preset.runs[0],
                        track: None,
                        curvature: None,
                        has_data: true,
                        preset_noise: None,
                    },
                    out,
                );
            },
            Commands::default(),
        );
        assert!(h.query_by_label("Group 1: HiddenMatrices — Muon").is_some());
        let sliders: Vec<_> = h
            .query_all_by_role_and_label(egui::accesskit::Role::Slider, "lr")
            .collect();
        assert_eq!(sliders.len(), 2, "the run's lr and the group's");
        let group_lr = sliders.last().unwrap();
        assert!((group_lr.accesskit_node().numeric_value().unwrap() - 0.02).abs() < 1e-12);
        group_lr.set_value_accesskit(0.05);
        h.run();
        assert!(matches!(
            h.state().edits().last(),
            Some(Edit::SetGroupParam { run: 0, group: 0, param: Param::Lr, value: Value::Real(v) })
                if (v - 0.05).abs() < 1e-12
        ));
    }
}
