//! What a scenario says about the fabric: sites and their clusters.

use sim_core::time::SimTime;

/// The fabric as a scenario describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FabricSpec {
    /// Sites in file order.
    pub sites: Vec<SiteSpec>,
}

/// A datacenter.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteSpec {
    /// Unique site key, e.g. `aws-use1-a`.
    pub name: String,
    /// Cloud key.
    pub cloud: String,
    /// Region code within the cloud.
    pub region: String,
    /// Power cap of the site (facility power), MW.
    pub power_cap_mw: f64,
    /// PUE of this site; `None` uses the region's.
    pub pue: Option<f64>,
    /// When the site comes online.
    pub online_from: SimTime,
    /// Clusters in file order.
    pub clusters: Vec<ClusterSpec>,
}

/// A cluster: one accelerator kind.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterSpec {
    /// Cluster key, unique within its site.
    pub name: String,
    /// Accelerator key.
    pub accelerator: String,
    /// Number of accelerators.
    pub count: u32,
    /// Accelerators per node; `None` uses the accelerator's usual instance size.
    pub node_size: Option<u32>,
    /// Nodes per rack.
    pub rack_nodes: u32,
    /// Chips per scale-up domain; `None` uses the accelerator's.
    pub scaleup_domain: Option<u32>,
    /// When the cluster comes online (capacity growth); its site's `online_from` applies too.
    pub online_from: SimTime,
}
