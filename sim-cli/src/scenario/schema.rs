//! The scenario schema as data: every table, its keys, their types, ranges and defaults.
//!
//! The walker ([`super::walk`]) reads each value through these [`Field`]s, checks unknown
//! keys against these lists, and [`super::reference`] renders the same tables as
//! `docs/scenario-format.md`, so the reference cannot drift from the parser.

/// The type and range a value must have.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    /// A non-empty string.
    Str,
    /// A duration string such as `"6h"` (sim-core's duration grammar).
    Duration,
    /// An integer >= 0 (fits `u64`).
    NonNegativeInt,
    /// An integer >= 1 (fits `u32`).
    PositiveInt,
    /// An integer or float > 0.
    PositiveNumber,
    /// An integer or float >= 0.
    NonNegativeNumber,
    /// A power usage effectiveness: a number >= 1.
    Pue,
    /// An integer or float in `[min, max]`.
    Range(f64, f64),
    /// An array of non-empty strings.
    StrList,
}

impl Kind {
    /// "expected ..." wording, e.g. `a positive integer`.
    pub(crate) fn expected(self) -> String {
        match self {
            Kind::Str => "a non-empty string".to_owned(),
            Kind::Duration => "a duration string such as \"6h\", \"30m\" or \"90d\"".to_owned(),
            Kind::NonNegativeInt => "an integer >= 0".to_owned(),
            Kind::PositiveInt => "a positive integer (at least 1)".to_owned(),
            Kind::PositiveNumber => "a positive number (greater than 0)".to_owned(),
            Kind::NonNegativeNumber => "a number >= 0".to_owned(),
            Kind::Pue => "a PUE, a number >= 1.0 (facility power / IT power)".to_owned(),
            Kind::Range(lo, hi) => format!("a number from {lo} to {hi}"),
            Kind::StrList => "an array of non-empty strings".to_owned(),
        }
    }

    /// Short type column of the reference, e.g. `integer >= 1`.
    pub(crate) fn doc_type(self) -> String {
        match self {
            Kind::Str => "string".to_owned(),
            Kind::Duration => "duration".to_owned(),
            Kind::NonNegativeInt => "integer >= 0".to_owned(),
            Kind::PositiveInt => "integer >= 1".to_owned(),
            Kind::PositiveNumber => "number > 0".to_owned(),
            Kind::NonNegativeNumber => "number >= 0".to_owned(),
            Kind::Pue => "number >= 1".to_owned(),
            Kind::Range(lo, hi) => format!("number in [{lo}, {hi}]"),
            Kind::StrList => "array of strings".to_owned(),
        }
    }
}

/// Whether a key must be given, and what its absence means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Presence {
    /// Missing is an error.
    Required,
    /// May be absent; the text says what absence means (e.g. "the region's PUE").
    Optional(&'static str),
    /// May be absent; the text is the value used then, as written in TOML (e.g. `4`).
    Default(&'static str),
}

/// One key of a table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Field {
    /// The key.
    pub(crate) key: &'static str,
    /// Its type and range.
    pub(crate) kind: Kind,
    /// Required, optional or defaulted.
    pub(crate) presence: Presence,
    /// One line of meaning, with units.
    pub(crate) doc: &'static str,
}

/// One kind of table of the file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Table {
    /// How its header is written, e.g. `[sites.<site>]`.
    pub(crate) header: &'static str,
    /// Whether and how often it appears, and what it describes.
    pub(crate) doc: &'static str,
    /// Its keys.
    pub(crate) fields: &'static [Field],
    /// Keys that hold sub-tables (documented as their own [`Table`]).
    pub(crate) children: &'static [&'static str],
}

impl Table {
    /// Every key allowed directly in this table, fields first.
    pub(crate) fn keys(&self) -> Vec<&'static str> {
        self.fields
            .iter()
            .map(|f| f.key)
            .chain(self.children.iter().copied())
            .collect()
    }
}

const fn req(key: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        key,
        kind,
        presence: Presence::Required,
        doc,
    }
}

const fn opt(key: &'static str, kind: Kind, absent: &'static str, doc: &'static str) -> Field {
    Field {
        key,
        kind,
        presence: Presence::Optional(absent),
        doc,
    }
}

const fn def(key: &'static str, kind: Kind, default: &'static str, doc: &'static str) -> Field {
    Field {
        key,
        kind,
        presence: Presence::Default(default),
        doc,
    }
}

