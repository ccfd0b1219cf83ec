//! PNG and CSV of a hyperparameter sweep: a heat map of the score over the
//! grid, diverged cells in red and unreached ones in grey, the best cell
//! marked, and a colour bar in the same units as the best cell's score.

use std::io::{self, Write};

use plotters::prelude::*;

use super::ExportError;
use super::picture::{draw_error, encode_png, font, register_font, rgb};
use super::text::TextFix;
use crate::analysis::sweep::{Metric, SweepResult, SweepSpec};
use crate::render::palette::{self, Paper, Theme};

const DIVERGED: palette::Rgb = palette::SWEEP_DIVERGED;

/// Position of a value on an axis (log₁₀ for log axes).
fn axis_pos(v: f64, log: bool) -> f64 {
    if log { v.log10() } else { v }
}

/// Cell edges between the centres, in axis positions.
fn edges(centres: &[f64], log: bool) -> Vec<f64> {
    let p: Vec<f64> = centres.iter().map(|&c| axis_pos(c, log)).collect();
    let n = p.len();
    let mut e = Vec::with_capacity(n + 1);
    e.push(p[0] - (p[1] - p[0]) / 2.0);
    e.extend(p.windows(2).map(|w| f64::midpoint(w[0], w[1])));
    e.push(p[n - 1] + (p[n - 1] - p[n - 2]) / 2.0);
    e
}

