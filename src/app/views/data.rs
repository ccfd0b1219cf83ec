//! The data view of a problem with data: points, each run's fit, and a
//! classifier's decision map, asked for at the box on screen.

use eframe::egui;

use super::{Centre, Views, run_chooser};
use crate::app::panels::data_view;

impl Views {
    /// Draws the data view inside the central panel.
    pub(super) fn data(&mut self, ui: &mut egui::Ui, centre: &mut Centre<'_>) {
        let (state, preset, head) = (&mut *centre.state, centre.preset, centre.head);
        let session = &mut *centre.session;
        let (Some(samples), Some(problem)) = (&session.samples, &session.problem) else {
            return;
        };
        let classes = problem.classes().is_some();
        if classes && preset.runs.len() > 1 {
            run_chooser(ui, "Decision map of", preset, &mut state.boundary_run);
        }
        let output = data_view::show(
            ui,
            &data_view::DataInput {
                samples,
                problem: problem.as_ref(),
                tracks: &session.tracks,
                preset,
                head,
                decision: self.textures.decision.shown(),
                // Fitted to the new problem's data, once they have arrived.
                reset_view: self.data_reset && session.finished_starting(),
                imported: &session.imported(),
            },
        );
        if session.finished_starting() {
            self.data_reset = false;
        }
        self.data_bounds = output.bounds;
        if classes
            && let Some(bounds) = output.bounds
            && let Some(track) = session.tracks.get(state.boundary_run)
            && let Some((params, _)) = track.row(head.min(track.len().saturating_sub(1)))
        {
            let cols = ((output.size_px[0] / 4.0) as usize).clamp(32, 200);
            let rows = ((output.size_px[1] / 4.0) as usize).clamp(32, 200);
            let params = params.to_vec();
            session.want_decision(&params, bounds, (cols, rows));
        }
    }
}
