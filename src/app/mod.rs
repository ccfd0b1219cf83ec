//! The desktop window (feature `gui`). The only module, with `main.rs`, that
//! names egui or eframe.
//!
//! `logic` drains the simulation and field threads and moves the play head;
//! `ui` lays out the panels. Panels edit the preset or the play head; any edit
//! to the preset sends the whole scenario to the simulation thread, which
//! recomputes the horizon while the play head reveals it.

pub mod files;
pub mod panels;
mod screenshot;
pub mod session;
pub mod state;
pub mod theme;
pub mod unsaved;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use eframe::egui::{self, RichText};

use crate::cli::WindowOptions;
use crate::preset::{Point, Preset};
use crate::problem::ViewBox;
use panels::transport::Playback;
use panels::{controls, inspector, loss_plot, surface_view, transport};
use session::Session;
use state::AppState;

/// Frames to wait after the results are complete before a `--screenshot`.
const SCREENSHOT_SETTLE_FRAMES: u32 = 3;

/// The application.
pub struct DescentApp {
    state: AppState,
    preset: Preset,
    session: Session,
    playback: Playback,
    options: WindowOptions,
    /// A new problem: set the view to its default once its results arrive.
    reset_view: bool,
    /// The view to restore on the first frame.
    initial_view: Option<ViewBox>,
    heat_map: Option<(egui::TextureHandle, ViewBox)>,
    heat_map_source: Option<ViewBox>,
    /// The decision map texture and the box it covers.
    decision_map: Option<(egui::TextureHandle, ViewBox)>,
    /// The data view should fit the data on its next frame.
    data_reset: bool,
    /// The landscape slice's texture, its box, and the slice version it shows.
    slice_map: Option<(egui::TextureHandle, ViewBox, u64)>,
    /// The last decision map asked for: parameters, box and size.
    last_decision_request: Option<(Vec<f64>, ViewBox, (usize, usize))>,
    ready_frames: u32,
    screenshot_sent: bool,
    screenshot_done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The preset did not validate; shown instead of running.
    invalid: Option<String>,
    /// File dialogs, exports and their status line.
    files: files::Files,
    /// Whether there are unsaved edits, and what waits on them.
    unsaved: unsaved::Guard,
    /// The hyperparameter-sweep window.
    sweep: panels::sweep_panel::SweepPanel,
    /// The basins map as a texture, its box and the map's count.
    basin_map: Option<(egui::TextureHandle, ViewBox, u64)>,
    /// The zoom last applied for presentation mode (1 when off).
    applied_zoom: f32,
}

impl std::fmt::Debug for DescentApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DescentApp")
            .field("preset", &self.preset.title)
            .field("playback", &self.playback)
            .finish_non_exhaustive()
    }
}

impl DescentApp {
    /// Builds the app, restoring the last session unless a preset was given.
    pub fn new(cc: &eframe::CreationContext<'_>, options: WindowOptions) -> Self {
        let restored = if options.preset.is_none() && options.screenshot.is_none() {
            cc.storage
                .and_then(|s| eframe::get_value::<AppState>(s, eframe::APP_KEY))
        } else {
            None
        };
        let mut state = restored.unwrap_or_default();
        // A lecture's full screen is not where the next session should open.
        state.presenting = false;
        let mut load_error = None;
        if let Some(path) = &options.preset {
            match Preset::load(path) {
                Ok(p) => {
                    state.preset_ron = p.to_ron_string().unwrap_or_default();
                    state.base_dir = path
                        .parent()
                        .map_or_else(|| PathBuf::from("."), PathBuf::from);
                    state.view = None;
                }
                Err(e) => load_error = Some(e.to_string()),
            }
        }
        let preset = state.preset();
        let ctx = cc.egui_ctx.clone();
        let waker = move || ctx.request_repaint_after(Duration::from_millis(16));
        let mut session = Session::new(waker);
        session.run(&preset, &state.base_dir);
        if let Some(e) = load_error {
            session.error = Some(e);
        }
        let initial_view = state.view;
        Self {
            state,
            preset,
            session,
            playback: Playback {
                follow_end: true,
                ..Playback::default()
            },
            options,
            reset_view: initial_view.is_none(),
            initial_view,
            heat_map: None,
            heat_map_source: None,
            decision_map: None,
            data_reset: true,
            last_decision_request: None,
            slice_map: None,
            ready_frames: 0,
            screenshot_sent: false,
            screenshot_done: std::sync::Arc::default(),
            invalid: None,
            files: files::Files::default(),
            unsaved: unsaved::Guard::default(),
            sweep: panels::sweep_panel::SweepPanel::default(),
            basin_map: None,
            applied_zoom: 1.0,
        }
    }