/// The top-level tables a scenario may contain today.
pub(crate) const TOP_LEVEL: &[&str] = &["sim", "network", "sites", "catalog"];

/// Top-level sections kept for later releases: (key, what is not simulated yet).
/// Writing one is an error, never silently ignored.
pub(crate) const RESERVED: &[(&str, &str)] = &[
    ("power", "power draw, capping and throttling are"),
    ("failures", "failures are"),
    ("outages", "outages are"),
    ("workloads", "workloads are"),
    ("training", "training jobs are"),
    ("inference", "inference services are"),
    ("policies", "placement, failover and power policies are"),
];

/// `[sim]`.
pub(crate) mod sim {
    use super::*;

    /// `name`.
    pub(crate) const NAME: Field = opt(
        "name",
        Kind::Str,
        "unnamed",
        "Name of the study, shown in outputs.",
    );
    /// `horizon`.
    pub(crate) const HORIZON: Field = req(
        "horizon",
        Kind::Duration,
        "Simulated time span of one run; must be longer than `0s`.",
    );
    /// `seed`.
    pub(crate) const SEED: Field = req(
        "seed",
        Kind::NonNegativeInt,
        "Master seed; every random stream derives from it and a stable stream key.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[sim]",
        doc: "Required, once. What to run.",
        fields: &[NAME, HORIZON, SEED],
        children: &[],
    };
}

/// `[network]` and `[[network.links]]`.
pub(crate) mod network {
    use super::*;

    /// The WAN bandwidth used when `[network]` or its `wan_gbit_default` is absent.
    pub(crate) const DEFAULT_WAN_GBIT: f64 = 100.0;

    /// `wan_gbit_default`.
    pub(crate) const WAN_GBIT_DEFAULT: Field = def(
        "wan_gbit_default",
        Kind::PositiveNumber,
        "100",
        "WAN bandwidth between two sites in different regions, Gbit/s, unless a link says otherwise.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[network]",
        doc: "Optional, once. Wide-area network settings.",
        fields: &[WAN_GBIT_DEFAULT],
        children: &["links"],
    };

    /// `a`.
    pub(crate) const A: Field = req("a", Kind::Str, "One end: a site key of this file.");
    /// `b`.
    pub(crate) const B: Field = req(
        "b",
        Kind::Str,
        "The other end: another site key of this file.",
    );
    /// `gbit`.
    pub(crate) const GBIT: Field = req(
        "gbit",
        Kind::PositiveNumber,
        "Bandwidth between the two sites, Gbit/s.",
    );
    /// `rtt_ms`.
    pub(crate) const RTT_MS: Field = opt(
        "rtt_ms",
        Kind::PositiveNumber,
        "measured or estimated from the regions",
        "Round-trip time between the two sites, ms.",
    );
    /// The array-of-tables element.
    pub(crate) const LINK: Table = Table {
        header: "[[network.links]]",
        doc: "Optional, any number. A bandwidth (and RTT) override between two sites; \
              at most one link per pair of sites, in either order.",
        fields: &[A, B, GBIT, RTT_MS],
        children: &[],
    };
}

/// `[sites.<site>]` and `[sites.<site>.clusters.<cluster>]`.
pub(crate) mod site {
    use super::*;

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
        "\"0s\"",
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
        "4",
        "Nodes per rack (a failure domain).",
    );
    /// `scaleup_domain`.
    pub(crate) const SCALEUP_DOMAIN: Field = opt(
        "scaleup_domain",
        Kind::PositiveInt,
        "the accelerator's",
        "Chips per scale-up domain (NVLink, NeuronLink, ICI).",
    );
    /// The table.
    pub(crate) const CLUSTER: Table = Table {
        header: "[sites.<site>.clusters.<cluster>]",
        doc: "Required, at least one per site. Accelerators of one kind. The table name is \
              the cluster key, unique within its site.",
        fields: &[ACCELERATOR, COUNT, NODE_SIZE, RACK_NODES, SCALEUP_DOMAIN],
        children: &[],
    };
}

/// `[catalog.*]`: patches to the built-in catalog.
pub(crate) mod catalog {
    use super::*;

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
}

/// Every table, in the order of the reference.
pub(crate) const TABLES: &[Table] = &[
    sim::TABLE,
    network::TABLE,
    network::LINK,
    site::SITE,
    site::CLUSTER,
    catalog::TABLE,
    catalog::ACCELERATOR,
    catalog::CLOUD,
    catalog::REGION,
    catalog::OFFERING,
];
