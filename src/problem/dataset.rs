//! Data sets for the regression problems: seeded generators and CSV import.

use std::fmt;
use std::path::{Path, PathBuf};

use ndarray::Array1;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, SeedableRng as _};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::support::validate::Checker;

/// Points (xᵢ, yᵢ) for a 1-D regression.
#[derive(Clone, Debug, PartialEq)]
pub struct LineData {
    /// Inputs.
    pub x: Array1<f64>,
    /// Targets.
    pub y: Array1<f64>,
}

/// Where a line data set comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LineDataSource {
    /// A CSV file with a header `x,y`; a relative path is relative to the preset.
    Csv(PathBuf),
    /// y = slope·x + intercept + N(0, noise²), x uniform in `x_range`.
    Synthetic {
        /// Number of points.
        #[serde(default = "default_n")]
        n: usize,
        /// True slope.
        #[serde(default = "default_slope")]
        slope: f64,
        /// True intercept.
        #[serde(default = "default_intercept")]
        intercept: f64,
        /// Standard deviation of the Gaussian noise.
        #[serde(default = "default_noise")]
        noise: f64,
        /// Range of x.
        #[serde(default = "default_x_range")]
        x_range: (f64, f64),
        /// Seed of the generator.
        #[serde(default)]
        seed: u64,
    },
}

fn default_n() -> usize {
    100
}
fn default_slope() -> f64 {
    3.0
}
fn default_intercept() -> f64 {
    0.5
}
fn default_noise() -> f64 {
    0.3
}
fn default_x_range() -> (f64, f64) {
    (-1.0, 1.0)
}

/// A data set that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read data file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A row is malformed.
    #[error("{path}:{row}: {message}")]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file.
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// The file has no data rows.
    #[error("{path}: no data rows")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl LineDataSource {
    /// Loads or generates the points.
    pub fn load(&self, base_dir: &Path) -> Result<LineData, DataError> {
        match self {
            Self::Csv(path) => {
                let path = base_dir.join(path);
                let text = std::fs::read_to_string(&path).map_err(|source| DataError::Io {
                    path: path.clone(),
                    source,
                })?;
                parse_xy_csv(&text, &path)
            }
            Self::Synthetic {
                n,
                slope,
                intercept,
                noise,
                x_range,
                seed,
            } => Ok(synthetic_line(
                *n, *slope, *intercept, *noise, *x_range, *seed,
            )),
        }
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        if let Self::Synthetic {
            n,
            slope,
            intercept,
            noise,
            x_range,
            ..
        } = self
        {
            c.at_least_one("n", *n as u64);
            if *n > 10_000_000 {
                c.fail("n", format!("must be at most 10000000, got {n}"));
            }
            c.finite("slope", *slope);
            c.finite("intercept", *intercept);
            c.non_negative("noise", *noise);
            if c.finite("x_range.0", x_range.0)
                && c.finite("x_range.1", x_range.1)
                && x_range.0 >= x_range.1
            {
                c.fail("x_range", "the lower end must be below the upper end");
            }
        }
    }
}

/// Seeded synthetic line data.
pub fn synthetic_line(
    n: usize,
    slope: f64,
    intercept: f64,
    noise: f64,
    x_range: (f64, f64),
    seed: u64,
) -> LineData {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let x: Array1<f64> = (0..n)
        .map(|_| rng.random_range(x_range.0..x_range.1))
        .collect();
    let y = x.mapv(|xi| {
        let z: f64 = rng.sample(StandardNormal);
        slope * xi + intercept + noise * z
    });
    LineData { x, y }
}

/// Splits off a seeded random `ratio` of the points for validation (at least
/// one point each side when the ratio is positive); `None` when `ratio` is 0.
pub fn split(data: LineData, ratio: f64, seed: u64) -> (LineData, Option<LineData>) {
    let n = data.x.len();
    if ratio.is_nan() || ratio <= 0.0 || n < 2 {
        return (data, None);
    }
    // The extreme inputs always train, so validation never asks a model to
    // extrapolate beyond the data it was fitted on.
    let by_x = |a: &usize, b: &usize| data.x[*a].total_cmp(&data.x[*b]);
    let (lo, hi) = (
        (0..n).min_by(by_x).unwrap_or(0),
        (0..n).max_by(by_x).unwrap_or(0),
    );
    let mut order: Vec<usize> = (0..n).filter(|&i| i != lo && i != hi).collect();
    if order.is_empty() {
        return (data, None);
    }
    let held = ((n as f64 * ratio).round() as usize).clamp(1, order.len());
    seeded_shuffle(&mut order, seed);
    let take = |idx: &[usize]| LineData {
        x: idx.iter().map(|&i| data.x[i]).collect(),
        y: idx.iter().map(|&i| data.y[i]).collect(),
    };
    let (validation, rest) = order.split_at(held);
    let mut train: Vec<usize> = rest.to_vec();
    train.push(lo);
    if hi != lo {
        train.push(hi);
    }
    train.sort_unstable();
    (take(&train), Some(take(validation)))
}