    /// Whether the preset has edits that are not saved to a file.
    pub fn edited(&self) -> bool {
        self.unsaved.edited
    }

    /// The sweep window.
    pub fn sweep(&self) -> &panels::sweep_panel::SweepPanel {
        &self.sweep
    }

    /// Whether the unsaved-edits question is showing.
    pub fn asking_about_unsaved_edits(&self) -> bool {
        self.unsaved.pending.is_some()
    }

    /// Whether the window was allowed to close despite unsaved edits.
    pub fn close_confirmed(&self) -> bool {
        self.unsaved.close_confirmed
    }

    /// Opens a lesson or file now, or first asks about unsaved edits.
    fn request_open(&mut self, opening: unsaved::Opening) {
        if self.unsaved.edited {
            self.unsaved.pending = Some(unsaved::Pending::Open(opening));
        } else {
            self.open(opening);
        }
    }

    fn open(&mut self, opening: unsaved::Opening) {
        match opening {
            unsaved::Opening::Lesson(preset) => self.open_lesson(*preset),
            unsaved::Opening::File(path) => self.open_path(&path),
        }
    }

    /// Carries out what was waiting, the edits being saved or given up.
    fn go_on(&mut self, ctx: &egui::Context) {
        match self.unsaved.pending.take() {
            Some(unsaved::Pending::Open(opening)) => {
                self.unsaved.edited = false;
                self.open(opening);
            }
            Some(unsaved::Pending::Close) => {
                self.unsaved.close_confirmed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            None => {}
        }
    }

    /// Shows the unsaved-edits question and acts on the answer.
    fn unsaved_edits_dialog(&mut self, ctx: &egui::Context) {
        let Some(pending) = &self.unsaved.pending else {
            return;
        };
        match unsaved::ask(ctx, &self.preset.title, pending) {
            Some(unsaved::Answer::Discard) => self.go_on(ctx),
            Some(unsaved::Answer::Cancel) => self.unsaved.pending = None,
            // The question stays until the file is saved (then it goes on).
            Some(unsaved::Answer::Save) => self.files.ask(files::FileAction::Save, ctx),
            None => {}
        }
    }

    /// Holds a close request while there are unsaved edits, and asks.
    fn hold_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.unsaved.edited
            && !self.unsaved.close_confirmed
            && self.options.screenshot.is_none()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.unsaved.pending = Some(unsaved::Pending::Close);
        }
    }

    /// Whether the data view has a decision map to show.
    pub fn has_decision_map(&self) -> bool {
        self.decision_map.is_some()
    }

    /// Dialogs, exports and the last file outcome.
    pub fn files(&self) -> &files::Files {
        &self.files
    }

    /// Carries out a File-menu action on `path` (what the dialog returns).
    pub fn file_chosen(&mut self, action: files::FileAction, path: PathBuf, ctx: &egui::Context) {
        use crate::export::job::{ExportKind, ExportRequest};
        use files::FileAction;
        let kind = match action {
            FileAction::Open => {
                self.request_open(unsaved::Opening::File(path));
                return;
            }
            FileAction::Save => {
                match self.preset.save(&path) {
                    Ok(()) => {
                        self.unsaved.edited = false;
                        self.files.report(format!("saved {}", path.display()));
                        self.go_on(ctx);
                    }
                    Err(e) => self.files.report_error(e.to_string()),
                }
                return;
            }
            FileAction::ExportImage => {
                ExportKind::Picture(crate::export::picture::PictureOptions {
                    log_loss: self.state.log_loss,
                    ..Default::default()
                })
            }
            FileAction::ExportGif => ExportKind::Gif(crate::export::animation::GifOptions {
                picture: crate::export::picture::PictureOptions {
                    log_loss: self.state.log_loss,
                    ..crate::export::animation::GifOptions::default().picture
                },
                ..Default::default()
            }),
            FileAction::ExportCsv => ExportKind::Trajectories,
            FileAction::ExportStateCsv => ExportKind::States,
        };
        self.files.export(
            ExportRequest {
                preset: self.preset.clone(),
                base_dir: self.state.base_dir.clone(),
                view: self.state.view,
                path,
                kind,
            },
            ctx,
        );
    }

    /// Opens a preset file; a bad file is reported and the current scenario kept.
    pub fn open_path(&mut self, path: &std::path::Path) {
        match Preset::load(path) {
            Ok(preset) => {
                self.open_lesson(preset);
                self.state.base_dir = path
                    .parent()
                    .map_or_else(|| PathBuf::from("."), PathBuf::from);
                self.preset_changed();
                self.unsaved.edited = false;
                self.files.report(format!("opened {}", path.display()));
            }
            Err(e) => self.files.report_error(e.to_string()),
        }
    }

    /// Opens a dropped `.ron` file; anything else is reported.
    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.first() {
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
            {
                self.request_open(unsaved::Opening::File(path.clone()));
            } else {
                self.files.report_error(format!(
                    "{}: not a preset (drop a .ron file)",
                    path.display()
                ));
            }
        }
    }

    /// The scenario being shown.
    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    /// Whether the loss plot counts epochs instead of steps.
    pub fn epochs_axis(&self) -> bool {
        self.state.epochs_axis
    }

    /// The play head.
    pub fn playback(&self) -> &Playback {
        &self.playback
    }

    /// The runtime side (threads and received rows).
    pub fn session(&self) -> &Session {
        &self.session
    }

    fn last_row(&self) -> usize {
        self.session.rows_available().saturating_sub(1)
    }

    /// The menu bar, the inspector toggle, the transport and any error.
    fn top_bar(&mut self, ui: &mut egui::Ui, last: usize) {
        egui::Panel::top("transport").show(ui, |ui| {
            ui.add_space(4.0);
            let mut lesson = None;
            let mut file_action = None;
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    if let Some(action) = files::Files::menu(ui) {
                        file_action = Some(action);
                        ui.close();
                    }
                });
                ui.menu_button("Lessons", |ui| {
                    for (_, preset) in crate::lessons::lessons() {
                        if ui
                            .button(&preset.title)
                            .on_hover_text(&preset.description)
                            .clicked()
                        {
                            lesson = Some(preset);
                        }
                    }
                });
            });
            if let Some(preset) = lesson {
                self.request_open(unsaved::Opening::Lesson(Box::new(preset)));
            }
            if let Some(action) = file_action {
                self.files.ask(action, ui.ctx());
            }
            ui.horizontal(|ui| {
                ui.toggle_value(&mut self.state.show_inspector, "Inspector")
                    .on_hover_text("Every run's numbers at the play head");
                ui.toggle_value(&mut self.sweep.open, "Sweep")
                    .on_hover_text("Run one run over a grid of two hyperparameters");
                ui.toggle_value(&mut self.state.presenting, "Present")
                    .on_hover_text(
                        "For lectures: full screen, large type, the controls hidden (F11 toggles, Esc leaves)",
                    );
                ui.separator();
                ui.vertical(|ui| {
                    transport::show(
                        ui,
                        &mut self.playback,
                        &mut self.state.speed,
                        self.session.horizon,
                        last,
                    );
                });
            });
            for message in self.invalid.iter().chain(&self.session.error) {
                ui.label(RichText::new(message).color(theme::ERROR));
            }
            self.files.status_ui(ui);
            ui.add_space(2.0);
        });
    }

    /// Asks the workers for what the view now on screen needs: the field,
    /// the mini-batch contour and the basins.
    fn request_view_maps(&mut self, output: &surface_view::SurfaceOutput) {
        let Some(bounds) = output.bounds else {
            return;
        };
        self.state.view = Some(bounds);
        if self.state.show_batch_contour && !self.state.show_data {
            let step = self.playback.head.min(self.last_row()) as u64;
            self.session.want_batch_field(&self.preset, step, bounds);
        }
        let cols = ((output.size_px[0] / 2.0) as usize).clamp(64, 400);
        let rows = ((output.size_px[1] / 2.0) as usize).clamp(64, 400);
        self.session.want_field(bounds, cols, rows);
        if self.state.show_basins {
            let run = self
                .state
                .basin_run
                .min(self.preset.runs.len().saturating_sub(1));
            self.session.want_basins(
                &self.preset,
                &self.state.base_dir,
                run,
                (bounds, cols, rows),
            );
        }
    }

    /// The left panel: problem, runs and their hyperparameters.
    fn controls_panel(&mut self, ui: &mut egui::Ui) -> controls::Changes {
        let mut changes = controls::Changes::default();
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(340.0)
            .size_range(260.0..=600.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let samples = self.session.problem.as_ref().and_then(|p| p.sample_count());
                    changes = controls::show(
                        ui,
                        &mut self.preset,
                        &self.session.tracks,
                        samples,
                        self.session.curvature.as_ref(),
                    );
                });
            });
        changes
    }

    /// Replaces the scenario with a shipped lesson and shows it from the end.
    fn open_lesson(&mut self, preset: Preset) {
        self.preset = preset;
        self.state.base_dir = crate::lessons::lessons_dir();
        self.reset_view = true;
        self.data_reset = true;
        self.heat_map = None;
        self.playback = Playback {
            follow_end: true,
            ..Playback::default()
        };
        self.preset_changed();
        self.unsaved.edited = false;
    }

    /// Sends the edited preset to the simulation thread if it is valid.
    fn preset_changed(&mut self) {
        match self.preset.validate("preset") {
            Ok(()) => {
                self.invalid = None;
                self.session.run(&self.preset, &self.state.base_dir);
            }
            Err(e) => self.invalid = Some(e.to_string()),
        }
    }

    /// Applies presentation mode to the window when it changes: full
    /// screen and 1.6× type, or back.
    fn present(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.key_pressed(egui::Key::F11)) {
            self.state.presenting = !self.state.presenting;
        }
        if self.state.presenting && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.state.presenting = false;
        }
        let zoom = if self.state.presenting { 1.6 } else { 1.0 };
        if zoom == self.applied_zoom {
            return;
        }
        self.applied_zoom = zoom;
        if self.options.screenshot.is_none() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.state.presenting));
        }
        ctx.set_zoom_factor(zoom);
    }

    /// The 3-D view's camera.
    pub fn camera(&self) -> panels::surface_3d::Camera {
        self.state.camera
    }

    /// Whether presentation mode is on.
    pub fn presenting(&self) -> bool {
        self.state.presenting
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let last = self.last_row();
        ctx.input(|i| {
            if i.key_pressed(egui::Key::Space) {
                self.playback.toggle(last);
            }
            if i.key_pressed(egui::Key::ArrowRight) {
                self.playback.step(last);
            }
            if i.key_pressed(egui::Key::ArrowLeft) {
                self.playback.step_back();
            }
            if i.key_pressed(egui::Key::R) {
                self.playback.reset();
            }
            if i.key_pressed(egui::Key::Home) {
                self.playback.playing = false;
                self.playback.follow_end = false;
                self.playback.head = 0;
            }
            if i.key_pressed(egui::Key::End) {
                self.playback.playing = false;
                self.playback.follow_end = true;
                self.playback.head = last;
            }
        });
    }

    fn upload_heat_map(&mut self, ctx: &egui::Context) {
        let Some(field) = &self.session.field else {
            self.heat_map = None;
            return;
        };
        if self.heat_map_source == Some(field.spec.view) && self.heat_map.is_some() {
            return;
        }
        let image = egui::ColorImage::from_rgba_unmultiplied(
            [field.spec.cols, field.spec.rows],
            &field.rgba,
        );
        let texture = ctx.load_texture("heat_map", image, egui::TextureOptions::LINEAR);
        self.heat_map = Some((texture, field.spec.view));
        self.heat_map_source = Some(field.spec.view);
    }

    fn upload_basins(&mut self, ctx: &egui::Context) {
        let Some((count, map)) = &self.session.basins else {
            self.basin_map = None;
            return;
        };
        if self.basin_map.as_ref().is_some_and(|(_, _, c)| c == count) {
            return;
        }
        let image = egui::ColorImage::from_rgba_unmultiplied([map.cols, map.rows], &map.rgba);
        let texture = ctx.load_texture("basins", image, egui::TextureOptions::NEAREST);
        self.basin_map = Some((texture, map.view, *count));
    }

    /// Whether the basins map is showing (tests).
    pub fn basins_shown(&self) -> bool {
        self.state.show_basins && self.basin_map.is_some()
    }

    fn upload_decision_map(&mut self, ctx: &egui::Context) {
        let Some(map) = self.session.decision.take() else {
            if self.session.samples.is_none() {
                self.decision_map = None;
            }
            return;
        };
        let image = egui::ColorImage::from_rgba_unmultiplied([map.cols, map.rows], &map.rgba);
        let texture = ctx.load_texture("decision_map", image, egui::TextureOptions::LINEAR);
        self.decision_map = Some((texture, map.view));
    }

    /// The data view (points, fitted lines, decision map) in the centre.
    fn data_panel(&mut self, ui: &mut egui::Ui) {
        let (Some(samples), Some(problem)) = (&self.session.samples, &self.session.problem) else {
            return;
        };
        let classes = problem.classes().is_some();
        if classes && self.preset.runs.len() > 1 {
            run_chooser(
                ui,
                "Decision map of",
                &self.preset,
                &mut self.state.boundary_run,
            );
        }
        let output = panels::data_view::show(
            ui,
            &panels::data_view::DataInput {
                samples,
                problem: problem.as_ref(),
                tracks: &self.session.tracks,
                preset: &self.preset,
                head: self.playback.head,
                decision: self.decision_map.as_ref().map(|(t, v)| (t.id(), *v)),
                reset_view: self.data_reset,
            },
        );
        self.data_reset = false;
        if classes
            && let Some(bounds) = output.bounds
            && let Some(track) = self.session.tracks.get(self.state.boundary_run)
            && let Some((params, _)) =
                track.row(self.playback.head.min(track.len().saturating_sub(1)))
        {
            let cols = ((output.size_px[0] / 4.0) as usize).clamp(32, 200);
            let rows = ((output.size_px[1] / 4.0) as usize).clamp(32, 200);
            let wanted = (params.to_vec(), bounds, (cols, rows));
            if self.last_decision_request.as_ref() != Some(&wanted) {
                self.session
                    .want_decision(wanted.0.clone(), bounds, (cols, rows));
                self.last_decision_request = Some(wanted);
            }
        }
    }

    /// The preset's start (or the problem's default) and every run's own, once each.
    fn start_points(&self) -> Vec<[f64; 2]> {
        let start = match &self.preset.start {
            Some(Point(p)) => match p.as_slice() {
                [x, y] => Some([*x, *y]),
                _ => None,
            },
            None => {
                self.session
                    .problem
                    .as_ref()
                    .and_then(|p| match p.default_start().as_slice() {
                        [x, y] => Some([*x, *y]),
                        _ => None,
                    })
            }
        };
        let mut starts: Vec<[f64; 2]> = start.into_iter().collect();
        for own in self.preset.runs.iter().filter(|r| r.enabled) {
            if let Some(Point(p)) = &own.start
                && let [x, y] = p.as_slice()
                && !starts.contains(&[*x, *y])
            {
                starts.push([*x, *y]);
            }
        }
        starts
    }

    /// The selector of the parameter view for models with many parameters.
    fn slice_selector(&mut self, ui: &mut egui::Ui) {
        use state::SliceView;
        let text = |v: SliceView| match v {
            SliceView::FirstTwo => "First two parameters",
            SliceView::Random => "Random slice",
            SliceView::Pca => "PCA slice",
        };
        egui::ComboBox::from_label("Landscape")
            .selected_text(text(self.state.slice))
            .show_ui(ui, |ui| {
                for v in [SliceView::FirstTwo, SliceView::Random, SliceView::Pca] {
                    ui.selectable_value(&mut self.state.slice, v, text(v));
                }
            })
            .response
            .on_hover_text(
                "A 2-D cut through all the parameters (Li et al. 2018): random filter-normalised directions, or the top principal components of a run's path",
            );
        if self.state.slice != SliceView::FirstTwo && self.preset.runs.len() > 1 {
            run_chooser(ui, "through", &self.preset, &mut self.state.slice_run);
        }
    }

    /// The landscape slice of a many-parameter model, with projected paths.
    fn slice_panel(&mut self, ui: &mut egui::Ui) {
        let kind = match self.state.slice {
            state::SliceView::Pca => crate::landscape::SliceKind::Pca,
            _ => crate::landscape::SliceKind::Random { seed: 0 },
        };
        let head = self.playback.head.min(self.last_row());
        self.session.want_slice(kind, self.state.slice_run, head);
        let Some(slice) = &self.session.slice else {
            ui.label("Computing the slice…");
            return;
        };
        let version = self.session.slice_version;
        let fresh = self
            .slice_map
            .as_ref()
            .is_none_or(|(_, _, v)| *v != version);
        if fresh {
            let f = &slice.field;
            let image =
                egui::ColorImage::from_rgba_unmultiplied([f.spec.cols, f.spec.rows], &f.rgba);
            let texture =
                ui.ctx()
                    .load_texture("landscape_slice", image, egui::TextureOptions::LINEAR);
            self.slice_map = Some((texture, f.spec.view, version));
        }
        let reset_view = fresh.then_some(slice.field.spec.view);
        let axis_names = [slice.axes[0].as_str(), slice.axes[1].as_str()];
        surface_view::show(
            ui,
            &surface_view::SurfaceInput {
                heat_map: self.slice_map.as_ref().map(|(t, v, _)| (t.id(), *v)),
                overlay: None,
                isolines: &slice.field.isolines,
                batch_isolines: &[],
                tracks: &self.session.slice_tracks,
                preset: &self.preset,
                head: usize::MAX,
                starts: Vec::new(),
                minima: &[],
                reset_view,
                axis_names,
                quiver: None,
                update_arrows: false,
                ellipses: &[],
            },
        );
    }

    /// The centre for a many-parameter model in slice mode.
    fn landscape_panel(&mut self, ui: &mut egui::Ui) {
        let has_data = self.session.samples.is_some();
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                if has_data {
                    ui.selectable_value(&mut self.state.show_data, false, "Parameters");
                    ui.selectable_value(&mut self.state.show_data, true, "Data");
                    ui.separator();
                }
                self.slice_selector(ui);
            });
            self.slice_panel(ui);
        });
    }

    /// The central surface view.
    /// The box to force the map to this frame: the restored view once, then
    /// the preset's or problem's view after a new problem.
    fn take_reset_view(&mut self) -> Option<ViewBox> {
        if let Some(view) = self.initial_view.take() {
            Some(view)
        } else if self.reset_view && self.session.finished_starting() {
            self.reset_view = false;
            self.preset
                .view
                .or_else(|| self.session.problem.as_ref().and_then(|p| p.view()))
        } else {
            None
        }
    }

    fn surface_panel(&mut self, ui: &mut egui::Ui) -> surface_view::SurfaceOutput {
        let many = self.session.problem.as_ref().is_some_and(|p| p.dim() > 2);
        if many && self.state.slice != state::SliceView::FirstTwo && !self.state.show_data {
            self.landscape_panel(ui);
            return surface_view::SurfaceOutput::default();
        }
        if self.session.samples.is_some() && self.state.show_data {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.state.show_data, false, "Parameters");
                    ui.selectable_value(&mut self.state.show_data, true, "Data");
                });
                self.data_panel(ui);
            });
            return surface_view::SurfaceOutput::default();
        }
        let minima = self
            .session
            .problem
            .as_ref()
            .map(|p| p.minima())
            .unwrap_or_default();
        let starts = self.start_points();
        let reset_view = self.take_reset_view();
        let isolines = self.session.field.as_ref().map_or(&[][..], |f| &f.isolines);
        let names = self
            .session
            .problem
            .as_ref()
            .map(|p| p.param_names())
            .unwrap_or_default();
        let axis_names = [
            names.first().map_or("x", String::as_str),
            names.get(1).map_or("y", String::as_str),
        ];
        let quiver = self
            .state
            .show_quiver
            .then(|| self.session.field.as_ref().map(|f| f.quiver.as_slice()))
            .flatten();
        let ellipses = if self.state.show_arrows && self.state.show_inspector {
            surface_view::preconditioner_ellipses(self.session.inspections.as_ref())
        } else {
            Vec::new()
        };
        let has_data = self.session.samples.is_some();
        let many = self.session.problem.as_ref().is_some_and(|p| p.dim() > 2);
        let (batched, batch_isolines) =
            batch_contour(&self.preset, &self.session, self.state.show_batch_contour);
        egui::CentralPanel::default()
            .show(ui, |ui| {
                view_header(
                    ui,
                    &mut self.state,
                    &self.preset,
                    &mut self.data_reset,
                    (has_data, many, batched),
                );
                let input = surface_view::SurfaceInput {
                    heat_map: self.heat_map.as_ref().map(|(t, v)| (t.id(), *v)),
                    overlay: self
                        .basin_map
                        .as_ref()
                        .filter(|_| self.state.show_basins)
                        .map(|(t, v, _)| (t.id(), *v)),
                    isolines,
                    batch_isolines,
                    tracks: &self.session.tracks,
                    preset: &self.preset,
                    head: self.playback.head,
                    starts,
                    minima: &minima,
                    reset_view,
                    axis_names,
                    quiver,
                    update_arrows: self.state.show_arrows,
                    ellipses: &ellipses,
                };
                match self.session.field.as_ref().filter(|_| self.state.show_3d) {
                    Some(field) => ui.columns(2, |columns| {
                        let output = surface_view::show(&mut columns[0], &input);
                        panels::surface_3d::show(
                            &mut columns[1],
                            &mut self.state.camera,
                            &panels::surface_3d::Surface3dInput {
                                field,
                                tracks: &self.session.tracks,
                                preset: &self.preset,
                                head: self.playback.head,
                            },
                        );
                        output
                    }),
                    None => surface_view::show(ui, &input),
                }
            })
            .inner
    }

    fn screenshot(&mut self, ctx: &egui::Context) {
        let Some(path) = self.options.screenshot.clone() else {
            return;
        };
        ctx.request_repaint();
        let ready = self.session.finished
            && (self.session.field_is_current()
                || self.session.problem.as_ref().is_some_and(|p| p.dim() != 2));
        if ready {
            self.ready_frames += 1;
        }
        let wanted = self
            .options
            .quit_after_frames
            .unwrap_or(0)
            .max(SCREENSHOT_SETTLE_FRAMES);
        if !self.screenshot_sent && self.ready_frames >= wanted {
            self.screenshot_sent = true;
            let done = std::sync::Arc::clone(&self.screenshot_done);
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Err(e) = screenshot::save_png(&path, &image) {
                    let _ = std::io::Write::write_fmt(
                        &mut std::io::stderr(),
                        format_args!("error: cannot write {}: {e}\n", path.display()),
                    );
                }
                done.store(true, std::sync::atomic::Ordering::Release);
                repaint.request_repaint();
            });
        }
        if self
            .screenshot_done
            .load(std::sync::atomic::Ordering::Acquire)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

