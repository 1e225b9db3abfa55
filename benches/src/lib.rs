//! Baselines for fabricsim's engine benchmark, PHOLD (`benches/PHOLD.md`).
//!
//! The criterion bench `benches/phold.rs` runs the same PHOLD workload on three engines and
//! reports events per second of the timed loop only (setup is excluded):
//!
//! ```text
//! fabricsim engine (sim-core)   the engine under test
//! heap::HeapPhold               a plain std BinaryHeap loop: the floor, no dispatch at all
//! simcore_phold::SimcorePhold   simcore 0.1.0 (ex DSLab core), one handler per entity
//! ```
//!
//! Every baseline splits into an untimed `new` (entities and initial events) and a timed
//! `run`, which returns a [`PholdReport`](sim_core::phold::PholdReport) whose
//! `counter_sum` must equal the number of events processed:
//!
//! ```
//! use sim_benches::heap::HeapPhold;
//! use sim_core::phold::{PholdConfig, ReferenceDraws};
//!
//! // PHOLD.md's first integer-time reference row.
//! let cfg = PholdConfig { entities: 1_000, per_entity: 1, events: 100_000, seed: 42 };
//! let mut phold = HeapPhold::new(&cfg, ReferenceDraws::new(cfg.seed));
//! let report = phold.run();
//! assert_eq!(report.counter_sum, 100_000);
//! assert_eq!(report.final_clock_ticks, 99_447_392_183);
//! assert_eq!(report.checksum, 50_058_677);
//! ```

pub mod heap;
pub mod simcore_phold;
