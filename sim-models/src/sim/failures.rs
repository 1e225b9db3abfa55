//! Capacity going down and coming back: random failures (a Poisson process per cluster,
//! a Weibull renewal timer per node), repairs, outages, and clusters coming online.

use sim_core::engine::Context;
use sim_core::time::{SimDuration, SimTime};

use super::FabricSim;
use super::events::Ev;
use super::report::{Cause, ComponentEvent, ComponentRecord};
use crate::topology::{ClusterId, FailureDomain};

impl FabricSim<'_> {
    /// Mean repair time of failure category `category` (what a failover policy expects).
    fn expected_repair(&self, category: usize) -> SimDuration {
        let mean = self.run.failures.categories[category].repair.mean_secs();
        SimDuration::from_secs_f64(mean).unwrap_or(SimDuration::MAX)
    }

    /// The pending random failure of cluster `cluster` happens: unless its victim is
    /// already down (thinning), its domain goes down until a sampled repair and what runs
    /// there is interrupted; the cluster's next failure is drawn.
    pub(super) fn on_failure(&mut self, cluster: u32, ctx: &mut Context<'_, Ev>) {
        let c = cluster as usize;
        let fabric = self.run.fabric;
        let Some(draw) = self.pending_draw[c].take() else {
            return;
        };
        let category = &self.run.failures.categories[draw.category];
        let victim = crate::topology::AcceleratorId(draw.victim);
        // Thinning: a victim already down cannot fail again (exact for exponential times).
        if self.capacity.node_up(fabric, fabric.node_of(victim)) {
            let domain = category.scope.domain(fabric, victim);
            self.capacity.take_down(fabric, domain, &mut self.hit);
            if let Some(site) = self.site_of(domain) {
                self.recompute_site(site, ctx);
            }
            let (_, _, repair_rng) = self.failure[c]
                .as_mut()
                .expect("a pending draw has a sampler");
            let repair = self.run.failures.sample_repair(draw.category, repair_rng);
            ctx.schedule_in(repair, Ev::Repair(domain))
                .expect("invariant: repair times fit in SimTime");
            let expected = self.expected_repair(draw.category);
            self.components.push(ComponentRecord {
                time: ctx.now(),
                domain,
                event: ComponentEvent::Failure(draw.category as u16),
            });
            self.interrupt_hit(Cause::Failure(draw.category as u16), domain, expected, ctx);
        }
        let (sampler, rng, _) = self.failure[c]
            .as_mut()
            .expect("a pending draw has a sampler");
        if let Some(next) = sampler.next(ctx.now(), rng) {
            ctx.schedule_at(next.at, Ev::Failure(cluster))
                .expect("invariant: the next failure is in the future");
            self.pending_draw[c] = Some(next);
        }
        self.schedule_waiting(ctx);
    }

    /// Draws node `node`'s next Weibull failure after a (re)start at `from`, stores it, and
    /// returns its time (`None` if its cluster has no Weibull category).
    pub(super) fn draw_weibull(&mut self, node: u32, from: SimTime) -> Option<SimTime> {
        let fabric = self.run.fabric;
        let c = fabric.cluster_of_node(crate::topology::NodeId(node));
        let (renewal, rng) = self.weibull[c.0 as usize].as_mut()?;
        let cluster = fabric.cluster(c);
        let first = cluster.accelerators.start + (node - cluster.nodes.start) * cluster.node_size;
        let draw = renewal.next(from, first..first + cluster.node_size, rng)?;
        self.node_draw[node as usize] = Some(draw);
        Some(draw.at)
    }

    /// The pending Weibull failure of node `node` happens: unless the node is down, its
    /// domain goes down until a sampled repair and what runs there is interrupted; the
    /// node's next failure is drawn from the end of that repair (or from now).
    pub(super) fn on_node_failure(&mut self, node: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let Some(draw) = self.node_draw[node as usize].take() else {
            return;
        };
        let mut restart_from = ctx.now();
        if self.capacity.node_up(fabric, crate::topology::NodeId(node)) {
            let victim = crate::topology::AcceleratorId(draw.victim);
            let domain = self.run.failures.categories[draw.category]
                .scope
                .domain(fabric, victim);
            self.capacity.take_down(fabric, domain, &mut self.hit);
            if let Some(site) = self.site_of(domain) {
                self.recompute_site(site, ctx);
            }
            let c = fabric.cluster_of_node(crate::topology::NodeId(node)).0 as usize;
            let (_, rng) = self.weibull[c].as_mut().expect("a node draw has a sampler");
            let repair = self.run.failures.sample_repair(draw.category, rng);
            ctx.schedule_in(repair, Ev::Repair(domain))
                .expect("invariant: repair times fit in SimTime");
            restart_from = ctx.now().saturating_add(repair);
            let expected = self.expected_repair(draw.category);
            self.components.push(ComponentRecord {
                time: ctx.now(),
                domain,
                event: ComponentEvent::Failure(draw.category as u16),
            });
            self.interrupt_hit(Cause::Failure(draw.category as u16), domain, expected, ctx);
        }
        if let Some(at) = self.draw_weibull(node, restart_from) {
            ctx.schedule_at(at, Ev::NodeFailure(node))
                .expect("invariant: the next failure is in the future");
        }
        self.schedule_waiting(ctx);
    }

    /// The site of a node-level or rack-level failure domain.
    fn site_of(&self, domain: FailureDomain) -> Option<usize> {
        let fabric = self.run.fabric;
        let cluster = match domain {
            FailureDomain::Accelerator(a) => fabric.cluster_of_accelerator(a),
            FailureDomain::Node(n) => fabric.cluster_of_node(n),
            FailureDomain::Rack(r) => fabric.cluster_of_rack(r),
            _ => return None,
        };
        Some(fabric.cluster(cluster).site.0 as usize)
    }

    /// Domain `domain` is repaired: its nodes come back, its site's power is re-solved,
    /// and whatever waits is placed if it can be.
    pub(super) fn on_repair(&mut self, domain: FailureDomain, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        self.components.push(ComponentRecord {
            time: ctx.now(),
            domain,
            event: ComponentEvent::Repair,
        });
        self.capacity.bring_up(fabric, domain);
        if let Some(site) = self.site_of(domain) {
            self.recompute_site(site, ctx);
        }
        self.schedule_waiting(ctx);
    }

    /// Outage `i` begins: its domain goes down and what runs there is interrupted;
    /// replicas move to spare nodes at once.
    pub(super) fn on_outage_start(&mut self, i: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let o = self.run.outages.outages()[i as usize];
        self.capacity.take_down(fabric, o.domain, &mut self.hit);
        self.components.push(ComponentRecord {
            time: ctx.now(),
            domain: o.domain,
            event: ComponentEvent::OutageStart(o.kind),
        });
        self.interrupt_hit(Cause::Outage(o.kind), o.domain, o.duration, ctx);
        if !self.replica_wait.is_empty() {
            // Replicas move to spare nodes at once (jobs wait for the next event).
            self.place_replicas(false, ctx);
        }
    }

    /// Outage `i` ends: its domain comes back, and whatever waits is placed if it can be.
    pub(super) fn on_outage_end(&mut self, i: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let o = self.run.outages.outages()[i as usize];
        self.components.push(ComponentRecord {
            time: ctx.now(),
            domain: o.domain,
            event: ComponentEvent::OutageEnd(o.kind),
        });
        self.capacity.bring_up(fabric, o.domain);
        self.schedule_waiting(ctx);
    }

    /// Cluster `cluster` comes online (capacity growth): its chips become idle load of its
    /// site, and whatever waits is placed if it can be.
    pub(super) fn on_cluster_online(&mut self, cluster: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let id = ClusterId(cluster);
        self.capacity.bring_up(fabric, FailureDomain::Cluster(id));
        let load = self.load_mut(id);
        load.idle += load.down;
        load.down = 0;
        let site = fabric.cluster(id).site.0 as usize;
        self.recompute_site(site, ctx);
        self.schedule_waiting(ctx);
    }
}
