//! The left panel: the lesson, the problem picker and the runs with their
//! hyperparameters.

use eframe::egui::{self, RichText};

use super::{problem_editor, stability};
use crate::app::session::Track;
use crate::app::theme;
use crate::curvature::Curvature;
use crate::optim::params::{Param, Scale, Value};
use crate::optim::{Convention, OptimizerConfig, Schedule};
use crate::preset::{Point, Preset, RunSpec};
use crate::problem::{ExpressionConfig, ExpressionSurface, ProblemConfig, Surface};
use crate::sim::Termination;

/// What the user changed this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Anything that needs a recompute.
    pub preset: bool,
    /// The problem itself (the view should reset).
    pub problem: bool,
}

/// A short label for a hyperparameter slider; the torch name is the tooltip.
fn display_name(name: &str) -> &str {
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
        other => other,
    }
}

/// One widget per hyperparameter; returns the new value when it changed.
pub fn param_widget(ui: &mut egui::Ui, p: &Param) -> Option<Value> {
    param_widget_response(ui, p).0
}

/// The same, with the widget's response (to draw on it).
fn param_widget_response(ui: &mut egui::Ui, p: &Param) -> (Option<Value>, egui::Response) {
    let label = display_name(p.name);
    match p.value {
        Value::Flag(on) => {
            let mut v = on;
            let r = ui.checkbox(&mut v, label).on_hover_text(p.name);
            (r.changed().then_some(Value::Flag(v)), r)
        }
        Value::Real(x) => {
            let mut v = x;
            let slider = egui::Slider::new(&mut v, p.range.0..=p.range.1).text(label);
            let slider = match p.scale {
                Scale::Log => slider
                    .logarithmic(true)
                    .custom_formatter(|v, _| format!("{v:.3e}")),
                Scale::Integer => slider.integer().logarithmic(p.range.1 > 1000.0),
                // Shown to 4 decimals but not rounded: `max_decimals` would
                // silently round a preset's or a sweep's 0.50769 to 0.5077.
                Scale::Linear => slider.custom_formatter(|v, _| format!("{v:.4}")),
            };
            let r = ui.add(slider).on_hover_text(p.name);
            (r.changed().then_some(Value::Real(v)), r)
        }
    }
}

fn termination_text(t: Option<Termination>) -> Option<String> {
    match t {
        Some(
            t @ (Termination::Diverged { .. }
            | Termination::Converged { .. }
            | Termination::EarlyStopped { .. }),
        ) => Some(t.to_string()),
        _ => None,
    }
}

/// Draws the panel and edits `preset` in place; `samples` is the number of
/// training points of a problem with data.
pub fn show(
    ui: &mut egui::Ui,
    preset: &mut Preset,
    tracks: &[Track],
    samples: Option<usize>,
    curvature: Option<&(usize, Vec<Option<Curvature>>)>,
) -> Changes {
    let mut changes = Changes::default();
    if !preset.title.is_empty() {
        ui.heading(&preset.title);
    }
    if !preset.description.is_empty() {
        ui.label(RichText::new(&preset.description).small());
    }
    ui.separator();
    problem_section(ui, preset, &mut changes);
    if let Some(n) = samples {
        problem_editor::batches(ui, preset, n, &mut changes);
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong("Runs");
        if ui.button("Add run").clicked() {
            let optimizer = preset
                .runs
                .last()
                .map_or(OptimizerConfig::catalogue()[3], |r| r.optimizer);
            preset.runs.push(RunSpec {
                label: format!("Run {}", preset.runs.len() + 1),
                optimizer,
                schedule: Schedule::Constant,
                enabled: true,
                color: None,
                start: None,
                early_stopping: None,
                batch_size: None,
                penalty: None,
            });
            changes.preset = true;
        }
    });
    let mut action = None;
    let has_data = preset.problem.has_data();
    for (i, run) in preset.runs.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                let at_head = curvature.and_then(|(head, c)| Some((*head, c.get(i)?.as_ref()?)));
                let clicked = run_editor(
                    ui,
                    RunView {
                        index: i,
                        track: tracks.get(i),
                        curvature: at_head,
                    },
                    run,
                    has_data,
                    &mut changes,
                );
                if let Some(clicked) = clicked {
                    action = Some((clicked, i));
                }
            });
        });
    }
    if let Some((RunAction::Duplicate, i)) = action
        && let Some(run) = preset.runs.get(i).cloned()
        && preset.runs.len() < crate::preset::MAX_RUNS
    {
        preset.runs.insert(
            i + 1,
            RunSpec {
                label: format!("{} (copy)", run.label),
                color: None,
                ..run
            },
        );
        changes.preset = true;
    }
    if let Some((RunAction::Remove, i)) = action
        && preset.runs.len() > 1
    {
        preset.runs.remove(i);
        changes.preset = true;
    }
    changes
}

