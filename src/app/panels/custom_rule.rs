//! A typed optimizer's editor: each hyperparameter's and state variable's
//! value as a number field, their names as `name = value` lines, and the
//! update equations one a line. Text is checked as it is typed; only a
//! rule that compiles is sent, and an error points at its character.

use eframe::egui::{self, RichText};

use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::app::theme;
use crate::optim::Custom;
use crate::optim::custom::{named_values_text, parse_named_values};

/// The text being typed, what checking it said, and the text in force it
/// was typed over (once sent, the text its rule puts in force).
#[derive(Clone)]
struct Checked {
    text: String,
    error: Option<String>,
    over: String,
}

/// Draws the editor of run `run`'s typed rule.
pub fn show(ui: &mut egui::Ui, run: usize, rule: &Custom, out: &mut Commands) {
    let send = |out: &mut Commands, rule: Custom| out.edit(Edit::SetCustomRule { run, rule });
    ui.horizontal_wrapped(|ui| {
        for (k, (name, value)) in rule.hyper.iter().enumerate() {
            if let Some(v) = number(ui, name, *value) {
                let mut next = rule.clone();
                if let Some(slot) = next.hyper.get_mut(k) {
                    slot.1 = v;
                }
                send(out, next);
            }
        }
    });
    let hyper = named_values_text(&rule.hyper);
    let shown = |r: &Custom| named_values_text(&r.hyper);
    let typed = field(
        ui,
        (run, "Hyperparameters", &hyper),
        (false, &shown),
        |text| {
            let hyper = parse_named_values(text).map_err(|(c, m)| caret(text, c, &m))?;
            checked(Custom {
                hyper,
                ..rule.clone()
            })
        },
    );
    if let Some(next) = typed {
        send(out, next);
    }
    let state = named_values_text(&rule.state);
    let shown = |r: &Custom| named_values_text(&r.state);
    let title = "State and its initial values";
    let typed = field(ui, (run, title, &state), (false, &shown), |text| {
        let state = parse_named_values(text).map_err(|(c, m)| caret(text, c, &m))?;
        checked(Custom {
            state,
            ..rule.clone()
        })
    });
    if let Some(next) = typed {
        send(out, next);
    }
    let equations = rule.update.join("\n");
    let title = "Update, one equation a line, for each coordinate (g, theta, t, lr)";
    let shown = |r: &Custom| r.update.join("\n");
    let typed = field(ui, (run, title, &equations), (true, &shown), |text| {
        let update: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        checked(Custom {
            update,
            ..rule.clone()
        })
    });
    if let Some(next) = typed {
        send(out, next);
    }
}

/// `rule` if it compiles, else the error with its caret.
fn checked(rule: Custom) -> Result<Custom, String> {
    match rule.compile() {
        Ok(_) => Ok(rule),
        Err(e) if e.equation == 0 => Err(e.message),
        Err(e) => Err(e.to_string()),
    }
}

/// "column c: message" over `text` with a caret under column `c`.
fn caret(text: &str, column: usize, message: &str) -> String {
    let pad = " ".repeat(column.saturating_sub(1));
    format!("column {column}: {message}\n    {text}\n    {pad}^")
}

/// A number field labelled `name`; the new value once changed.
fn number(ui: &mut egui::Ui, name: &str, value: f64) -> Option<f64> {
    let mut v = value;
    let speed = (value.abs() * 0.01).max(1e-6);
    let response = ui.add(
        egui::DragValue::new(&mut v)
            .prefix(format!("{name} "))
            .speed(speed)
            .custom_formatter(|v, _| {
                if v != 0.0 && !(1e-3..1e4).contains(&v.abs()) {
                    format!("{v:.3e}")
                } else {
                    format!("{v}")
                }
            }),
    );
    (response.changed() && v.is_finite() && v != value).then_some(v)
}

