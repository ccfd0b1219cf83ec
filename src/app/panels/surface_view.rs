//! The centre: the loss as a heat map with isolines, every run's path, the
//! start, the minima and each run's position at the play head.

use eframe::egui;
use egui_plot::{
    Legend, Line, MarkerShape, Plot, PlotBounds, PlotImage, PlotPoint, PlotPoints, Points,
};

use crate::analysis::field::Isoline;
use crate::app::session::{Track, decimated};
use crate::app::theme;
use crate::preset::Preset;
use crate::problem::{Minimum, ViewBox};
use crate::sim::ImportedRun;
use crate::sim::Trajectory;

/// Points per path drawn; the full data stays in the tracks.
const MAX_DRAWN_POINTS: usize = 4000;

/// Draws `texture` stretched over the box `view` in plot coordinates.
pub fn image_over(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    name: &str,
    texture: egui::TextureId,
    view: ViewBox,
) {
    let center = PlotPoint::new(
        f64::midpoint(view.x.0, view.x.1),
        f64::midpoint(view.y.0, view.y.1),
    );
    let size = egui::vec2((view.x.1 - view.x.0) as f32, (view.y.1 - view.y.0) as f32);
    plot_ui.image(PlotImage::new(name, texture, center, size));
}

/// What the surface view needs to draw.
#[derive(Debug)]
pub struct SurfaceInput<'a> {
    /// The plot's memory (its box): one per view, whatever the layout
    /// around it, so adding the 3-D view beside the map keeps its box.
    pub plot_id: &'static str,
    /// The heat map and the box it covers.
    pub heat_map: Option<(egui::TextureId, ViewBox)>,
    /// A half-transparent map laid over the heat map (basins), and its box.
    pub overlay: Option<(egui::TextureId, ViewBox)>,
    /// Isolines of the same field.
    pub isolines: &'a [Isoline],
    /// Isolines of the mini-batch loss at the play head (may be empty).
    pub batch_isolines: &'a [Isoline],
    /// Rows received per run.
    pub tracks: &'a [Track],
    /// Labels, colours and visibility.
    pub preset: &'a Preset,
    /// The row to show.
    pub head: usize,
    /// Every distinct start point (the preset's and runs' own).
    pub starts: Vec<[f64; 2]>,
    /// Known minima.
    pub minima: &'a [Minimum],
    /// The box to show (widened to the plot's aspect) unless the user is
    /// moving the map; `None` leaves the plot's own.
    pub reset_view: Option<ViewBox>,
    /// Names of the two axes (`x, y` or `w, b`).
    pub axis_names: [&'a str; 2],
    /// Arrows of −∇f to overlay, `[x, y, dx, dy]`.
    pub quiver: Option<&'a [[f64; 4]]>,
    /// Draw each run's next update as an arrow.
    pub update_arrows: bool,
    /// Preconditioner ellipses per run index (from the inspector).
    pub ellipses: &'a [(usize, Vec<[f64; 2]>)],
    /// Trajectories read from the preset's overlays, with the overlay's index.
    pub imported: &'a [(usize, &'a ImportedRun)],
}

/// What happened in the view.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SurfaceOutput {
    /// A click that sets a new start point.
    pub clicked_at: Option<[f64; 2]>,
    /// The box now on screen.
    pub bounds: Option<ViewBox>,
    /// The plot's size in pixels.
    pub size_px: [f32; 2],
    /// The user dragged or zoomed the map this frame.
    pub moved: bool,
}

/// Legend text of a run: its label, plus how it stopped if it diverged.
pub fn legend_label(label: &str, track: Option<&Track>) -> String {
    match track.and_then(|t| t.termination) {
        Some(t @ crate::sim::Termination::Diverged { .. }) => format!("{label} — {t}"),
        _ => label.to_owned(),
    }
}