/// The problem picker's entry for typed formulas.
const CUSTOM: &str = "Custom f(x, y)";

/// A text field for the formula; the preset only takes formulas that parse,
/// and the error points at the offending character. Parsing happens only when
/// the text changes.
fn formula_editor(ui: &mut egui::Ui, e: &mut ExpressionConfig, changes: &mut Changes) {
    #[derive(Clone)]
    struct Checked {
        text: String,
        outcome: Result<Vec<String>, String>,
    }
    let id = ui.scope_id().with("formula");
    let mut checked = ui
        .data_mut(|d| d.get_temp::<Checked>(id))
        .unwrap_or_else(|| Checked {
            text: e.formula.clone(),
            outcome: Ok(Vec::new()),
        });
    let response = ui.add(
        egui::TextEdit::singleline(&mut checked.text)
            .font(egui::TextStyle::Monospace)
            .desired_width(f32::INFINITY)
            .hint_text("f(x, y), e.g. (1-x)^2 + 100*(y-x^2)^2"),
    );
    if response.changed() {
        checked.outcome = ExpressionSurface::parse(&checked.text, e.view)
            .map(|s| s.gradient_warnings())
            .map_err(|err| err.to_string());
        if checked.outcome.is_ok() && checked.text != e.formula {
            e.formula.clone_from(&checked.text);
            changes.preset = true;
            changes.problem = true;
        }
    }
    match &checked.outcome {
        Ok(warnings) => {
            for warning in warnings.iter().take(2) {
                ui.label(
                    RichText::new(format!("warning: {warning}"))
                        .small()
                        .color(theme::WARNING),
                );
            }
        }
        Err(message) => {
            ui.label(
                RichText::new(message)
                    .monospace()
                    .small()
                    .color(theme::ERROR),
            );
        }
    }
    ui.data_mut(|d| d.insert_temp(id, checked));
}

/// The surfaces and the typed formula in the problem picker.
fn surface_choices(ui: &mut egui::Ui, preset: &mut Preset, changes: &mut Changes) {
    for surface in Surface::catalogue() {
        let selected =
            matches!(&preset.problem, ProblemConfig::Surface(s) if s.ident() == surface.ident());
        if ui.selectable_label(selected, surface.name()).clicked() && !selected {
            problem_editor::switch_to(preset, ProblemConfig::Surface(surface));
            changes.preset = true;
            changes.problem = true;
        }
    }
    let custom = matches!(preset.problem, ProblemConfig::Expression(_));
    if ui.selectable_label(custom, CUSTOM).clicked() && !custom {
        problem_editor::switch_to(
            preset,
            ProblemConfig::Expression(ExpressionConfig {
                formula: "sin(x)*cos(y) + 0.1*(x^2+y^2)".into(),
                view: None,
            }),
        );
        changes.preset = true;
        changes.problem = true;
    }
}

