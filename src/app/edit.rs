//! Edits to the preset, as panels ask for them: plain data, applied in one
//! place ([`Edit::apply`]), with no egui. Each says whether it changed the
//! problem, so the window knows what to reset.

use crate::optim::params::{Param, ParamError, ScheduleParam, Value};
use crate::optim::{Convention, OptimizerConfig, Schedule};
use crate::preset::{Overlay, Point, Preset, RunSpec, Tuning};
use crate::problem::{Penalty, ProblemConfig, ViewBox};
use crate::sim::GradientNoise;
use crate::sim::limits::MAX_RUNS;

/// One change to the preset.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// A hyperparameter of run `run`'s optimizer (a slider or a checkbox).
    SetParam {
        /// The run.
        run: usize,
        /// Which.
        param: Param,
        /// The new value.
        value: Value,
    },
    /// A parameter of run `run`'s schedule.
    SetScheduleParam {
        /// The run.
        run: usize,
        /// Which.
        param: ScheduleParam,
        /// The new value.
        value: Value,
    },
    /// Another optimizer kind for run `run`; shared hyperparameters carry over.
    SetOptimizerKind {
        /// The run.
        run: usize,
        /// The kind, with torch's defaults.
        kind: OptimizerConfig,
    },
    /// Run `run`'s optimizer becomes this typed rule (new values, names or
    /// equations).
    SetCustomRule {
        /// The run.
        run: usize,
        /// The rule.
        rule: crate::optim::Custom,
    },
    /// Run `run`'s optimizer read in another convention.
    SetConvention {
        /// The run.
        run: usize,
        /// The reading.
        convention: Convention,
    },
    /// A hyperparameter of parameter group `group` of run `run`.
    SetGroupParam {
        /// The run.
        run: usize,
        /// The group.
        group: usize,
        /// Which.
        param: Param,
        /// The new value.
        value: Value,
    },
    /// Another optimizer kind for a parameter group.
    SetGroupKind {
        /// The run.
        run: usize,
        /// The group.
        group: usize,
        /// The kind, with torch's defaults.
        kind: OptimizerConfig,
    },
    /// A parameter group's optimizer read in another convention.
    SetGroupConvention {
        /// The run.
        run: usize,
        /// The group.
        group: usize,
        /// The reading.
        convention: Convention,
    },
    /// Another schedule for run `run`, at its defaults.
    SetSchedule {
        /// The run.
        run: usize,
        /// The schedule.
        schedule: Schedule,
    },
    /// `MultiStepLR`'s milestones for run `run`.
    SetMilestones {
        /// The run.
        run: usize,
        /// Steps at which lr is multiplied by γ.
        milestones: Vec<u64>,
    },
    /// Run `run`'s own L1/L2 penalty (`None`: none).
    SetPenalty {
        /// The run.
        run: usize,
        /// The penalty.
        penalty: Option<Penalty>,
    },
    /// Whether run `run` is drawn.
    SetRunEnabled {
        /// The run.
        run: usize,
        /// Drawn.
        enabled: bool,
    },
    /// Run `run`'s colour.
    SetRunColor {
        /// The run.
        run: usize,
        /// sRGB.
        color: (u8, u8, u8),
    },
    /// Run `run`'s legend label.
    SetRunLabel {
        /// The run.
        run: usize,
        /// The label (empty: the optimizer's name).
        label: String,
    },
    /// *Tune each run*'s outcome: each listed run at its best lr, with the
    /// note its legend shows.
    TuneRuns(Vec<(usize, f64, Tuning)>),
    /// A trajectory file drawn beside the runs (already read once).
    AddOverlay(Overlay),
    /// Drops overlay `index`.
    RemoveOverlay(usize),
    /// A new run after the last, with the last run's optimizer.
    AddRun,
    /// A copy of run `run` right after it.
    DuplicateRun(usize),
    /// Run `run` removed (the last run stays).
    RemoveRun(usize),
    /// A different problem: what only fitted the old one is dropped
    /// (the lesson's text, starts, view, batch sizes, early stopping).
    SwitchProblem(ProblemConfig),
    /// The same problem with other settings (data, degree, layers, formula,
    /// condition number). A model whose parameter count may change starts
    /// from its own default.
    ReshapeProblem(ProblemConfig),
    /// The start of every run (`None`: the problem's default).
    SetStart(Option<Point>),
    /// The horizon.
    SetSteps(u64),
    /// The mini-batch size (`None`: full batch).
    SetBatchSize(Option<usize>),
    /// The preset's gradient noise on a surface (`None`: off).
    SetNoise(Option<GradientNoise>),
    /// The seed of the batch and noise streams.
    SetSeed(u64),
    /// The box every run stays in, on a surface (`None`: unconstrained).
    SetBounds(Option<ViewBox>),
    /// A run's own gradient noise (`None`: the preset's).
    SetRunNoise {
        /// The run.
        run: usize,
        /// Its σ.
        noise: Option<GradientNoise>,
    },
    /// Two hyperparameters of run `run` from a sweep's cell.
    ApplySweepCell {
        /// The run.
        run: usize,
        /// The two values.
        values: [(Param, f64); 2],
    },
}

