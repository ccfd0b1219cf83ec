//! The top bar: the File and Lessons menus, the Inspector, Sweep, Tune and
//! Present toggles, the transport, and every message for the user.

use eframe::egui::{self, RichText};

use super::transport::{self, Playback};
use crate::app::command::{Command, Commands};
use crate::app::files::Files;
use crate::app::shortcuts::{REDO, UNDO};
use crate::app::state::AppState;
use crate::app::theme;
use crate::render::palette::Theme;

/// What the top bar shows and edits.
#[derive(Debug)]
pub struct TopBar<'a> {
    /// The toggles and the playback speed.
    pub state: &'a mut AppState,
    /// Whether the sweep window is open.
    pub sweep_open: &'a mut bool,
    /// Whether the *Tune each run* window is open.
    pub tune_open: &'a mut bool,
    /// The play head.
    pub playback: &'a mut Playback,
    /// The horizon and the last row received.
    pub rows: (u64, usize),
    /// Errors to show (an invalid preset, a failed or crashed run).
    pub messages: Vec<&'a str>,
    /// Dialogs, exports and the status line.
    pub files: &'a mut Files,
    /// Whether there is an edit to undo, and one to redo.
    pub history: (bool, bool),
}

/// Draws the bar; menu choices become commands.
pub fn show(ui: &mut egui::Ui, bar: TopBar<'_>, out: &mut Commands) {
    let TopBar {
        state,
        sweep_open,
        tune_open,
        playback,
        rows: (horizon, last),
        messages,
        files,
        history: (can_undo, can_redo),
    } = bar;
    ui.add_space(4.0);
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if let Some(action) = Files::menu(ui, &mut state.built_in_file_dialog) {
                out.push(Command::AskFile(action));
                ui.close();
            }
        });
        ui.menu_button("Edit", |ui| {
            let shortcut = |s| ui.ctx().format_shortcut(s);
            let (undo, redo) = (shortcut(&UNDO), shortcut(&REDO));
            for (enabled, label, keys, command) in [
                (can_undo, "Undo", undo, Command::Undo),
                (can_redo, "Redo", redo, Command::Redo),
            ] {
                if ui
                    .add_enabled(enabled, egui::Button::new(label).shortcut_text(keys))
                    .clicked()
                {
                    out.push(command);
                    ui.close();
                }
            }
            ui.separator();
            if ui
                .button("Reset lesson")
                .on_hover_text("Back to the lesson as it was opened")
                .clicked()
            {
                out.push(Command::ResetLesson);
                ui.close();
            }
            if ui
                .add(egui::Button::new("Reset view").shortcut_text("0"))
                .on_hover_text("Fit the map to the problem's own box again")
                .clicked()
            {
                out.push(Command::ResetView);
                ui.close();
            }
        });
        ui.menu_button("View", |ui| {
            ui.label("Theme (the window and its exports)");
            ui.radio_value(&mut state.theme, Theme::Dark, "Dark");
            ui.radio_value(&mut state.theme, Theme::Light, "Light, for slides");
        });
        ui.menu_button("Lessons", |ui| {
            // Longer than a small window is tall: the list scrolls.
            let room = (ui.ctx().content_rect().height() - 60.0).max(120.0);
            egui::ScrollArea::vertical()
                .max_height(room)
                .show(ui, |ui| {
                    for (_, preset) in crate::preset::lessons::lessons() {
                        if ui
                            .button(&preset.title)
                            .on_hover_text(&preset.description)
                            .clicked()
                        {
                            out.push(Command::OpenLesson(Box::new(preset.clone())));
                            // However it was clicked (a screen reader's click too).
                            ui.close();
                        }
                    }
                });
        });
        ui.menu_button("Help", |ui| super::help::menu(ui, &mut state.help));
    });
    ui.horizontal(|ui| {
        ui.toggle_value(&mut state.show_inspector, "Inspector")
            .on_hover_text("Every run's numbers at the play head");
        ui.toggle_value(sweep_open, "Sweep")
            .on_hover_text("Run one run over a grid of two hyperparameters");
        ui.toggle_value(tune_open, "Tune")
            .on_hover_text("Tune each run: every run's best lr on the same grid, for a fair comparison");
        ui.toggle_value(&mut state.presenting, "Present")
            .on_hover_text(
                "For lectures: full screen, large type, the controls hidden (F11 toggles, Esc leaves)",
            );
        ui.separator();
        ui.vertical(|ui| {
            transport::show(ui, playback, &mut state.speed, horizon, last);
        });
    });
    for message in messages {
        ui.label(RichText::new(message).color(theme::error(ui)));
    }
    files.status_ui(ui);
    ui.add_space(2.0);
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[derive(Default)]
    struct Bar {
        state: AppState,
        sweep: bool,
        tune: bool,
        playback: Playback,
        files: Files,
        out: Commands,
    }

    #[test]
    fn a_lesson_from_the_menu_becomes_an_open_command_and_errors_show() {
        let mut h = Harness::new_ui_state(
            |ui, b: &mut Bar| {
                show(
                    ui,
                    TopBar {
                        state: &mut b.state,
                        sweep_open: &mut b.sweep,
                        tune_open: &mut b.tune,
                        playback: &mut b.playback,
                        rows: (100, 100),
                        messages: vec!["the preset is invalid"],
                        files: &mut b.files,
                        history: (true, false),
                    },
                    &mut b.out,
                );
            },
            Bar::default(),
        );
        assert!(h.query_by_label("the preset is invalid").is_some());
        h.get_by_label("Lessons").click();
        h.run();
        // Below the list's fold in this small harness: clicked as a screen
        // reader clicks it.
        h.get_by_label("Beale: a flat plateau and a narrow curved valley")
            .click_accesskit();
        h.run();
        assert!(matches!(
            h.state().out.queued(),
            [Command::OpenLesson(p)] if p.title.starts_with("Beale")
        ));
        h.get_by_label("Sweep").click();
        h.run();
        assert!(h.state().sweep, "the toggle opens the sweep window");
    }
}
