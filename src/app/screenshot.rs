//! `--screenshot`: once the results are in and the view has settled, the
//! window's pixels are saved as a PNG and the window closes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use eframe::egui;
use image::ImageEncoder as _;

/// Frames to wait after the results are complete before a `--screenshot`.
const SETTLE_FRAMES: u32 = 3;

/// The screenshot to take, and how far it has come.
#[derive(Debug, Default)]
pub struct Shooter {
    ready_frames: u32,
    sent: bool,
    done: Arc<AtomicBool>,
}

impl Shooter {
    /// Counts a frame (`ready`: the results and the field are in), asks for
    /// the pixels after `wait` ready frames, and closes the window once they
    /// are saved to `path`.
    pub fn frame(&mut self, ctx: &egui::Context, path: &Path, ready: bool, wait: Option<u32>) {
        ctx.request_repaint();
        if ready {
            self.ready_frames += 1;
        }
        if !self.sent && self.ready_frames >= wait.unwrap_or(0).max(SETTLE_FRAMES) {
            self.sent = true;
            let done = Arc::clone(&self.done);
            let repaint = ctx.clone();
            let path: PathBuf = path.to_path_buf();
            ctx.request_screenshot(move |image| {
                if let Err(e) = save_png(&path, &image) {
                    let _ = std::io::Write::write_fmt(
                        &mut std::io::stderr(),
                        format_args!("error: cannot write {}: {e}\n", path.display()),
                    );
                }
                done.store(true, Ordering::Release);
                repaint.request_repaint();
            });
        }
        if self.done.load(Ordering::Acquire) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// Encodes `image` as PNG and writes it atomically.
pub fn save_png(path: &Path, image: &egui::ColorImage) -> std::io::Result<()> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(egui::Color32::to_array)
        .collect();
    let mut encoded = Vec::new();
    image::codecs::png::PngEncoder::new(&mut encoded)
        .write_image(&bytes, w as u32, h as u32, image::ExtendedColorType::Rgba8)
        .map_err(std::io::Error::other)?;
    crate::support::atomic_file::write(path, &encoded)
}
