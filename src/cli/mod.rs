//! The headless command line: the arguments (clap) and one file per
//! command: `run`, `export`, `sweep`, `list`.

mod export;
mod list;
mod progress;
mod run;
mod sharpness;
mod sweep;
mod tune;

pub use list::listing;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::export::ExportError;
use crate::export::picture::Layout;
use crate::preset::{Preset, PresetError};
use crate::render::palette::Theme;
use crate::sim::SimError;

/// See how deep-learning optimizers really behave.
///
/// Without a command, Descent opens its window on the last session (or
/// `--preset`); in a build without the `gui` feature, or with `--headless`,
/// it runs that lesson in the terminal instead.
#[derive(Debug, Parser)]
#[command(name = "descent", version, about)]
pub struct Cli {
    /// What to do; without a command, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open this preset instead of the last session.
    #[arg(long, value_name = "PRESET")]
    pub preset: Option<PathBuf>,
    /// Print the lesson's results instead of opening the window.
    #[arg(long)]
    pub headless: bool,
    /// Save a PNG of the window once the results are in, then quit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// With --screenshot: frames to wait once the results are in.
    #[arg(long, value_name = "N")]
    pub quit_after_frames: Option<u32>,
    /// Window size in logical pixels, e.g. 1280x800.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "1440x900")]
    pub window_size: (f32, f32),
}

fn parse_size(text: &str) -> Result<(f32, f32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, got `{text}`"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| (200.0..=10_000.0).contains(v))
            .ok_or_else(|| format!("`{v}` is not a size between 200 and 10000"))
    };
    Ok((parse(w)?, parse(h)?))
}

/// How the window should open.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowOptions {
    /// A preset to open instead of the last session.
    pub preset: Option<PathBuf>,
    /// Save a PNG of the window and quit.
    pub screenshot: Option<PathBuf>,
    /// Frames to wait before the screenshot.
    pub quit_after_frames: Option<u32>,
    /// Window size in logical pixels.
    pub size: (f32, f32),
}

impl Default for WindowOptions {
    fn default() -> Self {
        Self {
            preset: None,
            screenshot: None,
            quit_after_frames: None,
            size: (1440.0, 900.0),
        }
    }
}

