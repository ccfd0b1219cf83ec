//! A run's optimizer: the picker, one widget per hyperparameter (the lr
//! slider marked with the stable bound), the curvature at the play head,
//! and the convention switch with its flags.

use eframe::egui;

use super::param_widget;
use super::stability::{self, AtHead};
use crate::analysis::curvature::{has_lr_bound, lr_bound};
use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::optim::params::Param;
use crate::optim::{Convention, OptimizerConfig};

/// Draws the optimizer of run `run`; `at` is the curvature at the play head.
pub fn show(
    ui: &mut egui::Ui,
    run: usize,
    optimizer: &OptimizerConfig,
    at: AtHead<'_>,
    out: &mut Commands,
) {
    let bound = match at {
        AtHead::At(_, c) => lr_bound(optimizer, c),
        AtHead::Computing | AtHead::Diverged => None,
    };
    picker_and_sliders(ui, run, optimizer, bound, out);
    if let OptimizerConfig::Custom(rule) = optimizer {
        super::custom_rule::show(ui, run, rule, out);
    }
    stability::summary(ui, at, optimizer.lr(), bound, has_lr_bound(optimizer));
    if let (AtHead::At(_, c), OptimizerConfig::Sgd(s)) = (at, optimizer)
        && bound.is_some()
        && s.momentum > 0.0
    {
        stability::momentum_region(ui, run, c, s.momentum, s.lr);
    }
    conventions(ui, run, optimizer, out);
}

/// The picker, the sliders and the convention switch without the
/// curvature at the head (a parameter group's optimizer).
pub fn show_rule(ui: &mut egui::Ui, run: usize, optimizer: &OptimizerConfig, out: &mut Commands) {
    picker_and_sliders(ui, run, optimizer, None, out);
    conventions(ui, run, optimizer, out);
}

/// The kind picker and one widget per hyperparameter, the lr slider marked
/// at `bound`.
fn picker_and_sliders(
    ui: &mut egui::Ui,
    run: usize,
    optimizer: &OptimizerConfig,
    bound: Option<f64>,
    out: &mut Commands,
) {
    egui::ComboBox::from_label("Optimizer")
        .selected_text(optimizer.kind_name())
        .show_ui(ui, |ui| {
            for kind in OptimizerConfig::catalogue() {
                let selected = kind.kind_name() == optimizer.kind_name();
                if ui
                    .selectable_label(selected, kind.kind_name())
                    .on_hover_text(kind.torch_name())
                    .clicked()
                    && !selected
                {
                    out.edit(Edit::SetOptimizerKind { run, kind });
                }
            }
        });
    let defaults = optimizer.torch_defaults();
    for setting in optimizer.params() {
        // Each widget's id is its parameter's name, so a line that comes or
        // goes above it never hands a drag to its neighbour.
        ui.push_id(setting.name(), |ui| {
            let help = param_widget::help(&setting, &defaults);
            let (value, response) = param_widget::show_with_help(ui, &setting, &help);
            if let (Some(b), Param::Lr) = (bound, setting.param) {
                stability::mark_slider(ui, &response, &setting, b);
            }
            if let Some(value) = value {
                out.edit(Edit::SetParam {
                    run,
                    param: setting.param,
                    value,
                });
            }
        });
    }
}

/// The convention switch (torch, optax, textbook) and its individual flags.
fn conventions(ui: &mut egui::Ui, run: usize, optimizer: &OptimizerConfig, out: &mut Commands) {
    let flags = optimizer.convention_params();
    if !Convention::matters_for(optimizer) && flags.is_empty() {
        return;
    }
    egui::ComboBox::from_label("Convention")
        .selected_text(Convention::describe(optimizer))
        .show_ui(ui, |ui| {
            let followed = Convention::followed_by(optimizer);
            for &convention in Convention::readings_of(optimizer) {
                let selected = followed.contains(&convention);
                if ui
                    .selectable_label(selected, convention.name())
                    .on_hover_text(convention.source())
                    .clicked()
                    && !selected
                {
                    out.edit(Edit::SetConvention { run, convention });
                }
            }
        })
        .response
        .on_hover_text("Where torch, optax and the textbook read this rule differently");
    let defaults = optimizer.torch_defaults();
    for setting in flags {
        ui.push_id(setting.name(), |ui| {
            let help = param_widget::help(&setting, &defaults);
            if let (Some(value), _) = param_widget::show_with_help(ui, &setting, &help) {
                out.edit(Edit::SetParam {
                    run,
                    param: setting.param,
                    value,
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use eframe::egui::accesskit::Role;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::optim::params::Value;
    use crate::optim::{Adam, Sgd};

    #[test]
    fn every_hyperparameter_has_a_widget_and_a_move_is_an_edit_of_that_run() {
        let adam = OptimizerConfig::Adam(Adam::default());
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, 1, &adam, AtHead::Computing, out),
            Commands::default(),
        );
        for label in ["lr", "β1", "β2", "ε", "weight decay"] {
            assert!(
                h.query_by_role_and_label(Role::Slider, label).is_some(),
                "{label}"
            );
        }
        for label in ["amsgrad", "decoupled weight decay", "maximize"] {
            assert!(
                h.query_by_role_and_label(Role::CheckBox, label).is_some(),
                "{label}"
            );
        }
        h.get_by_role_and_label(Role::Slider, "β1")
            .set_value_accesskit(0.5);
        h.run();
        assert!(matches!(
            h.state().edits().last(),
            Some(Edit::SetParam { run: 1, param: Param::Beta1, value: Value::Real(b) })
                if (b - 0.5).abs() < 1e-12
        ));
        h.get_by_role_and_label(Role::ComboBox, "Optimizer").click();
        h.run();
        h.get_by_label("Sgd").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetOptimizerKind {
                run: 1,
                kind: OptimizerConfig::Sgd(Sgd::default())
            })
        );
    }

    #[test]
    fn muon_offers_its_lr_adjustment_menu_and_only_the_readings_it_has() {
        use crate::optim::Muon;
        use crate::optim::params::Param;
        let muon = OptimizerConfig::Muon(Muon::default());
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| show(ui, 0, &muon, AtHead::Computing, out),
            Commands::default(),
        );
        assert!(
            h.query_by_role_and_label(Role::CheckBox, "Newton–Schulz in f64")
                .is_some()
        );
        h.get_by_role_and_label(Role::ComboBox, "lr adjustment")
            .click();
        h.run();
        h.get_by_label("match_rms_adamw").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetParam {
                run: 0,
                param: Param::AdjustLrFn,
                value: Value::Real(1.0)
            })
        );
        h.get_by_role_and_label(Role::ComboBox, "Convention")
            .click();
        h.run();
        assert!(h.query_by_label("textbook").is_some());
        assert!(
            h.query_by_label("optax").is_none(),
            "optax's reading of Muon is not claimed"
        );
        h.get_by_label("textbook").click();
        h.run();
        assert_eq!(
            h.state().edits().last(),
            Some(&Edit::SetConvention {
                run: 0,
                convention: Convention::Textbook
            })
        );
    }
}
