//! Wide-area links between sites: bandwidth (a scenario default, overridable per pair),
//! RTT overrides, and the price of moving data out of a region.
//!
//! Prices per decimal GB (1e9 bytes) for data moving from region `a` to region `b`:
//!
//! | path                         | price                                           |
//! |------------------------------|-------------------------------------------------|
//! | same region (two sites)      | inter-AZ, 0.01 $/GB each direction = 0.02 $/GB  |
//! | same cloud, other region     | the cloud's `inter_region_usd_per_gb`           |
//! | other cloud                  | the *source* cloud's internet `egress_usd_per_gb` |
//!
//! Ingress is free at all four clouds, so only the sender pays. First-tier prices are
//! used throughout: volume tiers and free allowances (OCI's 10 TB/month) are ignored,
//! which overstates the cost of very large monthly volumes.

use std::collections::HashMap;

use crate::ModelError;
use crate::catalog::{Catalog, CloudSpec, RegionId, RegionSpec};

use super::rtt::{RttBasis, RttEstimate, RttModel};
use super::spec::NetworkSpec;
use super::transfer::TransferParams;
use sim_core::time::SimDuration;

/// Inter-AZ transfer price in one direction, USD per GB (AWS, Azure and GCP alike;
/// third-party compilation: cloudcalcep.com `guides/egress-costs-guide.html`,
/// cheatgrid.com). Both directions are billed, so a transfer between two sites of one
/// region costs twice this.
pub const INTER_AZ_USD_PER_GB: f64 = 0.01;

/// Bytes in one billed GB (decimal, like every unit in `data/README.md`).
pub const BYTES_PER_GB: f64 = 1e9;

/// What kind of path a transfer between two regions takes, which sets its price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// Both ends in one region.
    SameRegion,
    /// Two regions of one cloud.
    InterRegion,
    /// Regions of two clouds (internet egress).
    InterCloud,
}

/// Transfer prices between all regions of a catalog. Lookups are O(1).
#[derive(Clone, Debug, PartialEq)]
pub struct EgressPrices {
    region_cloud: Vec<u16>,
    egress_usd_per_gb: Vec<f64>,
    inter_region_usd_per_gb: Vec<f64>,
    /// Price between two sites of one region, USD per GB; defaults to
    /// 2 x [`INTER_AZ_USD_PER_GB`] (both directions billed, sites assumed in different
    /// zones).
    pub intra_region_usd_per_gb: f64,
}

impl EgressPrices {
    /// Prices for `regions` (indexed by [`RegionId`]) of `clouds`.
    ///
    /// Errors, all reported at once: a region whose cloud is not in `clouds`, a price that
    /// is negative or not finite.
    pub fn new(clouds: &[CloudSpec], regions: &[RegionSpec]) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        for c in clouds {
            for (field, v) in [
                ("egress_usd_per_gb", c.egress_usd_per_gb),
                ("inter_region_usd_per_gb", c.inter_region_usd_per_gb),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    errors.push(ModelError::new(
                        &["catalog", "clouds", &c.name, field],
                        format!("price {v} USD/GB must be a number >= 0"),
                    ));
                }
            }
        }
        let mut region_cloud = Vec::with_capacity(regions.len());
        for r in regions {
            match clouds.iter().position(|c| c.name == r.cloud) {
                Some(i) => region_cloud.push(i as u16),
                None => errors.push(
                    ModelError::new(
                        &[
                            "catalog",
                            "regions",
                            &format!("{}/{}", r.cloud, r.name),
                            "cloud",
                        ],
                        format!(
                            "unknown cloud {:?}; expected a cloud of the catalog",
                            r.cloud
                        ),
                    )
                    .with_suggestion(nearest(&r.cloud, clouds.iter().map(|c| c.name.as_str()))),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            region_cloud,
            egress_usd_per_gb: clouds.iter().map(|c| c.egress_usd_per_gb).collect(),
            inter_region_usd_per_gb: clouds.iter().map(|c| c.inter_region_usd_per_gb).collect(),
            intra_region_usd_per_gb: 2.0 * INTER_AZ_USD_PER_GB,
        })
    }

    /// Prices for a catalog's clouds and regions.
    pub fn from_catalog(catalog: &Catalog) -> Result<Self, Vec<ModelError>> {
        Self::new(catalog.clouds(), catalog.regions())
    }

    /// The kind of path from region `from` to region `to`.
    pub fn kind(&self, from: RegionId, to: RegionId) -> PathKind {
        if from == to {
            PathKind::SameRegion
        } else if self.cloud(from) == self.cloud(to) {
            PathKind::InterRegion
        } else {
            PathKind::InterCloud
        }
    }

    /// Price of moving data from region `from` to region `to`, USD per GB (see the
    /// module docs).
    pub fn usd_per_gb(&self, from: RegionId, to: RegionId) -> f64 {
        let src = self.cloud(from);
        match self.kind(from, to) {
            PathKind::SameRegion => self.intra_region_usd_per_gb,
            PathKind::InterRegion => self.inter_region_usd_per_gb[src],
            PathKind::InterCloud => self.egress_usd_per_gb[src],
        }
    }

    /// Cost of moving `bytes` from region `from` to region `to`, USD.
    pub fn cost_usd(&self, from: RegionId, to: RegionId, bytes: f64) -> f64 {
        bytes / BYTES_PER_GB * self.usd_per_gb(from, to)
    }

    fn cloud(&self, region: RegionId) -> usize {
        usize::from(self.region_cloud[usize::from(region.0)])
    }
}

