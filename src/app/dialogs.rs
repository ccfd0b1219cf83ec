//! Asking for a file: the desktop's own dialog (`rfd`, on its own thread)
//! where there is one, else Descent's in-window dialog (`egui_file`). On a
//! bare X session, a tiling window manager or Xvfb there is no desktop
//! portal; the native dialog then answers "none" at once, and the window
//! opens its own instead of leaving the button doing nothing.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use eframe::egui;

/// A native dialog that answers faster than this did not open: nobody
/// cancels a file dialog that quickly.
const TOO_FAST: Duration = Duration::from_millis(400);

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
    /// Draw a trajectory CSV beside the runs.
    ImportTrajectory,
    /// Write a PyTorch script that reproduces the runs.
    ExportTorchScript,
    /// Write a JAX/optax script that reproduces the runs.
    ExportJaxScript,
}

impl FileAction {
    /// Every action, in menu order.
    pub const ALL: [Self; 9] = [
        Self::Open,
        Self::Save,
        Self::ImportTrajectory,
        Self::ExportImage,
        Self::ExportGif,
        Self::ExportCsv,
        Self::ExportStateCsv,
        Self::ExportTorchScript,
        Self::ExportJaxScript,
    ];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open preset…",
            Self::Save => "Save preset…",
            Self::ExportImage => "Export image…",
            Self::ExportGif => "Export GIF…",
            Self::ExportCsv => "Export CSV…",
            Self::ExportStateCsv => "Export optimizer state CSV…",
            Self::ImportTrajectory => "Import trajectory CSV…",
            Self::ExportTorchScript => "Export as PyTorch script…",
            Self::ExportJaxScript => "Export as JAX/optax script…",
        }
    }

    /// The file name offered, and the extensions accepted (the first is added
    /// to a name typed without one).
    fn file(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Self::Open => ("", &["ron"]),
            Self::Save => ("preset.ron", &["ron"]),
            Self::ExportImage => ("descent.png", &["png", "svg"]),
            Self::ExportGif => ("descent.gif", &["gif"]),
            Self::ExportCsv => ("trajectories.csv", &["csv"]),
            Self::ExportStateCsv => ("optimizer-state.csv", &["csv"]),
            Self::ImportTrajectory => ("", &["csv"]),
            Self::ExportTorchScript => ("descent_torch.py", &["py"]),
            Self::ExportJaxScript => ("descent_jax.py", &["py"]),
        }
    }

    fn native(self, dir: &Path) -> rfd::FileDialog {
        let (name, extensions) = self.file();
        let d = rfd::FileDialog::new()
            .set_directory(dir)
            .add_filter(self.label().trim_end_matches('…'), extensions);
        if name.is_empty() {
            d
        } else {
            d.set_file_name(name)
        }
    }

    fn built_in(self, dir: &Path) -> egui_file::FileDialog {
        let (name, extensions) = self.file();
        let shown = Box::new(move |path: &Path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
        });
        let dialog = if self.opens() {
            egui_file::FileDialog::open_file()
        } else {
            egui_file::FileDialog::save_file().default_filename(name)
        };
        let mut dialog = dialog
            .initial_path(dir)
            .title(self.label())
            .show_files_filter(shown)
            .show_rename(false)
            .show_new_folder(false);
        dialog.open();
        dialog
    }

    /// Whether the dialog picks an existing file rather than a new name.
    fn opens(self) -> bool {
        matches!(self, Self::Open | Self::ImportTrajectory)
    }

    /// `path` with this action's extension when it has none.
    fn with_extension(self, path: PathBuf) -> PathBuf {
        match (path.extension(), self.file().1.first()) {
            (None, Some(ext)) if !self.opens() => path.with_extension(ext),
            _ => path,
        }
    }
}

/// Whether the desktop may have a native dialog: a session bus for the
/// portal, or zenity for rfd's fallback.
fn native_possible() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
        || std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file())
        })
}

/// The dialog being shown.
enum Asking {
    Native {
        action: FileAction,
        answer: Receiver<Option<PathBuf>>,
        since: Instant,
    },
    BuiltIn {
        action: FileAction,
        dialog: Box<egui_file::FileDialog>,
    },
}

/// The file dialog in flight, and whether the desktop has one.
pub struct Dialogs {
    asking: Option<Asking>,
    /// `None` until known.
    native_works: Option<bool>,
    /// Where a dialog opens.
    dir: PathBuf,
}

impl std::fmt::Debug for Dialogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dialogs")
            .field("open", &self.asking.is_some())
            .field("native_works", &self.native_works)
            .finish_non_exhaustive()
    }
}

impl Default for Dialogs {
    fn default() -> Self {
        Self {
            asking: None,
            native_works: (!native_possible()).then_some(false),
            dir: std::env::current_dir().unwrap_or_default(),
        }
    }
}

