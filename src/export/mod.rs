//! File exports: trajectories and optimizer state as CSV, pictures as PNG and
//! SVG, animations as GIF. All of them draw from a [`crate::render::scene::Scene`]
//! or the simulation, never from the window, and every file is written
//! atomically by the caller through [`crate::support::atomic_file`].

pub mod animation;
mod clip;
pub mod csv;
pub mod jax_script;
pub mod job;
pub mod picture;
mod python_expr;
mod script_parts;
pub mod sweep_picture;
mod text;
pub mod torch_script;
pub mod write;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Size, DPI or frame settings out of range.
    #[error("{0}")]
    Options(String),
    /// plotters could not draw.
    #[error("drawing failed: {0}")]
    Draw(String),
    /// PNG or GIF encoding failed.
    #[error("encoding failed: {0}")]
    Encode(String),
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
}
