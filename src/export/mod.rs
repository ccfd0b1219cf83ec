//! File exports. Only CSV trajectories so far.

pub mod csv;
