//! PNG and SVG pictures of a [`Scene`] with plotters: the surface view (heat
//! map, isolines, paths, start, minima, legend, axes, title), the loss plot,
//! or both stacked as in the window, in the window's colours.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{DashedPathElement, Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters_backend::{BackendCoord, DrawingErrorKind};

use super::ExportError;
use super::clip::{clip_polyline, strokeable};
use super::text::TextFix;
use crate::problem::ViewBox;
use crate::render::palette::{self, Rgb};
use crate::render::scene::Scene;

/// Which picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// The surface view only.
    Surface,
    /// The loss plot only.
    Loss,
    /// The surface above the loss plot.
    #[default]
    Both,
}

impl std::str::FromStr for Layout {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "surface" => Ok(Self::Surface),
            "loss" => Ok(Self::Loss),
            "both" => Ok(Self::Both),
            other => Err(format!(
                "unknown view `{other}`: expected surface, loss or both"
            )),
        }
    }
}

/// Size, layout and play head of a picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PictureOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// What to draw.
    pub layout: Layout,
    /// Dots per inch: scales text and lines (96 = 1:1) and is stored in the PNG.
    pub dpi: f64,
    /// Rows of each path to draw (the play head); `None` draws them all.
    pub rows: Option<usize>,
    /// Log-scale loss axis (when every loss is positive).
    pub log_loss: bool,
}

impl Default for PictureOptions {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1200,
            layout: Layout::Both,
            dpi: 96.0,
            rows: None,
            log_loss: true,
        }
    }
}

impl PictureOptions {
    /// Checks the size and DPI.
    pub fn check(&self) -> Result<(), ExportError> {
        if !(64..=10_000).contains(&self.width) || !(64..=10_000).contains(&self.height) {
            return Err(ExportError::Options(format!(
                "size {}x{}: width and height must be between 64 and 10000 pixels",
                self.width, self.height
            )));
        }
        if !(self.dpi.is_finite() && (24.0..=1200.0).contains(&self.dpi)) {
            return Err(ExportError::Options(format!(
                "dpi {}: must be between 24 and 1200",
                self.dpi
            )));
        }
        Ok(())
    }

    fn scale(&self) -> f64 {
        self.dpi / 96.0
    }
}

/// The fill that marks where the SVG's embedded heat-map image goes.
const HEAT_MARKER: RGBColor = RGBColor(1, 2, 3);

pub(crate) fn rgb((r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}

pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The window's font; registering bytes needs no system font library.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

pub(crate) fn font(size: f64, color: Rgb) -> TextStyle<'static> {
    let mut style = TextStyle::from(("sans-serif", size).into_font());
    style.color = rgb(color).to_backend_color();
    style
}

/// Renders RGB pixels (`width × height × 3`).
pub fn render_rgb(scene: &Scene, options: &PictureOptions) -> Result<Vec<u8>, ExportError> {
    options.check()?;
    register_font();
    let mut buffer = vec![0_u8; options.width as usize * options.height as usize * 3];
    {
        let root = TextFix(BitMapBackend::with_buffer(
            &mut buffer,
            (options.width, options.height),
        ))
        .into_drawing_area();
        draw(&root, scene, options, Heat::Blit).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(buffer)
}

/// Renders and encodes a PNG (with the DPI recorded in its pHYs chunk).
pub fn render_png(scene: &Scene, options: &PictureOptions) -> Result<Vec<u8>, ExportError> {
    let pixels = render_rgb(scene, options)?;
    encode_png(&pixels, options.width, options.height, options.dpi)
}

/// Encodes RGB pixels as a PNG with `dpi` recorded.
pub fn encode_png(rgb: &[u8], width: u32, height: u32, dpi: f64) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder
            .write_header()
            .map_err(|e| ExportError::Encode(e.to_string()))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| ExportError::Encode(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| ExportError::Encode(e.to_string()))?;
    }
    Ok(out)
}