/// Everything about the WAN path between two sites.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WanPath {
    /// Round-trip time and its basis.
    pub rtt: RttEstimate,
    /// Bandwidth available to a transfer, Gbit/s.
    pub gbit: f64,
    /// Price of data sent along the path, USD per GB.
    pub usd_per_gb: f64,
}

impl WanPath {
    /// Time to move `bytes` along this path (see [`TransferParams`]).
    pub fn transfer_time(&self, bytes: f64, params: &TransferParams) -> SimDuration {
        params.time(bytes, self.rtt.ms, self.gbit)
    }

    /// Cost of moving `bytes` along this path, USD.
    pub fn transfer_usd(&self, bytes: f64) -> f64 {
        bytes / BYTES_PER_GB * self.usd_per_gb
    }
}

/// WAN bandwidth and RTT overrides between the sites of a fabric.
///
/// Sites are indexed `0..n` in the order given to [`WanModel::new`] (the fabric's site
/// order, so a site id's index). Every pair of distinct sites gets
/// [`NetworkSpec::wan_gbit_default`] unless a [`super::LinkSpec`] names it (in either
/// order). Lookups read dense `n x n` matrices: O(1).
#[derive(Clone, Debug, PartialEq)]
pub struct WanModel {
    n: usize,
    regions: Vec<RegionId>,
    default_gbit: f64,
    gbit: Vec<f64>,
    rtt_ms: Vec<Option<f64>>,
}

