//! `[sites.<site>]` and `[sites.<site>.clusters.<cluster>]`: the fabric.

use sim_core::time::{SimDuration, SimTime};
use sim_models::topology::{ClusterSpec, SiteSpec};
use toml::de::{DeTable, DeValue};

use crate::scenario::diagnostic::dotted;
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::{Walker, join};

/// Nodes per rack when `rack_nodes` is absent.
pub(crate) const DEFAULT_RACK_NODES: u32 = 4;

/// `cloud`.
pub(crate) const CLOUD: Field = req(
    "cloud",
    Kind::Str,
    "Cloud key, e.g. `aws`, `azure`, `gcp`, `oci`, or one added under `[catalog.clouds]`.",
);
/// `region`.
pub(crate) const REGION: Field = req(
    "region",
    Kind::Str,
    "Region code of that cloud, e.g. `us-east-1`.",
);
/// `power_cap_mw`.
pub(crate) const POWER_CAP_MW: Field = req(
    "power_cap_mw",
    Kind::PositiveNumber,
    "Facility power cap of the site, MW.",
);
/// `pue`.
pub(crate) const PUE: Field = opt(
    "pue",
    Kind::Pue,
    "the region's PUE",
    "Power usage effectiveness of this site.",
);
/// `online_from`.
pub(crate) const ONLINE_FROM: Field = def(
    "online_from",
    Kind::Duration,
    D::Duration(SimDuration::ZERO),
    "When the site comes online, as a duration since the start.",
);
/// The table.
pub(crate) const SITE: Table = Table {
    header: "[sites.<site>]",
    doc: "Required, at least one. A datacenter. The table name is the site key: unique \
          (TOML rejects a table defined twice), made of letters, digits, `-` and `_`.",
    fields: &[CLOUD, REGION, POWER_CAP_MW, PUE, ONLINE_FROM],
    children: &["clusters"],
};

/// `accelerator`.
pub(crate) const ACCELERATOR: Field = req(
    "accelerator",
    Kind::Str,
    "Accelerator key, e.g. `h100`, `trn2`, `tpu-v5p`; the site's cloud must offer it \
     (built in, or through `[catalog.clouds.<cloud>] offers` or `[catalog.offerings]`).",
);
/// `count`.
pub(crate) const COUNT: Field = req("count", Kind::PositiveInt, "Number of accelerators.");
/// `node_size`.
pub(crate) const NODE_SIZE: Field = opt(
    "node_size",
    Kind::PositiveInt,
    "the accelerator's usual instance size",
    "Accelerators per node.",
);
/// `rack_nodes`.
pub(crate) const RACK_NODES: Field = def(
    "rack_nodes",
    Kind::PositiveInt,
    D::Int(DEFAULT_RACK_NODES as u64),
    "Nodes per rack (a failure domain).",
);
/// `scaleup_domain`.
pub(crate) const SCALEUP_DOMAIN: Field = opt(
    "scaleup_domain",
    Kind::PositiveInt,
    "the accelerator's",
    "Chips per scale-up domain (NVLink, NeuronLink, ICI).",
);
/// `online_from` of a cluster.
pub(crate) const CLUSTER_ONLINE_FROM: Field = def(
    "online_from",
    Kind::Duration,
    D::Duration(SimDuration::ZERO),
    "When the cluster comes online, from the start (capacity growth); before that it \
     cannot run work and draws no power. The site's `online_from` applies too.",
);
/// The table.
pub(crate) const CLUSTER: Table = Table {
    header: "[sites.<site>.clusters.<cluster>]",
    doc: "Required, at least one per site. Accelerators of one kind. The table name is \
          the cluster key, unique within its site.",
    fields: &[
        ACCELERATOR,
        COUNT,
        NODE_SIZE,
        RACK_NODES,
        SCALEUP_DOMAIN,
        CLUSTER_ONLINE_FROM,
    ],
    children: &[],
};

impl Walker {
    /// `[sites.*]`, in file order; at least one is required.
    pub(crate) fn sites(&mut self, root: &DeTable<'_>) -> Vec<SiteSpec> {
        let path = vec!["sites".to_owned()];
        let no_sites = "the scenario defines no sites: add at least one [sites.<name>] table \
                        with a cluster";
        let Some(v) = root.get("sites") else {
            self.error(0..0, &path, no_sites, None);
            return Vec::new();
        };
        let named = self.named(v, &path, SITE.header, "site");
        if matches!(v.get_ref(), DeValue::Table(t) if t.is_empty()) {
            let span = self.map.span(&path);
            self.error(span, &path, no_sites, None);
        }
        named
            .into_iter()
            .map(|(name, t, p)| self.site(name, t, &p))
            .collect()
    }

    /// One `[sites.<site>]` table with its clusters.
    pub(crate) fn site(&mut self, name: String, t: &DeTable<'_>, path: &[String]) -> SiteSpec {
        self.check_keys(t, path, &SITE);
        let cloud = self.str(t, path, &CLOUD);
        let region = self.str(t, path, &REGION);
        let power_cap_mw = self.number(t, path, &POWER_CAP_MW);
        let pue = self.number(t, path, &PUE);
        let online_from = self.duration(t, path, &ONLINE_FROM);
        let cp = join(path, "clusters");
        let clusters = match t.get("clusters") {
            None => Vec::new(),
            Some(v) => self.named(v, &cp, CLUSTER.header, "cluster"),
        };
        let no_clusters = match t.get("clusters") {
            None => true,
            Some(v) => matches!(v.get_ref(), DeValue::Table(t) if t.is_empty()),
        };
        if no_clusters {
            let span = self.map.span(&cp);
            self.error(
                span,
                &cp,
                format!(
                    "site `{name}` has no clusters: add a [{}.<name>] table",
                    dotted(&cp)
                ),
                None,
            );
        }
        let clusters = clusters
            .into_iter()
            .map(|(name, t, p)| self.cluster(name, t, &p))
            .collect();
        SiteSpec {
            name,
            cloud: cloud.unwrap_or_default(),
            region: region.unwrap_or_default(),
            power_cap_mw: power_cap_mw.unwrap_or_default(),
            pue,
            online_from: SimTime::ZERO + online_from.unwrap_or(SimDuration::ZERO),
            clusters,
        }
    }

    /// One `[sites.<site>.clusters.<cluster>]` table.
    pub(crate) fn cluster(
        &mut self,
        name: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> ClusterSpec {
        self.check_keys(t, path, &CLUSTER);
        ClusterSpec {
            online_from: SimTime::ZERO
                + self
                    .duration(t, path, &CLUSTER_ONLINE_FROM)
                    .unwrap_or_default(),
            name,
            accelerator: self.str(t, path, &ACCELERATOR).unwrap_or_default(),
            count: self.u32(t, path, &COUNT).unwrap_or_default(),
            node_size: self.u32(t, path, &NODE_SIZE),
            rack_nodes: self.u32(t, path, &RACK_NODES).unwrap_or(DEFAULT_RACK_NODES),
            scaleup_domain: self.u32(t, path, &SCALEUP_DOMAIN),
        }
    }
}
