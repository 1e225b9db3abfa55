//! `[catalog.*]`: patches to the built-in hardware catalog.

use sim_models::catalog::{
    AcceleratorPatch, CatalogOverrides, CloudPatch, OfferingPatch, RegionPatch,
};
use toml::de::DeTable;

use crate::scenario::schema::{Field, Kind, Table, opt};
use crate::scenario::walk::{Walker, join};

const KEEP: &str = "keeps the catalog value";

/// `[catalog]` itself.
pub(crate) const TABLE: Table = Table {
    header: "[catalog]",
    doc: "Optional. Changes to the built-in hardware catalog (`fabricsim catalog` lists \
          it): patch any field of an existing entry, or add an entry by giving a new key.",
    fields: &[],
    children: &["accelerators", "clouds", "regions", "offerings"],
};

/// `display_name`.
pub(crate) const DISPLAY_NAME: Field = opt("display_name", Kind::Str, KEEP, "Human name.");
/// `vendor`.
pub(crate) const VENDOR: Field = opt("vendor", Kind::Str, KEEP, "Vendor, e.g. `NVIDIA`.");
/// `bf16_tflops`.
pub(crate) const BF16_TFLOPS: Field = opt(
    "bf16_tflops",
    Kind::PositiveNumber,
    KEEP,
    "Peak dense BF16 TFLOP/s per chip.",
);
/// `hbm_gb`.
pub(crate) const HBM_GB: Field = opt(
    "hbm_gb",
    Kind::PositiveNumber,
    KEEP,
    "HBM capacity per chip, GB.",
);
/// `hbm_tbps`.
pub(crate) const HBM_TBPS: Field = opt(
    "hbm_tbps",
    Kind::PositiveNumber,
    KEEP,
    "HBM bandwidth per chip, TB/s.",
);
/// `tdp_w`.
pub(crate) const TDP_W: Field = opt(
    "tdp_w",
    Kind::PositiveNumber,
    KEEP,
    "Board power at full load, W.",
);
/// `idle_w`.
pub(crate) const IDLE_W: Field = opt(
    "idle_w",
    Kind::NonNegativeNumber,
    "keeps the catalog value; a new accelerator estimates it from `tdp_w`",
    "Board power when idle, W.",
);
/// `host_w_per_chip`.
pub(crate) const HOST_W_PER_CHIP: Field = opt(
    "host_w_per_chip",
    Kind::NonNegativeNumber,
    KEEP,
    "Server power per chip beyond the board (CPUs, memory, NICs, fans) at full load, W.",
);
/// `scaleup_gbps`.
pub(crate) const SCALEUP_GBPS: Field = opt(
    "scaleup_gbps",
    Kind::NonNegativeNumber,
    KEEP,
    "Scale-up bandwidth per chip, GB/s bidirectional.",
);
/// `scaleup_domain`.
pub(crate) const SCALEUP_DOMAIN: Field = opt(
    "scaleup_domain",
    Kind::PositiveInt,
    KEEP,
    "Chips in one scale-up domain.",
);
/// `scaleout_gbit`.
pub(crate) const SCALEOUT_GBIT: Field = opt(
    "scaleout_gbit",
    Kind::PositiveNumber,
    KEEP,
    "Scale-out NIC bandwidth per chip, Gbit/s.",
);
/// `instance_chips`.
pub(crate) const INSTANCE_CHIPS: Field = opt(
    "instance_chips",
    Kind::PositiveInt,
    KEEP,
    "Chips per cloud instance (the usual node size).",
);
/// `failure_rate_factor`.
pub(crate) const FAILURE_RATE_FACTOR: Field = opt(
    "failure_rate_factor",
    Kind::NonNegativeNumber,
    "the catalog's factor (`sim-models/data/failure_kind_factors.csv`; 1 for a new kind)",
    "Multiplies the failure model's accelerator-scope rates (the GPU package) on this \
     kind; H100 = 1, B200 and GB200 = 1.191 (Lablup's B200 report against Llama 3).",
);
/// `[catalog.accelerators.<accelerator>]`.
pub(crate) const ACCELERATOR: Table = Table {
    header: "[catalog.accelerators.<accelerator>]",
    doc: "A patch to an accelerator kind, or a new one (which needs every key except \
          `idle_w`).",
    fields: &[
        DISPLAY_NAME,
        VENDOR,
        BF16_TFLOPS,
        HBM_GB,
        HBM_TBPS,
        TDP_W,
        IDLE_W,
        HOST_W_PER_CHIP,
        SCALEUP_GBPS,
        SCALEUP_DOMAIN,
        SCALEOUT_GBIT,
        INSTANCE_CHIPS,
        FAILURE_RATE_FACTOR,
    ],
    children: &[],
};

