//! The serving side of the fabric simulation: inference services whose replicas hold nodes
//! of the same fleet as the training jobs, hit by the same failures, outages and power
//! throttles, plus network partitions between regions.
//!
//! # Request fidelity (every request simulated)
//!
//! ```text
//!   Arrive(users)      a user population sends its next request; the router picks a site
//!   Reach(request)     the request reaches the site, RTT/2 later: the site's router gives it
//!                      a slot of its least-loaded live replica, or queues it
//!   Done(request)      its last token is out: the slot goes to the head of the site's queue
//! ```
//!
//! A replica has `max_batch` slots (continuous batching). A site's router dispatches each
//! request to the live replica with a free slot and the least prefill work pending, and
//! holds requests in one FIFO queue while every slot of the site is taken (flow control
//! at the gateway, so a site's replicas act as one pool). An admitted
//! request waits for the replica's single prefill engine (compute bound, FIFO), so its first
//! token is out at `max(now, prefill_free) + prefill_s(prompt) / throttle`. Its decode speed
//! is frozen at admission from the roofline at the batch it joins and its mean context
//! (`prompt + output / 2`): `tpot = decode_step_s(batch, context) / throttle`, and it ends
//! `(output - 1) x tpot` after its first token. The first token and the end are known in
//! closed form at admission, so a request costs three events and nothing is stepped.
//! TTFT as the user sees it adds the round trip (half on the way in, half on the way back).
//!
//! A replica whose nodes fail (any failure or outage under them) dies with its batch (and
//! its site's queue, if it was the site's last live replica): each of those requests is
//! re-routed from its user's region (a retry) until it has been retried `max_retries`
//! times, then dropped. A request that finds no reachable
//! live replica is dropped at once. The replica takes spare nodes of its cluster as soon as
//! there are some (before waiting training jobs) and serves again `startup` later.
//! Stale events (a `Done` of a request since re-routed) are recognised by a generation
//! number and ignored, so nothing needs cancelling.
//!
//! # Flow fidelity (rates, for months)
//!
//! No request is an entity. Rates are held constant over each `interval` (cut further at
//! every state change: a replica dying or returning, a partition, a throttle, an hour
//! boundary) and the routing splits each population's rate over sites; one replica's
//! latency comes from [`crate::inference::flow`], with the live replicas of a site pooled as
//! its router makes them (see `serving/flow.rs` for the segment and routing rules).
//!
//! # Accounting
//!
//! Replica chips count as busy load of their site (power capping sees them, and a throttle
//! slows prefill and decode alike) and their on-demand price burns cloud commitments.
//! The service's own energy is its chips' draw at their slot utilisation times the site's
//! PUE while up (unthrottled draw: an upper bound under a cap); its cost is its chips'
//! on-demand price over the whole horizon (capacity is reserved, up or not).
//!
//! # Where things are
//!
//! The state (`Serving` and its replicas, service sites, user populations and requests)
//! is declared here, with the event dispatch; the rest is split by concern:
//!
//! ```text
//!   build      Serving::new: services' sites, replicas, user populations, flow driver
//!   replicas   placing (locate), starting, dying, and their busy time and cost
//!   requests   request fidelity: arrivals, queues, admission, completion, retries
//!   route      which service site a request goes to
//!   flow       flow fidelity: rates integrated between state changes
//!   figures    latency and outcome accumulators
//!   summary    the end of a run: per-service reports
//!   report     the public report types
//!   synthetic  synthetic serving scenarios for benchmarks
//! ```

mod build;
mod figures;
mod flow;
mod replicas;
mod report;
mod requests;
mod route;
mod summary;
pub mod synthetic;

use std::collections::VecDeque;
use std::ops::Range;

use sim_core::engine::Context;
use sim_core::rng::StreamRng;
use sim_core::time::{SimDuration, SimTime};

use crate::catalog::RegionId;
use crate::inference::arrival::{ArrivalProcess, TraceRecord};
use crate::inference::roofline::ReplicaSpeed;
use crate::inference::service::Service;
use crate::network::{Partition, PartitionPlan, Reachability};
use crate::sim::events::Ev;
use crate::topology::ClusterId;

use figures::{COARSE_ALPHA, FiguresAcc};
use flow::FlowDriver;

pub(crate) use replicas::ReplicaNeed;
pub use report::{
    LatencySummary, Outcome, RegionReport, RequestRecord, ServiceReport, ServiceWindow,
    ServingFigures,
};

/// How finely requests are simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fidelity {
    /// Every request is an entity with its own events: exact, for hours to days.
    Request,
    /// Rates are held constant over each interval (and between state changes); latency
    /// comes from a queueing approximation: for months to years.
    Flow {
        /// Length of the rate intervals.
        interval: SimDuration,
    },
}

/// Default flow interval: one hour (diurnal profiles are hourly).
pub const DEFAULT_FLOW_INTERVAL: SimDuration = SimDuration::from_secs(3600);

/// Length of a row of the service timeline.
pub const WINDOW: SimDuration = SimDuration::from_secs(3600);

