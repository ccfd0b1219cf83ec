//! The edge of stability: each run's sharpness against step (solid) and
//! the threshold its step size sets (dashed), with the play head.

use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints};

use super::curves::play_head;
use super::plot_axis::XAxis;
use crate::analysis::sharpness::positive_range;
use crate::app::session::SharpnessAnswer;
use crate::app::theme;
use crate::preset::Preset;

/// What the session has: the interval sampled, the series, and whether they
/// belong to the rows shown.
pub type Sharpness<'a> = Option<(u64, &'a SharpnessAnswer, bool)>;

/// A line under the header saying what is measured, or that it is coming.
fn status(ui: &mut egui::Ui, sharpness: Sharpness<'_>, every: u64) {
    let text = match sharpness {
        Some((_, Err(e), _)) => format!("No sharpness: {e}"),
        Some((sampled, Ok(_), true)) => format!(
            "λmax of the loss Hessian every {sampled} steps (Adam: of P^-1 H, the Hessian its preconditioner P sees); dashed: the lr's stability threshold"
        ),
        _ => format!("Computing the sharpness every {every} steps…"),
    };
    ui.label(egui::RichText::new(text).small());
}

/// What it says, then each enabled run's sharpness and threshold over the
/// whole horizon; `every` is the interval asked for.
pub(super) fn show(
    ui: &mut egui::Ui,
    preset: &Preset,
    (sharpness, every): (Sharpness<'_>, u64),
    head: usize,
    x: XAxis<'_>,
) {
    status(ui, sharpness, every);
    let series = match sharpness {
        Some((_, Ok(series), _)) => series.as_slice(),
        _ => &[],
    };
    let log = positive_range(series.iter().flatten()).is_some_and(|(_, _, log)| log);
    let value = |v: f64| if log { v.log10() } else { v };
    let drawn = |v: f64| v.is_finite() && (!log || v > 0.0);
    let plot = Plot::new("sharpness_plot")
        .include_x(0.0)
        .include_x(x.of_run(0, preset.steps as f64))
        .x_axis_label(x.label())
        .custom_y_axes(vec![
            egui_plot::AxisHints::new_y()
                .label(if log {
                    "log₁₀ sharpness"
                } else {
                    "sharpness"
                })
                .label_spacing(14.0..=24.0),
        ])
        .include_y(0.0)
        .legend(
            egui_plot::Legend::default()
                .position(egui_plot::Corner::RightBottom)
                .follow_insertion_order(true),
        )
        .auto_bounds([true, true]);
    // One legend entry per run, bottom right, under the curves (which start
    // near λmax of the initial point and rise); egui_plot stacks bottom
    // entries upwards, so the runs go in backwards to read top down.
    let mut lines = Vec::new();
    for (i, (run, s)) in preset.runs.iter().zip(series).enumerate().rev() {
        let Some(s) = s.as_ref().filter(|_| run.enabled) else {
            continue;
        };
        let shown = s.points.iter().filter(|p| p.step as usize <= x.shown_to);
        let color = theme::run_color(i, run.color);
        let points: Vec<[f64; 2]> = shown
            .clone()
            .filter(|p| drawn(p.sharpness))
            .map(|p| [x.of_run(i, p.step as f64), value(p.sharpness)])
            .collect();
        let name = match s.edge.formula() {
            Some(formula) => format!(
                "{}: {}, dashed {formula}",
                run.display_label(),
                s.edge.measure()
            ),
            None => format!("{}: {}", run.display_label(), s.edge.measure()),
        };
        lines.push(
            Line::new(name, PlotPoints::from(points))
                .color(color)
                .width(1.5),
        );
        if s.edge.formula().is_none() {
            continue;
        }
        let threshold: Vec<[f64; 2]> = shown
            .filter_map(|p| {
                let t = p.threshold.filter(|t| drawn(*t))?;
                Some([x.of_run(i, p.step as f64), value(t)])
            })
            .collect();
        lines.push(
            Line::new("", PlotPoints::from(threshold))
                .color(color.gamma_multiply(0.8))
                .style(egui_plot::LineStyle::dashed_loose())
                .width(1.5),
        );
    }
    plot.show(ui, |plot_ui| {
        for line in lines {
            plot_ui.line(line);
        }
        play_head(plot_ui, x.head(head as f64));
    });
}
