//! What panels ask the window to do, and the one place it is done.
//!
//! Panels read the preset and push [`Command`]s; after the UI pass
//! [`DescentApp::execute`] applies each: an [`Edit`] changes the preset,
//! marks it unsaved, resets what no longer fits and reruns the session;
//! files are opened, saved and exported; the unsaved-edits question is
//! answered.

use std::path::PathBuf;

use eframe::egui;

use super::DescentApp;
use super::edit::Edit;
use super::files::FileAction;
use super::unsaved::{Answer, Opening, Pending};
use crate::export::job::ExportRequest;
use crate::export::picture::Layout;
use crate::export::write::{ExportKind, ImageFormat};
use crate::preset::Preset;

/// One request from a panel.
#[must_use]
#[derive(Debug)]
pub enum Command {
    /// A change to the preset.
    Edit(Edit),
    /// Open a shipped lesson (after asking about unsaved edits).
    OpenLesson(Box<Preset>),
    /// Open a preset file (after asking about unsaved edits).
    OpenFile(PathBuf),
    /// Show the file dialog of a File-menu item.
    AskFile(FileAction),
    /// Carry out a File-menu item on the file the dialog returned.
    FileChosen(FileAction, PathBuf),
    /// The answer to the unsaved-edits question.
    Unsaved(Answer),
    /// Say something went wrong in the status line.
    ReportError(String),
    /// Take back the last edit.
    Undo,
    /// Do again the last edit taken back.
    Redo,
    /// Back to the lesson (or file) as it was opened.
    ResetLesson,
    /// Fit the views to the problem's own box again.
    ResetView,
    /// The formula being typed parses, or does not (the map then keeps the
    /// last one that did, and says so).
    FormulaTyped {
        /// Whether it parses.
        parses: bool,
    },
}

/// The commands pushed during one frame.
#[derive(Debug, Default)]
pub struct Commands(Vec<Command>);

impl Commands {
    /// Queues `command`.
    pub fn push(&mut self, command: Command) {
        self.0.push(command);
    }

    /// Queues an edit of the preset.
    pub fn edit(&mut self, edit: Edit) {
        self.push(Command::Edit(edit));
    }

    /// The queued commands, oldest first; the queue is left empty.
    pub fn take(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.0)
    }

    /// The queued commands.
    pub fn queued(&self) -> &[Command] {
        &self.0
    }

    /// The queued edits.
    pub fn edits(&self) -> impl Iterator<Item = &Edit> {
        self.0.iter().filter_map(|c| match c {
            Command::Edit(e) => Some(e),
            _ => None,
        })
    }
}

/// A file dropped on the window this frame: a `.ron` file is opened, a
/// `.csv` imported as a trajectory, anything else reported.
pub fn dropped(ctx: &egui::Context) -> Option<Command> {
    let path = ctx.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()))?;
    Some(
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
        {
            Command::OpenFile(path)
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            Command::FileChosen(FileAction::ImportTrajectory, path)
        } else {
            Command::ReportError(format!(
                "{}: not a preset (.ron) or a trajectory (.csv)",
                path.display()
            ))
        },
    )
}

