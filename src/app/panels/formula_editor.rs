//! A text field for a typed f(x, y). The preset only takes formulas that
//! parse; an error points at the offending character. The text is checked
//! only when it changes.

use eframe::egui::{self, RichText};

use crate::app::command::{Command, Commands};
use crate::app::edit::Edit;
use crate::app::theme;
use crate::problem::{ExpressionConfig, ProblemConfig};

/// The text being typed and what checking it said.
#[derive(Clone)]
struct Checked {
    text: String,
    outcome: Result<Vec<String>, String>,
}

/// Draws the editor for `config`'s formula.
pub fn show(ui: &mut egui::Ui, config: &ExpressionConfig, out: &mut Commands) {
    // Keyed by the formula in force: another lesson's formula starts afresh.
    let id = ui.scope_id().with(("formula", &config.formula));
    let mut checked = ui
        .data_mut(|d| d.get_temp::<Checked>(id))
        .unwrap_or_else(|| Checked {
            text: config.formula.clone(),
            outcome: Ok(Vec::new()),
        });
    let response = ui.add(
        egui::TextEdit::singleline(&mut checked.text)
            .font(egui::TextStyle::Monospace)
            .desired_width(f32::INFINITY)
            .hint_text("f(x, y), e.g. (1-x)^2 + 100*(y-x^2)^2"),
    );
    if response.changed() {
        checked.outcome = config
            .check_formula(&checked.text)
            .map_err(|err| err.to_string());
        out.push(Command::FormulaTyped {
            parses: checked.outcome.is_ok(),
        });
        if checked.outcome.is_ok() && checked.text != config.formula {
            out.edit(Edit::ReshapeProblem(ProblemConfig::Expression(
                ExpressionConfig {
                    formula: checked.text.clone(),
                    view: config.view,
                },
            )));
        }
    }
    match &checked.outcome {
        Ok(warnings) => {
            for warning in warnings.iter().take(2) {
                ui.label(
                    RichText::new(format!("warning: {warning}"))
                        .small()
                        .color(theme::warning(ui)),
                );
            }
        }
        Err(message) => {
            // Monospace throughout, so the caret line points at the character.
            ui.label(
                RichText::new(message)
                    .monospace()
                    .size(11.0)
                    .color(theme::error(ui)),
            );
        }
    }
    ui.data_mut(|d| d.insert_temp(id, checked));
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn a_formula_that_parses_is_taken_and_one_that_does_not_is_pointed_at() {
        let config = ExpressionConfig {
            formula: "x^2 + y^2".into(),
            view: None,
        };
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, &config, out),
            Commands::default(),
        );
        h.get_all_by_value("x^2 + y^2").next().unwrap().focus();
        h.run();
        h.get_all_by_value("x^2 + y^2")
            .next()
            .unwrap()
            .type_text(" + x");
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::ReshapeProblem(ProblemConfig::Expression(
                ExpressionConfig {
                    formula: "x^2 + y^2 + x".into(),
                    view: None,
                }
            )))
        );
        h.get_all_by_value("x^2 + y^2 + x")
            .next()
            .unwrap()
            .type_text(" + sn(y)");
        h.run();
        assert!(
            h.state().edits().all(|e| !format!("{e:?}").contains("sn(")),
            "a broken formula is not sent"
        );
        assert!(matches!(
            h.state().queued().last(),
            Some(Command::FormulaTyped { parses: false })
        ));
        assert!(
            h.query_all_by_label_contains("unknown function `sn`")
                .next()
                .is_some()
        );
    }
}