/// What an edit changed besides the preset's numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Effect {
    /// The problem itself: its view and heat map no longer apply.
    pub problem: bool,
}

/// Why an edit could not be applied; the preset is left as it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No such run.
    #[error("there is no run {0}")]
    NoRun(usize),
    /// No such parameter group.
    #[error("run {0} has no parameter group {1}")]
    NoGroup(usize, usize),
    /// A hyperparameter the run's optimizer or schedule does not have.
    #[error(transparent)]
    Param(#[from] ParamError),
}

impl Edit {
    /// Applies the edit to `preset`.
    pub fn apply(self, preset: &mut Preset) -> Result<Effect, EditError> {
        let problem = matches!(self, Self::SwitchProblem(_) | Self::ReshapeProblem(_));
        let stale = self.stale_tunings();
        match self {
            Self::SetParam { run, param, value } => {
                run_mut(preset, run)?.optimizer.set(param, value)?;
            }
            Self::SetScheduleParam { run, param, value } => {
                run_mut(preset, run)?.schedule.set(param, value)?;
            }
            Self::SetOptimizerKind { run, kind } => {
                let r = run_mut(preset, run)?;
                // A label that only named the old optimizer names the new one.
                if r.label.eq_ignore_ascii_case(r.optimizer.kind_name())
                    || r.label.eq_ignore_ascii_case(r.optimizer.short_name())
                {
                    kind.short_name().clone_into(&mut r.label);
                }
                r.optimizer = r.optimizer.converted_to(&kind);
            }
            Self::SetCustomRule { run, rule } => {
                run_mut(preset, run)?.optimizer = OptimizerConfig::Custom(rule);
            }
            Self::SetConvention { run, convention } => {
                let r = run_mut(preset, run)?;
                r.optimizer = convention.applied_to(&r.optimizer);
            }
            Self::SetGroupParam {
                run,
                group,
                param,
                value,
            } => group_mut(preset, run, group)?.optimizer.set(param, value)?,
            Self::SetGroupKind { run, group, kind } => {
                let g = group_mut(preset, run, group)?;
                g.optimizer = g.optimizer.converted_to(&kind);
            }
            Self::SetGroupConvention {
                run,
                group,
                convention,
            } => {
                let g = group_mut(preset, run, group)?;
                g.optimizer = convention.applied_to(&g.optimizer);
            }
            Self::SetSchedule { run, schedule } => run_mut(preset, run)?.schedule = schedule,
            Self::SetMilestones { run, milestones } => {
                if let Schedule::MultiStepLR(s) = &mut run_mut(preset, run)?.schedule {
                    s.milestones = milestones;
                }
            }
            Self::SetPenalty { run, penalty } => run_mut(preset, run)?.penalty = penalty,
            Self::SetRunEnabled { run, enabled } => run_mut(preset, run)?.enabled = enabled,
            Self::SetRunColor { run, color } => run_mut(preset, run)?.color = Some(color),
            Self::SetRunLabel { run, label } => run_mut(preset, run)?.label = label,
            Self::AddRun => add_run(preset),
            Self::DuplicateRun(run) => duplicate_run(preset, run)?,
            Self::RemoveRun(run) => {
                run_mut(preset, run)?;
                if preset.runs.len() > 1 {
                    preset.runs.remove(run);
                }
            }
            Self::SwitchProblem(config) => switch_problem(preset, config),
            Self::ReshapeProblem(config) => reshape_problem(preset, config),
            Self::SetStart(start) => preset.start = start,
            Self::SetSteps(steps) => preset.steps = steps,
            Self::SetBatchSize(size) => preset.batch_size = size,
            Self::SetNoise(noise) => preset.noise = noise,
            Self::SetSeed(seed) => preset.seed = seed,
            Self::SetBounds(bounds) => preset.bounds = bounds,
            Self::SetRunNoise { run, noise } => run_mut(preset, run)?.noise = noise,
            Self::ApplySweepCell { run, values } => {
                // Both values, or neither.
                let mut optimizer = run_mut(preset, run)?.optimizer.clone();
                for (param, value) in values {
                    optimizer.set(param, Value::Real(value))?;
                }
                run_mut(preset, run)?.optimizer = optimizer;
            }
            Self::AddOverlay(overlay) => {
                if preset.overlays.len() < crate::preset::MAX_OVERLAYS {
                    preset.overlays.push(overlay);
                }
            }
            Self::RemoveOverlay(index) => {
                if index < preset.overlays.len() {
                    preset.overlays.remove(index);
                }
            }
            Self::TuneRuns(choices) => tune_runs(preset, choices)?,
        }
        // A tuning note says what the lr was tuned for; after this it would lie.
        match stale {
            Stale::None => {}
            Stale::Run(run) => {
                if let Some(r) = preset.runs.get_mut(run) {
                    r.tuned = None;
                }
            }
            Stale::Every => preset.runs.iter_mut().for_each(|r| r.tuned = None),
        }
        Ok(Effect { problem })
    }

