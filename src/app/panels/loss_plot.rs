//! Loss against step for every run, with the play head marked.

use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints, VLine};

use crate::app::session::{Track, decimated};
use crate::app::theme;
use crate::preset::Preset;
use crate::sim::ImportedRun;

use super::curves::{MAX_DRAWN_POINTS, play_head, run_curve};
pub use super::plot_axis::EpochScale;
use super::plot_axis::{XAxis, cumulative_evaluations};

/// What the bottom plot shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Curve {
    /// Loss against step.
    #[default]
    Loss,
    /// Learning rate against step (the schedule).
    LearningRate,
    /// Training accuracy against step (classifiers).
    Accuracy,
    /// Sharpness (λmax of the loss Hessian) against step, beside the lr's
    /// stability threshold: the edge of stability.
    Sharpness,
}

impl Curve {
    /// The curve a newly opened `preset` shows: its sharpness plot for an
    /// edge-of-stability lesson, else the current curve, but not another
    /// lesson's sharpness.
    #[must_use]
    pub fn on_opening(self, preset: &Preset) -> Self {
        match self {
            _ if preset.sharpness_every.is_some() => Self::Sharpness,
            Self::Sharpness => Self::Loss,
            other => other,
        }
    }
}

/// The user's choices for the plot.
#[derive(Debug)]
pub struct Axes<'a> {
    /// Which curve.
    pub curve: &'a mut Curve,
    /// Values on a log₁₀ axis.
    pub log: &'a mut bool,
    /// Epochs instead of steps on the horizontal axis.
    pub epochs: &'a mut bool,
    /// Loss and gradient evaluations instead of steps on the horizontal axis.
    pub evaluations: &'a mut bool,
    /// Draw the curves only up to the play head (the axes still span them
    /// all), so "which arrives first" is not given away at step 0.
    pub reveal: &'a mut bool,
    /// Sample the sharpness every this many steps.
    pub sharpness_every: &'a mut u64,
}

/// The curves to draw: one track per run, and the imported trajectories
/// with the index of their overlay.
#[derive(Clone, Copy, Debug)]
pub struct Runs<'a> {
    /// Rows received per run.
    pub tracks: &'a [Track],
    /// Trajectories read from the preset's overlays.
    pub imported: &'a [(usize, &'a ImportedRun)],
    /// Each run's sharpness series, when asked for.
    pub sharpness: super::sharpness_plot::Sharpness<'a>,
}

