//! The surface half of a picture: the heat map (blitted, or a marker the
//! SVG replaces with an image), isolines, paths and markers.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{DashedPathElement, Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind};
use rayon::prelude::*;

use super::super::clip::{clip_polyline, strokeable};
use super::chart;
use super::{DrawResult, HEAT_MARKER, Heat, PictureOptions, rgb, rows_shown, text};
use crate::problem::ViewBox;
use crate::render::palette::{self, Rgb};
use crate::render::scene::Scene;

/// The surface chart's coordinates.
type SurfaceChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The start diamonds and the minima crosses.
fn draw_markers<DB: DrawingBackend>(
    chart: &mut SurfaceChart<'_, DB>,
    scene: &Scene,
    s: f64,
    line_width: u32,
) -> DrawResult<(), DB> {
    let view = scene.view;
    let r = (7.0 * s) as i32;
    let diamond = vec![(0, -r), (r, 0), (0, r), (-r, 0), (0, -r)];
    chart.draw_series(
        scene
            .starts
            .iter()
            .filter(|p| inside(view, p[0], p[1]))
            .map(|p| {
                EmptyElement::at((p[0], p[1]))
                    + PathElement::new(
                        diamond.clone(),
                        rgb(palette::START).stroke_width(line_width),
                    )
            }),
    )?;
    let cross = (7.0 * s) as i32;
    chart.draw_series(
        scene
            .minima
            .iter()
            .filter(|m| inside(view, m[0], m[1]))
            .map(|m| {
                Cross::new(
                    (m[0], m[1]),
                    cross,
                    rgb(palette::MINIMUM).stroke_width(line_width),
                )
            }),
    )?;
    Ok(())
}

/// Every run's path up to the play head, its end dot and its legend entry.
fn draw_paths<DB: DrawingBackend>(
    chart: &mut SurfaceChart<'_, DB>,
    scene: &Scene,
    options: &PictureOptions,
    pixel: (f64, f64),
    line_width: u32,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let view = scene.view;
    let dot = (4.5 * s).round() as i32;
    for run in &scene.runs {
        let color = rgb(run.color);
        let shown = &run.points[..rows_shown(options, run.points.len())];
        let label = text(&match &run.status {
            Some(status) => format!("{} ({status})", run.label),
            None => run.label.clone(),
        });
        let pieces: Vec<_> = clip_polyline(shown, view)
            .iter()
            .flat_map(|piece| strokeable(piece, pixel))
            .collect();
        let style = color.stroke_width(line_width);
        let mut first = true;
        for piece in pieces {
            let series = chart.draw_series(std::iter::once(PathElement::new(piece, style)))?;
            if first {
                let legend_width = (22.0 * s) as i32;
                series.label(label.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + legend_width, y)], style)
                });
                first = false;
            }
        }
        if first {
            // Nothing inside the view: still list the run.
            chart
                .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?
                .label(label)
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
        }
        if let Some(&[x, y]) = shown
            .iter()
            .rev()
            .find(|p| p[0].is_finite() && p[1].is_finite())
            && inside(view, x, y)
        {
            chart.draw_series(std::iter::once(Circle::new((x, y), dot, color.filled())))?;
        }
    }
    // Over every path: a companion lies inside its own run's jitter.
    for run in &scene.runs {
        for (k, companion) in run.companions.iter().enumerate() {
            let color = rgb(palette::companion_rgb(run.color));
            let line = (pixel, line_width, k);
            draw_companion(chart, companion, options, line, color, view)?;
        }
    }
    Ok(())
}

/// An optimizer's companion path (ASGD's average): dashed over a dark
/// outline, with a diamond where it is at the last row shown.
fn draw_companion<DB: DrawingBackend>(
    chart: &mut SurfaceChart<'_, DB>,
    companion: &crate::render::scene::SceneCompanion,
    options: &PictureOptions,
    (pixel, line_width, index): ((f64, f64), u32, usize),
    color: RGBColor,
    view: ViewBox,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let shown = &companion.points[..rows_shown(options, companion.points.len())];
    let pieces: Vec<_> = clip_polyline(shown, view)
        .iter()
        .flat_map(|piece| strokeable(piece, pixel))
        .collect();
    // The first companion dashed, a second (Schedule-Free's z) dotted.
    let dash = (5.0 * s).max(2.0) as i32;
    let gaps = if index == 0 {
        (dash, dash)
    } else {
        (dash / 2, dash)
    };
    // A dark outline under the dashes keeps them apart from the run's own path.
    let outline = BLACK
        .mix(0.65)
        .stroke_width(line_width + (2.0 * s).round() as u32);
    chart::curve(chart, pieces.clone(), outline, None)?;
    let style = color.stroke_width(line_width);
    chart::dashed_curve(chart, pieces, gaps, style, Some(&companion.label))?;
    if let Some(&[x, y]) = shown.last()
        && inside(view, x, y)
    {
        let diamond = |r: i32| vec![(0, -r), (r, 0), (0, r), (-r, 0)];
        let (outer, inner) = ((7.0 * s).round() as i32, (5.0 * s).round() as i32);
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y)) + Polygon::new(diamond(outer), BLACK.mix(0.65).filled()),
        ))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y)) + Polygon::new(diamond(inner), color.filled()),
        ))?;
    }
    Ok(())
}

/// A block of RGB pixels placed at a pixel position.
pub(super) struct Raster<'a> {
    pub at: (i32, i32),
    pub size: (u32, u32),
    pub rgb: &'a [u8],
}

