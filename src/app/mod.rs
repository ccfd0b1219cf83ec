//! The desktop window (feature `gui`). The only module, with `main.rs`, that
//! names egui or eframe.
//!
//! Each frame, `logic` takes in what the threads sent, moves the play head
//! and uploads new maps; `ui` lays out the panels, which read the preset and
//! the session and push [`command::Command`]s. The commands are carried out
//! after the UI pass, in one place ([`command`]): an edit changes the
//! preset, and the session recomputes the horizon on its thread while the
//! play head reveals it.

pub mod command;
mod dialogs;
pub mod edit;
pub mod files;
mod history;
mod imports;
mod layout;
pub mod panels;
mod screenshot;
pub mod session;
pub mod shortcuts;
pub mod state;
pub mod textures;
pub mod theme;
pub mod unsaved;
mod views;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use eframe::egui;

use crate::cli::WindowOptions;
use crate::preset::Preset;
use crate::problem::ProblemConfig;
use command::Commands;
use panels::sweep_panel::SweepPanel;
use panels::transport::Playback;
use panels::tune_panel::TunePanel;
use session::Session;
use state::AppState;

/// The application.
pub struct DescentApp {
    state: AppState,
    preset: Preset,
    /// The problem of the last preset that validated (not checked again).
    validated_problem: Option<ProblemConfig>,
    /// Why the preset did not validate; shown instead of running.
    invalid: Option<String>,
    session: Session,
    playback: Playback,
    options: WindowOptions,
    views: views::Views,
    /// File dialogs, exports and their status line.
    files: files::Files,
    /// Whether there are unsaved edits, and what waits on them.
    unsaved: unsaved::Guard,
    /// The hyperparameter-sweep window.
    sweep: SweepPanel,
    /// A trajectory file being read before it joins the overlays.
    imports: imports::Imports,
    /// The *Tune each run* window.
    tune: TunePanel,
    presentation: shortcuts::Presentation,
    shooter: screenshot::Shooter,
    /// What the panels asked for this frame.
    commands: Commands,
    /// Undo, redo and the preset as opened.
    history: history::History,
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
        if options.preset.is_some() {
            state.curve = state.curve.on_opening(&preset);
        }
        let ctx = cc.egui_ctx.clone();
        let waker = move || ctx.request_repaint_after(Duration::from_millis(16));
        let mut session = Session::new(waker);
        session.run(&preset, &state.base_dir);
        // In the status line, which the simulation starting does not clear.
        let mut files = files::Files::default();
        if let Some(e) = load_error {
            files.report_error(format!("{e} (showing \"{}\" instead)", preset.title));
        }
        let views = views::Views::new(state.view);
        let reveal = state.reveal && options.screenshot.is_none();
        let preset_for_history = preset.clone();
        Self {
            state,
            preset,
            validated_problem: None,
            invalid: None,
            session,
            playback: Playback::opening(reveal),
            options,
            views,
            files,
            unsaved: unsaved::Guard::default(),
            sweep: SweepPanel::default(),
            imports: imports::Imports::default(),
            tune: TunePanel::default(),
            presentation: shortcuts::Presentation::default(),
            shooter: screenshot::Shooter::default(),
            commands: Commands::default(),
            history: history::History::new(&preset_for_history),
        }
    }

    /// The scenario being shown.
    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    /// The play head.
    pub fn playback(&self) -> &Playback {
        &self.playback
    }

    /// The runtime side (threads and received rows).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Dialogs, exports and the last file outcome.
    pub fn files(&self) -> &files::Files {
        &self.files
    }

    /// The sweep window.
    pub fn sweep(&self) -> &SweepPanel {
        &self.sweep
    }

    /// Whether the preset has edits that are not saved to a file.
    pub fn edited(&self) -> bool {
        self.unsaved.edited
    }

    /// Whether the unsaved-edits question is showing.
    pub fn asking_about_unsaved_edits(&self) -> bool {
        self.unsaved.pending.is_some()
    }

    /// Whether the window was allowed to close despite unsaved edits.
    pub fn close_confirmed(&self) -> bool {
        self.unsaved.close_confirmed
    }

    /// Whether the data view has a decision map to show.
    pub fn has_decision_map(&self) -> bool {
        self.views.textures.decision.shown().is_some()
    }

    /// Whether the basins map is showing.
    pub fn basins_shown(&self) -> bool {
        self.state.show_basins && self.views.textures.basins.shown().is_some()
    }

    /// The parameter view's box as last drawn.
    pub fn view(&self) -> Option<crate::problem::ViewBox> {
        self.state.view
    }

    /// The map's size on screen as last drawn, in points.
    pub fn map_size(&self) -> [f32; 2] {
        self.views.map_size()
    }

    /// The data view's box as last drawn.
    pub fn data_view(&self) -> Option<crate::problem::ViewBox> {
        self.views.data_bounds()
    }

    /// Whether the loss plot counts epochs instead of steps.
    pub fn epochs_axis(&self) -> bool {
        self.state.epochs_axis
    }

    /// The 3-D view's camera.
    pub fn camera(&self) -> panels::surface_3d::Camera {
        self.state.camera
    }

    /// Whether presentation mode is on.
    pub fn presenting(&self) -> bool {
        self.state.presenting
    }

    /// Whether the loss curves are drawn only up to the play head.
    pub fn reveals_curves(&self) -> bool {
        self.state.reveal
    }

    fn last_row(&self) -> usize {
        self.session.rows_available().saturating_sub(1)
    }

    /// Carries out every command the frame pushed, in order.
    fn execute_commands(&mut self, ctx: &egui::Context) {
        for command in self.commands.take() {
            self.execute(command, ctx);
        }
    }

    /// Saves the window's pixels once the results are in (`--screenshot`).
    fn screenshot(&mut self, ctx: &egui::Context) {
        let Some(path) = &self.options.screenshot else {
            return;
        };
        let ready = self.session.finished
            && (self.session.field_is_current()
                || self.session.problem.as_ref().is_some_and(|p| p.dim() != 2));
        self.shooter
            .frame(ctx, path, ready, self.options.quit_after_frames);
    }
}

