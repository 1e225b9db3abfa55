//! Where a waiting job goes: its own nodes again under failover `wait`, else wherever the
//! placement policy puts it (behind a cheap check that enough accelerators are free at
//! all); no site past its cap under `refuse` and `preempt`; then its nodes are allocated.

use sim_core::time::SimTime;

use super::FabricSim;
use crate::policy::PlacementRequest;
use crate::power::PowerPolicy;
use crate::workload::TRAINING_STATE_BYTES_PER_PARAM;

impl FabricSim<'_> {
    /// Finds nodes for `job` (into `self.placed`) and allocates them; `false` if it must
    /// keep waiting (nothing is held then).
    pub(super) fn place_job(&mut self, job: u32, now: SimTime) -> bool {
        let found = if self.jobs[job as usize].pinned.is_empty() {
            self.place_by_policy(job, now)
        } else {
            self.pinned_nodes_back(job)
        };
        found && self.within_power_caps() && self.allocate_placed(job)
    }

    /// Failover `wait`: only its own clusters, once they are back.
    fn pinned_nodes_back(&mut self, job: u32) -> bool {
        let fabric = self.run.fabric;
        let pinned = &self.jobs[job as usize].pinned;
        let back = pinned.iter().all(|&(c, n)| {
            self.capacity.cluster_reachable(fabric, c) && self.capacity.allocatable(c) >= n
        });
        if !back {
            return false;
        }
        self.placed.clear();
        self.placed.extend_from_slice(pinned);
        true
    }

    /// Where the placement policy puts `job` now, if anywhere.
    fn place_by_policy(&mut self, job: u32, now: SimTime) -> bool {
        if !self.enough_free_for(job) {
            return false;
        }
        let spec = &self.run.jobs[job as usize];
        let state = &self.jobs[job as usize];
        let view = fabric_view!(self, now);
        let request = PlacementRequest {
            subject: &spec.name,
            accelerators: spec.accelerators,
            kinds: &spec.kinds,
            span_clusters: true,
            multi_site: spec.multi_site,
            params: spec.params,
            home: state.migrate_from.or(state.last_site),
            checkpoint_bytes: TRAINING_STATE_BYTES_PER_PARAM * spec.params,
            users: &[],
            group: &[],
            group_total: spec.accelerators,
        };
        self.policies.placement.place(
            &view,
            &request,
            &mut self.placed,
            &mut self.policies.decisions,
        )
    }

    /// Necessary for any policy: enough free accelerators of `job`'s allowed kinds in one
    /// site (or anywhere, for work that may span sites). O(clusters), cheap next to a
    /// policy's scoring; most waiting jobs stop here while the fleet is full.
    fn enough_free_for(&self, job: u32) -> bool {
        let fabric = self.run.fabric;
        let catalog = self.run.catalog;
        let spec = &self.run.jobs[job as usize];
        let spans = self.policies.placement.may_span_sites(spec.multi_site);
        let (mut best, mut total, mut site_free, mut site) = (0u64, 0u64, 0u64, None);
        for c in fabric.clusters() {
            if site != Some(c.site) {
                best = best.max(site_free);
                site_free = 0;
                site = Some(c.site);
            }
            if spec.allows(&catalog.accelerator(c.accelerator).name)
                && self.capacity.cluster_reachable(fabric, c.id)
            {
                let free = u64::from(self.capacity.allocatable(c.id)) * u64::from(c.node_size);
                site_free += free;
                total += free;
            }
        }
        best = best.max(site_free);
        (if spans { total } else { best }) >= u64::from(spec.accelerators)
    }

    /// Under `refuse` and `preempt`, no placement past a site's cap.
    fn within_power_caps(&self) -> bool {
        let fabric = self.run.fabric;
        for &(cluster, nodes) in &self.placed {
            let c = fabric.cluster(cluster);
            let site = &self.sites[c.site.0 as usize];
            if site.policy != PowerPolicy::Throttle {
                let load = (cluster.0 - fabric.site(c.site).clusters.start) as usize;
                if !site
                    .power
                    .fits(load, nodes * c.node_size, self.cap_w(c.site.0 as usize))
                {
                    return false;
                }
            }
        }
        true
    }

    /// Allocates the nodes of `self.placed` to `job`.
    fn allocate_placed(&mut self, job: u32) -> bool {
        let fabric = self.run.fabric;
        let state = &mut self.jobs[job as usize];
        state.nodes.clear();
        for &(cluster, nodes) in &self.placed {
            if !self
                .capacity
                .allocate(fabric, cluster, nodes, job, &mut state.nodes)
            {
                // A rack outage hid nodes the placement counted: give back and wait.
                self.capacity.release(fabric, &state.nodes);
                state.nodes.clear();
                return false;
            }
        }
        true
    }
}