/// The data rows of a CSV table whose first non-blank line is exactly
/// `header`, as (1-based line, trimmed fields); every row must have as many
/// fields as the header. Errors name the line.
pub(super) fn table<'a>(
    text: &'a str,
    path: &Path,
    header: &[&str],
) -> Result<Vec<(usize, Vec<&'a str>)>, DataError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l));
    let Some((header_line, first)) = lines.next() else {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    };
    let names = header.join(",");
    let columns: Vec<&str> = first.split(',').map(str::trim).collect();
    if columns != header {
        return Err(row_error(
            path,
            header_line,
            format!("expected the header `{names}`, found `{}`", first.trim()),
        ));
    }
    let rows = lines
        .map(|(line, text)| {
            let fields: Vec<&str> = text.split(',').map(str::trim).collect();
            if fields.len() == header.len() {
                Ok((line, fields))
            } else {
                Err(row_error(
                    path,
                    line,
                    format!(
                        "expected {} fields ({names}), found {}",
                        header.len(),
                        fields.len()
                    ),
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(rows)
}

/// A [`DataError::Row`] for line `row` of `path`.
pub(super) fn row_error(path: &Path, row: usize, message: String) -> DataError {
    DataError::Row {
        path: path.to_path_buf(),
        row,
        message,
    }
}

/// Field `name` of line `row` as a finite number.
pub(super) fn number(path: &Path, row: usize, name: &str, text: &str) -> Result<f64, DataError> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) => Err(row_error(path, row, format!("{name} is not finite: {v}"))),
        Err(_) => Err(row_error(
            path,
            row,
            format!("{name} is not a number: `{text}`"),
        )),
    }
}

/// `items` shuffled by a seeded Fisher–Yates pass (the train/validation splits).
pub(super) fn seeded_shuffle(items: &mut [usize], seed: u64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5EED_5B17);
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

/// Parses `x,y` rows with a header line. Errors name the 1-based line.
pub fn parse_xy_csv(text: &str, path: &Path) -> Result<LineData, DataError> {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for (line, fields) in table(text, path, &["x", "y"])? {
        xs.push(number(path, line, "x", fields[0])?);
        ys.push(number(path, line, "y", fields[1])?);
    }
    Ok(LineData {
        x: Array1::from(xs),
        y: Array1::from(ys),
    })
}

impl fmt::Display for LineDataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Csv(p) => write!(f, "{}", p.display()),
            Self::Synthetic { n, .. } => write!(f, "{n} synthetic points"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_parsed() {
        let d = parse_xy_csv("x,y\n1,2\n\n-0.5, 3e-1\n", Path::new("d.csv")).unwrap();
        assert_eq!(d.x.to_vec(), [1.0, -0.5]);
        assert_eq!(d.y.to_vec(), [2.0, 0.3]);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let e = parse_xy_csv("x,y\n1,2\n3\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(e.to_string(), "d.csv:3: expected 2 fields (x,y), found 1");
        let e = parse_xy_csv("x,y\n1,abc\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(e.to_string(), "d.csv:2: y is not a number: `abc`");
        let e = parse_xy_csv("a,b\n1,2\n", Path::new("d.csv")).unwrap_err();
        assert!(e.to_string().contains("expected the header `x,y`"));
        assert!(matches!(
            parse_xy_csv("x,y\n", Path::new("d.csv")),
            Err(DataError::Empty { .. })
        ));
    }

    #[test]
    fn the_split_is_seeded_sized_and_keeps_the_extremes_in_training() {
        let data = synthetic_line(40, 1.0, 0.0, 0.1, (-1.0, 1.0), 2);
        let (train, val) = split(data.clone(), 0.3, 5);
        let val = val.unwrap();
        assert_eq!((train.x.len(), val.x.len()), (28, 12));
        let lo = data.x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = data.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(train.x.iter().any(|&x| x == lo) && train.x.iter().any(|&x| x == hi));
        assert!(val.x.iter().all(|&x| x > lo && x < hi));
        assert_eq!(split(data.clone(), 0.3, 5).1.unwrap(), val, "seeded");
        assert_ne!(split(data.clone(), 0.3, 6).1.unwrap(), val);
        assert!(split(data, 0.0, 5).1.is_none());
    }

    #[test]
    fn synthetic_data_is_seeded() {
        let a = synthetic_line(20, 2.0, 1.0, 0.1, (-1.0, 1.0), 7);
        let b = synthetic_line(20, 2.0, 1.0, 0.1, (-1.0, 1.0), 7);
        let c = synthetic_line(20, 2.0, 1.0, 0.1, (-1.0, 1.0), 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.x.iter().all(|&x| (-1.0..1.0).contains(&x)));
    }
}
