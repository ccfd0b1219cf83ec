//! The data half of a picture of a model on data, as the window's data view
//! shows it: the points (held-out ones as rings), each run's fit at the
//! play head, or a classifier's decision map under its classes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::clip::{clip_polyline, strokeable};
use super::chart;
use super::surface::{Raster, stretch};
use super::{DrawResult, HEAT_MARKER, Heat, PictureOptions, rgb, text};
use crate::problem::{Samples, ViewBox};
use crate::render::data_scene::DataScene;
use crate::render::palette::{self, Paper, Rgb, Theme};
use crate::render::scene::Scene;

/// The points, fits or decision map of `scene.data` (nothing without it);
/// returns the decision map's pixel rectangle when `heat` is a marker.
pub(super) fn draw_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    heat: Heat,
) -> DrawResult<Option<(i32, i32, u32, u32)>, DB> {
    let Some(data) = &scene.data else {
        return Ok(None);
    };
    let s = options.scale();
    let paper = options.paper();
    let row = options
        .rows
        .map_or(scene.rows().saturating_sub(1), |r| r.saturating_sub(1));
    let view = data.view;
    let caption = if data.classes && !data.map_of.is_empty() {
        format!("{} · decision map of {}", scene.title, data.map_of)
    } else {
        scene.title.clone()
    };
    let (x_name, y_name) = if data.classes {
        ("x1", "x2")
    } else {
        ("x", "y")
    };
    let mut chart = chart::plane(area, &caption, view, (x_name, y_name), options)?;
    let heat_rect = decision_map(area, &mut chart, data, row, (heat, paper.plot_background))?;
    let dot = (3.0 * s).round().max(1.0) as i32;
    match &data.samples {
        Samples::Line { train, validation } => {
            let grey = rgb(match options.theme {
                Theme::Dark => (200, 200, 200),
                Theme::Light => (90, 90, 90),
            });
            points(&mut chart, train, grey, dot, true, "data")?;
            points(&mut chart, validation, grey, dot + 1, false, "validation")?;
            fits(&mut chart, scene, data, row, (view, paper), s)?;
        }
        Samples::Classes {
            points: train,
            labels,
            classes,
            held_out,
            held_out_labels,
        } => {
            for k in 0..*classes {
                let colour = rgb(palette::class_rgb(k));
                let mine = Samples::of_class(train, labels, k);
                chart.draw_series(
                    mine.iter()
                        .map(|p| Circle::new((p[0], p[1]), dot + 1, rgb((10, 10, 10)).filled())),
                )?;
                points(&mut chart, &mine, colour, dot, true, &format!("class {k}"))?;
                let rings = Samples::of_class(held_out, held_out_labels, k);
                points(
                    &mut chart,
                    &rings,
                    colour,
                    dot + 1,
                    false,
                    &format!("class {k} (validation)"),
                )?;
            }
        }
    }
    chart::legend(&mut chart, legend_corner(data, row), options)?;
    Ok(heat_rect)
}

type DataChart<'a, DB> = chart::PlaneChart<'a, DB>;

/// The classifier's decision map over the whole plotting area.
fn decision_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut DataChart<'_, DB>,
    data: &DataScene,
    row: usize,
    (heat, under): (Heat, Rgb),
) -> DrawResult<Option<(i32, i32, u32, u32)>, DB> {
    let Some(map) = data.map_at(row) else {
        return Ok(None);
    };
    let (x0, y0) = chart.backend_coord(&(data.view.x.0, data.view.y.1));
    let (x1, y1) = chart.backend_coord(&(data.view.x.1, data.view.y.0));
    let (mw, mh) = ((x1 - x0).max(1) as u32, (y1 - y0).max(1) as u32);
    match heat {
        Heat::Blit => {
            let pixels = stretch(map, data.map_size, (mw, mh), under);
            area.draw(&Raster {
                at: (x0 - area.get_base_pixel().0, y0 - area.get_base_pixel().1),
                size: (mw, mh),
                rgb: &pixels,
            })?;
            Ok(None)
        }
        Heat::Marker => {
            chart.draw_series(std::iter::once(Rectangle::new(
                [
                    (data.view.x.0, data.view.y.1),
                    (data.view.x.1, data.view.y.0),
                ],
                HEAT_MARKER.filled(),
            )))?;
            Ok(Some((x0, y0, mw, mh)))
        }
    }
}

