//! A worker pool over `std::thread::scope`: N threads pull item indices from a shared
//! counter and the results come back in item order, so output bytes never depend on the
//! thread count or on which thread finished first.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item, on `threads` worker threads (at least one, at most one per
/// item), results in item order.
///
/// Each worker takes the next unclaimed index (a relaxed `fetch_add`: the counter only
/// hands out distinct indices; results travel through the join) and keeps `(index,
/// result)` pairs; the pairs are put back in order after every worker has joined. A panic
/// in `f` is re-raised here once all workers have stopped.
pub fn map<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let next = AtomicUsize::new(0);
    let workers = threads.clamp(1, items.len().max(1));
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
        for handle in handles {
            match handle.join() {
                Ok(done) => {
                    for (i, r) in done {
                        slots[i] = Some(r);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("invariant: every index below items.len() is claimed exactly once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn results_come_back_in_item_order_for_any_thread_count() {
        let items: Vec<u64> = (0..100).collect();
        let want: Vec<u64> = items.iter().map(|x| x * x).collect();
        for threads in [0, 1, 2, 7, 200] {
            assert_eq!(map(&items, threads, |x| x * x), want, "{threads} threads");
        }
        assert!(map(&[] as &[u64], 4, |x| *x).is_empty());
    }
}
