//! Text fields for a typed f(x, y) and for an online loss's terms. The
//! preset only takes formulas that parse; an error points at the offending
//! character. The text is checked only when it changes.

use eframe::egui::{self, RichText};

use crate::app::command::{Command, Commands};
use crate::app::edit::Edit;
use crate::app::theme;
use crate::problem::{ExpressionConfig, ExpressionSurface, MAX_TERMS, OnlineConfig, ProblemConfig};

/// The text being typed, what checking it said, and the formula in force
/// it was typed over (once sent, the formula it puts in force).
#[derive(Clone)]
struct Checked {
    text: String,
    outcome: Result<Vec<String>, String>,
    over: String,
}

/// Draws the editor for `config`'s formula.
pub fn show(ui: &mut egui::Ui, config: &ExpressionConfig, out: &mut Commands) {
    let hint = "f(x, y), e.g. (1-x)^2 + 100*(y-x^2)^2";
    let check = |text: &str| config.check_formula(text).map_err(|e| e.to_string());
    if let Some(formula) = field(ui, (0, &config.formula), hint, check, out) {
        out.edit(Edit::ReshapeProblem(ProblemConfig::Expression(
            ExpressionConfig {
                formula,
                view: config.view,
            },
        )));
    }
}

/// Draws one editor per term of an online loss, with buttons that add a
/// term (a copy of the last) or remove the last.
pub fn show_terms(ui: &mut egui::Ui, config: &OnlineConfig, out: &mut Commands) {
    ui.label(RichText::new("Step t takes term (t − 1) mod p; the map shows their mean").small());
    let reshape = |terms: Vec<String>| {
        Edit::ReshapeProblem(ProblemConfig::Online(OnlineConfig {
            terms,
            view: config.view,
        }))
    };
    for (i, term) in config.terms.iter().enumerate() {
        let typed = ui
            .horizontal(|ui| {
                ui.label(RichText::new(format!("f{}", i + 1)).monospace());
                let check = |text: &str| {
                    ExpressionSurface::parse(text, config.view)
                        .map(|s| s.gradient_warnings())
                        .map_err(|e| e.to_string())
                };
                field(ui, (i, term), "a term f(x, y)", check, out)
            })
            .inner;
        if let Some(text) = typed {
            let mut terms = config.terms.clone();
            if let Some(t) = terms.get_mut(i) {
                *t = text;
            }
            out.edit(reshape(terms));
        }
    }
    ui.horizontal(|ui| {
        let n = config.terms.len();
        if ui
            .add_enabled(n < MAX_TERMS, egui::Button::new("Add term"))
            .clicked()
        {
            let mut terms = config.terms.clone();
            terms.push(terms.last().cloned().unwrap_or_else(|| "x^2 + y^2".into()));
            out.edit(reshape(terms));
        }
        if ui
            .add_enabled(n > 1, egui::Button::new("Remove last term"))
            .clicked()
        {
            out.edit(reshape(
                config.terms.get(..n - 1).unwrap_or_default().to_vec(),
            ));
        }
    });
}

/// Formula field `key`: returns the text once it parses and differs from
/// `current`; shows the caret error or the gradient warnings below.
fn field(
    ui: &mut egui::Ui,
    (key, current): (usize, &str),
    hint: &str,
    check: impl Fn(&str) -> Result<Vec<String>, String>,
    out: &mut Commands,
) -> Option<String> {
    let id = ui.scope_id().with(("formula", key));
    // Text typed over another formula (another lesson's, or one replaced
    // since) is dropped: the field shows the formula in force.
    let mut checked = ui
        .data_mut(|d| d.get_temp::<Checked>(id))
        .filter(|c| c.over == current)
        .unwrap_or_else(|| Checked {
            text: current.to_owned(),
            outcome: Ok(Vec::new()),
            over: current.to_owned(),
        });
    let response = ui.add(
        egui::TextEdit::singleline(&mut checked.text)
            .font(egui::TextStyle::Monospace)
            .desired_width(f32::INFINITY)
            .hint_text(hint),
    );
    let mut taken = None;
    if response.changed() {
        checked.outcome = check(&checked.text);
        out.push(Command::FormulaTyped {
            parses: checked.outcome.is_ok(),
        });
        if checked.outcome.is_ok() && checked.text != current {
            taken = Some(checked.text.clone());
            checked.over.clone_from(&checked.text);
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
    taken
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn a_formula_that_parses_is_taken_and_one_that_does_not_is_pointed_at() {
        // The formula in force follows what the editor sends, as in the window.
        let mut h = Harness::new_ui_state(
            |ui, (config, log): &mut (ExpressionConfig, Commands)| {
                let mut out = Commands::default();
                show(ui, config, &mut out);
                for command in out.take() {
                    if let Command::Edit(Edit::ReshapeProblem(ProblemConfig::Expression(e))) =
                        &command
                    {
                        *config = e.clone();
                    }
                    log.push(command);
                }
            },
            (
                ExpressionConfig {
                    formula: "x^2 + y^2".into(),
                    view: None,
                },
                Commands::default(),
            ),
        );
        h.get_all_by_value("x^2 + y^2").next().unwrap().focus();
        h.run();
        h.get_all_by_value("x^2 + y^2")
            .next()
            .unwrap()
            .type_text(" + x");
        h.run();
        assert_eq!(h.state().0.formula, "x^2 + y^2 + x");
        h.get_all_by_value("x^2 + y^2 + x")
            .next()
            .unwrap()
            .type_text(" + sn(y)");
        h.run();
        assert!(
            h.state()
                .1
                .edits()
                .all(|e| !format!("{e:?}").contains("sn(")),
            "a broken formula is not sent"
        );
        assert!(matches!(
            h.state().1.queued().last(),
            Some(Command::FormulaTyped { parses: false })
        ));
        assert!(
            h.query_all_by_label_contains("unknown function `sn`")
                .next()
                .is_some()
        );
        // Another lesson's formula in force: the typed text gives way to it.
        h.state_mut().0.formula = "sin(x) + y^2".into();
        h.run();
        assert!(h.get_all_by_value("sin(x) + y^2").next().is_some());
        assert!(
            h.query_all_by_label_contains("unknown function")
                .next()
                .is_none()
        );
    }
}