/// Points as dots (filled) or rings, with a legend entry.
fn points<DB: DrawingBackend>(
    chart: &mut DataChart<'_, DB>,
    points: &[[f64; 2]],
    colour: RGBColor,
    size: i32,
    filled: bool,
    label: &str,
) -> DrawResult<(), DB> {
    if points.is_empty() {
        return Ok(());
    }
    let style = if filled {
        colour.filled()
    } else {
        colour.stroke_width(1)
    };
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new((p[0], p[1]), size, style)),
        )?
        .label(text(label))
        .legend(move |(x, y)| Circle::new((x + 10, y), size, style));
    Ok(())
}

/// Each run's fitted curve at `row`, in its colour.
fn fits<DB: DrawingBackend>(
    chart: &mut DataChart<'_, DB>,
    scene: &Scene,
    data: &DataScene,
    row: usize,
    (view, paper): (ViewBox, Paper),
    s: f64,
) -> DrawResult<(), DB> {
    let (px, py) = chart.plotting_area().get_pixel_range();
    let pixel = (
        (view.x.1 - view.x.0) / f64::from((px.end - px.start).max(1)),
        (view.y.1 - view.y.0) / f64::from((py.end - py.start).max(1)),
    );
    let width = (2.0 * s).round().max(1.0) as u32;
    for (k, run) in scene.runs.iter().enumerate() {
        let Some(curve) = data.fit_at(k, row) else {
            continue;
        };
        let style = rgb(paper.run(run.color)).stroke_width(width);
        let pieces = clip_polyline(curve, view)
            .iter()
            .flat_map(|p| strokeable(p, pixel))
            .collect::<Vec<_>>();
        chart::curve(chart, pieces, style, Some(&run.label))?;
    }
    Ok(())
}

/// The corner of the plot the fewest points and fit samples fall in, so
/// the legend hides as little as it can (upper right on a tie).
fn legend_corner(data: &DataScene, row: usize) -> SeriesLabelPosition {
    let view = data.view;
    let (w, h) = (view.x.1 - view.x.0, view.y.1 - view.y.0);
    let (train, held_out) = match &data.samples {
        Samples::Line { train, validation } => (train, validation),
        Samples::Classes {
            points, held_out, ..
        } => (points, held_out),
    };
    let fits = (0..data.fits.len()).filter_map(|k| data.fit_at(k, row));
    let everything: Vec<[f64; 2]> = train
        .iter()
        .chain(held_out)
        .copied()
        .chain(fits.flatten().copied())
        .collect();
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let inside = |p: &[f64; 2], right: bool, upper: bool| {
        let across = (p[0] - view.x.0) / w;
        let up = (p[1] - view.y.0) / h;
        let x_in = if right { across > 0.6 } else { across < 0.4 };
        let y_in = if upper { up > 0.65 } else { up < 0.35 };
        x_in && y_in && (0.0..=1.0).contains(&across) && (0.0..=1.0).contains(&up)
    };
    corners
        .into_iter()
        .min_by_key(|&(_, right, upper)| {
            everything
                .iter()
                .filter(|p| inside(p, right, upper))
                .count()
        })
        .map_or(SeriesLabelPosition::UpperRight, |(corner, _, _)| corner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_scene(train: Vec<[f64; 2]>) -> DataScene {
        DataScene {
            samples: Samples::Line {
                train,
                validation: Vec::new(),
            },
            view: ViewBox {
                x: (0.0, 1.0),
                y: (0.0, 1.0),
            },
            classes: false,
            fits: Vec::new(),
            maps: Vec::new(),
            map_size: (0, 0),
            map_of: String::new(),
        }
    }

    #[test]
    fn the_legend_goes_to_the_emptiest_corner() {
        let crowded_upper = line_scene(vec![[0.9, 0.9], [0.1, 0.9], [0.9, 0.1]]);
        assert!(matches!(
            legend_corner(&crowded_upper, 0),
            SeriesLabelPosition::LowerLeft
        ));
        let empty = line_scene(Vec::new());
        assert!(matches!(
            legend_corner(&empty, 0),
            SeriesLabelPosition::UpperRight
        ));
    }
}