    /// Whose tuning notes this edit makes untrue: a run's own lr, optimizer
    /// or schedule, or for every run the problem, start, budget or noise.
    fn stale_tunings(&self) -> Stale {
        match self {
            Self::SetParam {
                run,
                param: Param::Lr,
                ..
            }
            | Self::SetOptimizerKind { run, .. }
            | Self::SetConvention { run, .. }
            | Self::SetSchedule { run, .. }
            | Self::SetScheduleParam { run, .. }
            | Self::SetMilestones { run, .. }
            | Self::SetPenalty { run, .. }
            | Self::SetRunNoise { run, .. } => Stale::Run(*run),
            Self::ApplySweepCell { run, values } if values.iter().any(|(p, _)| *p == Param::Lr) => {
                Stale::Run(*run)
            }
            Self::SwitchProblem(_)
            | Self::ReshapeProblem(_)
            | Self::SetStart(_)
            | Self::SetSteps(_)
            | Self::SetBatchSize(_)
            | Self::SetNoise(_)
            | Self::SetSeed(_)
            | Self::SetBounds(_) => Stale::Every,
            _ => Stale::None,
        }
    }
}

/// Each run at its tuned lr with its note: every run, or none.
fn tune_runs(preset: &mut Preset, choices: Vec<(usize, f64, Tuning)>) -> Result<(), EditError> {
    let mut runs = preset.runs.clone();
    for (run, lr, note) in choices {
        let r = runs.get_mut(run).ok_or(EditError::NoRun(run))?;
        r.optimizer.set(Param::Lr, Value::Real(lr))?;
        r.tuned = Some(note);
    }
    preset.runs = runs;
    Ok(())
}

/// Which tuning notes an edit makes untrue.
enum Stale {
    None,
    Run(usize),
    Every,
}

fn run_mut(preset: &mut Preset, run: usize) -> Result<&mut RunSpec, EditError> {
    preset.runs.get_mut(run).ok_or(EditError::NoRun(run))
}

fn group_mut(
    preset: &mut Preset,
    run: usize,
    group: usize,
) -> Result<&mut crate::optim::ParamGroup, EditError> {
    run_mut(preset, run)?
        .groups
        .get_mut(group)
        .ok_or(EditError::NoGroup(run, group))
}

impl Edit {
    /// The same change aimed at parameter group `group` of the run instead
    /// of the run's own optimizer; `None` for edits that are not the optimizer's.
    pub fn for_group(self, group: usize) -> Option<Self> {
        Some(match self {
            Self::SetParam { run, param, value } => Self::SetGroupParam {
                run,
                group,
                param,
                value,
            },
            Self::SetOptimizerKind { run, kind } => Self::SetGroupKind { run, group, kind },
            Self::SetConvention { run, convention } => Self::SetGroupConvention {
                run,
                group,
                convention,
            },
            _ => return None,
        })
    }
}