/// Renders an SVG; the heat map is embedded as a PNG image, everything else
/// is vector.
pub fn render_svg(scene: &Scene, options: &PictureOptions) -> Result<String, ExportError> {
    options.check()?;
    register_font();
    let mut svg = String::new();
    let heat_rect;
    {
        let root =
            SVGBackend::with_string(&mut svg, (options.width, options.height)).into_drawing_area();
        heat_rect = draw(&root, scene, options, Heat::Marker).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    if let (Some(rect), Some(field)) = (heat_rect, scene.field.as_ref()) {
        let (w, h) = (rect.2.max(1), rect.3.max(1));
        let pixels = resample(field, w, h);
        let png = encode_png(&pixels, w, h, 96.0)?;
        svg = embed_heat_map(&svg, rect, &png)?;
    }
    Ok(svg)
}

/// Swaps the marker rectangle for the heat-map image.
fn embed_heat_map(
    svg: &str,
    (x, y, w, h): (i32, i32, u32, u32),
    png: &[u8],
) -> Result<String, ExportError> {
    let fill = format!(
        "fill=\"#{:02X}{:02X}{:02X}\"",
        HEAT_MARKER.0, HEAT_MARKER.1, HEAT_MARKER.2
    );
    let at = svg
        .find(&fill)
        .ok_or_else(|| ExportError::Encode("SVG heat-map marker missing".into()))?;
    let start = svg[..at]
        .rfind("<rect")
        .ok_or_else(|| ExportError::Encode("SVG heat-map marker malformed".into()))?;
    let end = at
        + svg[at..]
            .find("/>")
            .ok_or_else(|| ExportError::Encode("SVG heat-map marker malformed".into()))?
        + 2;
    let image = format!(
        "<image x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{}\"/>",
        base64(png)
    );
    Ok(format!("{}{image}{}", &svg[..start], &svg[end..]))
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[expect(clippy::needless_pass_by_value, reason = "a map_err adapter")]
pub(crate) fn draw_error<E: std::error::Error + Send + Sync>(
    e: DrawingAreaErrorKind<E>,
) -> ExportError {
    ExportError::Draw(e.to_string())
}

/// How the heat map gets into the picture.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Heat {
    /// Copy pixels into the bitmap.
    Blit,
    /// Draw a marker rectangle to be replaced by an image (SVG).
    Marker,
}

type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws the picture; returns the heat map's pixel rectangle (x, y, w, h).
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    heat: Heat,
) -> DrawResult<Option<(i32, i32, u32, u32)>, DB> {
    root.fill(&rgb(palette::BACKGROUND))?;
    match options.layout {
        Layout::Surface => draw_surface(root, scene, options, heat),
        Layout::Loss => {
            draw_loss(root, scene, options, true)?;
            Ok(None)
        }
        Layout::Both => {
            let split = (f64::from(options.height) * SURFACE_SHARE).round() as i32;
            let (upper, lower) = root.split_vertically(split);
            let rect = draw_surface(&upper, scene, options, heat)?;
            draw_loss(&lower, scene, options, false)?;
            Ok(rect)
        }
    }
}

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
    Ok(())
}

/// A block of RGB pixels placed at a pixel position.
struct Raster<'a> {
    at: (i32, i32),
    size: (u32, u32),
    rgb: &'a [u8],
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
fn resample(field: &crate::analysis::field::Field, w: u32, h: u32) -> Vec<u8> {
    let (cols, rows) = (field.spec.cols, field.spec.rows);
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    if cols == 0 || rows == 0 || field.rgba.len() < cols * rows * 4 {
        out.resize(w as usize * h as usize * 3, 0);
        return out;
    }
    let texel = |i: usize, j: usize, c: usize| f64::from(field.rgba[(j * cols + i) * 4 + c]);
    let axis = |p: u32, n: u32, samples: usize| {
        let s = ((f64::from(p) + 0.5) / f64::from(n) * samples as f64 - 0.5)
            .clamp(0.0, (samples - 1) as f64);
        let i0 = s.floor() as usize;
        (i0, (i0 + 1).min(samples - 1), s - i0 as f64)
    };
    let xs: Vec<_> = (0..w).map(|p| axis(p, w, cols)).collect();
    for py in 0..h {
        let (j0, j1, fy) = axis(py, h, rows);
        for &(i0, i1, fx) in &xs {
            for c in 0..3 {
                let top = texel(i0, j0, c) * (1.0 - fx) + texel(i1, j0, c) * fx;
                let bottom = texel(i0, j1, c) * (1.0 - fx) + texel(i1, j1, c) * fx;
                out.push((top * (1.0 - fy) + bottom * fy).round() as u8);
            }
        }
    }
    out
}

