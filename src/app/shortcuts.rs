//! Keys: Space plays or pauses, the arrows step, R resets, Home and End jump;
//! F11 toggles presentation mode and Esc leaves it.

use eframe::egui;

use super::panels::transport::Playback;

/// Moves the play head by the keys pressed this frame (unless a text field
/// has the keyboard). `last` is the last row received.
pub fn play_head_keys(ctx: &egui::Context, playback: &mut Playback, last: usize) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    ctx.input(|i| {
        if i.key_pressed(egui::Key::Space) {
            playback.toggle(last);
        }
        if i.key_pressed(egui::Key::ArrowRight) {
            playback.step(last);
        }
        if i.key_pressed(egui::Key::ArrowLeft) {
            playback.step_back();
        }
        if i.key_pressed(egui::Key::R) {
            playback.reset();
        }
        if i.key_pressed(egui::Key::Home) {
            playback.playing = false;
            playback.follow_end = false;
            playback.head = 0;
        }
        if i.key_pressed(egui::Key::End) {
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
        if ctx.input(|i| i.key_pressed(egui::Key::F11)) {
            *presenting = !*presenting;
        }
        if *presenting && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
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
