//! The File menu's plumbing: native dialogs (`rfd`) on their own thread, export
//! jobs off the UI thread with progress and cancel, and the status line that
//! reports every outcome (errors are never dropped silently).

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use eframe::egui::{self, RichText};

use crate::app::theme;
use crate::export::job::{self, ExportJob, ExportRequest};

/// What a File-menu item asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileAction {
    /// Open a preset.
    Open,
    /// Save the current preset.
    Save,
    /// Export a PNG or SVG picture.
    ExportImage,
    /// Export a GIF animation.
    ExportGif,
    /// Export the trajectories as CSV.
    ExportCsv,
    /// Export every step's optimizer state as CSV.
    ExportStateCsv,
}

impl FileAction {
    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open preset…",
            Self::Save => "Save preset…",
            Self::ExportImage => "Export image…",
            Self::ExportGif => "Export GIF…",
            Self::ExportCsv => "Export CSV…",
            Self::ExportStateCsv => "Export optimizer state CSV…",
        }
    }

    fn dialog(self) -> rfd::FileDialog {
        let d = rfd::FileDialog::new();
        match self {
            Self::Open => d.add_filter("Descent preset", &["ron"]),
            Self::Save => d
                .add_filter("Descent preset", &["ron"])
                .set_file_name("preset.ron"),
            Self::ExportImage => d
                .add_filter("PNG image", &["png"])
                .add_filter("SVG image", &["svg"])
                .set_file_name("descent.png"),
            Self::ExportGif => d
                .add_filter("GIF animation", &["gif"])
                .set_file_name("descent.gif"),
            Self::ExportCsv => d
                .add_filter("CSV", &["csv"])
                .set_file_name("trajectories.csv"),
            Self::ExportStateCsv => d
                .add_filter("CSV", &["csv"])
                .set_file_name("optimizer-state.csv"),
        }
    }
}

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
    dialog: Option<(FileAction, Receiver<Option<PathBuf>>)>,
    job: Option<(ExportJob, String)>,
    /// The last outcome.
    pub status: Option<Status>,
}

impl Files {
    /// The File menu's items; returns the one clicked.
    pub fn menu(ui: &mut egui::Ui) -> Option<FileAction> {
        let mut chosen = None;
        for (i, action) in [
            FileAction::Open,
            FileAction::Save,
            FileAction::ExportImage,
            FileAction::ExportGif,
            FileAction::ExportCsv,
            FileAction::ExportStateCsv,
        ]
        .into_iter()
        .enumerate()
        {
            if i == 2 {
                ui.separator();
            }
            if ui.button(action.label()).clicked() {
                chosen = Some(action);
            }
        }
        chosen
    }

    /// Opens the native dialog for `action` on its own thread.
    pub fn ask(&mut self, action: FileAction, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("descent-dialog".into())
            .spawn(move || {
                let dialog = action.dialog();
                let path = if action == FileAction::Open {
                    dialog.pick_file()
                } else {
                    dialog.save_file()
                };
                let _ = tx.send(path);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some((action, rx)),
            Err(e) => self.report_error(format!("cannot open a file dialog: {e}")),
        }
    }

    /// The dialog's answer once the user has chosen a file.
    pub fn chosen(&mut self) -> Option<(FileAction, PathBuf)> {
        let (action, rx) = self.dialog.as_ref()?;
        match rx.try_recv() {
            Ok(Some(path)) => {
                let action = *action;
                self.dialog = None;
                Some((action, path))
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                self.dialog = None;
                None
            }
            Err(mpsc::TryRecvError::Empty) => None,
        }
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
                theme::ERROR
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
