//! The problem: surfaces or models on data, the picker, the chosen
//! problem's own settings, the start and the horizon.

use eframe::egui::{self, RichText};

use super::{bounds_editor, formula_editor, inputs, problem_editor};
use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::preset::{Point, Preset};
use crate::problem::catalogue::{first_model, model_name};
use crate::problem::{ExpressionConfig, OnlineConfig, ProblemConfig, Surface};
use crate::sim::limits::{MAX_STEPS, MAX_TOTAL_ROWS};

/// The picker's entry for typed formulas.
const CUSTOM: &str = "Custom f(x, y)";
/// The picker's entry for a loss that changes with the step.
const ONLINE: &str = "Online f_t(x, y)";

/// Draws the problem's section of the left panel.
pub fn show(ui: &mut egui::Ui, preset: &Preset, out: &mut Commands) {
    let current = match &preset.problem {
        ProblemConfig::Surface(s) => s.name().to_owned(),
        ProblemConfig::Expression(_) => CUSTOM.to_owned(),
        ProblemConfig::Online(_) => ONLINE.to_owned(),
        data => model_name(data).unwrap_or("Problem").to_owned(),
    };
    let on_data = preset.problem.has_data();
    ui.horizontal(|ui| {
        if ui.selectable_label(!on_data, "Surfaces").clicked() && on_data {
            out.edit(Edit::SwitchProblem(ProblemConfig::Surface(
                Surface::Rosenbrock,
            )));
        }
        if ui.selectable_label(on_data, "Models on data").clicked() && !on_data {
            out.edit(Edit::SwitchProblem(first_model()));
        }
    });
    egui::ComboBox::from_label("Problem")
        .selected_text(&current)
        .height(520.0)
        .show_ui(ui, |ui| {
            if on_data {
                problem_editor::choices(ui, &preset.problem, out);
            } else {
                surface_choices(ui, &preset.problem, out);
            }
        });
    problem_editor::show(ui, &preset.problem, out);
    if let ProblemConfig::Expression(e) = &preset.problem {
        formula_editor::show(ui, e, out);
    }
    if let ProblemConfig::Online(o) = &preset.problem {
        formula_editor::show_terms(ui, o, out);
    }
    if let ProblemConfig::Surface(Surface::IllConditioned { condition, angle }) = preset.problem {
        let (mut condition, mut angle) = (condition, angle);
        let a = ui.add(
            inputs::slider(&mut condition, 1.0..=1000.0)
                .logarithmic(true)
                .text("condition number"),
        );
        let b = ui.add(inputs::slider(&mut angle, -90.0..=90.0).text("angle (°)"));
        if a.changed() || b.changed() {
            out.edit(Edit::ReshapeProblem(ProblemConfig::Surface(
                Surface::IllConditioned { condition, angle },
            )));
        }
    }
    if let ProblemConfig::Surface(s) = &preset.problem {
        ui.label(RichText::new(s.formula()).monospace().small());
    }
    start_and_steps(ui, preset, out);
}

/// The surfaces and the typed formula in the picker.
fn surface_choices(ui: &mut egui::Ui, problem: &ProblemConfig, out: &mut Commands) {
    for surface in Surface::catalogue() {
        let selected = matches!(problem, ProblemConfig::Surface(s) if s.ident() == surface.ident());
        if ui.selectable_label(selected, surface.name()).clicked() && !selected {
            out.edit(Edit::SwitchProblem(ProblemConfig::Surface(surface)));
        }
    }
    let custom = matches!(problem, ProblemConfig::Expression(_));
    if ui.selectable_label(custom, CUSTOM).clicked() && !custom {
        out.edit(Edit::SwitchProblem(ProblemConfig::Expression(
            ExpressionConfig {
                formula: "sin(x)*cos(y) + 0.1*(x^2+y^2)".into(),
                view: None,
            },
        )));
    }
    let online = matches!(problem, ProblemConfig::Online(_));
    if ui.selectable_label(online, ONLINE).clicked() && !online {
        out.edit(Edit::SwitchProblem(ProblemConfig::Online(OnlineConfig {
            terms: vec!["3*x + 0.5*y^2".into(), "-x + 0.5*y^2".into()],
            view: None,
        })));
    }
}

/// Where every run starts (click the map to move it) and the horizon.
fn start_and_steps(ui: &mut egui::Ui, preset: &Preset, out: &mut Commands) {
    ui.horizontal(|ui| {
        match &preset.start {
            Some(Point(p)) if p.len() > 4 => {
                ui.label(format!("Start: {} given parameters", p.len()));
            }
            Some(Point(p)) => {
                let text = p
                    .iter()
                    .map(|v| format!("{v:.3}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                ui.label(format!("Start ({text})"));
            }
            None => {
                ui.label("Start: the problem's default");
            }
        }
        if preset.start.is_some() && ui.button("Default start").clicked() {
            out.edit(Edit::SetStart(None));
        }
        if !preset.problem.has_data() {
            bounds_editor::toggle(ui, preset, out);
        }
    })
    .response
    .on_hover_text("Click the map to move the start of every run");
    if let Some(bounds) = preset.bounds {
        bounds_editor::ranges(ui, bounds, out);
    }
    let max_steps = MAX_TOTAL_ROWS / preset.runs.len().max(1) as u64;
    let mut steps = preset.steps;
    // One row: the noise of a surface sits beside the horizon.
    ui.horizontal(|ui| {
        let response = ui.add(
            inputs::drag_value(&mut steps)
                .range(1..=max_steps.min(MAX_STEPS))
                .speed(10.0)
                .prefix("Steps: "),
        );
        if response.changed() {
            out.edit(Edit::SetSteps(steps));
        }
        if !preset.problem.has_data() {
            super::noise_editor::show(ui, preset, out);
        }
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn picking_a_surface_and_models_on_data_switch_the_problem() {
        let preset = Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, &preset, out),
            Commands::default(),
        );
        assert!(h.query_by_label("Start (-1.500, 2.000)").is_some());
        h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Problem")
            .click();
        h.run();
        h.get_by_label("Himmelblau").click();
        h.run();
        h.get_by_label("Models on data").click();
        h.run();
        h.get_by_label("Default start").click();
        h.run();
        let edits: Vec<&Edit> = h.state().edits().collect();
        assert_eq!(
            edits,
            [
                &Edit::SwitchProblem(ProblemConfig::Surface(Surface::Himmelblau)),
                &Edit::SwitchProblem(first_model()),
                &Edit::SetStart(None),
            ]
        );
    }
}