impl Dialogs {
    /// Opens a dialog for `action` in `dir`, unless one is open. `built_in`
    /// asks for Descent's own even where the desktop has one.
    pub fn ask(&mut self, action: FileAction, dir: &Path, ctx: &egui::Context, built_in: bool) {
        if self.asking.is_some() {
            return;
        }
        dir.clone_into(&mut self.dir);
        if built_in || self.native_works == Some(false) {
            self.open_built_in(action);
            return;
        }
        let (tx, answer) = mpsc::channel();
        let repaint = ctx.clone();
        let dialog = action.native(dir);
        let spawned = std::thread::Builder::new()
            .name("descent-dialog".into())
            .spawn(move || {
                let path = if action.opens() {
                    dialog.pick_file()
                } else {
                    dialog.save_file()
                };
                // The window may have closed meanwhile; then nobody asks.
                let _ = tx.send(path);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.asking = Some(Asking::Native {
                    action,
                    answer,
                    since: Instant::now(),
                });
            }
            Err(_) => self.open_built_in(action),
        }
    }

    fn open_built_in(&mut self, action: FileAction) {
        self.asking = Some(Asking::BuiltIn {
            action,
            dialog: Box::new(action.built_in(&self.dir)),
        });
    }

    /// Whether a dialog is showing.
    pub fn is_open(&self) -> bool {
        self.asking.is_some()
    }

    /// Whether the in-window dialog is showing.
    pub fn built_in_open(&self) -> bool {
        matches!(self.asking, Some(Asking::BuiltIn { .. }))
    }

    /// Takes in the native dialog's answer; one that came too fast means
    /// the desktop has none, and the in-window dialog opens instead (the
    /// returned notice says so).
    pub fn poll(&mut self) -> (Option<(FileAction, PathBuf)>, Option<String>) {
        let Some(Asking::Native {
            action,
            answer,
            since,
        }) = &self.asking
        else {
            return (None, None);
        };
        let (action, since) = (*action, *since);
        let answer = match answer.try_recv() {
            Ok(answer) => answer,
            Err(mpsc::TryRecvError::Empty) => return (None, None),
            Err(mpsc::TryRecvError::Disconnected) => None,
        };
        self.asking = None;
        match answer {
            Some(path) => {
                self.native_works = Some(true);
                (Some((action, path)), None)
            }
            None if since.elapsed() < TOO_FAST && self.native_works != Some(true) => {
                self.native_works = Some(false);
                self.open_built_in(action);
                (
                    None,
                    Some("the desktop has no file dialog here; this is Descent's own".to_owned()),
                )
            }
            None => (None, None),
        }
    }

    /// Draws the in-window dialog; returns the file chosen in it.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<(FileAction, PathBuf)> {
        let Some(Asking::BuiltIn { action, dialog }) = &mut self.asking else {
            return None;
        };
        let action = *action;
        let state = dialog.show(ctx).state();
        match state {
            egui_file::State::Selected => {
                let path = dialog.path().map(Path::to_path_buf);
                self.asking = None;
                path.map(|p| (action, action.with_extension(p)))
            }
            egui_file::State::Cancelled | egui_file::State::Closed => {
                self.asking = None;
                None
            }
            egui_file::State::Open => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_typed_without_its_extension_gets_it() {
        let p = FileAction::Save.with_extension(PathBuf::from("/tmp/lecture"));
        assert_eq!(p, PathBuf::from("/tmp/lecture.ron"));
        let p = FileAction::ExportImage.with_extension(PathBuf::from("/tmp/a.svg"));
        assert_eq!(p, PathBuf::from("/tmp/a.svg"));
        let p = FileAction::Open.with_extension(PathBuf::from("/tmp/x"));
        assert_eq!(p, PathBuf::from("/tmp/x"));
    }

    /// Without a desktop portal the native dialog answers "none" at once;
    /// the in-window dialog opens instead, and stays the choice.
    #[test]
    fn a_native_dialog_that_cannot_open_gives_way_to_the_window_s_own() {
        let (tx, answer) = mpsc::channel();
        let mut d = Dialogs {
            asking: Some(Asking::Native {
                action: FileAction::Save,
                answer,
                since: Instant::now(),
            }),
            native_works: None,
            dir: std::env::temp_dir(),
        };
        tx.send(None).unwrap();
        let (chosen, notice) = d.poll();
        assert!(chosen.is_none());
        assert!(notice.unwrap().contains("Descent's own"));
        assert!(d.built_in_open());
        assert_eq!(d.native_works, Some(false));
        // A user who cancels a native dialog that works keeps it.
        let (tx, answer) = mpsc::channel();
        let mut d = Dialogs {
            asking: Some(Asking::Native {
                action: FileAction::Open,
                answer,
                since: Instant::now()
                    .checked_sub(Duration::from_secs(3))
                    .unwrap_or_else(Instant::now),
            }),
            native_works: None,
            dir: std::env::temp_dir(),
        };
        tx.send(None).unwrap();
        assert_eq!(d.poll(), (None, None));
        assert!(!d.is_open());
    }
}
