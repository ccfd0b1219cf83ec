//! The problems with data in the problem picker, and their settings: the
//! data set, the model, the validation split, the batch size and the
//! horizon in epochs.

use eframe::egui::{self, RichText};

use super::controls::Changes;
use crate::preset::Preset;
use crate::problem::{
    Activation, ClassDataSource, ClassificationConfig, LineDataSource, LinearRegressionConfig,
    MAX_CLASSES, MAX_DEGREE, MAX_HIDDEN, PolynomialConfig, ProblemConfig,
};

/// Most generated points.
const MAX_POINTS: usize = 5000;

/// The picker's entries for problems with data, each with sensible defaults.
fn catalogue() -> [(&'static str, ProblemConfig); 5] {
    let line = |n, slope, intercept, noise, seed| LineDataSource::Synthetic {
        n,
        slope,
        intercept,
        noise,
        x_range: (-1.0, 1.0),
        seed,
    };
    let classifier = |data, hidden: &[usize]| {
        ProblemConfig::Classification(ClassificationConfig {
            data,
            hidden: hidden.to_vec(),
            activation: Activation::Tanh,
            init_seed: 0,
            validation: 0.0,
            split_seed: 0,
        })
    };
    [
        (
            "Linear regression",
            ProblemConfig::LinearRegression(LinearRegressionConfig {
                data: line(100, 3.0, 0.5, 0.3, 0),
            }),
        ),
        (
            "Polynomial regression",
            ProblemConfig::PolynomialRegression(PolynomialConfig {
                data: line(40, 1.5, 0.2, 0.3, 3),
                degree: 5,
                l1: 0.0,
                l2: 0.0,
                validation: 0.3,
                split_seed: 0,
            }),
        ),
        (
            "Logistic regression",
            classifier(
                ClassDataSource::Blobs {
                    n: 200,
                    classes: 2,
                    spread: 0.8,
                    seed: 0,
                },
                &[],
            ),
        ),
        (
            "Softmax regression",
            classifier(
                ClassDataSource::Blobs {
                    n: 300,
                    classes: 3,
                    spread: 0.8,
                    seed: 0,
                },
                &[],
            ),
        ),
        (
            "MLP classifier",
            classifier(
                ClassDataSource::Moons {
                    n: 200,
                    noise: 0.15,
                    seed: 0,
                },
                &[16, 16],
            ),
        ),
    ]
}

/// The first model on data (what "Models on data" switches to).
pub fn first() -> ProblemConfig {
    let [(_, linear), ..] = catalogue();
    linear
}

/// The picker's name for a problem with data.
pub fn kind_name(problem: &ProblemConfig) -> Option<&'static str> {
    Some(match problem {
        ProblemConfig::LinearRegression(_) => "Linear regression",
        ProblemConfig::PolynomialRegression(_) => "Polynomial regression",
        ProblemConfig::Classification(c) if !c.hidden.is_empty() => "MLP classifier",
        ProblemConfig::Classification(c) if classes_of(&c.data) == Some(2) => "Logistic regression",
        ProblemConfig::Classification(_) => "Softmax regression",
        _ => return None,
    })
}

fn classes_of(data: &ClassDataSource) -> Option<usize> {
    match data {
        ClassDataSource::Moons { .. }
        | ClassDataSource::Circles { .. }
        | ClassDataSource::Xor { .. } => Some(2),
        ClassDataSource::Spiral { classes, .. } | ClassDataSource::Blobs { classes, .. } => {
            Some(*classes)
        }
        ClassDataSource::Csv(_) => None,
    }
}

/// The entries inside the problem picker.
pub fn choices(ui: &mut egui::Ui, preset: &mut Preset, changes: &mut Changes) {
    for (name, config) in catalogue() {
        let selected = kind_name(&preset.problem) == Some(name);
        if ui.selectable_label(selected, name).clicked() && !selected {
            switch_to(preset, config);
            changes.preset = true;
            changes.problem = true;
        }
    }
}

/// Replaces the problem and drops what only fitted the old one.
pub fn switch_to(preset: &mut Preset, problem: ProblemConfig) {
    preset.problem = problem;
    // A lesson's text describes its own problem.
    preset.title.clear();
    preset.description.clear();
    preset.start = None;
    preset.view = None;
    preset.batch_size = None;
    preset.early_stopping = None;
    for run in &mut preset.runs {
        run.start = None;
        run.early_stopping = None;
        run.batch_size = None;
    }
}

