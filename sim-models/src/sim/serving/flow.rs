//! The flow fidelity's driver: integrates piecewise-constant rates between state changes.
//!
//! Time is cut into segments at every flow interval, every hour (the timeline's rows) and
//! every state change (a replica dying or returning, a partition, a throttle). Within a
//! segment each population's rate is its profile's rate at the segment's midpoint (exact
//! for hourly diurnal profiles; a trace contributes its record count over the segment, with
//! the service's size distributions). The routing splits the rates over sites:
//!
//! * `nearest`: all of a population's rate to its nearest reachable site with a live replica;
//! * `least-loaded`: over every reachable site in proportion to its live capacity (the
//!   fluid limit of joining the least-loaded replica);
//! * `latency-aware`: populations in decreasing rate order, each to the site minimising RTT
//!   plus the mean TTFT there with its rate added, avoiding sites it would overload.
//!
//! A site's rate is shared by its live replicas in proportion to their capacity, and each
//! replica is one [`FlowQueue`] in steady state. Each route (population, site, group)
//! contributes its expected requests; latency quantiles come from `K` Monte-Carlo TTFT
//! draws per route and segment ([`FlowState::ttft_s`]) weighted by expected requests, with
//! `K` chosen so that a run draws about 20,000 per route in total (at least 8 per segment).
//! Rate beyond a replica's capacity is dropped (a real router would shed it). A replica
//! that dies counts its expected requests in flight as retried.

use rand::Rng;
use sim_core::rng::{RngStreams, StreamRng};
use sim_core::time::{SimDuration, SimTime};

use crate::inference::flow::{FlowQueue, FlowState};
use crate::inference::service::Routing;
use crate::network::Reachability;

use super::{Replica, ReplicaState, ServiceState, Source, UserState, WINDOW, window};

/// Monte-Carlo TTFT draws aimed at per route over a whole run.
const DRAWS_PER_ROUTE: u64 = 20_000;
/// Fewest and most draws per route and segment.
const MIN_DRAWS: u64 = 8;
const MAX_DRAWS: u64 = 4_000;

/// A steady state and its inputs: rate per replica, throttle, live replicas.
type Memo = (f64, f64, u32, FlowState);

/// One segment of a service's integration: `[t0, t1)`, its midpoint and its length, s.
#[derive(Clone, Copy, Debug)]
struct Span {
    t0: SimTime,
    t1: SimTime,
    mid: SimTime,
    dt: f64,
}

pub(super) struct FlowDriver {
    interval: SimDuration,
    /// Per service: the time it is integrated up to. Services advance independently, so a
    /// state change cuts only the segments of the services it concerns.
    last: Vec<SimTime>,
    draws: u64,
    /// Per service: its latency draws (`serve/flow/<name>`), so one service's draws do not
    /// depend on the others'.
    rngs: Vec<StreamRng>,
    /// Per service, per replica group: the one-replica queueing model.
    queues: Vec<Vec<FlowQueue>>,
    /// Per service, per group: requests one replica sustains at full power.
    capacity: Vec<Vec<f64>>,
    /// Per service: busy slot-seconds.
    busy: Vec<f64>,
    /// Per service, per (site, group): requests in system per replica in the last segment.
    in_flight: Vec<Vec<f64>>,
    /// Scratch: per service site, rate routed there (req/s), and per route the rates.
    site_rate: Vec<f64>,
    routes: Vec<(u32, usize, f64)>,
    order: Vec<u32>,
    live: Vec<u32>,
    site_capacity: Vec<f64>,
    states: Vec<Option<(FlowState, f64)>>,
    /// Per service, per (site, group): the last steady state and its inputs (rate per
    /// replica, throttle, live replicas). A cut caused by another site's change often
    /// leaves them equal, and the steady state is the costly part of a segment.
    memo: Vec<Vec<Option<Memo>>>,
    /// Segment length that gets all `draws`: the shorter of the interval and an hour.
    step_s: f64,
}

