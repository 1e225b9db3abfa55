//! The built [`Fabric`]: sites and clusters, with racks, nodes and accelerators as index
//! ranges.
//!
//! # Layout
//!
//! Only sites and clusters are objects. Every cluster owns one contiguous range of global
//! accelerator, node and rack ids, handed out in file order, so the fabric's memory is
//! O(sites + clusters) whatever the accelerator count:
//!
//! ```text
//! accelerators  0 ........ 1023 | 1024 ............ 3071 | ...
//! cluster       #0 (h100, 8/node) | #1 (trn2, 16/node)   | ...
//! nodes         0 ..  127       | 128 ..  255           | ...
//! racks         0 ..   31       |  32 ..   63           | ...  (4 nodes per rack)
//! ```
//!
//! Within a cluster, accelerator `a` sits on node `(a - first) / node_size` and that node
//! in rack `node / rack_nodes` (local indices); the last rack of a cluster may be partial.
//! A site's clusters are consecutive, so a site owns one accelerator range too.
//!
//! # Complexity
//!
//! Finding the cluster of an accelerator, node or rack is a binary search over clusters,
//! O(log clusters); everything below the cluster is arithmetic. Accessors panic on an id
//! that is not of this fabric: ids come from the fabric itself, so that is a bug.

use std::iter::FusedIterator;
use std::ops::Range;

use sim_core::time::SimTime;

use super::ids::*;
use crate::catalog::{AccelKindId, CloudId, RegionId};

/// A datacenter of the fabric.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Site {
    /// This site's id.
    pub id: SiteId,
    /// Unique site key from the scenario.
    pub name: String,
    /// The cloud operating it.
    pub cloud: CloudId,
    /// Its region (of `cloud`).
    pub region: RegionId,
    /// Facility power cap, W.
    pub power_cap_w: f64,
    /// Power usage effectiveness in use: the site's override, else its region's.
    pub pue: f64,
    /// When the site comes online.
    pub online_from: SimTime,
    /// Its clusters, as a range of [`ClusterId`] indices (empty for a site with none).
    pub clusters: Range<u32>,
    /// Its accelerators, as a range of [`AcceleratorId`] indices.
    pub accelerators: Range<u32>,
    /// Peak IT power, W: the sum over its clusters of [`Cluster::peak_it_w`].
    pub peak_it_w: f64,
}

impl Site {
    /// Peak facility power, W: [`Site::peak_it_w`] × PUE.
    pub fn peak_facility_w(&self) -> f64 {
        self.peak_it_w * self.pue
    }

    /// Power cap minus peak facility power, W; negative when the site, all busy at TDP,
    /// would exceed its cap (not an error: the power model throttles).
    pub fn headroom_w(&self) -> f64 {
        self.power_cap_w - self.peak_facility_w()
    }

    /// Number of accelerators.
    pub fn accelerator_count(&self) -> u32 {
        self.accelerators.end - self.accelerators.start
    }
}

/// A cluster: accelerators of one kind in one site, in nodes and racks.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Cluster {
    /// This cluster's id.
    pub id: ClusterId,
    /// Cluster key, unique within its site.
    pub name: String,
    /// The site holding it.
    pub site: SiteId,
    /// Its accelerator kind.
    pub accelerator: AccelKindId,
    /// Its accelerators, as a range of [`AcceleratorId`] indices (never empty).
    pub accelerators: Range<u32>,
    /// Its nodes, as a range of [`NodeId`] indices.
    pub nodes: Range<u32>,
    /// Its racks, as a range of [`RackId`] indices.
    pub racks: Range<u32>,
    /// Accelerators per node (every node is full).
    pub node_size: u32,
    /// Nodes per rack (the last rack may hold fewer).
    pub rack_nodes: u32,
    /// Accelerators per scale-up domain, at most the cluster's count (the last domain may
    /// hold fewer).
    pub scaleup_domain: u32,
    /// Peak IT power per accelerator, W: board TDP plus the host's share
    /// (`tdp_w + host_w_per_chip` of the catalog).
    pub chip_peak_it_w: f64,
    /// Peak dense BF16 TFLOP/s per accelerator.
    pub chip_bf16_tflops: f64,
    /// When it comes online: the later of its own and its site's `online_from`.
    pub online_from: SimTime,
}

