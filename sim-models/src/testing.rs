//! Test support: the small fabrics, networks and fabric views that this crate's
//! integration tests, its doctests and `examples/custom-models` build again and again.
//!
//! Not part of the modelling API: the helpers panic on bad input (they build hand-made
//! test data) and may change with the tests. A model crate's own tests may use them.
//!
//! ```
//! use sim_models::catalog::Catalog;
//! use sim_models::testing::{self, Net};
//!
//! let catalog = Catalog::builtin();
//! let h100 = testing::cluster("h100", "h100", 64);
//! let fabric = testing::fabric(
//!     &catalog,
//!     vec![testing::site("dc", "aws", "us-east-1", 10.0, vec![h100])],
//! );
//! let net = Net::new(&catalog, &fabric);
//! assert_eq!(fabric.accelerator_count(), 64);
//! assert_eq!(net.wan.default_gbit(), testing::WAN_GBIT);
//! ```

use sim_core::time::SimTime;

use crate::capacity::Capacity;
use crate::catalog::{Catalog, RegionId};
use crate::network::{EgressPrices, NetworkSpec, RttModel, WanModel};
use crate::policy::{DecisionLog, FabricView, Placement, PlacementRequest};
use crate::sim::Network;
use crate::topology::{ClusterId, ClusterSpec, Fabric, FabricSpec, SiteSpec};

/// Default WAN bandwidth of [`Net::new`], Gbit/s between any two sites.
pub const WAN_GBIT: f64 = 100.0;

/// Cluster `name` of `count` accelerators of kind `accelerator`: the kind's node size,
/// racks of 4 nodes, the kind's scale-up domain, online from the start. Change a field
/// with `ClusterSpec { node_size: Some(8), ..cluster(..) }`.
pub fn cluster(name: &str, accelerator: &str, count: u32) -> ClusterSpec {
    ClusterSpec {
        name: name.into(),
        accelerator: accelerator.into(),
        count,
        node_size: None,
        rack_nodes: 4,
        scaleup_domain: None,
        online_from: SimTime::ZERO,
    }
}

/// Site `name` of `cloud`/`region` capped at `power_cap_mw`, the region's PUE, online from
/// the start.
pub fn site(
    name: &str,
    cloud: &str,
    region: &str,
    power_cap_mw: f64,
    clusters: Vec<ClusterSpec>,
) -> SiteSpec {
    SiteSpec {
        name: name.into(),
        cloud: cloud.into(),
        region: region.into(),
        power_cap_mw,
        pue: None,
        online_from: SimTime::ZERO,
        clusters,
    }
}

/// The fabric of `sites` built against `catalog`; panics if it is invalid.
pub fn fabric(catalog: &Catalog, sites: Vec<SiteSpec>) -> Fabric {
    FabricSpec { sites }
        .build(catalog)
        .unwrap_or_else(|e| panic!("the test fabric is invalid: {e:?}"))
}

/// The network of a fabric, owned: WAN, RTT and egress prices. [`Net::network`] lends it
/// to a run.
#[derive(Clone, Debug)]
pub struct Net {
    /// Site-to-site bandwidth: [`WAN_GBIT`] everywhere, no link overrides.
    pub wan: WanModel,
    /// The catalog's round-trip times.
    pub rtt: RttModel,
    /// The catalog's egress prices.
    pub prices: EgressPrices,
}

impl Net {
    /// The default network of `fabric`'s sites from `catalog`; panics if the catalog's
    /// RTTs or prices are invalid.
    pub fn new(catalog: &Catalog, fabric: &Fabric) -> Self {
        let sites: Vec<(&str, RegionId)> = fabric
            .sites()
            .iter()
            .map(|s| (s.name.as_str(), s.region))
            .collect();
        let spec = NetworkSpec {
            wan_gbit_default: WAN_GBIT,
            links: Vec::new(),
        };
        Self {
            wan: WanModel::new(&spec, &sites).expect("default WAN"),
            rtt: RttModel::from_catalog(catalog).expect("the catalog's RTTs"),
            prices: EgressPrices::from_catalog(catalog).expect("the catalog's egress prices"),
        }
    }