/// Draws the plot; `epochs` is `None` for surfaces, which have no epochs.
pub fn show(
    ui: &mut egui::Ui,
    preset: &Preset,
    runs: Runs<'_>,
    head: usize,
    mut axes: Axes<'_>,
    accuracy: Option<&[Vec<[f64; 2]>]>,
    epochs: Option<&EpochScale>,
) {
    let tracks = runs.tracks;
    let (shift, floor) = log_shift(tracks);
    let counts_evaluations = tracks.iter().any(|t| !t.evaluations.is_empty());
    let has = (accuracy.is_some(), epochs.is_some(), counts_evaluations);
    header(ui, &mut axes, has, shift);
    let Axes {
        curve,
        log,
        epochs: per_epoch,
        evaluations: by_evaluations,
        reveal,
        sharpness_every,
    } = axes;
    let cumulative =
        (counts_evaluations && *by_evaluations).then(|| cumulative_evaluations(tracks));
    let x = XAxis {
        epochs: epochs.filter(|_| *per_epoch),
        evaluations: cumulative.as_deref(),
        shown_to: if *reveal { head } else { usize::MAX },
    };
    match *curve {
        Curve::LearningRate => return super::lr_plot::show(ui, preset, tracks, head, *log, x),
        Curve::Sharpness => {
            let asked = (runs.sharpness, *sharpness_every);
            return super::sharpness_plot::show(ui, preset, asked, head, x);
        }
        Curve::Accuracy => {
            match accuracy {
                Some(curves) => accuracy_plot(ui, preset, curves, head, x),
                None => *curve = Curve::Loss,
            }
            return;
        }
        Curve::Loss => {}
    }
    let is_log = *log;
    let cap = loss_cap(preset, tracks);
    let value = |l: f64| {
        if is_log {
            (l + shift).max(floor).log10()
        } else {
            l
        }
    };
    // The whole curves set the axes, so they stand still while the curves
    // are revealed up to the play head.
    let (lowest, highest, end) = extent(preset, tracks, cap, &value, x);
    let plot = Plot::new("loss_plot")
        .id(egui::Id::unique("loss_plot"))
        .include_x(0.0)
        .include_x(end)
        .include_y(lowest)
        .include_y(highest)
        .x_axis_label(x.label())
        .custom_y_axes(vec![
            egui_plot::AxisHints::new_y()
                .label(if is_log { "log₁₀ loss" } else { "loss" })
                .label_spacing(14.0..=24.0),
        ])
        .allow_double_click_reset(true)
        .auto_bounds([true, true]);
    plot.show(ui, |plot_ui| {
        for (i, (run, track)) in preset.runs.iter().zip(tracks).enumerate() {
            if !run.enabled || track.is_empty() {
                continue;
            }
            let last = (track.len() - 1).min(x.shown_to);
            // A diverged run is drawn up to where it leaves the other
            // runs' range, so its 1e300 does not flatten their curves.
            let diverged = matches!(
                track.termination,
                Some(crate::sim::Termination::Diverged { .. })
            );
            let points: Vec<[f64; 2]> = track
                .decimated(last, MAX_DRAWN_POINTS)
                .filter(|(_, _, l)| l.is_finite() && (!diverged || *l <= cap))
                .map(|(k, _, l)| [x.of_run(i, k as f64), value(l)])
                .collect();
            run_curve(
                plot_ui,
                run.legend_label(),
                points,
                theme::run_color(i, run.color),
            );
            validation_curve(plot_ui, run, i, track, x, value);
            // ASGD's average, Schedule-Free's x: the loss at the point to return.
            let cut = |l: f64| l.is_finite() && (!diverged || l <= cap);
            companion_curve(plot_ui, (run, i), track, (last, x), &value, &cut);
            if let Some(crate::sim::Termination::EarlyStopped { best, .. }) = track.termination {
                plot_ui.vline(
                    VLine::new(
                        format!("{}: best", run.display_label()),
                        x.of_run(i, best as f64),
                    )
                    .color(theme::run_color(i, run.color).gamma_multiply(0.6))
                    .style(egui_plot::LineStyle::dotted_dense()),
                );
            }
        }
        imported_curves(plot_ui, preset, runs.imported, x, &value);
        play_head(plot_ui, x.head(head as f64));
    });
}

/// The imported trajectories' losses, coloured after the runs.
fn imported_curves(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    preset: &Preset,
    imported: &[(usize, &ImportedRun)],
    x: XAxis<'_>,
    value: &dyn Fn(f64) -> f64,
) {
    for (k, (overlay, run)) in imported.iter().enumerate() {
        let last = run.rows.len().saturating_sub(1).min(x.shown_to);
        let points: Vec<[f64; 2]> = decimated(&run.rows, last, MAX_DRAWN_POINTS)
            .filter(|(_, _, l)| l.is_finite())
            .map(|(k, _, l)| [x.head(k as f64), value(l)])
            .collect();
        let chosen = preset.overlays.get(*overlay).and_then(|o| o.color);
        let colour = theme::run_color(preset.runs.len() + k, chosen);
        run_curve(plot_ui, run.label.clone(), points, colour);
    }
}

