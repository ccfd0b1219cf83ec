//! Mini-batches of a model on data: on or off, their size, and the horizon
//! in epochs (passes over the training points).

use eframe::egui::{self, RichText};

use super::inputs;

use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::preset::Preset;
use crate::sim::limits::{MAX_STEPS, MAX_TOTAL_ROWS};

/// Mini-batch size and the horizon in epochs: passes over the `samples`
/// training points.
pub fn show(ui: &mut egui::Ui, preset: &Preset, samples: usize, out: &mut Commands) {
    let n = samples.max(1);
    ui.horizontal(|ui| {
        let mut mini = preset.batch_size.is_some_and(|b| b < n);
        if ui
            .checkbox(&mut mini, "Mini-batches")
            .on_hover_text("Each step uses a seeded random batch; every run sees the same batches")
            .changed()
        {
            let size = mini.then_some(32.min(n.saturating_sub(1)).max(1));
            out.edit(Edit::SetBatchSize(size));
        }
        if let Some(mut b) = preset.batch_size
            && ui
                .add(inputs::drag_value(&mut b).range(1..=n).prefix("batch "))
                .changed()
        {
            out.edit(Edit::SetBatchSize(Some(b)));
        }
    });
    let batch = preset.batch_size.unwrap_or(n).clamp(1, n);
    let per_epoch = n.div_ceil(batch) as u64;
    let mut epochs = preset.steps as f64 / per_epoch as f64;
    let max_steps = (MAX_TOTAL_ROWS / preset.runs.len().max(1) as u64).min(MAX_STEPS);
    ui.horizontal(|ui| {
        let response = ui.add(
            inputs::drag_value(&mut epochs)
                .range(1.0 / per_epoch as f64..=max_steps as f64 / per_epoch as f64)
                .speed(0.1)
                .max_decimals(2)
                .suffix(" epochs"),
        );
        if response.changed() {
            let steps = (epochs * per_epoch as f64).round() as u64;
            out.edit(Edit::SetSteps(steps.clamp(1, max_steps)));
        }
        let text = if per_epoch == 1 {
            format!("1 step per epoch ({n} points, full batch)")
        } else {
            format!("{per_epoch} steps per epoch ({n} points, batch {batch})")
        };
        ui.label(RichText::new(text).small());
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn mini_batches_and_the_horizon_in_epochs() {
        let preset = Preset::from_ron_str(
            "(problem: LinearRegression(data: Synthetic(n: 256)), steps: 300, runs: [(optimizer: Sgd())])",
            "t",
        )
        .unwrap();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, &preset, 256, out),
            Commands::default(),
        );
        assert!(
            h.query_by_label("1 step per epoch (256 points, full batch)")
                .is_some()
        );
        h.get_by_label("Mini-batches").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetBatchSize(Some(32)))
        );
    }
}