impl Cluster {
    /// Number of accelerators.
    pub fn accelerator_count(&self) -> u32 {
        self.accelerators.end - self.accelerators.start
    }

    /// Peak IT power, W: count × (TDP + host power per chip), every chip busy at TDP.
    pub fn peak_it_w(&self) -> f64 {
        f64::from(self.accelerator_count()) * self.chip_peak_it_w
    }

    /// Peak dense BF16 PFLOP/s: count × per-chip TFLOP/s / 1000.
    pub fn peak_bf16_pflops(&self) -> f64 {
        f64::from(self.accelerator_count()) * self.chip_bf16_tflops / 1000.0
    }

    /// Node and rack of accelerator `a`, which must be of this cluster.
    fn locate(&self, a: AcceleratorId) -> (NodeId, RackId) {
        let node = (a.0 - self.accelerators.start) / self.node_size;
        (
            NodeId(self.nodes.start + node),
            RackId(self.racks.start + node / self.rack_nodes),
        )
    }

    /// Accelerator range of local node `node` (0-based within this cluster).
    fn node_accelerators(&self, node: u32) -> Range<u32> {
        let start = self.accelerators.start + node * self.node_size;
        start..start + self.node_size
    }

    /// Accelerator range of local rack `rack` (0-based within this cluster).
    fn rack_accelerators(&self, rack: u32) -> Range<u32> {
        let nodes = u64::from(self.nodes.end - self.nodes.start);
        let first = u64::from(rack) * u64::from(self.rack_nodes);
        let last = (first + u64::from(self.rack_nodes)).min(nodes);
        let at = |node: u64| self.accelerators.start + (node * u64::from(self.node_size)) as u32;
        at(first)..at(last)
    }
}

/// A built fabric: sites and clusters resolved against a catalog, every level addressable
/// as a [`FailureDomain`]. Made by [`FabricSpec::build`](super::FabricSpec::build).
#[derive(Clone, Debug, PartialEq)]
pub struct Fabric {
    pub(super) sites: Vec<Site>,
    pub(super) clusters: Vec<Cluster>,
    /// Cloud keys of the catalog, indexed by [`CloudId`], for [`Fabric::domain_key`].
    pub(super) cloud_names: Vec<String>,
    /// `cloud/region` keys of the catalog, indexed by [`RegionId`].
    pub(super) region_keys: Vec<String>,
}

