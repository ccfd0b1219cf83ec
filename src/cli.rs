//! The headless command line: `descent run`, `descent list`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::atomic_file;
use crate::export::ExportError;
use crate::export::animation::{GifOptions, render_gif};
use crate::export::csv::write_trajectories;
use crate::export::picture::{Layout, PictureOptions, render_png, render_svg, surface_aspect};
use crate::optim::{OptimizerConfig, Schedule};
use crate::preset::{Preset, PresetError};
use crate::problem::Surface;
use crate::scene::Scene;
use crate::sim::{SimError, Simulation};

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
        /// Picture width in pixels [default: 1600, GIF 800].
        #[arg(long, value_name = "W")]
        width: Option<u32>,
        /// Picture height in pixels [default: 1200, GIF 600].
        #[arg(long, value_name = "H")]
        height: Option<u32>,
        /// What to draw: surface, loss or both.
        #[arg(long, value_name = "VIEW", default_value = "both")]
        view: Layout,
        /// Dots per inch: scales text and lines (96 = 1:1), stored in the PNG.
        #[arg(long, default_value_t = 96.0)]
        dpi: f64,
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
        x: crate::sweep::Axis,
        /// Vertical axis: NAME:FROM:TO, or NAME:FROM:TO:log.
        #[arg(long)]
        y: crate::sweep::Axis,
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
    Sweep(#[from] crate::sweep::SweepError),
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
    #[error("nothing to export: give --png, --svg, --gif, --csv or --state-csv")]
    NothingToExport,
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
            .and_then(|p| run(&p, Path::new("."), None, None)),
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
            run(&preset, Path::new("."), None, None)
        }
        Some(Command::Run {
            preset,
            steps,
            csv,
            state_csv,
        }) => {
            let mut p = Preset::load(&preset)?;
            let origin = preset.display().to_string();
            if let Some(n) = steps {
                p.steps = n;
                p.validate(&origin)?;
            }
            let base = preset.parent().unwrap_or(Path::new("."));
            if let Some(target) = state_csv.as_deref() {
                write_state_csv(&p, &preset, base, target)?;
                if csv.is_none() {
                    return Ok(());
                }
            }
            run(&p, base, csv.as_deref(), Some(&origin))
        }
        Some(Command::Export {
            preset,
            png,
            svg,
            gif,
            csv,
            state_csv,
            width,
            height,
            view,
            dpi,
            linear_loss,
            steps,
            frames,
            fps,
            hold,
        }) => {
            let outputs = Outputs {
                png,
                svg,
                gif,
                csv,
                state_csv,
            };
            let picture = PictureOptions {
                width: width.unwrap_or(1600),
                height: height.unwrap_or(1200),
                layout: view,
                dpi,
                rows: None,
                log_loss: !linear_loss,
            };
            let animation = GifOptions {
                picture: PictureOptions {
                    width: width.unwrap_or(800),
                    height: height.unwrap_or(600),
                    ..picture
                },
                frames,
                fps,
                hold_seconds: hold,
            };
            export(&preset, steps, &outputs, &picture, &animation)
        }
        Some(command @ Command::Sweep { .. }) => sweep_from(command),
        Some(Command::List) => list(),
    }
}

/// Unpacks `descent sweep`'s arguments.
fn sweep_from(command: Command) -> Result<(), CliError> {
    let Command::Sweep {
        preset,
        run,
        x,
        y,
        resolution,
        steps_to,
        steps,
        png,
        csv,
        width,
        height,
    } = command
    else {
        return Ok(());
    };
    let spec = crate::sweep::SweepSpec {
        run,
        x,
        y,
        resolution,
        metric: steps_to.map_or(
            crate::sweep::Metric::FinalLoss,
            crate::sweep::Metric::StepsTo,
        ),
    };
    sweep_command(
        &preset,
        steps,
        &spec,
        png.as_deref(),
        csv.as_deref(),
        (width, height),
    )
}

