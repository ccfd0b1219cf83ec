//! What the sweep and the tuning windows share: the choice of score and
//! the progress row of a running job.

use eframe::egui;

/// *Score by steps to a loss of* (`Some(tol)`), or by the final loss (`None`).
pub fn score_row(ui: &mut egui::Ui, steps_to: &mut Option<f64>) {
    ui.horizontal(|ui| {
        let mut steps = steps_to.is_some();
        if ui
            .checkbox(&mut steps, "Score by steps to a loss of")
            .on_hover_text("Off: score by the final loss")
            .changed()
        {
            *steps_to = steps.then_some(1e-3);
        }
        if let Some(tol) = steps_to {
            ui.add(
                egui::DragValue::new(tol)
                    .range(1e-12..=1e6)
                    .speed(0.0)
                    .prefix("tol "),
            );
        }
    });
}

/// A progress bar of `done` of `total` runs and a cancel button; says
/// whether it was clicked.
pub fn progress_row(ui: &mut egui::Ui, (done, total): (u64, u64), cancel: &str) -> bool {
    let total = total.max(1);
    ui.add(
        egui::ProgressBar::new(done as f32 / total as f32)
            .desired_width(220.0)
            .text(format!("{done} / {total} runs")),
    );
    ui.button(cancel).clicked()
}