/// A text field of run `run` titled `title` over the text in force,
/// `current`: returns the rule `check` makes once the text changes and
/// checks; shows the error below. `shown` is the text a rule puts in force.
fn field(
    ui: &mut egui::Ui,
    (run, title, current): (usize, &str, &str),
    (multiline, shown): (bool, &dyn Fn(&Custom) -> String),
    check: impl Fn(&str) -> Result<Custom, String>,
) -> Option<Custom> {
    let label = ui.label(RichText::new(title).small());
    let id = ui.scope_id().with(("custom rule", run, title));
    let fresh = || Checked {
        text: current.to_owned(),
        error: None,
        over: current.to_owned(),
    };
    // Text typed over another rule (another lesson's, or one replaced
    // since) is dropped: the field shows the rule in force.
    let mut typed = ui
        .data_mut(|d| d.get_temp::<Checked>(id))
        .filter(|t| t.over == current)
        .unwrap_or_else(fresh);
    let edit = if multiline {
        egui::TextEdit::multiline(&mut typed.text).desired_rows(3)
    } else {
        egui::TextEdit::singleline(&mut typed.text)
    };
    let response = ui
        .add(
            edit.font(egui::TextStyle::Monospace)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    let mut taken = None;
    if response.changed() {
        match check(&typed.text) {
            Ok(rule) => {
                typed.error = None;
                let next = shown(&rule);
                if next != current {
                    typed.over = next;
                    taken = Some(rule);
                }
            }
            Err(message) => typed.error = Some(message),
        }
    }
    if let Some(message) = &typed.error {
        // Monospace and never wrapped, so the caret points at the character.
        let text = RichText::new(message)
            .monospace()
            .size(11.0)
            .color(theme::error(ui));
        egui::ScrollArea::horizontal()
            .id_salt((title, "error"))
            .show(ui, |ui| ui.add(egui::Label::new(text).extend()));
    }
    ui.data_mut(|d| d.insert_temp(id, typed));
    taken
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::app::command::Command;

    /// The rule in force, updated by what the editor sends, and every rule sent.
    struct Window {
        rule: Custom,
        sent: Vec<Custom>,
    }

    fn harness() -> Harness<'static, Window> {
        Harness::new_ui_state(
            |ui, w: &mut Window| {
                let mut out = Commands::default();
                show(ui, 0, &w.rule, &mut out);
                for command in out.take() {
                    if let Command::Edit(Edit::SetCustomRule { rule, .. }) = command {
                        w.rule = rule.clone();
                        w.sent.push(rule);
                    }
                }
            },
            Window {
                rule: Custom::default(),
                sent: Vec::new(),
            },
        )
    }

    #[test]
    fn an_equation_that_compiles_is_sent_and_a_typo_is_pointed_at() {
        let mut h = harness();
        let text = Custom::default().update.join("\n");
        h.get_all_by_value(&text).next().unwrap().focus();
        h.run();
        h.get_all_by_value(&text).next().unwrap().type_text(" + 0");
        h.run();
        let rule = h.state().sent.last().cloned().unwrap();
        assert!(rule.update[2].ends_with("+ eps) + 0"), "{:?}", rule.update);
        let sent = h.state().sent.len();
        let now = format!("{text} + 0");
        h.get_all_by_value(&now).next().unwrap().type_text(" * bta");
        h.run();
        assert_eq!(h.state().sent.len(), sent, "a broken rule is not sent");
        assert!(
            h.query_all_by_label_contains("equation 3, column 70: unknown name `bta`")
                .next()
                .is_some()
        );
        // Fixed, then a new line: kept while the next equation is typed,
        // though the rule it sends has no empty equation.
        for _ in 0.." * bta".len() {
            h.key_press(egui::Key::Backspace);
            h.run();
        }
        h.key_press(egui::Key::Enter);
        h.run();
        assert!(h.get_all_by_value(&format!("{now}\n")).next().is_some());
        h.get_all_by_value(&format!("{now}\n"))
            .next()
            .unwrap()
            .type_text("m = m");
        h.run();
        assert_eq!(h.state().rule.update.len(), 4);
    }

    #[test]
    fn a_number_typed_digit_by_digit_is_not_rewritten_under_the_cursor() {
        let mut h = harness();
        let text = "beta1 = 0.9, beta2 = 0.999, eps = 1e-8";
        h.get_all_by_value(text).next().unwrap().focus();
        h.run();
        h.get_all_by_value(text).next().unwrap().type_text("0");
        h.run();
        // 1e-80 reads, and the field keeps what was typed.
        let typed = format!("{text}0");
        assert!(h.get_all_by_value(&typed).next().is_some());
        assert_eq!(h.state().rule.hyper[2].1, 1e-80);
        // 1e-805 reads as 0.0, yet the field keeps the digits typed.
        h.get_all_by_value(&typed).next().unwrap().type_text("5");
        h.run();
        assert_eq!(h.state().rule.hyper[2].1, 0.0);
        assert!(h.get_all_by_value(&format!("{typed}5")).next().is_some());
    }

    #[test]
    fn a_hyperparameter_field_renames_and_a_bad_entry_is_pointed_at() {
        let mut h = harness();
        let text = "beta1 = 0.9, beta2 = 0.999, eps = 1e-8";
        h.get_all_by_value(text).next().unwrap().focus();
        h.run();
        h.get_all_by_value(text)
            .next()
            .unwrap()
            .type_text(", spare");
        h.run();
        assert!(h.state().sent.is_empty());
        assert!(
            h.query_all_by_label_contains("column 41: write `name = value`")
                .next()
                .is_some()
        );
        let now = format!("{text}, spare");
        h.get_all_by_value(&now).next().unwrap().type_text(" = 2");
        h.run();
        let rule = h.state().sent.last().cloned().unwrap();
        assert_eq!(rule.hyper.last(), Some(&("spare".to_owned(), 2.0)));
    }
}
