//! The "plain `BinaryHeap` loop" baseline: PHOLD on `std::collections::BinaryHeap`.
//!
//! This is the floor any engine is compared with: no dispatch, no payload, no engine, just
//! a min-heap of `(time, seq, target)` keys and one counter per entity. Time is integer
//! ticks of `1e-9` units (`delay_ticks = max(1, round(d * 1e9))`), so with
//! [`ReferenceDraws`](sim_core::phold::ReferenceDraws) it reproduces PHOLD.md's
//! integer-time reference rows.
//!
//! Order: ascending time, ties by ascending `seq` (FIFO), as PHOLD.md specifies. Each
//! event costs one `pop` and one `push`, both *O*(log *P*); the loop allocates nothing
//! because the heap never grows beyond the `P` slots reserved at setup.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use sim_core::phold::{PholdConfig, PholdDraws, PholdReport, report_from_counters};

/// One pending event: `(time in ticks, seq, target entity)`, ordered lexicographically.
type Key = (u64, u64, u32);

/// PHOLD on a plain `BinaryHeap<Reverse<(time, seq, target)>>` loop.
///
/// [`new`](Self::new) does the untimed setup; [`run`](Self::run) is the timed part.
///
/// ```
/// use sim_benches::heap::HeapPhold;
/// use sim_core::phold::{PholdConfig, ReferenceDraws};
///
/// let cfg = PholdConfig { entities: 100, per_entity: 2, events: 1_000, seed: 42 };
/// let mut phold = HeapPhold::new(&cfg, ReferenceDraws::new(cfg.seed));
/// let report = phold.run();
/// assert_eq!(report.counter_sum, 1_000);
/// assert_eq!(phold.pending(), 200);
/// ```
#[derive(Clone, Debug)]
pub struct HeapPhold<D: PholdDraws> {
    queue: BinaryHeap<Reverse<Key>>,
    counters: Vec<u64>,
    seq: u64,
    clock_ticks: u64,
    entities: u32,
    events: u64,
    draws: D,
}

impl<D: PholdDraws> HeapPhold<D> {
    /// Sets up a run: `E * M` initial events in entity-major order, one delay draw each,
    /// `seq` counting from 0.
    ///
    /// # Panics
    ///
    /// If `cfg.entities` or `cfg.per_entity` is 0 (PHOLD needs a non-empty pending set).
    pub fn new(cfg: &PholdConfig, mut draws: D) -> Self {
        assert!(
            cfg.entities > 0 && cfg.per_entity > 0,
            "PHOLD needs at least one entity and one initial event per entity"
        );
        let pending = cfg.entities as usize * cfg.per_entity as usize;
        let mut keys = Vec::with_capacity(pending);
        let mut seq = 0;
        for entity in 0..cfg.entities {
            for _ in 0..cfg.per_entity {
                keys.push(Reverse((draws.delay_ticks(), seq, entity)));
                seq += 1;
            }
        }
        Self {
            // `From<Vec>` heapifies in O(P) and keeps the capacity: the loop never reallocates.
            queue: BinaryHeap::from(keys),
            counters: vec![0; cfg.entities as usize],
            seq,
            clock_ticks: 0,
            entities: cfg.entities,
            events: cfg.events,
            draws,
        }
    }

    /// Processes `cfg.events` events (the timed part) and reports the counters.
    ///
    /// Each event: pop the minimum, `counter[target] += 1`, draw the delay, then the target,
    /// and push the successor at `clock + delay` with the next `seq`. A second call processes
    /// another `cfg.events` events; the report always covers every event processed so far.
    #[inline(never)]
    pub fn run(&mut self) -> PholdReport {
        // Locals rather than fields so the loop keeps them in registers.
        let mut clock = self.clock_ticks;
        let mut seq = self.seq;
        for _ in 0..self.events {
            let Some(Reverse((time, _, target))) = self.queue.pop() else {
                unreachable!("PHOLD keeps P >= 1 events pending: every pop is followed by a push");
            };
            clock = time;
            self.counters[target as usize] += 1;
            let delay = self.draws.delay_ticks();
            let next = self.draws.target(self.entities);
            self.queue.push(Reverse((clock + delay, seq, next)));
            seq += 1;
        }
        self.clock_ticks = clock;
        self.seq = seq;
        report_from_counters(&self.counters, clock)
    }

    /// Number of pending events (`P = E * M`, constant across a run).
    #[inline]
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Per-entity counters: how many events each entity has handled.
    pub fn counters(&self) -> &[u64] {
        &self.counters
    }
}
