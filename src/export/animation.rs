//! GIF animations of the paths advancing: one global palette (`NeuQuant`,
//! trained on the last frame) and frame deltas (only the changed rectangle of
//! each frame is stored, unchanged pixels transparent).

use std::collections::HashMap;

use super::ExportError;
use super::picture::{PictureOptions, render_rgb};
use crate::render::scene::Scene;

/// Frames, speed and size of an animation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GifOptions {
    /// Size, layout and DPI of every frame (`rows` is set per frame).
    pub picture: PictureOptions,
    /// Frames from the start to the horizon.
    pub frames: u32,
    /// Frames per second.
    pub fps: f64,
    /// Extra seconds the last frame stays before the loop restarts.
    pub hold_seconds: f64,
}

impl Default for GifOptions {
    fn default() -> Self {
        Self {
            picture: PictureOptions {
                width: 800,
                height: 600,
                ..PictureOptions::default()
            },
            frames: 60,
            fps: 20.0,
            hold_seconds: 2.0,
        }
    }
}

impl GifOptions {
    /// Checks frames, fps, hold and size (GIFs are at most 65535 pixels a side).
    pub fn check(&self) -> Result<(), ExportError> {
        self.picture.check()?;
        if !(2..=2000).contains(&self.frames) {
            return Err(ExportError::Options(format!(
                "frames {}: must be between 2 and 2000",
                self.frames
            )));
        }
        if !(self.fps.is_finite() && (0.5..=100.0).contains(&self.fps)) {
            return Err(ExportError::Options(format!(
                "fps {}: must be between 0.5 and 100",
                self.fps
            )));
        }
        if !(self.hold_seconds.is_finite() && (0.0..=60.0).contains(&self.hold_seconds)) {
            return Err(ExportError::Options(format!(
                "hold {}: must be between 0 and 60 seconds",
                self.hold_seconds
            )));
        }
        Ok(())
    }
}

/// The palette index left free for "unchanged" pixels.
const TRANSPARENT: u8 = 255;

/// The rows each frame shows: from 1 (the start) to every row, evenly.
pub(crate) fn frame_rows(frames: u32, rows: usize) -> Vec<usize> {
    let last = rows.max(1);
    (0..frames)
        .map(|k| {
            let t = f64::from(k) / f64::from(frames - 1);
            (1.0 + t * (last - 1) as f64).round() as usize
        })
        .collect()
}

/// Renders the animation. `progress(done, total)` is called after every frame
/// and returns false to cancel.
pub fn render_gif(
    scene: &Scene,
    options: &GifOptions,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<Vec<u8>, ExportError> {
    options.check()?;
    let (width, height) = (options.picture.width, options.picture.height);
    let (w16, h16) = (
        u16::try_from(width).map_err(|_| ExportError::Options("GIF too wide".into()))?,
        u16::try_from(height).map_err(|_| ExportError::Options("GIF too tall".into()))?,
    );
    let rows = frame_rows(options.frames, scene.rows());
    let picture = |r: usize| {
        render_rgb(
            scene,
            &PictureOptions {
                rows: Some(r),
                ..options.picture
            },
        )
    };
    // The palette comes from the last frame, which holds every colour drawn.
    let last = picture(*rows.last().unwrap_or(&1))?;
    let rgba: Vec<u8> = last
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let quant = color_quant::NeuQuant::new(10, 255, &rgba);
    let mut palette = quant.color_map_rgb();
    palette.resize(256 * 3, 0);
    let mut cache: HashMap<[u8; 3], u8> = HashMap::new();
    let mut index = |p: &[u8]| -> u8 {
        let key = [p[0], p[1], p[2]];
        *cache
            .entry(key)
            .or_insert_with(|| u8::try_from(quant.index_of(&[p[0], p[1], p[2], 255])).unwrap_or(0))
    };

    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, w16, h16, &palette)
            .map_err(|e| ExportError::Encode(e.to_string()))?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(|e| ExportError::Encode(e.to_string()))?;
        let delay = (100.0 / options.fps).round().max(2.0);
        let hold = (options.hold_seconds * 100.0).round();
        let mut previous: Option<Vec<u8>> = None;
        let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        for (k, &r) in rows.iter().enumerate() {
            let pixels = if k + 1 == rows.len() {
                last.clone()
            } else {
                picture(r)?
            };
            let indexed: Vec<u8> = pixels.chunks_exact(3).map(&mut index).collect();
            let is_last = k + 1 == rows.len();
            let frame_delay = if is_last { delay + hold } else { delay };
            let mut frame = match &previous {
                None => gif::Frame::from_indexed_pixels(w16, h16, indexed.clone(), None),
                Some(before) => delta_frame(before, &indexed, width as usize, height as usize),
            };
            frame.delay = frame_delay.min(f64::from(u16::MAX)) as u16;
            frame.dispose = gif::DisposalMethod::Keep;
            encoder
                .write_frame(&frame)
                .map_err(|e| ExportError::Encode(e.to_string()))?;
            previous = Some(indexed);
            let done = u32::try_from(k + 1).unwrap_or(u32::MAX);
            if !progress(done, total) {
                return Err(ExportError::Cancelled);
            }
        }
    }
    Ok(out)
}