/// `descent sweep`: runs the grid, prints the best cell, writes the files.
fn sweep_command(
    path: &Path,
    steps: Option<u64>,
    spec: &crate::sweep::SweepSpec,
    png: Option<&Path>,
    csv: Option<&Path>,
    size: (u32, u32),
) -> Result<(), CliError> {
    let mut preset = Preset::load(path)?;
    if let Some(n) = steps {
        preset.steps = n;
        preset.validate(&path.display().to_string())?;
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let started = std::time::Instant::now();
    let result = crate::sweep::sweep(&preset, base, spec, &|_, _| true)?;
    let took = started.elapsed();
    let write_error = |target: &Path| {
        let target = target.display().to_string();
        move |source| CliError::Write { target, source }
    };
    if let Some(target) = png {
        let bytes = crate::export::sweep_picture::render_png(&result, spec, preset.steps, size)?;
        atomic_file::write(target, &bytes).map_err(write_error(target))?;
    }
    if let Some(target) = csv {
        atomic_file::write_with(target, |w| {
            crate::export::sweep_picture::write_csv(&result, spec, w)
        })
        .map_err(write_error(target))?;
    }
    let diverged = result.diverged.iter().filter(|d| **d).count();
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "{}: {}×{} cells of {} steps in {:.2} s; {diverged} diverged",
        result.label,
        result.xs.len(),
        result.ys.len(),
        preset.steps,
        took.as_secs_f64()
    );
    match result.best() {
        Some((x, y, v)) => {
            let score = match spec.metric {
                crate::sweep::Metric::FinalLoss => format!("final loss {v:.6e}"),
                crate::sweep::Metric::StepsTo(tol) => format!("{v} steps to loss ≤ {tol}"),
            };
            let _ = writeln!(
                out,
                "best: {score} at {}={x:.6e}, {}={y:.6}",
                spec.x.name, spec.y.name
            );
        }
        None => {
            let _ = writeln!(out, "no cell finished with a finite score");
        }
    }
    Ok(())
}

/// Where `descent export` writes.
struct Outputs {
    png: Option<PathBuf>,
    svg: Option<PathBuf>,
    gif: Option<PathBuf>,
    csv: Option<PathBuf>,
    state_csv: Option<PathBuf>,
}

fn export(
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
    } = outputs;
    if [png, svg, gif, csv, state_csv].iter().all(|o| o.is_none()) {
        return Err(CliError::NothingToExport);
    }
    // Check every option before any work, so a bad one costs nothing.
    if png.is_some() || svg.is_some() {
        picture.check()?;
    }
    if gif.is_some() {
        animation.check()?;
    }
    let mut preset = Preset::load(path)?;
    if let Some(n) = steps {
        preset.steps = n;
        preset.validate(&path.display().to_string())?;
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let mut sim = simulation(&preset, Some(path), base)?;
    sim.run_to_end();
    let write = |target: &Path, bytes: &[u8]| {
        atomic_file::write(target, bytes).map_err(|source| CliError::Write {
            target: target.display().to_string(),
            source,
        })
    };
    if let Some(target) = csv {
        atomic_file::write_with(target, |w| write_trajectories(&sim, w)).map_err(|source| {
            CliError::Write {
                target: target.display().to_string(),
                source,
            }
        })?;
    }
    if let Some(target) = state_csv {
        write_state_csv(&preset, path, base, &target.display().to_string())?;
    }
    let scene_for = |options: &PictureOptions| {
        Scene::from_simulation(
            &preset,
            &sim,
            preset.view,
            Some(surface_aspect(options)),
            crate::export::job::RESOLUTION,
        )
    };
    if png.is_some() || svg.is_some() {
        let scene = scene_for(picture);
        if let Some(target) = png {
            write(target, &render_png(&scene, picture)?)?;
        }
        if let Some(target) = svg {
            write(target, render_svg(&scene, picture)?.as_bytes())?;
        }
    }
    if let Some(target) = gif {
        let scene = scene_for(&animation.picture);
        write(target, &render_gif(&scene, animation, &mut |_, _| true)?)?;
    }
    Ok(())
}

