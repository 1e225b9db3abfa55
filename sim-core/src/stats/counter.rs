//! A plain event counter.

/// A `u64` tally of events: jobs finished, packets dropped, retries.
///
/// Cost: 8 bytes, *O*(1) per update. A `u64` cannot overflow in practice (one increment per
/// nanosecond would take 584 years); debug builds would panic if it did.
///
/// ```
/// # use sim_core::stats::Counter;
/// let mut dropped = Counter::new();
/// dropped.incr();
/// dropped.add(4);
/// assert_eq!(dropped.get(), 5);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Counter(u64);

impl Counter {
    /// A counter at zero.
    pub const fn new() -> Self {
        Self(0)
    }

    /// Adds one.
    #[inline]
    pub fn incr(&mut self) {
        self.0 += 1;
    }

    /// Adds `n`.
    #[inline]
    pub fn add(&mut self, n: u64) {
        self.0 += n;
    }

    /// The current count.
    pub const fn get(&self) -> u64 {
        self.0
    }

    /// Adds another counter's tally, e.g. from another thread's replication.
    pub fn merge(&mut self, other: &Self) {
        self.0 += other.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_merges() {
        let mut a = Counter::default();
        assert_eq!(a.get(), 0);
        a.incr();
        a.incr();
        a.add(10);
        let mut b = Counter::new();
        b.add(3);
        a.merge(&b);
        assert_eq!(a.get(), 15);
    }
}
