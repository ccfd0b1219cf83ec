//! Colours for the window: the run palette (from [`crate::render::palette`]) and overlays.

use eframe::egui::Color32;

use crate::render::palette;

/// The palette colour for run `index`, as (r, g, b).
pub fn palette_rgb(index: usize) -> (u8, u8, u8) {
    palette::run_rgb(index, None)
}

/// The colour of run `index`, or its chosen one.
pub fn run_color(index: usize, chosen: Option<(u8, u8, u8)>) -> Color32 {
    let (r, g, b) = palette::run_rgb(index, chosen);
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
/// Warning text.
pub const WARNING: Color32 = Color32::from_rgb(240, 200, 90);
/// Error text.
pub const ERROR: Color32 = Color32::from_rgb(255, 110, 110);
/// The play head in the loss plot.
pub const PLAY_HEAD: Color32 = Color32::from_rgb(200, 200, 200);
