//! The edge-of-stability picture: each run's sharpness against step
//! (solid) and the threshold its step size sets (dashed, same colour).

use plotters::prelude::*;

use super::super::ExportError;
use super::super::text::TextFix;
use super::chart;
use super::{DrawResult, PictureOptions, encode_png, font, register_font, rgb, text};
use crate::analysis::sharpness::{SharpnessSeries, positive_range};
use crate::render::palette::Rgb;

/// What the picture shows.
#[derive(Clone, Copy, Debug)]
pub struct SharpnessPicture<'a> {
    /// The caption.
    pub title: &'a str,
    /// Per run: its series (`None`: not sampled) and its colour.
    pub runs: &'a [(Option<&'a SharpnessSeries>, Rgb)],
    /// The last step on the axis.
    pub horizon: u64,
}

/// The picture as a PNG of `options`' size and theme.
pub fn render_sharpness_png(
    picture: SharpnessPicture<'_>,
    options: &PictureOptions,
) -> Result<Vec<u8>, ExportError> {
    options.check()?;
    if picture.runs.iter().all(|(s, _)| s.is_none()) {
        return Err(ExportError::Options(
            "no run to draw the sharpness of".into(),
        ));
    }
    register_font();
    let (width, height) = (options.width, options.height);
    let mut buffer = vec![0_u8; width as usize * height as usize * 3];
    {
        let root =
            TextFix(BitMapBackend::with_buffer(&mut buffer, (width, height))).into_drawing_area();
        draw(&root, picture, options).map_err(super::draw_error)?;
        root.present().map_err(super::draw_error)?;
    }
    encode_png(&buffer, width, height, options.dpi)
}

/// The y axis: log₁₀ when the values span more than a factor of 20.
fn y_axis(picture: SharpnessPicture<'_>) -> (bool, f64, f64) {
    match positive_range(picture.runs.iter().filter_map(|(s, _)| *s)) {
        None => (false, 0.0, 1.0),
        Some((lo, hi, true)) => {
            let pad = 0.05 * (hi.log10() - lo.log10());
            (true, lo.log10() - pad, hi.log10() + pad)
        }
        Some((_, hi, false)) => (false, 0.0, hi * 1.1),
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    picture: SharpnessPicture<'_>,
    options: &PictureOptions,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let paper = options.paper();
    root.fill(&rgb(paper.background))?;
    let (log, lo, hi) = y_axis(picture);
    let value = |v: f64| if log { v.log10() } else { v };
    let x_max = picture.horizon.max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(text(picture.title), font(22.0 * s, paper.text))
        .margin((14.0 * s) as i32)
        .x_label_area_size((42.0 * s) as i32)
        .y_label_area_size((64.0 * s) as i32)
        .build_cartesian_2d(0.0..x_max, lo..hi)?;
    let title = if log { "log10 sharpness" } else { "sharpness" };
    chart::step_mesh(&mut chart, options, title)?;
    let width = (2.5 * s).round().max(1.0) as u32;
    let dash = (8.0 * s).max(2.0) as i32;
    for (series, color) in picture.runs {
        let Some(series) = series else { continue };
        let finite = |v: f64| v.is_finite() && (!log || v > 0.0);
        let measured: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(|p| finite(p.sharpness))
            .map(|p| (p.step as f64, value(p.sharpness)))
            .collect();
        let label = format!("{}: {}", series.label, series.edge.measure());
        let style = rgb(*color).stroke_width(width);
        chart::curve(&mut chart, [measured], style, Some(&label))?;
        let threshold: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter_map(|p| {
                p.threshold
                    .filter(|t| finite(*t))
                    .map(|t| (p.step as f64, value(t)))
            })
            .collect();
        if let Some(formula) = series.edge.formula().filter(|_| !threshold.is_empty()) {
            let label = format!("{}: {formula}", series.label);
            let dashed = rgb(*color).mix(0.8).stroke_width(width.div_ceil(2).max(1));
            chart::dashed_curve(&mut chart, [threshold], (dash, dash), dashed, Some(&label))?;
        }
    }
    chart::legend(&mut chart, SeriesLabelPosition::LowerRight, options)?;
    Ok(())
}