/// `egress_usd_per_gb`.
pub(crate) const EGRESS_USD_PER_GB: Field = opt(
    "egress_usd_per_gb",
    Kind::NonNegativeNumber,
    KEEP,
    "Internet egress price, first tier, USD per GB.",
);
/// `inter_region_usd_per_gb`.
pub(crate) const INTER_REGION_USD_PER_GB: Field = opt(
    "inter_region_usd_per_gb",
    Kind::NonNegativeNumber,
    KEEP,
    "Transfer price between two regions of this cloud, USD per GB.",
);
/// `offers`.
pub(crate) const OFFERS: Field = opt(
    "offers",
    Kind::StrList,
    "adds no offerings",
    "Accelerator keys this cloud sells, added to its offerings (no price).",
);
/// `[catalog.clouds.<cloud>]`.
pub(crate) const CLOUD: Table = Table {
    header: "[catalog.clouds.<cloud>]",
    doc: "A patch to a cloud, or a new cloud (which needs `display_name` and both prices).",
    fields: &[
        DISPLAY_NAME,
        EGRESS_USD_PER_GB,
        INTER_REGION_USD_PER_GB,
        OFFERS,
    ],
    children: &[],
};

/// `metro`.
pub(crate) const METRO: Field = opt(
    "metro",
    Kind::Str,
    KEEP,
    "Metro area, e.g. `Ashburn VA`; regions of different clouds in one metro share it.",
);
/// `lat`.
pub(crate) const LAT: Field = opt(
    "lat",
    Kind::Range(-90.0, 90.0),
    KEEP,
    "Latitude of the metro, degrees.",
);
/// `lon`.
pub(crate) const LON: Field = opt(
    "lon",
    Kind::Range(-180.0, 180.0),
    KEEP,
    "Longitude of the metro, degrees.",
);
/// `pue`.
pub(crate) const PUE: Field = opt("pue", Kind::Pue, KEEP, "Power usage effectiveness.");
/// `carbon_g_per_kwh`.
pub(crate) const CARBON_G_PER_KWH: Field = opt(
    "carbon_g_per_kwh",
    Kind::NonNegativeNumber,
    KEEP,
    "Location-based grid carbon intensity, gCO2e per kWh.",
);
/// `[catalog.regions.<cloud>.<region>]`.
pub(crate) const REGION: Table = Table {
    header: "[catalog.regions.<cloud>.<region>]",
    doc: "A patch to a region of a cloud, or a new region (which needs every key).",
    fields: &[METRO, LAT, LON, PUE, CARBON_G_PER_KWH],
    children: &[],
};

/// `usd_per_chip_hour`.
pub(crate) const USD_PER_CHIP_HOUR: Field = opt(
    "usd_per_chip_hour",
    Kind::NonNegativeNumber,
    "keeps the catalog price (none for a new offering)",
    "On-demand price per chip-hour, USD.",
);
/// `[catalog.offerings.<cloud>.<accelerator>]`.
pub(crate) const OFFERING: Table = Table {
    header: "[catalog.offerings.<cloud>.<accelerator>]",
    doc: "A cloud selling an accelerator: changes the price, or adds the offering if \
          the cloud did not sell it.",
    fields: &[USD_PER_CHIP_HOUR],
    children: &[],
};

