//! The preset's imported trajectories in the left panel: each in its
//! colour, with its rows, and a button that removes its file.

use eframe::egui::{self, RichText};

use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::app::theme;
use crate::preset::Preset;
use crate::sim::ImportedRun;

/// Draws one row per trajectory of each overlay; nothing without overlays.
pub fn show(
    ui: &mut egui::Ui,
    preset: &Preset,
    imported: &[(usize, &ImportedRun)],
    out: &mut Commands,
) {
    if preset.overlays.is_empty() {
        return;
    }
    ui.separator();
    ui.strong("Imported trajectories")
        .on_hover_text("File ▸ Import trajectory CSV…, or drop a .csv on the window");
    let first = preset.runs.len();
    for (i, overlay) in preset.overlays.iter().enumerate() {
        ui.push_id(("overlay", i), |ui| {
            ui.horizontal(|ui| {
                if ui.small_button("Remove file").clicked() {
                    out.edit(Edit::RemoveOverlay(i));
                }
                ui.label(RichText::new(&overlay.csv).monospace().small());
            });
            let mine: Vec<(usize, &ImportedRun)> = imported
                .iter()
                .enumerate()
                .filter(|(_, (o, _))| *o == i)
                .map(|(k, (_, run))| (k, *run))
                .collect();
            if mine.is_empty() {
                ui.label(RichText::new("not read (see the status line)").small());
            }
            for (k, run) in mine {
                ui.horizontal(|ui| {
                    let colour = theme::run_color(first + k, overlay.color);
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, colour);
                    ui.label(format!("{} · {} rows", run.label, run.rows.len()));
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::sim::Trajectory;

    #[test]
    fn each_trajectory_is_listed_and_remove_drops_its_file() {
        let mut preset = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        preset.overlays = vec![crate::preset::Overlay {
            csv: "mine.csv".into(),
            label: None,
            color: None,
        }];
        let mut rows = Trajectory::with_capacity(2, 3);
        for k in 0..3 {
            rows.push(&[f64::from(k), 0.0], 1.0);
        }
        let run = ImportedRun {
            label: "my loop".into(),
            rows,
        };
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, &preset, &[(0, &run)], out),
            Commands::default(),
        );
        assert!(h.query_by_label("my loop · 3 rows").is_some());
        h.get_by_label("Remove file").click();
        h.run();
        assert_eq!(h.state().edits().last(), Some(&Edit::RemoveOverlay(0)));
    }
}
