//! The event queue against a simple reference (a `Vec` kept sorted by (time, sequence)).

use proptest::prelude::*;
use sim_core::queue::{EventHandle, EventQueue, ScheduleError};
use sim_core::time::SimTime;

/// One operation of a random schedule / cancel / pop sequence.
#[derive(Clone, Debug)]
enum Op {
    /// Schedule at `now + delay`; cancellable if the flag is set.
    Schedule { delay: u64, cancellable: bool },
    /// Cancel the `n`-th handle handed out so far (modulo their count).
    Cancel(usize),
    /// Pop one event.
    Pop,
    /// Peek at the next time (which may refill internal structures) without popping.
    Peek,
}

fn delay() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..4,                 // many exact ties
        3 => 0u64..1_000,
        2 => 0u64..(1 << 40),
        1 => Just(u64::MAX / 4),      // far future, high buckets
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (delay(), any::<bool>()).prop_map(|(delay, cancellable)| Op::Schedule { delay, cancellable }),
        2 => any::<usize>().prop_map(Op::Cancel),
        4 => Just(Op::Pop),
        1 => Just(Op::Peek),
    ]
}

/// Reference entry: (time, seq, id, cancelled).
type RefEntry = (u64, u64, u32, bool);

fn ref_pop(reference: &mut Vec<RefEntry>) -> Option<RefEntry> {
    // Earliest (time, seq) among not-cancelled entries; cancelled ones are dropped.
    reference.retain(|e| !e.3);
    let (i, _) = reference
        .iter()
        .enumerate()
        .min_by_key(|(_, e)| (e.0, e.1))?;
    Some(reference.remove(i))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matches_sorted_vec_reference(ops in prop::collection::vec(op(), 1..400)) {
        check_against_reference(ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Long sequences build buckets larger than `RUN_MAX`, exercising the split path.
    #[test]
    fn matches_sorted_vec_reference_with_large_buckets(
        ops in prop::collection::vec(op(), 2_000..4_000)
    ) {
        check_against_reference(ops)?;
    }
}

fn check_against_reference(ops: Vec<Op>) -> Result<(), TestCaseError> {
    {
        let mut q = EventQueue::new();
        let mut reference: Vec<RefEntry> = Vec::new();
        let mut handles: Vec<(EventHandle, u32)> = Vec::new();
        let mut now = 0u64;
        let mut seq = 0u64;
        let mut delivered = Vec::new();
        let mut cancelled_ids = Vec::new();

        for op in ops
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(Op::Pop, 4_000))
        {
            match op {
                Op::Schedule { delay, cancellable } => {
                    let Some(time) = now.checked_add(delay) else {
                        continue;
                    };
                    let at = SimTime::from_nanos(time);
                    let id = seq as u32;
                    if cancellable {
                        handles.push((q.push_cancellable(at, id).unwrap(), id));
                    } else {
                        q.push(at, id).unwrap();
                    }
                    reference.push((time, seq, id, false));
                    seq += 1;
                }
                Op::Cancel(n) => {
                    if handles.is_empty() {
                        continue;
                    }
                    let (h, id) = handles[n % handles.len()];
                    let was_pending = reference.iter().any(|e| e.2 == id && !e.3);
                    prop_assert_eq!(q.is_pending(h), was_pending);
                    prop_assert_eq!(q.cancel(h), was_pending, "cancel result for id {}", id);
                    prop_assert!(!q.cancel(h), "a second cancel must be a no-op");
                    if was_pending {
                        cancelled_ids.push(id);
                        for e in reference.iter_mut().filter(|e| e.2 == id) {
                            e.3 = true;
                        }
                    }
                }
                Op::Peek => {
                    let want = reference.iter().filter(|e| !e.3).map(|e| e.0).min();
                    prop_assert_eq!(q.peek_time().map(SimTime::as_nanos), want);
                }
                Op::Pop => {
                    let got = q.pop();
                    let want = ref_pop(&mut reference);
                    prop_assert_eq!(
                        got.map(|(t, id)| (t.as_nanos(), id)),
                        want.map(|e| (e.0, e.2))
                    );
                    if let Some((t, id)) = got {
                        prop_assert!(t.as_nanos() >= now, "time went backwards");
                        now = t.as_nanos();
                        delivered.push(id);
                    }
                }
            }
            prop_assert_eq!(q.len(), reference.iter().filter(|e| !e.3).count());
        }
        prop_assert!(q.is_empty());
        for id in cancelled_ids {
            prop_assert!(
                !delivered.contains(&id),
                "cancelled event {} was delivered",
                id
            );
        }
    }
    Ok(())
}

#[test]
fn equal_times_come_out_fifo() {
    let mut q = EventQueue::new();
    let t = SimTime::from_nanos(1_000);
    // Interleave pushes at other times so the equal-time entries travel through buckets.
    for i in 0..100u32 {
        q.push(t, i).unwrap();
        q.push(SimTime::from_nanos(u64::from(i) * 37), 1_000 + i)
            .unwrap();
    }
    let mut last_at_t = None;
    while let Some((at, id)) = q.pop() {
        if at == t && id < 1_000 {
            assert!(
                last_at_t.is_none_or(|prev| prev < id),
                "FIFO violated at {id}"
            );
            last_at_t = Some(id);
        }
    }
    assert_eq!(last_at_t, Some(99));
}

#[test]
fn a_burst_of_equal_times_large_enough_to_split_stays_fifo() {
    let mut q = EventQueue::new();
    let far = SimTime::from_nanos(1 << 40);
    for i in 0..10_000u32 {
        q.push(far, i).unwrap();
        // Neighbours just after `far` land in the same top-level bucket and force a split.
        q.push(
            SimTime::from_nanos((1 << 40) + 1 + u64::from(i % 300)),
            100_000 + i,
        )
        .unwrap();
    }
    for i in 0..10_000u32 {
        assert_eq!(q.pop(), Some((far, i)));
    }
    let mut prev = far;
    while let Some((t, _)) = q.pop() {
        assert!(t >= prev, "time went backwards");
        prev = t;
    }
}

#[test]
fn peeking_then_scheduling_before_the_peeked_time_is_allowed() {
    let mut q = EventQueue::new();
    q.push(SimTime::from_nanos(1_000_000), "late").unwrap();
    assert_eq!(q.peek_time(), Some(SimTime::from_nanos(1_000_000)));
    q.push(SimTime::from_nanos(5), "early").unwrap();
    assert_eq!(q.pop(), Some((SimTime::from_nanos(5), "early")));
    assert_eq!(q.pop(), Some((SimTime::from_nanos(1_000_000), "late")));
}

#[test]
fn scheduling_in_the_past_is_an_error_and_changes_nothing() {
    let mut q = EventQueue::new();
    q.push(SimTime::from_nanos(50), 'a').unwrap();
    q.push(SimTime::from_nanos(60), 'b').unwrap();
    assert_eq!(q.pop(), Some((SimTime::from_nanos(50), 'a')));
    let err = q.push(SimTime::from_nanos(49), 'x').unwrap_err();
    assert_eq!(err, ScheduleError::InThePast { at: 49, now: 50 });
    assert!(err.to_string().contains("before the current time"));
    assert_eq!(q.len(), 1);
    // Scheduling exactly now is allowed and comes after what is already due now.
    q.push(SimTime::from_nanos(50), 'c').unwrap();
    assert_eq!(q.pop(), Some((SimTime::from_nanos(50), 'c')));
    assert_eq!(q.pop(), Some((SimTime::from_nanos(60), 'b')));
    assert_eq!(q.pop(), None);
}

#[test]
fn stale_handle_never_cancels_a_later_event() {
    let mut q = EventQueue::new();
    let h = q.push_cancellable(SimTime::from_nanos(1), 1).unwrap();
    assert_eq!(q.pop(), Some((SimTime::from_nanos(1), 1)));
    // The slot is recycled for the next cancellable event.
    let h2 = q.push_cancellable(SimTime::from_nanos(2), 2).unwrap();
    assert!(!q.cancel(h), "delivered event's handle must be stale");
    assert!(q.is_pending(h2));
    assert_eq!(q.pop(), Some((SimTime::from_nanos(2), 2)));
}

#[test]
fn cancelling_everything_empties_the_queue() {
    let mut q = EventQueue::new();
    let hs: Vec<_> = (0..1000u64)
        .map(|i| {
            q.push_cancellable(SimTime::from_nanos(i * 7919 % 1000), i)
                .unwrap()
        })
        .collect();
    assert!(hs.iter().all(|&h| q.cancel(h)));
    assert!(q.is_empty());
    assert_eq!(q.peek_time(), None);
    assert_eq!(q.pop(), None);
}

#[test]
fn phold_payload_entry_is_16_bytes() {
    assert_eq!(EventQueue::<u32>::entry_bytes(), 16);
}
