//! Where each panel sits: the top bar, the controls on the left, the
//! inspector on the right, the loss plot at the bottom, the views in the
//! centre; the sweep docks on the right beside the inspector.

use eframe::egui;

use super::DescentApp;
use super::panels::{controls, help, inspector, loss_plot, menu_bar};
use super::views::Centre;

impl DescentApp {
    /// Lays out one frame; the panels' commands wait in `self.commands`.
    pub(super) fn lay_out(&mut self, ui: &mut egui::Ui) {
        let last = self.last_row();
        self.session
            .want_curvature(&self.preset, self.playback.head.min(last));
        self.session
            .want_imported(&self.preset, &self.state.base_dir);
        egui::Panel::top("transport").show(ui, |ui| {
            let messages = self
                .invalid
                .iter()
                .chain(&self.session.error)
                .map(String::as_str)
                .chain(self.session.import_errors())
                .collect();
            menu_bar::show(
                ui,
                menu_bar::TopBar {
                    state: &mut self.state,
                    sweep_open: &mut self.sweep.open,
                    tune_open: &mut self.tune.open,
                    playback: &mut self.playback,
                    rows: (self.session.horizon, last),
                    messages,
                    files: &mut self.files,
                    history: (self.history.can_undo(), self.history.can_redo()),
                },
                &mut self.commands,
            );
        });
        if !self.state.presenting {
            self.controls(ui);
        }
        if self.state.show_inspector {
            self.inspector(ui, last);
        }
        self.sweep.poll();
        if self.sweep.open {
            // Docked beside the map, never over it.
            egui::Panel::right("sweep")
                .resizable(true)
                .default_size(440.0)
                .size_range(300.0..=700.0)
                .show(ui, |ui| {
                    if let Some(edit) = self.sweep.show(ui, &self.preset, &self.state.base_dir) {
                        self.commands.edit(edit);
                    }
                });
        } else {
            self.sweep.close();
        }
        if self.tune.open {
            egui::Panel::right("tune")
                .resizable(true)
                .default_size(360.0)
                .size_range(280.0..=600.0)
                .show(ui, |ui| {
                    if let Some(edit) = self.tune.show(ui, &self.preset, &self.state.base_dir) {
                        self.commands.edit(edit);
                    }
                });
        } else {
            self.tune.close();
        }
        self.loss(ui);
        help::window(ui.ctx(), &mut self.state.help, &mut self.commands);
        self.views.show(
            ui,
            Centre {
                state: &mut self.state,
                preset: &self.preset,
                session: &mut self.session,
                head: self.playback.head,
                last,
                commands: &mut self.commands,
            },
        );
    }

    /// The left panel: problem, runs and their hyperparameters.
    fn controls(&mut self, ui: &mut egui::Ui) {
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(340.0)
            .size_range(260.0..=600.0)
            .show(ui, |ui| {
                let mut scroll = egui::ScrollArea::vertical();
                // A lesson opens at its title, wherever the last one was scrolled.
                if std::mem::take(&mut self.views.controls_to_top) {
                    scroll = scroll.vertical_scroll_offset(0.0);
                }
                scroll.show(ui, |ui| {
                    let imported = self.session.imported();
                    let input = controls::ControlsInput {
                        preset: &self.preset,
                        tracks: &self.session.tracks,
                        samples: self.session.problem.as_ref().and_then(|p| p.sample_count()),
                        curvature: self.session.curvature(),
                        imported: &imported,
                    };
                    controls::show(ui, input, &mut self.commands);
                });
            });
    }

    /// The inspector on the right, at the play head.
    fn inspector(&mut self, ui: &mut egui::Ui, last: usize) {
        let head = self.playback.head.min(last) as u64;
        self.session.want_inspection(&self.preset, head);
        let names = self
            .session
            .problem
            .as_ref()
            .map(|p| p.param_names())
            .unwrap_or_default();
        // Wide enough on first open for a column of numbers per parameter
        // (the first few; more scroll).
        let columns = names.len().clamp(1, 4) as f32;
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size((150.0 + 95.0 * columns).clamp(320.0, 700.0))
            .size_range(220.0..=900.0)
            .show(ui, |ui| {
                // Filled, so the panel keeps its width while it computes.
                ui.set_min_width(ui.available_width());
                inspector::show(
                    ui,
                    &self.preset,
                    self.session.inspections(),
                    &names,
                    self.playback.head,
                );
            });
    }

    /// The loss, learning-rate or accuracy plot at the bottom.
    fn loss(&mut self, ui: &mut egui::Ui) {
        // Presentation mode has a panel of its own, a fifth of the height,
        // so the map gets most of the screen and the usual panel keeps its
        // height for when it ends.
        let panel = if self.state.presenting {
            let height = (ui.available_height() * 0.2).max(90.0);
            egui::Panel::bottom("loss_presenting").exact_size(height)
        } else {
            egui::Panel::bottom("loss")
                .resizable(true)
                .default_size(220.0)
                .size_range(100.0..=600.0)
        };
        panel.show(ui, |ui| {
            let problem = self.session.problem.as_ref();
            let classifier = problem.is_some_and(|p| p.classes().is_some());
            let epochs = problem
                .and_then(|p| p.sample_count())
                .map(|n| loss_plot::EpochScale::new(&self.preset, n));
            if classifier && self.state.curve == loss_plot::Curve::Accuracy {
                self.session.want_accuracy();
            }
            let default_every = self
                .preset
                .sharpness_every
                .unwrap_or((self.preset.steps / 200).max(1));
            let asked = self.state.sharpness_every.unwrap_or(default_every);
            let mut every = crate::analysis::sharpness::sample_every(asked, self.preset.steps);
            if self.state.curve == loss_plot::Curve::Sharpness {
                self.session.want_sharpness(&self.preset, every);
            }
            let imported = self.session.imported();
            loss_plot::show(
                ui,
                &self.preset,
                loss_plot::Runs {
                    tracks: &self.session.tracks,
                    imported: &imported,
                    sharpness: self.session.sharpness(),
                },
                self.playback.head,
                loss_plot::Axes {
                    curve: &mut self.state.curve,
                    log: &mut self.state.log_loss,
                    epochs: &mut self.state.epochs_axis,
                    evaluations: &mut self.state.evaluations_axis,
                    reveal: &mut self.state.reveal,
                    sharpness_every: &mut every,
                },
                classifier.then_some(self.session.accuracy()),
                epochs.as_ref(),
            );
            if every != crate::analysis::sharpness::sample_every(asked, self.preset.steps) {
                self.state.sharpness_every = Some(every);
            }
        });
    }
}