impl FlowDriver {
    pub(super) fn new(
        services: &[ServiceState],
        interval: SimDuration,
        horizon: SimTime,
        streams: &RngStreams,
    ) -> Self {
        let interval = if interval.is_zero() {
            super::DEFAULT_FLOW_INTERVAL
        } else {
            interval
        };
        let step = interval.min(WINDOW).as_nanos().max(1);
        let segments = (horizon.as_nanos() / step).max(1);
        let draws = (DRAWS_PER_ROUTE / segments).clamp(MIN_DRAWS, MAX_DRAWS);
        let queues: Vec<Vec<FlowQueue>> = services
            .iter()
            .map(|s| {
                s.service
                    .replicas
                    .iter()
                    .map(|g| {
                        FlowQueue::new(
                            g.speed,
                            s.service.max_batch,
                            &s.service.prompt_tokens,
                            &s.service.output_tokens,
                        )
                    })
                    .collect()
            })
            .collect();
        let capacity = queues
            .iter()
            .map(|qs| qs.iter().map(|q| q.capacity(1.0)).collect())
            .collect();
        Self {
            interval,
            last: vec![SimTime::ZERO; services.len()],
            draws,
            rngs: services
                .iter()
                .map(|s| streams.stream(&format!("serve/flow/{}", s.service.name)))
                .collect(),
            capacity,
            busy: vec![0.0; services.len()],
            in_flight: services
                .iter()
                .map(|s| vec![0.0; s.sites.len() * s.service.replicas.len()])
                .collect(),
            memo: services
                .iter()
                .map(|s| vec![None; s.sites.len() * s.service.replicas.len()])
                .collect(),
            step_s: step as f64 / 1e9,
            queues,
            site_rate: Vec::new(),
            routes: Vec::new(),
            order: Vec::new(),
            live: Vec::new(),
            site_capacity: Vec::new(),
            states: Vec::new(),
        }
    }

    pub(super) fn interval(&self) -> SimDuration {
        self.interval
    }

    /// Busy slot-seconds per service so far.
    pub(super) fn busy_slot_seconds(&self) -> &[f64] {
        &self.busy
    }

    /// Replica `r` died: its expected requests in flight are retried.
    pub(super) fn replica_died(
        &mut self,
        services: &mut [ServiceState],
        replicas: &[Replica],
        r: u32,
    ) {
        let rep = &replicas[r as usize];
        let svc = &mut services[rep.service as usize];
        let groups = svc.service.replicas.len();
        let n =
            self.in_flight[rep.service as usize][rep.sidx as usize * groups + rep.group as usize];
        svc.figures.retried += n;
        window(&mut svc.windows, self.last[rep.service as usize]).retried += n;
    }

