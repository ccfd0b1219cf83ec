//! The left panel: the lesson's text, the problem, the mini-batches,
//! every run with its editors and the imported trajectories.

use eframe::egui;

use super::{batches, imported_list, problem_picker, run_editor};
use crate::analysis::curvature::Curvature;
use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::app::session::Track;
use crate::preset::Preset;
use crate::sim::ImportedRun;

/// What the panel shows.
#[derive(Clone, Copy, Debug)]
pub struct ControlsInput<'a> {
    /// The scenario.
    pub preset: &'a Preset,
    /// Each run's rows (for its status line).
    pub tracks: &'a [Track],
    /// The training points of a problem with data.
    pub samples: Option<usize>,
    /// Per run, the curvature at the play head, and that head.
    pub curvature: Option<(usize, &'a [Option<Curvature>])>,
    /// Trajectories read from the preset's overlays.
    pub imported: &'a [(usize, &'a ImportedRun)],
}

/// Draws the panel; every edit becomes a command.
pub fn show(ui: &mut egui::Ui, input: ControlsInput<'_>, out: &mut Commands) {
    let ControlsInput {
        preset,
        tracks,
        samples,
        curvature,
        imported,
    } = input;
    if !preset.title.is_empty() {
        ui.heading(&preset.title);
    }
    if !preset.description.is_empty() {
        ui.label(&preset.description);
    }
    ui.separator();
    problem_picker::show(ui, preset, out);
    if let Some(n) = samples {
        batches::show(ui, preset, n, out);
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong("Runs");
        if ui.button("Add run").clicked() {
            out.edit(Edit::AddRun);
        }
    });
    let has_data = preset.problem.has_data();
    for (i, run) in preset.runs.iter().enumerate() {
        ui.push_id(i, |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                let at_head = curvature.and_then(|(head, c)| Some((head, c.get(i)?.as_ref()?)));
                run_editor::show(
                    ui,
                    &run_editor::RunView {
                        index: i,
                        run,
                        track: tracks.get(i),
                        curvature: at_head,
                        has_data,
                        preset_noise: preset.noise,
                    },
                    out,
                );
            });
        });
    }
    imported_list::show(ui, preset, imported, out);
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn the_lesson_text_and_every_run_are_shown_and_add_run_asks_for_one() {
        let preset = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    show(
                        ui,
                        ControlsInput {
                            preset: &preset,
                            tracks: &[],
                            samples: None,
                            curvature: None,
                            imported: &[],
                        },
                        out,
                    );
                });
            },
            Commands::default(),
        );
        assert!(h.query_by_label("Adam vs SGD on Rosenbrock").is_some());
        assert_eq!(
            h.query_all_by_role_and_label(egui::accesskit::Role::ComboBox, "Optimizer")
                .count(),
            3,
            "one optimizer picker per run"
        );
        h.get_by_label("Add run").click();
        h.run();
        assert_eq!(h.state().edits().collect::<Vec<_>>(), [&Edit::AddRun]);
    }
}
