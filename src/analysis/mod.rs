//! What the window and the CLI compute about a problem or a run beyond its
//! trajectory: the loss on a grid, curvature, sweeps, basins of attraction,
//! landscape slices, classifier maps and the step inspector.

pub mod basins;
pub mod classifier;
pub mod curvature;
pub mod field;
pub mod formula;
pub mod inspect;
pub mod landscape;
pub mod sharpness;
pub mod sweep;
pub mod tune;
