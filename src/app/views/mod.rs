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
pub struct Views {
    /// Maps drawn as textures.
    pub textures: Textures,
    /// A new problem: fit the parameter view to its default box once its
    /// results arrive.
    reset_view: bool,
    /// The box to restore on the first frame.
    initial_view: Option<ViewBox>,
    /// Fit the data view to the data on its next frame.
    data_reset: bool,
    /// A new landscape slice arrived: fit the view to it.
    slice_fresh: bool,
}

impl Views {
    /// Views that open on `initial` (a restored session) or, with none, on
    /// the problem's own box.
    pub fn new(initial: Option<ViewBox>) -> Self {
        Self {
            reset_view: initial.is_none(),
            initial_view: initial,
            data_reset: true,
            ..Self::default()
        }
    }

    /// A new problem: every view is fitted to it again.
    pub fn new_problem(&mut self) {
        self.reset_view = true;
        self.data_reset = true;
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

    /// The box to force the map to this frame: the restored view once, then
    /// the preset's or problem's view after a new problem.
    fn take_reset_view(&mut self, preset: &Preset, session: &Session) -> Option<ViewBox> {
        if let Some(view) = self.initial_view.take() {
            Some(view)
        } else if self.reset_view && session.finished_starting() {
            self.reset_view = false;
            preset
                .view
                .or_else(|| session.problem.as_ref().and_then(|p| p.view()))
        } else {
            None
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
