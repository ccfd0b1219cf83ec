//! Labelled 2-D point sets for classification: seeded generators (moons,
//! circles, spiral, XOR, Gaussian blobs) and CSV import (`x1,x2,label`).

use std::f64::consts::{PI, TAU};
use std::path::{Path, PathBuf};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, SeedableRng as _};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::DataError;
use super::dataset::{number, row_error, seeded_shuffle, table};
use crate::support::validate::Checker;

/// Largest generated or imported data set.
pub const MAX_POINTS: usize = 100_000;
/// Most classes a data set may have.
pub const MAX_CLASSES: usize = 8;

/// Points with integer labels `0..classes`.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassData {
    /// (x1, x2) per point.
    pub points: Vec<[f64; 2]>,
    /// Label per point.
    pub labels: Vec<usize>,
    /// Number of classes (largest label + 1, at least 2).
    pub classes: usize,
}

/// Where a labelled data set comes from. `n` is the total number of points;
/// `noise` is the standard deviation of Gaussian jitter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClassDataSource {
    /// Two interleaving half circles (scikit-learn's `make_moons`).
    Moons {
        /// Points.
        #[serde(default = "default_n")]
        n: usize,
        /// Jitter.
        #[serde(default = "default_noise")]
        noise: f64,
        /// Generator seed.
        #[serde(default)]
        seed: u64,
    },
    /// A circle inside another (`make_circles`), inner radius `factor`.
    Circles {
        /// Points.
        #[serde(default = "default_n")]
        n: usize,
        /// Jitter.
        #[serde(default = "default_noise")]
        noise: f64,
        /// Inner radius relative to the outer.
        #[serde(default = "default_factor")]
        factor: f64,
        /// Generator seed.
        #[serde(default)]
        seed: u64,
    },
    /// `classes` interleaved spiral arms (the `CS231n` spiral).
    Spiral {
        /// Points.
        #[serde(default = "default_n")]
        n: usize,
        /// Arms.
        #[serde(default = "default_classes")]
        classes: usize,
        /// Jitter of the angle.
        #[serde(default = "default_noise")]
        noise: f64,
        /// Generator seed.
        #[serde(default)]
        seed: u64,
    },
    /// Points uniform in [−1, 1]², labelled by the sign of x1·x2.
    Xor {
        /// Points.
        #[serde(default = "default_n")]
        n: usize,
        /// Jitter added after labelling.
        #[serde(default = "default_noise")]
        noise: f64,
        /// Generator seed.
        #[serde(default)]
        seed: u64,
    },
    /// `classes` Gaussian blobs with centres evenly on a circle of radius 2.
    Blobs {
        /// Points.
        #[serde(default = "default_n")]
        n: usize,
        /// Blobs.
        #[serde(default = "default_two")]
        classes: usize,
        /// Standard deviation of each blob.
        #[serde(default = "default_spread")]
        spread: f64,
        /// Generator seed.
        #[serde(default)]
        seed: u64,
    },
    /// A CSV file with the header `x1,x2,label` (labels 0, 1, …); relative
    /// to the preset.
    Csv(PathBuf),
}

fn default_n() -> usize {
    200
}
fn default_noise() -> f64 {
    0.1
}
fn default_factor() -> f64 {
    0.5
}
fn default_classes() -> usize {
    3
}
fn default_two() -> usize {
    2
}
fn default_spread() -> f64 {
    0.6
}

