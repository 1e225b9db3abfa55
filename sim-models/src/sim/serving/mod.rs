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

mod figures;
mod flow;
mod report;
mod route;
pub mod synthetic;

use std::collections::VecDeque;
use std::ops::Range;

use sim_core::engine::Context;
use sim_core::rng::{RngStreams, StreamRng};
use sim_core::time::{SimDuration, SimTime};

use crate::catalog::{Catalog, RegionId};
use crate::inference::arrival::{ArrivalProcess, TraceRecord};
use crate::inference::roofline::ReplicaSpeed;
use crate::inference::service::{Arrivals, Service};
use crate::network::{Partition, PartitionPlan, Reachability, RttModel};
use crate::power::{AcceleratorPower, ChipState};
use crate::topology::{ClusterId, Fabric};

use figures::{COARSE_ALPHA, FINE_ALPHA, FiguresAcc};
use flow::FlowDriver;

pub use report::{
    LatencySummary, Outcome, RegionReport, RequestRecord, ServiceReport, ServiceWindow,
    ServingFigures,
};

use super::TrainingEvent;

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

/// The serving events (8 bytes of payload, so a [`TrainingEvent`] stays 16 bytes).
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

type Ev = TrainingEvent;

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
    /// Sets up the services of `run` on `fabric` (replicas waiting for nodes).
    pub(crate) fn new(
        run: &super::serving::ServingRun,
        fabric: &Fabric,
        catalog: &Catalog,
        rtt: &RttModel,
        seed: u64,
        horizon: SimTime,
    ) -> Self {
        let streams = RngStreams::new(seed);
        let mut services = Vec::new();
        let mut replicas = Vec::new();
        let mut users = Vec::new();
        for (si, svc) in run.services.iter().enumerate() {
            // Its sites: those of fixed groups, and every site with a cluster of a
            // policy-placed group's kind; in fabric order.
            let mut site_ids: Vec<u16> = Vec::new();
            for g in &svc.replicas {
                match g.site {
                    Some(site) => site_ids.push(site.0),
                    None => site_ids.extend(
                        fabric
                            .clusters()
                            .iter()
                            .filter(|c| c.accelerator == g.kind)
                            .map(|c| c.site.0),
                    ),
                }
            }
            site_ids.sort_unstable();
            site_ids.dedup();
            let mut sites: Vec<ServiceSite> = site_ids
                .iter()
                .map(|&id| ServiceSite {
                    site: id,
                    region: fabric.sites()[id as usize].region,
                    replicas: Vec::new(),
                    live: 0,
                    queue: VecDeque::new(),
                })
                .collect();
            let first = replicas.len() as u32;
            for (g, group) in svc.replicas.iter().enumerate() {
                for _ in 0..group.count {
                    let r = replicas.len() as u32;
                    replicas.push(Replica {
                        service: si as u16,
                        sidx: u16::MAX,
                        group: g as u16,
                        cluster: None,
                        nodes: 0,
                        by_policy: group.cluster.is_none(),
                        usd_per_h: 0.0,
                        held_since: None,
                        cost_usd: 0.0,
                        slots: svc.max_batch,
                        speed: group.speed,
                        state: ReplicaState::Waiting,
                        epoch: 0,
                        busy: 0,
                        active: Vec::with_capacity(svc.max_batch.min(4096) as usize),
                        prefill_free_at: SimTime::ZERO,
                        busy_area: 0.0,
                        up_s: 0.0,
                        last: SimTime::ZERO,
                        watts_idle: 0.0,
                        watts_slope: 0.0,
                    });
                    if let Some(cluster) = group.cluster {
                        locate(
                            &mut replicas[r as usize],
                            &mut sites,
                            fabric,
                            catalog,
                            cluster,
                            group.nodes,
                            r,
                        );
                    }
                }
            }
            let first_user = users.len() as u32;
            for (ui, u) in svc.users.iter().enumerate() {
                let rtt_ns: Vec<u64> = sites
                    .iter()
                    .map(|s| secs_to_ns(rtt.rtt_ms(u.region, s.region).ms / 1e3))
                    .collect();
                let mut order: Vec<u16> = (0..sites.len() as u16).collect();
                order.sort_by_key(|&s| (rtt_ns[s as usize], s));
                let source = match &u.arrivals {
                    Arrivals::Profile(p) => Source::Poisson(
                        ArrivalProcess::new(p.clone(), &[])
                            .expect("invariant: profiles are validated when the service resolves"),
                    ),
                    Arrivals::Trace(records) => Source::Trace(records.clone(), 0),
                };
                users.push(UserState {
                    service: si as u16,
                    local: ui as u16,
                    region: u.region,
                    source,
                    rng: streams.stream(&format!("serve/{}/users/{ui}", svc.name)),
                    rtt_ns,
                    order,
                });
            }
            // Mean slot time at half batch and mean context: the router's queue estimate.
            let ctx = (svc.prompt_tokens.mean() + svc.output_tokens.mean() / 2.0) as u32;
            let mean_service_s = svc.replicas.first().map_or(0.0, |g| {
                g.speed.prefill_s(svc.prompt_tokens.mean().round() as u32)
                    + (svc.output_tokens.mean() - 1.0).max(0.0)
                        * g.speed.tpot_s((svc.max_batch / 2).max(1), ctx)
            });
            services.push(ServiceState {
                sites,
                replicas: first..replicas.len() as u32,
                users: first_user..users.len() as u32,
                figures: FiguresAcc::new(FINE_ALPHA),
                regions: (0..svc.users.len())
                    .map(|_| FiguresAcc::new(FINE_ALPHA))
                    .collect(),
                windows: Vec::new(),
                region_windows: vec![Vec::new(); svc.users.len()],
                mean_service_s,
                service: svc.clone(),
            });
        }
        let flow = match run.fidelity {
            Fidelity::Flow { interval } => {
                Some(FlowDriver::new(&services, interval, horizon, &streams))
            }
            Fidelity::Request => None,
        };
        Self {
            horizon,
            services,
            replicas,
            users,
            throttle: vec![1.0; fabric.sites().len()],
            reach: Reachability::new(catalog.regions().len()),
            partitions: run.partitions.partitions().to_vec(),
            requests: Vec::new(),
            free: Vec::new(),
            sample_every: run.sample_every,
            arrivals_seen: 0,
            log: Vec::new(),
            flow,
        }
    }

    /// Whether there is anything to serve.
    pub(crate) fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// Number of replicas.
    pub(crate) fn replica_count(&self) -> u32 {
        self.replicas.len() as u32
    }

    /// What replica `r` needs to be placed.
    pub(crate) fn replica_needs(&self, r: u32) -> ReplicaNeed {
        let rep = &self.replicas[r as usize];
        match rep.cluster {
            Some(cluster) => ReplicaNeed::Fixed {
                cluster,
                nodes: rep.nodes,
            },
            None => {
                let svc = &self.services[rep.service as usize];
                let group = &svc.service.replicas[rep.group as usize];
                ReplicaNeed::Policy {
                    kind: group.kind,
                    chips: group.chips,
                }
            }
        }
    }

    /// Replica `r`'s name for the decision log, e.g. `chat#3`.
    pub(crate) fn replica_name(&self, r: u32) -> String {
        let rep = &self.replicas[r as usize];
        let svc = &self.services[rep.service as usize];
        format!("{}#{}", svc.service.name, r - svc.replicas.start)
    }

    /// The regions of replica `r`'s users, weighted by their mean request rates, into `out`.
    pub(crate) fn replica_users(&self, r: u32, out: &mut Vec<(RegionId, f64)>) {
        out.clear();
        let svc = &self.services[self.replicas[r as usize].service as usize];
        for u in &self.users[svc.users.start as usize..svc.users.end as usize] {
            let rate = match &u.source {
                Source::Poisson(p) => p.profile().mean_rate(),
                Source::Trace(records, _) => {
                    let span = records.last().map_or(0.0, |l| l.at.as_secs_f64()).max(1.0);
                    records.len() as f64 / span
                }
            };
            out.push((u.region, rate));
        }
    }

    /// The accelerators replica `r`'s service holds now, per cluster, into `out`; returns
    /// the service's total once every replica is placed.
    pub(crate) fn service_holdings(
        &self,
        r: u32,
        fabric: &Fabric,
        out: &mut Vec<(ClusterId, u32)>,
    ) -> u32 {
        out.clear();
        let svc = &self.services[self.replicas[r as usize].service as usize];
        let mut total = 0;
        for rep in &self.replicas[svc.replicas.start as usize..svc.replicas.end as usize] {
            let group = &svc.service.replicas[rep.group as usize];
            total += group.chips;
            if let Some(c) = rep.cluster {
                let chips = rep.nodes * fabric.cluster(c).node_size;
                match out.iter_mut().find(|(x, _)| *x == c) {
                    Some(e) => e.1 += chips,
                    None => out.push((c, chips)),
                }
            }
        }
        total
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

    /// Replica `r` got its nodes: it serves at once when `warm` (time zero), else after its
    /// service's start-up time.
    pub(crate) fn replica_placed(
        &mut self,
        r: u32,
        at: (ClusterId, u32),
        fabric: &Fabric,
        catalog: &Catalog,
        warm: bool,
        ctx: &mut Context<'_, Ev>,
    ) {
        let now = ctx.now();
        let service = self.replicas[r as usize].service as usize;
        if self.replicas[r as usize].by_policy {
            locate(
                &mut self.replicas[r as usize],
                &mut self.services[service].sites,
                fabric,
                catalog,
                at.0,
                at.1,
                r,
            );
        }
        let rep = &mut self.replicas[r as usize];
        rep.held_since = Some(now);
        rep.state = ReplicaState::Starting;
        let epoch = rep.epoch;
        if warm {
            self.on_replica_up(r, epoch, ctx);
        } else {
            let startup = self.services[rep.service as usize].service.startup;
            schedule(
                ctx,
                now.saturating_add(startup),
                ServeEvent::ReplicaUp { replica: r, epoch },
            );
        }
    }

    fn on_replica_up(&mut self, r: u32, epoch: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let rep = &self.replicas[r as usize];
        if rep.epoch != epoch || rep.state != ReplicaState::Starting {
            return; // died again while starting
        }
        let (service, sidx) = (rep.service as usize, rep.sidx as usize);
        self.flow_advance_service(service, now);
        self.services[service].sites[sidx].live += 1;
        let rep = &mut self.replicas[r as usize];
        rep.state = ReplicaState::Up;
        rep.last = now;
        rep.prefill_free_at = now;
        self.drain_site_queue(service, sidx, ctx);
    }

    /// Replica `r` lost its nodes: everything it held or queued is retried or dropped.
    pub(crate) fn replica_down(&mut self, r: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let state = self.replicas[r as usize].state;
        self.replicas[r as usize].epoch = self.replicas[r as usize].epoch.wrapping_add(1);
        self.replicas[r as usize].state = ReplicaState::Waiting;
        self.release_nodes(r, now);
        if state != ReplicaState::Up {
            self.unlocate(r);
            return;
        }
        self.flow_advance_service(self.replicas[r as usize].service as usize, now);
        self.account(r, now);
        let rep = &mut self.replicas[r as usize];
        let (service, sidx) = (rep.service as usize, rep.sidx as usize);
        rep.busy = 0;
        let mut victims = std::mem::take(&mut rep.active);
        let svc = &mut self.services[service];
        svc.sites[sidx].live -= 1;
        if svc.sites[sidx].live == 0 {
            // Nothing left at the site to wait for: its queue is re-routed too.
            victims.extend(svc.sites[sidx].queue.drain(..));
        }
        if let Some(f) = &mut self.flow {
            f.replica_died(&mut self.services, &self.replicas, r);
        }
        self.unlocate(r);
        for &slot in &victims {
            self.retry(slot, ctx);
        }
        victims.clear();
        self.replicas[r as usize].active = victims;
    }

    /// Banks the cost of replica `r`'s nodes up to `now` (it no longer holds them).
    fn release_nodes(&mut self, r: u32, now: SimTime) {
        let rep = &mut self.replicas[r as usize];
        if let Some(since) = rep.held_since.take() {
            rep.cost_usd += rep.usd_per_h * now.saturating_duration_since(since).as_hours_f64();
        }
    }

    /// A policy-placed replica that lost its nodes leaves its site (the policy may put
    /// it elsewhere next time).
    fn unlocate(&mut self, r: u32) {
        let rep = &mut self.replicas[r as usize];
        if !rep.by_policy || rep.sidx == u16::MAX {
            return;
        }
        let site = &mut self.services[rep.service as usize].sites[rep.sidx as usize];
        site.replicas.retain(|&x| x != r);
        rep.sidx = u16::MAX;
        rep.cluster = None;
        rep.nodes = 0;
    }

    /// Banks replica `r`'s busy slot-time up to `now`.
    #[inline]
    fn account(&mut self, r: u32, now: SimTime) {
        let rep = &mut self.replicas[r as usize];
        let dt = now.saturating_duration_since(rep.last).as_secs_f64();
        rep.busy_area += f64::from(rep.busy) * dt;
        rep.up_s += dt;
        rep.last = now;
    }

    fn schedule_next_arrival(&mut self, u: u32, now: SimTime, ctx: &mut Context<'_, Ev>) {
        let user = &mut self.users[u as usize];
        let next = match &mut user.source {
            Source::Poisson(p) => p.next_after(now, &mut user.rng),
            Source::Trace(records, cursor) => records.get(*cursor).map(|r| r.at.max(now)),
        };
        if let Some(at) = next
            && at <= self.horizon
        {
            schedule(ctx, at, ServeEvent::Arrive(u));
        }
    }

    fn on_arrive(&mut self, u: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let user = &mut self.users[u as usize];
        let service = user.service as usize;
        let svc = &self.services[service];
        let (prompt, output) = match &mut user.source {
            Source::Poisson(_) => (
                svc.service.prompt_tokens.sample(&mut user.rng),
                svc.service.output_tokens.sample(&mut user.rng),
            ),
            Source::Trace(records, cursor) => {
                let r = records[*cursor];
                *cursor += 1;
                (r.prompt_tokens, r.output_tokens)
            }
        };
        let local = user.local as usize;
        self.schedule_next_arrival(u, now, ctx);
        let svc = &mut self.services[service];
        svc.figures.requests += 1.0;
        svc.regions[local].requests += 1.0;
        window(&mut svc.windows, now).requests += 1.0;
        window(&mut svc.region_windows[local], now).requests += 1.0;
        self.arrivals_seen += 1;
        let sampled = self.sample_every > 0 && self.arrivals_seen.is_multiple_of(self.sample_every);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.requests.push(Request {
                    generation: 0,
                    user: 0,
                    arrival: now,
                    prompt: 0,
                    output: 0,
                    retries: 0,
                    sidx: u16::MAX,
                    replica: 0,
                    pos: 0,
                    first_token: now,
                    tpot_s: 0.0,
                    sampled: false,
                });
                (self.requests.len() - 1) as u32
            }
        };
        let req = &mut self.requests[slot as usize];
        *req = Request {
            generation: req.generation.wrapping_add(1),
            user: u,
            arrival: now,
            prompt,
            output,
            retries: 0,
            sidx: u16::MAX,
            replica: u32::MAX,
            pos: 0,
            first_token: now,
            tpot_s: 0.0,
            sampled,
        };
        self.send(slot, ctx);
    }

    /// Routes request `slot` from its user's region and sends it on its way, or drops it.
    fn send(&mut self, slot: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let req = self.requests[slot as usize];
        match self.route(req.user, now) {
            Some((sidx, one_way_ns)) => {
                let req = &mut self.requests[slot as usize];
                req.sidx = sidx;
                req.replica = u32::MAX;
                let generation = req.generation;
                schedule(
                    ctx,
                    later(now, one_way_ns),
                    ServeEvent::Reach { slot, generation },
                );
            }
            None => self.drop_request(slot),
        }
    }

    fn retry(&mut self, slot: u32, ctx: &mut Context<'_, Ev>) {
        let req = &mut self.requests[slot as usize];
        req.generation = req.generation.wrapping_add(1);
        let user = &self.users[req.user as usize];
        let svc = &mut self.services[user.service as usize];
        if req.retries >= svc.service.max_retries {
            self.drop_request(slot);
            return;
        }
        req.retries += 1;
        svc.figures.retried += 1.0;
        svc.regions[user.local as usize].retried += 1.0;
        window(&mut svc.windows, req.arrival).retried += 1.0;
        window(&mut svc.region_windows[user.local as usize], req.arrival).retried += 1.0;
        self.send(slot, ctx);
    }

    fn drop_request(&mut self, slot: u32) {
        let req = self.requests[slot as usize];
        let user = &self.users[req.user as usize];
        let svc = &mut self.services[user.service as usize];
        svc.figures.dropped += 1.0;
        svc.regions[user.local as usize].dropped += 1.0;
        window(&mut svc.windows, req.arrival).dropped += 1.0;
        window(&mut svc.region_windows[user.local as usize], req.arrival).dropped += 1.0;
        if req.sampled {
            self.log.push(RequestRecord {
                service: user.service,
                users: user.local,
                arrival: req.arrival,
                site: (req.sidx != u16::MAX).then(|| svc.sites[req.sidx as usize].site),
                prompt_tokens: req.prompt,
                output_tokens: req.output,
                retries: req.retries,
                outcome: Outcome::Dropped,
                ttft_s: f64::NAN,
                tpot_s: f64::NAN,
            });
        }
        self.release_slot(slot);
    }

    fn release_slot(&mut self, slot: u32) {
        let req = &mut self.requests[slot as usize];
        req.generation = req.generation.wrapping_add(1);
        self.free.push(slot);
    }

    fn on_reach(&mut self, slot: u32, generation: u32, ctx: &mut Context<'_, Ev>) {
        let req = self.requests[slot as usize];
        if req.generation != generation {
            return;
        }
        let service = self.users[req.user as usize].service as usize;
        let sidx = req.sidx as usize;
        if self.services[service].sites[sidx].live == 0 {
            // Its site lost its last replica while the request was on the wire.
            self.retry(slot, ctx);
        } else if let Some(r) = self.dispatch(service, sidx, ctx.now()) {
            self.admit(r, slot, ctx);
        } else {
            self.services[service].sites[sidx].queue.push_back(slot);
        }
    }

    /// The live replica of a service site with a free slot and the least prefill work
    /// pending (ties: fewer busy slots, then replica order); `None` if every slot is taken.
    #[inline]
    fn dispatch(&self, service: usize, sidx: usize, now: SimTime) -> Option<u32> {
        self.services[service].sites[sidx]
            .replicas
            .iter()
            .copied()
            .filter(|&r| {
                let rep = &self.replicas[r as usize];
                rep.state == ReplicaState::Up && rep.busy < rep.slots
            })
            .min_by_key(|&r| {
                let rep = &self.replicas[r as usize];
                (rep.prefill_free_at.max(now), rep.busy, r)
            })
    }

    /// Admits queued requests of a service site while it has free slots.
    fn drain_site_queue(&mut self, service: usize, sidx: usize, ctx: &mut Context<'_, Ev>) {
        while !self.services[service].sites[sidx].queue.is_empty() {
            let Some(r) = self.dispatch(service, sidx, ctx.now()) else {
                break;
            };
            let next = self.services[service].sites[sidx]
                .queue
                .pop_front()
                .expect("checked non-empty");
            self.admit(r, next, ctx);
        }
    }

    /// Gives request `slot` a slot of replica `r`: its first token and its end are now known.
    fn admit(&mut self, r: u32, slot: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        self.account(r, now);
        let rep = &mut self.replicas[r as usize];
        let throttle = self.throttle
            [self.services[rep.service as usize].sites[rep.sidx as usize].site as usize];
        rep.busy += 1;
        let req = &mut self.requests[slot as usize];
        req.replica = r;
        let prefill = rep.speed.prefill_s(req.prompt) / throttle;
        let start = rep.prefill_free_at.max(now);
        let first_token = later(start, secs_to_ns(prefill));
        rep.prefill_free_at = first_token;
        let context = req.prompt.saturating_add(req.output / 2);
        let tpot = rep.speed.tpot_s(rep.busy, context) / throttle;
        let done = later(first_token, secs_to_ns(tpot * f64::from(req.output - 1)));
        req.first_token = first_token;
        req.tpot_s = tpot;
        req.pos = rep.active.len() as u32;
        rep.active.push(slot);
        let generation = req.generation;
        schedule(ctx, done, ServeEvent::Done { slot, generation });
    }

    fn on_done(&mut self, slot: u32, generation: u32, ctx: &mut Context<'_, Ev>) {
        let req = self.requests[slot as usize];
        if req.generation != generation {
            return;
        }
        let now = ctx.now();
        let r = req.replica;
        self.account(r, now);
        let rep = &mut self.replicas[r as usize];
        // Leave the batch (swap-remove, fixing the moved request's position).
        let last = rep
            .active
            .pop()
            .expect("invariant: a finishing request is in its batch");
        if last != slot {
            rep.active[req.pos as usize] = last;
            self.requests[last as usize].pos = req.pos;
        }
        rep.busy -= 1;
        let (service, sidx) = (rep.service as usize, rep.sidx as usize);
        let user = &self.users[req.user as usize];
        let half_rtt = user.rtt_ns[sidx] / 2;
        let ttft_s =
            (later(req.first_token, half_rtt).saturating_duration_since(req.arrival)).as_secs_f64();
        let svc = &mut self.services[service];
        let met = ttft_s <= svc.service.slo_ttft.as_secs_f64()
            && req.tpot_s <= svc.service.slo_tpot.as_secs_f64();
        let tokens = f64::from(req.output);
        svc.figures.complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        svc.regions[user.local as usize].complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        window(&mut svc.windows, req.arrival).complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        window(&mut svc.region_windows[user.local as usize], req.arrival)
            .complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        if req.sampled {
            self.log.push(RequestRecord {
                service: service as u16,
                users: user.local,
                arrival: req.arrival,
                site: Some(svc.sites[sidx].site),
                prompt_tokens: req.prompt,
                output_tokens: req.output,
                retries: req.retries,
                outcome: Outcome::Completed,
                ttft_s,
                tpot_s: req.tpot_s,
            });
        }
        self.release_slot(slot);
        // The freed slot goes to the head of the site's queue.
        self.drain_site_queue(service, sidx, ctx);
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

    /// Ends the run at `horizon`: the report of every service and the sampled requests.
    pub(crate) fn finish(&mut self) -> ServingOutput {
        let horizon = self.horizon;
        self.flow_advance(horizon);
        for r in 0..self.replicas.len() as u32 {
            if self.replicas[r as usize].state == ReplicaState::Up {
                self.account(r, horizon);
            }
            self.release_nodes(r, horizon);
        }
        let horizon_s = horizon.as_secs_f64();
        let flow_util = self.flow.as_ref().map(|f| f.busy_slot_seconds().to_vec());
        let mut reports = Vec::with_capacity(self.services.len());
        for (si, svc) in self.services.iter().enumerate() {
            let reps = &self.replicas[svc.replicas.start as usize..svc.replicas.end as usize];
            let live_slot_s: f64 = reps.iter().map(|r| r.up_s * f64::from(r.slots)).sum();
            let busy_slot_s: f64 = match &flow_util {
                Some(b) => b[si],
                None => reps.iter().map(|r| r.busy_area).sum(),
            };
            let energy_j: f64 = reps
                .iter()
                .map(|r| {
                    let util_area = if r.up_s > 0.0 && live_slot_s > 0.0 {
                        // Flow mode spreads the service's busy slot-time over live time.
                        match &flow_util {
                            Some(_) => busy_slot_s * (r.up_s * f64::from(r.slots)) / live_slot_s,
                            None => r.busy_area,
                        }
                    } else {
                        0.0
                    };
                    r.watts_idle * r.up_s + r.watts_slope * util_area / f64::from(r.slots)
                })
                .sum();
            // Replicas never up count as down for the whole run.
            let never_up: f64 = 0.0;
            let up_total: f64 = reps.iter().map(|r| r.up_s).sum();
            let down_s = (reps.len() as f64 * horizon_s - up_total).max(0.0) + never_up;
            let figures = svc.figures.report();
            let tokens = figures.tokens_out;
            let energy_kwh = energy_j / 3.6e6;
            let cost_usd = reps.iter().map(|r| r.cost_usd).sum::<f64>() + 0.0;
            reports.push(ServiceReport {
                name: svc.service.name.clone(),
                regions: svc
                    .service
                    .users
                    .iter()
                    .zip(&svc.regions)
                    .zip(&svc.region_windows)
                    .map(|((u, acc), windows)| RegionReport {
                        region: u.region_key.clone(),
                        figures: acc.report(),
                        timeline: timeline(windows),
                    })
                    .collect(),
                timeline: svc
                    .windows
                    .iter()
                    .enumerate()
                    .map(|(i, w)| ServiceWindow {
                        start: SimTime::ZERO
                            .saturating_add(SimDuration::from_nanos(WINDOW.as_nanos() * i as u64)),
                        figures: w.report(),
                    })
                    .collect(),
                tokens_per_s: if horizon_s > 0.0 {
                    tokens / horizon_s
                } else {
                    0.0
                },
                utilisation: if live_slot_s > 0.0 {
                    busy_slot_s / live_slot_s
                } else {
                    0.0
                },
                replica_down_h: down_s / 3600.0,
                energy_kwh,
                wh_per_1k_tokens: if tokens > 0.0 {
                    energy_kwh * 1e3 / (tokens / 1e3)
                } else {
                    f64::NAN
                },
                cost_usd,
                usd_per_m_tokens: if tokens > 0.0 {
                    cost_usd / (tokens / 1e6)
                } else {
                    f64::NAN
                },
                figures,
            });
        }
        let total = (!self.services.is_empty()).then(|| {
            let mut all = FiguresAcc::new(FINE_ALPHA);
            for svc in &self.services {
                all.merge(&svc.figures);
            }
            all.report()
        });
        ServingOutput {
            services: reports,
            total,
            requests: std::mem::take(&mut self.log),
        }
    }
}

