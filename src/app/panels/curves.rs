//! What the loss and lr plots draw alike: a run's curve, the play head and
//! how many points a curve may have.

use eframe::egui;
use egui_plot::{Line, PlotPoints, VLine};

use crate::app::theme;

/// Points per curve drawn.
pub const MAX_DRAWN_POINTS: usize = 3000;

/// One run's curve.
pub fn run_curve(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    name: String,
    mut points: Vec<[f64; 2]>,
    color: egui::Color32,
) {
    crate::render::thin::thin_to_pixels(&mut points, plot_ui.transform().dvalue_dpos());
    plot_ui.line(
        Line::new(name, PlotPoints::from(points))
            .color(color)
            .width(1.5),
    );
}

/// The play head as a vertical line.
pub fn play_head(plot_ui: &mut egui_plot::PlotUi<'_>, head: f64) {
    let colour = theme::play_head(&plot_ui.ctx().global_style().visuals);
    plot_ui.vline(VLine::new("", head).color(colour).width(1.0));
}