/// The preset's checks refuse more than [`MAX_RUNS`] runs, and say so.
fn add_run(preset: &mut Preset) {
    let optimizer = preset.runs.last().map_or_else(
        || OptimizerConfig::Adam(crate::optim::Adam::default()),
        |r| r.optimizer.clone(),
    );
    let label = format!("Run {}", preset.runs.len() + 1);
    preset.runs.push(RunSpec::new(label, optimizer));
}

fn duplicate_run(preset: &mut Preset, run: usize) -> Result<(), EditError> {
    let copy = run_mut(preset, run)?.clone();
    if preset.runs.len() < MAX_RUNS {
        preset.runs.insert(
            run + 1,
            RunSpec {
                label: format!("{} (copy)", copy.label),
                color: None,
                ..copy
            },
        );
    }
    Ok(())
}

/// Replaces the problem and drops what only fitted the old one.
fn switch_problem(preset: &mut Preset, problem: ProblemConfig) {
    preset.problem = problem;
    // A lesson's text describes its own problem.
    preset.title.clear();
    preset.description.clear();
    preset.start = None;
    preset.view = None;
    preset.batch_size = None;
    preset.early_stopping = None;
    // A box belongs to the problem it was drawn for, a trajectory to the
    // problem it was recorded on.
    preset.bounds = None;
    preset.overlays.clear();
    // Noise is for surfaces; on data the mini-batches are the noise.
    let data = preset.problem.has_data();
    if data {
        preset.noise = None;
    }
    for run in &mut preset.runs {
        run.start = None;
        run.early_stopping = None;
        run.batch_size = None;
        if data {
            run.noise = None;
        }
    }
}

