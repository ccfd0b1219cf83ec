//! The recorded path of one run: parameters and full-data loss at every step.

/// Rows `k = 0, 1, …`: the parameters after k steps and the full-data loss there.
///
/// Stored flat, one row of `dim + 1` values per step, in a buffer zeroed up
/// front (the system hands such memory over untouched), so recording never
/// allocates once the capacity is reserved. [`Self::recording_ahead`] lets
/// a second thread take the buffer's first-touch page faults while rows are
/// written.
pub struct Trajectory {
    dim: usize,
    /// Recorded values first, then zeroed room.
    values: Vec<f64>,
    /// How many of `values` are recorded.
    filled: usize,
    /// How far `values` has been written, by rows or by the page toucher.
    touched: usize,
}

/// Below this much room ahead (in values, 256 KB), no thread is started to
/// touch it.
const TOUCH_AHEAD_FROM: usize = 1 << 15;
/// Values per 4 KB page.
const PAGE_VALUES: usize = 512;

impl Trajectory {
    /// An empty trajectory with room for `rows` rows.
    pub fn with_capacity(dim: usize, rows: usize) -> Self {
        Self {
            dim,
            values: vec![0.0; rows.saturating_mul(dim + 1)],
            filled: 0,
            touched: 0,
        }
    }

    /// Number of parameters per row.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of rows (steps recorded + 1 for the start).
    pub fn len(&self) -> usize {
        self.filled / (self.dim + 1)
    }

    /// Whether nothing is recorded yet.
    pub fn is_empty(&self) -> bool {
        self.filled == 0
    }

    /// The recorded values, row after row.
    fn recorded(&self) -> &[f64] {
        self.values.get(..self.filled).unwrap_or_default()
    }

    /// Row `k`: parameters and loss.
    pub fn row(&self, k: usize) -> Option<(&[f64], f64)> {
        let stride = self.dim + 1;
        let row = self.recorded().get(k * stride..(k + 1) * stride)?;
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
        self.recorded().get(start..end).unwrap_or_default()
    }

    /// Every row in order.
    pub fn rows(&self) -> impl Iterator<Item = (&[f64], f64)> + '_ {
        self.recorded().chunks_exact(self.dim + 1).map(|row| {
            let (params, loss) = row.split_at(self.dim);
            (params, loss.first().copied().unwrap_or(f64::NAN))
        })
    }

    /// Makes room for `more` values past the recorded ones, doubling.
    fn reserve(&mut self, more: usize) {
        let needed = self.filled.saturating_add(more);
        if needed > self.values.len() {
            let grown = needed.max(self.values.len().saturating_mul(2));
            self.values.resize(grown, 0.0);
        }
    }

    /// Appends a row.
    #[inline]
    pub(crate) fn push(&mut self, params: &[f64], loss: f64) {
        let stride = params.len() + 1;
        if self.filled + stride > self.values.len() {
            self.reserve(stride);
        }
        let mut rows = Rows {
            values: &mut self.values,
            filled: &mut self.filled,
        };
        rows.push(params, loss);
    }

    /// Appends whole rows given flat (`dim + 1` values each); a partial row
    /// at the end is dropped.
    pub fn extend_raw(&mut self, values: &[f64]) {
        let stride = self.dim + 1;
        let whole = values.len() / stride * stride;
        self.reserve(whole);
        if let (Some(to), Some(from)) = (
            self.values.get_mut(self.filled..self.filled + whole),
            values.get(..whole),
        ) {
            to.copy_from_slice(from);
            self.filled += whole;
        }
    }

    /// Overwrites the loss of the last row.
    #[inline]
    pub(crate) fn set_last_loss(&mut self, loss: f64) {
        Rows {
            values: &mut self.values,
            filled: &mut self.filled,
        }
        .set_last_loss(loss);
    }

    /// Runs `record` on the rows with room for `rows` more, while another
    /// thread writes once to each page of the room for the `rows` after
    /// those, so that the next call finds them faulted in. Only room of at
    /// least 256 KB not yet touched gets a thread.
    pub(crate) fn recording_ahead<R>(
        &mut self,
        rows: usize,
        record: impl FnOnce(&mut Rows<'_>) -> R,
    ) -> R {
        let span = rows.saturating_mul(self.dim + 1);
        self.reserve(span);
        let end = self.filled.saturating_add(span).min(self.values.len());
        let ahead_end = end.saturating_add(span).min(self.values.len());
        let from = self.touched.max(end);
        self.touched = self.touched.max(ahead_end);
        let (head, tail) = self.values.split_at_mut(end);
        let ahead = tail
            .get_mut(from - end..ahead_end - end)
            .unwrap_or_default();
        let mut rows = Rows {
            values: head,
            filled: &mut self.filled,
        };
        if ahead.len() < TOUCH_AHEAD_FROM {
            return record(&mut rows);
        }
        std::thread::scope(|scope| {
            // If no thread can be had, the pages fault in as rows reach them.
            drop(
                std::thread::Builder::new()
                    .name("descent-touch".into())
                    .spawn_scoped(scope, move || touch_pages(ahead)),
            );
            record(&mut rows)
        })
    }
}

