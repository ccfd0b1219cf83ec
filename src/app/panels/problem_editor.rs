//! The settings of a model on data: its data set, its model (degree or
//! layers), the validation split. Each change is one edit of the problem.

use eframe::egui;

use super::inputs;

use crate::app::command::Commands;
use crate::app::edit::Edit;
use crate::problem::catalogue::{SHAPES, model_name, models, shape, shape_of};
use crate::problem::{
    Activation, ClassDataSource, ClassificationConfig, LineDataSource, MAX_CLASSES, MAX_DEGREE,
    MAX_HIDDEN, ProblemConfig,
};

/// Most generated points.
const MAX_POINTS: usize = 5000;

/// The models on data inside the problem picker.
pub fn choices(ui: &mut egui::Ui, problem: &ProblemConfig, out: &mut Commands) {
    for (name, config) in models() {
        let selected = model_name(problem) == Some(name);
        if ui.selectable_label(selected, name).clicked() && !selected {
            out.edit(Edit::SwitchProblem(config));
        }
    }
}

/// The settings of a model on data; nothing for surfaces.
pub fn show(ui: &mut egui::Ui, problem: &ProblemConfig, out: &mut Commands) {
    let mut edited = problem.clone();
    let changed = match &mut edited {
        ProblemConfig::LinearRegression(c) => line_data(ui, &mut c.data),
        ProblemConfig::PolynomialRegression(p) => {
            let mut changed = line_data(ui, &mut p.data);
            changed |= ui
                .add(inputs::slider(&mut p.degree, 1..=MAX_DEGREE).text("degree"))
                .changed();
            ui.horizontal(|ui| {
                ui.label("Penalty on θ₁…");
                changed |= drag(ui, &mut p.l1, 0.0..=10.0, 0.001, "L1 ");
                changed |= drag(ui, &mut p.l2, 0.0..=10.0, 0.001, "L2 ");
            });
            changed | validation(ui, &mut p.validation)
        }
        ProblemConfig::Classification(c) => {
            let mut changed = class_data(ui, &mut c.data);
            changed |= network(ui, c);
            changed | validation(ui, &mut c.validation)
        }
        ProblemConfig::Surface(_) | ProblemConfig::Expression(_) | ProblemConfig::Online(_) => {
            false
        }
    };
    if changed {
        out.edit(Edit::ReshapeProblem(edited));
    }
}

fn drag(
    ui: &mut egui::Ui,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    speed: f64,
    prefix: &str,
) -> bool {
    ui.add(
        inputs::drag_value(value)
            .range(range)
            .speed(speed)
            .max_decimals(3)
            .prefix(prefix),
    )
    .changed()
}

fn count(
    ui: &mut egui::Ui,
    value: &mut usize,
    range: std::ops::RangeInclusive<usize>,
    prefix: &str,
) -> bool {
    ui.add(
        inputs::drag_value(value)
            .range(range)
            .speed(1.0)
            .prefix(prefix),
    )
    .changed()
}

fn seed(ui: &mut egui::Ui, value: &mut u64) -> bool {
    ui.add(inputs::drag_value(value).speed(1.0).prefix("seed "))
        .on_hover_text("The generator's seed: the same seed gives the same points")
        .changed()
}

fn line_data(ui: &mut egui::Ui, data: &mut LineDataSource) -> bool {
    let mut changed = false;
    match data {
        LineDataSource::Csv(path) => {
            ui.label(format!("Data: {}", path.display()));
        }
        LineDataSource::Synthetic {
            n,
            slope,
            intercept,
            noise,
            seed: s,
            ..
        } => {
            ui.horizontal(|ui| {
                ui.label("Data: y = slope·x + intercept + noise");
            });
            ui.horizontal(|ui| {
                changed |= drag(ui, slope, -10.0..=10.0, 0.01, "slope ");
                changed |= drag(ui, intercept, -10.0..=10.0, 0.01, "intercept ");
            });
            ui.horizontal(|ui| {
                changed |= count(ui, n, 2..=MAX_POINTS, "n ");
                changed |= drag(ui, noise, 0.0..=5.0, 0.01, "noise σ ");
                changed |= seed(ui, s);
            });
        }
    }
    changed
}

