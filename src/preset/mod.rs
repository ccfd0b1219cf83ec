//! Presets: what a `.ron` file holds, with line:column parse errors and
//! atomic saving. The checks, the way to a simulation, the shipped lessons
//! and the locating of fields in RON text live beside this file.

mod checks;
pub mod lessons;
pub mod ron_paths;
mod setup;
mod tuning;

use std::fmt;
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeTuple as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::optim::{OptimizerConfig, Schedule};
use crate::problem::ProblemConfig;
use crate::support::atomic_file;
use crate::support::validate::FieldError;

pub use checks::MAX_OVERLAYS;
pub use tuning::{TunedBy, Tuning};

/// The preset format this build writes and the newest it reads.
pub const CURRENT_VERSION: u32 = 1;

/// A scenario: one problem, one start, a horizon, a seed and N runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// Format version (1).
    #[serde(default = "current_version")]
    pub version: u32,
    /// Title shown in menus.
    #[serde(default)]
    pub title: String,
    /// What to look for, in 2–4 sentences.
    #[serde(default)]
    pub description: String,
    /// The loss.
    pub problem: ProblemConfig,
    /// The region of parameter space to show; `None` takes the problem's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<crate::problem::ViewBox>,
    /// Start point; `None` takes the problem's default.
    #[serde(default)]
    pub start: Option<Point>,
    /// Step horizon.
    #[serde(default = "default_steps")]
    pub steps: u64,
    /// Seed of the mini-batch stream.
    #[serde(default)]
    pub seed: u64,
    /// Mini-batch size; `None` is the full batch (GD).
    #[serde(default)]
    pub batch_size: Option<usize>,
    /// Stop a run once ‖g‖₂ falls below this.
    #[serde(default)]
    pub grad_tol: Option<f64>,
    /// Stop a run when its validation loss stops improving (needs a
    /// validation split): `Some((patience: 20))`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<crate::sim::EarlyStopping>,
    /// Seeded Gaussian noise on every gradient of a surface, one stream
    /// shared by every run: `Some(sigma: 0.5)`. The map shows the true loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<crate::sim::GradientNoise>,
    /// A box every run stays in, for 2-parameter problems:
    /// `Some(x: (-1.0, 1.0), y: (-1.0, 1.0))`. The start and each step are
    /// projected onto it (each coordinate clamped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<crate::problem::ViewBox>,
    /// Record each run's sharpness (λmax of the Hessian) every this many
    /// steps, for the edge-of-stability plot: `Some(10)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharpness_every: Option<u64>,
    /// The optimizers to compare.
    pub runs: Vec<RunSpec>,
    /// Trajectories from elsewhere drawn beside the runs, read from CSV
    /// (paths relative to the preset): `[(csv: "my-loop.csv")]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<Overlay>,
}

/// A trajectory file drawn beside the runs: Descent's CSV contract (every
/// run in it), or a header naming every parameter, with optional `step`
/// and `loss` columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// The file, relative to the preset.
    pub csv: String,
    /// Its legend label (default: the contract's labels, or the file's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// sRGB colour (default: the palette's next after the runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<(u8, u8, u8)>,
}

/// One run of a preset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Legend label (defaults to the optimizer's name).
    #[serde(default)]
    pub label: String,
    /// The optimizer and its hyperparameters.
    pub optimizer: OptimizerConfig,
    /// Learning-rate schedule.
    #[serde(default)]
    pub schedule: Schedule,
    /// Shown in the window (hidden runs are still computed).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Colour in the window and exports, as (r, g, b); `None` picks from the palette.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<(u8, u8, u8)>,
    /// This run's own start instead of the preset's (for lessons on basins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Point>,
    /// This run's own early-stopping rule instead of the preset's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<crate::sim::EarlyStopping>,
    /// This run's own mini-batch size instead of the preset's; a size of at
    /// least the number of points is the full batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// This run's own L1/L2 penalty on the weights, added to the problem's loss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<crate::problem::Penalty>,
    /// Parameter groups: `[(params: HiddenMatrices, optimizer: Muon(lr: 0.02))]`
    /// steps those tensors by their own optimizer; `optimizer` steps the rest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<crate::optim::ParamGroup>,
    /// This run's own gradient noise instead of the preset's (σ 0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<crate::sim::GradientNoise>,
    /// How its lr was tuned (*Tune each run*, `descent tune`), for the
    /// legend; dropped when the lr, the optimizer or the schedule changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuned: Option<Tuning>,
}

