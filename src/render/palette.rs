//! Colours shared by the window and the exporters, as plain RGB (no egui).

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// Okabe–Ito, a colour-blind-safe palette, in the order runs get it.
pub const RUNS: [Rgb; 8] = [
    (230, 159, 0),   // orange
    (86, 180, 233),  // sky blue
    (204, 121, 167), // reddish purple
    (0, 158, 115),   // bluish green
    (240, 228, 66),  // yellow
    (0, 114, 178),   // blue
    (213, 94, 0),    // vermillion
    (255, 255, 255), // white
];

/// The colour of run `index`, or its chosen one.
pub fn run_rgb(index: usize, chosen: Option<Rgb>) -> Rgb {
    chosen.unwrap_or(RUNS[index % RUNS.len()])
}

/// Panel background (egui's dark panel).
pub const BACKGROUND: Rgb = (27, 27, 27);
/// Plot background behind curves.
pub const PLOT_BACKGROUND: Rgb = (10, 10, 10);
/// Text and axes.
pub const TEXT: Rgb = (210, 210, 210);
/// Grid lines.
pub const GRID: Rgb = (55, 55, 55);
/// Isolines over the heat map, and their opacity.
pub const ISOLINE: (Rgb, f64) = ((245, 245, 245), 0.7);
/// The start marker.
pub const START: Rgb = (250, 250, 250);
/// Known minima.
pub const MINIMUM: Rgb = (255, 80, 80);
/// A sweep cell whose run diverged.
pub const SWEEP_DIVERGED: Rgb = (150, 45, 45);
/// A sweep cell whose run never reached the tolerance.
pub const SWEEP_UNREACHED: Rgb = (70, 70, 70);
/// Divergence and error text.
pub const ERROR: Rgb = (255, 110, 110);

/// The colour of class `k` (Okabe–Ito, starting with blue and vermillion so
/// classes do not look like the first runs).
pub fn class_rgb(k: usize) -> Rgb {
    const CLASSES: [Rgb; 8] = [
        (0, 114, 178),
        (213, 94, 0),
        (0, 158, 115),
        (204, 121, 167),
        (240, 228, 66),
        (86, 180, 233),
        (230, 159, 0),
        (200, 200, 200),
    ];
    CLASSES[k % CLASSES.len()]
}

/// The colour of basin `k` (the run colours, in order).
pub fn basin_rgb(k: usize) -> Rgb {
    RUNS[k % RUNS.len()]
}
