//! Descent: see how deep-learning optimizers really behave.
//!
//! The headless core: `torch.optim`-exact optimizers and schedules ([`optim`]),
//! loss surfaces and small models ([`problem`]), the deterministic simulation
//! ([`sim`]), presets ([`preset`]), exports ([`export`]) and the CLI ([`cli`]).
//! None of these modules depends on a GUI toolkit.

#[cfg(feature = "gui")]
pub mod app;
pub mod atomic_file;
pub mod basins;
pub mod cli;
pub mod curvature;
pub mod data_view;
pub mod export;
pub mod field;
pub mod field_worker;
pub mod format;
pub mod fuzzing;
pub mod landscape;
pub mod lessons;
pub mod optim;
pub mod palette;
pub mod preset;
pub mod problem;
pub mod ron_paths;
pub mod scene;
pub mod sim;
pub mod sweep;
pub mod validate;
pub mod worker;

/// The lesson the app opens on: Adam, SGD with momentum and RMSprop on Rosenbrock.
pub const DEFAULT_PRESET: &str = include_str!("../presets/adam-vs-sgd-rosenbrock.ron");