/// Builds the simulation of the preset read from `file`; an error about one
/// field points at it in the file.
fn simulation(preset: &Preset, file: Option<&Path>, base: &Path) -> Result<Simulation, CliError> {
    Simulation::from_preset(preset, base).map_err(|source| {
        let at = source.field().zip(file).and_then(|(field, file)| {
            let text = std::fs::read_to_string(file).ok()?;
            crate::ron_paths::locate(&text, field)
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
    })
}

/// Replays the preset step by step and writes the inspector's numbers.
fn write_state_csv(
    preset: &Preset,
    file: &Path,
    base: &Path,
    target: &str,
) -> Result<(), CliError> {
    let mut sim = simulation(preset, Some(file), base)?;
    if target == "-" {
        let mut out = io::BufWriter::new(io::stdout().lock());
        return crate::export::csv::write_states(&mut sim, &mut out).map_err(stdout_error);
    }
    atomic_file::write_with(Path::new(target), |w| {
        crate::export::csv::write_states(&mut sim, w)
    })
    .map_err(|source| CliError::Write {
        target: target.to_owned(),
        source,
    })
}

fn stdout_error(source: io::Error) -> CliError {
    CliError::Write {
        target: "stdout".into(),
        source,
    }
}

fn run(
    preset: &Preset,
    base: &Path,
    csv: Option<&str>,
    origin: Option<&str>,
) -> Result<(), CliError> {
    let mut sim = simulation(preset, origin.map(Path::new), base)?;
    sim.run_to_end();
    match csv {
        Some("-") => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write_trajectories(&sim, &mut out).map_err(stdout_error)
        }
        Some(path) => atomic_file::write_with(Path::new(path), |w| write_trajectories(&sim, w))
            .map_err(|source| CliError::Write {
                target: path.to_owned(),
                source,
            }),
        None => summary(preset, &sim, origin).map_err(stdout_error),
    }
}

/// Parameters listed per run in the summary; the CSV has them all.
const SUMMARY_PARAMS: usize = 4;

fn summary(preset: &Preset, sim: &Simulation, origin: Option<&str>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let title = if preset.title.is_empty() {
        origin.unwrap_or("untitled")
    } else {
        &preset.title
    };
    writeln!(out, "{title}")?;
    writeln!(
        out,
        "{}: {} · {} steps",
        sim.problem().name(),
        sim.problem().formula(),
        sim.horizon()
    )?;
    let names = sim.problem().param_names();
    let width = sim
        .runs()
        .iter()
        .map(|r| r.setup().label.chars().count())
        .max()
        .unwrap_or(0);
    for run in sim.runs() {
        let Some((params, loss)) = run.trajectory().last() else {
            continue;
        };
        let status = run
            .termination()
            .map_or_else(|| "running".to_owned(), |t| t.to_string());
        let mut at = names
            .iter()
            .zip(params)
            .take(SUMMARY_PARAMS)
            .map(|(n, v)| format!("{n}={}", crate::format::compact(*v)))
            .collect::<Vec<_>>()
            .join(", ");
        if params.len() > SUMMARY_PARAMS {
            at = format!("{at}, … ({} parameters)", params.len());
        }
        writeln!(
            out,
            "  {:<width$}  {status:<22} loss {loss:<13.6e} at {at}",
            run.setup().label
        )?;
    }
    Ok(())
}

fn list() -> Result<(), CliError> {
    let text = listing();
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)
}

/// The text of `descent list`.
pub fn listing() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let ron = |v: &dyn erased::Ron| v.ron();
    let _ = writeln!(s, "Surfaces (problem: Surface(...)):");
    for surface in Surface::catalogue() {
        let _ = writeln!(s, "  {:<18} {}", surface.ident(), surface.formula());
    }
    let _ = writeln!(
        s,
        "\nProblems with data:\n  LinearRegression(data: Csv(\"file.csv\") | Synthetic(n: 100, slope: 3.0, intercept: 0.5, noise: 0.3, x_range: (-1.0, 1.0), seed: 0))"
    );
    let _ = writeln!(s, "\nOptimizers (optimizer: ...), with torch's defaults:");
    for opt in OptimizerConfig::catalogue() {
        let _ = writeln!(s, "  {}\n      {}", opt.torch_name(), ron(&opt));
    }
    let _ = writeln!(s, "\nSchedules (schedule: ...):");
    for sched in Schedule::catalogue() {
        let _ = writeln!(s, "  {}", ron(&sched));
    }
    s
}

/// One-line RON for listings.
mod erased {
    use ron::extensions::Extensions;

    pub trait Ron {
        fn ron(&self) -> String;
    }

    impl<T: serde::Serialize> Ron for T {
        fn ron(&self) -> String {
            let pretty = ron::ser::PrettyConfig::new()
                .compact_arrays(true)
                .new_line("")
                .indentor("")
                .separator(" ")
                .compact_structs(true)
                .extensions(Extensions::UNWRAP_VARIANT_NEWTYPES);
            crate::preset::ron_options()
                .to_string_pretty(self, pretty)
                .map_or_else(|e| e.to_string(), |s| s.replace(",)", ")"))
        }
    }
}
