//! Which nodes can run work right now, and which job holds each one.
//!
//! Capacity is tracked per node, the unit a gang-scheduled job allocates. A node can run
//! when no failure holds it down and none of the domains above it (rack, cluster, site,
//! region, cloud) is in an outage. Each level keeps a *down counter* per domain instance,
//! so overlapping outages nest: capacity returns when the last one ends.
//!
//! ```text
//!   node_down[n] > 0              a failure of the node or one of its accelerators
//!   rack_down / cluster_down / site_down / region_down / cloud_down > 0
//!   owner[n] = job or FREE
//!   free[cluster] = idle nodes not held down at node level (racks and above are checked
//!                   when allocating, lazily)
//! ```
//!
//! Costs: a node or accelerator failure or repair is O(1); an outage of a larger domain is
//! O(nodes in that domain) to find the jobs it interrupts and nothing otherwise; allocating
//! k nodes is O(k + skipped nodes). Nothing is O(fleet size) after construction, and the
//! buffers handed in are reused, so steady-state events allocate nothing.

use crate::topology::{ClusterId, Fabric, FailureDomain, NodeId, RackId};

/// Owner value of a node no job holds.
pub const FREE: u32 = u32::MAX;

/// Node availability and ownership for one fabric.
#[derive(Clone, Debug)]
pub struct Capacity {
    node_down: Vec<u16>,
    owner: Vec<u32>,
    in_free: Vec<bool>,
    rack_down: Vec<u16>,
    cluster_down: Vec<u16>,
    site_down: Vec<u16>,
    region_down: Vec<u16>,
    cloud_down: Vec<u16>,
    /// Per cluster, idle nodes with no node-level failure (a stack: LIFO reuse).
    free: Vec<Vec<u32>>,
    /// Per cluster, the number of idle nodes with no node-level failure.
    idle_healthy: Vec<u32>,
    /// Per cluster, the number of nodes held down by node-level failures.
    down_nodes: Vec<u32>,
    /// Per cluster, idle healthy nodes hidden by a rack outage (counted in `idle_healthy`
    /// but not allocatable).
    hidden: Vec<u32>,
    /// Scratch buffer for nodes skipped during an allocation.
    skipped: Vec<u32>,
}

impl Capacity {
    /// Every node up and free. O(nodes): the only step that touches every node.
    pub fn new(fabric: &Fabric) -> Self {
        let nodes = fabric.node_count() as usize;
        let max_index = |f: &dyn Fn(&crate::topology::Site) -> u32| {
            fabric
                .sites()
                .iter()
                .map(f)
                .max()
                .map_or(0, |m| m as usize + 1)
        };
        let free: Vec<Vec<u32>> = fabric
            .clusters()
            .iter()
            .map(|c| c.nodes.clone().rev().collect())
            .collect();
        let idle_healthy = free.iter().map(|f| f.len() as u32).collect();
        Self {
            node_down: vec![0; nodes],
            owner: vec![FREE; nodes],
            in_free: vec![true; nodes],
            rack_down: vec![0; fabric.rack_count() as usize],
            cluster_down: vec![0; fabric.clusters().len()],
            site_down: vec![0; fabric.sites().len()],
            region_down: vec![0; max_index(&|s| u32::from(s.region.0))],
            cloud_down: vec![0; max_index(&|s| u32::from(s.cloud.0))],
            down_nodes: vec![0; fabric.clusters().len()],
            hidden: vec![0; fabric.clusters().len()],
            free,
            idle_healthy,
            skipped: Vec::new(),
        }
    }

    /// The job holding `node`, or [`FREE`].
    pub fn owner(&self, node: NodeId) -> u32 {
        self.owner[node.0 as usize]
    }

    /// Idle nodes of `cluster` with no node-level failure (an upper bound on what an
    /// allocation there can get: rack and larger outages are checked when allocating).
    pub fn idle_healthy(&self, cluster: ClusterId) -> u32 {
        self.idle_healthy[cluster.0 as usize]
    }

    /// Idle nodes of `cluster` an allocation can take now, if the cluster is reachable:
    /// [`idle_healthy`](Self::idle_healthy) less those in racks that are down. Exact, O(1).
    pub fn allocatable(&self, cluster: ClusterId) -> u32 {
        let c = cluster.0 as usize;
        self.idle_healthy[c] - self.hidden[c]
    }