/// Writes a zero into each 4 KB page of `values` (zeroed already), which
/// makes the system map the page.
fn touch_pages(values: &mut [f64]) {
    for page in values.chunks_mut(PAGE_VALUES) {
        if let Some(first) = page.first_mut() {
            // The optimiser must not see that the value is already 0.
            *first = std::hint::black_box(0.0);
        }
    }
}

/// Rows being recorded into room reserved ahead (see
/// [`Trajectory::recording_ahead`]).
pub(crate) struct Rows<'a> {
    values: &'a mut [f64],
    filled: &'a mut usize,
}

impl Rows<'_> {
    /// Appends a row; a row past the reserved room is dropped (the caller
    /// reserves it first).
    #[inline]
    pub(crate) fn push(&mut self, params: &[f64], loss: f64) {
        let start = *self.filled;
        if let Some(row) = self.values.get_mut(start..start + params.len() + 1) {
            let (to, last) = row.split_at_mut(params.len());
            // Value by value: `copy_from_slice` would call memmove for two.
            for (t, p) in to.iter_mut().zip(params) {
                *t = *p;
            }
            if let Some(l) = last.first_mut() {
                *l = loss;
            }
            *self.filled = start + params.len() + 1;
        }
    }

    /// Overwrites the loss of the last row.
    #[inline]
    pub(crate) fn set_last_loss(&mut self, loss: f64) {
        if let Some(last) = self
            .filled
            .checked_sub(1)
            .and_then(|i| self.values.get_mut(i))
        {
            *last = loss;
        }
    }
}

impl Clone for Trajectory {
    /// The recorded rows and as much room as the original has.
    fn clone(&self) -> Self {
        let mut values = vec![0.0; self.values.len()];
        if let Some(to) = values.get_mut(..self.filled) {
            to.copy_from_slice(self.recorded());
        }
        Self {
            dim: self.dim,
            values,
            filled: self.filled,
            touched: self.filled,
        }
    }
}

impl PartialEq for Trajectory {
    /// The same parameter count and the same recorded values.
    fn eq(&self, other: &Self) -> bool {
        self.dim == other.dim && self.recorded() == other.recorded()
    }
}

impl std::fmt::Debug for Trajectory {
    /// Its shape, not its values (a record can hold millions).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trajectory")
            .field("dim", &self.dim)
            .field("rows", &self.len())
            .field("room", &(self.values.len() / (self.dim + 1)))
            .finish_non_exhaustive()
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

    #[test]
    fn rows_recorded_ahead_equal_rows_pushed() {
        // 90 000 rows of 3 values: the room ahead of each call is past the
        // threshold, so a thread touches it.
        let rows = 90_000;
        let row = |k: usize| ([k as f64, -(k as f64)], k as f64 * 0.5);
        let mut pushed = Trajectory::with_capacity(2, rows);
        let mut ahead = Trajectory::with_capacity(2, rows);
        for k in 0..rows {
            let (p, l) = row(k);
            pushed.push(&p, f64::NAN);
            pushed.set_last_loss(l);
        }
        let mut k = 0;
        while k < rows {
            let count = (rows - k).min(16_384);
            ahead.recording_ahead(count, |r| {
                for j in k..k + count {
                    let (p, l) = row(j);
                    r.push(&p, f64::NAN);
                    r.set_last_loss(l);
                }
            });
            k += count;
        }
        assert_eq!(ahead.len(), rows);
        assert_eq!(ahead, pushed);
        assert_eq!(ahead.touched, 3 * rows);
        // Past the reserved room, a call makes more.
        ahead.recording_ahead(2, |r| r.push(&[1.0, 2.0], 3.0));
        assert_eq!(ahead.last(), Some((&[1.0, 2.0][..], 3.0)));
    }

    #[test]
    fn clones_compare_by_their_rows() {
        let mut t = Trajectory::with_capacity(1, 1000);
        t.extend_raw(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(t.len(), 2, "the partial row is dropped");
        let c = t.clone();
        assert_eq!(c, t);
        assert_eq!(c.values.len(), t.values.len(), "the clone keeps the room");
        let mut grown = Trajectory::with_capacity(1, 0);
        grown.extend_raw(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(grown, t, "room does not count");
        assert!(format!("{t:?}").contains("rows: 2"));
    }
}