    /// Integrates service `s` from where it stands up to `now`, cutting at every hour.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn advance(
        &mut self,
        s: usize,
        now: SimTime,
        services: &mut [ServiceState],
        replicas: &[Replica],
        users: &[UserState],
        throttle: &[f64],
        reach: &Reachability,
    ) {
        while self.last[s] < now {
            let last = self.last[s];
            let hour_end = SimTime::from_nanos(
                (last.as_nanos() / WINDOW.as_nanos() + 1).saturating_mul(WINDOW.as_nanos()),
            );
            let end = now.min(hour_end);
            self.segment(s, last, end, services, replicas, users, throttle, reach);
            self.last[s] = end;
        }
    }

    /// Counts the live replicas of `svc` per (site, group) into `live`. O(replicas).
    fn count_live(svc: &ServiceState, replicas: &[Replica], live: &mut Vec<u32>) {
        let groups = svc.service.replicas.len();
        live.clear();
        live.resize(svc.sites.len() * groups, 0);
        for rep in &replicas[svc.replicas.start as usize..svc.replicas.end as usize] {
            if rep.state == ReplicaState::Up {
                live[rep.sidx as usize * groups + rep.group as usize] += 1;
            }
        }
    }

    /// Integrates service `s` over `[t0, t1)` at constant rates: live capacity per site,
    /// the routing of each population's rate, one steady state per (site, group), and each
    /// route's expected requests, outcomes and latency draws.
    #[allow(clippy::too_many_arguments)]
    fn segment(
        &mut self,
        s: usize,
        t0: SimTime,
        t1: SimTime,
        services: &mut [ServiceState],
        replicas: &[Replica],
        users: &[UserState],
        throttle: &[f64],
        reach: &Reachability,
    ) {
        let dt = t1.saturating_duration_since(t0).as_secs_f64();
        if dt <= 0.0 {
            return;
        }
        let mid = t0.saturating_add(SimDuration::from_nanos(
            t1.saturating_duration_since(t0).as_nanos() / 2,
        ));
        let span = Span { t0, t1, mid, dt };
        let svc = &mut services[s];
        // Live capacity per site (req/s), at its throttle.
        let mut live = std::mem::take(&mut self.live);
        Self::count_live(svc, replicas, &mut live);
        let mut site_capacity = std::mem::take(&mut self.site_capacity);
        self.site_capacities(s, svc, &live, throttle, &mut site_capacity);
        self.route_rates(s, svc, users, throttle, reach, &site_capacity, span);
        let mut states = std::mem::take(&mut self.states);
        self.steady_states(s, svc, &live, &site_capacity, throttle, dt, &mut states);
        self.record_routes(s, svc, users, &states, span);
        self.live = live;
        self.site_capacity = site_capacity;
        self.states = states;
    }

    /// Each site's live capacity (req/s) at its throttle, into `site_capacity`.
    fn site_capacities(
        &self,
        s: usize,
        svc: &ServiceState,
        live: &[u32],
        throttle: &[f64],
        site_capacity: &mut Vec<f64>,
    ) {
        let groups = svc.service.replicas.len();
        let sites = svc.sites.len();
        site_capacity.clear();
        site_capacity.resize(sites, 0.0);
        for (si, site) in svc.sites.iter().enumerate() {
            let thr = throttle[site.site as usize];
            for g in 0..groups {
                site_capacity[si] += f64::from(live[si * groups + g]) * self.capacity[s][g] * thr;
            }
        }
    }

    /// Routes each population's rate over the reachable sites with live capacity, by the
    /// service's routing, into `self.routes` (site `usize::MAX`: dropped) and
    /// `self.site_rate`.
    #[allow(clippy::too_many_arguments)]
    fn route_rates(
        &mut self,
        s: usize,
        svc: &ServiceState,
        users: &[UserState],
        throttle: &[f64],
        reach: &Reachability,
        site_capacity: &[f64],
        span: Span,
    ) {
        let Span { t0, t1, mid, dt } = span;
        let sites = svc.sites.len();
        self.site_rate.clear();
        self.site_rate.resize(sites, 0.0);
        self.routes.clear();
        self.order.clear();
        self.order.extend(svc.users.clone());
        let rate_of = |u: &UserState| match &u.source {
            Source::Poisson(p) => p.profile().rate_at(mid),
            Source::Trace(records, _) => {
                let lo = records.partition_point(|r| r.at < t0);
                let hi = records.partition_point(|r| r.at < t1);
                (hi - lo) as f64 / dt
            }
        };
        let reachable = |u: &UserState, si: usize| {
            site_capacity[si] > 0.0 && reach.connected(u.region, svc.sites[si].region)
        };
        let routing = svc.service.routing;
        if routing == Routing::LatencyAware {
            self.order.sort_by(|&a, &b| {
                rate_of(&users[b as usize])
                    .total_cmp(&rate_of(&users[a as usize]))
                    .then(a.cmp(&b))
            });
        }
        for i in 0..self.order.len() {
            let u = self.order[i];
            let user = &users[u as usize];
            let rate = rate_of(user);
            if rate <= 0.0 {
                continue;
            }
            match routing {
                Routing::Nearest => match user
                    .order
                    .iter()
                    .map(|&x| x as usize)
                    .find(|&si| reachable(user, si))
                {
                    Some(si) => self.routes.push((u, si, rate)),
                    None => self.routes.push((u, usize::MAX, rate)),
                },
                Routing::LeastLoaded => {
                    let total: f64 = (0..sites)
                        .filter(|&si| reachable(user, si))
                        .map(|si| site_capacity[si])
                        .sum();
                    if total <= 0.0 {
                        self.routes.push((u, usize::MAX, rate));
                    }
                    for si in (0..sites).filter(|&si| reachable(user, si)) {
                        self.routes.push((u, si, rate * site_capacity[si] / total));
                    }
                }
                Routing::LatencyAware => {
                    let mut best: Option<(f64, usize)> = None;
                    for si in (0..sites).filter(|&si| reachable(user, si)) {
                        let load = (self.site_rate[si] + rate) / site_capacity[si];
                        let wait = if load < 0.95 {
                            let q = &self.queues[s][0];
                            let thr = throttle[svc.sites[si].site as usize];
                            q.steady_state(load * self.capacity[s][0] * thr, thr)
                                .mean_ttft_s
                        } else {
                            1e9 * load
                        };
                        let cost = user.rtt_ns[si] as f64 / 1e9 + wait;
                        if best.is_none_or(|b| cost < b.0) {
                            best = Some((cost, si));
                        }
                    }
                    match best {
                        Some((_, si)) => {
                            self.site_rate[si] += rate;
                            self.routes.push((u, si, rate));
                        }
                        None => self.routes.push((u, usize::MAX, rate)),
                    }
                }
            }
        }
        if routing != Routing::LatencyAware {
            for &(_, si, rate) in &self.routes {
                if si != usize::MAX {
                    self.site_rate[si] += rate;
                }
            }
        }
    }

    /// Each site's rate over its groups in proportion to live capacity: one steady state
    /// per (site, group) into `states` (with the group's share), its busy slot-time over
    /// `dt` seconds, and its requests in flight.
    #[allow(clippy::too_many_arguments)]
    fn steady_states(
        &mut self,
        s: usize,
        svc: &ServiceState,
        live: &[u32],
        site_capacity: &[f64],
        throttle: &[f64],
        dt: f64,
        states: &mut Vec<Option<(FlowState, f64)>>,
    ) {
        let groups = svc.service.replicas.len();
        let sites = svc.sites.len();
        states.clear();
        states.resize(sites * groups, None);
        for si in 0..sites {
            let rate = self.site_rate[si];
            let thr = throttle[svc.sites[si].site as usize];
            for g in 0..groups {
                let slot = si * groups + g;
                let live = live[slot];
                self.in_flight[s][slot] = 0.0;
                if live == 0 || site_capacity[si] <= 0.0 {
                    continue;
                }
                let share = f64::from(live) * self.capacity[s][g] * thr / site_capacity[si];
                let per_replica = rate * share / f64::from(live);
                let st = match self.memo[s].get(slot) {
                    Some(&Some((r, t, l, st))) if r == per_replica && t == thr && l == live => st,
                    _ => {
                        let st = self.queues[s][g].steady_state_pooled(per_replica, thr, live);
                        if let Some(m) = self.memo[s].get_mut(slot) {
                            *m = Some((per_replica, thr, live, st));
                        }
                        st
                    }
                };
                self.busy[s] += st.busy_slots * f64::from(live) * dt;
                self.in_flight[s][slot] = st.busy_slots + st.served * st.mean_slot_wait_s;
                states[slot] = Some((st, share));
            }
        }
    }

    /// Records each route's expected requests, outcomes and latency draws over `span`.
    fn record_routes(
        &mut self,
        s: usize,
        svc: &mut ServiceState,
        users: &[UserState],
        states: &[Option<(FlowState, f64)>],
        span: Span,
    ) {
        let Span { t0, dt, .. } = span;
        let groups = svc.service.replicas.len();
        let slo_ttft = svc.service.slo_ttft.as_secs_f64();
        let slo_tpot = svc.service.slo_tpot.as_secs_f64();
        let mean_out = svc.service.output_tokens.mean();
        // Draws in proportion to the segment's length (at least one): the cuts of state
        // changes add segments, not draws.
        let draws = ((self.draws as f64 * dt / self.step_s).round() as u64).clamp(1, self.draws);
        for &(u, si, rate) in &self.routes {
            let user = &users[u as usize];
            let local = user.local as usize;
            let n = rate * dt;
            svc.figures.requests += n;
            svc.regions[local].requests += n;
            window(&mut svc.windows, t0).requests += n;
            if si == usize::MAX {
                svc.figures.dropped += n;
                svc.regions[local].dropped += n;
                window(&mut svc.windows, t0).dropped += n;
                continue;
            }
            let rtt = user.rtt_ns[si] as f64 / 1e9;
            for g in 0..groups {
                let Some((st, share)) = states[si * groups + g] else {
                    continue;
                };
                let offered = n * share;
                let served = if st.lambda > 0.0 {
                    offered * (st.served / st.lambda).min(1.0)
                } else {
                    offered
                };
                let dropped = offered - served;
                if dropped > 0.0 {
                    svc.figures.dropped += dropped;
                    svc.regions[local].dropped += dropped;
                    window(&mut svc.windows, t0).dropped += dropped;
                }
                if served <= 0.0 {
                    continue;
                }
                let weight = served / draws as f64;
                let tpot_met = st.tpot_s <= slo_tpot;
                let w = window(&mut svc.windows, t0);
                for acc in [&mut svc.figures, &mut svc.regions[local], &mut *w] {
                    acc.complete_untimed(served, st.tpot_s, mean_out);
                }
                for _ in 0..draws {
                    let rng = &mut self.rngs[s];
                    let u1: f64 = rng.random();
                    let u2: f64 = rng.random();
                    let prompt = svc.service.prompt_tokens.sample(rng);
                    let ttft = rtt + st.ttft_s(u1, u2, prompt);
                    let met = tpot_met && ttft <= slo_ttft;
                    svc.figures.add_ttft(ttft, weight, met);
                    svc.regions[local].add_ttft(ttft, weight, met);
                    window(&mut svc.windows, t0).add_ttft(ttft, weight, met);
                }
            }
        }
    }
}
