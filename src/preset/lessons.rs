//! The shipped lessons, embedded so that an installed binary has them too.

use std::path::PathBuf;

use crate::preset::Preset;

/// File name and RON text of every lesson in `presets/`, the default first.
pub const LESSONS: &[(&str, &str)] = &[
    (
        "adam-vs-sgd-rosenbrock.ron",
        include_str!("../../presets/adam-vs-sgd-rosenbrock.ron"),
    ),
    (
        "adam-bias-correction.ron",
        include_str!("../../presets/adam-bias-correction.ron"),
    ),
    (
        "adam-can-fail.ron",
        include_str!("../../presets/adam-can-fail.ron"),
    ),
    (
        "adamw-vs-adam-l2.ron",
        include_str!("../../presets/adamw-vs-adam-l2.ron"),
    ),
    (
        "amsgrad-vs-adam.ron",
        include_str!("../../presets/amsgrad-vs-adam.ron"),
    ),
    (
        "conventions-momentum.ron",
        include_str!("../../presets/conventions-momentum.ron"),
    ),
    (
        "conventions-rmsprop-adagrad.ron",
        include_str!("../../presets/conventions-rmsprop-adagrad.ron"),
    ),
    (
        "custom-formula.ron",
        include_str!("../../presets/custom-formula.ron"),
    ),
    (
        "typed-adam.ron",
        include_str!("../../presets/typed-adam.ron"),
    ),
    (
        "edge-of-stability.ron",
        include_str!("../../presets/edge-of-stability.ron"),
    ),
    (
        "gradient-noise-momentum.ron",
        include_str!("../../presets/gradient-noise-momentum.ron"),
    ),
    (
        "himmelblau-four-minima.ron",
        include_str!("../../presets/himmelblau-four-minima.ron"),
    ),
    (
        "l1-vs-l2-paths.ron",
        include_str!("../../presets/l1-vs-l2-paths.ron"),
    ),
    (
        "linreg-gd-vs-adam.ron",
        include_str!("../../presets/linreg-gd-vs-adam.ron"),
    ),
    (
        "lr-schedules.ron",
        include_str!("../../presets/lr-schedules.ron"),
    ),
    (
        "lr-too-large.ron",
        include_str!("../../presets/lr-too-large.ron"),
    ),
    (
        "minibatch-noise.ron",
        include_str!("../../presets/minibatch-noise.ron"),
    ),
    (
        "momentum-overshoot.ron",
        include_str!("../../presets/momentum-overshoot.ron"),
    ),
    (
        "nesterov-vs-heavy-ball.ron",
        include_str!("../../presets/nesterov-vs-heavy-ball.ron"),
    ),
    (
        "rastrigin-local-minima.ron",
        include_str!("../../presets/rastrigin-local-minima.ron"),
    ),
    (
        "rmsprop-first-step.ron",
        include_str!("../../presets/rmsprop-first-step.ron"),
    ),
    (
        "saddle-escape.ron",
        include_str!("../../presets/saddle-escape.ron"),
    ),
    (
        "logistic-two-blobs.ron",
        include_str!("../../presets/logistic-two-blobs.ron"),
    ),
    (
        "mlp-spiral-sgd-vs-adam.ron",
        include_str!("../../presets/mlp-spiral-sgd-vs-adam.ron"),
    ),
    (
        "overfitting-early-stopping.ron",
        include_str!("../../presets/overfitting-early-stopping.ron"),
    ),
    ("beale.ron", include_str!("../../presets/beale.ron")),
    (
        "batch-size.ron",
        include_str!("../../presets/batch-size.ron"),
    ),
    (
        "radam-warmup.ron",
        include_str!("../../presets/radam-warmup.ron"),
    ),
    (
        "rprop-sign-steps.ron",
        include_str!("../../presets/rprop-sign-steps.ron"),
    ),
    (
        "asgd-average.ron",
        include_str!("../../presets/asgd-average.ron"),
    ),
    (
        "adafactor-factored-memory.ron",
        include_str!("../../presets/adafactor-factored-memory.ron"),
    ),
    (
        "prodigy-finds-its-step-size.ron",
        include_str!("../../presets/prodigy-finds-its-step-size.ron"),
    ),
    (
        "schedule-free-x-y-z.ron",
        include_str!("../../presets/schedule-free-x-y-z.ron"),
    ),
    (
        "lbfgs-vs-adam-evaluations.ron",
        include_str!("../../presets/lbfgs-vs-adam-evaluations.ron"),
    ),
    (
        "muon-fixed-step.ron",
        include_str!("../../presets/muon-fixed-step.ron"),
    ),
    (
        "muon-orthogonal-updates.ron",
        include_str!("../../presets/muon-orthogonal-updates.ron"),
    ),
];

/// Where lessons' relative data paths resolve: `presets/` beside the
/// executable or in the source tree, else the working directory.
pub fn lessons_dir() -> PathBuf {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("presets")));
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("presets");
    beside_exe
        .filter(|d| d.is_dir())
        .or_else(|| source.is_dir().then_some(source))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Every lesson parsed (once), with its file name.
pub fn lessons() -> &'static [(&'static str, Preset)] {
    static PARSED: std::sync::OnceLock<Vec<(&'static str, Preset)>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        LESSONS
            .iter()
            .filter_map(|(name, text)| Preset::from_ron_str(text, name).ok().map(|p| (*name, p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_preset_is_embedded_and_parses() {
        let on_disk = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("presets"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "ron")
            })
            .count();
        assert_eq!(
            LESSONS.len(),
            on_disk,
            "a preset in presets/ is missing from LESSONS"
        );
        assert_eq!(
            lessons().len(),
            LESSONS.len(),
            "an embedded lesson does not parse"
        );
        assert_eq!(LESSONS[0].1, crate::DEFAULT_PRESET);
    }
}
