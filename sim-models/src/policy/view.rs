//! The read-only view of the fabric a policy decides from.

use sim_core::time::SimTime;

use crate::capacity::Capacity;
use crate::catalog::{Catalog, CloudId, RegionId};
use crate::network::{EgressPrices, RttModel, WanModel};
use crate::topology::{Cluster, ClusterId, Fabric, SiteId};

/// Everything a policy may look at, now. Built by the simulation before each decision;
/// every slice is indexed as its doc says and never changes during a decision.
#[derive(Clone, Copy, Debug)]
pub struct FabricView<'a> {
    /// The time of the decision.
    pub now: SimTime,
    /// The fabric.
    pub fabric: &'a Fabric,
    /// Its catalog.
    pub catalog: &'a Catalog,
    /// Which nodes are up and free.
    pub capacity: &'a Capacity,
    /// Per cluster: on-demand USD per accelerator-hour of its kind in its cloud (`None`:
    /// no published price).
    pub usd_per_chip_hour: &'a [Option<f64>],
    /// Per site: grid carbon intensity now, g CO2e per kWh.
    pub carbon_g_per_kwh: &'a [f64],
    /// Per site: its cap in force minus its facility demand now (busy chips at TDP, idle
    /// and host draw of the rest, times PUE), W; negative when over.
    pub power_headroom_w: &'a [f64],
    /// Per site: its power usage effectiveness.
    pub pue: &'a [f64],
    /// Per catalog cloud: committed spend not yet used, USD (0 without a commitment).
    pub commitment_left_usd: &'a [f64],
    /// Region-to-region round trips.
    pub rtt: &'a RttModel,
    /// Transfer prices between regions.
    pub prices: &'a EgressPrices,
    /// Site-to-site bandwidth.
    pub wan: &'a WanModel,
}

impl<'a> FabricView<'a> {
    /// Idle nodes of `cluster` that can run now: healthy, in racks that are up (0 when
    /// the cluster is unreachable).
    #[inline]
    pub fn free_nodes(&self, cluster: ClusterId) -> u32 {
        if self.capacity.cluster_reachable(self.fabric, cluster) {
            self.capacity.allocatable(cluster)
        } else {
            0
        }
    }

    /// The cluster.
    #[inline]
    pub fn cluster(&self, id: ClusterId) -> &'a Cluster {
        self.fabric.cluster(id)
    }

    /// Site of `cluster`.
    #[inline]
    pub fn site_of(&self, cluster: ClusterId) -> SiteId {
        self.fabric.cluster(cluster).site
    }

    /// Region of `cluster`.
    #[inline]
    pub fn region_of(&self, cluster: ClusterId) -> RegionId {
        self.fabric.site(self.site_of(cluster)).region
    }

    /// Cloud of `cluster`.
    #[inline]
    pub fn cloud_of(&self, cluster: ClusterId) -> CloudId {
        self.fabric.site(self.site_of(cluster)).cloud
    }

    /// The accelerator kind name of `cluster`.
    #[inline]
    pub fn kind_of(&self, cluster: ClusterId) -> &'a str {
        &self
            .catalog
            .accelerator(self.fabric.cluster(cluster).accelerator)
            .name
    }
}