/// Everything the serving side of a run needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ServingRun {
    /// The services, resolved.
    pub services: Vec<Service>,
    /// Network partitions between regions.
    pub partitions: PartitionPlan,
    /// Request or flow.
    pub fidelity: Fidelity,
    /// In request mode, keep one request in this many for `requests.csv` (0: none).
    pub sample_every: u64,
}

impl Default for ServingRun {
    fn default() -> Self {
        Self {
            services: Vec::new(),
            partitions: PartitionPlan::default(),
            fidelity: Fidelity::Request,
            sample_every: 0,
        }
    }
}

/// Capacity owner ids at and above this are replicas (`REPLICA_OWNER_BASE + replica`).
pub(crate) const REPLICA_OWNER_BASE: u32 = 1 << 31;

/// The serving events (8 bytes of payload, so a
/// [`FabricEvent`](crate::sim::FabricEvent) stays 16 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServeEvent {
    /// Time zero: place replicas, schedule first arrivals, partitions and flow ticks.
    Start,
    /// User population `i` sends a request.
    Arrive(u32),
    /// Request `slot` (generation `gen`) reaches its replica.
    Reach {
        /// Request slot.
        slot: u32,
        /// Generation the event was scheduled for.
        generation: u32,
    },
    /// Request `slot` delivers its last token.
    Done {
        /// Request slot.
        slot: u32,
        /// Generation the event was scheduled for.
        generation: u32,
    },
    /// Replica `replica` has finished starting (if still in start-up epoch `epoch`).
    ReplicaUp {
        /// Replica index.
        replica: u32,
        /// Its life counter when the start-up began.
        epoch: u32,
    },
    /// Partition `i` of the plan begins.
    PartitionStart(u32),
    /// Partition `i` of the plan ends.
    PartitionEnd(u32),
    /// A flow interval boundary.
    FlowTick,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReplicaState {
    /// Waiting for nodes.
    Waiting,
    /// Holding nodes, loading.
    Starting,
    /// Serving.
    Up,
}

/// One replica.
#[derive(Clone, Debug)]
struct Replica {
    service: u16,
    /// Index of its site in its service's site list (`u16::MAX` while a policy-placed
    /// replica holds no nodes).
    sidx: u16,
    /// Index of its group in its service.
    group: u16,
    /// Its cluster and whole nodes (`None` / 0 while a policy-placed replica waits).
    cluster: Option<ClusterId>,
    nodes: u32,
    /// Whether the placement policy chooses its cluster (each time it is placed).
    by_policy: bool,
    /// On-demand USD per hour of its chips where it is, and since when it holds them.
    usd_per_h: f64,
    held_since: Option<SimTime>,
    cost_usd: f64,
    slots: u32,
    speed: ReplicaSpeed,
    state: ReplicaState,
    epoch: u32,
    busy: u32,
    active: Vec<u32>,
    prefill_free_at: SimTime,
    /// Busy slot-seconds, live slot-seconds, up seconds, and their last update.
    busy_area: f64,
    up_s: f64,
    last: SimTime,
    /// Facility watts of its chips at slot utilisation 0 and per unit of utilisation.
    watts_idle: f64,
    watts_slope: f64,
}

/// One site of one service: its replicas (contiguous) and how many are up.
#[derive(Clone, Debug)]
struct ServiceSite {
    site: u16,
    region: RegionId,
    /// Its replicas (those placed here, for policy-placed groups).
    replicas: Vec<u32>,
    live: u32,
    /// Requests waiting for a slot of any of its replicas, FIFO.
    queue: VecDeque<u32>,
}

/// Where a population's requests come from.
#[derive(Clone, Debug)]
enum Source {
    Poisson(ArrivalProcess),
    Trace(Vec<TraceRecord>, usize),
}

/// One user population.
#[derive(Clone, Debug)]
struct UserState {
    service: u16,
    /// Index within its service.
    local: u16,
    region: RegionId,
    source: Source,
    rng: StreamRng,
    /// Per service site: RTT (ns) from the users' region.
    rtt_ns: Vec<u64>,
    /// Service sites by increasing RTT (ties by site order).
    order: Vec<u16>,
}

/// One service's static data and accumulators.
#[derive(Clone, Debug)]
struct ServiceState {
    service: Service,
    sites: Vec<ServiceSite>,
    replicas: Range<u32>,
    users: Range<u32>,
    figures: FiguresAcc,
    regions: Vec<FiguresAcc>,
    windows: Vec<FiguresAcc>,
    /// Per user population, per hour (request fidelity only).
    region_windows: Vec<Vec<FiguresAcc>>,
    /// Mean slot time of a request at half batch, s (the latency-aware router's estimate).
    mean_service_s: f64,
}

/// A request in flight.
#[derive(Clone, Copy, Debug)]
struct Request {
    generation: u32,
    user: u32,
    arrival: SimTime,
    prompt: u32,
    output: u32,
    retries: u32,
    /// The service site it was sent to.
    sidx: u16,
    /// The replica holding it (`u32::MAX` before admission).
    replica: u32,
    /// Its index in its replica's `active` list while it holds a slot.
    pos: u32,
    first_token: SimTime,
    tpot_s: f64,
    sampled: bool,
}