impl ClassDataSource {
    /// Loads or generates the points.
    #[expect(clippy::too_many_lines, reason = "one arm per generator")]
    pub fn load(&self, base_dir: &Path) -> Result<ClassData, DataError> {
        let gauss = |rng: &mut Xoshiro256PlusPlus| -> f64 { rng.sample(StandardNormal) };
        let data = match *self {
            Self::Csv(ref path) => {
                let full = if path.is_absolute() {
                    path.clone()
                } else {
                    base_dir.join(path)
                };
                let text = std::fs::read_to_string(&full).map_err(|source| DataError::Io {
                    path: full.clone(),
                    source,
                })?;
                return parse_class_csv(&text, &full);
            }
            Self::Moons { n, noise, seed } => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let outer = n - n / 2;
                let mut d = empty(2);
                for i in 0..n {
                    let (label, k, count) = if i < outer {
                        (0, i, outer)
                    } else {
                        (1, i - outer, n / 2)
                    };
                    let t = PI * k as f64 / (count.max(2) - 1) as f64;
                    let (x, y) = if label == 0 {
                        (t.cos(), t.sin())
                    } else {
                        (1.0 - t.cos(), 0.5 - t.sin())
                    };
                    d.push(
                        [x + noise * gauss(&mut rng), y + noise * gauss(&mut rng)],
                        label,
                    );
                }
                d
            }
            Self::Circles {
                n,
                noise,
                factor,
                seed,
            } => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let outer = n - n / 2;
                let mut d = empty(2);
                for i in 0..n {
                    let (label, k, count, r) = if i < outer {
                        (0, i, outer, 1.0)
                    } else {
                        (1, i - outer, n / 2, factor)
                    };
                    let t = TAU * k as f64 / count.max(1) as f64;
                    d.push(
                        [
                            r * t.cos() + noise * gauss(&mut rng),
                            r * t.sin() + noise * gauss(&mut rng),
                        ],
                        label,
                    );
                }
                d
            }
            Self::Spiral {
                n,
                classes,
                noise,
                seed,
            } => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let per = (n / classes.max(1)).max(1);
                let mut d = empty(classes);
                for label in 0..classes {
                    for i in 0..per {
                        let r = i as f64 / per as f64;
                        let t =
                            label as f64 * TAU / classes as f64 + 4.0 * r + noise * gauss(&mut rng);
                        d.push([r * t.sin(), r * t.cos()], label);
                    }
                }
                d
            }
            Self::Xor { n, noise, seed } => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let mut d = empty(2);
                for _ in 0..n {
                    let x: f64 = rng.random_range(-1.0..1.0);
                    let y: f64 = rng.random_range(-1.0..1.0);
                    let label = usize::from(x * y > 0.0);
                    d.push(
                        [x + noise * gauss(&mut rng), y + noise * gauss(&mut rng)],
                        label,
                    );
                }
                d
            }
            Self::Blobs {
                n,
                classes,
                spread,
                seed,
            } => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                let mut d = empty(classes);
                for i in 0..n {
                    let label = i % classes.max(1);
                    let a = TAU * label as f64 / classes as f64;
                    d.push(
                        [
                            2.0 * a.cos() + spread * gauss(&mut rng),
                            2.0 * a.sin() + spread * gauss(&mut rng),
                        ],
                        label,
                    );
                }
                d
            }
        };
        Ok(data)
    }

    /// Range checks under `c`'s current prefix.
    pub(crate) fn check(&self, c: &mut Checker) {
        let count = |c: &mut Checker, n: usize| {
            if !(2..=MAX_POINTS).contains(&n) {
                c.fail("n", format!("must be between 2 and {MAX_POINTS}, got {n}"));
            }
        };
        let classes_ok = |c: &mut Checker, k: usize| {
            if !(2..=MAX_CLASSES).contains(&k) {
                c.fail(
                    "classes",
                    format!("must be between 2 and {MAX_CLASSES}, got {k}"),
                );
            }
        };
        match *self {
            Self::Moons { n, noise, .. } | Self::Xor { n, noise, .. } => {
                count(c, n);
                c.non_negative("noise", noise);
            }
            Self::Circles {
                n, noise, factor, ..
            } => {
                count(c, n);
                c.non_negative("noise", noise);
                if !(factor > 0.0 && factor < 1.0) {
                    c.fail("factor", format!("must be in (0, 1), got {factor}"));
                }
            }
            Self::Spiral {
                n, classes, noise, ..
            } => {
                count(c, n);
                classes_ok(c, classes);
                c.non_negative("noise", noise);
            }
            Self::Blobs {
                n, classes, spread, ..
            } => {
                count(c, n);
                classes_ok(c, classes);
                c.non_negative("spread", spread);
            }
            Self::Csv(_) => {}
        }
    }
}

fn empty(classes: usize) -> ClassData {
    ClassData {
        points: Vec::new(),
        labels: Vec::new(),
        classes: classes.max(2),
    }
}

impl ClassData {
    fn push(&mut self, p: [f64; 2], label: usize) {
        self.points.push(p);
        self.labels.push(label);
    }
}

/// Splits off a seeded random `ratio` of the points for validation (at
/// least one point each side when the ratio is positive).
pub fn split_classes(data: ClassData, ratio: f64, seed: u64) -> (ClassData, Option<ClassData>) {
    let n = data.points.len();
    if ratio.is_nan() || ratio <= 0.0 || n < 2 {
        return (data, None);
    }
    let held = ((n as f64 * ratio).round() as usize).clamp(1, n - 1);
    let mut order: Vec<usize> = (0..n).collect();
    seeded_shuffle(&mut order, seed);
    let (validation, train) = order.split_at(held);
    let take = |idx: &[usize]| {
        let mut idx = idx.to_vec();
        idx.sort_unstable();
        ClassData {
            points: idx.iter().map(|&i| data.points[i]).collect(),
            labels: idx.iter().map(|&i| data.labels[i]).collect(),
            classes: data.classes,
        }
    };
    (take(train), Some(take(validation)))
}

