//! The simcore baseline: PHOLD on [`simcore`] 0.1.0 (the successor of DSLab's `dslab-core`),
//! written the way simcore's own examples write a model.
//!
//! ```text
//! Simulation (f64 clock, BinaryHeap<Event>, Box<dyn EventData> payloads)
//!   |  step(): pop, set clock, handlers[dst].borrow_mut().on(event)
//!   v
//! Entity 0 .. Entity E-1   one component each: own SimulationContext + u64 counter
//!   on(Hop): counter += 1; d = delay(); t = target(); ctx.emit(Hop, t, d)
//! ```
//!
//! Each entity is its own component with its own handler, as PHOLD.md asks: the event is
//! delivered to the target entity's handler, which creates the successor. Entity `i` is
//! component `Id` `i`. simcore orders events by `(time, id)` where `id` is its global
//! emission counter, which is exactly PHOLD's `(time, seq)` order, and it computes the
//! successor time as `clock + delay` (one `f64` add), as PHOLD.md specifies.
//!
//! Time is simcore's `f64`; [`PholdReport::final_clock_ticks`] is `round(time * 1e9)`.
//! Two draw modes:
//!
//! * [`SimcoreRng`] (performance mode): simcore's built-in simulation RNG (one `Pcg64` in
//!   the simulation state, seeded with `cfg.seed`) through the context, its idiomatic
//!   access path: delay by inversion `-ln(1 - ctx.rand())`, target by
//!   `ctx.gen_range(0..E)`. simcore is built on `rand` 0.8, so `rand_distr` 0.5's
//!   ziggurat `Exp1` cannot be passed to `ctx.sample_from_distribution`; inversion is an
//!   exact method and what a simcore user writes with the API at hand.
//! * [`SharedSplitMix`] (reference mode): one SplitMix64 shared by all entities, drawn in
//!   PHOLD.md's order. It reproduces PHOLD.md's float reference rows bit for bit.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use sim_core::phold::{PholdConfig, PholdReport, TICKS_PER_UNIT, report_from_counters};
use sim_core::rng::SplitMix64;
use simcore::{Event, EventHandler, Simulation, SimulationContext, cast};

/// The PHOLD event. Time, `seq` (simcore's event id) and target (`dst`) live in simcore's
/// [`Event`] envelope, so the payload carries nothing.
#[derive(Clone, Serialize)]
struct Hop {}

/// Where a simcore PHOLD entity gets its two draws from.
pub trait SimcoreDraws {
    /// Draws a delay in `f64` time units, `Exp(1)`.
    fn delay(&mut self, ctx: &SimulationContext) -> f64;
    /// Draws a target entity in `0..entities`, uniform.
    fn target(&mut self, ctx: &SimulationContext, entities: u32) -> u32;
}

/// Performance mode: simcore's own simulation RNG through [`SimulationContext`].
///
/// Delay by inversion, `-ln(1 - ctx.rand())` (`ctx.rand()` is in `[0, 1)`), target by
/// `ctx.gen_range(0..entities)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SimcoreRng;

impl SimcoreDraws for SimcoreRng {
    #[inline]
    fn delay(&mut self, ctx: &SimulationContext) -> f64 {
        -(1.0 - ctx.rand()).ln()
    }

    #[inline]
    fn target(&mut self, ctx: &SimulationContext, entities: u32) -> u32 {
        ctx.gen_range(0..entities)
    }
}

/// Reference mode: one SplitMix64 (state = seed) shared by every entity; delay
/// `-ln(1 - u)` with `u = next_f64()`, target `next_below(E)` (bit-exact PHOLD.md draws).
#[derive(Clone, Debug)]
pub struct SharedSplitMix(Rc<RefCell<SplitMix64>>);

impl SharedSplitMix {
    /// A shared generator whose state starts at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(Rc::new(RefCell::new(SplitMix64::new(seed))))
    }
}

impl SimcoreDraws for SharedSplitMix {
    #[inline]
    fn delay(&mut self, _ctx: &SimulationContext) -> f64 {
        -(1.0 - self.0.borrow_mut().next_f64()).ln()
    }

    #[inline]
    fn target(&mut self, _ctx: &SimulationContext, entities: u32) -> u32 {
        self.0.borrow_mut().next_below(u64::from(entities)) as u32
    }
}

/// One PHOLD entity: a simcore component with a counter.
struct Entity<R> {
    ctx: SimulationContext,
    counter: u64,
    entities: u32,
    draws: R,
}

