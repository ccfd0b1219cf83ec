//! The lr each step of a run used, kept as one number while it stays the
//! same.

/// `get(k)` is the lr that took row k to row k + 1.
///
/// Without a schedule every step uses the same lr: the record then holds
/// that number and a count, so 5·10⁶ steps cost no memory (they cost 40 MB
/// when every step was written out). The first step whose lr differs writes
/// the earlier ones out and every step after it is kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LrRecord {
    /// Every step's lr, once one has differed from the first.
    values: Vec<f64>,
    /// Steps recorded while `values` is empty, all at `constant`.
    constant_steps: usize,
    /// The lr of the first `constant_steps` steps.
    constant: f64,
}

impl LrRecord {
    /// A record with room for `steps` changing lrs, or none if the lr
    /// cannot change.
    pub(crate) fn with_capacity(steps: usize) -> Self {
        Self {
            values: Vec::with_capacity(steps),
            ..Self::default()
        }
    }

    /// Records the next step's lr.
    #[inline]
    pub(crate) fn push(&mut self, lr: f64) {
        if self.values.is_empty() {
            if self.constant_steps == 0 || lr.to_bits() == self.constant.to_bits() {
                self.constant = lr;
                self.constant_steps += 1;
                return;
            }
            self.values.resize(self.constant_steps, self.constant);
        }
        self.values.push(lr);
    }

    /// Steps recorded.
    pub fn len(&self) -> usize {
        if self.values.is_empty() {
            self.constant_steps
        } else {
            self.values.len()
        }
    }

    /// Whether no step is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lr of step `k`.
    pub fn get(&self, k: usize) -> Option<f64> {
        if self.values.is_empty() {
            (k < self.constant_steps).then_some(self.constant)
        } else {
            self.values.get(k).copied()
        }
    }

    /// The lrs of steps `from..`, written out.
    pub fn tail(&self, from: usize) -> Vec<f64> {
        if self.values.is_empty() {
            vec![self.constant; self.constant_steps.saturating_sub(from)]
        } else {
            self.values.get(from..).unwrap_or_default().to_vec()
        }
    }

    /// Every step's lr, written out.
    pub fn to_vec(&self) -> Vec<f64> {
        self.tail(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_lr_is_kept_as_one_number() {
        let mut r = LrRecord::with_capacity(0);
        assert!(r.is_empty());
        for _ in 0..1000 {
            r.push(0.01);
        }
        assert_eq!(r.len(), 1000);
        assert_eq!(r.values.capacity(), 0);
        assert_eq!(r.get(999), Some(0.01));
        assert_eq!(r.get(1000), None);
        assert_eq!(r.tail(997), vec![0.01; 3]);
        assert_eq!(r.tail(2000), Vec::<f64>::new());
    }

    #[test]
    fn the_first_change_writes_the_earlier_steps_out() {
        let mut r = LrRecord::with_capacity(8);
        for lr in [0.1, 0.1, 0.1, 0.05, 0.05, 0.1] {
            r.push(lr);
        }
        assert_eq!(r.to_vec(), vec![0.1, 0.1, 0.1, 0.05, 0.05, 0.1]);
        assert_eq!(r.len(), 6);
        assert_eq!(r.get(3), Some(0.05));
        assert_eq!(r.tail(4), vec![0.05, 0.1]);
    }

    #[test]
    fn zero_and_negative_zero_are_different_lrs() {
        let mut r = LrRecord::default();
        r.push(0.0);
        r.push(-0.0);
        assert_eq!(r.to_vec()[1].to_bits(), (-0.0_f64).to_bits());
    }
}
