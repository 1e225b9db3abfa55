//! The pending-event set: a monotone radix queue over integer time that pops by
//! (time, insertion order) and cancels by handle in O(1).
//!
//! # Structure
//!
//! A discrete-event simulation only ever schedules at or after the current time, so the
//! queue's keys are *monotone*: no key pushed is smaller than the last key popped. A radix
//! heap exploits exactly that (Ahuja, Mehlhorn, Orlin and Tarjan, 1990). This one uses
//! 8-bit digits: the 64-bit time is split into 8 levels of 256 buckets. Relative to a
//! reference time `last`, an entry with time `t` lives in bucket (level, digit), where
//! `level` is the highest byte in which `t` differs from `last` and `digit` is `t`'s value in
//! that byte. Each bucket remembers its minimum (updated on push), and occupancy bitmaps find
//! the lowest non-empty bucket in a few instructions.
//!
//! ```text
//!   run (small binary heap)      buckets, level 0 .. 7, 256 each (chunk lists)
//!   times <= run_hi              times > run_hi, placed relative to `last`
//!   pop from here  <-- refill -- lowest non-empty bucket
//! ```
//!
//! The events due soonest sit in the *run*, a small binary heap ordered by (time, ticket),
//! covering every time up to `run_hi`. A pop takes from the run. When the run is empty, the
//! lowest non-empty bucket refills it: a small bucket (at most [`RUN_MAX`] entries) moves into
//! the run whole, and `run_hi` becomes the top of that bucket's time range; a large one is
//! split around its minimum into the (empty) levels below, its minimum's entries going to
//! the run. So an entry moves once or twice in practice (at most 8 times), each move a
//! sequential copy, and the run stays a few dozen entries deep. A binary heap instead walks
//! `log2(n)` scattered cache lines per operation, which at a million pending events is where
//! it loses; the PHOLD benchmark in `benches/` measures both side by side. Buckets are chunk
//! lists sharing one pool (`chunked.rs`), so memory follows the total number of pending
//! events, not the sum of each bucket's peak.
//!
//! # Invariants
//!
//! * Every stored time is `>= now` (the time of the last pop); pushing earlier is refused.
//! * Run entries have times `<= run_hi`; bucket entries have times `> run_hi >= last`, and
//!   each sits in the bucket its time maps to for the current `last`. `last` only changes on
//!   a refill, to a time in the new run's range, which keeps every byte above the refilled
//!   bucket's level, so entries of other buckets still map where they are.
//! * While a run made from a whole bucket of level L is active, levels below L are empty.
//!
//! # FIFO tie-break without a global sequence number
//!
//! Equal times pop in insertion order. Entries with equal time are always in the same
//! container (the run, or the one bucket their time maps to). Each bucket is in insertion
//! order: pushes append, and a bucket is only refilled from a higher one while it is empty,
//! in that bucket's order. The run orders by (time, ticket), where tickets count entries in
//! the order they enter the run: a refill enters in bucket order, and direct pushes are
//! newer than everything already there. So no 8-byte sequence number is stored per entry.
//!
//! # Cancellation
//!
//! [`EventQueue::push_cancellable`] gives an [`EventHandle`] (slot index plus generation).
//! Cancelling marks the slot; the entry stays where it is and is dropped, unseen, when it
//! reaches the front (lazy deletion). A slot is recycled only after its entry left the queue,
//! and recycling bumps the generation, so a stale handle cannot cancel a later event (short
//! of 2^32 reuses of one slot while the stale handle is kept).
//! Events pushed with [`EventQueue::push`] have no slot and cost nothing extra.
//!
//! # Cost
//!
//! Push O(1) (O(log r) into a run of r entries). Pop amortised O(1) moves plus O(log r).
//! Cancel O(1). No allocation once the chunk pool and the run have grown to their peak.
//! Memory per pending event: the entry, `8 + 4 + size_of::<E>()` bytes rounded up to
//! alignment (16 bytes for a `u32` payload), plus at most one partly filled 32-entry chunk
//! per non-empty bucket.

use thiserror::Error;

use crate::time::SimTime;

mod chunked;
mod run;

use chunked::{CHUNK, ChunkList, ChunkPool};
use run::Run;