/// What the binary should do after parsing its arguments.
#[derive(Debug)]
pub enum Launch {
    /// A command ran; exit with this code.
    Exit(ExitCode),
    /// Open the window.
    Window(WindowOptions),
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a preset headless and print a summary or the trajectories as CSV.
    Run {
        /// The preset file (.ron).
        preset: PathBuf,
        /// Override the preset's step horizon.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Write trajectories as CSV to PATH, or to stdout with `-`.
        #[arg(long, value_name = "PATH|-")]
        csv: Option<String>,
        /// Write every step's inspector numbers (θ, g, lr, buffers, bias
        /// corrections, Δθ) as long-format CSV to PATH, or to stdout with `-`.
        #[arg(long, value_name = "PATH|-")]
        state_csv: Option<String>,
    },
    /// Run a preset headless and export pictures, an animation and CSV.
    ///
    /// Every file is written to a temporary file first and renamed, so a
    /// failed export never leaves a half-written file.
    Export {
        /// The preset file (.ron).
        preset: PathBuf,
        /// Write a PNG picture here.
        #[arg(long, value_name = "PATH")]
        png: Option<PathBuf>,
        /// Write an SVG picture here.
        #[arg(long, value_name = "PATH")]
        svg: Option<PathBuf>,
        /// Write a GIF animation of the paths advancing here.
        #[arg(long, value_name = "PATH")]
        gif: Option<PathBuf>,
        /// Write the trajectories here (the `descent run --csv` contract).
        #[arg(long, value_name = "PATH")]
        csv: Option<PathBuf>,
        /// Write every step's optimizer state here (long-format CSV).
        #[arg(long, value_name = "PATH")]
        state_csv: Option<PathBuf>,
        /// Write a PyTorch script that reproduces every run here (surfaces
        /// and models on data, with their data and mini-batches; the
        /// torch.optim classes with a one-to-one counterpart); it prints
        /// the `--csv` contract.
        #[arg(long, value_name = "PATH")]
        torch_script: Option<PathBuf>,
        /// Write the same as a JAX script with optax here (SGD, Adam,
        /// AdamW, RMSprop and optax's Adagrad, with optax's schedules).
        #[arg(long, value_name = "PATH")]
        jax_script: Option<PathBuf>,
        /// Draw this trajectory beside the runs (repeatable): Descent's CSV
        /// contract, or a header naming every parameter, with optional
        /// `step` (0, 1, 2, …) and `loss` columns.
        #[arg(long, value_name = "CSV")]
        overlay: Vec<PathBuf>,
        /// Picture width in pixels [default: 1600, GIF 800].
        #[arg(long, value_name = "W")]
        width: Option<u32>,
        /// Picture height in pixels [default: 1200, GIF 600].
        #[arg(long, value_name = "H")]
        height: Option<u32>,
        /// What to draw: auto (the data for a model on data, else the
        /// surface; each above the loss), surface, data, loss or both.
        #[arg(long, value_name = "VIEW", default_value = "auto")]
        view: Layout,
        /// Dots per inch: scales text and lines (96 = 1:1), stored in the PNG.
        #[arg(long, default_value_t = 96.0)]
        dpi: f64,
        /// Colours: dark (for screens) or light (white, for slides).
        #[arg(long, value_name = "THEME", default_value = "dark")]
        theme: Theme,
        /// Linear instead of log loss axis.
        #[arg(long)]
        linear_loss: bool,
        /// Override the preset's step horizon.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// GIF: frames from the start to the horizon.
        #[arg(long, default_value_t = 60)]
        frames: u32,
        /// GIF: frames per second.
        #[arg(long, default_value_t = 20.0)]
        fps: f64,
        /// GIF: seconds the last frame is held.
        #[arg(long, default_value_t = 2.0)]
        hold: f64,
    },
    /// Sweep two hyperparameters of one run over a grid and score every cell
    /// by its final loss (or by the steps it needs to reach a tolerance).
    ///
    /// Example: `descent sweep presets/adam-vs-sgd-rosenbrock.ron --run 0
    /// --x lr:1e-4:1:log --y beta1:0:0.99 --png sweep.png --csv sweep.csv`
    Sweep {
        /// The preset file (.ron).
        preset: PathBuf,
        /// Which run to sweep (0-based, in the preset's order).
        #[arg(long, default_value_t = 0)]
        run: usize,
        /// Horizontal axis: NAME:FROM:TO, or NAME:FROM:TO:log.
        #[arg(long)]
        x: crate::analysis::sweep::Axis,
        /// Vertical axis: NAME:FROM:TO, or NAME:FROM:TO:log.
        #[arg(long)]
        y: crate::analysis::sweep::Axis,
        /// Cells per axis.
        #[arg(long, default_value_t = 64)]
        resolution: usize,
        /// Score each cell by the first step whose loss is at most this.
        #[arg(long, value_name = "TOL")]
        steps_to: Option<f64>,
        /// Override the preset's step horizon.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Write the heat map as a PNG here.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Write every cell as CSV here.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Picture width in pixels.
        #[arg(long, default_value_t = 1000)]
        width: u32,
        /// Picture height in pixels.
        #[arg(long, default_value_t = 800)]
        height: u32,
        /// Colours: dark (for screens) or light (white, for slides).
        #[arg(long, value_name = "THEME", default_value = "dark")]
        theme: Theme,
    },
    /// Tune each run: every enabled run's best lr on one log grid, each run
    /// given the same grid and steps; prints a table, and with `--save`
    /// writes the preset with each run at its best lr.
    ///
    /// Example: `descent tune presets/adam-vs-sgd-rosenbrock.ron --from 1e-4
    /// --to 1 --points 24 --save tuned.ron`
    Tune {
        /// The preset file (.ron).
        preset: PathBuf,
        /// Smallest lr.
        #[arg(long, default_value_t = 1e-4)]
        from: f64,
        /// Largest lr.
        #[arg(long, default_value_t = 1.0)]
        to: f64,
        /// Log-spaced lrs, ends included.
        #[arg(long, default_value_t = 24)]
        points: usize,
        /// Score each lr by the first step whose loss is at most this
        /// (default: the final loss).
        #[arg(long, value_name = "TOL")]
        steps_to: Option<f64>,
        /// Override the preset's step horizon.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Write the tuned preset here.
        #[arg(long, value_name = "PATH")]
        save: Option<PathBuf>,
    },
    /// The edge of stability: each enabled run's sharpness (λmax of the
    /// loss Hessian; Adam's preconditioned one) every k steps, beside the
    /// threshold its lr sets (2/lr, (2 + 2β)/lr, (2 + 2β₁)/((1 − β₁)·lr)).
    ///
    /// Example: `descent sharpness presets/edge-of-stability.ron --png sharpness.png`
    Sharpness {
        /// The preset file (.ron).
        preset: PathBuf,
        /// Sample every this many steps (default: the preset's
        /// `sharpness_every`, else a 200th of the horizon; at most 500 samples).
        #[arg(long, value_name = "K")]
        every: Option<u64>,
        /// Override the preset's step horizon.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Write `run,label,step,measure,sharpness,threshold` here (`-`: stdout).
        #[arg(long, value_name = "PATH")]
        csv: Option<PathBuf>,
        /// Write the plot as a PNG here.
        #[arg(long, value_name = "PATH")]
        png: Option<PathBuf>,
        /// Picture width in pixels.
        #[arg(long, default_value_t = 1200)]
        width: u32,
        /// Picture height in pixels.
        #[arg(long, default_value_t = 700)]
        height: u32,
        /// Colours: dark (for screens) or light (white, for slides).
        #[arg(long, value_name = "THEME", default_value = "dark")]
        theme: Theme,
    },
    /// List the surfaces, optimizers (with torch's defaults) and schedules.
    List,
}