/// The drawable part of a path: finite points up to `head`, cut where the
/// run leaves a box 1000 times the view (divergence).
fn path_points(rows: &Trajectory, head: usize, limit: ViewBox) -> Vec<[f64; 2]> {
    let inside = |p: &[f64]| {
        matches!(p, [x, y, ..] if x.is_finite() && y.is_finite()
            && *x > limit.x.0 && *x < limit.x.1 && *y > limit.y.0 && *y < limit.y.1)
    };
    decimated(rows, head, MAX_DRAWN_POINTS)
        .map_while(|(_, p, _)| inside(p).then(|| [p[0], p[1]]))
        .collect()
}

fn far_box(view: ViewBox) -> ViewBox {
    let w = (view.x.1 - view.x.0).abs().max(1e-9) * 1000.0;
    let h = (view.y.1 - view.y.0).abs().max(1e-9) * 1000.0;
    ViewBox {
        x: (view.x.0 - w, view.x.1 + w),
        y: (view.y.0 - h, view.y.1 + h),
    }
}

/// Each shown run's path up to the play head and its current position.
fn draw_runs(plot_ui: &mut egui_plot::PlotUi<'_>, input: &SurfaceInput<'_>, limit: ViewBox) {
    for (i, (run, track)) in input.preset.runs.iter().zip(input.tracks).enumerate() {
        if !run.enabled {
            continue;
        }
        let color = theme::run_color(i, run.color);
        let name = legend_label(&run.legend_label(), Some(track));
        let points = path_points(&track.rows, input.head, limit);
        draw_path(plot_ui, points, color, &name);
    }
    let first = input.preset.runs.len();
    for (k, (overlay, run)) in input.imported.iter().enumerate() {
        let chosen = input.preset.overlays.get(*overlay).and_then(|o| o.color);
        draw_path(
            plot_ui,
            path_points(&run.rows, input.head, limit),
            theme::run_color(first + k, chosen),
            &run.label,
        );
    }
    for (i, (run, track)) in input.preset.runs.iter().zip(input.tracks).enumerate() {
        if run.enabled && !track.inner_points.is_empty() {
            let name = format!("{} · inner evaluations", run.display_label());
            draw_inner_points(
                plot_ui,
                track,
                input.head,
                theme::run_color(i, run.color),
                name,
            );
        }
    }
    // Over every path: a companion lies inside its own run's jitter.
    for (i, (run, track)) in input.preset.runs.iter().zip(input.tracks).enumerate() {
        let names = run.optimizer.companion_names();
        if !run.enabled {
            continue;
        }
        for (k, (what, path)) in names.iter().zip(&track.companions).enumerate() {
            let name = format!("{} · {what}", run.display_label());
            let color = theme::run_color(i, run.color);
            draw_companion(plot_ui, input, (path, k), color, &name, limit);
        }
    }
}

/// A path with a dark outline (so a yellow path shows on a yellow heat map)
/// and a dot at its end, named `name` in the legend.
fn draw_path(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    mut points: Vec<[f64; 2]>,
    color: egui::Color32,
    name: &str,
) {
    crate::render::thin::thin_to_pixels(&mut points, plot_ui.transform().dvalue_dpos());
    plot_ui.line(
        Line::new("", PlotPoints::from(points.clone()))
            .color(theme::PATH_OUTLINE)
            .width(4.0)
            .allow_hover(false),
    );
    if let Some(&last) = points.last() {
        plot_ui.points(
            Points::new("", vec![last])
                .color(theme::PATH_OUTLINE)
                .radius(7.0)
                .shape(MarkerShape::Circle)
                .filled(true)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new(name, vec![last])
                .color(color)
                .radius(5.5)
                .shape(MarkerShape::Circle)
                .filled(true),
        );
    }
    plot_ui.line(
        Line::new(name, PlotPoints::from(points))
            .color(color)
            .width(2.0),
    );
}

