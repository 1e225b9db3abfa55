//! PHOLD/hold, the engine benchmark of `benches/PHOLD.md`: a constant pending set where
//! every processed event schedules exactly one successor.
//!
//! The draws (delay, then target) are shared by every engine the benchmarks compare, so that
//! a comparison measures queues and dispatch, not random-number generators.

use rand::RngCore;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::SeedableRng;

use crate::engine::{Context, Model, Simulation};
use crate::rng::SplitMix64;
use crate::time::{SimDuration, SimTime};

/// Ticks (nanoseconds of [`crate::time::SimTime`]) per PHOLD time unit.
pub const TICKS_PER_UNIT: f64 = 1e9;

/// Converts a PHOLD delay in time units to integer ticks: `max(1, round(d * 1e9))`.
///
/// For `0.5 <= x < 2^52`, `x + 0.5` is exact or rounds without crossing an integer, so
/// `floor(x + 0.5) == round(x)` (half away from zero); below 0.5 both give 0 or 1 and the
/// `max(1, _)` makes them agree. That avoids a libm `round` call on targets without SSE4.1.
#[inline]
pub fn delay_to_ticks(delay: f64) -> u64 {
    let x = delay * TICKS_PER_UNIT;
    let rounded = if x < 4_503_599_627_370_496.0 {
        (x + 0.5) as u64
    } else {
        x.round() as u64
    };
    rounded.max(1)
}

/// Parameters of one PHOLD run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PholdConfig {
    /// Number of entities `E`.
    pub entities: u32,
    /// Initial events per entity `M`.
    pub per_entity: u32,
    /// Events to process `N`.
    pub events: u64,
    /// RNG seed.
    pub seed: u64,
}

/// The figures a PHOLD run reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PholdReport {
    /// Events processed.
    pub events: u64,
    /// Time of the last processed event, in ticks.
    pub final_clock_ticks: u64,
    /// `Σ counter[i]`; must equal `events`.
    pub counter_sum: u64,
    /// `Σ (i+1) * counter[i] (mod 2^64)`.
    pub checksum: u64,
}

/// The two draws PHOLD makes: a delay (in ticks) and a target entity.
pub trait PholdDraws {
    /// Draws a delay in ticks (at least 1).
    fn delay_ticks(&mut self) -> u64;
    /// Draws a target entity in `0..entities`.
    fn target(&mut self, entities: u32) -> u32;
}

/// Reference-mode draws: SplitMix64, `d = -ln(1 - u)`, multiply-shift target (bit-exact).
#[derive(Clone, Debug)]
pub struct ReferenceDraws(SplitMix64);

impl ReferenceDraws {
    /// Draws seeded as PHOLD.md's reference mode specifies (state = seed).
    pub fn new(seed: u64) -> Self {
        Self(SplitMix64::new(seed))
    }
}

impl PholdDraws for ReferenceDraws {
    #[inline]
    fn delay_ticks(&mut self) -> u64 {
        let u = self.0.next_f64();
        delay_to_ticks(-(1.0 - u).ln())
    }

    #[inline]
    fn target(&mut self, entities: u32) -> u32 {
        self.0.next_below(u64::from(entities)) as u32
    }
}

/// Performance-mode draws: xoshiro256++ with a ziggurat `Exp(1)` delay and a multiply-shift target.
#[derive(Clone, Debug)]
pub struct PerformanceDraws(Xoshiro256PlusPlus);

impl PerformanceDraws {
    /// Draws seeded from `seed` (the 256-bit state expanded by SplitMix64).
    pub fn new(seed: u64) -> Self {
        Self(Xoshiro256PlusPlus::seed_from_u64(seed))
    }
}

impl PholdDraws for PerformanceDraws {
    #[inline]
    fn delay_ticks(&mut self) -> u64 {
        let d: f64 = Exp1.sample(&mut self.0);
        delay_to_ticks(d)
    }

    #[inline]
    fn target(&mut self, entities: u32) -> u32 {
        ((u64::from(self.0.next_u32()) * u64::from(entities)) >> 32) as u32
    }
}

/// Folds per-entity counters into a report.
pub fn report_from_counters(counters: &[u64], final_clock_ticks: u64) -> PholdReport {
    let mut counter_sum = 0u64;
    let mut checksum = 0u64;
    for (i, &c) in counters.iter().enumerate() {
        counter_sum = counter_sum.wrapping_add(c);
        checksum = checksum.wrapping_add((i as u64 + 1).wrapping_mul(c));
    }
    PholdReport {
        events: counter_sum,
        final_clock_ticks,
        counter_sum,
        checksum,
    }
}

/// A PHOLD configuration that cannot run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PholdError {
    /// `entities` was 0.
    #[error("PHOLD needs at least one entity (--entities >= 1)")]
    NoEntities,
    /// `per_entity` was 0.
    #[error("PHOLD needs at least one initial event per entity (--per-entity >= 1)")]
    NoEvents,
    /// `entities * per_entity` does not fit in memory-sized integers.
    #[error("PHOLD pending set of {entities} x {per_entity} events is too large")]
    TooLarge {
        /// Entities requested.
        entities: u32,
        /// Initial events per entity requested.
        per_entity: u32,
    },
}