/// The loss at a run's first companion point (ASGD's `ax`, Schedule-Free's
/// `x`), dashed in the companion's tint; `keep` drops what is not drawn.
fn companion_curve(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    (run, index): (&crate::preset::RunSpec, usize),
    track: &Track,
    (last, x): (usize, XAxis<'_>),
    value: &dyn Fn(f64) -> f64,
    keep: &dyn Fn(f64) -> bool,
) {
    let (Some(what), Some(path)) = (
        run.optimizer.companion_names().first(),
        track.companions.first(),
    ) else {
        return;
    };
    let points: Vec<[f64; 2]> = decimated(path, last, MAX_DRAWN_POINTS)
        .filter(|(_, _, l)| keep(*l))
        .map(|(k, _, l)| [x.of_run(index, k as f64), value(l)])
        .collect();
    plot_ui.line(
        Line::new(
            format!("{} · {what}", run.display_label()),
            PlotPoints::from(points),
        )
        .color(theme::companion_tint(theme::run_color(index, run.color)))
        .style(egui_plot::LineStyle::dashed_loose())
        .width(1.5),
    );
}

/// A run's validation loss, dashed in its colour.
fn validation_curve(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    run: &crate::preset::RunSpec,
    index: usize,
    track: &Track,
    x: XAxis<'_>,
    value: impl Fn(f64) -> f64,
) {
    if track.val.is_empty() {
        return;
    }
    let shown = &track.val[..track.val.len().min(x.shown_to.saturating_add(1))];
    let stride = (shown.len() / MAX_DRAWN_POINTS).max(1);
    let val: Vec<[f64; 2]> = shown
        .iter()
        .enumerate()
        .step_by(stride)
        .filter(|(_, l)| l.is_finite())
        .map(|(k, &l)| [x.of_run(index, k as f64), value(l)])
        .collect();
    plot_ui.line(
        Line::new(
            format!("{} (validation)", run.display_label()),
            PlotPoints::from(val),
        )
        .color(theme::run_color(index, run.color))
        .style(egui_plot::LineStyle::dashed_dense())
        .width(1.5),
    );
}

/// Each run's share of correctly classified training points.
fn accuracy_plot(
    ui: &mut egui::Ui,
    preset: &Preset,
    curves: &[Vec<[f64; 2]>],
    head: usize,
    x: XAxis<'_>,
) {
    let plot = Plot::new("accuracy_plot")
        .x_axis_label(x.label())
        .y_axis_label("accuracy")
        .include_y(0.0)
        .include_y(1.0)
        .legend(
            egui_plot::Legend::default()
                .position(egui_plot::Corner::RightBottom)
                .follow_insertion_order(true),
        )
        .allow_double_click_reset(true);
    plot.show(ui, |plot_ui| {
        for (i, (run, points)) in preset.runs.iter().zip(curves).enumerate() {
            if !run.enabled || points.is_empty() {
                continue;
            }
            run_curve(
                plot_ui,
                run.display_label().to_owned(),
                points
                    .iter()
                    .filter(|[k, _]| *k <= x.shown_to as f64)
                    .map(|&[k, a]| [x.of_run(i, k), a])
                    .collect(),
                theme::run_color(i, run.color),
            );
        }
        play_head(plot_ui, x.head(head as f64));
    });
}

/// The lowest and highest value and the last x of every shown run's whole
/// curve (a diverged run's up to `cap`).
fn extent(
    preset: &Preset,
    tracks: &[Track],
    cap: f64,
    value: &dyn Fn(f64) -> f64,
    x: XAxis<'_>,
) -> (f64, f64, f64) {
    let mut out = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
    for (i, (run, track)) in preset.runs.iter().zip(tracks).enumerate() {
        if !run.enabled || track.is_empty() {
            continue;
        }
        let diverged = matches!(
            track.termination,
            Some(crate::sim::Termination::Diverged { .. })
        );
        let last = track.len() - 1;
        out.2 = out.2.max(x.of_run(i, last as f64));
        for (_, _, l) in track.decimated(last, MAX_DRAWN_POINTS) {
            if l.is_finite() && (!diverged || l <= cap) {
                let y = value(l);
                out.0 = out.0.min(y);
                out.1 = out.1.max(y);
            }
        }
    }
    if !out.0.is_finite() {
        out.0 = 0.0;
        out.1 = 1.0;
    }
    out
}

/// The row above the plot: which curve, its scale, its axis and how far
/// it is drawn; `has` says whether accuracy and epochs apply.
fn header(ui: &mut egui::Ui, axes: &mut Axes<'_>, has: (bool, bool, bool), shift: f64) {
    let (curve, log) = (&mut *axes.curve, &mut *axes.log);
    let (per_epoch, reveal) = (&mut *axes.epochs, &mut *axes.reveal);
    let by_evaluations = &mut *axes.evaluations;
    ui.horizontal(|ui| {
        ui.selectable_value(curve, Curve::Loss, "Loss");
        ui.selectable_value(curve, Curve::LearningRate, "Learning rate");
        if has.0 {
            ui.selectable_value(curve, Curve::Accuracy, "Accuracy");
        }
        ui.selectable_value(curve, Curve::Sharpness, "Sharpness")
            .on_hover_text("λmax of the loss Hessian every k steps beside 2/lr, the step size's stability limit (the edge of stability)");
        ui.separator();
        if *curve == Curve::Sharpness {
            ui.add(
                egui::DragValue::new(&mut *axes.sharpness_every)
                    .range(1..=100_000)
                    .prefix("every ")
                    .suffix(" steps"),
            )
            .on_hover_text("Sample the sharpness every this many steps (at most 500 samples a run)");
        }
        if !matches!(*curve, Curve::Accuracy | Curve::Sharpness) {
            ui.checkbox(log, "Log scale");
        }
        if has.1 {
            ui.checkbox(per_epoch, "Epochs")
                .on_hover_text("Put epochs (passes over the training data) on the horizontal axis instead of steps");
        }
        if has.2 && *curve == Curve::Loss {
            ui.checkbox(by_evaluations, "Gradient evaluations")
                .on_hover_text("Count loss and gradient evaluations on the horizontal axis: L-BFGS makes several per step, first-order methods one");
        }
        ui.checkbox(reveal, "Up to the play head")
            .on_hover_text("Draw the curves only as far as the play head, as the map draws the paths");
        if *log && shift > 0.0 && *curve == Curve::Loss {
            ui.label(egui::RichText::new(format!("showing loss + {shift:.4}")).small());
        }
    });
}

/// The highest loss a diverged run is drawn to: ten times the highest loss
/// of every run that did not diverge, and of every run's start.
fn loss_cap(preset: &Preset, tracks: &[Track]) -> f64 {
    let highest = preset
        .runs
        .iter()
        .zip(tracks)
        .filter(|(run, track)| run.enabled && !track.is_empty())
        .flat_map(|(_, track)| {
            let diverged = matches!(
                track.termination,
                Some(crate::sim::Termination::Diverged { .. })
            );
            let last = if diverged { 0 } else { track.len() - 1 };
            track
                .decimated(last, MAX_DRAWN_POINTS)
                .map(|(_, _, l)| l)
                .collect::<Vec<_>>()
        })
        .filter(|l| l.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if highest.is_finite() {
        highest.abs().max(1e-300) * 10.0 + highest.min(0.0)
    } else {
        f64::INFINITY
    }
}

/// On a log axis, losses that reach zero or below are shown relative to the
/// lowest value seen (the shift), and nothing is drawn below the floor.
fn log_shift(tracks: &[Track]) -> (f64, f64) {
    let lowest = tracks
        .iter()
        .flat_map(|t| {
            t.decimated(t.len().saturating_sub(1), MAX_DRAWN_POINTS)
                .map(|(_, _, l)| l)
        })
        .filter(|l| l.is_finite())
        .fold(f64::INFINITY, f64::min);
    let shift = if lowest.is_finite() && lowest <= 0.0 {
        -lowest
    } else {
        0.0
    };
    // Shifted curves touch zero at the lowest point: keep them nine decades below the shift.
    // A loss of exactly zero sits at the smallest positive loss drawn, not at 1e-300.
    let smallest_positive = tracks
        .iter()
        .flat_map(|t| {
            t.decimated(t.len().saturating_sub(1), MAX_DRAWN_POINTS)
                .map(|(_, _, l)| l)
        })
        .filter(|l| l.is_finite() && *l > 0.0)
        .fold(f64::INFINITY, f64::min);
    let floor = if shift > 0.0 {
        1e-9 * (1.0 + shift)
    } else if smallest_positive.is_finite() {
        smallest_positive
    } else {
        1e-300
    };
    (shift, floor)
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::app::panels::test_support::{lesson, tracks};

    #[test]
    fn the_learning_rate_view_names_each_runs_schedule() {
        let (preset, tracks) = (lesson(), tracks());
        let mut h = Harness::new_ui_state(
            |ui, (curve, log, epochs, reveal): &mut (Curve, bool, bool, bool)| {
                show(
                    ui,
                    &preset,
                    Runs {
                        tracks: &tracks,
                        imported: &[],
                        sharpness: None,
                    },
                    1,
                    Axes {
                        curve,
                        log,
                        epochs,
                        evaluations: &mut false,
                        reveal,
                        sharpness_every: &mut 10,
                    },
                    None,
                    None,
                );
            },
            (Curve::Loss, true, false, true),
        );
        assert!(
            h.query_by_label("Accuracy").is_none(),
            "no accuracy for a surface"
        );
        assert!(
            h.query_by_label("Epochs").is_none(),
            "no epochs for a surface"
        );
        h.get_by_label("Learning rate").click();
        h.run();
        h.run();
        assert_eq!(h.state().0, Curve::LearningRate);
        assert!(h.query_by_label("Adam (Constant)").is_some());
    }

    /// Prodigy sets its own step size: the lr view draws d·lr beside the lr
    /// for it, and for no other run.
    #[test]
    fn an_optimizer_s_own_step_size_has_its_own_curve() {
        let mut preset = lesson();
        preset.runs[0].optimizer =
            crate::optim::OptimizerConfig::Prodigy(crate::optim::Prodigy::default());
        preset.runs[1].optimizer =
            crate::optim::OptimizerConfig::Asgd(crate::optim::Asgd::default());
        let mut tracks = tracks();
        tracks[0].effective_lrs = vec![1e-6, 1e-4];
        tracks[1].companions = vec![tracks[1].rows.clone()];
        let name = |i: usize| preset.runs[i].display_label().to_owned();
        let mut h = Harness::new_ui_state(
            |ui, (curve, log, epochs, reveal): &mut (Curve, bool, bool, bool)| {
                let axes = Axes {
                    curve,
                    log,
                    epochs,
                    evaluations: &mut false,
                    reveal,
                    sharpness_every: &mut 10,
                };
                show(
                    ui,
                    &preset,
                    Runs {
                        tracks: &tracks,
                        imported: &[],
                        sharpness: None,
                    },
                    2,
                    axes,
                    None,
                    None,
                );
            },
            (Curve::Loss, true, false, true),
        );
        h.get_by_label("Learning rate").click();
        h.run();
        h.run();
        assert!(h.query_by_label(&format!("{} · d·lr", name(0))).is_some());
        assert!(h.query_by_label(&format!("{} · d·lr", name(1))).is_none());
    }

    /// A diverged run's 1e300 set the loss axis and flattened every curve.
    #[test]
    fn a_diverged_run_is_drawn_only_up_to_the_other_runs_range() {
        let preset = lesson();
        let mut tracks = tracks();
        // Run 1 diverges after its start (loss 12.5), climbing to 1e300.
        tracks[1] = crate::app::panels::test_support::track(&[
            [-1.5, 2.0, 12.5],
            [-3.0, 9.0, 1e6],
            [-1e9, 1e9, 1e300],
        ]);
        tracks[1].termination = Some(crate::sim::Termination::Diverged { step: 2 });
        let cap = loss_cap(&preset, &tracks);
        assert!(
            (cap - 125.0).abs() < 1e-9,
            "ten times the highest loss left: {cap}"
        );
        let x = XAxis {
            epochs: None,
            evaluations: None,
            shown_to: usize::MAX,
        };
        let (lo, hi, end) = extent(&preset, &tracks, cap, &f64::log10, x);
        assert!(hi < 2.2 && lo >= 0.0, "the axis spans {lo}..{hi}");
        assert_eq!(end, 2.0);
    }

    /// The lr legend moves off Prodigy's rising d·lr and off a decaying schedule.
    #[test]
    fn the_lr_legend_sits_where_no_curve_ends() {
        let mut tracks = tracks();
        for t in &mut tracks {
            t.lrs = vec![0.1, 0.05, 0.01];
        }
        assert_eq!(
            super::super::lr_plot::lr_legend_corner(&tracks),
            egui_plot::Corner::RightTop
        );
        tracks[1].effective_lrs = vec![1e-6, 1e-3, 0.02];
        assert_eq!(
            super::super::lr_plot::lr_legend_corner(&tracks),
            egui_plot::Corner::RightBottom
        );
    }

    /// L-BFGS makes several evaluations a step: on the evaluations axis its
    /// curve ends at their total, a first-order run's at its steps.
    #[test]
    fn the_evaluations_axis_counts_what_each_run_spent() {
        let preset = lesson();
        let mut tracks = tracks();
        tracks[0].evaluations = vec![5, 7];
        let cumulative = cumulative_evaluations(&tracks);
        assert_eq!(cumulative[0], [0.0, 5.0, 12.0]);
        assert!(cumulative[1].is_empty());
        let x = XAxis {
            epochs: None,
            evaluations: Some(&cumulative),
            shown_to: usize::MAX,
        };
        assert_eq!(x.of_run(0, 2.0), 12.0);
        assert_eq!(x.of_run(1, 2.0), 2.0);
        let (_, _, end) = extent(&preset, &tracks, f64::INFINITY, &|l| l, x);
        assert_eq!(end, 12.0);
        assert_eq!(x.label(), "loss and gradient evaluations");
        // The switch shows only when a run counts evaluations.
        let mut h = Harness::new_ui_state(
            |ui, on: &mut bool| {
                let axes = Axes {
                    curve: &mut Curve::Loss,
                    log: &mut true,
                    epochs: &mut false,
                    evaluations: on,
                    reveal: &mut false,
                    sharpness_every: &mut 10,
                };
                show(
                    ui,
                    &preset,
                    Runs {
                        tracks: &tracks,
                        imported: &[],
                        sharpness: None,
                    },
                    2,
                    axes,
                    None,
                    None,
                );
            },
            false,
        );
        h.get_by_label("Gradient evaluations").click();
        h.run();
        assert!(*h.state());
    }
}
