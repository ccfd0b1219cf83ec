//! What a script about a model on data embeds: the model's kind and sizes,
//! the training and held-out data as Descent loaded them, the start, and
//! the seeded mini-batch stream as each epoch's shuffled order.

use std::fmt::Write as _;
use std::path::Path;

use super::script_parts::{ScriptError, py};
use crate::preset::Preset;
use crate::problem::{Activation, ProblemConfig, Samples};
use crate::sim::BatchStream;

/// The model a data problem trains.
pub(super) enum Model {
    /// y ≈ w·x + b.
    Linear,
    /// ŷ = Σₖ θₖ·x̃ᵏ, x̃ = (x − centre)/`half_width`, with its own penalties.
    Polynomial {
        degree: usize,
        l1: f64,
        l2: f64,
        centre: f64,
        half_width: f64,
    },
    /// Linear layers with `activation` between them; `sizes` from input (2)
    /// to output (1 logit for two classes, else one per class).
    Network {
        sizes: Vec<usize>,
        activation: Activation,
    },
}

/// A data problem as a script writes it.
pub(super) struct ModelData {
    /// What is trained.
    pub model: Model,
    /// The training data, and the held-out data (empty: no validation split).
    pub samples: Samples,
    /// Parameter names, in Descent's order.
    pub names: Vec<String>,
    /// The preset's start, or the problem's (a network's seeded initial weights).
    pub start: Vec<f64>,
    /// Each mini-batch size some run uses (smaller than the data), with
    /// every epoch's order of sample indices the steps need.
    pub orders: Vec<(usize, Vec<Vec<usize>>)>,
}

impl ModelData {
    /// The preset's data problem, built from `base_dir`; `None` for surfaces.
    pub fn of(preset: &Preset, base_dir: &Path) -> Result<Option<Self>, ScriptError> {
        let built = || {
            preset
                .problem
                .build(base_dir)
                .map_err(|e| ScriptError::Build(e.to_string()))
        };
        let (problem, model) = match &preset.problem {
            ProblemConfig::LinearRegression(_) => (built()?, Model::Linear),
            ProblemConfig::PolynomialRegression(c) => {
                let problem = built()?;
                let Some(Samples::Line { train, .. }) = problem.samples() else {
                    return Err(ScriptError::Build("a polynomial without points".into()));
                };
                let (centre, half_width) =
                    crate::problem::input_scaling(train.iter().map(|p| p[0]));
                let model = Model::Polynomial {
                    degree: c.degree,
                    l1: c.l1,
                    l2: c.l2,
                    centre,
                    half_width,
                };
                (problem, model)
            }
            ProblemConfig::Classification(c) => {
                let problem = built()?;
                let classes = problem.classes().unwrap_or(2);
                let mut sizes = vec![2];
                sizes.extend_from_slice(&c.hidden);
                sizes.push(if classes <= 2 { 1 } else { classes });
                let activation = c.activation;
                (problem, Model::Network { sizes, activation })
            }
            _ => return Ok(None),
        };
        let samples = problem
            .samples()
            .ok_or_else(|| ScriptError::Build("a data problem without data".into()))?;
        let count = problem.sample_count().unwrap_or(0);
        let mut sizes: Vec<usize> = preset
            .runs
            .iter()
            .filter_map(|r| r.batch_size.or(preset.batch_size))
            .filter(|&s| s >= 1 && s < count)
            .collect();
        sizes.sort_unstable();
        sizes.dedup();
        let orders = sizes
            .into_iter()
            .map(|size| (size, epoch_orders(count, size, preset.seed, preset.steps)))
            .collect();
        Ok(Some(Self {
            model,
            samples,
            names: problem.param_names(),
            start: preset
                .start
                .as_ref()
                .map_or_else(|| problem.default_start(), |p| p.0.clone()),
            orders,
        }))
    }

    /// Whether rows carry a held-out loss.
    pub fn has_validation(&self) -> bool {
        match &self.samples {
            Samples::Line { validation, .. } => !validation.is_empty(),
            Samples::Classes { held_out, .. } => !held_out.is_empty(),
        }
    }