    /// Nodes of `cluster` held down by a node-level (node or accelerator) failure.
    pub fn down_nodes(&self, cluster: ClusterId) -> u32 {
        self.down_nodes[cluster.0 as usize]
    }

    /// Whether every domain above the nodes of `cluster` (cluster, site, region, cloud) is up.
    pub fn cluster_reachable(&self, fabric: &Fabric, cluster: ClusterId) -> bool {
        let c = fabric.cluster(cluster);
        let site = fabric.site(c.site);
        self.cluster_down[cluster.0 as usize] == 0
            && self.site_down[site.id.0 as usize] == 0
            && self.region_down[site.region.0 as usize] == 0
            && self.cloud_down[site.cloud.0 as usize] == 0
    }

    /// Whether `node` can run work: neither it nor any domain above it is down.
    pub fn node_up(&self, fabric: &Fabric, node: NodeId) -> bool {
        self.node_down[node.0 as usize] == 0
            && self.rack_down[fabric.rack_of_node(node).0 as usize] == 0
            && self.cluster_reachable(fabric, fabric.cluster_of_node(node))
    }

    /// Takes `domain` down (one more overlapping failure or outage) and appends to `jobs`
    /// every job holding a node under it, each once. An accelerator failure takes its node
    /// down: a gang job cannot use a node with a dead accelerator.
    pub fn take_down(&mut self, fabric: &Fabric, domain: FailureDomain, jobs: &mut Vec<u32>) {
        let start = jobs.len();
        match domain {
            FailureDomain::Accelerator(a) => self.node_failed(fabric, fabric.node_of(a), jobs),
            FailureDomain::Node(n) => self.node_failed(fabric, n, jobs),
            FailureDomain::Rack(r) => {
                self.rack_down[r.0 as usize] += 1;
                if self.rack_down[r.0 as usize] == 1 {
                    self.hide_rack(fabric, r, true);
                }
                self.owners_of_rack(fabric, r, jobs);
            }
            other => {
                let counter = match other {
                    FailureDomain::Cluster(c) => &mut self.cluster_down[c.0 as usize],
                    FailureDomain::Site(s) => &mut self.site_down[s.0 as usize],
                    FailureDomain::Region(r) => &mut self.region_down[r.0 as usize],
                    FailureDomain::Cloud(c) => &mut self.cloud_down[c.0 as usize],
                    _ => unreachable!("node, accelerator and rack are handled above"),
                };
                *counter += 1;
                for range in fabric.accelerators_in(other) {
                    let first = fabric.node_of(crate::topology::AcceleratorId(range.start));
                    let last = fabric.node_of(crate::topology::AcceleratorId(range.end - 1));
                    for n in first.0..=last.0 {
                        let owner = self.owner[n as usize];
                        if owner != FREE {
                            jobs.push(owner);
                        }
                    }
                }
            }
        }
        dedup_tail(jobs, start);
    }

    /// Ends one failure or outage of `domain` (the inverse of [`take_down`](Self::take_down)).
    ///
    /// # Panics
    ///
    /// If `domain` is not down (every repair must match a failure).
    pub fn bring_up(&mut self, fabric: &Fabric, domain: FailureDomain) {
        let counter = match domain {
            FailureDomain::Accelerator(a) => return self.node_repaired(fabric, fabric.node_of(a)),
            FailureDomain::Node(n) => return self.node_repaired(fabric, n),
            FailureDomain::Rack(r) => {
                let counter = &mut self.rack_down[r.0 as usize];
                *counter = counter
                    .checked_sub(1)
                    .expect("invariant: a domain comes up only after it went down");
                if *counter == 0 {
                    self.hide_rack(fabric, r, false);
                }
                return;
            }
            FailureDomain::Cluster(c) => &mut self.cluster_down[c.0 as usize],
            FailureDomain::Site(s) => &mut self.site_down[s.0 as usize],
            FailureDomain::Region(r) => &mut self.region_down[r.0 as usize],
            FailureDomain::Cloud(c) => &mut self.cloud_down[c.0 as usize],
        };
        *counter = counter
            .checked_sub(1)
            .expect("invariant: a domain comes up only after it went down");
    }

