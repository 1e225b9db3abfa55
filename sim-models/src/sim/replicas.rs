//! Inference replicas on the training fleet: they take nodes first (a fixed cluster, or
//! where the placement policy puts them), and when their nodes are hit they die and wait
//! for nodes again. What they serve is [`serving`]'s.

use sim_core::engine::Context;
use sim_core::time::SimTime;

use super::FabricSim;
use super::events::Ev;
use super::serving;
use crate::policy::PlacementRequest;
use crate::topology::ClusterId;

impl FabricSim<'_> {
    /// Time zero: every replica takes its nodes (serving at once), then the services
    /// start.
    pub(super) fn on_serve_start(&mut self, ctx: &mut Context<'_, Ev>) {
        self.replica_wait = (0..self.serving.replica_count()).collect();
        self.place_replicas(true, ctx);
        self.serving.start(ctx);
    }

    /// Gives nodes to every waiting replica that can have them (replica order): a fixed
    /// replica on its cluster, the others where the placement policy puts them. A `warm`
    /// replica serves at once (time zero), the others after their start-up time.
    pub(super) fn place_replicas(&mut self, warm: bool, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let mut refreshed = false;
        let mut i = 0;
        while i < self.replica_wait.len() {
            let r = self.replica_wait[i];
            let at = match self.serving.replica_needs(r) {
                serving::ReplicaNeed::Fixed { cluster, nodes } => Some((cluster, nodes)),
                serving::ReplicaNeed::Policy { kind, chips } => {
                    if !refreshed {
                        self.refresh_view(ctx.now());
                        refreshed = true;
                    }
                    self.place_replica_by_policy(r, kind, chips, ctx.now())
                }
            };
            let held = &mut self.replica_nodes[r as usize];
            held.clear();
            let owner = serving::REPLICA_OWNER_BASE + r;
            match at {
                Some((cluster, nodes))
                    if self.capacity.allocate(fabric, cluster, nodes, owner, held) =>
                {
                    self.replica_wait.remove(i);
                    let chips = nodes * fabric.cluster(cluster).node_size;
                    self.change_load(&[(cluster.0, chips)], true, ctx);
                    self.serving.replica_placed(
                        r,
                        (cluster, nodes),
                        fabric,
                        self.run.catalog,
                        warm,
                        ctx,
                    );
                }
                _ => i += 1,
            }
        }
    }

    /// Where the placement policy puts replica `r` (one cluster), if anywhere now.
    fn place_replica_by_policy(
        &mut self,
        r: u32,
        kind: crate::catalog::AccelKindId,
        chips: u32,
        now: SimTime,
    ) -> Option<(ClusterId, u32)> {
        let fabric = self.run.fabric;
        let subject = self.serving.replica_name(r);
        let kinds = [self.run.catalog.accelerator(kind).name.clone()];
        let mut users = std::mem::take(&mut self.scratch_users);
        let mut group = std::mem::take(&mut self.scratch_group);
        self.serving.replica_users(r, &mut users);
        let total = self.serving.service_holdings(r, fabric, &mut group);
        let request = PlacementRequest {
            subject: &subject,
            accelerators: chips,
            kinds: &kinds,
            span_clusters: false,
            multi_site: false,
            params: 0.0,
            home: None,
            checkpoint_bytes: 0.0,
            users: &users,
            group: &group,
            group_total: total,
        };
        let view = fabric_view!(self, now);
        let placed = self.policies.placement.place(
            &view,
            &request,
            &mut self.placed,
            &mut self.policies.decisions,
        );
        self.scratch_users = users;
        self.scratch_group = group;
        (placed && self.placed.len() == 1).then(|| self.placed[0])
    }

    /// Replica `r`'s nodes were hit: it frees them, dies, and waits for nodes again.
    pub(super) fn replica_hit(&mut self, r: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let held = std::mem::take(&mut self.replica_nodes[r as usize]);
        if held.is_empty() {
            return;
        }
        self.capacity.release(fabric, &held);
        let cluster = fabric.cluster_of_node(crate::topology::NodeId(held[0]));
        let chips = held.len() as u32 * fabric.cluster(cluster).node_size;
        self.replica_nodes[r as usize] = held;
        self.replica_nodes[r as usize].clear();
        self.pending_release.push((cluster.0, chips));
        self.serving.replica_down(r, ctx);
        let at = self.replica_wait.partition_point(|&w| w < r);
        self.replica_wait.insert(at, r);
    }
}