/// Parses `x1,x2,label` rows after a header line. Errors name the 1-based line.
pub fn parse_class_csv(text: &str, path: &Path) -> Result<ClassData, DataError> {
    let rows = table(text, path, &["x1", "x2", "label"])?;
    if let Some((line, _)) = rows.get(MAX_POINTS) {
        return Err(row_error(
            path,
            *line,
            format!("more than {MAX_POINTS} rows"),
        ));
    }
    let mut data = empty(2);
    for (line, fields) in rows {
        let point = [
            number(path, line, "x1", fields[0])?,
            number(path, line, "x2", fields[1])?,
        ];
        let l = fields[2];
        let label = l
            .parse::<usize>()
            .ok()
            .filter(|&k| k < MAX_CLASSES)
            .ok_or_else(|| {
                row_error(
                    path,
                    line,
                    format!(
                        "label must be a whole number from 0 to {}, got `{l}`",
                        MAX_CLASSES - 1
                    ),
                )
            })?;
        data.classes = data.classes.max(label + 1);
        data.push(point, label);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_seeded_sized_and_labelled() {
        let sources = [
            ClassDataSource::Moons {
                n: 101,
                noise: 0.1,
                seed: 3,
            },
            ClassDataSource::Circles {
                n: 100,
                noise: 0.05,
                factor: 0.5,
                seed: 3,
            },
            ClassDataSource::Spiral {
                n: 300,
                classes: 3,
                noise: 0.2,
                seed: 3,
            },
            ClassDataSource::Xor {
                n: 100,
                noise: 0.0,
                seed: 3,
            },
            ClassDataSource::Blobs {
                n: 90,
                classes: 3,
                spread: 0.5,
                seed: 3,
            },
        ];
        for s in &sources {
            let a = s.load(Path::new(".")).unwrap();
            let b = s.load(Path::new(".")).unwrap();
            assert_eq!(a, b, "{s:?} is deterministic");
            assert_eq!(a.points.len(), a.labels.len());
            assert!(a.labels.iter().all(|&l| l < a.classes));
            for k in 0..a.classes {
                assert!(a.labels.contains(&k), "{s:?} has class {k}");
            }
        }
        let xor = sources[3].load(Path::new(".")).unwrap();
        for (p, &l) in xor.points.iter().zip(&xor.labels) {
            assert_eq!(
                l == 1,
                p[0] * p[1] > 0.0,
                "noise 0: labels follow the quadrant"
            );
        }
    }

    #[test]
    fn the_class_split_is_seeded_and_sized() {
        let data = ClassDataSource::Moons {
            n: 100,
            noise: 0.1,
            seed: 0,
        }
        .load(Path::new("."))
        .unwrap();
        let (train, val) = split_classes(data.clone(), 0.25, 3);
        let val = val.unwrap();
        assert_eq!((train.points.len(), val.points.len()), (75, 25));
        assert_eq!(train.classes, 2);
        assert_eq!(split_classes(data.clone(), 0.25, 3).1.unwrap(), val);
        assert!(val.points.iter().all(|p| !train.points.contains(p)));
        assert!(split_classes(data, 0.0, 3).1.is_none());
    }

    #[test]
    fn csv_import_names_the_bad_row() {
        let ok = parse_class_csv("x1,x2,label\n0.5,1,0\n-1,2,2\n", Path::new("d.csv")).unwrap();
        assert_eq!(ok.classes, 3);
        assert_eq!(ok.points, vec![[0.5, 1.0], [-1.0, 2.0]]);
        let e = parse_class_csv("x1,x2,label\n1,2,0\n1,2\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv:3: expected 3 fields (x1,x2,label), found 2"
        );
        let e = parse_class_csv("x1,x2,label\n1,x,0\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(e.to_string(), "d.csv:2: x2 is not a number: `x`");
        let e = parse_class_csv("x1,x2,label\n1,2,-1\n", Path::new("d.csv")).unwrap_err();
        assert!(e.to_string().starts_with("d.csv:2: label must be"), "{e}");
        let e = parse_class_csv("x,y\n1,2\n", Path::new("d.csv")).unwrap_err();
        assert!(e.to_string().contains("x1,x2,label"));
    }
}
