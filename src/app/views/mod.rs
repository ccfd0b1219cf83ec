//! The centre of the window: the parameter view (map, overlays, 3-D), the
//! data view, or a landscape slice, whichever fits the problem and the
//! user's choice. Each asks the session for what it draws.

mod data;
mod landscape;
mod parameters;

use eframe::egui;

use super::command::Commands;
use super::session::Session;
use super::state::{AppState, SliceView};
use super::textures::Textures;
use crate::preset::Preset;
use crate::problem::ViewBox;

/// What the centre reads and may ask for this frame.
#[derive(Debug)]
pub struct Centre<'a> {
    /// The persisted view settings (toggles, chosen runs, the view box).
    pub state: &'a mut AppState,
    /// The scenario.
    pub preset: &'a Preset,
    /// Rows, fields and the workers to ask.
    pub session: &'a mut Session,
    /// The play head.
    pub head: usize,
    /// The last row received.
    pub last: usize,
    /// Where a click on the map goes.
    pub commands: &'a mut Commands,
}

/// The views' own state: their textures and when to fit their boxes.
#[derive(Debug, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent one-shot requests of different views"
)]
pub struct Views {
    /// Maps drawn as textures.
    pub textures: Textures,
    /// A new problem: fit the parameter view to its default box once its
    /// results arrive.
    reset_view: bool,
    /// Frames left in which the map keeps the box the user just moved it
    /// to (a zoom lands a frame after the scroll).
    settling: u32,
    /// Fit the data view to the data on its next frame.
    data_reset: bool,
    /// A new landscape slice arrived: fit the view to it.
    slice_fresh: bool,
    /// The data view's box on screen.
    data_bounds: Option<ViewBox>,
    /// The map's size on screen, in points.
    map_size: [f32; 2],
    /// The formula being typed does not parse: the map shows the last one
    /// that did.
    pub formula_pending: bool,
    /// A lesson was opened: the controls panel goes back to its top.
    pub controls_to_top: bool,
}

impl Views {
    /// Views that open on the box `initial` (a restored session) or, with
    /// none, on the problem's own.
    pub fn new(initial: Option<ViewBox>) -> Self {
        Self {
            reset_view: initial.is_none(),
            data_reset: true,
            ..Self::default()
        }
    }

    /// A new problem: every view is fitted to it again.
    pub fn new_problem(&mut self) {
        self.reset_view = true;
        self.data_reset = true;
    }

    /// The data view's box as last drawn.
    pub fn data_bounds(&self) -> Option<ViewBox> {
        self.data_bounds
    }

    /// Takes in what the workers sent since the last frame.
    pub fn sync(&mut self, ctx: &egui::Context, session: &Session) {
        self.slice_fresh |= self.textures.sync(ctx, session);
    }

    /// Draws the centre.
    pub fn show(&mut self, ui: &mut egui::Ui, mut centre: Centre<'_>) {
        let many = centre.session.problem.as_ref().is_some_and(|p| p.dim() > 2);
        if many && centre.state.slice != SliceView::FirstTwo && !centre.state.show_data {
            self.landscape(ui, &mut centre);
        } else if centre.session.samples.is_some() && centre.state.show_data {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut centre.state.show_data, false, "Parameters");
                    ui.selectable_value(&mut centre.state.show_data, true, "Data");
                });
                self.data(ui, &mut centre);
            });
        } else {
            self.parameters(ui, &mut centre);
        }
    }

    /// The box the map shows: the one the user moved it to, or after a new
    /// problem (once its results arrive) the preset's or the problem's own.
    /// It is kept in `state.view` and given to the map every frame, so a
    /// change of layout (the 3-D view, presentation mode) never changes it.
    fn target(
        &mut self,
        preset: &Preset,
        session: &Session,
        state: &mut AppState,
    ) -> Option<ViewBox> {
        if self.reset_view && session.finished_starting() {
            self.reset_view = false;
            state.view = preset
                .view
                .or_else(|| session.problem.as_ref().and_then(|p| p.view()));
        }
        state.view.filter(|_| self.settling == 0)
    }

    /// The map's size on screen as last drawn, in points.
    pub fn map_size(&self) -> [f32; 2] {
        self.map_size
    }

    /// Takes in what the user did to the map: a box moved to is kept.
    fn moved(
        &mut self,
        state: &mut AppState,
        output: &crate::app::panels::surface_view::SurfaceOutput,
    ) {
        self.map_size = output.size_px;
        if output.moved {
            self.settling = 2;
        } else {
            self.settling = self.settling.saturating_sub(1);
        }
        if output.moved || self.settling > 0 {
            state.view = output.bounds;
        }
    }
}

/// A menu of the preset's runs, labelled `label`, choosing `chosen`.
pub fn run_chooser(ui: &mut egui::Ui, label: &str, preset: &Preset, chosen: &mut usize) {
    let current = preset
        .runs
        .get(*chosen)
        .map_or_else(String::new, |r| r.display_label().to_owned());
    egui::ComboBox::from_label(label)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for (i, run) in preset.runs.iter().enumerate() {
                ui.selectable_value(chosen, i, run.display_label());
            }
        });
}

/// How parameter space is shown for a model with many parameters, and the
/// run a slice goes through.
fn slice_selector(ui: &mut egui::Ui, state: &mut AppState, preset: &Preset) {
    let text = |v: SliceView| match v {
        SliceView::FirstTwo => "First two parameters",
        SliceView::Random => "Random slice",
        SliceView::Pca => "PCA slice",
    };
    egui::ComboBox::from_label("Landscape")
        .selected_text(text(state.slice))
        .show_ui(ui, |ui| {
            for v in [SliceView::FirstTwo, SliceView::Random, SliceView::Pca] {
                ui.selectable_value(&mut state.slice, v, text(v));
            }
        })
        .response
        .on_hover_text(
            "A 2-D cut through all the parameters (Li et al. 2018): random filter-normalised directions, or the top principal components of a run's path",
        );
    if state.slice != SliceView::FirstTwo && preset.runs.len() > 1 {
        run_chooser(ui, "through", preset, &mut state.slice_run);
    }
}