    /// Allocates `count` up, idle nodes of `cluster` to `job`, appending them to `out`.
    /// Returns `false` (and changes nothing) if the cluster cannot supply them now.
    pub fn allocate(
        &mut self,
        fabric: &Fabric,
        cluster: ClusterId,
        count: u32,
        job: u32,
        out: &mut Vec<u32>,
    ) -> bool {
        let c = cluster.0 as usize;
        if self.allocatable(cluster) < count || !self.cluster_reachable(fabric, cluster) {
            return false;
        }
        let start = out.len();
        self.skipped.clear();
        let cl = fabric.cluster(cluster);
        while out.len() - start < count as usize {
            let Some(n) = self.free[c].pop() else { break };
            let node = n as usize;
            self.in_free[node] = false;
            if self.node_down[node] > 0 || self.owner[node] != FREE {
                continue; // stale entry: failed or taken since it was freed
            }
            if self.rack_down[rack_in(cl, n)] > 0 {
                self.skipped.push(n);
                continue;
            }
            out.push(n);
        }
        let ok = out.len() - start == count as usize;
        let give_back = if ok { &out[out.len()..] } else { &out[start..] };
        for &n in give_back.iter().chain(self.skipped.iter()).rev() {
            self.in_free[n as usize] = true;
            self.free[c].push(n);
        }
        if !ok {
            out.truncate(start);
        } else {
            for &n in &out[start..] {
                self.owner[n as usize] = job;
            }
            self.idle_healthy[c] -= count;
        }
        ok
    }

    /// Returns `nodes` (held by one job) to their clusters' free lists.
    ///
    /// O(nodes): a job's nodes come in runs of one cluster, so the cluster is looked up once
    /// per run, not per node.
    pub fn release(&mut self, fabric: &Fabric, nodes: &[u32]) {
        let mut cl = None::<&crate::topology::Cluster>;
        for &n in nodes {
            let node = n as usize;
            self.owner[node] = FREE;
            if self.node_down[node] == 0 {
                let c = match cl {
                    Some(c) if c.nodes.contains(&n) => c,
                    _ => fabric.cluster(fabric.cluster_of_node(NodeId(n))),
                };
                cl = Some(c);
                self.push_free_in(c, n);
            }
        }
    }

    fn push_free(&mut self, fabric: &Fabric, n: u32) {
        self.push_free_in(fabric.cluster(fabric.cluster_of_node(NodeId(n))), n);
    }

    /// [`push_free`](Self::push_free) of node `n` of cluster `cl`. O(1).
    fn push_free_in(&mut self, cl: &crate::topology::Cluster, n: u32) {
        let c = cl.id.0 as usize;
        self.idle_healthy[c] += 1;
        if self.rack_down[rack_in(cl, n)] > 0 {
            self.hidden[c] += 1;
        }
        if !self.in_free[n as usize] {
            self.in_free[n as usize] = true;
            self.free[c].push(n);
        }
    }

    fn node_failed(&mut self, fabric: &Fabric, n: NodeId, jobs: &mut Vec<u32>) {
        let node = n.0 as usize;
        self.node_down[node] += 1;
        if self.node_down[node] == 1 {
            self.down_nodes[fabric.cluster_of_node(n).0 as usize] += 1;
        }
        let owner = self.owner[node];
        if owner != FREE {
            jobs.push(owner);
        } else if self.node_down[node] == 1 {
            let c = fabric.cluster_of_node(n).0 as usize;
            self.idle_healthy[c] -= 1;
            if self.rack_down[fabric.rack_of_node(n).0 as usize] > 0 {
                self.hidden[c] -= 1;
            }
        }
    }

    fn node_repaired(&mut self, fabric: &Fabric, n: NodeId) {
        let node = n.0 as usize;
        self.node_down[node] = self.node_down[node]
            .checked_sub(1)
            .expect("invariant: a node is repaired only after it failed");
        if self.node_down[node] == 0 {
            self.down_nodes[fabric.cluster_of_node(n).0 as usize] -= 1;
        }
        if self.node_down[node] == 0 && self.owner[node] == FREE {
            self.push_free(fabric, n.0);
        }
    }