/// The sweep as a PNG of `width × height` pixels.
pub fn render_png(
    result: &SweepResult,
    spec: &SweepSpec,
    steps: u64,
    (width, height): (u32, u32),
    theme: Theme,
) -> Result<Vec<u8>, ExportError> {
    if !(200..=8000).contains(&width) || !(200..=8000).contains(&height) {
        return Err(ExportError::Options(format!(
            "size must be 200 to 8000 pixels a side, got {width}×{height}"
        )));
    }
    register_font();
    let mut buffer = vec![0_u8; width as usize * height as usize * 3];
    {
        let root =
            TextFix(BitMapBackend::with_buffer(&mut buffer, (width, height))).into_drawing_area();
        draw(&root, result, spec, (steps, theme.paper())).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    encode_png(&buffer, width, height, 96.0)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    result: &SweepResult,
    spec: &SweepSpec,
    (steps, paper): (u64, Paper),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&rgb(paper.background))?;
    let (xe, ye) = (edges(&result.xs, spec.x.log), edges(&result.ys, spec.y.log));
    let (Some(&x0), Some(&x1), Some(&y0), Some(&y1)) =
        (xe.first(), xe.last(), ye.first(), ye.last())
    else {
        return Ok(());
    };
    let score = match spec.metric {
        Metric::FinalLoss => format!("log₁₀ loss after {steps} steps"),
        Metric::StepsTo(tol) => format!("steps to loss ≤ {tol}"),
    };
    // Colour by log₁₀ loss or by steps; low (best) is bright.
    let shown = result.shown(spec.metric);
    let (lo, hi) = crate::analysis::sweep::colour_range(&shown);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (main, bar) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(150));
    let mut chart = ChartBuilder::on(&main)
        .caption(format!("{}: {score}", result.label), font(22.0, paper.text))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let label = |log: bool| {
        move |v: &f64| {
            if log {
                format!("{:.0e}", 10f64.powf(*v))
            } else {
                format!("{v:.2}")
            }
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(spec.x.param.name())
        .y_desc(spec.y.param.name())
        .x_label_formatter(&label(spec.x.log))
        .y_label_formatter(&label(spec.y.log))
        .label_style(font(14.0, paper.text))
        .axis_desc_style(font(16.0, paper.text))
        .axis_style(rgb(paper.grid))
        .draw()?;
    let (nx, ny) = (result.xs.len(), result.ys.len());
    chart.draw_series((0..nx * ny).map(|k| {
        let (i, j) = (k % nx, k / nx);
        let colour = match (result.diverged[k], shown[k]) {
            (true, _) => rgb(DIVERGED),
            (false, v) if !v.is_finite() => rgb(paper.unreached),
            (false, v) => {
                let c = colorous::VIRIDIS.eval_continuous(1.0 - ((v - lo) / span).clamp(0.0, 1.0));
                RGBColor(c.r, c.g, c.b)
            }
        };
        Rectangle::new([(xe[i], ye[j]), (xe[i + 1], ye[j + 1])], colour.filled())
    }))?;
    if let Some((bx, by, value)) = result.best() {
        let at = (axis_pos(bx, spec.x.log), axis_pos(by, spec.y.log));
        chart.draw_series(std::iter::once(Cross::new(
            at,
            8,
            rgb(palette::MINIMUM).stroke_width(3),
        )))?;
        let value = score_text(spec.metric, value);
        let text = format!(
            "best: {value} at {} = {bx:.3e}, {} = {by:.3}",
            spec.x.param, spec.y.param
        );
        main.draw(&Text::new(
            text,
            (90, main.dim_in_pixel().1.cast_signed() - 18),
            font(14.0, paper.text),
        ))?;
    }
    colour_bar(&bar, (lo, hi), (spec.metric, paper))?;
    Ok(())
}

fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    (lo, hi): (f64, f64),
    (metric, paper): (Metric, Paper),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    // In the best cell's units: the bar is coloured by log₁₀ loss, labelled
    // in loss. The ends are clipped (2nd and 98th percentiles), hence ≤ and ≥.
    let number = |v: f64| match metric {
        Metric::FinalLoss => score_text(metric, 10f64.powf(v)),
        Metric::StepsTo(_) => score_text(metric, v),
    };
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (60_i32, h.cast_signed() - 110);
    for y in top..bottom {
        let t = f64::from(y - top) / f64::from((bottom - top).max(1));
        let c = colorous::VIRIDIS.eval_continuous(1.0 - t);
        area.draw(&Rectangle::new(
            [(10, y), (30, y + 1)],
            RGBColor(c.r, c.g, c.b).filled(),
        ))?;
    }
    // Top is the best (lowest) value.
    area.draw(&Text::new(
        format!("≤ {}", number(lo)),
        (36, top - 6),
        font(13.0, paper.text),
    ))?;
    area.draw(&Text::new(
        format!("≥ {}", number(hi)),
        (36, bottom - 8),
        font(13.0, paper.text),
    ))?;
    area.draw(&Rectangle::new(
        [(10, bottom + 14), (30, bottom + 28)],
        rgb(DIVERGED).filled(),
    ))?;
    area.draw(&Text::new(
        "diverged",
        (36, bottom + 14),
        font(13.0, paper.text),
    ))?;
    area.draw(&Rectangle::new(
        [(10, bottom + 36), (30, bottom + 50)],
        rgb(paper.unreached).filled(),
    ))?;
    area.draw(&Text::new(
        "not reached",
        (36, bottom + 36),
        font(13.0, paper.text),
    ))?;
    area.draw(&Text::new(
        match metric {
            Metric::FinalLoss => "lowest",
            Metric::StepsTo(_) => "fewest",
        },
        (10, top - 30),
        font(13.0, paper.text),
    ))?;
    Ok(())
}

/// A cell's score as the picture writes it.
fn score_text(metric: Metric, value: f64) -> String {
    match metric {
        Metric::FinalLoss => format!("loss {value:.3e}"),
        Metric::StepsTo(_) => format!("{value:.0} steps"),
    }
}

/// The grid as CSV: `x_name,y_name,value,diverged`, one row per cell.
pub fn write_csv(result: &SweepResult, spec: &SweepSpec, out: &mut dyn Write) -> io::Result<()> {
    let value = match spec.metric {
        Metric::FinalLoss => "final_loss",
        Metric::StepsTo(_) => "steps_to_tol",
    };
    writeln!(out, "{},{},{value},diverged", spec.x.param, spec.y.param)?;
    let nx = result.xs.len();
    for (k, (v, d)) in result.values.iter().zip(&result.diverged).enumerate() {
        writeln!(out, "{},{},{v},{d}", result.xs[k % nx], result.ys[k / nx])?;
    }
    Ok(())
}
