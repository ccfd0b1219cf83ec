//! The loss half of a picture: every run's loss (and validation loss)
//! against step, on an axis fixed over the whole horizon.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::clip::{clip_polyline, strokeable};
use super::chart;
use super::{DrawResult, PictureOptions, rgb, rows_shown};
use crate::problem::ViewBox;
use crate::render::palette;
use crate::render::scene::Scene;

/// Whether the loss axis is log10, and its range: fixed over the whole
/// horizon so animation frames do not jump, capped near the highest starting
/// loss so a divergence does not flatten every other curve.
fn loss_axis(scene: &Scene, want_log: bool) -> LossAxis {
    let finite_losses = || {
        scene
            .runs
            .iter()
            .flat_map(|r| &r.losses)
            .copied()
            .filter(|l| l.is_finite())
    };
    // As in the window: losses at or below zero are shown relative to the
    // lowest, and zeros sit at the smallest positive value drawn.
    let lowest = finite_losses().fold(f64::INFINITY, f64::min);
    let shift = if lowest.is_finite() && lowest <= 0.0 {
        -lowest
    } else {
        0.0
    };
    let floor = finite_losses()
        .map(|l| l + shift)
        .filter(|&l| l > 0.0)
        .fold(f64::INFINITY, f64::min);
    let log = want_log && floor.is_finite();
    let axis = LossAxis {
        log,
        shift,
        floor,
        lo: 0.0,
        hi: 1.0,
    };
    let value = |l: f64| axis.value(l);
    // Fixed axes (the whole horizon), so animation frames do not jump; the
    // top is capped at the highest starting loss so a divergence does not
    // flatten every other curve.
    let finite: Vec<f64> = scene
        .runs
        .iter()
        .flat_map(|r| r.losses.iter().map(|&l| value(l)))
        .filter(|v| v.is_finite())
        .collect();
    let start_max = scene
        .runs
        .iter()
        .filter_map(|r| r.losses.first().map(|&l| value(l)))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .min(if start_max.is_finite() {
            if log {
                start_max + 1.0
            } else {
                start_max * 1.5 + 1e-12
            }
        } else {
            f64::INFINITY
        });
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
        let pad = (hi - lo) * 0.05;
        (lo - pad, hi + pad)
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    };
    LossAxis { lo, hi, ..axis }
}

/// How losses map onto the loss plot's y axis.
#[derive(Clone, Copy, Debug)]
struct LossAxis {
    log: bool,
    /// Added before the log when some loss is ≤ 0.
    shift: f64,
    /// The smallest positive shifted loss; zeros are drawn there.
    floor: f64,
    lo: f64,
    hi: f64,
}

impl LossAxis {
    fn value(&self, loss: f64) -> f64 {
        if self.log {
            (loss + self.shift).max(self.floor).log10()
        } else {
            loss
        }
    }

    fn title(&self) -> String {
        match (self.log, self.shift > 0.0) {
            (true, true) => format!(
                "log10 (loss + {})",
                crate::support::format::compact(self.shift)
            ),
            (true, false) => "log10 loss".to_owned(),
            (false, _) => "loss".to_owned(),
        }
    }
}

pub(super) fn draw_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    legend: bool,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let paper = options.paper();
    let axis = loss_axis(scene, options.log_loss);
    let (lo, hi) = (axis.lo, axis.hi);
    let value = |l: f64| axis.value(l);
    let x_max = (scene.rows().saturating_sub(1)).max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin((12.0 * s) as i32)
        .x_label_area_size((40.0 * s) as i32)
        .y_label_area_size((58.0 * s) as i32)
        .build_cartesian_2d(0.0..x_max, lo..hi)?;
    chart::step_mesh(&mut chart, options, &axis.title())?;
    let bounds = ViewBox {
        x: (0.0, x_max),
        y: (lo, hi),
    };
    let width = (2.0 * s).round().max(1.0) as u32;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let pixel = (
        x_max / f64::from((px.end - px.start).max(1)),
        (hi - lo) / f64::from((py.end - py.start).max(1)),
    );
    // A curve of losses, clipped to the axes and thinned to the pixel grid.
    let pieces = |losses: &[f64]| -> Vec<Vec<(f64, f64)>> {
        let points: Vec<[f64; 2]> = losses[..rows_shown(options, losses.len())]
            .iter()
            .enumerate()
            .map(|(k, &l)| [k as f64, value(l)])
            .collect();
        clip_polyline(&points, bounds)
            .iter()
            .flat_map(|p| strokeable(p, pixel))
            .collect()
    };
    for run in &scene.runs {
        let style = rgb(paper.run(run.color)).stroke_width(width);
        let dash = (6.0 * s).max(2.0) as i32;
        let dashed = rgb(paper.run(run.color)).stroke_width(width.div_ceil(2).max(1));
        // The legend tells the held-out loss (dashed) from the training loss.
        let label = format!("{} (validation)", run.label);
        let label = legend.then_some(label.as_str());
        chart::dashed_curve(&mut chart, pieces(&run.val), (dash, dash), dashed, label)?;
        if let Some(companion) = run.companions.first() {
            // The companion (ASGD's average) is dotted: short dashes, wide gaps.
            let dot = (3.0 * s).max(1.0) as i32;
            let label = legend.then_some(companion.label.as_str());
            let losses = pieces(&companion.losses);
            let tint = palette::companion_rgb(paper.run(run.color));
            let tinted = rgb(tint).stroke_width(width);
            chart::dashed_curve(&mut chart, losses, (dot * 2, dot), tinted, label)?;
        }
        let label = legend.then_some(run.label.as_str());
        chart::curve(&mut chart, pieces(&run.losses), style, label)?;
    }
    if let Some(rows) = options.rows
        && rows < scene.rows()
    {
        let x = rows.saturating_sub(1) as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, lo), (x, hi)],
            rgb(paper.text).mix(0.6).stroke_width(1),
        )))?;
    }
    if legend && !scene.runs.is_empty() {
        chart::legend(&mut chart, SeriesLabelPosition::UpperRight, options)?;
    }
    Ok(())
}
