//! Setting the serving side up: each service's sites, its replicas (fixed ones located on
//! their clusters at once), its user populations with their RNG streams and RTTs, and the
//! flow driver in flow fidelity.

use std::collections::VecDeque;

use sim_core::rng::RngStreams;
use sim_core::time::SimTime;

use super::figures::{FINE_ALPHA, FiguresAcc};
use super::flow::FlowDriver;
use super::replicas::locate;
use super::{
    Fidelity, Replica, ReplicaState, ServiceSite, ServiceState, Serving, ServingRun, Source,
    UserState, secs_to_ns,
};
use crate::catalog::Catalog;
use crate::inference::arrival::ArrivalProcess;
use crate::inference::service::{Arrivals, Service};
use crate::network::{Reachability, RttModel};
use crate::topology::Fabric;

impl Serving {
    /// Sets up the services of `run` on `fabric` (replicas waiting for nodes).
    pub(crate) fn new(
        run: &ServingRun,
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
            let mut sites = service_sites(svc, fabric);
            let first = replicas.len() as u32;
            push_replicas(si, svc, &mut sites, &mut replicas, fabric, catalog);
            let first_user = users.len() as u32;
            push_users(si, svc, &sites, rtt, &streams, &mut users);
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
                mean_service_s: mean_service_s(svc),
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
}

/// Service `svc`'s sites: those of fixed groups, and every site with a cluster of a
/// policy-placed group's kind; in fabric order, no replicas yet.
fn service_sites(svc: &Service, fabric: &Fabric) -> Vec<ServiceSite> {
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
    site_ids
        .iter()
        .map(|&id| ServiceSite {
            site: id,
            region: fabric.sites()[id as usize].region,
            replicas: Vec::new(),
            live: 0,
            queue: VecDeque::new(),
        })
        .collect()
}

/// Appends the replicas of service `si` (`svc`) to `replicas`, waiting for nodes; those of
/// fixed groups are located on their clusters in `sites` at once.
fn push_replicas(
    si: usize,
    svc: &Service,
    sites: &mut [ServiceSite],
    replicas: &mut Vec<Replica>,
    fabric: &Fabric,
    catalog: &Catalog,
) {
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
                    sites,
                    fabric,
                    catalog,
                    cluster,
                    group.nodes,
                    r,
                );
            }
        }
    }
}

/// Appends the user populations of service `si` (`svc`) to `users`: their arrival
/// sources, RNG streams, and RTTs to the service's `sites` (nearest first).
fn push_users(
    si: usize,
    svc: &Service,
    sites: &[ServiceSite],
    rtt: &RttModel,
    streams: &RngStreams,
    users: &mut Vec<UserState>,
) {
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
}

/// Mean slot time at half batch and mean context: the router's queue estimate, s.
fn mean_service_s(svc: &Service) -> f64 {
    let ctx = (svc.prompt_tokens.mean() + svc.output_tokens.mean() / 2.0) as u32;
    svc.replicas.first().map_or(0.0, |g| {
        g.speed.prefill_s(svc.prompt_tokens.mean().round() as u32)
            + (svc.output_tokens.mean() - 1.0).max(0.0)
                * g.speed.tpot_s((svc.max_batch / 2).max(1), ctx)
    })
}
