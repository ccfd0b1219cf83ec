//! Colours for the window: the run palette (from [`crate::render::palette`]) and overlays.

use eframe::egui::{self, Color32};

use crate::render::palette::{self, Paper, Theme};

/// The palette colour for run `index`, as (r, g, b).
pub fn palette_rgb(index: usize) -> (u8, u8, u8) {
    palette::run_rgb(index, None)
}

/// The colour of run `index`, or its chosen one.
pub fn run_color(index: usize, chosen: Option<(u8, u8, u8)>) -> Color32 {
    let (r, g, b) = palette::run_rgb(index, chosen);
    Color32::from_rgb(r, g, b)
}

/// A companion path's colour: the run's, lightened (see
/// [`palette::companion_rgb`]).
pub fn companion_tint(color: Color32) -> Color32 {
    let (r, g, b) = palette::companion_rgb((color.r(), color.g(), color.b()));
    Color32::from_rgb(r, g, b)
}

/// Isolines over the heat map: light and thin, so paths stand out in
/// narrow valleys where they crowd.
pub const ISOLINE: Color32 = Color32::from_rgba_premultiplied(75, 75, 75, 75);
/// The dark edge under every path.
pub const PATH_OUTLINE: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 170);
/// Isolines of the current mini-batch's loss.
pub const BATCH_ISOLINE: Color32 = Color32::from_rgb(255, 80, 220);
/// Arrows of −∇f.
pub const QUIVER: Color32 = Color32::from_rgba_premultiplied(20, 20, 20, 150);
/// The start marker.
pub const START: Color32 = Color32::from_rgb(250, 250, 250);
/// Known minima.
pub const MINIMUM: Color32 = Color32::from_rgb(255, 80, 80);
/// Warning text, readable in either theme.
pub fn warning(ui: &egui::Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// Error and divergence text, readable in either theme.
pub fn error(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// The play head in the loss plot.
pub fn play_head(visuals: &egui::Visuals) -> Color32 {
    visuals.strong_text_color().gamma_multiply(0.7)
}

/// Points of a regression's data.
pub fn data_points(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_gray(200)
    } else {
        Color32::from_gray(80)
    }
}

/// The paper the exports and the sweep share, in the window's theme.
pub fn paper(visuals: &egui::Visuals) -> Paper {
    if visuals.dark_mode {
        Theme::Dark.paper()
    } else {
        Theme::Light.paper()
    }
}

/// egui's theme for Descent's.
pub fn egui_theme(theme: Theme) -> egui::Theme {
    match theme {
        Theme::Dark => egui::Theme::Dark,
        Theme::Light => egui::Theme::Light,
    }
}
