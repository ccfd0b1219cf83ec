//! File exports: trajectories and optimizer state as CSV, pictures as PNG and
//! SVG, animations as GIF. All of them draw from a [`crate::render::scene::Scene`]
//! or the simulation, never from the window, and every file is written
//! atomically by the caller through [`crate::support::atomic_file`].

pub mod animation;
mod clip;
pub mod csv;
mod jax_calls;
mod jax_model;
pub mod jax_script;
pub mod job;
pub mod picture;
mod python_expr;
mod script_data;
mod script_parts;
pub mod sweep_picture;
mod text;
mod torch_calls;
mod torch_model;
pub mod torch_script;
pub mod write;

/// A preset written as a PyTorch or JAX script: the preset, the name it
/// is titled after, and the folder its data files are read from.
pub type ScriptWriter =
    fn(&crate::preset::Preset, &str, &std::path::Path) -> Result<String, script_parts::ScriptError>;

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
