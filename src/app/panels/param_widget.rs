//! One widget per hyperparameter: a checkbox for a flag, a slider on the
//! parameter's own range and scale for a number. Torch's name is the tooltip.

use eframe::egui;

use super::inputs;

use crate::optim::OptimizerConfig;
use crate::optim::params::{Param, Scale, Setting, Value};

/// A short label for a slider; the torch name is the tooltip.
pub fn display_name(name: &str) -> &str {
    match name {
        "beta1" => "β1",
        "beta2" => "β2",
        "eps" => "ε",
        "initial_accumulator_value" => "initial accumulator",
        "decoupled_weight_decay" => "decoupled weight decay",
        "weight_decay" => "weight decay",
        "lr_decay" => "lr decay",
        "momentum_decay" => "momentum decay",
        "eps_in_sqrt" => "ε inside the sqrt",
        "lr_inside_momentum" => "lr inside momentum",
        "look_ahead" => "look-ahead gradient",
        "newton_schulz_f64" => "Newton–Schulz in f64",
        "adjust_lr_fn" => "lr adjustment",
        "ns_steps" => "Newton–Schulz steps",
        "mars_type" => "MARS type",
        "lr_1d" => "lr (vectors)",
        "beta1_1d" => "β1 (vectors)",
        "beta2_1d" => "β2 (vectors)",
        "weight_decay_1d" => "weight decay (vectors)",
        other => other,
    }
}

/// The tooltip of an optimizer's hyperparameter: torch's name, what it
/// does, and torch's default for this optimizer.
pub fn help(setting: &Setting<Param>, defaults: &OptimizerConfig) -> String {
    let param = setting.param;
    let default = match defaults.get(param) {
        _ if param.is_convention() => "not torch's: off in torch".to_owned(),
        Some(Value::Real(v)) if matches!(setting.scale, Scale::Choice(_)) => match setting.scale {
            Scale::Choice(names) => format!(
                "torch default {}",
                names.get(v as usize).copied().unwrap_or("?")
            ),
            _ => String::new(),
        },
        Some(Value::Real(v)) if v != 0.0 && !(1e-3..1e5).contains(&v.abs()) => {
            format!("torch default {v:e}")
        }
        Some(Value::Real(v)) => format!("torch default {v}"),
        Some(Value::Flag(b)) => format!("torch default {b}"),
        None => String::new(),
    };
    format!("{}: {} ({default})", param.name(), param.help())
}

/// Draws the widget; returns the new value when the user changed it, and
/// the widget's response (to draw on it).
pub fn show<P: Copy + Into<&'static str>>(
    ui: &mut egui::Ui,
    setting: &Setting<P>,
) -> (Option<Value>, egui::Response) {
    show_with_help(ui, setting, setting.name())
}

/// The same, with `help` as the tooltip.
pub fn show_with_help<P: Copy + Into<&'static str>>(
    ui: &mut egui::Ui,
    setting: &Setting<P>,
    help: &str,
) -> (Option<Value>, egui::Response) {
    let name = setting.name();
    let label = display_name(name);
    match setting.value {
        Value::Flag(on) => {
            let mut v = on;
            let r = ui.checkbox(&mut v, label).on_hover_text(help);
            (r.changed().then_some(Value::Flag(v)), r)
        }
        Value::Real(x) => {
            if let Scale::Choice(names) = setting.scale {
                return choice(ui, label, names, x, help);
            }
            let mut v = x;
            let (lo, hi) = setting.range;
            let slider = inputs::slider(&mut v, lo..=hi).text(label);
            let slider = match setting.scale {
                Scale::Log => slider
                    .logarithmic(true)
                    .custom_formatter(|v, _| format!("{v:.3e}")),
                Scale::Integer => slider.integer().logarithmic(hi > 1000.0),
                // Shown to 4 decimals but not rounded: `max_decimals` would
                // silently round a preset's or a sweep's 0.50769 to 0.5077.
                Scale::Linear | Scale::Choice(_) => {
                    slider.custom_formatter(|v, _| format!("{v:.4}"))
                }
            };
            let r = ui.add(slider).on_hover_text(help);
            (r.changed().then_some(Value::Real(v)), r)
        }
    }
}

/// A menu of `names` with the one at index `at` picked.
fn choice(
    ui: &mut egui::Ui,
    label: &str,
    names: &[&str],
    at: f64,
    help: &str,
) -> (Option<Value>, egui::Response) {
    let mut picked = at as usize;
    let inner = egui::ComboBox::from_label(label)
        .selected_text(names.get(picked).copied().unwrap_or("?"))
        .show_ui(ui, |ui| {
            let mut changed = false;
            for (i, name) in names.iter().enumerate() {
                changed |= ui.selectable_value(&mut picked, i, *name).changed();
            }
            changed
        });
    let changed = inner.inner.unwrap_or(false);
    let r = inner.response.on_hover_text(help);
    (changed.then_some(Value::Real(picked as f64)), r)
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn a_slider_reports_the_value_the_user_sets_and_a_flag_toggles() {
        let lr = Setting {
            param: Param::Lr,
            value: Value::Real(0.01),
            range: Param::Lr.range(),
            scale: Param::Lr.scale(),
        };
        let nesterov = Setting {
            param: Param::Nesterov,
            value: Value::Flag(false),
            range: (0.0, 1.0),
            scale: Scale::Linear,
        };
        let mut h = Harness::new_ui_state(
            |ui, got: &mut Vec<Value>| {
                for s in [&lr, &nesterov] {
                    if let (Some(v), _) = show(ui, s) {
                        got.push(v);
                    }
                }
            },
            Vec::new(),
        );
        h.get_by_role_and_label(egui::accesskit::Role::Slider, "lr")
            .set_value_accesskit(0.05);
        h.run();
        h.get_by_label("nesterov").click();
        h.run();
        let got = h.state();
        assert!(
            matches!(got.first(), Some(Value::Real(v)) if (v - 0.05).abs() < 1e-12),
            "{got:?}"
        );
        assert_eq!(got.last(), Some(&Value::Flag(true)));
        assert!(
            h.query_by_label("β1").is_none(),
            "only the settings given are drawn"
        );
    }

    #[test]
    fn the_tooltip_says_what_a_hyperparameter_does_and_torchs_default() {
        let adam = OptimizerConfig::Adam(crate::optim::Adam::default());
        let beta1 = adam
            .params()
            .into_iter()
            .find(|s| s.param == Param::Beta1)
            .unwrap();
        assert_eq!(
            help(&beta1, &adam.torch_defaults()),
            "beta1: decay of the running mean of gradients (torch default 0.9)"
        );
        let eps = OptimizerConfig::catalogue()[1]
            .params()
            .into_iter()
            .find(|s| s.param == Param::Eps)
            .unwrap();
        assert!(help(&eps, &OptimizerConfig::catalogue()[1]).ends_with("(torch default 1e-10)"));
    }
}
