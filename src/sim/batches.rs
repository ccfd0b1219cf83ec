//! The seeded mini-batch stream shared by every run of a simulation.

use rand::SeedableRng as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::SliceRandom as _;

use crate::problem::Batch;

/// Draws mini-batches epoch by epoch (xoshiro256++ seeded from the preset): each
/// epoch is a fresh shuffle of all
/// sample indices from one seeded RNG, cut into consecutive batches (the last
/// one may be smaller, as torch's `DataLoader(drop_last=False)`).
#[derive(Clone, Debug)]
pub struct BatchStream {
    order: Vec<usize>,
    batch_size: usize,
    pos: usize,
    epoch: u64,
    rng: Xoshiro256PlusPlus,
}

impl BatchStream {
    /// A stream over `samples` indices; `batch_size` of `None` or ≥ `samples`
    /// means full batches, which use no randomness.
    pub fn new(samples: usize, batch_size: Option<usize>, seed: u64) -> Self {
        let batch_size = batch_size.unwrap_or(samples).clamp(1, samples.max(1));
        let order: Vec<usize> = (0..samples).collect();
        Self {
            pos: order.len(),
            order,
            batch_size,
            epoch: 0,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// A stream that always yields [`Batch::Full`] (surfaces).
    pub fn full() -> Self {
        Self::new(0, None, 0)
    }

    /// Whether every batch is the full data.
    pub fn is_full(&self) -> bool {
        self.batch_size >= self.order.len()
    }

    /// Completed or started epochs.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The next batch.
    #[inline]
    pub fn next_batch(&mut self) -> Batch<'_> {
        if self.is_full() {
            return Batch::Full;
        }
        if self.pos >= self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.pos = 0;
            self.epoch += 1;
        }
        let end = (self.pos + self.batch_size).min(self.order.len());
        let start = self.pos;
        self.pos = end;
        self.order.get(start..end).map_or(Batch::Full, Batch::Indices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(stream: &mut BatchStream, n: usize) -> Vec<Vec<usize>> {
        (0..n)
            .map(|_| match stream.next_batch() {
                Batch::Full => Vec::new(),
                Batch::Indices(i) => i.to_vec(),
            })
            .collect()
    }

    #[test]
    fn each_epoch_covers_every_sample_once() {
        let mut s = BatchStream::new(10, Some(4), 3);
        let batches = collect(&mut s, 6);
        assert_eq!(batches[2].len(), 2, "the last batch of an epoch is smaller");
        for epoch in [&batches[0..3], &batches[3..6]] {
            let mut all: Vec<usize> = epoch.concat();
            all.sort_unstable();
            assert_eq!(all, (0..10).collect::<Vec<_>>());
        }
        assert_ne!(batches[0..3].concat(), batches[3..6].concat(), "reshuffled");
        assert_eq!(s.epoch(), 2);
    }

    #[test]
    fn same_seed_same_stream() {
        let a = collect(&mut BatchStream::new(50, Some(7), 42), 30);
        let b = collect(&mut BatchStream::new(50, Some(7), 42), 30);
        let c = collect(&mut BatchStream::new(50, Some(7), 43), 30);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn full_batch_needs_no_rng() {
        let mut s = BatchStream::new(5, Some(5), 0);
        assert!(s.is_full());
        assert_eq!(s.next_batch(), Batch::Full);
        assert_eq!(BatchStream::full().next_batch(), Batch::Full);
    }
}