fn yes() -> bool {
    true
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_true(b: &bool) -> bool {
    *b
}

/// A point in parameter space, written `(x, y)` or `[x, y]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Point(pub Vec<f64>);

fn current_version() -> u32 {
    CURRENT_VERSION
}

fn default_steps() -> u64 {
    500
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut t = serializer.serialize_tuple(self.0.len())?;
        for v in &self.0 {
            t.serialize_element(v)?;
        }
        t.end()
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PointVisitor;
        impl<'de> Visitor<'de> for PointVisitor {
            type Value = Point;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a point such as (-1.5, 2.0)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Point, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<f64>()? {
                    out.push(v);
                }
                if out.is_empty() {
                    return Err(de::Error::invalid_length(0, &self));
                }
                Ok(Point(out))
            }
        }
        deserializer.deserialize_any(PointVisitor)
    }
}

/// Why a preset could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not a valid preset.
    #[error("{origin}:{line}:{col}: {message}")]
    Parse {
        /// File name or `<input>`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What was expected.
        message: String,
    },
    /// The preset parses but some values make no sense.
    #[error("{origin}: invalid preset:\n{}", list(.errors))]
    Invalid {
        /// File name or `<input>`.
        origin: String,
        /// Every offending field.
        errors: Vec<FieldError>,
    },
    /// The preset could not be written as RON.
    #[error("cannot write the preset: {0}")]
    Serialize(String),
}

impl PresetError {
    /// Points every field error at its line and column in `text`.
    #[must_use]
    pub fn located_in(self, text: &str) -> Self {
        match self {
            Self::Invalid { origin, mut errors } => {
                let found = ron_paths::Positions::of(text);
                for e in &mut errors {
                    e.at = found.nearest(&e.field);
                }
                Self::Invalid { origin, errors }
            }
            other => other,
        }
    }
}

fn list(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// RON options shared by every reader and writer of presets.
pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_recursion_limit(64)
}

impl Preset {
    /// Parses and validates RON text; `origin` names it in errors.
    pub fn from_ron_str(text: &str, origin: &str) -> Result<Self, PresetError> {
        let preset: Self = ron_options()
            .from_str(text)
            .map_err(|e| PresetError::Parse {
                origin: origin.to_owned(),
                line: e.span.start.line,
                col: e.span.start.col,
                message: e.code.to_string(),
            })?;
        preset.validate(origin).map_err(|e| e.located_in(text))?;
        Ok(preset)
    }