/// L-BFGS's evaluations inside the steps up to the play head, as faint
/// points: where its line search looked before it moved.
fn draw_inner_points(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    track: &Track,
    head: usize,
    color: egui::Color32,
    name: String,
) {
    let shown: u64 = track
        .evaluations
        .iter()
        .take(head)
        .map(|e| e.saturating_sub(1))
        .sum();
    let points: Vec<[f64; 2]> = track
        .inner_points
        .chunks_exact(2)
        .take(usize::try_from(shown).unwrap_or(usize::MAX))
        .map(|p| [p[0], p[1]])
        .collect();
    plot_ui.points(
        Points::new(name, points)
            .color(color.gamma_multiply(0.45))
            .radius(2.5)
            .shape(MarkerShape::Circle)
            .filled(true)
            .allow_hover(false),
    );
}

/// An optimizer's companion path over a dark outline in a light tint of the
/// run's colour, so it stands out of the run's own jitter: the first
/// (ASGD's `ax`, Schedule-Free's `x`) dashed with a diamond at the play head,
/// a second (Schedule-Free's `z`) dotted with a square.
fn draw_companion(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    input: &SurfaceInput<'_>,
    (path, index): (&Trajectory, usize),
    color: egui::Color32,
    name: &str,
    limit: ViewBox,
) {
    let tint = theme::companion_tint(color);
    let (style, width, marker) = if index == 0 {
        (
            egui_plot::LineStyle::dashed_dense(),
            2.0,
            MarkerShape::Diamond,
        )
    } else {
        let dots = egui_plot::LineStyle::Dotted { spacing: 6.0 };
        (dots, 1.0, MarkerShape::Square)
    };
    let points = path_points(path, input.head, limit);
    plot_ui.line(
        Line::new("", PlotPoints::from(points.clone()))
            .color(theme::PATH_OUTLINE)
            .width(width + 2.5)
            .allow_hover(false),
    );
    plot_ui.line(
        Line::new(name, PlotPoints::from(points.clone()))
            .color(tint)
            .width(width)
            .style(style),
    );
    if let Some(&last) = points.last() {
        plot_ui.points(
            Points::new("", vec![last])
                .color(theme::PATH_OUTLINE)
                .radius(8.5)
                .shape(marker)
                .filled(true)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new(name, vec![last])
                .color(tint)
                .radius(6.5)
                .shape(marker)
                .filled(true),
        );
    }
}

/// −∇f arrows, each run's next update and its preconditioner ellipse.
fn draw_overlays(plot_ui: &mut egui_plot::PlotUi<'_>, input: &SurfaceInput<'_>) {
    if let Some(quiver) = input.quiver {
        let origins: Vec<[f64; 2]> = quiver.iter().map(|a| [a[0], a[1]]).collect();
        let tips: Vec<[f64; 2]> = quiver.iter().map(|a| [a[0] + a[2], a[1] + a[3]]).collect();
        plot_ui.arrows(
            egui_plot::Arrows::new("−grad f", origins, tips)
                .color(theme::QUIVER)
                .tip_length(5.0)
                .allow_hover(false),
        );
    }
    if input.update_arrows {
        for (i, (run, track)) in input.preset.runs.iter().zip(input.tracks).enumerate() {
            let (Some((a, _)), Some((b, _))) = (track.row(input.head), track.row(input.head + 1))
            else {
                continue;
            };
            if !run.enabled || a.len() < 2 || !b.iter().chain(a).all(|v| v.is_finite()) {
                continue;
            }
            plot_ui.arrows(
                egui_plot::Arrows::new("", vec![[a[0], a[1]]], vec![[b[0], b[1]]])
                    .color(theme::run_color(i, run.color))
                    .tip_length(8.0),
            );
        }
    }
    for (i, outline) in input.ellipses {
        let Some(run) = input.preset.runs.get(*i).filter(|r| r.enabled) else {
            continue;
        };
        plot_ui.line(
            Line::new("", PlotPoints::from(outline.clone()))
                .color(theme::run_color(*i, run.color).gamma_multiply(0.8))
                .style(egui_plot::LineStyle::dashed_loose())
                .width(1.2),
        );
    }
}

