//! Asking before unsaved preset edits are thrown away: when another preset
//! is opened and when the window closes.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use crate::preset::Preset;

/// Whether the preset has unsaved edits, and what waits on the answer.
#[derive(Debug, Default)]
pub struct Guard {
    /// The preset has edits not saved to a file since it was opened.
    pub edited: bool,
    /// An open or close waiting for the answer about unsaved edits.
    pub pending: Option<Pending>,
    /// The user agreed to close with unsaved edits.
    pub close_confirmed: bool,
}

impl Guard {
    /// Holds a close request while there are unsaved edits, and asks;
    /// `may_ask` is false for screenshots, which close unasked.
    pub fn hold_close(&mut self, ctx: &egui::Context, may_ask: bool) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.edited
            && !self.close_confirmed
            && may_ask
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending = Some(Pending::Close);
        }
    }
}

/// What is about to replace the edited preset.
#[derive(Debug)]
pub enum Opening {
    /// A lesson from the menu.
    Lesson(Box<Preset>),
    /// A preset file (dialog or drop).
    File(PathBuf),
}

/// What waits for the user's answer.
#[derive(Debug)]
pub enum Pending {
    /// Opening another preset.
    Open(Opening),
    /// Closing the window.
    Close,
}

/// The user's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Save to a file first, then go on.
    Save,
    /// Go on and lose the edits.
    Discard,
    /// Stay.
    Cancel,
}

/// The question, as a modal window over everything; `title` names the
/// edited preset.
pub fn ask(ctx: &egui::Context, title: &str, pending: &Pending) -> Option<Answer> {
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique("unsaved-edits")).show(ctx, |ui| {
        ui.set_max_width(380.0);
        ui.heading("Unsaved changes");
        let name = if title.is_empty() {
            "This preset".to_owned()
        } else {
            format!("“{title}”")
        };
        let then = match pending {
            Pending::Open(_) => "Opening another preset replaces it.",
            Pending::Close => "Closing the window leaves it unsaved.",
        };
        ui.label(format!(
            "{name} has edits that are not saved in a file. {then}"
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(RichText::new("Save…").strong()).clicked() {
                answer = Some(Answer::Save);
            }
            if ui.button("Discard changes").clicked() {
                answer = Some(Answer::Discard);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(Answer::Cancel);
            }
        });
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(Answer::Cancel);
    }
    answer
}
