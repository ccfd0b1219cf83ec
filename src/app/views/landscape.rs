//! A 2-D slice through the loss of a model with many parameters, with every
//! run's path projected onto it.

use eframe::egui;

use super::{Centre, Views, slice_selector};
use crate::analysis::landscape::SliceKind;
use crate::app::panels::surface_view;
use crate::app::state::SliceView;

impl Views {
    /// The centre in slice mode: the selector, then the slice.
    pub(super) fn landscape(&mut self, ui: &mut egui::Ui, centre: &mut Centre<'_>) {
        let has_data = centre.session.samples.is_some();
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                if has_data {
                    ui.selectable_value(&mut centre.state.show_data, false, "Parameters");
                    ui.selectable_value(&mut centre.state.show_data, true, "Data");
                    ui.separator();
                }
                slice_selector(ui, centre.state, centre.preset);
            });
            self.slice(ui, centre);
        });
    }

    fn slice(&mut self, ui: &mut egui::Ui, centre: &mut Centre<'_>) {
        let kind = match centre.state.slice {
            SliceView::Pca => SliceKind::Pca,
            _ => SliceKind::Random { seed: 0 },
        };
        let head = centre.head.min(centre.last);
        if kind == SliceKind::Pca && head < 2 {
            ui.label(
                "The PCA slice is the plane a run's path spans: play a few steps \
                 (or press End) to see it.",
            );
            return;
        }
        centre
            .session
            .want_slice(kind, centre.state.slice_run, head);
        let Some(slice) = centre.session.slice() else {
            ui.label("Computing the slice…");
            return;
        };
        let reset_view = std::mem::take(&mut self.slice_fresh).then_some(slice.field.spec.view);
        let axis_names = [slice.axes[0].as_str(), slice.axes[1].as_str()];
        surface_view::show(
            ui,
            &surface_view::SurfaceInput {
                plot_id: "landscape_slice",
                heat_map: self.textures.slice.shown(),
                overlay: None,
                isolines: &slice.field.isolines,
                batch_isolines: &[],
                tracks: &centre.session.slice_tracks,
                preset: centre.preset,
                head: usize::MAX,
                starts: Vec::new(),
                minima: &[],
                reset_view,
                axis_names,
                quiver: None,
                update_arrows: false,
                ellipses: &[],
                // A slice's plane is not the parameters' own.
                imported: &[],
            },
        );
    }
}