impl WanModel {
    /// Builds the links of `sites`, each given as (site key, region), from `spec`.
    ///
    /// Errors, all reported at once, located under `network`: a default or link bandwidth
    /// that is not finite and positive, an RTT override that is not finite and
    /// non-negative, a link naming an unknown site (with a suggestion) or the same site
    /// twice, and two links for one pair.
    pub fn new(spec: &NetworkSpec, sites: &[(&str, RegionId)]) -> Result<Self, Vec<ModelError>> {
        let n = sites.len();
        let mut errors = Vec::new();
        if !(spec.wan_gbit_default.is_finite() && spec.wan_gbit_default > 0.0) {
            errors.push(ModelError::new(
                &["network", "wan_gbit_default"],
                format!(
                    "{} Gbit/s: expected a positive bandwidth in Gbit/s, e.g. 400",
                    spec.wan_gbit_default
                ),
            ));
        }
        let index: HashMap<&str, usize> = sites.iter().enumerate().map(|(i, s)| (s.0, i)).collect();
        let mut gbit = vec![spec.wan_gbit_default; n * n];
        let mut rtt_ms = vec![None; n * n];
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        for (k, link) in spec.links.iter().enumerate() {
            let k_str = k.to_string();
            let err = |field: &str, message: String| {
                ModelError::new(&["network", "links", &k_str, field], message)
            };
            let mut ends = [None, None];
            for (slot, (field, key)) in [("a", &link.a), ("b", &link.b)].into_iter().enumerate() {
                match index.get(key.as_str()) {
                    Some(&i) => ends[slot] = Some(i),
                    None => errors.push(
                        err(
                            field,
                            format!("unknown site {key:?}; expected a site key of the fabric"),
                        )
                        .with_suggestion(nearest(key, sites.iter().map(|s| s.0))),
                    ),
                }
            }
            if !(link.gbit.is_finite() && link.gbit > 0.0) {
                errors.push(err(
                    "gbit",
                    format!(
                        "{} Gbit/s: expected a positive bandwidth in Gbit/s",
                        link.gbit
                    ),
                ));
            }
            if let Some(r) = link.rtt_ms
                && !(r.is_finite() && r >= 0.0)
            {
                errors.push(err(
                    "rtt_ms",
                    format!("{r} ms: expected a round-trip time in ms, >= 0"),
                ));
            }
            let [Some(a), Some(b)] = ends else { continue };
            if a == b {
                errors.push(err(
                    "b",
                    format!(
                        "link from site {:?} to itself; expected two different sites",
                        link.a
                    ),
                ));
                continue;
            }
            if let Some(first) = seen.insert((a.min(b), a.max(b)), k) {
                errors.push(err(
                    "b",
                    format!(
                        "second link between {:?} and {:?} (the first is links.{first}); keep one",
                        link.a, link.b
                    ),
                ));
                continue;
            }
            for cell in [a * n + b, b * n + a] {
                gbit[cell] = link.gbit;
                rtt_ms[cell] = link.rtt_ms;
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for i in 0..n {
            gbit[i * n + i] = f64::INFINITY;
        }
        Ok(Self {
            n,
            regions: sites.iter().map(|s| s.1).collect(),
            default_gbit: spec.wan_gbit_default,
            gbit,
            rtt_ms,
        })
    }

    /// Bandwidth between sites `a` and `b`, Gbit/s; infinite when `a == b` (a site is not
    /// a WAN path to itself). Panics on an index out of range.
    pub fn gbit(&self, a: usize, b: usize) -> f64 {
        self.gbit[self.cell(a, b)]
    }

    /// The scenario's RTT override between sites `a` and `b`, ms, if any.
    pub fn rtt_override_ms(&self, a: usize, b: usize) -> Option<f64> {
        self.rtt_ms[self.cell(a, b)]
    }

    /// The default bandwidth of the scenario, Gbit/s.
    pub fn default_gbit(&self) -> f64 {
        self.default_gbit
    }

    /// Number of sites.
    pub fn site_count(&self) -> usize {
        self.n
    }

    /// The region of site `a`.
    pub fn site_region(&self, a: usize) -> RegionId {
        self.regions[a]
    }

    /// RTT, bandwidth and price from site `a` to site `b`: the RTT override of the link if
    /// the scenario gives one ([`RttBasis::Scenario`]), else the regions' RTT. For `a == b`
    /// the bandwidth is infinite and the price zero.
    pub fn path(&self, a: usize, b: usize, rtt: &RttModel, prices: &EgressPrices) -> WanPath {
        let (ra, rb) = (self.regions[a], self.regions[b]);
        let rtt = match self.rtt_override_ms(a, b) {
            Some(ms) => RttEstimate {
                ms,
                basis: RttBasis::Scenario,
            },
            None => rtt.rtt_ms(ra, rb),
        };
        WanPath {
            rtt,
            gbit: self.gbit(a, b),
            usd_per_gb: if a == b {
                0.0
            } else {
                prices.usd_per_gb(ra, rb)
            },
        }
    }

    fn cell(&self, a: usize, b: usize) -> usize {
        assert!(
            a < self.n && b < self.n,
            "WanModel: site index out of range ({a}, {b}; {} sites)",
            self.n
        );
        a * self.n + b
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo.
fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, c)| d <= (c.chars().count() / 3).max(2))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c.to_owned())
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DataStatus, Provenance};
    use crate::network::LinkSpec;

    fn prov() -> Provenance {
        Provenance {
            status: DataStatus::Secondary,
            source: "egress_pricing.csv".into(),
        }
    }

    fn cloud(name: &str, egress: f64, inter_region: f64) -> CloudSpec {
        CloudSpec {
            name: name.into(),
            display_name: name.to_uppercase(),
            egress_usd_per_gb: egress,
            inter_region_usd_per_gb: inter_region,
            provenance: prov(),
        }
    }

    fn region(cloud: &str, name: &str) -> RegionSpec {
        RegionSpec {
            cloud: cloud.into(),
            name: name.into(),
            metro: name.into(),
            lat: 0.0,
            lon: 0.0,
            pue: 1.1,
            carbon_g_per_kwh: 100.0,
            provenance: prov(),
        }
    }

    /// First-tier prices of `data/clouds.csv`.
    fn prices() -> EgressPrices {
        EgressPrices::new(
            &[
                cloud("aws", 0.09, 0.02),
                cloud("azure", 0.087, 0.02),
                cloud("gcp", 0.12, 0.02),
                cloud("oci", 0.0085, 0.0),
            ],
            &[
                region("aws", "us-east-1"),    // 0
                region("aws", "us-west-2"),    // 1
                region("oci", "us-ashburn-1"), // 2
                region("gcp", "us-east4"),     // 3
            ],
        )
        .unwrap()
    }

    #[test]
    fn egress_price_by_path_kind() {
        let p = prices();
        let r = RegionId;
        assert_eq!(p.kind(r(0), r(0)), PathKind::SameRegion);
        assert_eq!(p.usd_per_gb(r(0), r(0)), 0.02);
        assert_eq!(p.kind(r(0), r(1)), PathKind::InterRegion);
        assert_eq!(p.usd_per_gb(r(0), r(1)), 0.02);
        assert_eq!(p.kind(r(0), r(2)), PathKind::InterCloud);
        // The sender pays its own internet egress: asymmetric across clouds.
        assert_eq!(p.usd_per_gb(r(0), r(2)), 0.09);
        assert_eq!(p.usd_per_gb(r(2), r(0)), 0.0085);
        assert_eq!(p.usd_per_gb(r(3), r(1)), 0.12);
        // 10 TB checkpoint AWS -> OCI: 10,000 GB x 0.09 = 900 USD.
        assert!((p.cost_usd(r(0), r(2), 10e12) - 900.0).abs() < 1e-9);
    }

    #[test]
    fn unknown_cloud_and_bad_price_are_reported() {
        let errs = EgressPrices::new(
            &[cloud("aws", -1.0, 0.02)],
            &[region("aws", "us-east-1"), region("asw", "x")],
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            errs[0].dotted_path(),
            "catalog.clouds.aws.egress_usd_per_gb"
        );
        assert_eq!(errs[1].dotted_path(), "catalog.regions.asw/x.cloud");
        assert_eq!(errs[1].suggestion.as_deref(), Some("aws"));
    }

    fn sites() -> Vec<(&'static str, RegionId)> {
        vec![
            ("aws-use1", RegionId(0)),
            ("aws-usw2", RegionId(1)),
            ("oci-ashburn", RegionId(2)),
            ("aws-use1-b", RegionId(0)),
        ]
    }

    fn link(a: &str, b: &str, gbit: f64, rtt_ms: Option<f64>) -> LinkSpec {
        LinkSpec {
            a: a.into(),
            b: b.into(),
            gbit,
            rtt_ms,
        }
    }

    #[test]
    fn default_bandwidth_with_symmetric_overrides() {
        let spec = NetworkSpec {
            wan_gbit_default: 400.0,
            links: vec![link("oci-ashburn", "aws-use1", 100.0, Some(1.5))],
        };
        let w = WanModel::new(&spec, &sites()).unwrap();
        assert_eq!(w.gbit(0, 1), 400.0);
        assert_eq!(w.gbit(0, 2), 100.0);
        assert_eq!(w.gbit(2, 0), 100.0);
        assert_eq!(w.rtt_override_ms(0, 2), Some(1.5));
        assert_eq!(w.rtt_override_ms(0, 1), None);
        assert_eq!(w.gbit(3, 3), f64::INFINITY);
        assert_eq!(w.default_gbit(), 400.0);
        assert_eq!(w.site_count(), 4);
    }

    #[test]
    fn path_combines_rtt_bandwidth_and_price() {
        let spec = NetworkSpec {
            wan_gbit_default: 400.0,
            links: vec![link("oci-ashburn", "aws-use1", 100.0, Some(1.5))],
        };
        let w = WanModel::new(&spec, &sites()).unwrap();
        let regions = [
            RegionSpec {
                lat: 39.04,
                lon: -77.49,
                ..region("aws", "us-east-1")
            },
            RegionSpec {
                lat: 45.84,
                lon: -119.7,
                ..region("aws", "us-west-2")
            },
            RegionSpec {
                lat: 39.04,
                lon: -77.49,
                ..region("oci", "us-ashburn-1")
            },
            RegionSpec {
                lat: 39.04,
                lon: -77.49,
                ..region("gcp", "us-east4")
            },
        ];
        let rtt = RttModel::new(&regions, &[]).unwrap();
        let p = prices();
        let over = w.path(0, 2, &rtt, &p);
        assert_eq!(over.rtt.basis, RttBasis::Scenario);
        assert_eq!(
            (over.rtt.ms, over.gbit, over.usd_per_gb),
            (1.5, 100.0, 0.09)
        );
        let cross = w.path(1, 0, &rtt, &p);
        assert_eq!(cross.rtt, rtt.rtt_ms(RegionId(1), RegionId(0)));
        assert_eq!((cross.gbit, cross.usd_per_gb), (400.0, 0.02));
        let same_region = w.path(0, 3, &rtt, &p);
        assert_eq!(same_region.rtt.basis, RttBasis::SameRegion);
        assert_eq!(same_region.usd_per_gb, 0.02);
        let same_site = w.path(3, 3, &rtt, &p);
        assert_eq!((same_site.gbit, same_site.usd_per_gb), (f64::INFINITY, 0.0));
        // 1 TB over the override: 2 x 1.5 ms + 8e12 / 100e9 s = 80.003 s; 90 USD.
        let t = over.transfer_time(1e12, &TransferParams::default());
        assert_eq!(t, SimDuration::from_nanos(80_003_000_000));
        assert!((over.transfer_usd(1e12) - 90.0).abs() < 1e-9);
    }

    #[test]
    fn bad_links_are_all_reported_with_suggestions() {
        let spec = NetworkSpec {
            wan_gbit_default: 0.0,
            links: vec![
                link("aws-use1", "oci-ashbrn", 100.0, None),
                link("aws-use1", "aws-use1", 100.0, None),
                link("aws-usw2", "aws-use1", f64::NAN, Some(-1.0)),
                link("aws-use1", "aws-usw2", 10.0, None),
            ],
        };
        let errs = WanModel::new(&spec, &sites()).unwrap_err();
        let paths: Vec<String> = errs.iter().map(ModelError::dotted_path).collect();
        assert_eq!(
            paths,
            [
                "network.wan_gbit_default",
                "network.links.0.b",
                "network.links.1.b",
                "network.links.2.gbit",
                "network.links.2.rtt_ms",
                "network.links.3.b",
            ]
        );
        assert_eq!(errs[1].suggestion.as_deref(), Some("oci-ashburn"));
        assert!(errs[5].message.contains("links.2"), "{}", errs[5]);
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(nearest("zzzz", ["aws", "gcp"].into_iter()), None);
    }
}