    /// The network as a run takes it.
    pub fn network(&self) -> Network<'_> {
        Network {
            wan: &self.wan,
            rtt: &self.rtt,
            prices: &self.prices,
        }
    }
}

/// The per-cluster, per-site and per-cloud numbers of a hand-made [`FabricView`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewInputs {
    /// USD per chip-hour, per cluster (`None`: unpriced).
    pub usd_per_chip_hour: Vec<Option<f64>>,
    /// Grid carbon now, g CO2e/kWh, per site.
    pub carbon_g_per_kwh: Vec<f64>,
    /// Power left under the cap, W, per site.
    pub power_headroom_w: Vec<f64>,
    /// PUE per site.
    pub pue: Vec<f64>,
    /// Commitment left, USD, per cloud of the catalog.
    pub commitment_left_usd: Vec<f64>,
}

/// A catalog, a fabric built against it and its default network: what a policy's
/// [`FabricView`] borrows.
#[derive(Clone, Debug)]
pub struct World {
    /// The catalog the fabric was built against.
    pub catalog: Catalog,
    /// The fabric.
    pub fabric: Fabric,
    /// Its network ([`Net::new`]).
    pub net: Net,
}

impl World {
    /// The fabric of `sites` built against `catalog`, with its default network.
    pub fn new(catalog: Catalog, sites: Vec<SiteSpec>) -> Self {
        let fabric = fabric(&catalog, sites);
        let net = Net::new(&catalog, &fabric);
        Self {
            catalog,
            fabric,
            net,
        }
    }

    /// Every node free except `taken` nodes of the given clusters (one holder each).
    pub fn capacity(&self, taken: &[(ClusterId, u32)]) -> Capacity {
        let mut capacity = Capacity::new(&self.fabric);
        let mut nodes = Vec::new();
        for (holder, &(c, n)) in taken.iter().enumerate() {
            assert!(
                capacity.allocate(&self.fabric, c, n, holder as u32, &mut nodes),
                "cannot take {n} nodes of cluster {c:?}"
            );
        }
        capacity
    }

    /// The view at `now` of this world with `capacity` and the numbers of `inputs`.
    pub fn view<'a>(
        &'a self,
        inputs: &'a ViewInputs,
        capacity: &'a Capacity,
        now: SimTime,
    ) -> FabricView<'a> {
        FabricView {
            now,
            fabric: &self.fabric,
            catalog: &self.catalog,
            capacity,
            usd_per_chip_hour: &inputs.usd_per_chip_hour,
            carbon_g_per_kwh: &inputs.carbon_g_per_kwh,
            power_headroom_w: &inputs.power_headroom_w,
            pue: &inputs.pue,
            commitment_left_usd: &inputs.commitment_left_usd,
            rtt: &self.net.rtt,
            prices: &self.net.prices,
            wan: &self.net.wan,
        }
    }
}

/// A request for `accelerators` of any kind by `job`, on one cluster, with no home,
/// checkpoint, users or group. Change a field with
/// `PlacementRequest { kinds: &k, ..request(8) }`.
pub fn request(accelerators: u32) -> PlacementRequest<'static> {
    PlacementRequest {
        subject: "job",
        accelerators,
        kinds: &[],
        span_clusters: false,
        multi_site: false,
        params: 70e9,
        home: None,
        checkpoint_bytes: 0.0,
        users: &[],
        group: &[],
        group_total: accelerators,
    }
}

/// Runs `policy` on `req` and returns its allocation (empty when it refused), checking
/// that its result says whether it filled the allocation.
pub fn place(
    policy: &mut dyn Placement,
    view: &FabricView<'_>,
    req: &PlacementRequest<'_>,
    log: &mut DecisionLog,
) -> Vec<(ClusterId, u32)> {
    let mut out = vec![(ClusterId(99), 99)];
    let ok = policy.place(view, req, &mut out, log);
    assert_eq!(
        ok,
        !out.is_empty(),
        "{}: the result says whether out is filled",
        policy.name()
    );
    out
}
