//! Colours: the run palette and overlay colours. No other module picks colours.

use eframe::egui::Color32;

/// Okabe–Ito, a colour-blind-safe palette, in the order runs get it.
const PALETTE: [(u8, u8, u8); 8] = [
    (230, 159, 0),   // orange
    (86, 180, 233),  // sky blue
    (204, 121, 167), // reddish purple
    (0, 158, 115),   // bluish green
    (240, 228, 66),  // yellow
    (0, 114, 178),   // blue
    (213, 94, 0),    // vermillion
    (255, 255, 255), // white
];

/// The palette colour for run `index`, as (r, g, b).
pub fn palette_rgb(index: usize) -> (u8, u8, u8) {
    PALETTE[index % PALETTE.len()]
}

/// The colour of run `index`, or its chosen one.
pub fn run_color(index: usize, chosen: Option<(u8, u8, u8)>) -> Color32 {
    let (r, g, b) = chosen.unwrap_or_else(|| palette_rgb(index));
    Color32::from_rgb(r, g, b)
}

/// Isolines over the heat map.
pub const ISOLINE: Color32 = Color32::from_rgba_premultiplied(235, 235, 235, 90);
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