impl DescentApp {
    /// Carries out `command`.
    pub(super) fn execute(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::Edit(edit) => {
                let mut edited = self.preset.clone();
                let held = ctx.input(|i| i.pointer.any_down());
                match edit.clone().apply(&mut edited) {
                    Ok(_) => {
                        self.history.record(&self.preset, &edit, held);
                        self.show_preset(edited);
                    }
                    Err(e) => self
                        .files
                        .report_error(format!("cannot apply the edit: {e}")),
                }
            }
            Command::Undo => {
                if let Some(previous) = self.history.undo(&self.preset) {
                    self.show_preset(previous);
                }
            }
            Command::Redo => {
                if let Some(next) = self.history.redo(&self.preset) {
                    self.show_preset(next);
                }
            }
            Command::ResetLesson => {
                let pristine = self.history.pristine().clone();
                if pristine != self.preset {
                    let edit = Edit::SwitchProblem(pristine.problem.clone());
                    self.history.record(&self.preset, &edit, false);
                    self.show_preset(pristine);
                }
            }
            Command::ResetView => self.views.new_problem(),
            Command::OpenLesson(preset) => self.request_open(Opening::Lesson(preset)),
            Command::OpenFile(path) => self.request_open(Opening::File(path)),
            Command::AskFile(action) => self.ask_file(action, ctx),
            Command::FileChosen(action, path) => self.file_chosen(action, path, ctx),
            Command::Unsaved(answer) => match answer {
                Answer::Discard => self.go_on(ctx),
                Answer::Cancel => self.unsaved.pending = None,
                // The question stays until the file is saved (then it goes on).
                Answer::Save => self.ask_file(FileAction::Save, ctx),
            },
            Command::ReportError(text) => self.files.report_error(text),
            Command::FormulaTyped { parses } => self.views.formula_pending = !parses,
        }
    }

    /// Opens a file dialog for `action` in the preset's folder (the working
    /// folder for a shipped lesson, whose own is the program's).
    fn ask_file(&mut self, action: FileAction, ctx: &egui::Context) {
        let lesson = self.state.base_dir == crate::preset::lessons::lessons_dir();
        let dir = if lesson {
            std::env::current_dir().unwrap_or_default()
        } else {
            std::fs::canonicalize(&self.state.base_dir)
                .unwrap_or_else(|_| self.state.base_dir.clone())
        };
        self.files
            .ask(action, &dir, ctx, self.state.built_in_file_dialog);
    }

    /// Carries out a File-menu action on `path` (what the dialog returns).
    pub fn file_chosen(&mut self, action: FileAction, path: PathBuf, ctx: &egui::Context) {
        // The picture shows what the window shows: the data or the map.
        let layout = if self.state.show_data {
            Layout::Data
        } else {
            Layout::Both
        };
        let picture = crate::export::picture::PictureOptions {
            log_loss: self.state.log_loss,
            layout,
            theme: self.state.theme,
            ..Default::default()
        };
        let kind = match action {
            FileAction::Open => return self.request_open(Opening::File(path)),
            FileAction::ImportTrajectory => return self.import_trajectory(path, ctx),
            FileAction::Save => {
                match self.preset.save(&path) {
                    Ok(()) => {
                        self.history.saved(&self.preset);
                        self.unsaved.edited = false;
                        self.files.report(format!("saved {}", path.display()));
                        self.go_on(ctx);
                    }
                    Err(e) => self.files.report_error(e.to_string()),
                }
                return;
            }
            FileAction::ExportImage => ExportKind::Picture(picture, ImageFormat::of(&path)),
            FileAction::ExportGif => {
                let gif = crate::export::animation::GifOptions::default();
                ExportKind::Gif(crate::export::animation::GifOptions {
                    picture: crate::export::picture::PictureOptions {
                        log_loss: self.state.log_loss,
                        layout,
                        theme: self.state.theme,
                        ..gif.picture
                    },
                    ..gif
                })
            }
            FileAction::ExportCsv => ExportKind::Trajectories,
            FileAction::ExportStateCsv => ExportKind::States,
            FileAction::ExportTorchScript => {
                let script = crate::export::torch_script::torch_script;
                return self.export_script(script, &path);
            }
            FileAction::ExportJaxScript => {
                return self.export_script(crate::export::jax_script::jax_script, &path);
            }
        };
        let request = ExportRequest {
            preset: self.preset.clone(),
            base_dir: self.state.base_dir.clone(),
            view: self.state.view,
            path,
            kind,
        };
        self.files.export(request, ctx);
    }

    /// Writes the preset as a PyTorch or JAX script (text made in a moment,
    /// so here rather than on a job thread), or says why there is none.
    fn export_script(&mut self, script: crate::export::ScriptWriter, path: &std::path::Path) {
        let origin = "Descent's window";
        let written = script(&self.preset, origin, &self.state.base_dir)
            .map_err(|e| e.to_string())
            .and_then(|script| {
                crate::support::atomic_file::write(path, script.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            });
        match written {
            Ok(()) => self.files.report(format!("wrote {}", path.display())),
            Err(e) => self.files.report_error(e),
        }
    }

    /// Reads a trajectory CSV in the background; it joins the overlays once
    /// it reads (see [`crate::app::imports`]).
    fn import_trajectory(&mut self, path: PathBuf, ctx: &egui::Context) {
        let Some(problem) = self.session.problem.clone() else {
            self.files
                .report_error("the problem is still being built; import the file again".into());
            return;
        };
        let waker = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        if let Err(e) = self
            .imports
            .start(path, &self.state.base_dir, problem, waker)
        {
            self.files.report_error(e);
        }
    }

    /// Opens a lesson or file now, or first asks about unsaved edits.
    fn request_open(&mut self, opening: Opening) {
        if self.unsaved.edited {
            self.unsaved.pending = Some(Pending::Open(opening));
        } else {
            self.open(opening);
        }
    }

    fn open(&mut self, opening: Opening) {
        match opening {
            Opening::Lesson(preset) => {
                self.open_preset(*preset, crate::preset::lessons::lessons_dir());
            }
            Opening::File(path) => match Preset::load(&path) {
                Ok(preset) => {
                    let dir = path
                        .parent()
                        .map_or_else(|| PathBuf::from("."), PathBuf::from);
                    self.open_preset(preset, dir);
                    self.files.report(format!("opened {}", path.display()));
                }
                // A bad file is reported and the current scenario kept.
                Err(e) => self.files.report_error(e.to_string()),
            },
        }
    }

    /// Shows `preset` in place of the current one (an edit, an undo or a
    /// redo): the views are fitted again if its problem is another, it is
    /// unsaved unless it is the one opened, and its runs are recomputed.
    fn show_preset(&mut self, preset: Preset) {
        if preset.problem != self.preset.problem {
            self.views.new_problem();
        }
        self.preset = preset;
        self.unsaved.edited = self.preset != *self.history.pristine();
        self.preset_changed();
    }

    /// Replaces the scenario and shows it from the end, its data read afresh.
    fn open_preset(&mut self, preset: Preset, base_dir: PathBuf) {
        self.history = super::history::History::new(&preset);
        self.state.sharpness_every = None;
        self.state.curve = self.state.curve.on_opening(&preset);
        self.preset = preset;
        self.state.base_dir = base_dir;
        self.views.new_problem();
        self.views.formula_pending = false;
        self.views.controls_to_top = true;
        self.playback = super::panels::transport::Playback::opening(
            self.state.reveal && self.options.screenshot.is_none(),
        );
        self.validated_problem = None;
        if self.check_preset() {
            self.session.reload(&self.preset, &self.state.base_dir);
        }
        self.unsaved.edited = false;
    }

    /// Carries out what was waiting, the edits being saved or given up.
    fn go_on(&mut self, ctx: &egui::Context) {
        match self.unsaved.pending.take() {
            Some(Pending::Open(opening)) => {
                self.unsaved.edited = false;
                self.open(opening);
            }
            Some(Pending::Close) => {
                self.unsaved.close_confirmed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            None => {}
        }
    }

    /// Sends the edited preset to the simulation thread if it is valid.
    pub(super) fn preset_changed(&mut self) {
        if self.check_preset() {
            self.session.run(&self.preset, &self.state.base_dir);
        }
    }

    /// Validates the preset, and shows why not; a problem already checked
    /// is not checked again (a typed formula is not parsed on a slider move).
    fn check_preset(&mut self) -> bool {
        let checked = self.validated_problem.as_ref() == Some(&self.preset.problem);
        let result = if checked {
            self.preset.validate_except_problem("preset")
        } else {
            self.preset.validate("preset")
        };
        match result {
            Ok(()) => {
                self.invalid = None;
                self.validated_problem = Some(self.preset.problem.clone());
                true
            }
            Err(e) => {
                self.invalid = Some(e.to_string());
                false
            }
        }
    }
}