/// The box every run is kept in, dashed.
fn draw_bounds(plot_ui: &mut egui_plot::PlotUi<'_>, bounds: Option<ViewBox>) {
    let Some(b) = bounds else { return };
    let corners = vec![
        [b.x.0, b.y.0],
        [b.x.1, b.y.0],
        [b.x.1, b.y.1],
        [b.x.0, b.y.1],
        [b.x.0, b.y.0],
    ];
    plot_ui.line(
        Line::new("Box", PlotPoints::from(corners))
            .color(theme::START)
            .style(egui_plot::LineStyle::dashed_loose())
            .width(1.6)
            .allow_hover(false),
    );
}

/// The start point and the known minima.
fn draw_markers(plot_ui: &mut egui_plot::PlotUi<'_>, input: &SurfaceInput<'_>) {
    if !input.starts.is_empty() {
        plot_ui.points(
            Points::new("Start", input.starts.clone())
                .color(theme::START)
                .radius(6.0)
                .shape(MarkerShape::Diamond)
                .filled(false),
        );
    }
    let minima: Vec<[f64; 2]> = input
        .minima
        .iter()
        .filter_map(|m| match m.point.as_slice() {
            [x, y] => Some([*x, *y]),
            _ => None,
        })
        .collect();
    if !minima.is_empty() {
        plot_ui.points(
            Points::new("Minima", minima)
                .color(theme::MINIMUM)
                .radius(6.0)
                .shape(MarkerShape::Asterisk),
        );
    }
}