fn problem_section(ui: &mut egui::Ui, preset: &mut Preset, changes: &mut Changes) {
    let current = match &preset.problem {
        ProblemConfig::Surface(s) => s.name().to_owned(),
        ProblemConfig::Expression(_) => CUSTOM.to_owned(),
        data => problem_editor::kind_name(data)
            .unwrap_or("Problem")
            .to_owned(),
    };
    let on_data = preset.problem.has_data();
    ui.horizontal(|ui| {
        if ui.selectable_label(!on_data, "Surfaces").clicked() && on_data {
            problem_editor::switch_to(preset, ProblemConfig::Surface(Surface::Rosenbrock));
            changes.preset = true;
            changes.problem = true;
        }
        if ui.selectable_label(on_data, "Models on data").clicked() && !on_data {
            problem_editor::switch_to(preset, problem_editor::first());
            changes.preset = true;
            changes.problem = true;
        }
    });
    egui::ComboBox::from_label("Problem")
        .selected_text(&current)
        .height(520.0)
        .show_ui(ui, |ui| {
            if on_data {
                problem_editor::choices(ui, preset, changes);
            } else {
                surface_choices(ui, preset, changes);
            }
        });
    problem_editor::show(ui, preset, changes);
    if let ProblemConfig::Expression(e) = &mut preset.problem {
        formula_editor(ui, e, changes);
    }
    if let ProblemConfig::Surface(Surface::IllConditioned { condition, angle }) =
        &mut preset.problem
    {
        let a = ui.add(
            egui::Slider::new(condition, 1.0..=1000.0)
                .logarithmic(true)
                .text("condition number"),
        );
        let b = ui.add(egui::Slider::new(angle, -90.0..=90.0).text("angle (°)"));
        if a.changed() || b.changed() {
            changes.preset = true;
            changes.problem = true;
        }
    }
    if let ProblemConfig::Surface(s) = &preset.problem {
        ui.label(RichText::new(s.formula()).monospace().small());
    }
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
            preset.start = None;
            changes.preset = true;
        }
    })
    .response
    .on_hover_text("Click the map to move the start of every run");
    let max_steps = crate::preset::MAX_TOTAL_ROWS / preset.runs.len().max(1) as u64;
    let steps = ui.add(
        egui::DragValue::new(&mut preset.steps)
            .range(1..=max_steps.min(crate::preset::MAX_STEPS))
            .speed(10.0)
            .prefix("Steps: "),
    );
    if steps.changed() {
        changes.preset = true;
    }
}

/// `MultiStepLR`'s milestones as comma-separated steps, and its γ.
fn milestones_editor(
    ui: &mut egui::Ui,
    s: &mut crate::optim::schedule::MultiStepLr,
    changes: &mut Changes,
) {
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
        && let Ok(milestones) = &parsed
    {
        s.milestones.clone_from(milestones);
        changes.preset = true;
    }
    if parsed.is_err() {
        ui.label(
            RichText::new("milestones must be whole numbers separated by commas")
                .color(theme::ERROR)
                .small(),
        );
    }
    ui.data_mut(|d| d.insert_temp(id, text));
    let mut gamma = s.gamma;
    if ui
        .add(egui::Slider::new(&mut gamma, 0.01..=1.0).text("gamma"))
        .changed()
    {
        s.gamma = gamma;
        changes.preset = true;
    }
}

/// The convention switch (torch, optax, textbook) and its individual flags.
fn convention_editor(ui: &mut egui::Ui, run: &mut RunSpec, changes: &mut Changes) {
    let flags = run.optimizer.convention_params();
    if !Convention::matters_for(&run.optimizer) && flags.is_empty() {
        return;
    }
    egui::ComboBox::from_label("Convention")
        .selected_text(Convention::describe(&run.optimizer))
        .show_ui(ui, |ui| {
            let followed = Convention::followed_by(&run.optimizer);
            for conv in Convention::ALL {
                let selected = followed.contains(&conv);
                if ui
                    .selectable_label(selected, conv.name())
                    .on_hover_text(conv.source())
                    .clicked()
                    && !selected
                {
                    run.optimizer = conv.applied_to(&run.optimizer);
                    changes.preset = true;
                }
            }
        })
        .response
        .on_hover_text("Where torch, optax and the textbook read this rule differently");
    for p in flags {
        if let Some(v) = param_widget(ui, &p) {
            run.optimizer.set_param(p.name, v);
            changes.preset = true;
        }
    }
}

/// The run's own L1 and L2 penalty on the model's weights.
fn penalty_editor(ui: &mut egui::Ui, run: &mut RunSpec, changes: &mut Changes) {
    let mut penalty = run.penalty.unwrap_or_default();
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label("Penalty").on_hover_text(
            "Adds l1·Σ|w| + l2·Σw² to this run's loss (biases and intercepts are not penalised)",
        );
        for (name, value) in [("L1 ", &mut penalty.l1), ("L2 ", &mut penalty.l2)] {
            changed |= ui
                .add(
                    egui::DragValue::new(value)
                        .range(0.0..=10.0)
                        .speed(0.01)
                        .max_decimals(4)
                        .prefix(name),
                )
                .changed();
        }
    });
    if changed {
        run.penalty = (!penalty.is_zero()).then_some(penalty);
        changes.preset = true;
    }
}