/// New settings for the same problem. The degree, the layers or the classes
/// may change a model's parameter count; the models' own default starts
/// always fit.
fn reshape_problem(preset: &mut Preset, problem: ProblemConfig) {
    let model_may_resize = matches!(
        problem,
        ProblemConfig::PolynomialRegression(_) | ProblemConfig::Classification(_)
    );
    preset.problem = problem;
    if model_may_resize {
        preset.start = None;
        for run in &mut preset.runs {
            run.start = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::Sgd;
    use crate::problem::Surface;

    fn lesson() -> Preset {
        Preset::from_ron_str(crate::DEFAULT_PRESET, "default").unwrap()
    }

    #[test]
    fn a_param_edit_changes_that_run_only() {
        let mut p = lesson();
        let before = p.clone();
        let effect = Edit::SetParam {
            run: 1,
            param: Param::Lr,
            value: Value::Real(0.05),
        }
        .apply(&mut p)
        .unwrap();
        assert!(!effect.problem);
        assert_eq!(p.runs[1].optimizer.get(Param::Lr), Some(Value::Real(0.05)));
        assert_eq!(p.runs[0], before.runs[0]);
        assert_eq!(p.runs[2], before.runs[2]);
    }

    #[test]
    fn an_unknown_hyperparameter_is_an_error_and_changes_nothing() {
        let mut p = lesson();
        let before = p.clone();
        // Run 0 is Adam, which has no momentum.
        let err = Edit::SetParam {
            run: 0,
            param: Param::Momentum,
            value: Value::Real(0.5),
        }
        .apply(&mut p)
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("Adam has no hyperparameter `momentum`"),
            "{err}"
        );
        let err = Edit::ApplySweepCell {
            run: 0,
            values: [(Param::Lr, 0.5), (Param::Momentum, 0.5)],
        }
        .apply(&mut p)
        .unwrap_err();
        assert!(matches!(err, EditError::Param(_)));
        assert_eq!(p, before, "a half-applied sweep cell would change lr");
        assert_eq!(Edit::RemoveRun(9).apply(&mut p), Err(EditError::NoRun(9)));
    }

    #[test]
    fn switching_the_problem_drops_what_fitted_the_old_one() {
        let mut p = lesson();
        p.runs[0].start = Some(Point(vec![1.0, 1.0]));
        let effect = Edit::SwitchProblem(ProblemConfig::Surface(Surface::Himmelblau))
            .apply(&mut p)
            .unwrap();
        assert!(effect.problem);
        assert!(p.title.is_empty() && p.start.is_none() && p.runs[0].start.is_none());
    }

    #[test]
    fn runs_are_added_duplicated_and_removed_within_the_limits() {
        let mut p = lesson();
        Edit::DuplicateRun(0).apply(&mut p).unwrap();
        assert_eq!(p.runs[1].label, "Adam (copy)");
        Edit::AddRun.apply(&mut p).unwrap();
        assert_eq!(p.runs.last().unwrap().label, "Run 5");
        while p.runs.len() > 1 {
            Edit::RemoveRun(0).apply(&mut p).unwrap();
        }
        Edit::RemoveRun(0).apply(&mut p).unwrap();
        assert_eq!(p.runs.len(), 1, "the last run stays");
        for _ in 0..MAX_RUNS {
            Edit::AddRun.apply(&mut p).unwrap();
        }
        Edit::DuplicateRun(0).apply(&mut p).unwrap();
        assert_eq!(
            p.runs.len(),
            MAX_RUNS + 1,
            "a copy is not made past the limit"
        );
        let kind = OptimizerConfig::Sgd(Sgd::default());
        Edit::SetOptimizerKind { run: 0, kind }
            .apply(&mut p)
            .unwrap();
        assert_eq!(p.runs[0].optimizer.kind_name(), "Sgd");
    }

    #[test]
    fn a_label_that_named_the_old_optimizer_names_the_new_one() {
        let mut p = lesson();
        let lion = OptimizerConfig::Lion(crate::optim::Lion::default());
        // Run 0 is labelled "Adam"; run 1 "SGD + momentum", a label of its own.
        for run in [0, 1] {
            Edit::SetOptimizerKind {
                run,
                kind: lion.clone(),
            }
            .apply(&mut p)
            .unwrap();
        }
        assert_eq!(p.runs[0].label, "Lion");
        assert_eq!(p.runs[1].label, "SGD + momentum");
        let sgd = OptimizerConfig::Sgd(Sgd::default());
        Edit::SetOptimizerKind { run: 0, kind: sgd }
            .apply(&mut p)
            .unwrap();
        assert_eq!(p.runs[0].label, "SGD");
    }

    #[test]
    fn a_group_s_slider_edits_that_group_only() {
        let text = "(problem: Surface(Rosenbrock), runs: [(optimizer: AdamW(lr: 0.01), \
            groups: [(params: Vectors, optimizer: Muon(lr: 0.02))])])";
        let mut p = Preset::from_ron_str(text, "p").unwrap();
        let edit = Edit::SetParam {
            run: 0,
            param: Param::Lr,
            value: Value::Real(0.5),
        }
        .for_group(0)
        .unwrap();
        edit.apply(&mut p).unwrap();
        assert_eq!(p.runs[0].groups[0].optimizer.lr(), 0.5);
        assert_eq!(p.runs[0].optimizer.lr(), 0.01);
        let missing = Edit::SetGroupKind {
            run: 0,
            group: 3,
            kind: OptimizerConfig::Sgd(Sgd::default()),
        };
        assert_eq!(missing.apply(&mut p), Err(EditError::NoGroup(0, 3)));
        assert_eq!(Edit::AddRun.for_group(0), None);
    }

    /// A box and imported trajectories belong to the problem they were made
    /// for; a tuning note to what it was tuned for.
    #[test]
    fn a_new_problem_drops_the_box_the_overlays_and_every_tuning_note() {
        let mut p = lesson();
        p.bounds = Some(ViewBox {
            x: (-1.0, 1.0),
            y: (-1.0, 1.0),
        });
        p.overlays.push(Overlay {
            csv: "mine.csv".into(),
            label: None,
            color: None,
        });
        let note = Tuning {
            values: 4,
            from: 1e-3,
            to: 1.0,
            by: crate::preset::TunedBy::FinalLoss,
        };
        Edit::TuneRuns(vec![(0, 0.01, note)]).apply(&mut p).unwrap();
        assert_eq!(p.runs[0].tuned, Some(note));
        assert_eq!(p.runs[0].optimizer.lr(), 0.01);
        Edit::SetRunLabel {
            run: 0,
            label: "renamed".into(),
        }
        .apply(&mut p)
        .unwrap();
        assert!(p.runs[0].tuned.is_some(), "a new label leaves the note");
        Edit::SwitchProblem(ProblemConfig::Surface(Surface::Beale))
            .apply(&mut p)
            .unwrap();
        assert!(p.bounds.is_none() && p.overlays.is_empty() && p.runs[0].tuned.is_none());
    }
}
