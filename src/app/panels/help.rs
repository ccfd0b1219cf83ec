//! The Help menu and its window: how to use Descent on one screen, every
//! key, and each lesson's idea with a button that opens it.

use eframe::egui::{self, RichText};

use crate::app::command::{Command, Commands};
use crate::app::shortcuts::KEYS;

/// A page of the Help window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpPage {
    /// How to use Descent, on one screen.
    HowTo,
    /// The keys and mouse gestures.
    Keys,
    /// Each lesson and the idea it shows.
    Lessons,
}

impl HelpPage {
    const ALL: [Self; 3] = [Self::HowTo, Self::Keys, Self::Lessons];

    /// Its name in the menu and on its tab.
    pub fn title(self) -> &'static str {
        match self {
            Self::HowTo => "How to use Descent",
            Self::Keys => "Keyboard and mouse",
            Self::Lessons => "Lessons and their ideas",
        }
    }
}

/// The steps of a first session, one line each.
const HOW_TO: &[(&str, &str)] = &[
    (
        "Pick a lesson",
        "from the Lessons menu (or below). Each one compares a few runs on one problem.",
    ),
    (
        "Play",
        "with Space or the play button. Every run starts at the same point and, on data, sees the same mini-batches.",
    ),
    (
        "Move a slider",
        "and that run is computed again at once; the others keep their values. Hover a slider for what it does and torch's default.",
    ),
    (
        "Click the map",
        "to start every run there. Drag to pan, scroll to zoom, 0 to fit the view again.",
    ),
    (
        "Add a run",
        "to compare another optimizer, or change a run's optimizer in its panel.",
    ),
    (
        "Models on data",
        "(left panel) train regressions, classifiers and a small MLP on mini-batches; the Data view shows the fit or the decision map.",
    ),
    (
        "Inspector",
        "shows each run's numbers and its update rule at the play head; Sweep maps the final loss over two hyperparameters.",
    ),
    (
        "Present",
        "(F11) hides the controls and enlarges the type for a lecture; Esc leaves it.",
    ),
    (
        "File",
        "saves your edits as a preset and exports pictures (PNG, SVG), animations (GIF) and trajectories (CSV).",
    ),
    (
        "Undo",
        "with Ctrl+Z; Edit > Reset lesson goes back to the lesson as it was opened.",
    ),
];

/// The Help menu's entries; a choice opens its page.
pub fn menu(ui: &mut egui::Ui, open: &mut Option<HelpPage>) {
    for page in HelpPage::ALL {
        if ui.button(page.title()).clicked() {
            *open = Some(page);
            ui.close();
        }
    }
    ui.separator();
    ui.hyperlink_to(
        "torch.optim documentation",
        "https://pytorch.org/docs/stable/optim.html",
    );
}

/// The Help window, while a page is open; a lesson's Open button becomes a
/// command (and closes the window).
pub fn window(ctx: &egui::Context, open: &mut Option<HelpPage>, out: &mut Commands) {
    let Some(mut page) = *open else {
        return;
    };
    let mut keep = true;
    let mut chose = false;
    egui::Window::new("Help")
        .open(&mut keep)
        .collapsible(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .default_size([560.0, 520.0])
        .vscroll(true)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                for p in HelpPage::ALL {
                    ui.selectable_value(&mut page, p, p.title());
                }
            });
            ui.separator();
            match page {
                HelpPage::HowTo => how_to(ui),
                HelpPage::Keys => keys(ui),
                HelpPage::Lessons => {
                    if let Some(command) = lessons(ui) {
                        out.push(command);
                        chose = true;
                    }
                }
            }
        });
    *open = (keep && !chose).then_some(page);
}

fn how_to(ui: &mut egui::Ui) {
    for (n, (what, how)) in HOW_TO.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{}. {what}", n + 1)).strong());
            ui.label(*how);
        });
        ui.add_space(2.0);
    }
    ui.add_space(6.0);
    ui.label(
        "The numbers are torch.optim's: the same update rules, names and defaults, in f64. \
         The Inspector's convention switch shows where optax differs.",
    );
}

fn keys(ui: &mut egui::Ui) {
    egui::Grid::new("help_keys")
        .num_columns(2)
        .striped(true)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            for (key, what) in KEYS {
                ui.label(RichText::new(*key).monospace().strong());
                ui.label(*what);
                ui.end_row();
            }
        });
}

/// Each lesson's title, idea and an Open button.
fn lessons(ui: &mut egui::Ui) -> Option<Command> {
    let mut chosen = None;
    for (name, lesson) in crate::preset::lessons::lessons() {
        ui.push_id(name, |ui| {
            ui.horizontal(|ui| {
                if ui.button("Open").clicked() {
                    chosen = Some(Command::OpenLesson(Box::new(lesson.clone())));
                }
                ui.label(RichText::new(&lesson.title).strong());
            });
            ui.label(&lesson.description);
        });
        ui.add_space(8.0);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[derive(Default)]
    struct Help {
        open: Option<HelpPage>,
        out: Commands,
    }

    #[test]
    fn each_page_shows_and_a_lesson_opens_from_it() {
        let mut h = Harness::new_ui_state(
            |ui, help: &mut Help| window(ui.ctx(), &mut help.open, &mut help.out),
            Help {
                open: Some(HelpPage::Keys),
                ..Help::default()
            },
        );
        h.run();
        h.get_by_label("Space");
        h.get_by_label("Undo an edit of the lesson");
        h.get_by_label(HelpPage::HowTo.title()).click();
        h.run();
        h.get_by_label("1. Pick a lesson");
        h.get_by_label(HelpPage::Lessons.title()).click();
        h.run();
        let first = &crate::preset::lessons::lessons()[0].1;
        h.get_by_label(&first.title);
        h.get_all_by_label("Open").next().unwrap().click();
        h.run();
        assert!(h.state().open.is_none(), "opening a lesson closes Help");
        let commands = h.state_mut().out.take();
        assert!(
            matches!(&commands[..], [Command::OpenLesson(p)] if p.title == first.title),
            "{commands:?}"
        );
    }
}