fn class_data(ui: &mut egui::Ui, data: &mut ClassDataSource) -> bool {
    let mut changed = false;
    let (n, s) = match data {
        ClassDataSource::Moons { n, seed, .. }
        | ClassDataSource::Circles { n, seed, .. }
        | ClassDataSource::Spiral { n, seed, .. }
        | ClassDataSource::Xor { n, seed, .. }
        | ClassDataSource::Blobs { n, seed, .. } => (*n, *seed),
        ClassDataSource::Csv(_) => (200, 0),
    };
    egui::ComboBox::from_label("Data set")
        .selected_text(shape_of(data))
        .show_ui(ui, |ui| {
            for name in SHAPES {
                let selected = shape_of(data) == name;
                if ui.selectable_label(selected, name).clicked() && !selected {
                    *data = shape(name, n, s);
                    changed = true;
                }
            }
        });
    ui.horizontal(|ui| match data {
        ClassDataSource::Moons { n, noise, seed: s }
        | ClassDataSource::Xor { n, noise, seed: s } => {
            changed |= count(ui, n, 4..=MAX_POINTS, "n ");
            changed |= drag(ui, noise, 0.0..=1.0, 0.005, "noise ");
            changed |= seed(ui, s);
        }
        ClassDataSource::Circles {
            n,
            noise,
            factor,
            seed: s,
        } => {
            changed |= count(ui, n, 4..=MAX_POINTS, "n ");
            changed |= drag(ui, noise, 0.0..=1.0, 0.005, "noise ");
            changed |= drag(ui, factor, 0.05..=0.95, 0.005, "inner radius ");
            changed |= seed(ui, s);
        }
        ClassDataSource::Spiral {
            n,
            classes,
            noise,
            seed: s,
        } => {
            changed |= count(ui, n, 4..=MAX_POINTS, "n ");
            changed |= count(ui, classes, 2..=MAX_CLASSES, "arms ");
            changed |= drag(ui, noise, 0.0..=1.0, 0.005, "noise ");
            changed |= seed(ui, s);
        }
        ClassDataSource::Blobs {
            n,
            classes,
            spread,
            seed: s,
        } => {
            changed |= count(ui, n, 4..=MAX_POINTS, "n ");
            changed |= count(ui, classes, 2..=MAX_CLASSES, "classes ");
            changed |= drag(ui, spread, 0.05..=3.0, 0.01, "spread ");
            changed |= seed(ui, s);
        }
        ClassDataSource::Csv(path) => {
            ui.label(format!("from {}", path.display()));
        }
    });
    changed
}

/// Hidden layers, their widths and the nonlinearity.
fn network(ui: &mut egui::Ui, c: &mut ClassificationConfig) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let mut layers = c.hidden.len();
        if count(ui, &mut layers, 0..=MAX_HIDDEN.0, "hidden layers ") {
            c.hidden
                .resize(layers, c.hidden.last().copied().unwrap_or(8));
            changed = true;
        }
        for (i, width) in c.hidden.iter_mut().enumerate() {
            ui.push_id(i, |ui| {
                changed |= ui
                    .add(
                        inputs::drag_value(width)
                            .range(1..=MAX_HIDDEN.1)
                            .speed(1.0)
                            .suffix(" units"),
                    )
                    .changed();
            });
        }
    });
    if !c.hidden.is_empty() {
        egui::ComboBox::from_label("Activation")
            .selected_text(c.activation.name())
            .show_ui(ui, |ui| {
                for a in [Activation::Tanh, Activation::Relu, Activation::Sigmoid] {
                    changed |= ui
                        .selectable_value(&mut c.activation, a, a.name())
                        .changed();
                }
            });
    }
    changed
}

fn validation(ui: &mut egui::Ui, share: &mut f64) -> bool {
    ui.add(
        inputs::slider(share, 0.0..=0.9)
            .step_by(0.05)
            .fixed_decimals(2)
            .text("validation share"),
    )
    .on_hover_text("Points held out of training; their loss is the dashed curve")
    .changed()
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn a_new_degree_reshapes_the_problem_and_a_model_is_picked_from_the_list() {
        let [_, (_, polynomial), ..] = models();
        let mut h = Harness::new_ui_state(
            |ui, out: &mut Commands| {
                show(ui, &polynomial, out);
                choices(ui, &polynomial, out);
            },
            Commands::default(),
        );
        h.get_by_role_and_label(egui::accesskit::Role::Slider, "degree")
            .set_value_accesskit(9.0);
        h.run();
        let Some(Edit::ReshapeProblem(ProblemConfig::PolynomialRegression(p))) =
            h.state().edits().last().cloned()
        else {
            panic!("{:?}", h.state().queued());
        };
        assert_eq!(p.degree, 9);
        h.get_by_label("MLP classifier").click();
        h.run();
        assert!(matches!(
            h.state().edits().last(),
            Some(Edit::SwitchProblem(ProblemConfig::Classification(c))) if c.hidden == [16, 16]
        ));
    }
}