    /// Reads, parses and validates a preset file.
    pub fn load(path: &Path) -> Result<Self, PresetError> {
        let bytes = std::fs::read(path).map_err(|source| PresetError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let origin = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..valid).unwrap_or_default();
            let line = before.split(|&b| b == b'\n').count();
            let col = 1 + before.rsplit(|&b| b == b'\n').next().map_or(0, <[u8]>::len);
            PresetError::Parse {
                origin: origin.clone(),
                line,
                col,
                message: "the file is not UTF-8 text".into(),
            }
        })?;
        Self::from_ron_str(&text, &origin)
    }

    /// Pretty RON text.
    pub fn to_ron_string(&self) -> Result<String, PresetError> {
        let pretty = ron::ser::PrettyConfig::new()
            .depth_limit(4)
            .indentor("    ")
            .extensions(Extensions::UNWRAP_VARIANT_NEWTYPES);
        ron_options()
            .to_string_pretty(self, pretty)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| PresetError::Serialize(e.to_string()))
    }

    /// Saves atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), PresetError> {
        let text = self.to_ron_string()?;
        atomic_file::write(path, text.as_bytes()).map_err(|source| PresetError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

impl RunSpec {
    /// A shown run of `optimizer` with a constant lr and nothing of its own.
    pub fn new(label: impl Into<String>, optimizer: OptimizerConfig) -> Self {
        Self {
            label: label.into(),
            optimizer,
            schedule: Schedule::Constant,
            enabled: true,
            color: None,
            start: None,
            early_stopping: None,
            batch_size: None,
            penalty: None,
            groups: Vec::new(),
            noise: None,
            tuned: None,
        }
    }

    /// The label, or the optimizer's name when none is given.
    pub fn display_label(&self) -> &str {
        if self.label.trim().is_empty() {
            self.optimizer.kind_name()
        } else {
            &self.label
        }
    }

    /// The legend's text: the label, and how the lr was tuned if it was.
    pub fn legend_label(&self) -> String {
        match &self.tuned {
            Some(t) => format!("{} · {}", self.display_label(), t.note(self.optimizer.lr())),
            None => self.display_label().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"(
    title: "Adam vs momentum on Rosenbrock",
    problem: Surface(Rosenbrock),
    start: Some((-1.5, 2.0)),
    steps: 500,
    seed: 0,
    runs: [
        (label: "Adam", optimizer: Adam(lr: 0.01, betas: (0.9, 0.999), eps: 1e-8), schedule: Constant),
        (label: "SGD + momentum", optimizer: Sgd(lr: 0.001, momentum: 0.9)),
    ],
)"#;

    #[test]
    fn the_issue_example_parses_with_torch_defaults() {
        let p = Preset::from_ron_str(EXAMPLE, "example").unwrap();
        assert_eq!(p.version, 1);
        assert_eq!(p.start, Some(Point(vec![-1.5, 2.0])));
        let OptimizerConfig::Sgd(sgd) = p.runs[1].optimizer else {
            panic!()
        };
        assert_eq!(sgd.dampening, 0.0);
        assert!(!sgd.nesterov);
        let OptimizerConfig::Adam(adam) = p.runs[0].optimizer else {
            panic!()
        };
        assert!(!adam.amsgrad);
    }

    #[test]
    fn round_trips_through_text() {
        let p = Preset::from_ron_str(EXAMPLE, "example").unwrap();
        let text = p.to_ron_string().unwrap();
        let q = Preset::from_ron_str(&text, "saved").unwrap();
        assert_eq!(p, q);
        assert!(
            text.contains("Adam(lr: 0.01") || text.contains("Adam(\n"),
            "{text}"
        );
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let text = "(\n    problem: Surface(Rosenbrok),\n    runs: [],\n)";
        let err = Preset::from_ron_str(text, "bad.ron").unwrap_err();
        let PresetError::Parse { line, col, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(*line, 2);
        assert!(*col > 1);
        assert!(err.to_string().starts_with("bad.ron:2:"), "{err}");
        assert!(err.to_string().contains("Rosenbrock"), "{err}");
    }

    #[test]
    fn nonsense_values_name_their_field() {
        let text = r"(problem: Surface(Beale), steps: 0, runs: [
            (optimizer: Adam(lr: -0.1, betas: (1.0, 0.999))),
            (optimizer: Sgd(eps: 1.0)),
        ])";
        let err = Preset::from_ron_str(text, "x").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("x:") && msg.contains("unknown field") || msg.contains("eps"),
            "{msg}"
        );
        let text = r"(problem: Surface(Beale), steps: 0, runs: [
            (optimizer: Adam(lr: -0.1, betas: (1.0, 0.999), eps: NaN)),
        ])";
        let PresetError::Invalid { errors, .. } = Preset::from_ron_str(text, "x").unwrap_err()
        else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "steps",
                "runs[0].optimizer.lr",
                "runs[0].optimizer.betas.0",
                "runs[0].optimizer.eps"
            ]
        );
    }

    #[test]
    fn future_versions_are_refused() {
        let text = "(version: 2, problem: Surface(Beale), runs: [(optimizer: Sgd())])";
        let err = Preset::from_ron_str(text, "x").unwrap_err().to_string();
        assert!(
            err.contains("version: preset version 2 is not supported"),
            "{err}"
        );
    }

    #[test]
    fn one_cycle_must_cover_the_run() {
        let text = "(problem: Surface(Beale), steps: 100, runs: [(optimizer: Adagrad(), \
                    schedule: OneCycleLR(max_lr: 0.1, total_steps: 50))])";
        let err = Preset::from_ron_str(text, "x").unwrap_err().to_string();
        assert!(err.contains("runs[0].schedule.total_steps"), "{err}");
        assert!(err.contains("runs[0].schedule.cycle_momentum"), "{err}");
    }

    #[test]
    fn save_is_atomic_and_loadable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let p = Preset::from_ron_str(EXAMPLE, "example").unwrap();
        p.save(&path).unwrap();
        assert_eq!(Preset::load(&path).unwrap(), p);
    }
}