/// Everything that can go wrong in a command, shown to the user as one message.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Loading or validating a preset failed.
    #[error("{0}")]
    Preset(#[from] PresetError),
    /// Building the simulation failed.
    #[error("{0}")]
    Sim(#[from] SimError),
    /// A sweep could not run.
    #[error("{0}")]
    Sweep(#[from] crate::analysis::sweep::SweepError),
    /// Building the simulation failed because of a field of a preset file.
    #[error("{origin}:{line}:{col}: {source}")]
    SimAt {
        /// The preset file.
        origin: String,
        /// 1-based line of the field.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What went wrong.
        source: SimError,
    },
    /// Rendering a picture or animation failed.
    #[error("{0}")]
    Export(#[from] ExportError),
    /// No output was asked for.
    #[error(
        "nothing to export: give --png, --svg, --gif, --csv, --state-csv, --torch-script or --jax-script"
    )]
    NothingToExport,
    /// The preset cannot become a script.
    #[error("{0}")]
    Script(#[from] crate::export::torch_script::ScriptError),
    /// Writing output failed.
    #[error("cannot write {target}: {source}")]
    Write {
        /// Where.
        target: String,
        /// Why.
        source: io::Error,
    },
}

/// Parses the arguments and runs a command, or says to open the window.
pub fn launch() -> Launch {
    let cli = Cli::parse();
    let options = WindowOptions {
        preset: cli.preset,
        screenshot: cli.screenshot,
        quit_after_frames: cli.quit_after_frames,
        size: cli.window_size,
    };
    if cli.command.is_none() && !cli.headless {
        return Launch::Window(options);
    }
    if cli.command.is_none() {
        return Launch::Exit(run_headless(&options));
    }
    Launch::Exit(exit_code(execute(cli.command)))
}

/// Runs the window's lesson in the terminal: `--preset` or the default one.
pub fn run_headless(options: &WindowOptions) -> ExitCode {
    let result = match &options.preset {
        Some(path) => execute(Some(Command::Run {
            preset: path.clone(),
            steps: None,
            csv: None,
            state_csv: None,
        })),
        None => Preset::from_ron_str(crate::DEFAULT_PRESET, "default preset")
            .map_err(CliError::from)
            .and_then(|p| run::run(&p, Path::new("."), None, None)),
    };
    exit_code(result)
}

fn exit_code(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command (`None` runs the default lesson headless).
pub fn execute(command: Option<Command>) -> Result<(), CliError> {
    match command {
        None => {
            let preset = Preset::from_ron_str(crate::DEFAULT_PRESET, "default preset")?;
            run::run(&preset, Path::new("."), None, None)
        }
        Some(Command::Run {
            preset,
            steps,
            csv,
            state_csv,
        }) => run::command(&preset, steps, csv.as_deref(), state_csv.as_deref()),
        Some(Command::Export {
            preset,
            png,
            svg,
            gif,
            csv,
            state_csv,
            torch_script,
            jax_script,
            overlay,
            width,
            height,
            view,
            dpi,
            theme,
            linear_loss,
            steps,
            frames,
            fps,
            hold,
        }) => {
            let outputs = export::Outputs {
                png,
                svg,
                gif,
                csv,
                state_csv,
                torch_script,
                jax_script,
                overlays: overlay,
            };
            let picture = crate::export::picture::PictureOptions {
                width: width.unwrap_or(1600),
                height: height.unwrap_or(1200),
                layout: view,
                dpi,
                rows: None,
                log_loss: !linear_loss,
                theme,
            };
            let animation = crate::export::animation::GifOptions {
                picture: crate::export::picture::PictureOptions {
                    width: width.unwrap_or(800),
                    height: height.unwrap_or(600),
                    ..picture
                },
                frames,
                fps,
                hold_seconds: hold,
            };
            export::command(&preset, steps, &outputs, &picture, &animation)
        }
        Some(command @ Command::Sweep { .. }) => sweep::command(command),
        Some(command @ Command::Tune { .. }) => tune::command(command),
        Some(command @ Command::Sharpness { .. }) => sharpness::command(command),
        Some(Command::List) => list::command(),
    }
}

/// Reads the preset at `path`, with its horizon overridden by `steps`.
fn load(path: &Path, steps: Option<u64>) -> Result<Preset, CliError> {
    let mut preset = Preset::load(path)?;
    if let Some(n) = steps {
        preset.steps = n;
        preset.validate(&path.display().to_string())?;
    }
    Ok(preset)
}

/// A simulation error about one field of the preset read from `file`,
/// pointed at that field.
fn located(source: SimError, file: Option<&Path>) -> CliError {
    let at = source.field().zip(file).and_then(|(field, file)| {
        let text = std::fs::read_to_string(file).ok()?;
        crate::preset::ron_paths::locate(&text, field)
    });
    match (at, file) {
        (Some((line, col)), Some(file)) => CliError::SimAt {
            origin: file.display().to_string(),
            line,
            col,
            source,
        },
        _ => CliError::Sim(source),
    }
}

fn stdout_error(source: io::Error) -> CliError {
    CliError::Write {
        target: "stdout".into(),
        source,
    }
}