fn rows_shown(options: &PictureOptions, len: usize) -> usize {
    options.rows.map_or(len, |r| r.min(len))
}

fn draw_surface<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    heat: Heat,
) -> DrawResult<Option<(i32, i32, u32, u32)>, DB> {
    let s = options.scale();
    let view = scene.view;
    let mut chart = ChartBuilder::on(area)
        .caption(text(&scene.title), font(22.0 * s, palette::TEXT))
        .margin((12.0 * s) as i32)
        .x_label_area_size((42.0 * s) as i32)
        .y_label_area_size((58.0 * s) as i32)
        .build_cartesian_2d(view.x.0..view.x.1, view.y.0..view.y.1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(rgb(palette::TEXT))
        .label_style(font(14.0 * s, palette::TEXT))
        .axis_desc_style(font(16.0 * s, palette::TEXT))
        .x_desc(text(&scene.axis_names[0]))
        .y_desc(text(&scene.axis_names[1]))
        .draw()?;
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
    draw_paths(&mut chart, scene, options, pixel, line_width)?;
    draw_markers(&mut chart, scene, s, line_width)?;
    if !scene.runs.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin((10.0 * s) as i32)
            .legend_area_size((30.0 * s) as i32)
            .label_font(font(15.0 * s, palette::TEXT))
            .background_style(rgb(palette::BACKGROUND).mix(0.85))
            .border_style(rgb(palette::GRID))
            .draw()?;
    }
    Ok(heat_rect)
}

/// Width over height of the surface plot's drawing area in a picture with
/// these options, so a [`Scene`] can match its view to it.
pub fn surface_aspect(options: &PictureOptions) -> f64 {
    let s = options.scale();
    let height = match options.layout {
        Layout::Both => (f64::from(options.height) * SURFACE_SHARE).round(),
        Layout::Surface | Layout::Loss => f64::from(options.height),
    };
    let plot_w = f64::from(options.width) - (12.0 * 2.0 + 58.0) * s;
    let plot_h = height - (12.0 * 2.0 + 42.0) * s - caption_height(s);
    if plot_w > 1.0 && plot_h > 1.0 {
        plot_w / plot_h
    } else {
        1.0
    }
}

/// The share of the height the surface takes in [`Layout::Both`].
const SURFACE_SHARE: f64 = 0.66;

/// Pixels the title takes (plotters adds the font size plus a margin).
fn caption_height(s: f64) -> f64 {
    22.0 * s + 5.0 * s
}

