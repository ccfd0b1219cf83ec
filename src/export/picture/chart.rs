//! What the picture's plots share: a plane with equal-looking axes, a
//! legend in the paper's colours, and a curve drawn in pieces under one
//! legend entry.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{DrawResult, PictureOptions, font, rgb, text};
use crate::problem::ViewBox;

/// A chart over plain f64 axes.
pub(super) type PlaneChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A captioned chart over `view` with its axes drawn and named, and no grid
/// (the surface and the data plots).
pub(super) fn plane<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    view: ViewBox,
    (x_name, y_name): (&str, &str),
    options: &PictureOptions,
) -> DrawResult<PlaneChart<'a, DB>, DB> {
    let s = options.scale();
    let paper = options.paper();
    let mut chart = ChartBuilder::on(area)
        .caption(text(caption), font(22.0 * s, paper.text))
        .margin((12.0 * s) as i32)
        .x_label_area_size((42.0 * s) as i32)
        .y_label_area_size((58.0 * s) as i32)
        .build_cartesian_2d(view.x.0..view.x.1, view.y.0..view.y.1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(rgb(paper.text))
        .label_style(font(14.0 * s, paper.text))
        .axis_desc_style(font(16.0 * s, paper.text))
        .x_desc(text(x_name))
        .y_desc(text(y_name))
        .draw()?;
    Ok(chart)
}

/// The legend of every labelled series, at `corner`, in the paper's colours.
pub(super) fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut PlaneChart<'a, DB>,
    corner: SeriesLabelPosition,
    options: &PictureOptions,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let paper = options.paper();
    chart
        .configure_series_labels()
        .position(corner)
        .margin((10.0 * s) as i32)
        .legend_area_size((30.0 * s) as i32)
        .label_font(font(15.0 * s, paper.text))
        .background_style(rgb(paper.background).mix(0.85))
        .border_style(rgb(paper.grid))
        .draw()
}

/// One curve drawn as `pieces` in `style`; the first piece carries the
/// legend entry `label` when there is one.
pub(super) fn curve<DB: DrawingBackend>(
    chart: &mut PlaneChart<'_, DB>,
    pieces: impl IntoIterator<Item = Vec<(f64, f64)>>,
    style: ShapeStyle,
    label: Option<&str>,
) -> DrawResult<(), DB> {
    let mut label = label;
    for piece in pieces {
        let series = chart.draw_series(std::iter::once(PathElement::new(piece, style)))?;
        if let Some(name) = label.take() {
            series
                .label(text(name))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], style));
        }
    }
    Ok(())
}

/// One dashed curve (`dash` on, `gap` off) drawn as `pieces` in `style`; the
/// first piece carries the legend entry `label` when there is one.
pub(super) fn dashed_curve<DB: DrawingBackend>(
    chart: &mut PlaneChart<'_, DB>,
    pieces: impl IntoIterator<Item = Vec<(f64, f64)>>,
    (dash, gap): (i32, i32),
    style: ShapeStyle,
    label: Option<&str>,
) -> DrawResult<(), DB> {
    let mut label = label;
    for piece in pieces {
        let series = chart.draw_series(std::iter::once(DashedPathElement::new(
            piece, dash, gap, style,
        )))?;
        if let Some(name) = label.take() {
            series.label(text(name)).legend(move |(x, y)| {
                DashedPathElement::new(vec![(x, y), (x + 22, y)], dash.min(6), gap.min(4), style)
            });
        }
    }
    Ok(())
}

/// The grid, axes and labels of a plot against step (the loss and the
/// sharpness plots).
pub(super) fn step_mesh<DB: DrawingBackend>(
    chart: &mut PlaneChart<'_, DB>,
    options: &PictureOptions,
    y_desc: &str,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let paper = options.paper();
    chart
        .configure_mesh()
        .bold_line_style(rgb(paper.grid))
        .light_line_style(TRANSPARENT)
        .axis_style(rgb(paper.text))
        .label_style(font(14.0 * s, paper.text))
        .axis_desc_style(font(16.0 * s, paper.text))
        .x_desc("step")
        .y_desc(text(y_desc))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| super::tick(*v))
        .draw()
}
