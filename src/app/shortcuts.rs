//! Keys: Space plays or pauses, the arrows step, R resets, Home and End jump;
//! Ctrl+Z undoes, Ctrl+Shift+Z (or Ctrl+Y) redoes, 0 resets the view;
//! F11 toggles presentation mode and Esc leaves it.

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use super::command::Command;
use super::panels::transport::Playback;

/// Every key and gesture, as the Help window lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    ("Right / Left arrow", "One step forward / back"),
    ("Home / End", "Jump to the first / last step"),
    ("R", "Rewind to step 0"),
    ("0", "Reset the map's view to the problem's box"),
    ("Ctrl+Z", "Undo an edit of the lesson"),
    ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
    ("F11", "Presentation mode on or off"),
    ("Esc", "Leave presentation mode"),
    ("Click on the map", "Start every run there"),
    ("Drag / scroll on the map", "Pan / zoom"),
    ("Drag on the 3-D view", "Turn it (scroll tilts)"),
    ("Drop a .ron file", "Open it as a preset"),
];

/// Undo.
pub const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
/// Redo.
pub const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
/// Redo, the other way.
pub const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);

/// The edit command the keys pressed this frame ask for (unless a text
/// field has the keyboard: it keeps its own undo).
pub fn edit_keys(ctx: &egui::Context) -> Option<Command> {
    if ctx.egui_wants_keyboard_input() {
        return None;
    }
    ctx.input_mut(|i| {
        // Redo first: its keys include undo's.
        if i.consume_shortcut(&REDO) || i.consume_shortcut(&REDO_Y) {
            Some(Command::Redo)
        } else if i.consume_shortcut(&UNDO) {
            Some(Command::Undo)
        } else if i.key_pressed(Key::Num0) {
            Some(Command::ResetView)
        } else {
            None
        }
    })
}

/// Moves the play head by the keys pressed this frame (unless a text field
/// has the keyboard). `last` is the last row received.
pub fn play_head_keys(ctx: &egui::Context, playback: &mut Playback, last: usize) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    ctx.input(|i| {
        if i.key_pressed(Key::Space) {
            playback.toggle(last);
        }
        if i.key_pressed(Key::ArrowRight) {
            playback.step(last);
        }
        if i.key_pressed(Key::ArrowLeft) {
            playback.step_back();
        }
        if i.key_pressed(Key::R) {
            playback.reset();
        }
        if i.key_pressed(Key::Home) {
            playback.playing = false;
            playback.follow_end = false;
            playback.head = 0;
        }
        if i.key_pressed(Key::End) {
            playback.playing = false;
            playback.follow_end = true;
            playback.head = last;
        }
    });
}

/// Presentation mode: full screen and 1.6× type, or back.
#[derive(Debug)]
pub struct Presentation {
    /// The zoom last applied (1 when off).
    applied_zoom: f32,
}

impl Default for Presentation {
    fn default() -> Self {
        Self { applied_zoom: 1.0 }
    }
}

impl Presentation {
    /// Toggles `presenting` on F11 (Esc leaves), and applies a change to the
    /// window; `fullscreen` is false for screenshots.
    pub fn frame(&mut self, ctx: &egui::Context, presenting: &mut bool, fullscreen: bool) {
        if ctx.input(|i| i.key_pressed(Key::F11)) {
            *presenting = !*presenting;
        }
        if *presenting && ctx.input(|i| i.key_pressed(Key::Escape)) {
            *presenting = false;
        }
        let zoom = if *presenting { 1.6 } else { 1.0 };
        if zoom == self.applied_zoom {
            return;
        }
        self.applied_zoom = zoom;
        if fullscreen {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(*presenting));
        }
        ctx.set_zoom_factor(zoom);
    }
}