impl eframe::App for DescentApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.session.drain(Duration::from_millis(6));
        self.files.poll();
        if let Some((action, path)) = self.files.chosen() {
            self.commands
                .push(command::Command::FileChosen(action, path));
        }
        if let Some(dropped) = command::dropped(ctx) {
            self.commands.push(dropped);
        }
        match self.imports.poll() {
            Some(Ok((overlay, n))) => {
                let what = if n == 1 {
                    "1 trajectory".to_owned()
                } else {
                    format!("{n} trajectories")
                };
                self.files
                    .report(format!("imported {} ({what})", overlay.csv));
                self.commands.edit(edit::Edit::AddOverlay(overlay));
            }
            Some(Err(e)) => self.files.report_error(e),
            None => {}
        }
        self.unsaved
            .hold_close(ctx, self.options.screenshot.is_none());
        self.views.sync(ctx, &self.session);
        let theme = theme::egui_theme(self.state.theme);
        if ctx.theme() != theme {
            ctx.set_theme(theme);
        }
        let fullscreen = self.options.screenshot.is_none();
        self.presentation
            .frame(ctx, &mut self.state.presenting, fullscreen);
        let last = self.last_row();
        shortcuts::play_head_keys(ctx, &mut self.playback, last);
        if let Some(command) = shortcuts::edit_keys(ctx) {
            self.commands.push(command);
        }
        let dt = f64::from(ctx.input(|i| i.stable_dt)).min(0.1);
        let arriving = !self.session.idle();
        self.playback.advance(dt, self.state.speed, last, arriving);
        if self.playback.playing
            && self.playback.head >= usize::try_from(self.session.horizon).unwrap_or(usize::MAX)
        {
            self.playback.playing = false;
        }
        if self.playback.playing || !self.session.finished {
            ctx.request_repaint();
        }
        self.execute_commands(ctx);
        self.screenshot(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.lay_out(ui);
        self.execute_commands(&ctx);
        // Asked after the commands, so an open that waits on unsaved edits
        // asks in the frame it was chosen in, and the answer is carried out
        // in the frame it is given in.
        if let Some(chosen) = self.files.show_dialog(&ctx) {
            self.execute(command::Command::FileChosen(chosen.0, chosen.1), &ctx);
        }
        // The question waits while its Save… dialog is open over it.
        if let Some(pending) = &self.unsaved.pending
            && !self.files.asking()
            && let Some(answer) = unsaved::ask(&ctx, &self.preset.title, pending)
        {
            self.execute(command::Command::Unsaved(answer), &ctx);
        }
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
