//! # sim-core: the discrete-event engine under fabricsim
//!
//! sim-core runs *models*: state plus a handler that reacts to the model's own events in
//! time order. It knows nothing of GPUs, sites or jobs; those live in `sim-models`.
//!
//! ## Concepts
//!
//! * **Time** ([`time`]) is an integer: [`SimTime`] counts nanoseconds since the start and
//!   [`SimDuration`] spans them (a year is 3.2e16 ns; `u64` holds 584 years). Durations
//!   parse from and print as `"90s"`, `"15m"`, `"1.5h"`, `"54d"`. No float ever orders an
//!   event, so a run is bit-for-bit reproducible.
//! * **Events** are a type the model defines (usually an enum), stored inline in the
//!   [`EventQueue`](queue::EventQueue) (no boxing, no allocation per event). Events pop by
//!   time; equal times pop in the order they were scheduled (FIFO). Scheduling before the
//!   current time is an error the model sees. A cancellable event gets an
//!   [`EventHandle`](queue::EventHandle) and is cancelled in O(1); a cancelled event is
//!   never delivered.
//! * **The runner** ([`engine`]): a [`Model`] implements `handle(event, ctx)`; the
//!   [`Context`] gives the clock, scheduling, cancelling and a stop request.
//!   [`Simulation`] drives it until the queue drains, until a time, for a number of events,
//!   or until a stop condition, with a progress callback every N events or every
//!   simulated interval. Dispatch is static: the loop is generic over the model.
//! * **Randomness** ([`rng`]): one stream per component, derived from (master seed, stable
//!   key) such as `"failure/site/aws-use1"`, so adding a component never shifts another's
//!   draws: two policies run with one seed face the same random future. Exponential,
//!   Weibull, lognormal and empirical samplers return durations.
//! * **Statistics** ([`stats`]): Welford mean/variance with confidence intervals,
//!   time-weighted averages of piecewise-constant signals, counters, and a latency quantile
//!   sketch with a stated relative-error bound.
//! * **Benchmark** ([`phold`]): the PHOLD hold model of `benches/PHOLD.md`, on this
//!   engine, with the bit-exact reference mode.
//!
//! ```text
//!   Simulation<M> ── pop (time, event) ──> M::handle(event, &mut Context)
//!        ^                                        │
//!        └──── schedule_in / schedule_at / cancel ┘
//! ```
//!
//! ## A model in ten lines
//!
//! A machine fails after an exponential time to failure and is repaired after a fixed
//! time; we measure its availability over a simulated year.
//!
//! ```
//! use sim_core::engine::{Context, Model, Simulation};
//! use sim_core::rng::{DurationDist, Exponential, RngStreams, StreamRng};
//! use sim_core::stats::TimeWeighted;
//! use sim_core::time::{SimDuration, SimTime};
//!
//! #[derive(Clone, Copy)]
//! enum Ev { Failed, Repaired }
//!
//! struct Machine {
//!     ttf: DurationDist,
//!     repair: SimDuration,
//!     rng: StreamRng,
//!     up: TimeWeighted,
//!     failures: u32,
//! }
//!
//! impl Model for Machine {
//!     type Event = Ev;
//!     fn handle(&mut self, event: Ev, ctx: &mut Context<'_, Ev>) {
//!         match event {
//!             Ev::Failed => {
//!                 self.failures += 1;
//!                 self.up.set(ctx.now(), 0.0);
//!                 ctx.schedule_in(self.repair, Ev::Repaired).unwrap();
//!             }
//!             Ev::Repaired => {
//!                 self.up.set(ctx.now(), 1.0);
//!                 let ttf = self.ttf.sample(&mut self.rng);
//!                 ctx.schedule_in(ttf, Ev::Failed).unwrap();
//!             }
//!         }
//!     }
//! }
//!
//! let streams = RngStreams::new(42);
//! let mut machine = Machine {
//!     ttf: Exponential::new(30.0 * 86_400.0)?.into(), // MTBF 30 days
//!     repair: "6h".parse()?,
//!     rng: streams.stream("failure/machine-0"),
//!     up: TimeWeighted::new(SimTime::ZERO, 1.0),
//!     failures: 0,
//! };
//! let first = machine.ttf.sample(&mut machine.rng);
//! let mut sim = Simulation::new(machine);
//! sim.schedule_in(first, Ev::Failed)?;
//!
//! let year: SimTime = "365d".parse()?;
//! sim.run_until(year);
//! let m = sim.model();
//! let availability = m.up.mean_until(year).unwrap();
//! // Expected availability = MTBF / (MTBF + MTTR) = 720 h / 726 h ≈ 0.9917.
//! assert!(availability > 0.98 && availability < 1.0, "{availability}");
//! assert!(m.failures > 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod engine;
pub mod hash;
pub mod phold;
pub mod queue;
pub mod rng;
pub mod stats;
pub mod sys;
pub mod time;

pub use engine::{Context, Model, Simulation};
pub use time::{SimDuration, SimTime};