impl eframe::App for DescentApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.session.drain(Duration::from_millis(6));
        self.files.poll();
        if let Some((action, path)) = self.files.chosen() {
            self.file_chosen(action, path, ctx);
        }
        self.dropped_files(ctx);
        self.hold_close(ctx);
        self.upload_heat_map(ctx);
        self.upload_decision_map(ctx);
        self.upload_basins(ctx);
        self.present(ctx);
        self.keyboard(ctx);
        let dt = f64::from(ctx.input(|i| i.stable_dt)).min(0.1);
        let last = self.last_row();
        self.playback.advance(dt, self.state.speed, last);
        if self.playback.playing
            && self.playback.head >= usize::try_from(self.session.horizon).unwrap_or(usize::MAX)
        {
            self.playback.playing = false;
        }
        if self.playback.playing || !self.session.finished {
            ctx.request_repaint();
        }
        self.screenshot(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let last = self.last_row();
        self.session
            .want_curvature(&self.preset, self.playback.head.min(last));
        self.top_bar(ui, last);
        let mut changes = if self.state.presenting {
            controls::Changes::default()
        } else {
            self.controls_panel(ui)
        };
        if self.state.show_inspector {
            let head = self.playback.head.min(last) as u64;
            self.session
                .want_inspection(&self.preset, &self.state.base_dir, head);
            let names = self
                .session
                .problem
                .as_ref()
                .map(|p| p.param_names())
                .unwrap_or_default();
            egui::Panel::right("inspector")
                .resizable(true)
                .default_size(320.0)
                .size_range(220.0..=700.0)
                .show(ui, |ui| {
                    inspector::show(
                        ui,
                        &self.preset,
                        self.session.inspections.as_ref(),
                        &names,
                        self.playback.head,
                    );
                });
        }
        egui::Panel::bottom("loss")
            .resizable(true)
            .default_size(220.0)
            .size_range(120.0..=600.0)
            .show(ui, |ui| {
                let classifier = self
                    .session
                    .problem
                    .as_ref()
                    .is_some_and(|p| p.classes().is_some());
                if classifier && self.state.curve == loss_plot::Curve::Accuracy {
                    self.session.want_accuracy();
                }
                let epochs = self
                    .session
                    .problem
                    .as_ref()
                    .and_then(|p| p.sample_count())
                    .map(|n| loss_plot::EpochScale::new(&self.preset, n));
                loss_plot::show(
                    ui,
                    &self.preset,
                    &self.session.tracks,
                    self.playback.head,
                    loss_plot::Axes {
                        curve: &mut self.state.curve,
                        log: &mut self.state.log_loss,
                        epochs: &mut self.state.epochs_axis,
                    },
                    classifier.then_some(self.session.accuracy.as_slice()),
                    epochs.as_ref(),
                );
            });
        let output = self.surface_panel(ui);
        self.request_view_maps(&output);
        if let Some(p) = output.clicked_at {
            self.preset.start = Some(Point(p.to_vec()));
            changes.preset = true;
        }
        if changes.problem {
            self.reset_view = true;
            self.data_reset = true;
            self.heat_map = None;
        }
        if changes.preset {
            self.unsaved.edited = true;
            self.preset_changed();
        }
        if let Some((run, values)) = self
            .sweep
            .show(ui.ctx(), &self.preset, &self.state.base_dir)
            && let Some(spec) = self.preset.runs.get_mut(run)
        {
            for (name, value) in values {
                spec.optimizer
                    .set_param(&name, crate::optim::params::Value::Real(value));
            }
            self.unsaved.edited = true;
            self.preset_changed();
        }
        self.unsaved_edits_dialog(ui.ctx());
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.options.screenshot.is_some() {
            return;
        }
        if let Ok(text) = self.preset.to_ron_string() {
            self.state.preset_ron = text;
        }
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

/// The row above the parameter view: Parameters/Data, the landscape choice
/// and the overlays.
fn view_header(
    ui: &mut egui::Ui,
    state: &mut AppState,
    preset: &Preset,
    data_reset: &mut bool,
    (has_data, many, batched): (bool, bool, bool),
) {
    if has_data || many {
        ui.horizontal(|ui| {
            if has_data {
                let was = state.show_data;
                ui.selectable_value(&mut state.show_data, false, "Parameters")
                    .on_hover_text("The paths through parameter space");
                ui.selectable_value(&mut state.show_data, true, "Data")
                    .on_hover_text("The points, with each run's fit at the play head");
                if state.show_data && !was {
                    *data_reset = true;
                }
            }
            if many {
                ui.separator();
                egui::ComboBox::from_label("Landscape")
                    .selected_text("First two parameters")
                    .show_ui(ui, |ui| {
                        use state::SliceView;
                        ui.selectable_value(
                            &mut state.slice,
                            SliceView::FirstTwo,
                            "First two parameters",
                        );
                        ui.selectable_value(&mut state.slice, SliceView::Random, "Random slice");
                        ui.selectable_value(&mut state.slice, SliceView::Pca, "PCA slice");
                    });
            }
        });
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.show_quiver, "Gradient field")
            .on_hover_text("Arrows of −grad f: the direction plain gradient descent would step");
        ui.checkbox(&mut state.show_arrows, "Update arrows")
            .on_hover_text(
                "Each run's next step; with the inspector open, also the preconditioner ellipse",
            );
        if !many {
            ui.checkbox(&mut state.show_3d, "3-D")
                .on_hover_text("A shaded surface with the paths on it, beside the map; drag to turn it");
            ui.checkbox(&mut state.show_basins, "Basins")
                .on_hover_text(
                    "Colour every start point of the view by where the chosen run's optimizer ends from it",
                );
            if state.show_basins {
                run_chooser(ui, "of", preset, &mut state.basin_run);
            }
        }
        if batched {
            ui.checkbox(&mut state.show_batch_contour, "Mini-batch contour")
                .on_hover_text(
                    "The loss of the mini-batch the next step uses: what SGD actually descends",
                );
        }
    });
}