/// The settings of a problem with data; nothing for surfaces.
pub fn show(ui: &mut egui::Ui, preset: &mut Preset, changes: &mut Changes) {
    let mut changed = false;
    match &mut preset.problem {
        ProblemConfig::LinearRegression(c) => changed |= line_data(ui, &mut c.data),
        ProblemConfig::PolynomialRegression(p) => {
            changed |= line_data(ui, &mut p.data);
            changed |= ui
                .add(egui::Slider::new(&mut p.degree, 1..=MAX_DEGREE).text("degree"))
                .changed();
            ui.horizontal(|ui| {
                ui.label("Penalty on θ₁…");
                changed |= drag(ui, &mut p.l1, 0.0..=10.0, 0.001, "L1 ");
                changed |= drag(ui, &mut p.l2, 0.0..=10.0, 0.001, "L2 ");
            });
            changed |= validation(ui, &mut p.validation);
        }
        ProblemConfig::Classification(c) => {
            changed |= class_data(ui, &mut c.data);
            changed |= network(ui, c);
            changed |= validation(ui, &mut c.validation);
        }
        ProblemConfig::Surface(_) | ProblemConfig::Expression(_) => {}
    }
    if changed {
        // The degree, the layers or the classes may change the parameter
        // count; the models' own default starts always fit.
        if !matches!(preset.problem, ProblemConfig::LinearRegression(_)) {
            preset.start = None;
            for run in &mut preset.runs {
                run.start = None;
            }
        }
        changes.preset = true;
        changes.problem = true;
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
        egui::DragValue::new(value)
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
        egui::DragValue::new(value)
            .range(range)
            .speed(1.0)
            .prefix(prefix),
    )
    .changed()
}

fn seed(ui: &mut egui::Ui, value: &mut u64) -> bool {
    ui.add(egui::DragValue::new(value).speed(1.0).prefix("seed "))
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

/// The generators a classifier can draw from.
const SHAPES: [&str; 5] = ["Moons", "Circles", "Spiral", "XOR", "Blobs"];

fn shape_of(data: &ClassDataSource) -> &'static str {
    match data {
        ClassDataSource::Moons { .. } => "Moons",
        ClassDataSource::Circles { .. } => "Circles",
        ClassDataSource::Spiral { .. } => "Spiral",
        ClassDataSource::Xor { .. } => "XOR",
        ClassDataSource::Blobs { .. } => "Blobs",
        ClassDataSource::Csv(_) => "CSV file",
    }
}

fn shape(name: &str, n: usize, seed: u64) -> ClassDataSource {
    match name {
        "Circles" => ClassDataSource::Circles {
            n,
            noise: 0.1,
            factor: 0.5,
            seed,
        },
        "Spiral" => ClassDataSource::Spiral {
            n,
            classes: 3,
            noise: 0.1,
            seed,
        },
        "XOR" => ClassDataSource::Xor {
            n,
            noise: 0.1,
            seed,
        },
        "Blobs" => ClassDataSource::Blobs {
            n,
            classes: 3,
            spread: 0.8,
            seed,
        },
        _ => ClassDataSource::Moons {
            n,
            noise: 0.15,
            seed,
        },
    }
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
                        egui::DragValue::new(width)
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
        egui::Slider::new(share, 0.0..=0.9)
            .step_by(0.05)
            .fixed_decimals(2)
            .text("validation share"),
    )
    .on_hover_text("Points held out of training; their loss is the dashed curve")
    .changed()
}

/// Mini-batch size and the horizon in epochs: passes over the `samples`
/// training points.
pub fn batches(ui: &mut egui::Ui, preset: &mut Preset, samples: usize, changes: &mut Changes) {
    let n = samples.max(1);
    ui.horizontal(|ui| {
        let mut mini = preset.batch_size.is_some_and(|b| b < n);
        if ui
            .checkbox(&mut mini, "Mini-batches")
            .on_hover_text("Each step uses a seeded random batch; every run sees the same batches")
            .changed()
        {
            preset.batch_size = mini.then_some(32.min(n.saturating_sub(1)).max(1));
            changes.preset = true;
        }
        if let Some(b) = &mut preset.batch_size
            && ui
                .add(egui::DragValue::new(b).range(1..=n).prefix("batch "))
                .changed()
        {
            changes.preset = true;
        }
    });
    let batch = preset.batch_size.unwrap_or(n).clamp(1, n);
    let per_epoch = n.div_ceil(batch) as u64;
    let mut epochs = preset.steps as f64 / per_epoch as f64;
    let max_steps = (crate::preset::MAX_TOTAL_ROWS / preset.runs.len().max(1) as u64)
        .min(crate::preset::MAX_STEPS);
    ui.horizontal(|ui| {
        let response = ui.add(
            egui::DragValue::new(&mut epochs)
                .range(1.0 / per_epoch as f64..=max_steps as f64 / per_epoch as f64)
                .speed(0.1)
                .max_decimals(2)
                .suffix(" epochs"),
        );
        if response.changed() {
            let steps = (epochs * per_epoch as f64).round() as u64;
            preset.steps = steps.clamp(1, max_steps);
            changes.preset = true;
        }
        let text = if per_epoch == 1 {
            format!("1 step per epoch ({n} points, full batch)")
        } else {
            format!("{per_epoch} steps per epoch ({n} points, batch {batch})")
        };
        ui.label(RichText::new(text).small());
    });
}