/// Bits per radix digit.
const DIGIT_BITS: u32 = 8;
/// Buckets per level.
const RADIX: usize = 1 << DIGIT_BITS;
/// Levels: one per byte of a 64-bit time.
const LEVELS: usize = 64 / DIGIT_BITS as usize;
/// 64-bit words in one level's occupancy map.
const MAP_WORDS: usize = RADIX / 64;
/// A bucket with at most this many entries moves into the run whole instead of being split.
pub const RUN_MAX: usize = 128;

/// Slot index meaning "not cancellable".
const NO_SLOT: u32 = u32::MAX;

/// An event that could not be scheduled. The queue is unchanged; the run can continue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The requested time is before the current time of the queue.
    #[error("cannot schedule at {at} ns: it is before the current time {now} ns")]
    InThePast {
        /// Requested time in nanoseconds.
        at: u64,
        /// Current time in nanoseconds.
        now: u64,
    },
    /// `now + delay` does not fit in [`SimTime`].
    #[error("cannot schedule {delay} ns after {now} ns: simulated time would overflow")]
    Overflow {
        /// Current time in nanoseconds.
        now: u64,
        /// Requested delay in nanoseconds.
        delay: u64,
    },
}

/// A handle to a cancellable pending event, returned by [`EventQueue::push_cancellable`].
///
/// Handles are small `Copy` values; a handle whose event was delivered or cancelled is stale
/// and cancelling it again does nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventHandle {
    slot: u32,
    generation: u32,
}

/// One stored event: its time, its cancellation slot (or [`NO_SLOT`]) and the model's payload.
#[derive(Debug)]
struct Entry<E> {
    time: u64,
    slot: u32,
    event: E,
}

/// State of one cancellation slot.
#[derive(Clone, Copy, Debug)]
struct Slot {
    generation: u32,
    cancelled: bool,
}