impl Fabric {
    /// Heap bytes held: the site and cluster tables and their names. Independent of the
    /// number of accelerators, which are index ranges.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let strings = |v: &[String]| v.iter().map(String::capacity).sum::<usize>();
        self.sites.capacity() * size_of::<Site>()
            + self.sites.iter().map(|s| s.name.capacity()).sum::<usize>()
            + self.clusters.capacity() * size_of::<Cluster>()
            + self
                .clusters
                .iter()
                .map(|c| c.name.capacity())
                .sum::<usize>()
            + (self.cloud_names.capacity() + self.region_keys.capacity()) * size_of::<String>()
            + strings(&self.cloud_names)
            + strings(&self.region_keys)
    }

    /// Sites in file order, indexed by [`SiteId`].
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Clusters, site by site in file order, indexed by [`ClusterId`].
    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// The site with id `id`.
    pub fn site(&self, id: SiteId) -> &Site {
        &self.sites[usize::from(id.0)]
    }

    /// The cluster with id `id`.
    pub fn cluster(&self, id: ClusterId) -> &Cluster {
        &self.clusters[id.0 as usize]
    }

    /// The clusters of site `id`.
    pub fn clusters_of(&self, id: SiteId) -> &[Cluster] {
        let r = &self.site(id).clusters;
        &self.clusters[r.start as usize..r.end as usize]
    }

    /// The site named `name`. O(sites).
    pub fn site_by_name(&self, name: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.name == name)
    }

    /// Cluster `cluster` of site `site`, by name. O(sites + clusters of the site).
    pub fn cluster_by_name(&self, site: &str, cluster: &str) -> Option<&Cluster> {
        let site = self.site_by_name(site)?;
        self.clusters_of(site.id).iter().find(|c| c.name == cluster)
    }

    /// Total number of accelerators.
    pub fn accelerator_count(&self) -> u32 {
        self.clusters.last().map_or(0, |c| c.accelerators.end)
    }

    /// Total number of nodes.
    pub fn node_count(&self) -> u32 {
        self.clusters.last().map_or(0, |c| c.nodes.end)
    }

    /// Total number of racks.
    pub fn rack_count(&self) -> u32 {
        self.clusters.last().map_or(0, |c| c.racks.end)
    }

    /// Index of the cluster whose `range` contains `i`; O(log clusters).
    fn cluster_index(&self, i: u32, range: impl Fn(&Cluster) -> &Range<u32>, what: &str) -> usize {
        let k = self.clusters.partition_point(|c| range(c).end <= i);
        assert!(
            k < self.clusters.len(),
            "{what} {i} is not in this fabric (it has {} clusters)",
            self.clusters.len()
        );
        k
    }

    /// The cluster holding accelerator `a`. O(log clusters).
    ///
    /// # Panics
    /// If `a` is not an accelerator of this fabric.
    pub fn cluster_of_accelerator(&self, a: AcceleratorId) -> ClusterId {
        ClusterId(self.cluster_index(a.0, |c| &c.accelerators, "accelerator") as u32)
    }

    /// The cluster holding node `n`. O(log clusters).
    ///
    /// # Panics
    /// If `n` is not a node of this fabric.
    pub fn cluster_of_node(&self, n: NodeId) -> ClusterId {
        ClusterId(self.cluster_index(n.0, |c| &c.nodes, "node") as u32)
    }

    /// The cluster holding rack `r`. O(log clusters).
    ///
    /// # Panics
    /// If `r` is not a rack of this fabric.
    pub fn cluster_of_rack(&self, r: RackId) -> ClusterId {
        ClusterId(self.cluster_index(r.0, |c| &c.racks, "rack") as u32)
    }

    /// The site holding accelerator `a`. O(log clusters).
    pub fn site_of(&self, a: AcceleratorId) -> SiteId {
        self.cluster(self.cluster_of_accelerator(a)).site
    }

    /// The node holding accelerator `a`. O(log clusters).
    pub fn node_of(&self, a: AcceleratorId) -> NodeId {
        self.cluster(self.cluster_of_accelerator(a)).locate(a).0
    }

    /// The rack holding node `n`. O(log clusters).
    pub fn rack_of_node(&self, n: NodeId) -> RackId {
        let c = self.cluster(self.cluster_of_node(n));
        RackId(c.racks.start + (n.0 - c.nodes.start) / c.rack_nodes)
    }

    /// The rack holding accelerator `a`. O(log clusters).
    pub fn rack_of(&self, a: AcceleratorId) -> RackId {
        self.cluster(self.cluster_of_accelerator(a)).locate(a).1
    }

    /// The accelerators sharing a scale-up domain with `a` (NVLink / NeuronLink / ICI
    /// island), `a` included. Domains tile the cluster from its first accelerator; the last
    /// may be partial. O(log clusters).
    pub fn scaleup_group(&self, a: AcceleratorId) -> Range<u32> {
        let c = self.cluster(self.cluster_of_accelerator(a));
        let local = a.0 - c.accelerators.start;
        let start = c.accelerators.start + local / c.scaleup_domain * c.scaleup_domain;
        start
            ..start
                .saturating_add(c.scaleup_domain)
                .min(c.accelerators.end)
    }

    /// Every failure domain holding accelerator `a`, outermost first: cloud, region, site,
    /// cluster, rack, node, the accelerator itself. O(log clusters).
    pub fn ancestors(&self, a: AcceleratorId) -> [FailureDomain; 7] {
        let cluster = self.cluster_of_accelerator(a);
        let c = self.cluster(cluster);
        let s = self.site(c.site);
        let (node, rack) = c.locate(a);
        [
            FailureDomain::Cloud(s.cloud),
            FailureDomain::Region(s.region),
            FailureDomain::Site(s.id),
            FailureDomain::Cluster(cluster),
            FailureDomain::Rack(rack),
            FailureDomain::Node(node),
            FailureDomain::Accelerator(a),
        ]
    }

    /// Whether failure domain `domain` holds accelerator `a`. O(log clusters).
    pub fn contains(&self, domain: FailureDomain, a: AcceleratorId) -> bool {
        self.ancestors(a)[domain_depth(domain)] == domain
    }

    /// The accelerators of `domain`, as ascending, disjoint, non-empty index ranges
    /// (adjacent sites of one cloud or region merge into one range). A cloud or region
    /// costs O(sites) over the whole iteration; a site or cluster O(1); a rack, node or
    /// accelerator O(log clusters).
    ///
    /// # Panics
    /// If a site, cluster, rack, node or accelerator id is not of this fabric.
    pub fn accelerators_in(&self, domain: FailureDomain) -> DomainRanges<'_> {
        let single = |range: Range<u32>| DomainRanges {
            sites: [].iter(),
            filter: SiteFilter::None,
            pending: (!range.is_empty()).then_some(range),
        };
        match domain {
            FailureDomain::Cloud(c) => DomainRanges {
                sites: self.sites.iter(),
                filter: SiteFilter::Cloud(c),
                pending: None,
            },
            FailureDomain::Region(r) => DomainRanges {
                sites: self.sites.iter(),
                filter: SiteFilter::Region(r),
                pending: None,
            },
            FailureDomain::Site(s) => single(self.site(s).accelerators.clone()),
            FailureDomain::Cluster(c) => single(self.cluster(c).accelerators.clone()),
            FailureDomain::Rack(r) => {
                let c = self.cluster(self.cluster_of_rack(r));
                single(c.rack_accelerators(r.0 - c.racks.start))
            }
            FailureDomain::Node(n) => {
                let c = self.cluster(self.cluster_of_node(n));
                single(c.node_accelerators(n.0 - c.nodes.start))
            }
            FailureDomain::Accelerator(a) => {
                self.cluster_of_accelerator(a); // bounds check
                single(a.0..a.0 + 1)
            }
        }
    }

    /// Number of accelerators in `domain`; same cost as [`Fabric::accelerators_in`].
    pub fn accelerator_count_in(&self, domain: FailureDomain) -> u32 {
        self.accelerators_in(domain).map(|r| r.end - r.start).sum()
    }

    /// Peak IT power of the whole fabric, W (every chip at TDP plus its host share).
    pub fn peak_it_power_w(&self) -> f64 {
        self.sites.iter().map(|s| s.peak_it_w).sum()
    }

    /// Peak facility power of the whole fabric, W (each site's IT power × its PUE).
    pub fn peak_facility_power_w(&self) -> f64 {
        self.sites.iter().map(Site::peak_facility_w).sum()
    }

    /// Peak dense BF16 PFLOP/s of the whole fabric.
    pub fn peak_bf16_pflops(&self) -> f64 {
        self.clusters.iter().map(Cluster::peak_bf16_pflops).sum()
    }

    /// Sites whose peak facility power exceeds their cap, in id order. Not an error: the
    /// power model throttles them; `validate` reports them as a warning.
    pub fn over_cap_sites(&self) -> impl Iterator<Item = &Site> + '_ {
        self.sites.iter().filter(|s| s.headroom_w() < 0.0)
    }

    /// Accelerator counts per (cloud, accelerator kind), sorted by those ids, without
    /// zero entries. O(clusters × log clusters).
    pub fn counts_by_cloud_and_kind(&self) -> Vec<(CloudId, AccelKindId, u32)> {
        let mut counts: Vec<(CloudId, AccelKindId, u32)> = self
            .clusters
            .iter()
            .map(|c| {
                (
                    self.site(c.site).cloud,
                    c.accelerator,
                    c.accelerator_count(),
                )
            })
            .collect();
        counts.sort_by_key(|&(cloud, kind, _)| (cloud, kind));
        counts.dedup_by(|next, kept| {
            let same = (next.0, next.1) == (kept.0, kept.1);
            if same {
                kept.2 += next.2;
            }
            same
        });
        counts
    }

    /// The scenario-independent key of `domain`, for RNG stream keys, outputs and scripted
    /// injections: `cloud:aws`, `region:aws/us-east-1`, `site:aws-use1`,
    /// `cluster:aws-use1/h100-a`, and for racks, nodes and accelerators the cluster key
    /// plus the index within the cluster: `rack:aws-use1/h100-a/3`, `node:aws-use1/h100-a/17`,
    /// `accelerator:aws-use1/h100-a/136`. It survives adding sites or clusters elsewhere;
    /// [`Fabric::domain_by_key`] reverses it.
    pub fn domain_key(&self, domain: FailureDomain) -> String {
        let level = domain.level();
        let in_cluster = |c: ClusterId, local: u32| {
            let c = self.cluster(c);
            format!("{level}:{}/{}/{local}", self.site(c.site).name, c.name)
        };
        match domain {
            FailureDomain::Cloud(c) => format!("{level}:{}", self.cloud_names[usize::from(c.0)]),
            FailureDomain::Region(r) => {
                format!("{level}:{}", self.region_keys[usize::from(r.0)])
            }
            FailureDomain::Site(s) => format!("{level}:{}", self.site(s).name),
            FailureDomain::Cluster(c) => {
                let c = self.cluster(c);
                format!("{level}:{}/{}", self.site(c.site).name, c.name)
            }
            FailureDomain::Rack(r) => {
                let c = self.cluster_of_rack(r);
                in_cluster(c, r.0 - self.cluster(c).racks.start)
            }
            FailureDomain::Node(n) => {
                let c = self.cluster_of_node(n);
                in_cluster(c, n.0 - self.cluster(c).nodes.start)
            }
            FailureDomain::Accelerator(a) => {
                let c = self.cluster_of_accelerator(a);
                in_cluster(c, a.0 - self.cluster(c).accelerators.start)
            }
        }
    }

    /// The domain named by `key` in the form of [`Fabric::domain_key`], or `None` if the
    /// fabric has no such domain. O(sites + clusters of the named site).
    pub fn domain_by_key(&self, key: &str) -> Option<FailureDomain> {
        let (level, rest) = key.split_once(':')?;
        let find = |names: &[String], name: &str| names.iter().position(|n| n == name);
        let cluster = |site: &str, cluster: &str| self.cluster_by_name(site, cluster);
        let local = |rest: &str| -> Option<(&Cluster, u32)> {
            let mut parts = rest.splitn(3, '/');
            let (s, c, i) = (parts.next()?, parts.next()?, parts.next()?);
            Some((cluster(s, c)?, i.parse().ok()?))
        };
        let within = |r: &Range<u32>, i: u32| (i < r.end - r.start).then_some(r.start + i);
        Some(match level {
            "cloud" => FailureDomain::Cloud(CloudId(find(&self.cloud_names, rest)? as u16)),
            "region" => FailureDomain::Region(RegionId(find(&self.region_keys, rest)? as u16)),
            "site" => FailureDomain::Site(self.site_by_name(rest)?.id),
            "cluster" => {
                let (s, c) = rest.split_once('/')?;
                FailureDomain::Cluster(cluster(s, c)?.id)
            }
            "rack" => {
                let (c, i) = local(rest)?;
                FailureDomain::Rack(RackId(within(&c.racks, i)?))
            }
            "node" => {
                let (c, i) = local(rest)?;
                FailureDomain::Node(NodeId(within(&c.nodes, i)?))
            }
            "accelerator" => {
                let (c, i) = local(rest)?;
                FailureDomain::Accelerator(AcceleratorId(within(&c.accelerators, i)?))
            }
            _ => return None,
        })
    }
}

