//! The catalog's entry types, their ids, and the patches a scenario applies to them.

use std::fmt;

/// Index of an accelerator kind in its [`Catalog`](super::Catalog).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccelKindId(pub u16);

/// Index of a cloud in its catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CloudId(pub u16);

/// Index of a region in its catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionId(pub u16);

/// How far a value can be trusted (the `status` column of the catalog's `data/*.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DataStatus {
    /// Read in the cited primary source.
    Published,
    /// Read in a third-party page quoting or compiling the primary source.
    Secondary,
    /// Arithmetic on published values (the formula is in the source note).
    Derived,
    /// A judgement or physics-based approximation; override freely.
    Estimate,
    /// Given by the scenario file.
    Scenario,
}

impl fmt::Display for DataStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Published => "published",
            Self::Secondary => "secondary",
            Self::Derived => "derived",
            Self::Estimate => "estimate",
            Self::Scenario => "scenario",
        })
    }
}

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// How far to trust it.
    pub status: DataStatus,
    /// The source, as cited in the data file (or "scenario FILE").
    pub source: String,
}

/// One accelerator kind. Units as in `data/README.md`: HBM in TB/s, scale-up in
/// GB/s bidirectional per chip, scale-out in Gbit/s per chip; FLOP/s are dense.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceleratorSpec {
    /// Stable kebab-case key used in scenarios, e.g. `h100`, `trn2`, `tpu-v5p`.
    pub name: String,
    /// Human name, e.g. `NVIDIA H100 SXM 80GB`.
    pub display_name: String,
    /// Vendor, e.g. `NVIDIA`.
    pub vendor: String,
    /// Peak dense BF16 TFLOP/s per chip.
    pub bf16_tflops: f64,
    /// HBM capacity per chip, GB.
    pub hbm_gb: f64,
    /// HBM bandwidth per chip, TB/s.
    pub hbm_tbps: f64,
    /// Board power at full load (TDP), W.
    pub tdp_w: f64,
    /// Board power when idle, W.
    pub idle_w: f64,
    /// Server power per chip beyond the accelerator board (host CPUs, memory, NICs, fans)
    /// at full load, W; counts toward IT power.
    pub host_w_per_chip: f64,
    /// Scale-up (NVLink, NeuronLink, ICI) bandwidth per chip, GB/s bidirectional.
    pub scaleup_gbps: f64,
    /// Chips in one scale-up domain.
    pub scaleup_domain: u32,
    /// Scale-out NIC bandwidth per chip, Gbit/s.
    pub scaleout_gbit: f64,
    /// Chips per cloud instance (the usual node size), e.g. 8 for HGX, 16 for trn2.48xlarge.
    pub instance_chips: u32,
    /// Where the row comes from (the weakest status among its fields).
    pub provenance: Provenance,
}

/// One cloud provider.
#[derive(Clone, Debug, PartialEq)]
pub struct CloudSpec {
    /// Stable key, e.g. `aws`, `azure`, `gcp`, `oci`.
    pub name: String,
    /// Human name, e.g. `Amazon Web Services`.
    pub display_name: String,
    /// Internet egress price, first tier, USD per GB.
    pub egress_usd_per_gb: f64,
    /// Inter-region transfer price within this cloud, USD per GB.
    pub inter_region_usd_per_gb: f64,
    /// Where the prices come from.
    pub provenance: Provenance,
}

/// One region of a cloud.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionSpec {
    /// Cloud key.
    pub cloud: String,
    /// Region code, e.g. `us-east-1`.
    pub name: String,
    /// Metro, e.g. `Ashburn VA`; regions of different clouds in one metro share it.
    pub metro: String,
    /// Latitude of the metro, degrees.
    pub lat: f64,
    /// Longitude of the metro, degrees.
    pub lon: f64,
    /// Power usage effectiveness (facility power / IT power).
    pub pue: f64,
    /// Location-based grid carbon intensity, gCO2e per kWh.
    pub carbon_g_per_kwh: f64,
    /// Where the row comes from.
    pub provenance: Provenance,
}

/// A cloud selling an accelerator kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Offering {
    /// Cloud key.
    pub cloud: String,
    /// Accelerator key.
    pub accelerator: String,
    /// On-demand price per chip-hour, USD, if known.
    pub usd_per_chip_hour: Option<f64>,
    /// Where the price comes from.
    pub provenance: Provenance,
}

/// A measured round-trip time between two regions (`cloud/region` keys).
#[derive(Clone, Debug, PartialEq)]
pub struct MeasuredRtt {
    /// One end: (cloud, region).
    pub a: (String, String),
    /// The other end.
    pub b: (String, String),
    /// Round-trip time, ms.
    pub rtt_ms: f64,
    /// Statistic of the measurement (`p95`, `mean`, ...).
    pub statistic: String,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// Changes to one accelerator: set fields override, `None` keeps the catalog value. A new
/// accelerator needs every field except `idle_w` (estimated from TDP when absent).
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct AcceleratorPatch {
    pub display_name: Option<String>,
    pub vendor: Option<String>,
    pub bf16_tflops: Option<f64>,
    pub hbm_gb: Option<f64>,
    pub hbm_tbps: Option<f64>,
    pub tdp_w: Option<f64>,
    pub idle_w: Option<f64>,
    pub host_w_per_chip: Option<f64>,
    pub scaleup_gbps: Option<f64>,
    pub scaleup_domain: Option<u32>,
    pub scaleout_gbit: Option<f64>,
    pub instance_chips: Option<u32>,
}

/// Changes to one cloud (a new cloud needs every field).
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct CloudPatch {
    pub display_name: Option<String>,
    pub egress_usd_per_gb: Option<f64>,
    pub inter_region_usd_per_gb: Option<f64>,
    /// Accelerator keys this cloud offers, added to its offerings.
    pub offers: Option<Vec<String>>,
}

/// Changes to one region (a new region needs metro, lat, lon, pue and carbon).
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct RegionPatch {
    pub metro: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub pue: Option<f64>,
    pub carbon_g_per_kwh: Option<f64>,
}

/// Changes to one offering (adds it if the cloud did not offer the accelerator).
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct OfferingPatch {
    pub usd_per_chip_hour: Option<f64>,
}

/// Everything a scenario changes in the catalog, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CatalogOverrides {
    /// Accelerator key -> patch.
    pub accelerators: Vec<(String, AcceleratorPatch)>,
    /// Cloud key -> patch.
    pub clouds: Vec<(String, CloudPatch)>,
    /// (cloud, region) -> patch.
    pub regions: Vec<((String, String), RegionPatch)>,
    /// (cloud, accelerator) -> patch.
    pub offerings: Vec<((String, String), OfferingPatch)>,
    /// Accelerator key -> failure-rate factor ([`Catalog::failure_rate_factor`](super::Catalog::failure_rate_factor)),
    /// applied after the accelerators (so a kind added by the same overrides can have one).
    pub failure_rate_factors: Vec<(String, f64)>,
    /// Text naming the scenario, recorded as the provenance source of changed entries.
    pub source: String,
}
