//! The models on data a user can pick, each with sensible defaults, and
//! the point-cloud generators a classifier can draw from.

use super::{
    Activation, ClassDataSource, ClassificationConfig, LineDataSource, LinearRegressionConfig,
    PolynomialConfig, ProblemConfig,
};

/// The models on data, by their picker names.
pub fn models() -> [(&'static str, ProblemConfig); 5] {
    let line = |n, slope, intercept, noise, seed| LineDataSource::Synthetic {
        n,
        slope,
        intercept,
        noise,
        x_range: (-1.0, 1.0),
        seed,
    };
    let classifier = |data, hidden: &[usize]| {
        ProblemConfig::Classification(ClassificationConfig {
            data,
            hidden: hidden.to_vec(),
            activation: Activation::Tanh,
            init_seed: 0,
            validation: 0.0,
            split_seed: 0,
        })
    };
    let blobs = |n, classes| ClassDataSource::Blobs {
        n,
        classes,
        spread: 0.8,
        seed: 0,
    };
    [
        (
            "Linear regression",
            ProblemConfig::LinearRegression(LinearRegressionConfig {
                data: line(100, 3.0, 0.5, 0.3, 0),
            }),
        ),
        (
            "Polynomial regression",
            ProblemConfig::PolynomialRegression(PolynomialConfig {
                data: line(40, 1.5, 0.2, 0.3, 3),
                degree: 5,
                l1: 0.0,
                l2: 0.0,
                validation: 0.3,
                split_seed: 0,
            }),
        ),
        ("Logistic regression", classifier(blobs(200, 2), &[])),
        ("Softmax regression", classifier(blobs(300, 3), &[])),
        (
            "MLP classifier",
            classifier(
                ClassDataSource::Moons {
                    n: 200,
                    noise: 0.15,
                    seed: 0,
                },
                &[16, 16],
            ),
        ),
    ]
}

/// The first model on data (what "Models on data" switches to).
pub fn first_model() -> ProblemConfig {
    let [(_, linear), ..] = models();
    linear
}

/// The picker's name for a model on data; `None` for surfaces.
pub fn model_name(problem: &ProblemConfig) -> Option<&'static str> {
    Some(match problem {
        ProblemConfig::LinearRegression(_) => "Linear regression",
        ProblemConfig::PolynomialRegression(_) => "Polynomial regression",
        ProblemConfig::Classification(c) if !c.hidden.is_empty() => "MLP classifier",
        ProblemConfig::Classification(c) if classes_of(&c.data) == Some(2) => "Logistic regression",
        ProblemConfig::Classification(_) => "Softmax regression",
        _ => return None,
    })
}

/// The classes a generator draws (`None` for a CSV file: unknown until read).
fn classes_of(data: &ClassDataSource) -> Option<usize> {
    match data {
        ClassDataSource::Moons { .. }
        | ClassDataSource::Circles { .. }
        | ClassDataSource::Xor { .. } => Some(2),
        ClassDataSource::Spiral { classes, .. } | ClassDataSource::Blobs { classes, .. } => {
            Some(*classes)
        }
        ClassDataSource::Csv(_) => None,
    }
}

/// The generators a classifier can draw from.
pub const SHAPES: [&str; 5] = ["Moons", "Circles", "Spiral", "XOR", "Blobs"];

/// The name of `data`'s generator.
pub fn shape_of(data: &ClassDataSource) -> &'static str {
    match data {
        ClassDataSource::Moons { .. } => "Moons",
        ClassDataSource::Circles { .. } => "Circles",
        ClassDataSource::Spiral { .. } => "Spiral",
        ClassDataSource::Xor { .. } => "XOR",
        ClassDataSource::Blobs { .. } => "Blobs",
        ClassDataSource::Csv(_) => "CSV file",
    }
}

/// Generator `name` with `n` points and `seed`, the rest at its defaults.
pub fn shape(name: &str, n: usize, seed: u64) -> ClassDataSource {
    match name {
        "Circles" => ClassDataSource::Circles {
            n,
            noise: 0.1,
            factor: 0.5,
            seed,
        },
        "Spiral" => ClassDataSource::Spiral {
            n,
            classes: 3,
            noise: 0.1,
            seed,
        },
        "XOR" => ClassDataSource::Xor {
            n,
            noise: 0.1,
            seed,
        },
        "Blobs" => ClassDataSource::Blobs {
            n,
            classes: 3,
            spread: 0.8,
            seed,
        },
        _ => ClassDataSource::Moons {
            n,
            noise: 0.15,
            seed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_is_named_by_its_own_entry_and_checks() {
        for (name, config) in models() {
            assert_eq!(model_name(&config), Some(name));
            let mut c = crate::support::validate::Checker::new("");
            config.check(&mut c);
            assert!(c.finish().is_empty(), "{name}");
        }
        for name in SHAPES {
            assert_eq!(shape_of(&shape(name, 10, 1)), name);
        }
    }
}
