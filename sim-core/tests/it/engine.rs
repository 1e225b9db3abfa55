//! The simulation runner: run control, stop conditions, progress, determinism.

use sim_core::engine::{Context, Model, RunLimits, Simulation, StopReason};
use sim_core::queue::{EventHandle, ScheduleError};
use sim_core::time::{SimDuration, SimTime};

/// A model that records what it sees and follows a tiny script.
#[derive(Default)]
struct Recorder {
    seen: Vec<(u64, Ev)>,
    timeout: Option<EventHandle>,
    past_error: Option<ScheduleError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ev {
    /// Re-schedules itself every `period` ns.
    Tick { period: u64 },
    /// Arms a cancellable timeout 10 ns ahead.
    Arm,
    /// Disarms the timeout.
    Disarm,
    /// Must never be seen once disarmed.
    Timeout,
    /// Tries to schedule in the past.
    TimeTravel,
    /// Stops the run.
    Halt,
}

impl Model for Recorder {
    type Event = Ev;

    fn handle(&mut self, event: Ev, ctx: &mut Context<'_, Ev>) {
        self.seen.push((ctx.now().as_nanos(), event));
        match event {
            Ev::Tick { period } => ctx
                .schedule_in(SimDuration::from_nanos(period), event)
                .unwrap(),
            Ev::Arm => {
                self.timeout = Some(
                    ctx.schedule_cancellable_in(SimDuration::from_nanos(10), Ev::Timeout)
                        .unwrap(),
                );
            }
            Ev::Disarm => {
                let h = self.timeout.take().unwrap();
                assert!(ctx.is_pending(h));
                assert!(ctx.cancel(h));
            }
            Ev::Timeout => {}
            Ev::TimeTravel => {
                let past = SimTime::from_nanos(ctx.now().as_nanos() - 1);
                self.past_error = ctx.schedule_at(past, Ev::Halt).err();
            }
            Ev::Halt => ctx.request_stop(),
        }
    }
}

fn at(ns: u64) -> SimTime {
    SimTime::from_nanos(ns)
}

#[test]
fn run_until_processes_events_up_to_and_including_the_limit() {
    let mut sim = Simulation::new(Recorder::default());
    sim.schedule_at(at(0), Ev::Tick { period: 10 }).unwrap();
    let r = sim.run_until(at(35));
    assert_eq!(r.reason, StopReason::TimeLimit);
    assert_eq!(r.events, 4); // 0, 10, 20, 30
    assert_eq!(sim.now(), at(35));
    let r = sim.run_until(at(40));
    assert_eq!(r.events, 1); // 40 is included
    assert_eq!(sim.events_processed(), 5);
}

#[test]
fn run_until_advances_the_clock_even_when_the_queue_drains() {
    let mut sim = Simulation::new(Recorder::default());
    sim.schedule_at(at(5), Ev::Timeout).unwrap();
    let r = sim.run_until(at(100));
    assert_eq!(r.reason, StopReason::QueueEmpty);
    assert_eq!(r.now, at(100));
    // Nothing can now be scheduled before 100.
    assert!(sim.schedule_at(at(99), Ev::Timeout).is_err());
}

#[test]
fn cancelled_timeout_is_never_delivered() {
    let mut sim = Simulation::new(Recorder::default());
    sim.schedule_at(at(0), Ev::Arm).unwrap();
    sim.schedule_at(at(5), Ev::Disarm).unwrap();
    sim.schedule_at(at(20), Ev::Arm).unwrap();
    let r = sim.run();
    assert_eq!(r.reason, StopReason::QueueEmpty);
    let timeouts: Vec<u64> = sim
        .model()
        .seen
        .iter()
        .filter(|(_, e)| *e == Ev::Timeout)
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(timeouts, [30], "only the second, undisarmed timeout fires");
}

#[test]
fn the_model_sees_scheduling_in_the_past_as_an_error() {
    let mut sim = Simulation::new(Recorder::default());
    sim.schedule_at(at(7), Ev::TimeTravel).unwrap();
    sim.run();
    assert_eq!(
        sim.model().past_error,
        Some(ScheduleError::InThePast { at: 6, now: 7 })
    );
}

#[test]
fn request_stop_and_stop_conditions_end_the_run() {
    let mut sim = Simulation::new(Recorder::default());
    sim.schedule_at(at(0), Ev::Tick { period: 1 }).unwrap();
    sim.schedule_at(at(50), Ev::Halt).unwrap();
    let r = sim.run();
    assert_eq!(r.reason, StopReason::Requested);
    assert_eq!(r.now, at(50));

    let r = sim.run_with(RunLimits::default(), |m, _| m.seen.len() >= 60, |_| {});
    assert_eq!(r.reason, StopReason::Condition);
    assert_eq!(sim.model().seen.len(), 60);

    let r = sim.run_events(7);
    assert_eq!((r.reason, r.events), (StopReason::EventLimit, 7));
}

#[test]
fn progress_fires_every_n_events_and_every_simulated_interval() {
    let mut sim = Simulation::new(Recorder::default());
    sim.schedule_at(at(0), Ev::Tick { period: 3 }).unwrap();
    let mut by_events = Vec::new();
    let limits = RunLimits {
        max_events: Some(100),
        progress_every_events: Some(25),
        ..RunLimits::default()
    };
    sim.run_with(limits, |_, _| false, |p| by_events.push(p.events_processed));
    assert_eq!(by_events, [25, 50, 75, 100]);

    let mut by_time = Vec::new();
    let limits = RunLimits {
        until: Some(at(1_000)),
        progress_every_sim: Some(SimDuration::from_nanos(100)),
        ..RunLimits::default()
    };
    sim.run_with(limits, |_, _| false, |p| by_time.push(p.now.as_nanos()));
    // Ticks fall on multiples of 3; the first tick at or past each multiple of 100 reports.
    assert_eq!(by_time, [300, 402, 501, 600, 702, 801, 900]);
}

#[test]
fn same_inputs_give_the_same_trajectory() {
    let run = || {
        let mut sim = Simulation::new(Recorder::default());
        sim.schedule_at(at(0), Ev::Tick { period: 7 }).unwrap();
        sim.schedule_at(at(0), Ev::Tick { period: 5 }).unwrap();
        sim.schedule_at(at(3), Ev::Arm).unwrap();
        sim.run_until(at(10_000));
        sim.into_model().seen
    };
    assert_eq!(run(), run());
}
