//! The data view: the samples, each run's fitted line at the play head
//! (regression) or the chosen run's decision map (classifiers).

use eframe::egui;
use egui_plot::{Legend, Line, Plot, PlotBounds, PlotPoints, Points};

use crate::app::session::Track;
use crate::app::theme;
use crate::preset::Preset;
use crate::problem::Samples;
use crate::problem::{Problem, ViewBox};
use crate::render::palette::class_rgb;
use crate::sim::{ImportedRun, Trajectory};

/// Points per fitted curve.
const CURVE_SAMPLES: usize = 240;

/// What the data view needs.
#[derive(Debug)]
pub struct DataInput<'a> {
    /// The points.
    pub samples: &'a Samples,
    /// The problem (for fitted lines).
    pub problem: &'a dyn Problem,
    /// Rows per run.
    pub tracks: &'a [Track],
    /// Labels, colours and visibility.
    pub preset: &'a Preset,
    /// The row to show.
    pub head: usize,
    /// The decision map texture and its box.
    pub decision: Option<(egui::TextureId, ViewBox)>,
    /// Fit the view to the data this frame.
    pub reset_view: bool,
    /// Trajectories read from the preset's overlays, with the overlay's index.
    pub imported: &'a [(usize, &'a ImportedRun)],
}

/// The box on screen and its size in pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DataOutput {
    /// The box now on screen.
    pub bounds: Option<ViewBox>,
    /// The plot's size in pixels.
    pub size_px: [f32; 2],
}

/// Draws the view.
pub fn show(ui: &mut egui::Ui, input: &DataInput<'_>) -> DataOutput {
    let classes = matches!(input.samples, Samples::Classes { .. });
    let mut plot = Plot::new("data_view")
        .legend(
            Legend::default()
                .position(egui_plot::Corner::RightTop)
                .follow_insertion_order(true),
        )
        .allow_double_click_reset(false)
        .show_grid(false);
    let (x_name, y_name) = if classes { ("x1", "x2") } else { ("x", "y") };
    plot = plot.x_axis_label(x_name).y_axis_label(y_name);
    if classes {
        plot = plot.data_aspect(1.0);
    }
    let response = plot.show(ui, |plot_ui| {
        if input.reset_view {
            let b = input.samples.bounds();
            plot_ui.set_plot_bounds(PlotBounds::from_min_max([b.x.0, b.y.0], [b.x.1, b.y.1]));
        }
        let bounds = plot_ui.plot_bounds();
        let view = ViewBox {
            x: (bounds.min()[0], bounds.max()[0]),
            y: (bounds.min()[1], bounds.max()[1]),
        };
        if let Some((texture, map_view)) = input.decision {
            super::surface_view::image_over(plot_ui, "", texture, map_view);
        }
        match input.samples {
            Samples::Classes {
                points,
                labels,
                classes,
                held_out,
                held_out_labels,
            } => {
                draw_classes(plot_ui, (points, labels), *classes, false);
                draw_classes(plot_ui, (held_out, held_out_labels), *classes, true);
            }
            Samples::Line { train, validation } => {
                draw_fits(plot_ui, input, train, validation, view);
            }
        }
        view
    });
    DataOutput {
        bounds: Some(response.inner),
        size_px: [
            response.response.rect.width(),
            response.response.rect.height(),
        ],
    }
}

/// Each class's points: training points filled, with a dark rim that keeps
/// them visible on their own class's tint; held-out points as hollow rings.
fn draw_classes(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    (points, labels): (&[[f64; 2]], &[usize]),
    classes: usize,
    held_out: bool,
) {
    for k in 0..classes {
        let mine = Samples::of_class(points, labels, k);
        let (r, g, b) = class_rgb(k);
        let colour = egui::Color32::from_rgb(r, g, b);
        if held_out {
            if !mine.is_empty() {
                plot_ui.points(
                    Points::new(format!("class {k} (validation)"), mine)
                        .color(colour)
                        .radius(4.0)
                        .filled(false),
                );
            }
            continue;
        }
        plot_ui.points(
            Points::new("", mine.clone())
                .color(egui::Color32::from_gray(10))
                .radius(4.2)
                .filled(true)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new(format!("class {k}"), mine)
                .color(colour)
                .radius(3.0)
                .filled(true),
        );
    }
}

/// The points, held-out points, and each run's fitted curve at the play head.
fn draw_fits(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    input: &DataInput<'_>,
    train: &[[f64; 2]],
    validation: &[[f64; 2]],
    view: ViewBox,
) {
    let grey = theme::data_points(&plot_ui.ctx().global_style().visuals);
    plot_ui.points(
        Points::new("data", train.to_vec())
            .color(grey)
            .radius(2.5)
            .filled(true),
    );
    if !validation.is_empty() {
        plot_ui.points(
            Points::new("validation", validation.to_vec())
                .color(grey)
                .radius(3.5)
                .filled(false),
        );
    }
    let fit = |plot_ui: &mut egui_plot::PlotUi<'_>, rows: &Trajectory, name: String, colour| {
        let Some((params, _)) = rows.row(input.head.min(rows.len().saturating_sub(1))) else {
            return;
        };
        // Enough samples for a degree-15 curve to look smooth.
        let ends: Option<Vec<[f64; 2]>> = (0..=CURVE_SAMPLES)
            .map(|k| {
                let x = view.x.0 + (view.x.1 - view.x.0) * k as f64 / CURVE_SAMPLES as f64;
                input.problem.predict(params, x).map(|y| [x, y])
            })
            .collect();
        if let Some(ends) = ends {
            plot_ui.line(
                Line::new(name, PlotPoints::from(ends))
                    .color(colour)
                    .width(2.0),
            );
        }
    };
    for (i, (run, track)) in input.preset.runs.iter().zip(input.tracks).enumerate() {
        if run.enabled {
            fit(
                plot_ui,
                &track.rows,
                run.legend_label(),
                theme::run_color(i, run.color),
            );
        }
    }
    let first = input.preset.runs.len();
    for (k, (overlay, run)) in input.imported.iter().enumerate() {
        let chosen = input.preset.overlays.get(*overlay).and_then(|o| o.color);
        fit(
            plot_ui,
            &run.rows,
            run.label.clone(),
            theme::run_color(first + k, chosen),
        );
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn a_regression_shows_its_points_and_each_runs_fit() {
        let [(_, linear), ..] = crate::problem::catalogue::models();
        let problem = linear.build(std::path::Path::new(".")).unwrap();
        let samples = problem.samples().unwrap();
        let preset = Preset::from_ron_str(
            "(problem: LinearRegression(data: Synthetic(n: 20)), runs: [(label: \"GD\", optimizer: Sgd(lr: 0.1))])",
            "t",
        )
        .unwrap();
        let tracks = vec![crate::app::panels::test_support::track(&[
            [0.0, 0.0, 1.0],
            [1.9, 0.4, 0.1],
        ])];
        let mine = ImportedRun {
            label: "my loop".into(),
            rows: tracks[0].rows.clone(),
        };
        let mut h = Harness::new_ui(|ui| {
            show(
                ui,
                &DataInput {
                    samples: &samples,
                    problem: problem.as_ref(),
                    tracks: &tracks,
                    preset: &preset,
                    head: 1,
                    decision: None,
                    reset_view: true,
                    imported: &[(0, &mine)],
                },
            );
        });
        h.run();
        for label in ["data", "GD", "my loop"] {
            assert!(
                h.query_by_role_and_label(egui::accesskit::Role::CheckBox, label)
                    .is_some(),
                "{label}"
            );
        }
    }
}
