//! The simulation runner: a [`Model`] reacting to its own events, driven in time order by
//! [`Simulation`].
//!
//! # Event loop
//!
//! ```text
//!   loop {
//!       (t, event) = queue.pop()          // earliest time, FIFO among equal times
//!       now = t
//!       model.handle(event, &mut ctx)     // may schedule, cancel, or request a stop
//!       events_processed += 1
//!   }
//! ```
//!
//! The loop is generic over the model, so `handle` is a static call that the compiler can
//! inline; nothing in it allocates (the queue reuses its buffers), hashes or formats. Stop
//! conditions and progress callbacks are closures, also static; the plain `run*` methods pass
//! no-ops that compile away.
//!
//! # Invariants
//!
//! * `now` never decreases, and equals the time of the event being handled.
//! * An event scheduled before `now` is refused ([`ScheduleError::InThePast`]); the model
//!   sees the error and decides.
//! * A cancelled event is never delivered.

use crate::queue::{EventHandle, EventQueue, ScheduleError};
use crate::time::{SimDuration, SimTime};

/// A simulation model: state plus a handler for the model's own event type.
///
/// The event type is usually an enum of what can happen (`JobArrived`, `NodeFailed`, ...);
/// it is stored inline in the queue, so keep it small (tens of bytes) and free of heap data
/// where possible.
pub trait Model {
    /// The model's event payload.
    type Event;

    /// Reacts to `event`, due at `ctx.now()`.
    fn handle(&mut self, event: Self::Event, ctx: &mut Context<'_, Self::Event>);
}

/// What a model can do while handling an event: read the clock, schedule, cancel, stop.
#[derive(Debug)]
pub struct Context<'a, E> {
    now: SimTime,
    queue: &'a mut EventQueue<E>,
    stop: &'a mut bool,
}

impl<E> Context<'_, E> {
    /// The current simulated time (the time of the event being handled).
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at the absolute time `at` (`at >= now`).
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> Result<(), ScheduleError> {
        self.queue.push(at, event)
    }

    /// Schedules `event` after `delay` (zero means "now, after the events already due now").
    #[inline]
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) -> Result<(), ScheduleError> {
        let at = offset(self.now, delay)?;
        self.queue.push(at, event)
    }

    /// Schedules a cancellable `event` at `at`.
    #[inline]
    pub fn schedule_cancellable_at(
        &mut self,
        at: SimTime,
        event: E,
    ) -> Result<EventHandle, ScheduleError> {
        self.queue.push_cancellable(at, event)
    }

    /// Schedules a cancellable `event` after `delay`.
    #[inline]
    pub fn schedule_cancellable_in(
        &mut self,
        delay: SimDuration,
        event: E,
    ) -> Result<EventHandle, ScheduleError> {
        let at = offset(self.now, delay)?;
        self.queue.push_cancellable(at, event)
    }

    /// Cancels a pending event; `false` if it was already delivered or cancelled. O(1).
    #[inline]
    pub fn cancel(&mut self, handle: EventHandle) -> bool {
        self.queue.cancel(handle)
    }

    /// Whether the event behind `handle` is still pending.
    #[inline]
    pub fn is_pending(&self, handle: EventHandle) -> bool {
        self.queue.is_pending(handle)
    }

    /// Number of pending events (the one being handled excluded).
    #[inline]
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Asks the runner to stop after this event; the run returns [`StopReason::Requested`].
    #[inline]
    pub fn request_stop(&mut self) {
        *self.stop = true;
    }
}

#[inline]
fn offset(now: SimTime, delay: SimDuration) -> Result<SimTime, ScheduleError> {
    now.checked_add(delay).ok_or(ScheduleError::Overflow {
        now: now.as_nanos(),
        delay: delay.as_nanos(),
    })
}

/// Why a run returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// No event is left.
    QueueEmpty,
    /// The next event is after the time limit; the clock was advanced to the limit.
    TimeLimit,
    /// The event limit of this run was reached.
    EventLimit,
    /// The stop condition returned `true`.
    Condition,
    /// The model called [`Context::request_stop`].
    Requested,
}