impl PholdConfig {
    /// Pending events `P = E * M`.
    pub fn pending(&self) -> u64 {
        u64::from(self.entities) * u64::from(self.per_entity)
    }

    /// Checks that the configuration can run.
    pub fn validate(&self) -> Result<(), PholdError> {
        if self.entities == 0 {
            return Err(PholdError::NoEntities);
        }
        if self.per_entity == 0 {
            return Err(PholdError::NoEvents);
        }
        if usize::try_from(self.pending()).is_err() || self.pending() > 1 << 34 {
            return Err(PholdError::TooLarge {
                entities: self.entities,
                per_entity: self.per_entity,
            });
        }
        Ok(())
    }
}

/// The PHOLD workload as a [`Model`]: the event payload is the target entity.
#[derive(Clone, Debug)]
pub struct PholdModel<D> {
    counters: Vec<u64>,
    draws: D,
    entities: u32,
    last_clock: u64,
}

impl<D: PholdDraws> Model for PholdModel<D> {
    type Event = u32;

    #[inline]
    fn handle(&mut self, target: u32, ctx: &mut Context<'_, u32>) {
        self.counters[target as usize] += 1;
        self.last_clock = ctx.now().as_nanos();
        let delay = SimDuration::from_nanos(self.draws.delay_ticks());
        let next = self.draws.target(self.entities);
        ctx.schedule_in(delay, next)
            .expect("invariant: PHOLD clock stays far below SimTime::MAX");
    }
}

/// PHOLD running on fabricsim's [`Simulation`] engine.
///
/// ```
/// use sim_core::phold::{EnginePhold, PholdConfig, ReferenceDraws};
///
/// let cfg = PholdConfig { entities: 1000, per_entity: 1, events: 100_000, seed: 42 };
/// let mut run = EnginePhold::new(&cfg, ReferenceDraws::new(cfg.seed)).unwrap();
/// let report = run.run();
/// // Integer-time reference values of benches/PHOLD.md.
/// assert_eq!(report.final_clock_ticks, 99_447_392_183);
/// assert_eq!(report.checksum, 50_058_677);
/// ```
#[derive(Debug)]
pub struct EnginePhold<D: PholdDraws> {
    sim: Simulation<PholdModel<D>>,
    events: u64,
}

impl<D: PholdDraws> EnginePhold<D> {
    /// Sets up the initial events (entity-major, one delay draw each); not part of the timed loop.
    pub fn new(cfg: &PholdConfig, draws: D) -> Result<Self, PholdError> {
        cfg.validate()?;
        let model = PholdModel {
            counters: vec![0; cfg.entities as usize],
            draws,
            entities: cfg.entities,
            last_clock: 0,
        };
        let mut sim = Simulation::new(model);
        for entity in 0..cfg.entities {
            for _ in 0..cfg.per_entity {
                let ticks = sim.model_mut().draws.delay_ticks();
                sim.schedule_at(SimTime::from_nanos(ticks), entity)
                    .expect("invariant: initial PHOLD events are in the future");
            }
        }
        Ok(Self {
            sim,
            events: cfg.events,
        })
    }

    /// Runs the timed loop: exactly `cfg.events` events.
    pub fn run(&mut self) -> PholdReport {
        self.sim.run_events(self.events);
        let model = self.sim.model();
        report_from_counters(&model.counters, model.last_clock)
    }

    /// Events pending in the queue.
    pub fn pending(&self) -> usize {
        self.sim.pending()
    }

    /// Heap bytes held by the event queue.
    pub fn queue_heap_bytes(&self) -> usize {
        self.sim.queue().heap_bytes()
    }
}

/// A published reference result of PHOLD.md's reference mode with integer time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceRow {
    /// The configuration (seed 42).
    pub config: PholdConfig,
    /// Final clock in ticks.
    pub final_clock_ticks: u64,
    /// `Σ (i+1) * counter[i] (mod 2^64)`.
    pub checksum: u64,
}

/// PHOLD.md's integer-time reference values (ticks of 1e-9 units, seed 42).
pub const INTEGER_REFERENCE: [ReferenceRow; 3] = [
    ReferenceRow {
        config: PholdConfig {
            entities: 1_000,
            per_entity: 1,
            events: 100_000,
            seed: 42,
        },
        final_clock_ticks: 99_447_392_183,
        checksum: 50_058_677,
    },
    ReferenceRow {
        config: PholdConfig {
            entities: 10_000,
            per_entity: 10,
            events: 1_000_000,
            seed: 42,
        },
        final_clock_ticks: 10_006_924_209,
        checksum: 5_004_608_004,
    },
    ReferenceRow {
        config: PholdConfig {
            entities: 100_000,
            per_entity: 10,
            events: 10_000_000,
            seed: 42,
        },
        final_clock_ticks: 9_995_553_780,
        checksum: 499_990_605_053,
    },
];

/// The reference row for `cfg`, if PHOLD.md publishes one.
pub fn reference_for(cfg: &PholdConfig) -> Option<&'static ReferenceRow> {
    INTEGER_REFERENCE.iter().find(|row| row.config == *cfg)
}
