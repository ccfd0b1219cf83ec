//! Writing export files from one run of a preset: the one function the CLI's
//! `descent export` and the window's File menu both call. Every file is
//! written atomically; every option is checked before any work.

use std::path::{Path, PathBuf};

use super::ExportError;
use super::animation::{GifOptions, render_gif};
use super::picture::{Layout, PictureOptions, render_png, render_svg, surface_aspect};
use crate::preset::Preset;
use crate::problem::ViewBox;
use crate::render::scene::Scene;
use crate::sim::{SimError, Simulation};
use crate::support::atomic_file;

/// Contour grid of exported pictures (samples across).
pub const RESOLUTION: usize = 512;

/// A picture's file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// Pixels.
    Png,
    /// Vectors (the heat map embedded as a PNG).
    Svg,
}

impl ImageFormat {
    /// SVG for a `.svg` file, PNG otherwise.
    pub fn of(path: &Path) -> Self {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
        {
            Self::Svg
        } else {
            Self::Png
        }
    }
}

/// What to write.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportKind {
    /// A picture.
    Picture(PictureOptions, ImageFormat),
    /// A GIF animation.
    Gif(GifOptions),
    /// The trajectories (the `descent run --csv` contract).
    Trajectories,
    /// Every step's optimizer state (long format).
    States,
    /// Panics while writing (tests of the crash path only).
    #[doc(hidden)]
    InjectPanic,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The preset's simulation cannot be built.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// Options out of range, drawing or encoding failed, or cancelled.
    #[error(transparent)]
    Render(#[from] ExportError),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs `preset` to its end once and writes every `(path, kind)` in order;
/// `view` is the region drawn (`None`: the preset's or the problem's own).
/// `progress(done, total)` follows a GIF's frames and returns false to cancel.
pub fn write_files(
    preset: &Preset,
    base_dir: &Path,
    view: Option<ViewBox>,
    targets: &[(PathBuf, ExportKind)],
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<(), WriteError> {
    for (_, kind) in targets {
        match kind {
            ExportKind::Picture(options, _) => options.check()?,
            ExportKind::Gif(options) => options.check()?,
            ExportKind::Trajectories | ExportKind::States | ExportKind::InjectPanic => {}
        }
    }
    let mut sim = preset.simulation(base_dir)?;
    let fresh = || Simulation::new(sim.problem_arc(), preset.sim_setup());
    let mut states = targets
        .iter()
        .any(|(_, k)| *k == ExportKind::States)
        .then(fresh)
        .transpose()?;
    if targets.iter().any(|(_, k)| *k != ExportKind::States) {
        sim.run_to_end();
    }
    let imported = preset.imported_runs(base_dir, sim.problem())?;
    let view = view.or(preset.view);
    let has_data = preset.problem.has_data();
    // `rows` are row counts (the play head + 1), as the pictures take them.
    let scene_for = |options: &PictureOptions, rows: &[usize]| {
        let scene = Scene::from_simulation(
            preset,
            &sim,
            view,
            Some(surface_aspect(options)),
            RESOLUTION,
        )
        .with_overlays(preset, &imported);
        if options.layout == Layout::Data {
            let rows: Vec<usize> = rows.iter().map(|r| r.saturating_sub(1)).collect();
            scene.with_data(preset, &sim, &rows, surface_aspect(options))
        } else {
            scene
        }
    };
    let recorded = sim
        .runs()
        .iter()
        .map(|r| r.trajectory().len())
        .chain(imported.iter().map(|(_, r)| r.rows.len()))
        .max()
        .unwrap_or(0);
    for (path, kind) in targets {
        let failed = |source| WriteError::Write {
            path: path.clone(),
            source,
        };
        match kind {
            ExportKind::InjectPanic => panic!("injected export panic"),
            ExportKind::Trajectories => {
                atomic_file::write_with(path, |w| super::csv::write_trajectories(&sim, w))
                    .map_err(failed)?;
            }
            ExportKind::States => {
                if let Some(replay) = states.as_mut() {
                    atomic_file::write_with(path, |w| super::csv::write_states(replay, w))
                        .map_err(failed)?;
                }
            }
            ExportKind::Picture(options, format) => {
                let options = &PictureOptions {
                    layout: options.layout.resolved(has_data),
                    ..*options
                };
                let scene = scene_for(options, &[options.rows.unwrap_or(recorded)]);
                let bytes = match format {
                    ImageFormat::Svg => render_svg(&scene, options)?.into_bytes(),
                    ImageFormat::Png => render_png(&scene, options)?,
                };
                atomic_file::write(path, &bytes).map_err(failed)?;
            }
            ExportKind::Gif(options) => {
                let options = &GifOptions {
                    picture: PictureOptions {
                        layout: options.picture.layout.resolved(has_data),
                        ..options.picture
                    },
                    ..*options
                };
                let rows = super::animation::frame_rows(options.frames, recorded);
                let scene = scene_for(&options.picture, &rows);
                let bytes = render_gif(&scene, options, progress)?;
                atomic_file::write(path, &bytes).map_err(failed)?;
            }
        }
    }
    Ok(())
}