/// The outcome of one call to a `run*` method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// Why the run returned.
    pub reason: StopReason,
    /// Events processed by this call.
    pub events: u64,
    /// The clock when the run returned.
    pub now: SimTime,
}

/// Bounds and progress cadence of a [`Simulation::run_with`] call. All fields default to "none".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunLimits {
    /// Process only events due at or before this time, then set the clock to it.
    pub until: Option<SimTime>,
    /// Process at most this many events in this call.
    pub max_events: Option<u64>,
    /// Call the progress callback every this many events (in total, across calls).
    pub progress_every_events: Option<u64>,
    /// Call the progress callback whenever the clock crosses a multiple of this interval.
    pub progress_every_sim: Option<SimDuration>,
}

/// A snapshot handed to the progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The current simulated time.
    pub now: SimTime,
    /// Events processed since the simulation was created.
    pub events_processed: u64,
    /// Events pending in the queue.
    pub pending: usize,
}

/// A model plus its event queue and clock.
///
/// ```
/// use sim_core::engine::{Context, Model, Simulation, StopReason};
/// use sim_core::time::{SimDuration, SimTime};
///
/// /// Counts ticks of a clock that ticks every second.
/// struct Clock { ticks: u32 }
///
/// impl Model for Clock {
///     type Event = ();
///     fn handle(&mut self, _: (), ctx: &mut Context<'_, ()>) {
///         self.ticks += 1;
///         ctx.schedule_in(SimDuration::from_secs(1), ()).unwrap();
///     }
/// }
///
/// let mut sim = Simulation::new(Clock { ticks: 0 });
/// sim.schedule_at(SimTime::ZERO, ()).unwrap();
/// let report = sim.run_until("1m".parse().unwrap());
/// assert_eq!(report.reason, StopReason::TimeLimit);
/// assert_eq!(sim.model().ticks, 61); // t = 0 s, 1 s, ..., 60 s
/// ```
#[derive(Debug)]
pub struct Simulation<M: Model> {
    model: M,
    queue: EventQueue<M::Event>,
    now: SimTime,
    events_processed: u64,
}

