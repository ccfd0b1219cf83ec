//! The File menu's plumbing: its items, the file dialogs, export jobs off
//! the UI thread with progress and cancel, and the status line that reports
//! every outcome (errors are never dropped silently).

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};

use super::dialogs::Dialogs;
pub use super::dialogs::FileAction;
use crate::app::theme;
use crate::export::job::{self, ExportJob, ExportRequest};

/// The last outcome, shown until the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// What happened.
    pub text: String,
    /// Whether it is an error.
    pub error: bool,
}

/// Dialogs and exports in flight, and the status line.
#[derive(Debug, Default)]
pub struct Files {
    dialogs: Dialogs,
    job: Option<(ExportJob, String)>,
    /// The last outcome.
    pub status: Option<Status>,
}

impl Files {
    /// The File menu's items; returns the one clicked. `built_in` is the
    /// choice of Descent's own dialog over the desktop's.
    pub fn menu(ui: &mut egui::Ui, built_in: &mut bool) -> Option<FileAction> {
        let mut chosen = None;
        for (i, action) in FileAction::ALL.into_iter().enumerate() {
            if i == 2 {
                ui.separator();
            }
            if ui.button(action.label()).clicked() {
                chosen = Some(action);
            }
        }
        ui.separator();
        ui.checkbox(built_in, "Use Descent's own file dialog")
            .on_hover_text("Instead of the desktop's (which some window managers lack)");
        chosen
    }

    /// Asks for a file for `action`, starting in `dir`.
    pub fn ask(&mut self, action: FileAction, dir: &Path, ctx: &egui::Context, built_in: bool) {
        self.dialogs.ask(action, dir, ctx, built_in);
    }

    /// Whether a file dialog is showing.
    pub fn asking(&self) -> bool {
        self.dialogs.is_open()
    }

    /// Whether Descent's own file dialog is showing.
    pub fn built_in_dialog_open(&self) -> bool {
        self.dialogs.built_in_open()
    }

    /// The desktop dialog's answer, once the user has chosen a file.
    pub fn chosen(&mut self) -> Option<(FileAction, PathBuf)> {
        let (chosen, notice) = self.dialogs.poll();
        if let Some(text) = notice {
            self.report(text);
        }
        chosen
    }

    /// Draws Descent's own file dialog, if open; returns the file chosen.
    pub fn show_dialog(&mut self, ctx: &egui::Context) -> Option<(FileAction, PathBuf)> {
        self.dialogs.show(ctx)
    }

    /// Starts an export; one at a time.
    pub fn export(&mut self, request: ExportRequest, ctx: &egui::Context) {
        if self.job.is_some() {
            self.report_error("an export is already running".into());
            return;
        }
        let what = request.path.display().to_string();
        let ctx = ctx.clone();
        match job::start(request, move || ctx.request_repaint()) {
            Ok(job) => {
                self.status = Some(Status {
                    text: format!("exporting {what}…"),
                    error: false,
                });
                self.job = Some((job, what));
            }
            Err(e) => self.report_error(format!("cannot start the export: {e}")),
        }
    }

    /// Whether an export is running.
    pub fn exporting(&self) -> bool {
        self.job.is_some()
    }

    /// Picks up a finished export's outcome.
    pub fn poll(&mut self) {
        let Some((job, _)) = &mut self.job else {
            return;
        };
        let Some(outcome) = job::outcome(job) else {
            return;
        };
        self.status = Some(match outcome {
            Ok(path) => Status {
                text: format!("wrote {}", path.display()),
                error: false,
            },
            Err(e) => Status {
                text: format!("export failed: {e}"),
                error: true,
            },
        });
        self.job = None;
    }

    /// Records a successful outcome.
    pub fn report(&mut self, text: String) {
        self.status = Some(Status { text, error: false });
    }

    /// Records an error.
    pub fn report_error(&mut self, text: String) {
        self.status = Some(Status { text, error: true });
    }

    /// The progress bar with Cancel while exporting, else the last outcome.
    pub fn status_ui(&mut self, ui: &mut egui::Ui) {
        if let Some((job, what)) = &self.job {
            ui.horizontal(|ui| {
                let (done, total) = job.progress();
                let fraction = if total > 0 {
                    done as f32 / total as f32
                } else {
                    0.0
                };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(240.0)
                        .text(format!("exporting {what}")),
                );
                if ui.button("Cancel export").clicked() {
                    job.cancel();
                }
            });
            ui.ctx().request_repaint();
        } else if let Some(status) = self.status.clone() {
            let color = if status.error {
                theme::error(ui)
            } else {
                ui.visuals().weak_text_color()
            };
            ui.horizontal(|ui| {
                ui.label(RichText::new(&status.text).color(color));
                if ui.small_button("Dismiss").clicked() {
                    self.status = None;
                }
            });
        }
    }
}
