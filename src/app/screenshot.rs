//! Saving the window's pixels (for `--screenshot`).

use eframe::egui;
use image::ImageEncoder as _;

/// Encodes `image` as PNG and writes it atomically.
pub fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> std::io::Result<()> {
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
    crate::atomic_file::write(path, &encoded)
}