    /// `X`, `Y` (and `XV`, `YV` for held-out data) as Python lists given
    /// to `array`: regression inputs and targets, or points and labels.
    pub fn data_block(&self, array: &str) -> String {
        let mut s = String::new();
        let mut write =
            |suffix: &str, what: &str, points: &[[f64; 2]], labels: Option<&[usize]>| {
                let _ = writeln!(
                    s,
                    "# {what}: {} points, as Descent loaded them.",
                    points.len()
                );
                match labels {
                    None => {
                        let xs = points.iter().map(|p| py(p[0]));
                        let ys = points.iter().map(|p| py(p[1]));
                        let _ = writeln!(s, "X{suffix} = {array}([\n{}])", wrapped(xs, 6));
                        let _ = writeln!(s, "Y{suffix} = {array}([\n{}])", wrapped(ys, 6));
                    }
                    Some(labels) => {
                        let rows = points
                            .iter()
                            .map(|p| format!("[{}, {}]", py(p[0]), py(p[1])));
                        let _ = writeln!(s, "X{suffix} = {array}([\n{}])", wrapped(rows, 3));
                        let ls = labels.iter().map(ToString::to_string);
                        let _ = writeln!(s, "Y{suffix} = {array}([\n{}])", wrapped(ls, 30));
                    }
                }
            };
        match &self.samples {
            Samples::Line { train, validation } => {
                write("", "The training data", train, None);
                if !validation.is_empty() {
                    write("V", "The held-out data", validation, None);
                }
            }
            Samples::Classes {
                points,
                labels,
                held_out,
                held_out_labels,
                ..
            } => {
                write("", "The training data", points, Some(labels));
                if !held_out.is_empty() {
                    write("V", "The held-out data", held_out, Some(held_out_labels));
                }
            }
        }
        s
    }

    /// `START`, `ORDERS` and `batches(size)`, which yields each step's
    /// sample indices (`None`: the full data).
    pub fn start_and_batches(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# The start: Descent's parameter vector ({}).\nSTART = [\n{}]",
            crate::support::format::name_list(&self.names),
            wrapped(self.start.iter().map(|&v| py(v)), 4)
        );
        s.push_str("\n# Descent's seeded mini-batches: each epoch's shuffled order of the training\n# points, cut into consecutive batches as DataLoader(shuffle=True) cuts it.\nORDERS = {\n");
        for (size, epochs) in &self.orders {
            let _ = writeln!(s, "    {size}: [");
            for order in epochs {
                let _ = writeln!(
                    s,
                    "        [\n{}        ],",
                    wrapped_indented(order.iter().map(ToString::to_string), 20, 12)
                );
            }
            s.push_str("    ],\n");
        }
        s.push_str("}\n\n\ndef batches(size):\n    # Each step's sample indices; None is the full data (no mini-batches).\n    if size not in ORDERS:\n        while True:\n            yield None\n    for order in ORDERS[size]:\n        for i in range(0, len(order), size):\n            yield order[i:i + size]\n");
        s
    }
}

/// Every epoch's order of the stream over `count` samples in batches of
/// `size`, as many epochs as `steps` batches take.
fn epoch_orders(count: usize, size: usize, seed: u64, steps: u64) -> Vec<Vec<usize>> {
    let mut stream = BatchStream::new(count, Some(size), seed);
    let mut epochs: Vec<Vec<usize>> = Vec::new();
    for _ in 0..steps {
        let epoch = stream.epoch();
        if let crate::problem::Batch::Indices(idx) = stream.next_batch() {
            let idx = idx.to_vec();
            if stream.epoch() == epoch {
                if let Some(last) = epochs.last_mut() {
                    last.extend(idx);
                }
            } else {
                epochs.push(idx);
            }
        }
    }
    // The last epoch whole, so every order listed is a permutation.
    while epochs.last().is_some_and(|e| e.len() < count) {
        let crate::problem::Batch::Indices(idx) = stream.next_batch() else {
            break;
        };
        let idx = idx.to_vec();
        if let Some(last) = epochs.last_mut() {
            last.extend(idx);
        }
    }
    epochs
}

/// `items`, `per_line` a line, each line indented by four spaces.
pub(super) fn wrapped(items: impl Iterator<Item = String>, per_line: usize) -> String {
    wrapped_indented(items, per_line, 4)
}

/// `items`, `per_line` a line, indented by `indent` spaces, comma-ended.
fn wrapped_indented(items: impl Iterator<Item = String>, per_line: usize, indent: usize) -> String {
    let items: Vec<String> = items.collect();
    let mut s = String::new();
    for line in items.chunks(per_line.max(1)) {
        let _ = writeln!(s, "{:indent$}{},", "", line.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_hold_each_index_once_and_replay_the_stream() {
        let orders = epoch_orders(10, 4, 7, 7);
        // 7 steps of 4, 4, 2 per epoch: three epochs.
        assert_eq!(orders.len(), 3);
        for order in &orders {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        }
        let mut stream = BatchStream::new(10, Some(4), 7);
        let mut drawn = Vec::new();
        for _ in 0..9 {
            if let crate::problem::Batch::Indices(idx) = stream.next_batch() {
                drawn.extend_from_slice(idx);
            }
        }
        assert_eq!(drawn, orders.concat());
    }

    #[test]
    fn wrapping_ends_every_item_with_a_comma() {
        let text = wrapped((1..=5).map(|i| i.to_string()), 2);
        assert_eq!(text, "    1, 2,\n    3, 4,\n    5,\n");
    }
}