/// Draws the view.
pub fn show(ui: &mut egui::Ui, input: &SurfaceInput<'_>) -> SurfaceOutput {
    let mut out = SurfaceOutput::default();
    // One memory per view whatever the layout around it: a fresh one (as the
    // 3-D view's columns made) fits the box to the items, and the heat map,
    // sampled over that box, then widens it every frame.
    let plot = Plot::new(input.plot_id)
        .id(egui::Id::unique(input.plot_id))
        .data_aspect(1.0)
        .allow_scroll(false)
        .legend(
            Legend::default()
                .position(egui_plot::Corner::RightTop)
                .follow_insertion_order(true),
        )
        .allow_double_click_reset(false)
        .show_grid(false)
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x()
                .label(input.axis_names[0])
                .label_spacing(28.0..=48.0),
        ])
        .y_axis_label(input.axis_names[1]);
    let response = plot.show(ui, |plot_ui| {
        let mut moved = plot_ui.response().dragged();
        // Plain scrolling zooms around the pointer, as in map viewers.
        if plot_ui.response().hovered() {
            let scroll = plot_ui.ctx().input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0 {
                let factor = (scroll / 300.0).exp();
                plot_ui.zoom_bounds_around_hovered(egui::vec2(factor, factor));
                moved = true;
            }
        }
        // The box asked for, unless the user is moving the map.
        if let Some(view) = input.reset_view.filter(|_| !moved) {
            plot_ui.set_plot_bounds(PlotBounds::from_min_max(
                [view.x.0, view.y.0],
                [view.x.1, view.y.1],
            ));
        }
        let bounds = plot_ui.plot_bounds();
        let view = ViewBox {
            x: (bounds.min()[0], bounds.max()[0]),
            y: (bounds.min()[1], bounds.max()[1]),
        };
        if let Some((texture, field_view)) = input.heat_map {
            image_over(plot_ui, "", texture, field_view);
        }
        if let Some((texture, map_view)) = input.overlay {
            image_over(plot_ui, "Basins", texture, map_view);
        }
        for iso in input.isolines {
            for path in &iso.paths {
                plot_ui.line(
                    Line::new("", PlotPoints::from(path.clone()))
                        .color(theme::ISOLINE)
                        .width(0.8)
                        .allow_hover(false),
                );
            }
        }
        for (k, iso) in input.batch_isolines.iter().enumerate() {
            for path in &iso.paths {
                let name = if k == 0 { "mini-batch loss" } else { "" };
                plot_ui.line(
                    Line::new(name, PlotPoints::from(path.clone()))
                        .color(theme::BATCH_ISOLINE)
                        .style(egui_plot::LineStyle::dashed_dense())
                        .width(1.3)
                        .allow_hover(false),
                );
            }
        }
        draw_bounds(plot_ui, input.preset.bounds);
        draw_runs(plot_ui, input, far_box(view));
        draw_overlays(plot_ui, input);
        draw_markers(plot_ui, input);
        let clicked = plot_ui.response().clicked();
        (
            view,
            clicked.then(|| plot_ui.pointer_coordinate()).flatten(),
            moved,
        )
    });
    let (view, click, moved) = response.inner;
    out.bounds = Some(view);
    out.moved = moved;
    out.clicked_at = click.map(|p| [p.x, p.y]);
    out.size_px = [
        response.response.rect.width(),
        response.response.rect.height(),
    ];
    out
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::app::panels::test_support::{lesson, tracks};

    /// The map of `tracks` at row 2 over x ∈ (−2, 2), y ∈ (−1, 3), nothing else on.
    fn test_input<'a>(preset: &'a Preset, tracks: &'a [Track]) -> SurfaceInput<'a> {
        SurfaceInput {
            plot_id: "test_map",
            heat_map: None,
            overlay: None,
            isolines: &[],
            batch_isolines: &[],
            tracks,
            preset,
            head: 2,
            starts: vec![[-1.5, 2.0]],
            minima: &[],
            reset_view: Some(ViewBox {
                x: (-2.0, 2.0),
                y: (-1.0, 3.0),
            }),
            axis_names: ["x", "y"],
            quiver: None,
            update_arrows: false,
            ellipses: &[],
            imported: &[],
        }
    }

    #[test]
    fn every_run_is_in_the_legend_and_a_click_sets_the_start() {
        let (preset, tracks) = (lesson(), tracks());
        let mut h = Harness::builder().with_size([600.0, 400.0]).build_ui_state(
            |ui, clicks: &mut Vec<[f64; 2]>| {
                let output = show(ui, &test_input(&preset, &tracks));
                clicks.extend(output.clicked_at);
            },
            Vec::new(),
        );
        h.run();
        for label in ["Adam", "SGD + momentum", "RMSprop", "Start"] {
            assert!(
                h.query_by_role_and_label(egui::accesskit::Role::CheckBox, label)
                    .is_some(),
                "{label}"
            );
        }
        let centre = egui::pos2(300.0, 200.0);
        h.hover_at(centre);
        h.run();
        h.drag_at(centre);
        h.run();
        h.drop_at(centre);
        h.run();
        let clicks = h.state();
        assert_eq!(clicks.len(), 1, "{clicks:?}");
        assert!(clicks[0][0] > -2.0 && clicks[0][0] < 2.0, "{clicks:?}");
    }

    /// ASGD's average is listed and drawn beside its run; runs of other
    /// optimizers have no such entry.
    #[test]
    fn an_average_has_its_own_legend_entry() {
        let mut preset = lesson();
        preset.runs[0].optimizer =
            crate::optim::OptimizerConfig::Asgd(crate::optim::Asgd::default());
        let mut tracks = tracks();
        tracks[0].companions = vec![tracks[0].rows.clone()];
        let mut h = Harness::builder().with_size([600.0, 400.0]).build_ui(|ui| {
            show(ui, &test_input(&preset, &tracks));
        });
        h.run();
        let checkbox = |label: &str| {
            h.query_by_role_and_label(egui::accesskit::Role::CheckBox, label)
                .is_some()
        };
        assert!(checkbox(&format!(
            "{} · ax",
            preset.runs[0].display_label()
        )));
        assert!(!checkbox(&format!(
            "{} · ax",
            preset.runs[1].display_label()
        )));
    }
}