/// A monotone priority queue of events of the model's type `E`, stored inline.
///
/// Pops by ascending [`SimTime`], equal times in insertion order. Pushing a time earlier
/// than the last popped time is refused with [`ScheduleError::InThePast`].
///
/// ```
/// use sim_core::queue::EventQueue;
/// use sim_core::time::SimTime;
///
/// let mut q = EventQueue::new();
/// q.push(SimTime::from_nanos(20), "b").unwrap();
/// q.push(SimTime::from_nanos(10), "a").unwrap();
/// let late = q.push_cancellable(SimTime::from_nanos(30), "never").unwrap();
/// q.push(SimTime::from_nanos(20), "c").unwrap();
/// assert!(q.cancel(late));
/// let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
/// assert_eq!(order, ["a", "b", "c"]);
/// ```
#[derive(Debug)]
pub struct EventQueue<E> {
    /// Time of the last pop (or of [`advance_to`](Self::advance_to)): the earliest time a
    /// push may use.
    now: u64,
    /// Reference time of the radix buckets.
    last: u64,
    /// The events due soonest: every time `<= run_hi`.
    run: Run<E>,
    /// Upper bound (inclusive) of the run's time range.
    run_hi: u64,
    /// `buckets[level * RADIX + digit]`: entries that agree with `last` above byte `level`
    /// and have `digit` in that byte (which is greater than `last`'s).
    buckets: Vec<ChunkList<Entry<E>>>,
    /// Smallest time in each bucket (`u64::MAX` when empty), so a refill needs no scan.
    mins: Vec<u64>,
    /// Per level, bit `digit` set iff that bucket is non-empty.
    occupied: [[u64; MAP_WORDS]; LEVELS],
    /// Bit `level` set iff any bucket of that level is non-empty.
    levels: u32,
    /// Empty chunks shared by all buckets.
    pool: ChunkPool<Entry<E>>,
    /// Stored entries, cancelled ones included.
    stored: usize,
    /// Stored entries that were cancelled and are waiting to be dropped.
    cancelled: usize,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        Self {
            now: 0,
            last: 0,
            run: Run::default(),
            run_hi: 0,
            buckets: (0..LEVELS * RADIX).map(|_| ChunkList::default()).collect(),
            mins: vec![u64::MAX; LEVELS * RADIX],
            occupied: [[0; MAP_WORDS]; LEVELS],
            levels: 0,
            pool: ChunkPool::default(),
            stored: 0,
            cancelled: 0,
            slots: Vec::new(),
            free_slots: Vec::new(),
        }
    }

    /// Number of pending (not cancelled) events.
    #[inline]
    pub fn len(&self) -> usize {
        self.stored - self.cancelled
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The time of the last pop: no event can be scheduled before it.
    #[inline]
    pub fn now(&self) -> SimTime {
        SimTime::from_nanos(self.now)
    }

    /// Moves the earliest schedulable time forward to `time` (the clock advanced without an
    /// event, e.g. at the end of a time-limited run). Has no effect if `time` is not later.
    ///
    /// # Panics
    ///
    /// If a pending event is due before `time`: time cannot pass over an event.
    pub fn advance_to(&mut self, time: SimTime) {
        if time.as_nanos() <= self.now {
            return;
        }
        if let Some(next) = self.peek_time() {
            assert!(
                next >= time,
                "invariant: the clock cannot advance past a pending event ({} ns < {} ns)",
                next.as_nanos(),
                time.as_nanos()
            );
        }
        self.now = time.as_nanos();
    }

    /// Schedules `event` at `time`. O(1).
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) -> Result<(), ScheduleError> {
        self.check_time(time)?;
        self.insert(time.as_nanos(), NO_SLOT, event);
        Ok(())
    }

    /// Schedules `event` at `time` and returns a handle that can cancel it. O(1).
    pub fn push_cancellable(
        &mut self,
        time: SimTime,
        event: E,
    ) -> Result<EventHandle, ScheduleError> {
        self.check_time(time)?;
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                let slot = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&s| s != NO_SLOT)
                    .expect("invariant: fewer than 2^32 - 1 cancellable events pending");
                self.slots.push(Slot {
                    generation: 0,
                    cancelled: false,
                });
                slot
            }
        };
        let generation = self.slots[slot as usize].generation;
        self.insert(time.as_nanos(), slot, event);
        Ok(EventHandle { slot, generation })
    }

    /// Cancels the event behind `handle`. Returns `true` if it was pending and is now
    /// cancelled, `false` if it was already delivered or cancelled. O(1).
    pub fn cancel(&mut self, handle: EventHandle) -> bool {
        match self.slots.get_mut(handle.slot as usize) {
            Some(slot) if slot.generation == handle.generation && !slot.cancelled => {
                slot.cancelled = true;
                self.cancelled += 1;
                true
            }
            _ => false,
        }
    }

    /// Whether the event behind `handle` is still pending (neither delivered nor cancelled).
    pub fn is_pending(&self, handle: EventHandle) -> bool {
        self.slots
            .get(handle.slot as usize)
            .is_some_and(|s| s.generation == handle.generation && !s.cancelled)
    }

    /// Time of the next event that [`pop`](Self::pop) would return, if any.
    ///
    /// Takes `&mut self` because it may drop cancelled entries and refill the run.
    #[inline]
    pub fn peek_time(&mut self) -> Option<SimTime> {
        if self.settle() {
            self.run.peek().map(|e| SimTime::from_nanos(e.time))
        } else {
            None
        }
    }

    /// Removes and returns the earliest event (FIFO among equal times), skipping cancelled ones.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if !self.settle() {
            return None;
        }
        let entry = self.run.pop()?;
        self.stored -= 1;
        self.now = entry.time;
        if entry.slot != NO_SLOT {
            self.release_slot(entry.slot);
        }
        Some((SimTime::from_nanos(entry.time), entry.event))
    }

    /// Bytes of heap memory the queue holds: entry chunks (in use or pooled), chunk lists,
    /// the run, bucket minima and cancellation slots.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let entry = size_of::<Entry<E>>();
        let chunk_refs: usize = self
            .buckets
            .iter()
            .map(ChunkList::list_capacity)
            .sum::<usize>()
            + self.pool.free_list_capacity();
        self.pool.allocated() * CHUNK * entry
            + chunk_refs * size_of::<Vec<Entry<E>>>()
            + self.buckets.capacity() * size_of::<ChunkList<Entry<E>>>()
            + self.run.heap_bytes()
            + self.mins.capacity() * size_of::<u64>()
            + self.slots.capacity() * size_of::<Slot>()
            + self.free_slots.capacity() * size_of::<u32>()
    }

    /// Chunks currently holding entries (a diagnostic of bucket fragmentation).
    pub fn chunks_in_use(&self) -> usize {
        self.buckets.iter().map(ChunkList::chunk_count).sum()
    }

    /// Size in bytes of one stored bucket entry for this payload type.
    pub const fn entry_bytes() -> usize {
        std::mem::size_of::<Entry<E>>()
    }

    #[inline]
    fn check_time(&self, time: SimTime) -> Result<(), ScheduleError> {
        if time.as_nanos() < self.now {
            return Err(ScheduleError::InThePast {
                at: time.as_nanos(),
                now: self.now,
            });
        }
        Ok(())
    }

    /// Stores a new entry (time already checked against `now`).
    #[inline(always)]
    fn insert(&mut self, time: u64, slot: u32, event: E) {
        self.stored += 1;
        if time <= self.run_hi {
            self.run.push(time, slot, event);
        } else {
            self.place(Entry { time, slot, event });
        }
    }

    /// Puts an entry with `time > last` into the bucket its time maps to.
    #[inline(always)]
    fn place(&mut self, entry: Entry<E>) {
        let diff = entry.time ^ self.last;
        debug_assert!(diff != 0 && entry.time > self.last);
        let level = ((63 - diff.leading_zeros()) / DIGIT_BITS) as usize;
        let digit = ((entry.time >> (level as u32 * DIGIT_BITS)) as usize) & (RADIX - 1);
        let index = level * RADIX + digit;
        self.mins[index] = self.mins[index].min(entry.time);
        self.occupied[level][digit / 64] |= 1 << (digit % 64);
        self.levels |= 1 << level;
        self.buckets[index].push(entry, &mut self.pool);
    }

    /// Makes the top of the run a live (not cancelled) entry. Returns `false` if the queue
    /// is empty.
    #[inline]
    fn settle(&mut self) -> bool {
        loop {
            match self.run.peek() {
                Some(top) if top.slot == NO_SLOT => return true,
                Some(top) => {
                    let slot = top.slot;
                    if !self.slots[slot as usize].cancelled {
                        return true;
                    }
                    self.run.pop();
                    self.stored -= 1;
                    self.cancelled -= 1;
                    self.release_slot(slot);
                }
                None => {
                    if !self.refill() {
                        return false;
                    }
                }
            }
        }
    }

    /// Refills the empty run from the lowest non-empty bucket. Returns `false` if all
    /// buckets are empty.
    #[inline(never)]
    fn refill(&mut self) -> bool {
        debug_assert!(self.run.is_empty());
        if self.levels == 0 {
            return false;
        }
        let level = self.levels.trailing_zeros() as usize;
        let map = &mut self.occupied[level];
        let word = map
            .iter()
            .position(|&w| w != 0)
            .expect("invariant: a level bit is set only while its map has a bit set");
        let digit = word * 64 + map[word].trailing_zeros() as usize;
        map[word] &= map[word] - 1;
        if map.iter().all(|&w| w == 0) {
            self.levels &= !(1 << level);
        }
        let index = level * RADIX + digit;
        let min = self.mins[index];
        self.mins[index] = u64::MAX;
        let whole = level == 0 || self.buckets[index].len() <= RUN_MAX;
        if whole {
            // The whole bucket becomes the run, which covers the bucket's time range.
            let shift = level as u32 * DIGIT_BITS;
            let above = if level + 1 == LEVELS {
                0
            } else {
                self.last >> (shift + DIGIT_BITS) << (shift + DIGIT_BITS)
            };
            self.run_hi = above | ((digit as u64) << shift) | ((1u64 << shift) - 1);
        } else {
            // Split around the minimum: it goes to the run, the rest to the levels below,
            // which are all empty (this is the lowest non-empty level).
            self.run_hi = min;
        }
        self.last = min;
        let (mut full, mut tail) = self.buckets[index].take_parts();
        for mut chunk in full.drain(..) {
            for entry in chunk.drain(..) {
                self.absorb(entry, whole);
            }
            self.pool.give(chunk);
        }
        for entry in tail.drain(..) {
            self.absorb(entry, whole);
        }
        if tail.capacity() > 0 {
            self.pool.give(tail);
        }
        self.buckets[index].restore(full);
        if whole {
            self.run.finish_fill();
        }
        true
    }

    /// Re-files an entry of the bucket being refilled: into the run if it is in the run's
    /// range (all of them when the whole bucket moves), else into a lower bucket.
    #[inline(always)]
    fn absorb(&mut self, entry: Entry<E>, whole: bool) {
        if whole || entry.time <= self.run_hi {
            self.run.fill(entry.time, entry.slot, entry.event);
        } else {
            self.place(entry);
        }
    }

    #[inline]
    fn release_slot(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        s.cancelled = false;
        self.free_slots.push(slot);
    }
}
