//! What the window persists between sessions, apart from runtime handles.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::preset::Preset;
use crate::problem::ViewBox;

/// Persisted with eframe's storage; every field has a default so older saves load.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent view toggles, persisted as such"
)]
pub struct AppState {
    /// The scenario being edited (RON text, so the preset format stays the contract).
    pub preset_ron: String,
    /// Where its relative data paths resolve.
    pub base_dir: PathBuf,
    /// The surface view's box.
    pub view: Option<ViewBox>,
    /// Loss plot on a log axis.
    pub log_loss: bool,
    /// Colour the map by where each start point ends (2-parameter problems).
    pub show_basins: bool,
    /// Whose basins.
    pub basin_run: usize,
    /// The loss plot's horizontal axis counts epochs, not steps.
    pub epochs_axis: bool,
    /// The loss plot's horizontal axis counts loss and gradient evaluations
    /// (L-BFGS makes several per step), not steps.
    pub evaluations_axis: bool,
    /// Playback speed in steps per second.
    pub speed: f64,
    /// The step inspector is open.
    pub show_inspector: bool,
    /// Presentation mode: full screen, large type, controls hidden.
    pub presenting: bool,
    /// The 3-D view beside the map.
    pub show_3d: bool,
    /// Its camera.
    pub camera: crate::app::panels::surface_3d::Camera,
    /// Overlay −∇f arrows on the surface.
    pub show_quiver: bool,
    /// Draw each run's next update (and, with the inspector, its preconditioner).
    pub show_arrows: bool,
    /// What the bottom plot shows.
    pub curve: crate::app::panels::loss_plot::Curve,
    /// Show the data (points, fits, decision map) instead of parameter space.
    pub show_data: bool,
    /// The run whose decision map the data view shows.
    pub boundary_run: usize,
    /// Overlay the contour of the mini-batch at the play head.
    pub show_batch_contour: bool,
    /// How parameter space is shown when there are more than 2 parameters.
    pub slice: SliceView,
    /// The run a landscape slice goes through.
    pub slice_run: usize,
    /// Loss curves drawn only up to the play head.
    pub reveal: bool,
    /// Descent's own file dialog even where the desktop has one.
    pub built_in_file_dialog: bool,
    /// Dark or light, for the window and what it exports.
    pub theme: crate::render::palette::Theme,
    /// The Help page open, if any (not kept between sessions).
    #[serde(skip)]
    pub help: Option<crate::app::panels::help::HelpPage>,
    /// The sharpness interval the user chose instead of the preset's (until
    /// another preset opens).
    #[serde(skip)]
    pub sharpness_every: Option<u64>,
}

/// The parameter view for models with more than 2 parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SliceView {
    /// The first two parameters, no loss field.
    #[default]
    FirstTwo,
    /// A slice along two filter-normalised random directions.
    Random,
    /// A slice along the top two principal components of a run's path.
    Pca,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            preset_ron: crate::DEFAULT_PRESET.to_owned(),
            base_dir: PathBuf::from("."),
            view: None,
            log_loss: true,
            show_basins: false,
            basin_run: 0,
            epochs_axis: false,
            evaluations_axis: false,
            speed: 200.0,
            show_inspector: false,
            presenting: false,
            show_3d: false,
            camera: crate::app::panels::surface_3d::Camera::default(),
            show_quiver: false,
            show_arrows: false,
            curve: crate::app::panels::loss_plot::Curve::Loss,
            show_data: false,
            boundary_run: 0,
            show_batch_contour: false,
            slice: SliceView::FirstTwo,
            slice_run: 0,
            reveal: true,
            built_in_file_dialog: false,
            theme: crate::render::palette::Theme::Dark,
            help: None,
            sharpness_every: None,
        }
    }
}

impl AppState {
    /// The stored preset, or the default lesson if it no longer parses.
    pub fn preset(&self) -> Preset {
        Preset::from_ron_str(&self.preset_ron, "saved session").unwrap_or_else(|_| {
            Preset::from_ron_str(crate::DEFAULT_PRESET, "default preset")
                .unwrap_or_else(|e| unreachable!("the embedded preset is tested: {e}"))
        })
    }
}
