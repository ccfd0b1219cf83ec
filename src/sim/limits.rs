//! How much one simulation may compute and record.

/// The longest horizon.
pub const MAX_STEPS: u64 = 10_000_000;
/// The most rows (runs × steps) a simulation may record: 10⁷ rows of a
/// 2-D problem keep the window under about 0.7 GB (the simulation's exact
/// copy plus the window's copy for drawing).
pub const MAX_TOTAL_ROWS: u64 = 10_000_000;
/// The most recorded numbers (rows × (parameters + loss)), which bounds
/// models with many parameters the same way.
pub const MAX_RECORDED_VALUES: u64 = 3 * MAX_TOTAL_ROWS;
/// The most runs in one comparison.
pub const MAX_RUNS: usize = 16;