/// What a replica needs to be placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReplicaNeed {
    /// These nodes of this cluster (a fixed group).
    Fixed { cluster: ClusterId, nodes: u32 },
    /// A cluster of this kind, chosen by the placement policy, for this many chips.
    Policy {
        kind: crate::catalog::AccelKindId,
        chips: u32,
    },
}

/// Puts replica `r` on `nodes` nodes of `cluster`: its site (in the service's `sites`), its
/// draw and its price.
fn locate(
    rep: &mut Replica,
    sites: &mut [ServiceSite],
    fabric: &Fabric,
    catalog: &Catalog,
    cluster: ClusterId,
    nodes: u32,
    r: u32,
) {
    let c = fabric.cluster(cluster);
    let site = fabric.site(c.site);
    let sidx = sites
        .iter()
        .position(|s| s.site == c.site.0)
        .expect("invariant: a replica's site is one of its service's sites");
    if !sites[sidx].replicas.contains(&r) {
        sites[sidx].replicas.push(r);
    }
    let kind = catalog.accelerator(c.accelerator);
    let power = AcceleratorPower::from_spec(kind);
    let chips = nodes * c.node_size;
    let idle = power.draw_w(ChipState::Busy { utilisation: 0.0 }, None);
    let full = power.draw_w(ChipState::Busy { utilisation: 1.0 }, None);
    let chips_w = f64::from(chips) * site.pue;
    let price = catalog
        .offering(&catalog.cloud(site.cloud).name, &kind.name)
        .and_then(|o| o.usd_per_chip_hour);
    rep.sidx = sidx as u16;
    rep.cluster = Some(cluster);
    rep.nodes = nodes;
    rep.watts_idle = chips_w * idle;
    rep.watts_slope = chips_w * (full - idle);
    rep.usd_per_h = price.unwrap_or(0.0) * f64::from(chips);
}

/// What the serving side hands to the run summary.
pub(crate) struct ServingOutput {
    pub services: Vec<ServiceReport>,
    pub total: Option<ServingFigures>,
    pub requests: Vec<RequestRecord>,
}

/// Timeline rows from hourly accumulators.
fn timeline(windows: &[FiguresAcc]) -> Vec<ServiceWindow> {
    windows
        .iter()
        .enumerate()
        .map(|(i, w)| ServiceWindow {
            start: SimTime::from_nanos(WINDOW.as_nanos().saturating_mul(i as u64)),
            figures: w.report(),
        })
        .collect()
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