impl Walker {
    /// `[catalog]` (the table `t`): its patches, in file order.
    pub(crate) fn catalog(&mut self, t: &DeTable<'_>) -> CatalogOverrides {
        let path = vec!["catalog".to_owned()];
        self.check_keys(t, &path, &TABLE);
        let mut out = CatalogOverrides::default();
        if let Some(v) = t.get("accelerators") {
            let p = join(&path, "accelerators");
            for (name, t, p) in self.named(v, &p, ACCELERATOR.header, "accelerator") {
                let patch = self.accelerator_patch(t, &p);
                if let Some(x) = self.number(t, &p, &FAILURE_RATE_FACTOR) {
                    out.failure_rate_factors.push((name.clone(), x));
                }
                out.accelerators.push((name, patch));
            }
        }
        if let Some(v) = t.get("clouds") {
            let p = join(&path, "clouds");
            for (name, t, p) in self.named(v, &p, CLOUD.header, "cloud") {
                self.check_keys(t, &p, &CLOUD);
                let patch = CloudPatch {
                    display_name: self.str(t, &p, &DISPLAY_NAME),
                    egress_usd_per_gb: self.number(t, &p, &EGRESS_USD_PER_GB),
                    inter_region_usd_per_gb: self.number(t, &p, &INTER_REGION_USD_PER_GB),
                    offers: self.str_list(t, &p, &OFFERS),
                };
                out.clouds.push((name, patch));
            }
        }
        if let Some(v) = t.get("regions") {
            let p = join(&path, "regions");
            for (cloud, t, p) in self.named(v, &p, "[catalog.regions.<cloud>]", "cloud") {
                for (region, t, p) in self.tables_in(t, &p, REGION.header, "region") {
                    self.check_keys(t, &p, &REGION);
                    let patch = RegionPatch {
                        metro: self.str(t, &p, &METRO),
                        lat: self.number(t, &p, &LAT),
                        lon: self.number(t, &p, &LON),
                        pue: self.number(t, &p, &PUE),
                        carbon_g_per_kwh: self.number(t, &p, &CARBON_G_PER_KWH),
                    };
                    out.regions.push(((cloud.clone(), region), patch));
                }
            }
        }
        if let Some(v) = t.get("offerings") {
            let p = join(&path, "offerings");
            for (cloud, t, p) in self.named(v, &p, "[catalog.offerings.<cloud>]", "cloud") {
                for (accel, t, p) in self.tables_in(t, &p, OFFERING.header, "accelerator") {
                    self.check_keys(t, &p, &OFFERING);
                    let patch = OfferingPatch {
                        usd_per_chip_hour: self.number(t, &p, &USD_PER_CHIP_HOUR),
                    };
                    out.offerings.push(((cloud.clone(), accel), patch));
                }
            }
        }
        out
    }

    /// One `[catalog.accelerators.<accelerator>]` table (without `failure_rate_factor`).
    pub(crate) fn accelerator_patch(&mut self, t: &DeTable<'_>, p: &[String]) -> AcceleratorPatch {
        self.check_keys(t, p, &ACCELERATOR);
        AcceleratorPatch {
            display_name: self.str(t, p, &DISPLAY_NAME),
            vendor: self.str(t, p, &VENDOR),
            bf16_tflops: self.number(t, p, &BF16_TFLOPS),
            hbm_gb: self.number(t, p, &HBM_GB),
            hbm_tbps: self.number(t, p, &HBM_TBPS),
            tdp_w: self.number(t, p, &TDP_W),
            idle_w: self.number(t, p, &IDLE_W),
            host_w_per_chip: self.number(t, p, &HOST_W_PER_CHIP),
            scaleup_gbps: self.number(t, p, &SCALEUP_GBPS),
            scaleup_domain: self.u32(t, p, &SCALEUP_DOMAIN),
            scaleout_gbit: self.number(t, p, &SCALEOUT_GBIT),
            instance_chips: self.u32(t, p, &INSTANCE_CHIPS),
        }
    }
}