/// A tick label: at most 6 decimals, trailing zeros and "-0" dropped.
fn tick(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Text as drawn (a hook for escaping, should a backend need it).
fn text(s: &str) -> String {
    s.to_owned()
}

fn inside(view: ViewBox, x: f64, y: f64) -> bool {
    (view.x.0..=view.x.1).contains(&x) && (view.y.0..=view.y.1).contains(&y)
}

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

fn draw_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    legend: bool,
) -> DrawResult<(), DB> {
    let s = options.scale();
    let axis = loss_axis(scene, options.log_loss);
    let (lo, hi) = (axis.lo, axis.hi);
    let value = |l: f64| axis.value(l);
    let x_max = (scene.rows().saturating_sub(1)).max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin((12.0 * s) as i32)
        .x_label_area_size((40.0 * s) as i32)
        .y_label_area_size((58.0 * s) as i32)
        .build_cartesian_2d(0.0..x_max, lo..hi)?;
    chart
        .configure_mesh()
        .bold_line_style(rgb(palette::GRID))
        .light_line_style(TRANSPARENT)
        .axis_style(rgb(palette::TEXT))
        .label_style(font(14.0 * s, palette::TEXT))
        .axis_desc_style(font(16.0 * s, palette::TEXT))
        .x_desc("step")
        .y_desc(text(&axis.title()))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| tick(*v))
        .draw()?;
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
    for run in &scene.runs {
        let shown = rows_shown(options, run.losses.len());
        let points: Vec<[f64; 2]> = run.losses[..shown]
            .iter()
            .enumerate()
            .map(|(k, &l)| [k as f64, value(l)])
            .collect();
        let style = rgb(run.color).stroke_width(width);
        let mut first = legend;
        let val: Vec<[f64; 2]> = run.val[..rows_shown(options, run.val.len())]
            .iter()
            .enumerate()
            .map(|(k, &l)| [k as f64, value(l)])
            .collect();
        let dash = (6.0 * s).max(2.0) as i32;
        for piece in clip_polyline(&val, bounds)
            .iter()
            .flat_map(|p| strokeable(p, pixel))
        {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                piece,
                dash,
                dash,
                rgb(run.color).stroke_width(width.div_ceil(2).max(1)),
            )))?;
        }
        let pieces = clip_polyline(&points, bounds);
        for piece in pieces.iter().flat_map(|p| strokeable(p, pixel)) {
            let series = chart.draw_series(std::iter::once(PathElement::new(piece, style)))?;
            if first {
                series
                    .label(text(&run.label))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], style));
                first = false;
            }
        }
    }
    if let Some(rows) = options.rows
        && rows < scene.rows()
    {
        let x = rows.saturating_sub(1) as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, lo), (x, hi)],
            rgb(palette::TEXT).mix(0.6).stroke_width(1),
        )))?;
    }
    if legend && !scene.runs.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(font(15.0 * s, palette::TEXT))
            .background_style(rgb(palette::BACKGROUND).mix(0.85))
            .border_style(rgb(palette::GRID))
            .draw()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::preset::Preset;

    fn scene() -> Scene {
        let p = Preset::from_ron_str(
            "(title: \"Adam and momentum\", problem: Surface(Rosenbrock), steps: 200, runs: [(optimizer: Adam(lr: 0.02)), (optimizer: Sgd(lr: 0.0005, momentum: 0.9))])",
            "t",
        )
        .unwrap();
        Scene::from_preset(&p, Path::new("."), 96).unwrap()
    }

    #[test]
    fn ticks_drop_float_noise_and_negative_zero() {
        assert_eq!(tick(0.199_999_999_999_97), "0.2");
        assert_eq!(tick(-0.000_000_000_01), "0");
        assert_eq!(tick(-1.5), "-1.5");
        assert_eq!(tick(20.0), "20");
    }

    #[test]
    fn base64_matches_the_rfc_examples() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_png_has_the_size_the_dpi_and_the_run_colours() {
        let options = PictureOptions {
            width: 640,
            height: 480,
            dpi: 144.0,
            ..PictureOptions::default()
        };
        let pixels = render_rgb(&scene(), &options).unwrap();
        assert_eq!(pixels.len(), 640 * 480 * 3);
        let has = |(r, g, b): Rgb| pixels.chunks(3).any(|p| p == [r, g, b]);
        assert!(
            has(palette::RUNS[0]) && has(palette::RUNS[1]),
            "both runs drawn"
        );
        let png = render_png(&scene(), &options).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (640, 480));
        let dims = info.pixel_dims.unwrap();
        assert_eq!(dims.xppu, (144.0_f64 / 0.0254).round() as u32);
    }

    #[test]
    fn the_svg_embeds_the_heat_map_and_keeps_paths_as_vectors() {
        let svg = render_svg(&scene(), &PictureOptions::default()).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("data:image/png;base64,"));
        assert!(!svg.contains("#010203"), "the marker is replaced");
        assert!(svg.contains("<polyline"), "paths stay vector");
        assert!(svg.contains("Adam and momentum"), "title");
    }

    #[test]
    fn bad_sizes_are_refused() {
        let options = PictureOptions {
            width: 10,
            ..PictureOptions::default()
        };
        assert!(matches!(
            render_rgb(&scene(), &options),
            Err(ExportError::Options(_))
        ));
    }
}
