//! `descent export`: a preset run headless and written as pictures, an
//! animation and CSV, through the same function as the window's File menu.

use std::path::{Path, PathBuf};

use super::{CliError, load, located};
use crate::export::animation::GifOptions;
use crate::export::picture::PictureOptions;
use crate::export::write::{ExportKind, ImageFormat, WriteError, write_files};

/// Where `descent export` writes.
pub(super) struct Outputs {
    pub png: Option<PathBuf>,
    pub svg: Option<PathBuf>,
    pub gif: Option<PathBuf>,
    pub csv: Option<PathBuf>,
    pub state_csv: Option<PathBuf>,
    pub torch_script: Option<PathBuf>,
    pub jax_script: Option<PathBuf>,
    /// Trajectory files drawn beside the runs.
    pub overlays: Vec<PathBuf>,
}

/// Writes every output asked for from one run of the preset at `path`.
pub(super) fn command(
    path: &Path,
    steps: Option<u64>,
    outputs: &Outputs,
    picture: &PictureOptions,
    animation: &GifOptions,
) -> Result<(), CliError> {
    let Outputs {
        png,
        svg,
        gif,
        csv,
        state_csv,
        torch_script,
        jax_script,
        overlays,
    } = outputs;
    let targets: Vec<(PathBuf, ExportKind)> = [
        (csv, ExportKind::Trajectories),
        (state_csv, ExportKind::States),
        (png, ExportKind::Picture(*picture, ImageFormat::Png)),
        (svg, ExportKind::Picture(*picture, ImageFormat::Svg)),
        (gif, ExportKind::Gif(*animation)),
    ]
    .into_iter()
    .filter_map(|(target, kind)| Some((target.clone()?, kind)))
    .collect();
    if targets.is_empty() && torch_script.is_none() && jax_script.is_none() {
        return Err(CliError::NothingToExport);
    }
    let mut preset = load(path, steps)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let origin = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let scripts: [(&Option<PathBuf>, crate::export::ScriptWriter); 2] = [
        (torch_script, crate::export::torch_script::torch_script),
        (jax_script, crate::export::jax_script::jax_script),
    ];
    for (target, write) in scripts {
        let Some(target) = target else { continue };
        let script = write(&preset, &origin, base)?;
        crate::support::atomic_file::write(target, script.as_bytes()).map_err(|source| {
            CliError::Write {
                target: target.display().to_string(),
                source,
            }
        })?;
    }
    if targets.is_empty() {
        return Ok(());
    }
    // Given on the command line, so relative to where it was typed.
    for file in overlays {
        let file = std::path::absolute(file).unwrap_or_else(|_| file.clone());
        preset.overlays.push(crate::preset::Overlay {
            csv: file.to_string_lossy().into_owned(),
            label: None,
            color: None,
        });
    }
    write_files(&preset, base, None, &targets, &mut |_, _| true).map_err(|e| match e {
        WriteError::Sim(source) => located(source, Some(path)),
        WriteError::Render(e) => CliError::Export(e),
        WriteError::Write { path, source } => CliError::Write {
            target: path.display().to_string(),
            source,
        },
    })
}
