//! Colours shared by the window and the exporters, as plain RGB (no egui).

use serde::{Deserialize, Serialize};

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

/// A companion path's colour (ASGD's average): the run's, 60 % of the way to
/// white, so it stands out of the run's own path.
pub fn companion_rgb((r, g, b): Rgb) -> Rgb {
    let lighten = |c: u8| (f64::from(c) + 0.6 * (255.0 - f64::from(c))).round() as u8;
    (lighten(r), lighten(g), lighten(b))
}

/// Dark for screens (egui's dark panels), light for slides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Light text on dark grey.
    #[default]
    Dark,
    /// Dark text on white.
    Light,
}

/// The colours of a picture's page, axes and text in one theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paper {
    /// Page background.
    pub background: Rgb,
    /// Plot background behind curves.
    pub plot_background: Rgb,
    /// Text and axes.
    pub text: Rgb,
    /// Grid lines.
    pub grid: Rgb,
    /// A sweep cell whose run never reached the tolerance.
    pub unreached: Rgb,
    /// What a white run is drawn in (white vanishes on light paper).
    pub white_run: Rgb,
}

impl Theme {
    /// Its page, axis and text colours.
    pub const fn paper(self) -> Paper {
        match self {
            Self::Dark => Paper {
                background: (27, 27, 27),
                plot_background: (10, 10, 10),
                text: (210, 210, 210),
                grid: (55, 55, 55),
                unreached: (70, 70, 70),
                white_run: (255, 255, 255),
            },
            Self::Light => Paper {
                background: (255, 255, 255),
                plot_background: (255, 255, 255),
                text: (30, 30, 30),
                grid: (222, 222, 222),
                unreached: (185, 185, 185),
                white_run: (40, 40, 40),
            },
        }
    }
}

impl std::str::FromStr for Theme {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "dark" => Ok(Self::Dark),
            "light" => Ok(Self::Light),
            other => Err(format!("unknown theme `{other}`: expected dark or light")),
        }
    }
}

impl Paper {
    /// A run's colour as drawn on this paper.
    pub fn run(&self, rgb: Rgb) -> Rgb {
        if rgb == (255, 255, 255) {
            self.white_run
        } else {
            rgb
        }
    }
}

/// Isolines over the heat map, and their opacity.
pub const ISOLINE: (Rgb, f64) = ((245, 245, 245), 0.7);
/// The start marker.
pub const START: Rgb = (250, 250, 250);
/// Known minima.
pub const MINIMUM: Rgb = (255, 80, 80);
/// A sweep cell whose run diverged.
pub const SWEEP_DIVERGED: Rgb = (150, 45, 45);

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
