//! Replicas' lives on the serving side: what one needs to be placed, where it is once
//! placed (its site, draw and price), starting up, dying with its batch when its nodes are
//! hit, and its busy slot-time and cost as it goes.

use sim_core::engine::Context;
use sim_core::time::SimTime;

use super::{Ev, Replica, ReplicaState, ServeEvent, ServiceSite, Serving, Source, schedule};
use crate::catalog::{Catalog, RegionId};
use crate::power::{AcceleratorPower, ChipState};
use crate::topology::{ClusterId, Fabric};

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

impl Serving {
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

    pub(super) fn on_replica_up(&mut self, r: u32, epoch: u32, ctx: &mut Context<'_, Ev>) {
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
    pub(super) fn release_nodes(&mut self, r: u32, now: SimTime) {
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
    pub(super) fn account(&mut self, r: u32, now: SimTime) {
        let rep = &mut self.replicas[r as usize];
        let dt = now.saturating_duration_since(rep.last).as_secs_f64();
        rep.busy_area += f64::from(rep.busy) * dt;
        rep.up_s += dt;
        rep.last = now;
    }
}

/// Puts replica `r` on `nodes` nodes of `cluster`: its site (in the service's `sites`), its
/// draw and its price.
pub(super) fn locate(
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
