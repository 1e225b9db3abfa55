//! The run: the events due soonest, in (time, ticket) order.
//!
//! A refill moves a whole bucket in and sorts it once; after that, pops take from the front
//! of a sorted ring in O(1). A direct push that is not earlier than the ring's back (the
//! common case, and every burst of equal times) is appended to the ring in O(1); a push
//! into the middle goes to a small binary heap instead, so no push ever shifts the ring.
//! A pop compares the two fronts. Tickets number entries in the order they enter the run,
//! which is their insertion order for equal times (see the queue's module doc), so
//! comparing (time, ticket) pops equal times FIFO.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// An entry in the run.
#[derive(Debug)]
pub(super) struct RunEntry<E> {
    pub(super) time: u64,
    ticket: u64,
    pub(super) slot: u32,
    pub(super) event: E,
}

impl<E> RunEntry<E> {
    #[inline(always)]
    fn key(&self) -> (u64, u64) {
        (self.time, self.ticket)
    }
}

/// Heap order reversed, so that `BinaryHeap` (a max-heap) yields the earliest key first.
#[derive(Debug)]
struct Late<E>(RunEntry<E>);

impl<E> PartialEq for Late<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0.key() == other.0.key()
    }
}

impl<E> Eq for Late<E> {}

impl<E> PartialOrd for Late<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Late<E> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.key().cmp(&self.0.key())
    }
}

/// The run: a sorted ring plus a heap for out-of-order pushes.
#[derive(Debug)]
pub(super) struct Run<E> {
    sorted: VecDeque<RunEntry<E>>,
    late: BinaryHeap<Late<E>>,
    next_ticket: u64,
}

impl<E> Default for Run<E> {
    fn default() -> Self {
        Self {
            sorted: VecDeque::new(),
            late: BinaryHeap::new(),
            next_ticket: 0,
        }
    }
}

impl<E> Run<E> {
    /// Whether the run holds no entry.
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.sorted.is_empty() && self.late.is_empty()
    }

    #[inline(always)]
    fn entry(&mut self, time: u64, slot: u32, event: E) -> RunEntry<E> {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        RunEntry {
            time,
            ticket,
            slot,
            event,
        }
    }

    /// Adds a newly scheduled entry. O(1), or O(log h) into the heap of h out-of-order entries.
    #[inline]
    pub(super) fn push(&mut self, time: u64, slot: u32, event: E) {
        let entry = self.entry(time, slot, event);
        match self.sorted.back() {
            Some(back) if back.time > time => self.late.push(Late(entry)),
            // With an empty ring, appending is still ordered: a heap entry of equal time is
            // older and so has a smaller ticket.
            _ => self.sorted.push_back(entry),
        }
    }

    /// Appends an entry of a bucket being moved in; call [`finish_fill`](Self::finish_fill)
    /// after the last one. Only valid while the run is empty.
    #[inline(always)]
    pub(super) fn fill(&mut self, time: u64, slot: u32, event: E) {
        let entry = self.entry(time, slot, event);
        self.sorted.push_back(entry);
    }

    /// Sorts the entries added by [`fill`](Self::fill).
    #[inline]
    pub(super) fn finish_fill(&mut self) {
        debug_assert!(self.late.is_empty());
        self.sorted.make_contiguous().sort_by_key(|e| e.time);
    }

    /// Whether the next entry comes from the heap rather than the ring.
    #[inline(always)]
    fn next_is_late(&self) -> bool {
        match (self.sorted.front(), self.late.peek()) {
            (Some(s), Some(l)) => l.0.key() < s.key(),
            (None, Some(_)) => true,
            _ => false,
        }
    }

    /// The earliest entry.
    #[inline]
    pub(super) fn peek(&self) -> Option<&RunEntry<E>> {
        if self.next_is_late() {
            self.late.peek().map(|l| &l.0)
        } else {
            self.sorted.front()
        }
    }

    /// Removes the earliest entry.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<RunEntry<E>> {
        if self.next_is_late() {
            self.late.pop().map(|l| l.0)
        } else {
            self.sorted.pop_front()
        }
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        (self.sorted.capacity() + self.late.capacity()) * std::mem::size_of::<RunEntry<E>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(run: &mut Run<u32>) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| run.pop().map(|e| (e.time, e.event))).collect()
    }

    #[test]
    fn fill_sorts_by_time_keeping_insertion_order_for_ties() {
        let mut run = Run::default();
        for (i, t) in [5u64, 3, 5, 1, 3].into_iter().enumerate() {
            run.fill(t, 0, i as u32);
        }
        run.finish_fill();
        assert_eq!(drain(&mut run), [(1, 3), (3, 1), (3, 4), (5, 0), (5, 2)]);
    }

    #[test]
    fn out_of_order_pushes_interleave_correctly() {
        let mut run = Run::default();
        run.fill(10, 0, 0);
        run.fill(20, 0, 1);
        run.finish_fill();
        run.push(15, 0, 2); // middle: heap
        run.push(20, 0, 3); // equal to back: ring, after entry 1
        run.push(10, 0, 4); // equal to front but back is later: heap, after entry 0
        assert_eq!(
            drain(&mut run),
            [(10, 0), (10, 4), (15, 2), (20, 1), (20, 3)]
        );
    }

    #[test]
    fn an_empty_ring_does_not_let_a_newer_entry_overtake_an_older_heap_entry() {
        let mut run = Run::default();
        run.fill(10, 0, 0);
        run.finish_fill();
        run.push(5, 0, 1); // heap
        assert_eq!(run.pop().map(|e| e.event), Some(1));
        assert_eq!(run.pop().map(|e| e.event), Some(0));
        run.push(7, 0, 2); // ring is empty: appended
        run.push(7, 0, 3);
        assert_eq!(drain(&mut run), [(7, 2), (7, 3)]);
    }
}
