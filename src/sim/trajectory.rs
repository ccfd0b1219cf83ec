//! The recorded path of one run: parameters and full-data loss at every step.

/// Rows `k = 0, 1, …`: the parameters after k steps and the full-data loss there.
///
/// Stored flat, one row of `dim + 1` values per step, so recording never
/// allocates once the capacity is reserved. A record of 32 MiB or more is
/// zeroed up front instead, which the system hands over as untouched pages;
/// [`Self::recording_ahead`] then lets a second thread take their
/// first-touch page faults while rows are written.
pub struct Trajectory {
    dim: usize,
    /// The recorded values; for a zeroed record, then its zeroed room.
    values: Vec<f64>,
    /// How many of `values` are recorded.
    filled: usize,
    /// Whether `values` holds zeroed room past the recorded values.
    zeroed: bool,
    /// How far a zeroed record's pages have been touched.
    touched: usize,
}

/// From this size (in values, 32 MiB) a record is zeroed up front: an
/// allocation this large comes straight from the system, zero and untouched
/// (glibc's largest threshold for reusing freed memory is 32 MiB, and
/// reused memory would have to be cleared value by value).
const ZEROED_FROM: usize = 1 << 22;
/// Below this much room ahead (in values, 256 KB), no thread is started to
/// touch it.
const TOUCH_AHEAD_FROM: usize = 1 << 15;
/// Values per 4 KB page.
const PAGE_VALUES: usize = 512;

