//! The learning rate against step: each run's schedule as it actually ran.

use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints};

use super::curves::{MAX_DRAWN_POINTS, play_head, run_curve};
use super::plot_axis::XAxis;
use crate::app::session::Track;
use crate::app::theme;
use crate::preset::Preset;

/// Each run's lr per step (its schedule as it actually ran), with the play head.
pub(super) fn show(
    ui: &mut egui::Ui,
    preset: &Preset,
    tracks: &[Track],
    head: usize,
    log: bool,
    x: XAxis<'_>,
) {
    let plot = Plot::new("lr_plot")
        .x_axis_label(x.label())
        .custom_y_axes(vec![
            egui_plot::AxisHints::new_y()
                .label(if log { "log₁₀ lr" } else { "lr" })
                .label_spacing(14.0..=24.0),
        ])
        .legend(
            egui_plot::Legend::default()
                .position(lr_legend_corner(tracks))
                .follow_insertion_order(true),
        )
        .auto_bounds([true, true]);
    plot.show(ui, |plot_ui| {
        for (i, (run, track)) in preset.runs.iter().zip(tracks).enumerate() {
            if !run.enabled || track.lrs.is_empty() {
                continue;
            }
            let shown = &track.lrs[..track.lrs.len().min(x.shown_to.saturating_add(1))];
            let stride = (shown.len() / MAX_DRAWN_POINTS).max(1);
            // Every stride-th finite lr of run `i` (positive ones on a log axis).
            let points_of = |lrs: &[f64]| -> Vec<[f64; 2]> {
                lrs.iter()
                    .enumerate()
                    .step_by(stride)
                    .filter(|(_, lr)| lr.is_finite() && (!log || **lr > 0.0))
                    .map(|(k, &lr)| [x.of_run(i, k as f64), if log { lr.log10() } else { lr }])
                    .collect()
            };
            let points = points_of(shown);
            let name = format!("{} ({})", run.display_label(), run.schedule.name());
            run_curve(plot_ui, name, points, theme::run_color(i, run.color));
            // Prodigy sets its own step size d·lr: dashed beside the lr.
            let shown =
                &track.effective_lrs[..track.effective_lrs.len().min(x.shown_to.saturating_add(1))];
            if !shown.is_empty() {
                let points = points_of(shown);
                plot_ui.line(
                    Line::new(
                        format!("{} · d·lr", run.display_label()),
                        PlotPoints::from(points),
                    )
                    .color(theme::companion_tint(theme::run_color(i, run.color)))
                    .style(egui_plot::LineStyle::dashed_dense())
                    .width(2.0),
                );
            }
        }
        play_head(plot_ui, x.head(head as f64));
    });
}

/// Where the lr legend covers no curve: under the end of rising step
/// sizes (warm-ups, Prodigy's d·lr), over the end of decaying ones.
pub(super) fn lr_legend_corner(tracks: &[Track]) -> egui_plot::Corner {
    let rises = |v: &[f64]| matches!((v.first(), v.last()), (Some(a), Some(b)) if b > a);
    if tracks
        .iter()
        .any(|t| rises(&t.effective_lrs) || rises(&t.lrs))
    {
        egui_plot::Corner::RightBottom
    } else {
        egui_plot::Corner::RightTop
    }
}
