//! PNG and SVG pictures of a [`Scene`] with plotters: the surface view (heat
//! map, isolines, paths, start, minima, legend, axes, title), the loss plot,
//! or both stacked as in the window, in the window's colours.

mod chart;
mod data;
mod loss;
mod sharpness;
mod surface;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::ExportError;
use super::text::TextFix;
use crate::render::palette::{Paper, Rgb, Theme};
use crate::render::scene::Scene;
use loss::draw_loss;
pub use sharpness::{SharpnessPicture, render_sharpness_png};
use surface::{draw_surface, resample};

/// Which picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// The surface view only.
    Surface,
    /// The loss plot only.
    Loss,
    /// The surface above the loss plot.
    Both,
    /// A model's data (points, fits or the decision map) above the loss plot.
    Data,
    /// [`Self::Data`] for a model on data, [`Self::Both`] for a surface.
    #[default]
    Auto,
}

impl Layout {
    /// The layout for a problem that has data (`true`) or not: a data
    /// picture of a problem without data is the usual map and loss.
    #[must_use]
    pub fn resolved(self, has_data: bool) -> Self {
        match self {
            Self::Auto | Self::Data if has_data => Self::Data,
            Self::Auto | Self::Data => Self::Both,
            other => other,
        }
    }
}

impl std::str::FromStr for Layout {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "surface" => Ok(Self::Surface),
            "loss" => Ok(Self::Loss),
            "both" => Ok(Self::Both),
            "data" => Ok(Self::Data),
            "auto" => Ok(Self::Auto),
            other => Err(format!(
                "unknown view `{other}`: expected auto, surface, data, loss or both"
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
    /// Dark (screens) or light (slides).
    pub theme: Theme,
}

impl Default for PictureOptions {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1200,
            layout: Layout::Auto,
            dpi: 96.0,
            rows: None,
            log_loss: true,
            theme: Theme::Dark,
        }
    }
}

impl PictureOptions {
    /// The page, axis and text colours of its theme.
    pub fn paper(&self) -> Paper {
        self.theme.paper()
    }

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
pub(super) const HEAT_MARKER: RGBColor = RGBColor(1, 2, 3);

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
        // fdeflate: several times faster than the default, files a little larger.
        encoder.set_compression(png::Compression::Fast);
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
    if let Some(rect) = heat_rect {
        let (w, h) = (rect.2.max(1), rect.3.max(1));
        let row = options
            .rows
            .map_or(scene.rows().saturating_sub(1), |r| r.saturating_sub(1));
        let pixels = match (options.layout, &scene.data, &scene.field) {
            (Layout::Data, Some(data), _) => data.map_at(row).map(|map| {
                surface::stretch(map, data.map_size, (w, h), options.paper().plot_background)
            }),
            (_, _, Some(field)) => Some(resample(field, w, h)),
            _ => None,
        };
        if let Some(pixels) = pixels {
            let png = encode_png(&pixels, w, h, 96.0)?;
            svg = embed_heat_map(&svg, rect, &png)?;
        }
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
pub(super) enum Heat {
    /// Copy pixels into the bitmap.
    Blit,
    /// Draw a marker rectangle to be replaced by an image (SVG).
    Marker,
}

pub(super) type DrawResult<T, DB> =
    Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws the picture; returns the heat map's pixel rectangle (x, y, w, h).
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    options: &PictureOptions,
    heat: Heat,
) -> DrawResult<Option<(i32, i32, u32, u32)>, DB> {
    root.fill(&rgb(options.paper().background))?;
    match options.layout {
        Layout::Surface => draw_surface(root, scene, options, heat),
        Layout::Loss => {
            draw_loss(root, scene, options, true)?;
            Ok(None)
        }
        Layout::Both | Layout::Auto => {
            let split = (f64::from(options.height) * SURFACE_SHARE).round() as i32;
            let (upper, lower) = root.split_vertically(split);
            let rect = draw_surface(&upper, scene, options, heat)?;
            draw_loss(&lower, scene, options, false)?;
            Ok(rect)
        }
        Layout::Data => {
            let split = (f64::from(options.height) * SURFACE_SHARE).round() as i32;
            let (upper, lower) = root.split_vertically(split);
            let rect = data::draw_data(&upper, scene, options, heat)?;
            draw_loss(&lower, scene, options, true)?;
            Ok(rect)
        }
    }
}

pub(super) fn rows_shown(options: &PictureOptions, len: usize) -> usize {
    options.rows.map_or(len, |r| r.min(len))
}

/// Width over height of the surface plot's drawing area in a picture with
/// these options, so a [`Scene`] can match its view to it.
pub fn surface_aspect(options: &PictureOptions) -> f64 {
    let s = options.scale();
    let height = match options.layout {
        Layout::Both | Layout::Auto | Layout::Data => {
            (f64::from(options.height) * SURFACE_SHARE).round()
        }
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
pub(super) fn tick(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Text as drawn (a hook for escaping, should a backend need it).
pub(super) fn text(s: &str) -> String {
    s.to_owned()
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
            has(crate::render::palette::RUNS[0]) && has(crate::render::palette::RUNS[1]),
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
    fn a_light_picture_is_dark_on_white() {
        let options = PictureOptions {
            width: 640,
            height: 480,
            theme: Theme::Light,
            ..PictureOptions::default()
        };
        let pixels = render_rgb(&scene(), &options).unwrap();
        assert_eq!(&pixels[..3], &[255, 255, 255], "the page is white");
        let text = Theme::Light.paper().text;
        assert!(
            pixels.chunks(3).any(|p| p == [text.0, text.1, text.2]),
            "the text is dark"
        );
        let dark = render_rgb(
            &scene(),
            &PictureOptions {
                theme: Theme::Dark,
                ..options
            },
        )
        .unwrap();
        let page = Theme::Dark.paper().background;
        assert_eq!(&dark[..3], &[page.0, page.1, page.2]);
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