impl Trajectory {
    /// An empty trajectory with room for `rows` rows.
    pub fn with_capacity(dim: usize, rows: usize) -> Self {
        let room = rows.saturating_mul(dim + 1);
        let zeroed = room >= ZEROED_FROM;
        Self {
            dim,
            values: if zeroed {
                vec![0.0; room]
            } else {
                Vec::with_capacity(room)
            },
            filled: 0,
            zeroed,
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

    /// Makes room for `more` values past the recorded ones.
    fn reserve(&mut self, more: usize) {
        let needed = self.filled.saturating_add(more);
        if !self.zeroed {
            self.values.reserve(more);
        } else if needed > self.values.len() {
            let grown = needed.max(self.values.len().saturating_mul(2));
            self.values.resize(grown, 0.0);
        }
    }

    /// Appends a row.
    #[inline]
    pub(crate) fn push(&mut self, params: &[f64], loss: f64) {
        if !self.zeroed {
            // `extend` over a copied iterator avoids a memmove call for 2 values.
            self.values.extend(params.iter().copied());
            self.values.push(loss);
            self.filled = self.values.len();
            return;
        }
        if self.filled + params.len() + 1 > self.values.len() {
            self.reserve(params.len() + 1);
        }
        write_row(&mut self.values, &mut self.filled, params, loss);
    }

    /// Appends whole rows given flat (`dim + 1` values each); a partial row
    /// at the end is dropped.
    pub fn extend_raw(&mut self, values: &[f64]) {
        let stride = self.dim + 1;
        let whole = values
            .get(..values.len() / stride * stride)
            .unwrap_or_default();
        if !self.zeroed {
            self.values.extend_from_slice(whole);
            self.filled = self.values.len();
            return;
        }
        self.reserve(whole.len());
        if let Some(to) = self.values.get_mut(self.filled..self.filled + whole.len()) {
            to.copy_from_slice(whole);
            self.filled += whole.len();
        }
    }

    /// Overwrites the loss of the last row.
    #[inline]
    pub(crate) fn set_last_loss(&mut self, loss: f64) {
        set_last(&mut self.values, self.filled, loss);
    }

    /// Runs `record` on the rows with room for `rows` more. On a zeroed
    /// record, another thread meanwhile writes once to each page of the room
    /// for the `rows` after those, so that the next call finds them faulted
    /// in; room of less than 256 KB not yet touched gets no thread.
    pub(crate) fn recording_ahead<R>(
        &mut self,
        rows: usize,
        record: impl FnOnce(&mut Rows<'_>) -> R,
    ) -> R {
        let span = rows.saturating_mul(self.dim + 1);
        self.reserve(span);
        if !self.zeroed {
            return record(&mut Rows::Pushed(self));
        }
        let end = self.filled.saturating_add(span).min(self.values.len());
        let ahead_end = end.saturating_add(span).min(self.values.len());
        let from = self.touched.max(end);
        self.touched = self.touched.max(ahead_end);
        let (head, tail) = self.values.split_at_mut(end);
        let ahead = tail
            .get_mut(from - end..ahead_end - end)
            .unwrap_or_default();
        let mut rows = Rows::Zeroed {
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

/// Writes a row into zeroed room at `*filled`; a row past the room is
/// dropped (callers reserve it first).
#[inline]
fn write_row(values: &mut [f64], filled: &mut usize, params: &[f64], loss: f64) {
    let start = *filled;
    if let Some(row) = values.get_mut(start..start + params.len() + 1) {
        let (to, last) = row.split_at_mut(params.len());
        // Value by value: `copy_from_slice` would call memmove for two.
        for (t, p) in to.iter_mut().zip(params) {
            *t = *p;
        }
        if let Some(l) = last.first_mut() {
            *l = loss;
        }
        *filled = start + params.len() + 1;
    }
}

/// Overwrites the last of the first `filled` values.
#[inline]
fn set_last(values: &mut [f64], filled: usize, loss: f64) {
    if let Some(last) = filled.checked_sub(1).and_then(|i| values.get_mut(i)) {
        *last = loss;
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

/// Rows being recorded (see [`Trajectory::recording_ahead`]).
pub(crate) enum Rows<'a> {
    /// Pushed onto a record that grows as it goes.
    Pushed(&'a mut Trajectory),
    /// Written into a zeroed record's room, whose next part another thread
    /// may be touching.
    Zeroed {
        values: &'a mut [f64],
        filled: &'a mut usize,
    },
}

impl Rows<'_> {
    /// Appends a row.
    #[inline]
    pub(crate) fn push(&mut self, params: &[f64], loss: f64) {
        match self {
            Self::Pushed(t) => t.push(params, loss),
            Self::Zeroed { values, filled } => write_row(values, filled, params, loss),
        }
    }

    /// Overwrites the loss of the last row.
    #[inline]
    pub(crate) fn set_last_loss(&mut self, loss: f64) {
        match self {
            Self::Pushed(t) => t.set_last_loss(loss),
            Self::Zeroed { values, filled } => set_last(values, **filled, loss),
        }
    }
}

impl Clone for Trajectory {
    /// The recorded rows; a zeroed record keeps its room.
    fn clone(&self) -> Self {
        let values = if self.zeroed {
            let mut values = vec![0.0; self.values.len()];
            if let Some(to) = values.get_mut(..self.filled) {
                to.copy_from_slice(self.recorded());
            }
            values
        } else {
            self.values.clone()
        };
        Self {
            dim: self.dim,
            values,
            filled: self.filled,
            zeroed: self.zeroed,
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
            .field("zeroed", &self.zeroed)
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
        // 1.5 M rows of 3 values (36 MB): zeroed, and the room ahead of each
        // call is past the threshold, so a thread touches it.
        let rows = 1_500_000;
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
            let count = (rows - k).min(65_536);
            ahead.recording_ahead(count, |r| {
                for j in k..k + count {
                    let (p, l) = row(j);
                    r.push(&p, f64::NAN);
                    r.set_last_loss(l);
                }
            });
            k += count;
        }
        assert!(ahead.zeroed && !Trajectory::with_capacity(2, 1000).zeroed);
        assert_eq!(ahead.len(), rows);
        assert_eq!(ahead, pushed);
        assert_eq!(ahead.touched, 3 * rows);
        // Past the reserved room, a call makes more.
        ahead.recording_ahead(2, |r| r.push(&[1.0, 2.0], 3.0));
        assert_eq!(ahead.last(), Some((&[1.0, 2.0][..], 3.0)));
    }

    #[test]
    fn clones_compare_by_their_rows() {
        let mut t = Trajectory::with_capacity(1, 1 << 21);
        t.extend_raw(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(t.len(), 2, "the partial row is dropped");
        let c = t.clone();
        assert_eq!(c, t);
        assert_eq!(c.values.len(), t.values.len(), "the clone keeps the room");
        let mut grown = Trajectory::with_capacity(1, 0);
        grown.extend_raw(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(grown, t, "room does not count");
        assert_eq!(grown.clone(), grown);
        assert!(format!("{t:?}").contains("rows: 2"));
    }
}
