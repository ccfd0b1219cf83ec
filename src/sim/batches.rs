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
        self.order
            .get(start..end)
            .map_or(Batch::Full, Batch::Indices)
    }
}

/// The sample indices of the mini-batch that step `step` (row `step` to row
/// `step + 1`) uses, by replaying the stream; `None` for full batches.
pub fn batch_for_step(
    samples: usize,
    batch_size: Option<usize>,
    seed: u64,
    step: u64,
) -> Option<Vec<usize>> {
    let mut stream = BatchStream::new(samples, batch_size, seed);
    if stream.is_full() {
        return None;
    }
    for _ in 0..step {
        stream.next_batch();
    }
    match stream.next_batch() {
        Batch::Indices(idx) => Some(idx.to_vec()),
        Batch::Full | Batch::Step(_) => None,
    }
}

/// The batches of the next few steps, drawn ahead so that every run can
/// take those steps independently (and in parallel). Buffers are reused.
#[derive(Clone, Debug, Default)]
pub struct BatchPlan {
    indices: Vec<usize>,
    /// Per step: `None` for the full batch, else a range into `indices`.
    steps: Vec<Option<(usize, usize)>>,
}

impl BatchPlan {
    /// Replaces the plan with the next `steps` batches of `stream`.
    pub fn fill(&mut self, stream: &mut BatchStream, steps: usize) {
        self.indices.clear();
        self.steps.clear();
        for _ in 0..steps {
            match stream.next_batch() {
                Batch::Full | Batch::Step(_) => self.steps.push(None),
                Batch::Indices(ix) => {
                    let start = self.indices.len();
                    self.indices.extend_from_slice(ix);
                    self.steps.push(Some((start, self.indices.len())));
                }
            }
        }
    }

    /// Number of planned steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether nothing is planned.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether every planned step takes the full batch.
    pub fn is_full(&self) -> bool {
        self.indices.is_empty() && self.steps.iter().all(Option::is_none)
    }

    /// The batch of planned step `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Batch<'_> {
        match self.steps.get(i).copied().flatten() {
            Some((a, b)) => self.indices.get(a..b).map_or(Batch::Full, Batch::Indices),
            None => Batch::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(stream: &mut BatchStream, n: usize) -> Vec<Vec<usize>> {
        (0..n)
            .map(|_| match stream.next_batch() {
                Batch::Full | Batch::Step(_) => Vec::new(),
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
    fn a_plan_replays_the_stream() {
        let mut direct = BatchStream::new(23, Some(5), 9);
        let expected = collect(&mut direct, 12);
        let mut planned = BatchStream::new(23, Some(5), 9);
        let mut plan = BatchPlan::default();
        let mut got = Vec::new();
        for chunk in [5, 7] {
            plan.fill(&mut planned, chunk);
            for i in 0..plan.len() {
                let Batch::Indices(ix) = plan.get(i) else {
                    panic!()
                };
                got.push(ix.to_vec());
            }
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn full_batch_needs_no_rng() {
        let mut s = BatchStream::new(5, Some(5), 0);
        assert!(s.is_full());
        assert_eq!(s.next_batch(), Batch::Full);
        assert_eq!(BatchStream::full().next_batch(), Batch::Full);
    }
}