impl<R: SimcoreDraws> EventHandler for Entity<R> {
    fn on(&mut self, event: Event) {
        cast!(match event.data {
            Hop {} => {
                self.counter += 1;
                let delay = self.draws.delay(&self.ctx);
                let target = self.draws.target(&self.ctx, self.entities);
                self.ctx.emit(Hop {}, target, delay);
            }
        })
    }
}

/// PHOLD on simcore, one handler component per entity.
///
/// [`new`](SimcorePhold::new) (performance mode) or [`reference`](SimcorePhold::reference)
/// does the untimed setup (components, handlers, initial events); [`run`](Self::run) is
/// the timed part.
///
/// ```
/// use sim_benches::simcore_phold::SimcorePhold;
/// use sim_core::phold::PholdConfig;
///
/// let cfg = PholdConfig { entities: 100, per_entity: 2, events: 1_000, seed: 42 };
/// let mut phold = SimcorePhold::new(&cfg);
/// assert_eq!(phold.run().counter_sum, 1_000);
/// ```
pub struct SimcorePhold<R: SimcoreDraws = SimcoreRng> {
    sim: Simulation,
    entities: Vec<Rc<RefCell<Entity<R>>>>,
    counters: Vec<u64>,
    events: u64,
}

impl SimcorePhold<SimcoreRng> {
    /// Performance mode: simcore's built-in RNG, seeded with `cfg.seed`.
    ///
    /// # Panics
    ///
    /// If `cfg.entities` or `cfg.per_entity` is 0.
    pub fn new(cfg: &PholdConfig) -> Self {
        Self::with_draws(cfg, SimcoreRng)
    }
}

impl SimcorePhold<SharedSplitMix> {
    /// Reference mode: PHOLD.md's SplitMix64 draws with simcore's `f64` time.
    ///
    /// # Panics
    ///
    /// If `cfg.entities` or `cfg.per_entity` is 0.
    pub fn reference(cfg: &PholdConfig) -> Self {
        Self::with_draws(cfg, SharedSplitMix::new(cfg.seed))
    }
}

impl<R: SimcoreDraws + Clone + 'static> SimcorePhold<R> {
    /// Sets up a run with the given draws: one component and handler per entity, then
    /// `E * M` initial events in entity-major order, one delay draw each (simcore numbers
    /// them from 0, which is PHOLD's `seq`).
    ///
    /// # Panics
    ///
    /// If `cfg.entities` or `cfg.per_entity` is 0.
    pub fn with_draws(cfg: &PholdConfig, draws: R) -> Self {
        assert!(
            cfg.entities > 0 && cfg.per_entity > 0,
            "PHOLD needs at least one entity and one initial event per entity"
        );
        let mut sim = Simulation::new(cfg.seed);
        let mut entities = Vec::with_capacity(cfg.entities as usize);
        for index in 0..cfg.entities {
            let name = format!("entity-{index}");
            let ctx = sim.create_context(&name);
            assert_eq!(ctx.id(), index, "entity i must be simcore component Id i");
            let entity = Rc::new(RefCell::new(Entity {
                ctx,
                counter: 0,
                entities: cfg.entities,
                draws: draws.clone(),
            }));
            sim.add_handler(&name, entity.clone());
            entities.push(entity);
        }
        for entity in &entities {
            let mut entity = entity.borrow_mut();
            let Entity { ctx, draws, .. } = &mut *entity;
            for _ in 0..cfg.per_entity {
                let delay = draws.delay(ctx);
                ctx.emit_self(Hop {}, delay);
            }
        }
        Self {
            sim,
            entities,
            counters: Vec::with_capacity(cfg.entities as usize),
            events: cfg.events,
        }
    }

    /// Processes `cfg.events` events, exactly `cfg.events` calls of simcore's `step()` (the
    /// timed part), and reports the counters with the final clock as `round(time * 1e9)`.
    ///
    /// A second call processes another `cfg.events` events; the report always covers every
    /// event processed so far.
    #[inline(never)]
    pub fn run(&mut self) -> PholdReport {
        for _ in 0..self.events {
            let stepped = self.sim.step();
            debug_assert!(stepped, "PHOLD keeps P >= 1 events pending");
        }
        self.counters.clear();
        self.counters
            .extend(self.entities.iter().map(|e| e.borrow().counter));
        report_from_counters(
            &self.counters,
            (self.time() * TICKS_PER_UNIT).round() as u64,
        )
    }

    /// The simulation clock in `f64` time units: the time of the last processed event.
    pub fn time(&self) -> f64 {
        self.sim.time()
    }
}
