//! Running the runs: a rayon pool of `--jobs` threads, one engine per run, results sent
//! to the calling thread, which journals them and keeps the outputs up to date.
//!
//! ```text
//! worker 1 ─┐  next run: a shared counter (dynamic: a long run never holds up the rest)
//! worker 2 ─┼─ resolve(point, seed) -> simulate -> summary figures ──channel──> caller:
//! worker N ─┘  (a panic is caught and recorded as a failed run)        journal, progress,
//!                                                                      runs.csv, aggregate.csv
//! ```
//!
//! Workers stop taking runs when the stop flag is set (Ctrl-C); runs in progress finish.
//! The caller does no simulation work, so N workers keep N cores busy.
//!
//! Why `broadcast` and a counter rather than `par_iter` (the rest of the workspace maps in
//! parallel with `par_iter().map().collect()`): results must reach the journal as each run
//! finishes, not once all have, and runs must start in plan order, one at a time, so that
//! a stop flag leaves no hole in the middle of the plan and a long run never holds up a
//! split of the list. The threads are still the sweep's one rayon pool; the only thread of
//! our own is the one blocked in `broadcast` while this thread journals.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use sim_models::policy::Registry;

use super::journal::{Figures, Record};
use super::plan::Plan;
use sim_scenario::resolve::{self, Source};

/// How often the caller wakes up with no result, to update progress and notice Ctrl-C.
const TICK: Duration = Duration::from_millis(200);

/// Where finished runs go, on the thread that called [`execute`].
pub trait Sink {
    /// Runs finished: `(i, record)` for `plan.runs[i]`, in completion order. Every run that
    /// finished while the previous batch was handled comes in one batch, so the sink can
    /// sync a batch to disk at once (group commit: a sync takes milliseconds, and a sync
    /// per run would cap a sweep at a few hundred runs per second).
    fn results(&mut self, batch: Vec<(usize, Record)>) -> anyhow::Result<()>;
    /// Called at least every [`TICK`] while no run finishes.
    fn tick(&mut self) -> anyhow::Result<()>;
}

/// Runs `plan.runs[i]` for every `i` of `todo` on `pool` (`sources[p]` is point `p`'s
/// scenario), handing each result to `sink` on this thread. Stops handing out runs once
/// `stop` is set or the sink fails; returns the sink's first error after the runs in
/// progress have finished.
pub fn execute(
    pool: &rayon::ThreadPool,
    plan: &Plan,
    sources: &[Source],
    registry: &Registry,
    todo: &[usize],
    stop: &AtomicBool,
    sink: &mut dyn Sink,
) -> anyhow::Result<()> {
    let next = AtomicUsize::new(0);
    // Set when a callback fails, so workers stop as they do on Ctrl-C.
    let abort = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Record)>();
    let mut first_error = None;
    std::thread::scope(|scope| {
        let (next, abort) = (&next, &abort);
        scope.spawn(move || {
            pool.broadcast(|_| {
                let tx = tx.clone();
                loop {
                    if stop.load(Ordering::Relaxed) || abort.load(Ordering::Relaxed) {
                        return;
                    }
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = todo.get(k) else { return };
                    let run = plan.runs[i];
                    let record = run_one(&sources[run.point], run.seed, registry, run.id);
                    if tx.send((i, record)).is_err() {
                        return;
                    }
                }
            });
            drop(tx);
        });
        loop {
            let outcome = match rx.recv_timeout(TICK) {
                Ok(first) => {
                    let mut batch = vec![first];
                    batch.extend(rx.try_iter());
                    sink.results(batch)
                }
                Err(mpsc::RecvTimeoutError::Timeout) => sink.tick(),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            // The first error stops the workers; results of the runs still in progress
            // are still offered to the sink.
            if let Err(e) = outcome
                && first_error.is_none()
            {
                abort.store(true, Ordering::Relaxed);
                first_error = Some(e);
            }
        }
    });
    first_error.map_or(Ok(()), Err)
}

/// One run: the point's scenario resolved with `seed`, simulated with fresh policies, its
/// `summary.csv` figures kept. An error or a panic makes a failed record with the reason.
pub fn run_one(source: &Source, seed: u64, registry: &Registry, id: u64) -> Record {
    let attempt = std::panic::catch_unwind(AssertUnwindSafe(|| -> anyhow::Result<_> {
        let r = resolve::resolve(source, Some(seed), registry)
            .map_err(|d| anyhow::anyhow!("the scenario is invalid with seed {seed}:\n{d}"))?;
        let mut policies = r.policies()?;
        // Nothing here writes decisions: do not keep them even if the file asks.
        policies.decisions = sim_models::policy::DecisionLog::default();
        let out = sim_scenario::simulate::simulate(&r, policies)?;
        Ok(sim_report::summary::summary_fields(&r, &out.summary))
    }));
    let failed = |error: String| Record {
        run: id,
        ok: false,
        figures: Figures::default(),
        error: Some(error),
    };
    match attempt {
        Ok(Ok(fields)) => Record {
            run: id,
            ok: true,
            // `scenario` and `seed` (which run it was) are not figures: from_pairs drops them.
            figures: Figures::from_pairs(fields.iter().map(|(k, v)| (*k, v.as_str()))),
            error: None,
        },
        Ok(Err(e)) => failed(format!("{e:#}")),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".to_owned());
            let at = PANIC_AT
                .with(|p| p.borrow_mut().take())
                .map_or_else(String::new, |at| format!(" at {at}"));
            failed(format!("panicked{at}: {message}"))
        }
    }
}

/// The name prefix of the worker threads, whose panics [`quiet_worker_panics`] keeps
/// off stderr.
pub const WORKER_PREFIX: &str = "sweep-";

thread_local! {
    /// Where the last panic on this worker thread happened (`file:line:column`).
    static PANIC_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs (once) a panic hook that, on sweep worker threads, records where the panic
/// happened for the failed run's message instead of printing it over the progress bar;
/// panics on any other thread go to the previous hook as before.
pub fn quiet_worker_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let worker = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(WORKER_PREFIX));
            if worker {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}