/// What the run editor shows besides the run: its place, results and curvature.
#[derive(Clone, Copy)]
struct RunView<'a> {
    index: usize,
    track: Option<&'a Track>,
    curvature: Option<(usize, &'a Curvature)>,
}

fn run_editor(
    ui: &mut egui::Ui,
    view: RunView<'_>,
    run: &mut RunSpec,
    has_data: bool,
    changes: &mut Changes,
) -> Option<RunAction> {
    let RunView {
        index,
        track,
        curvature,
    } = view;
    ui.horizontal(|ui| {
        if ui
            .checkbox(&mut run.enabled, "")
            .on_hover_text("Show this run")
            .changed()
        {
            changes.preset = true;
        }
        let (r, g, b) = run.color.unwrap_or_else(|| theme::palette_rgb(index));
        let mut rgb = [r, g, b];
        if egui::color_picker::color_edit_button_srgb(ui, &mut rgb).changed() {
            run.color = Some((rgb[0], rgb[1], rgb[2]));
            changes.preset = true;
        }
        let name = ui.add(
            egui::TextEdit::singleline(&mut run.label)
                .desired_width(ui.available_width() - 10.0)
                .hint_text(run.optimizer.kind_name()),
        );
        if name.changed() {
            changes.preset = true;
        }
    });
    if let Some(text) = termination_text(track.and_then(|t| t.termination)) {
        let color = if text.starts_with("diverged") {
            theme::ERROR
        } else {
            ui.visuals().text_color()
        };
        ui.label(RichText::new(text).color(color).strong());
    }
    optimizer_editor(ui, index, run, curvature, changes);
    convention_editor(ui, run, changes);
    egui::ComboBox::from_label("Schedule")
        .selected_text(run.schedule.name())
        .show_ui(ui, |ui| {
            for sched in Schedule::catalogue() {
                let selected = sched.name() == run.schedule.name();
                if ui.selectable_label(selected, sched.name()).clicked() && !selected {
                    run.schedule = sched;
                    changes.preset = true;
                }
            }
        });
    for p in run.schedule.params() {
        if let Some(v) = param_widget(ui, &p) {
            run.schedule.set_param(p.name, v);
            changes.preset = true;
        }
    }
    if let Schedule::MultiStepLR(s) = &mut run.schedule {
        milestones_editor(ui, s, changes);
    }
    if has_data {
        penalty_editor(ui, run, changes);
    }
    let mut action = None;
    ui.horizontal(|ui| {
        if ui.button("Duplicate").clicked() {
            action = Some(RunAction::Duplicate);
        }
        if ui.button("Remove").clicked() {
            action = Some(RunAction::Remove);
        }
    });
    action
}

/// The optimizer picker, its hyperparameters (the lr slider marked with the
/// stable bound) and the curvature at the play head.
fn optimizer_editor(
    ui: &mut egui::Ui,
    index: usize,
    run: &mut RunSpec,
    curvature: Option<(usize, &Curvature)>,
    changes: &mut Changes,
) {
    egui::ComboBox::from_label("Optimizer")
        .selected_text(run.optimizer.kind_name())
        .show_ui(ui, |ui| {
            for kind in OptimizerConfig::catalogue() {
                let selected = kind.kind_name() == run.optimizer.kind_name();
                if ui
                    .selectable_label(selected, kind.kind_name())
                    .on_hover_text(kind.torch_name())
                    .clicked()
                    && !selected
                {
                    run.optimizer = run.optimizer.converted_to(&kind);
                    changes.preset = true;
                }
            }
        });
    let bound = curvature.and_then(|(_, c)| stability::lr_bound(&run.optimizer, c));
    for p in run.optimizer.params() {
        let (value, response) = param_widget_response(ui, &p);
        if let (Some(b), "lr") = (bound, p.name) {
            stability::mark_slider(ui, &response, &p, b);
        }
        if let Some(v) = value {
            run.optimizer.set_param(p.name, v);
            changes.preset = true;
        }
    }
    if let Some((head, c)) = curvature {
        stability::summary(ui, head, c, run.optimizer.lr(), bound);
        if let OptimizerConfig::Sgd(s) = &run.optimizer
            && bound.is_some()
            && s.momentum > 0.0
        {
            stability::momentum_region(ui, index, c, s.momentum, s.lr);
        }
    }
}

/// A button under a run that changes the list of runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RunAction {
    Duplicate,
    Remove,
}