/// The rectangle of `now` that differs from `before`, with unchanged pixels
/// transparent; a 1×1 transparent frame when nothing changed.
fn delta_frame(before: &[u8], now: &[u8], width: usize, height: usize) -> gif::Frame<'static> {
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for y in 0..height {
        let row = y * width;
        for x in 0..width {
            if before[row + x] != now[row + x] {
                x0 = x0.min(x);
                x1 = x1.max(x + 1);
                y0 = y0.min(y);
                y1 = y1.max(y + 1);
            }
        }
    }
    if x0 >= x1 {
        let mut frame = gif::Frame::from_indexed_pixels(1, 1, vec![TRANSPARENT], Some(TRANSPARENT));
        frame.left = 0;
        frame.top = 0;
        return frame;
    }
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        for x in x0..x1 {
            let i = y * width + x;
            pixels.push(if before[i] == now[i] {
                TRANSPARENT
            } else {
                now[i]
            });
        }
    }
    let to16 = |v: usize| u16::try_from(v).unwrap_or(u16::MAX);
    let mut frame =
        gif::Frame::from_indexed_pixels(to16(x1 - x0), to16(y1 - y0), pixels, Some(TRANSPARENT));
    frame.left = to16(x0);
    frame.top = to16(y0);
    frame
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::preset::Preset;

    fn scene() -> Scene {
        let p = Preset::from_ron_str(
            "(problem: Surface(Himmelblau), steps: 100, runs: [(optimizer: Adam(lr: 0.1)), (optimizer: Sgd(lr: 0.01, momentum: 0.9))])",
            "t",
        )
        .unwrap();
        Scene::from_preset(&p, Path::new("."), 64).unwrap()
    }

    #[test]
    fn frames_run_from_the_start_to_the_horizon() {
        assert_eq!(frame_rows(3, 101), vec![1, 51, 101]);
        assert_eq!(frame_rows(2, 1), vec![1, 1]);
    }

    #[test]
    fn the_gif_decodes_with_every_frame_and_the_hold() {
        let options = GifOptions {
            picture: PictureOptions {
                width: 320,
                height: 240,
                ..PictureOptions::default()
            },
            frames: 8,
            fps: 10.0,
            hold_seconds: 1.5,
        };
        let mut calls = 0;
        let bytes = render_gif(&scene(), &options, &mut |done, total| {
            calls += 1;
            assert!(done <= total);
            true
        })
        .unwrap();
        assert_eq!(calls, 8);
        let mut decoder = gif::DecodeOptions::new()
            .read_info(std::io::Cursor::new(&bytes))
            .unwrap();
        assert_eq!((decoder.width(), decoder.height()), (320, 240));
        let mut delays = Vec::new();
        let mut areas = Vec::new();
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            delays.push(frame.delay);
            areas.push(usize::from(frame.width) * usize::from(frame.height));
        }
        assert_eq!(delays.len(), 8);
        assert_eq!(delays[0], 10);
        assert_eq!(*delays.last().unwrap(), 10 + 150);
        assert_eq!(areas[0], 320 * 240);
        assert!(
            areas[1..].iter().all(|&a| a < 320 * 240),
            "later frames are deltas: {areas:?}"
        );
    }

    #[test]
    fn cancelling_stops_with_an_error() {
        let result = render_gif(&scene(), &GifOptions::default(), &mut |done, _| done < 3);
        assert!(matches!(result, Err(ExportError::Cancelled)));
    }
}
