//! Descent: see how deep-learning optimizers really behave.
//!
//! The headless core, in layers that only look down:
//! [`support`] (files, checks, workers, jobs) · [`optim`] and [`problem`]
//! (torch-exact update rules, surfaces and models) · [`sim`] (the
//! deterministic simulation and its thread) · [`preset`] (the file format)
//! · [`analysis`] (fields, curvature, sweeps, basins, slices, the inspector)
//! · [`render`] (the picture model) · [`export`] and [`cli`]. None of these
//! names a GUI toolkit; the window ([`app`], feature `gui`) sits on top.

pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod export;
pub mod fuzzing;
pub mod optim;
pub mod preset;
pub mod problem;
pub mod render;
pub mod sim;
pub mod support;

/// The lesson the app opens on: Adam, SGD with momentum and RMSprop on Rosenbrock.
pub const DEFAULT_PRESET: &str = include_str!("../presets/adam-vs-sgd-rosenbrock.ron");