impl<'b> PointCollection<'b, (i32, i32)> for &'b Raster<'_> {
    type Point = &'b (i32, i32);
    type IntoIter = std::iter::Once<&'b (i32, i32)>;

    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Raster<'_> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _parent_dim: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match pos.next() {
            Some(p) => backend.blit_bitmap(p, self.size, self.rgb),
            None => Ok(()),
        }
    }
}

/// The field's colours stretched to `w × h` pixels (bilinear), as RGB.
pub(super) fn resample(field: &crate::analysis::field::Field, w: u32, h: u32) -> Vec<u8> {
    stretch(
        &field.rgba,
        (field.spec.cols, field.spec.rows),
        (w, h),
        (0, 0, 0),
    )
}

/// RGBA pixels (`cols × rows`, top row first) laid over `under` and
/// stretched to `w × h` pixels (bilinear), as RGB; rows split over the cores.
pub(super) fn stretch(
    rgba: &[u8],
    (cols, rows): (usize, usize),
    (w, h): (u32, u32),
    under: Rgb,
) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let mut out = vec![0; w * h * 3];
    if cols == 0 || rows == 0 || w == 0 || rgba.len() < cols * rows * 4 {
        return out;
    }
    // Each texel laid over `under` once.
    let under = [under.0, under.1, under.2].map(f64::from);
    let texels: Vec<[f64; 3]> = rgba
        .chunks_exact(4)
        .take(cols * rows)
        .map(|t| {
            let alpha = f64::from(t[3]) / 255.0;
            std::array::from_fn(|c| f64::from(t[c]) * alpha + under[c] * (1.0 - alpha))
        })
        .collect();
    let axis = |p: usize, n: usize, samples: usize| {
        let s =
            ((p as f64 + 0.5) / n as f64 * samples as f64 - 0.5).clamp(0.0, (samples - 1) as f64);
        let i0 = s.floor() as usize;
        (i0, (i0 + 1).min(samples - 1), s - i0 as f64)
    };
    let xs: Vec<_> = (0..w).map(|p| axis(p, w, cols)).collect();
    out.par_chunks_mut(w * 3)
        .enumerate()
        .for_each(|(py, line)| {
            let (j0, j1, fy) = axis(py, h, rows);
            let (top_row, bottom_row) = (&texels[j0 * cols..], &texels[j1 * cols..]);
            for (pixel, &(i0, i1, fx)) in line.chunks_exact_mut(3).zip(&xs) {
                for (c, v) in pixel.iter_mut().enumerate() {
                    let top = top_row[i0][c] * (1.0 - fx) + top_row[i1][c] * fx;
                    let bottom = bottom_row[i0][c] * (1.0 - fx) + bottom_row[i1][c] * fx;
                    // In [0, 255]: adding a half and truncating rounds it.
                    *v = (top * (1.0 - fy) + bottom * fy + 0.5) as u8;
                }
            }
        });
    out
}

/// The heat map, isolines, paths and markers of `scene`; returns the heat
/// map's pixel rectangle (x, y, w, h).
pub(super) fn draw_surface<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    heat: Heat,
) -> DrawResult<Option<(i32, i32, u32, u32)>, DB> {
    let s = options.scale();
    let view = scene.view;
    let names = (scene.axis_names[0].as_str(), scene.axis_names[1].as_str());
    let mut chart = chart::plane(area, &scene.title, view, names, options)?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let rect = (
        px.start,
        py.start,
        (px.end - px.start).max(1) as u32,
        (py.end - py.start).max(1) as u32,
    );
    let mut heat_rect = None;
    if let Some(field) = &scene.field {
        match heat {
            Heat::Blit => {
                let pixels = resample(field, rect.2, rect.3);
                area.draw(&Raster {
                    at: (
                        rect.0 - area.get_base_pixel().0,
                        rect.1 - area.get_base_pixel().1,
                    ),
                    size: (rect.2, rect.3),
                    rgb: &pixels,
                })?;
            }
            Heat::Marker => {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(view.x.0, view.y.1), (view.x.1, view.y.0)],
                    HEAT_MARKER.filled(),
                )))?;
                heat_rect = Some(rect);
            }
        }
        let (iso_color, alpha) = palette::ISOLINE;
        let iso_style = rgb(iso_color)
            .mix(alpha)
            .stroke_width((1.0 * s).round().max(1.0) as u32);
        for iso in &field.isolines {
            for path in &iso.paths {
                for piece in clip_polyline(path, view) {
                    chart.draw_series(std::iter::once(PathElement::new(piece, iso_style)))?;
                }
            }
        }
    }
    let line_width = (2.0 * s).round().max(1.0) as u32;
    let pixel = (
        (view.x.1 - view.x.0) / f64::from(rect.2),
        (view.y.1 - view.y.0) / f64::from(rect.3),
    );
    if let Some(b) = scene.bounds {
        let corners = [
            (b.x.0, b.y.0),
            (b.x.1, b.y.0),
            (b.x.1, b.y.1),
            (b.x.0, b.y.1),
            (b.x.0, b.y.0),
        ];
        let dash = (8.0 * s).round().max(2.0) as u32;
        let style = rgb(palette::START).stroke_width(line_width);
        for piece in clip_polyline(&corners.map(|(x, y)| [x, y]), view) {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                piece, dash, dash, style,
            )))?;
        }
    }
    draw_paths(&mut chart, scene, options, pixel, line_width)?;
    draw_markers(&mut chart, scene, s, line_width)?;
    if !scene.runs.is_empty() {
        chart::legend(&mut chart, SeriesLabelPosition::UpperRight, options)?;
    }
    Ok(heat_rect)
}

fn inside(view: ViewBox, x: f64, y: f64) -> bool {
    (view.x.0..=view.x.1).contains(&x) && (view.y.0..=view.y.1).contains(&y)
}