    /// Recounts the per-cluster counters from the nodes and compares: idle healthy nodes,
    /// those hidden by rack outages, and nodes down. O(nodes): for invariant checks.
    pub fn check(&self, fabric: &Fabric) -> Result<(), String> {
        for c in fabric.clusters() {
            let (mut idle, mut hidden, mut down) = (0u32, 0u32, 0u32);
            for n in c.nodes.clone() {
                let node = n as usize;
                if self.node_down[node] > 0 {
                    down += 1;
                } else if self.owner[node] == FREE {
                    idle += 1;
                    if self.rack_down[fabric.rack_of_node(NodeId(n)).0 as usize] > 0 {
                        hidden += 1;
                    }
                }
            }
            let i = c.id.0 as usize;
            if (idle, hidden, down) != (self.idle_healthy[i], self.hidden[i], self.down_nodes[i]) {
                return Err(format!(
                    "cluster {}: idle/hidden/down counted {idle}/{hidden}/{down}, kept {}/{}/{}",
                    c.name, self.idle_healthy[i], self.hidden[i], self.down_nodes[i]
                ));
            }
        }
        Ok(())
    }

    /// Counts rack `r`'s idle healthy nodes as hidden (`hide`) or visible again.
    /// O(nodes of the rack).
    fn hide_rack(&mut self, fabric: &Fabric, r: RackId, hide: bool) {
        for range in fabric.accelerators_in(FailureDomain::Rack(r)) {
            let first = fabric.node_of(crate::topology::AcceleratorId(range.start));
            let last = fabric.node_of(crate::topology::AcceleratorId(range.end - 1));
            for n in first.0..=last.0 {
                let node = n as usize;
                if self.owner[node] == FREE && self.node_down[node] == 0 {
                    let c = fabric.cluster_of_node(NodeId(n)).0 as usize;
                    if hide {
                        self.hidden[c] += 1;
                    } else {
                        self.hidden[c] -= 1;
                    }
                }
            }
        }
    }

    fn owners_of_rack(&self, fabric: &Fabric, r: RackId, jobs: &mut Vec<u32>) {
        for range in fabric.accelerators_in(FailureDomain::Rack(r)) {
            let first = fabric.node_of(crate::topology::AcceleratorId(range.start));
            let last = fabric.node_of(crate::topology::AcceleratorId(range.end - 1));
            for n in first.0..=last.0 {
                let owner = self.owner[n as usize];
                if owner != FREE {
                    jobs.push(owner);
                }
            }
        }
    }
}

/// Removes duplicates from `v[start..]` in place (small lists: jobs hit by one event).
fn dedup_tail(v: &mut Vec<u32>, start: usize) {
    v[start..].sort_unstable();
    let mut write = start;
    for read in start..v.len() {
        if write == start || v[write - 1] != v[read] {
            v[write] = v[read];
            write += 1;
        }
    }
    v.truncate(write);
}