/// The serving state of a run.
pub(crate) struct Serving {
    horizon: SimTime,
    services: Vec<ServiceState>,
    replicas: Vec<Replica>,
    users: Vec<UserState>,
    /// Per fabric site: throughput fraction of its power throttle.
    throttle: Vec<f64>,
    reach: Reachability,
    partitions: Vec<Partition>,
    requests: Vec<Request>,
    free: Vec<u32>,
    sample_every: u64,
    arrivals_seen: u64,
    log: Vec<RequestRecord>,
    flow: Option<FlowDriver>,
}

#[inline]
fn secs_to_ns(s: f64) -> u64 {
    // `as` saturates: a non-finite or huge time becomes u64::MAX, never wraps.
    (s * 1e9).round() as u64
}

#[inline]
fn later(t: SimTime, ns: u64) -> SimTime {
    t.saturating_add(SimDuration::from_nanos(ns))
}

impl Serving {
    /// Whether there is anything to serve.
    pub(crate) fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// Number of replicas.
    pub(crate) fn replica_count(&self) -> u32 {
        self.replicas.len() as u32
    }

    /// Time zero: first arrivals, partitions and flow ticks.
    pub(crate) fn start(&mut self, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        if self.flow.is_none() {
            for u in 0..self.users.len() as u32 {
                self.schedule_next_arrival(u, now, ctx);
            }
        } else if let Some(f) = &self.flow {
            let at = later(now, f.interval().as_nanos());
            if at <= self.horizon {
                schedule(ctx, at, ServeEvent::FlowTick);
            }
        }
        for (i, p) in self.partitions.iter().enumerate() {
            if p.start <= self.horizon {
                schedule(ctx, p.start.max(now), ServeEvent::PartitionStart(i as u32));
            }
            if p.end <= self.horizon {
                schedule(ctx, p.end.max(now), ServeEvent::PartitionEnd(i as u32));
            }
        }
    }

    /// Handles a serving event (replica placement events are the caller's).
    pub(crate) fn handle(&mut self, event: ServeEvent, ctx: &mut Context<'_, Ev>) {
        match event {
            ServeEvent::Start => self.start(ctx),
            ServeEvent::Arrive(u) => self.on_arrive(u, ctx),
            ServeEvent::Reach { slot, generation } => self.on_reach(slot, generation, ctx),
            ServeEvent::Done { slot, generation } => self.on_done(slot, generation, ctx),
            ServeEvent::ReplicaUp { replica, epoch } => self.on_replica_up(replica, epoch, ctx),
            ServeEvent::PartitionStart(i) => {
                self.flow_advance(ctx.now());
                let p = self.partitions[i as usize];
                self.reach.apply(&p, true);
            }
            ServeEvent::PartitionEnd(i) => {
                self.flow_advance(ctx.now());
                let p = self.partitions[i as usize];
                self.reach.apply(&p, false);
            }
            ServeEvent::FlowTick => {
                let now = ctx.now();
                self.flow_advance(now);
                if let Some(f) = &self.flow {
                    let at = later(now, f.interval().as_nanos());
                    if at <= self.horizon && at > now {
                        schedule(ctx, at, ServeEvent::FlowTick);
                    }
                }
            }
        }
    }

    /// Sets site `s`'s throttle (throughput fraction) from now on.
    pub(crate) fn set_throttle(&mut self, s: usize, throttle: f64, now: SimTime) {
        if self.throttle[s] != throttle {
            // Only the services with live replicas at the site see the change.
            if self.flow.is_some() {
                for i in 0..self.services.len() {
                    let at_site = |x: &ServiceSite| x.site as usize == s && x.live > 0;
                    if self.services[i].sites.iter().any(at_site) {
                        self.flow_advance_service(i, now);
                    }
                }
            }
            self.throttle[s] = throttle;
        }
    }

    /// Integrates the flow fidelity of every service up to `now` (nothing in request mode).
    fn flow_advance(&mut self, now: SimTime) {
        for s in 0..self.services.len() {
            self.flow_advance_service(s, now);
        }
    }

    /// Integrates the flow fidelity of service `s` up to `now` (nothing in request mode).
    fn flow_advance_service(&mut self, s: usize, now: SimTime) {
        if let Some(f) = &mut self.flow {
            f.advance(
                s,
                now,
                &mut self.services,
                &self.replicas,
                &self.users,
                &self.throttle,
                &self.reach,
            );
        }
    }
}

/// The timeline row of arrival time `t`, grown on demand.
#[inline]
fn window(windows: &mut Vec<FiguresAcc>, t: SimTime) -> &mut FiguresAcc {
    let i = (t.as_nanos() / WINDOW.as_nanos()) as usize;
    if windows.len() <= i {
        windows.resize_with(i + 1, || FiguresAcc::new(COARSE_ALPHA));
    }
    &mut windows[i]
}

#[inline]
fn schedule(ctx: &mut Context<'_, Ev>, at: SimTime, ev: ServeEvent) {
    ctx.schedule_at(at, Ev::Serve(ev))
        .expect("invariant: serving events are never in the past");
}