/// Position of `domain`'s level in [`Fabric::ancestors`].
fn domain_depth(domain: FailureDomain) -> usize {
    match domain {
        FailureDomain::Cloud(_) => 0,
        FailureDomain::Region(_) => 1,
        FailureDomain::Site(_) => 2,
        FailureDomain::Cluster(_) => 3,
        FailureDomain::Rack(_) => 4,
        FailureDomain::Node(_) => 5,
        FailureDomain::Accelerator(_) => 6,
    }
}

/// Which sites a [`DomainRanges`] walks.
#[derive(Clone, Debug)]
enum SiteFilter {
    None,
    Cloud(CloudId),
    Region(RegionId),
}

/// The accelerator ranges of one failure domain; see [`Fabric::accelerators_in`].
#[derive(Clone, Debug)]
pub struct DomainRanges<'a> {
    sites: std::slice::Iter<'a, Site>,
    filter: SiteFilter,
    /// The range to yield next (still growing while adjacent matching sites follow).
    pending: Option<Range<u32>>,
}

impl Iterator for DomainRanges<'_> {
    type Item = Range<u32>;

    fn next(&mut self) -> Option<Range<u32>> {
        loop {
            let Some(site) = self.sites.next() else {
                return self.pending.take();
            };
            let matches = match self.filter {
                SiteFilter::None => false,
                SiteFilter::Cloud(c) => site.cloud == c,
                SiteFilter::Region(r) => site.region == r,
            };
            if !matches || site.accelerators.is_empty() {
                continue;
            }
            let range = site.accelerators.clone();
            match &mut self.pending {
                Some(p) if p.end == range.start => p.end = range.end,
                Some(_) => return self.pending.replace(range),
                None => self.pending = Some(range),
            }
        }
    }
}