impl<M: Model> Simulation<M> {
    /// A simulation of `model` at time zero with no pending event.
    pub fn new(model: M) -> Self {
        Self {
            model,
            queue: EventQueue::new(),
            now: SimTime::ZERO,
            events_processed: 0,
        }
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably (between runs).
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// Consumes the simulation and returns the model.
    pub fn into_model(self) -> M {
        self.model
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events processed since creation.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// The event queue (for inspection, e.g. its memory use).
    pub fn queue(&self) -> &EventQueue<M::Event> {
        &self.queue
    }

    /// Schedules `event` at `at` from outside the model (initial events).
    pub fn schedule_at(&mut self, at: SimTime, event: M::Event) -> Result<(), ScheduleError> {
        self.queue.push(at, event)
    }

    /// Schedules `event` after `delay` from the current time.
    pub fn schedule_in(
        &mut self,
        delay: SimDuration,
        event: M::Event,
    ) -> Result<(), ScheduleError> {
        let at = offset(self.now, delay)?;
        self.queue.push(at, event)
    }

    /// Schedules a cancellable `event` at `at` from outside the model.
    pub fn schedule_cancellable_at(
        &mut self,
        at: SimTime,
        event: M::Event,
    ) -> Result<EventHandle, ScheduleError> {
        self.queue.push_cancellable(at, event)
    }

    /// Cancels a pending event from outside the model; `false` if it was not pending.
    pub fn cancel(&mut self, handle: EventHandle) -> bool {
        self.queue.cancel(handle)
    }

    /// Processes the next event, if any, and returns its time. A stop requested by the
    /// model during a step has no effect here (there is no run to stop).
    pub fn step(&mut self) -> Option<SimTime> {
        let (at, event) = self.queue.pop()?;
        self.dispatch(at, event);
        Some(at)
    }

    /// Runs until no event is left or the model requests a stop.
    pub fn run(&mut self) -> RunReport {
        self.run_with(RunLimits::default(), |_, _| false, |_| {})
    }

    /// Runs every event due at or before `end`, then sets the clock to `end` (unless the model
    /// requested a stop first). Returns [`StopReason::TimeLimit`], or
    /// [`StopReason::QueueEmpty`] if nothing is left to happen at all.
    pub fn run_until(&mut self, end: SimTime) -> RunReport {
        let limits = RunLimits {
            until: Some(end),
            ..RunLimits::default()
        };
        self.run_with(limits, |_, _| false, |_| {})
    }

    /// Processes at most `n` events.
    pub fn run_events(&mut self, n: u64) -> RunReport {
        let limits = RunLimits {
            max_events: Some(n),
            ..RunLimits::default()
        };
        self.run_with(limits, |_, _| false, |_| {})
    }

    /// Runs until the queue is empty, a limit is reached, the model requests a stop, or
    /// `stop(&model, now)` — checked after every event — returns `true`.
    /// `progress` is called at the cadence `limits` sets.
    pub fn run_with<S, P>(&mut self, limits: RunLimits, mut stop: S, mut progress: P) -> RunReport
    where
        S: FnMut(&M, SimTime) -> bool,
        P: FnMut(Progress),
    {
        let start_events = self.events_processed;
        let max_events = limits.max_events.unwrap_or(u64::MAX);
        let until = limits.until.unwrap_or(SimTime::MAX);
        let every_events = limits.progress_every_events.filter(|&n| n > 0);
        let every_sim = limits
            .progress_every_sim
            .filter(|d| !d.is_zero())
            .map(SimDuration::as_nanos);
        let mut next_progress_sim = every_sim.map(|step| next_multiple(self.now.as_nanos(), step));

        let reason = loop {
            if self.events_processed - start_events >= max_events {
                break StopReason::EventLimit;
            }
            match self.queue.peek_time() {
                None => break StopReason::QueueEmpty,
                Some(t) if t > until => break StopReason::TimeLimit,
                Some(_) => {}
            }
            let (at, event) = self
                .queue
                .pop()
                .expect("invariant: peek_time found an event, so pop returns it");
            let requested = self.dispatch(at, event);

            if let Some(n) = every_events
                && self.events_processed.is_multiple_of(n)
            {
                progress(self.progress());
            }
            if let (Some(step), Some(next)) = (every_sim, next_progress_sim.as_mut())
                && self.now.as_nanos() >= *next
            {
                *next = next_multiple(self.now.as_nanos(), step);
                progress(self.progress());
            }
            if requested {
                break StopReason::Requested;
            }
            if stop(&self.model, self.now) {
                break StopReason::Condition;
            }
        };

        // Time passes up to the limit even when nothing more happens in it.
        if matches!(reason, StopReason::TimeLimit | StopReason::QueueEmpty) && until != SimTime::MAX
        {
            self.now = self.now.max(until);
            self.queue.advance_to(self.now);
        }
        RunReport {
            reason,
            events: self.events_processed - start_events,
            now: self.now,
        }
    }

    /// Delivers one event at `at`; returns whether the model requested a stop.
    #[inline(always)]
    fn dispatch(&mut self, at: SimTime, event: M::Event) -> bool {
        self.now = at;
        let mut requested = false;
        let mut ctx = Context {
            now: at,
            queue: &mut self.queue,
            stop: &mut requested,
        };
        self.model.handle(event, &mut ctx);
        self.events_processed += 1;
        requested
    }

    fn progress(&self) -> Progress {
        Progress {
            now: self.now,
            events_processed: self.events_processed,
            pending: self.queue.len(),
        }
    }
}

/// The smallest multiple of `step` strictly greater than `t` (saturating).
fn next_multiple(t: u64, step: u64) -> u64 {
    (t / step).saturating_add(1).saturating_mul(step)
}
