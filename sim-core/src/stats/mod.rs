//! Streaming statistics for simulation outputs: cheap enough to update on every event.
//!
//! | Accumulator | Answers | Memory | Per update |
//! |---|---|---|---|
//! | [`Counter`] | how many (jobs done, packets dropped) | 8 B | *O*(1) |
//! | [`Welford`] | mean, variance, min/max, 95% CI of per-item samples (job wait, replication means) | 40 B | *O*(1) |
//! | [`TimeWeighted`] | time average of a level that holds between events (utilisation, queue length, power) | 56 B | *O*(1) |
//! | [`QuantileSketch`] | p50/p99/p99.9 of latencies, within a stated relative error | ~11 KiB at 1% over 12 decades | *O*(1), amortised |
//!
//! None of them allocates per update: `Counter`, `Welford` and `TimeWeighted` never
//! allocate, and `QuantileSketch` allocates only when a sample lands beyond every bucket
//! so far (or never, built with [`QuantileSketch::with_range`]).
//!
//! Pick by the shape of the signal. A per-item quantity (each job's wait) is a sample: feed
//! it to [`Welford`] for moments and to [`QuantileSketch`] for tails. A level that changes
//! at events and holds in between (busy GPUs, watts) is not a sample: averaging the values
//! seen at events weighs a 1 ns blip like a 1 h plateau, so [`TimeWeighted`] integrates
//! `value × elapsed` instead, exactly, as the engine advances from event to event.
//!
//! Every accumulator has a `merge`, so one per thread or per replication can be combined
//! afterwards; all are plain values with no interior mutability, one per owner.
//!
//! ```
//! use sim_core::stats::{Counter, QuantileSketch, TimeWeighted, Welford};
//! use sim_core::time::SimTime;
//!
//! let mut done = Counter::new();
//! let mut wait_s = Welford::new();
//! let mut latency = QuantileSketch::default();
//! let mut busy = TimeWeighted::new(SimTime::from_nanos(0), 0.0);
//!
//! // A job starts at t = 1 s and finishes at t = 3 s, after waiting 0.5 s.
//! busy.set(SimTime::from_nanos(1_000_000_000), 1.0);
//! busy.set(SimTime::from_nanos(3_000_000_000), 0.0);
//! done.incr();
//! wait_s.insert(0.5);
//! latency.insert(2.5);
//!
//! let end = SimTime::from_nanos(4_000_000_000);
//! assert_eq!(busy.mean_until(end), Some(0.5)); // busy 2 s out of 4 s
//! assert_eq!(done.get(), 1);
//! assert_eq!(wait_s.mean(), Some(0.5));
//! assert!((latency.quantile(0.5).unwrap() - 2.5).abs() <= 0.01 * 2.5);
//! ```

mod counter;
mod quantile;
mod student_t;
mod time_weighted;
mod welford;

pub use counter::Counter;
pub use quantile::{QuantileSketch, SketchError};
pub use time_weighted::TimeWeighted;
pub use welford::Welford;
