//! A run's learning-rate schedule: the picker, its parameters, and
//! `MultiStepLR`'s milestones.

use eframe::egui::{self, RichText};

use super::{inputs, param_widget};
use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::app::theme;
use crate::optim::Schedule;
use crate::optim::params::{ScheduleParam, Value};
use crate::optim::schedule::MultiStepLr;

/// Draws the schedule of run `run`.
pub fn show(ui: &mut egui::Ui, run: usize, schedule: &Schedule, out: &mut Commands) {
    egui::ComboBox::from_label("Schedule")
        .selected_text(schedule.name())
        .show_ui(ui, |ui| {
            for sched in Schedule::catalogue() {
                let selected = sched.name() == schedule.name();
                if ui.selectable_label(selected, sched.name()).clicked() && !selected {
                    out.edit(Edit::SetSchedule {
                        run,
                        schedule: sched,
                    });
                }
            }
        });
    if let Schedule::MultiStepLR(s) = schedule {
        milestones(ui, run, s, out);
        return;
    }
    for setting in schedule.params() {
        if let (Some(value), _) = param_widget::show(ui, &setting) {
            out.edit(Edit::SetScheduleParam {
                run,
                param: setting.param,
                value,
            });
        }
    }
}

/// `MultiStepLR`'s milestones as comma-separated steps, and its γ.
fn milestones(ui: &mut egui::Ui, run: usize, s: &MultiStepLr, out: &mut Commands) {
    let id = ui.scope_id().with("milestones");
    let mut text = ui.data_mut(|d| {
        d.get_temp::<String>(id).unwrap_or_else(|| {
            s.milestones
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        })
    });
    let response = ui
        .horizontal(|ui| {
            let r = ui.add(egui::TextEdit::singleline(&mut text).desired_width(140.0));
            ui.label("milestones");
            r
        })
        .inner
        .on_hover_text("Steps at which lr is multiplied by gamma, e.g. 100, 300");
    let parsed: Result<Vec<u64>, _> = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::parse::<u64>)
        .collect();
    if response.changed()
        && let Ok(milestones) = parsed.clone()
    {
        out.edit(Edit::SetMilestones { run, milestones });
    }
    if parsed.is_err() {
        ui.label(
            RichText::new("milestones must be whole numbers separated by commas")
                .color(theme::error(ui))
                .small(),
        );
    }
    ui.data_mut(|d| d.insert_temp(id, text));
    let mut gamma = s.gamma;
    if ui
        .add(inputs::slider(&mut gamma, 0.01..=1.0).text("gamma"))
        .changed()
    {
        out.edit(Edit::SetScheduleParam {
            run,
            param: ScheduleParam::Gamma,
            value: Value::Real(gamma),
        });
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn a_schedule_parameter_and_milestones_become_edits() {
        let step = Schedule::catalogue()
            .into_iter()
            .find(|s| s.name() == "StepLR")
            .unwrap();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, 2, &step, out),
            Commands::default(),
        );
        h.get_by_role_and_label(egui::accesskit::Role::Slider, "gamma")
            .set_value_accesskit(0.5);
        h.run();
        assert!(matches!(
            h.state().edits().last(),
            Some(Edit::SetScheduleParam { run: 2, param: ScheduleParam::Gamma, value: Value::Real(g) })
                if (g - 0.5).abs() < 1e-12
        ));
        let multi = Schedule::MultiStepLR(MultiStepLr {
            milestones: vec![100],
            gamma: 0.1,
        });
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, 0, &multi, out),
            Commands::default(),
        );
        h.get_all_by_value("100").next().unwrap().focus();
        h.run();
        h.get_all_by_value("100").next().unwrap().type_text(", 300");
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetMilestones {
                run: 0,
                milestones: vec![100, 300]
            })
        );
        h.get_all_by_value("100, 300")
            .next()
            .unwrap()
            .type_text(", x");
        h.run();
        assert!(
            h.query_by_label("milestones must be whole numbers separated by commas")
                .is_some()
        );
    }
}
