//! Small states for the panels' own tests.

use crate::app::session::Track;
use crate::preset::Preset;

/// The default lesson: Adam, SGD with momentum and RMSprop on Rosenbrock.
pub fn lesson() -> Preset {
    Preset::from_ron_str(crate::DEFAULT_PRESET, "default lesson").unwrap()
}

/// A 2-parameter track through `rows` of (x, y, loss).
pub fn track(rows: &[[f64; 3]]) -> Track {
    let mut t = Track::new(2);
    t.rows.extend_raw(&rows.concat());
    t.lrs = vec![0.01; rows.len().saturating_sub(1)];
    t
}

/// One track per run of the default lesson, each a short straight path.
pub fn tracks() -> Vec<Track> {
    (0..3)
        .map(|i| {
            let d = f64::from(i) * 0.1;
            track(&[[-1.5, 2.0, 12.5], [-1.0 + d, 1.0, 5.0], [0.0, 0.5 + d, 1.0]])
        })
        .collect()
}