/// The index of the rack holding node `n` of cluster `cl`. O(1).
fn rack_in(cl: &crate::topology::Cluster, n: u32) -> usize {
    (cl.racks.start + (n - cl.nodes.start) / cl.rack_nodes) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::topology::{ClusterSpec, FabricSpec, SiteSpec};
    use sim_core::time::SimTime;

    /// Two sites: aws-use1 with h100 (4 racks x 2 nodes x 8) and trn2 (2 nodes x 16);
    /// gcp-usc1 with tpu-v5p (2 nodes x 4).
    fn fabric() -> Fabric {
        let cluster = |name: &str, accelerator: &str, count, node_size, rack_nodes| ClusterSpec {
            online_from: sim_core::time::SimTime::ZERO,
            name: name.into(),
            accelerator: accelerator.into(),
            count,
            node_size: Some(node_size),
            rack_nodes,
            scaleup_domain: None,
        };
        let site = |name: &str, cloud: &str, region: &str, clusters| SiteSpec {
            name: name.into(),
            cloud: cloud.into(),
            region: region.into(),
            power_cap_mw: 100.0,
            pue: None,
            online_from: SimTime::ZERO,
            clusters,
        };
        FabricSpec {
            sites: vec![
                site(
                    "aws-use1",
                    "aws",
                    "us-east-1",
                    vec![
                        cluster("h100", "h100", 64, 8, 2),
                        cluster("trn2", "trn2", 32, 16, 2),
                    ],
                ),
                site(
                    "gcp-usc1",
                    "gcp",
                    "us-central1",
                    vec![cluster("v5p", "tpu-v5p", 8, 4, 2)],
                ),
            ],
        }
        .build(&Catalog::builtin())
        .unwrap()
    }

    #[test]
    fn allocate_release_and_node_failures() {
        let f = fabric();
        let mut cap = Capacity::new(&f);
        let h100 = ClusterId(0);
        let mut nodes = Vec::new();
        assert!(cap.allocate(&f, h100, 6, 7, &mut nodes));
        assert_eq!(nodes.len(), 6);
        assert_eq!(cap.idle_healthy(h100), 2);
        assert!(
            !cap.allocate(&f, h100, 3, 8, &mut Vec::new()),
            "only 2 left"
        );
        assert_eq!(
            cap.idle_healthy(h100),
            2,
            "a failed allocation changes nothing"
        );

        // A failure under the job interrupts it; an idle failure interrupts nobody.
        let mut jobs = Vec::new();
        cap.take_down(&f, FailureDomain::Node(NodeId(nodes[0])), &mut jobs);
        assert_eq!(jobs, [7]);
        jobs.clear();
        let idle = (0..8).find(|n| !nodes.contains(n)).unwrap();
        cap.take_down(&f, FailureDomain::Node(NodeId(idle)), &mut jobs);
        assert!(jobs.is_empty());
        assert_eq!(cap.idle_healthy(h100), 1);

        // Releasing returns healthy nodes only; the failed one returns at repair.
        cap.release(&f, &nodes);
        assert_eq!(cap.idle_healthy(h100), 6);
        cap.bring_up(&f, FailureDomain::Node(NodeId(nodes[0])));
        cap.bring_up(&f, FailureDomain::Node(NodeId(idle)));
        assert_eq!(cap.idle_healthy(h100), 8);
        let mut all = Vec::new();
        assert!(cap.allocate(&f, h100, 8, 9, &mut all));
        all.sort_unstable();
        assert_eq!(all, (0..8).collect::<Vec<_>>(), "every node exactly once");
    }

    #[test]
    fn outages_block_allocation_and_name_the_jobs_they_hit() {
        let f = fabric();
        let mut cap = Capacity::new(&f);
        let (h100, trn2, v5p) = (ClusterId(0), ClusterId(1), ClusterId(2));
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(cap.allocate(&f, h100, 2, 1, &mut a));
        assert!(cap.allocate(&f, trn2, 1, 2, &mut b));
        let region = f.domain_by_key("region:aws/us-east-1").unwrap();
        let mut jobs = Vec::new();
        cap.take_down(&f, region, &mut jobs);
        assert_eq!(jobs, [1, 2], "each job once, sorted");
        assert!(!cap.allocate(&f, h100, 1, 3, &mut Vec::new()));
        assert!(
            cap.allocate(&f, v5p, 2, 3, &mut Vec::new()),
            "another cloud is unaffected"
        );
        // Overlapping outages nest.
        cap.take_down(&f, region, &mut Vec::new());
        cap.bring_up(&f, region);
        assert!(!cap.node_up(&f, NodeId(a[0])));
        cap.bring_up(&f, region);
        assert!(cap.node_up(&f, NodeId(a[0])));
    }

    #[test]
    fn a_rack_outage_skips_its_nodes_but_allocates_elsewhere() {
        let f = fabric();
        let mut cap = Capacity::new(&f);
        let h100 = ClusterId(0);
        // Racks of 2 nodes: rack 0 holds nodes 0 and 1.
        cap.take_down(&f, FailureDomain::Rack(RackId(0)), &mut Vec::new());
        let mut got = Vec::new();
        assert!(cap.allocate(&f, h100, 6, 1, &mut got));
        assert!(!got.contains(&0) && !got.contains(&1));
        assert!(
            !cap.allocate(&f, h100, 1, 2, &mut Vec::new()),
            "rack nodes unusable"
        );
        cap.bring_up(&f, FailureDomain::Rack(RackId(0)));
        assert!(cap.allocate(&f, h100, 2, 2, &mut Vec::new()));
    }

    #[test]
    fn an_accelerator_failure_takes_its_node() {
        let f = fabric();
        let mut cap = Capacity::new(&f);
        let mut nodes = Vec::new();
        assert!(cap.allocate(&f, ClusterId(0), 8, 4, &mut nodes));
        let mut jobs = Vec::new();
        let accel = crate::topology::AcceleratorId(13); // node 1
        cap.take_down(&f, FailureDomain::Accelerator(accel), &mut jobs);
        assert_eq!(jobs, [4]);
        assert!(!cap.node_up(&f, NodeId(1)));
        cap.bring_up(&f, FailureDomain::Accelerator(accel));
        assert!(cap.node_up(&f, NodeId(1)));
    }
}