/// A menu of the preset's runs, labelled `label`, choosing `chosen`.
fn run_chooser(ui: &mut egui::Ui, label: &str, preset: &Preset, chosen: &mut usize) {
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

/// Whether the mini-batch contour applies, and its isolines if shown.
fn batch_contour<'a>(
    preset: &Preset,
    session: &'a Session,
    show: bool,
) -> (bool, &'a [crate::field::Isoline]) {
    let batched = preset.batch_size.is_some()
        && session
            .problem
            .as_ref()
            .is_some_and(|p| p.dim() == 2 && p.sample_count().is_some());
    let isolines = session
        .batch_field
        .as_ref()
        .filter(|_| batched && show)
        .map_or(&[][..], |(_, f)| &f.isolines);
    (batched, isolines)
}

/// Opens the window; returns when it closes.
pub fn run(options: WindowOptions) -> ExitCode {
    let (w, h) = options.size;
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Descent")
            .with_inner_size([w, h])
            .with_min_inner_size([900.0, 600.0]),
        persist_window: options.screenshot.is_none(),
        ..Default::default()
    };
    match eframe::run_native(
        "Descent",
        native,
        Box::new(move |cc| Ok(Box::new(DescentApp::new(cc, options)))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::Write::write_fmt(
                &mut std::io::stderr(),
                format_args!("error: cannot open the window: {e}\n"),
            );
            ExitCode::FAILURE
        }
    }
}
