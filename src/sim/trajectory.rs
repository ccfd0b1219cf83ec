//! The recorded path of one run: parameters and full-data loss at every step.

/// Rows `k = 0, 1, …`: the parameters after k steps and the full-data loss there.
///
/// Stored flat, one row of `dim + 1` values per step, so recording never
/// allocates once the capacity is reserved.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    dim: usize,
    values: Vec<f64>,
}

impl Trajectory {
    /// An empty trajectory with room for `rows` rows.
    pub fn with_capacity(dim: usize, rows: usize) -> Self {
        Self {
            dim,
            values: Vec::with_capacity(rows.saturating_mul(dim + 1)),
        }
    }

    /// Number of parameters per row.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of rows (steps recorded + 1 for the start).
    pub fn len(&self) -> usize {
        self.values.len() / (self.dim + 1)
    }

    /// Whether nothing is recorded yet.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Row `k`: parameters and loss.
    pub fn row(&self, k: usize) -> Option<(&[f64], f64)> {
        let stride = self.dim + 1;
        let row = self.values.get(k * stride..(k + 1) * stride)?;
        let (params, loss) = row.split_at(self.dim);
        Some((params, loss.first().copied().unwrap_or(f64::NAN)))
    }

    /// The parameters at row `k`.
    pub fn params(&self, k: usize) -> Option<&[f64]> {
        self.row(k).map(|(p, _)| p)
    }

    /// The loss at row `k`.
    pub fn loss(&self, k: usize) -> Option<f64> {
        self.row(k).map(|(_, l)| l)
    }

    /// The last row.
    pub fn last(&self) -> Option<(&[f64], f64)> {
        self.len().checked_sub(1).and_then(|k| self.row(k))
    }

    /// The flat values of rows `range` (`dim + 1` per row), clamped to what exists.
    pub fn raw_rows(&self, range: std::ops::Range<usize>) -> &[f64] {
        let stride = self.dim + 1;
        let end = range.end.min(self.len()) * stride;
        let start = (range.start * stride).min(end);
        self.values.get(start..end).unwrap_or_default()
    }

    /// Every row in order.
    pub fn rows(&self) -> impl Iterator<Item = (&[f64], f64)> + '_ {
        self.values.chunks_exact(self.dim + 1).map(|row| {
            let (params, loss) = row.split_at(self.dim);
            (params, loss.first().copied().unwrap_or(f64::NAN))
        })
    }

    /// Appends a row.
    #[inline]
    pub(crate) fn push(&mut self, params: &[f64], loss: f64) {
        // `extend` over a copied iterator avoids a memmove call for 2 values.
        self.values.extend(params.iter().copied());
        self.values.push(loss);
    }

    /// Appends whole rows given flat (`dim + 1` values each); a partial row
    /// at the end is dropped.
    pub fn extend_raw(&mut self, values: &[f64]) {
        let stride = self.dim + 1;
        let whole = values.len() / stride * stride;
        self.values
            .extend_from_slice(values.get(..whole).unwrap_or_default());
    }

    /// Overwrites the loss of the last row.
    #[inline]
    pub(crate) fn set_last_loss(&mut self, loss: f64) {
        if let Some(last) = self.values.last_mut() {
            *last = loss;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip() {
        let mut t = Trajectory::with_capacity(2, 4);
        t.push(&[1.0, 2.0], f64::NAN);
        t.set_last_loss(5.0);
        t.push(&[3.0, 4.0], 6.0);
        assert_eq!(t.len(), 2);
        assert_eq!(t.row(0), Some((&[1.0, 2.0][..], 5.0)));
        assert_eq!(t.last(), Some((&[3.0, 4.0][..], 6.0)));
        assert_eq!(t.row(2), None);
        assert_eq!(t.rows().count(), 2);
    }
}