impl FusedIterator for DomainRanges<'_> {}

#[cfg(test)]
mod tests {
    use super::super::FabricSpec;
    use super::super::testing::{catalog, cluster, site};
    use super::*;

    /// aws-use1: h100-a 1024 (8/node, 4 nodes/rack), trn2-a 160 (16/node, 3 nodes/rack:
    /// last rack partial); gcp-usc1: v5p 256; aws-usw2: h100-b 64.
    fn fabric() -> Fabric {
        FabricSpec {
            sites: vec![
                site(
                    "aws-use1",
                    "aws",
                    "us-east-1",
                    vec![
                        cluster("h100-a", "h100", 1024, 4),
                        cluster("trn2-a", "trn2", 160, 3),
                    ],
                ),
                site(
                    "gcp-usc1",
                    "gcp",
                    "us-central1",
                    vec![cluster("v5p", "tpu-v5p", 256, 16)],
                ),
                site(
                    "aws-usw2",
                    "aws",
                    "us-west-2",
                    vec![cluster("h100-b", "h100", 64, 4)],
                ),
            ],
        }
        .build(&catalog())
        .unwrap()
    }

    /// The ranges of `d` as (start, end) pairs.
    fn ranges(f: &Fabric, d: FailureDomain) -> Vec<(u32, u32)> {
        f.accelerators_in(d).map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn lookups_cross_cluster_boundaries() {
        let f = fabric();
        let at = |a| {
            let a = AcceleratorId(a);
            (
                f.cluster_of_accelerator(a).0,
                f.node_of(a).0,
                f.rack_of(a).0,
                f.site_of(a).0,
            )
        };
        assert_eq!(at(0), (0, 0, 0, 0));
        assert_eq!(at(1023), (0, 127, 31, 0));
        assert_eq!(at(1024), (1, 128, 32, 0));
        assert_eq!(at(1183), (1, 137, 35, 0)); // last trn2 node, alone in the last rack
        assert_eq!(at(1184), (2, 138, 36, 1));
        assert_eq!(at(1440), (3, 202, 40, 2));
        assert_eq!(at(1503), (3, 209, 41, 2));
        assert_eq!(f.cluster_of_node(NodeId(137)), ClusterId(1));
        assert_eq!(f.rack_of_node(NodeId(137)), RackId(35));
        assert_eq!(f.cluster_of_rack(RackId(36)), ClusterId(2));
        assert_eq!(
            (f.accelerator_count(), f.node_count(), f.rack_count()),
            (1504, 210, 42)
        );
    }

    #[test]
    #[should_panic(expected = "accelerator 1504 is not in this fabric")]
    fn foreign_accelerator_panics() {
        fabric().cluster_of_accelerator(AcceleratorId(1504));
    }

    #[test]
    fn ancestors_are_outermost_first_and_contain_the_accelerator() {
        let f = fabric();
        let a = AcceleratorId(1200);
        let up = f.ancestors(a);
        assert_eq!(
            up,
            [
                FailureDomain::Cloud(CloudId(1)),
                FailureDomain::Region(RegionId(2)),
                FailureDomain::Site(SiteId(1)),
                FailureDomain::Cluster(ClusterId(2)),
                FailureDomain::Rack(RackId(36)),
                FailureDomain::Node(NodeId(142)),
                FailureDomain::Accelerator(a),
            ]
        );
        for d in up {
            assert!(f.contains(d, a), "{d}");
            assert!(f.accelerators_in(d).any(|r| r.contains(&a.0)), "{d}");
        }
        assert!(!f.contains(FailureDomain::Cloud(CloudId(0)), a));
        assert!(!f.contains(FailureDomain::Node(NodeId(141)), a));
    }

    #[test]
    fn accelerators_in_every_level() {
        let f = fabric();
        use FailureDomain as D;
        // aws has two sites, not adjacent: two ranges.
        assert_eq!(ranges(&f, D::Cloud(CloudId(0))), [(0, 1184), (1440, 1504)]);
        assert_eq!(ranges(&f, D::Cloud(CloudId(2))), []); // azure: no sites
        assert_eq!(ranges(&f, D::Region(RegionId(1))), [(1440, 1504)]);
        assert_eq!(ranges(&f, D::Site(SiteId(0))), [(0, 1184)]);
        assert_eq!(ranges(&f, D::Cluster(ClusterId(1))), [(1024, 1184)]);
        assert_eq!(ranges(&f, D::Rack(RackId(34))), [(1120, 1168)]);
        assert_eq!(ranges(&f, D::Rack(RackId(35))), [(1168, 1184)]); // partial rack
        assert_eq!(ranges(&f, D::Node(NodeId(128))), [(1024, 1040)]);
        assert_eq!(ranges(&f, D::Accelerator(AcceleratorId(7))), [(7, 8)]);
        assert_eq!(f.accelerator_count_in(D::Cloud(CloudId(0))), 1248);
        assert_eq!(f.accelerator_count_in(D::Rack(RackId(0))), 32);
    }

    #[test]
    fn adjacent_sites_merge_into_one_range() {
        let f = FabricSpec {
            sites: vec![
                site("a", "aws", "us-east-1", vec![cluster("c", "h100", 8, 1)]),
                site("b", "aws", "us-east-1", vec![]),
                site("c", "aws", "us-west-2", vec![cluster("c", "trn2", 16, 1)]),
            ],
        }
        .build(&catalog())
        .unwrap();
        assert_eq!(ranges(&f, FailureDomain::Cloud(CloudId(0))), [(0, 24)]);
        assert_eq!(ranges(&f, FailureDomain::Site(SiteId(1))), []);
    }

    #[test]
    fn domain_keys_round_trip() {
        let f = fabric();
        for a in [0, 1023, 1024, 1183, 1200, 1503] {
            for d in f.ancestors(AcceleratorId(a)) {
                let key = f.domain_key(d);
                assert_eq!(f.domain_by_key(&key), Some(d), "{key}");
            }
        }
        let key = |d| f.domain_key(d);
        assert_eq!(
            key(FailureDomain::Region(RegionId(0))),
            "region:aws/us-east-1"
        );
        assert_eq!(
            key(FailureDomain::Rack(RackId(35))),
            "rack:aws-use1/trn2-a/3"
        );
        assert_eq!(
            key(FailureDomain::Accelerator(AcceleratorId(1184))),
            "accelerator:gcp-usc1/v5p/0"
        );
        assert_eq!(
            f.domain_by_key("cloud:azure"),
            Some(FailureDomain::Cloud(CloudId(2)))
        );
        for bad in [
            "site:nowhere",
            "rack:aws-use1/trn2-a/4",
            "node:aws-use1/h100-a/x",
            "pod:x",
            "aws",
            "cluster:aws-use1",
        ] {
            assert_eq!(f.domain_by_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn scaleup_groups_tile_the_cluster() {
        let mut c = cluster("c", "h100", 160, 1);
        c.scaleup_domain = Some(72);
        let f = FabricSpec {
            sites: vec![site("a", "aws", "us-east-1", vec![c])],
        }
        .build(&catalog())
        .unwrap();
        assert_eq!(f.scaleup_group(AcceleratorId(0)), 0..72);
        assert_eq!(f.scaleup_group(AcceleratorId(143)), 72..144);
        assert_eq!(f.scaleup_group(AcceleratorId(159)), 144..160);
    }

    #[test]
    fn totals_and_power() {
        let f = fabric();
        // aws-use1: 1024 × (700 + 300) + 160 × (500 + 150) W IT, PUE 1.15.
        let s = &f.sites()[0];
        assert_eq!(s.peak_it_w, 1_128_000.0);
        assert!((s.peak_facility_w() - 1_297_200.0).abs() < 1e-6);
        assert!((s.headroom_w() - (50e6 - 1_297_200.0)).abs() < 1e-6);
        let it = 1_128_000.0 + 256.0 * 550.0 + 64.0 * 1000.0;
        assert!((f.peak_it_power_w() - it).abs() < 1e-6);
        let pflops = (1088.0 * 989.0 + 160.0 * 667.0 + 256.0 * 459.0) / 1000.0;
        assert!((f.peak_bf16_pflops() - pflops).abs() < 1e-9);
        assert_eq!(
            f.counts_by_cloud_and_kind(),
            [
                (CloudId(0), AccelKindId(0), 1088),
                (CloudId(0), AccelKindId(1), 160),
                (CloudId(1), AccelKindId(2), 256),
            ]
        );
        assert_eq!(f.over_cap_sites().count(), 0);
    }

    #[test]
    fn over_cap_sites_are_reported_not_rejected() {
        let mut s = site(
            "tight",
            "aws",
            "us-east-1",
            vec![cluster("c", "h100", 1024, 4)],
        );
        s.power_cap_mw = 1.0; // needs 1.1776 MW
        let f = FabricSpec { sites: vec![s] }.build(&catalog()).unwrap();
        let over: Vec<_> = f.over_cap_sites().map(|s| s.name.as_str()).collect();
        assert_eq!(over, ["tight"]);
        assert!((f.sites()[0].headroom_w() + 177_600.0).abs() < 1e-6);
    }

    #[test]
    fn lookups_by_name() {
        let f = fabric();
        assert_eq!(f.site_by_name("aws-usw2").map(|s| s.id), Some(SiteId(2)));
        assert_eq!(
            f.cluster_by_name("aws-use1", "trn2-a").map(|c| c.id),
            Some(ClusterId(1))
        );
        assert_eq!(f.cluster_by_name("gcp-usc1", "trn2-a"), None);
        let names: Vec<_> = f
            .clusters_of(SiteId(0))
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["h100-a", "trn2-a"]);
    }
}
