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
    /// A duration string longer than `0s`.
    PositiveDuration,
    /// Any integer that fits `i32`.
    Int,
    /// `true` or `false`.
    Bool,
    /// An integer or float in `(0, 1]`.
    Fraction,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An array of `[accelerators, weight]` pairs: an integer >= 1 and a number >= 0.
    SizeTable,
    /// An integer or float in `[0, 1)`.
    FractionBelowOne,
    /// A non-empty array of numbers >= 0 (integers accepted).
    Profile,
    /// An array of exactly this many numbers >= 0 (integers accepted).
    Multipliers(usize),
    /// An integer or float in `[0, 24)`.
    HourOfDay,
    /// An integer or float >= 1.
    AtLeastOne,
    /// A non-empty array of integers >= 1 (fits `u32`).
    TokenCounts,
    /// A token-length distribution: a preset name or an inline table `{ dist = ... }`.
    TokenDist,
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
            Kind::PositiveDuration => {
                "a duration longer than 0s, such as \"6h\", \"30m\" or \"90d\"".to_owned()
            }
            Kind::Int => "an integer".to_owned(),
            Kind::Bool => "a boolean (true or false)".to_owned(),
            Kind::Fraction => "a number greater than 0 and at most 1".to_owned(),
            Kind::OneOf(names) => format!("one of {}", quoted(names)),
            Kind::SizeTable => "an array of [accelerators, weight] pairs such as \
                                [[8, 0.6], [64, 0.4]]"
                .to_owned(),
            Kind::FractionBelowOne => "a number >= 0 and less than 1".to_owned(),
            Kind::Profile => "a non-empty array of numbers >= 0".to_owned(),
            Kind::Multipliers(n) => format!("an array of exactly {n} numbers >= 0"),
            Kind::HourOfDay => "an hour of the day, a number >= 0 and less than 24".to_owned(),
            Kind::AtLeastOne => "a number >= 1".to_owned(),
            Kind::TokenCounts => "a non-empty array of integers >= 1".to_owned(),
            Kind::TokenDist => format!(
                "a preset name ({}) or an inline table such as {{ dist = \"lognormal\", \
                 median = 129, p90 = 424, max = 1000 }}",
                quoted(serving::TOKEN_PRESETS)
            ),
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
            Kind::PositiveDuration => "duration > 0".to_owned(),
            Kind::Int => "integer".to_owned(),
            Kind::Bool => "boolean".to_owned(),
            Kind::Fraction => "number in (0, 1]".to_owned(),
            Kind::OneOf(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("`\"{n}\"`")).collect();
                names.join(", ")
            }
            Kind::SizeTable => "array of `[integer >= 1, number >= 0]`".to_owned(),
            Kind::FractionBelowOne => "number in [0, 1)".to_owned(),
            Kind::Profile => "non-empty array of numbers >= 0".to_owned(),
            Kind::Multipliers(n) => format!("array of {n} numbers >= 0"),
            Kind::HourOfDay => "number in [0, 24)".to_owned(),
            Kind::AtLeastOne => "number >= 1".to_owned(),
            Kind::TokenCounts => "non-empty array of integers >= 1".to_owned(),
            Kind::TokenDist => {
                let names: Vec<String> = serving::TOKEN_PRESETS
                    .iter()
                    .map(|n| format!("`\"{n}\"`"))
                    .collect();
                format!("{} or inline table", names.join(", "))
            }
        }
    }
}

/// `"a", "b" or "c"`.
fn quoted(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
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
pub(crate) const TOP_LEVEL: &[&str] = &[
    "sim",
    "network",
    "sites",
    "buildouts",
    "catalog",
    "jobs",
    "job_generators",
    "failures",
    "policy",
    "outages",
    "background_outages",
    "maintenance",
    "power",
    "curtailments",
    "random_curtailments",
    "grid_outages",
    "commitments",
    "carbon",
    "serving",
    "services",
    "partitions",
    "random_partitions",
];

/// Top-level sections kept for later releases: (key, what is not simulated yet).
/// Writing one is an error, never silently ignored. None today: `[policy]` took the place
/// of the `[policies]` section once reserved (`policies` now gets a "did you mean").
pub(crate) const RESERVED: &[(&str, &str)] = &[];

/// Top-level keys too far from their section's name for a "did you mean" by spelling:
/// (written, meant).
pub(crate) const RENAMED: &[(&str, &str)] = &[("policies", "policy")];

pub(crate) mod serving;

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
    /// `online_from` of a cluster.
    pub(crate) const CLUSTER_ONLINE_FROM: Field = def(
        "online_from",
        Kind::Duration,
        "\"0s\"",
        "When the cluster comes online, from the start (capacity growth); before that it \
         cannot run work and draws no power. The site's `online_from` applies too.",
    );
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
}

/// `[[buildouts]]`: capacity added at a rate.
pub(crate) mod buildout {
    use super::*;

    /// `site`.
    pub(crate) const SITE: Field = req("site", Kind::Str, "The site key that grows.");
    /// `accelerator`.
    pub(crate) const ACCELERATOR: Field = req(
        "accelerator",
        Kind::Str,
        "Accelerator key of the added clusters; the site's cloud must offer it.",
    );
    /// `mw_per_week`.
    pub(crate) const MW_PER_WEEK: Field = req(
        "mw_per_week",
        Kind::PositiveNumber,
        "Facility power added per week, MW (chips at full load with host share and PUE).",
    );
    /// `start`.
    pub(crate) const START: Field = def(
        "start",
        Kind::Duration,
        "\"0s\"",
        "When the first weekly cluster comes online.",
    );
    /// `until`.
    pub(crate) const UNTIL: Field = req(
        "until",
        Kind::PositiveDuration,
        "No cluster comes online at or after this time.",
    );
    /// `node_size`.
    pub(crate) const NODE_SIZE: Field = opt(
        "node_size",
        Kind::PositiveInt,
        "the accelerator's usual instance size",
        "Accelerators per node.",
    );
    /// `rack_nodes`.
    pub(crate) const RACK_NODES: Field =
        def("rack_nodes", Kind::PositiveInt, "4", "Nodes per rack.");
    /// The array-of-tables element.
    pub(crate) const TABLE: Table = Table {
        header: "[[buildouts]]",
        doc: "Optional, any number. A buildout adds one cluster per week to a site, each worth \
              `mw_per_week` of facility power, from `start` until `until`; the site's cap \
              grows by what is built.",
        fields: &[
            SITE,
            ACCELERATOR,
            MW_PER_WEEK,
            START,
            UNTIL,
            NODE_SIZE,
            RACK_NODES,
        ],
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
}

/// `[jobs.<job>]`: one training job each.
pub(crate) mod job {
    use super::*;

    /// `params`.
    pub(crate) const PARAMS: Field = req(
        "params",
        Kind::PositiveNumber,
        "Model parameters, e.g. `405e9`.",
    );
    /// `tokens`.
    pub(crate) const TOKENS: Field = opt(
        "tokens",
        Kind::PositiveNumber,
        "give `duration` instead",
        "Token budget: the job needs `6 × params × tokens` FLOPs. Exactly one of `tokens` \
         and `duration`.",
    );
    /// `duration`.
    pub(crate) const DURATION: Field = opt(
        "duration",
        Kind::PositiveDuration,
        "give `tokens` instead",
        "Useful compute time the job needs, whatever its rate. Exactly one of `tokens` and \
         `duration`.",
    );
    /// `accelerators`.
    pub(crate) const ACCELERATORS: Field = req(
        "accelerators",
        Kind::PositiveInt,
        "Accelerators the job runs on, gang-scheduled (all or none).",
    );
    /// `kinds`.
    pub(crate) const KINDS: Field = opt(
        "kinds",
        Kind::StrList,
        "any kind",
        "Accelerator keys the job may run on, e.g. `[\"h100\", \"h200\"]`.",
    );
    /// `mfu`.
    pub(crate) const MFU: Field = opt(
        "mfu",
        Kind::Fraction,
        "0.4 (Llama 3)",
        "Model FLOP utilisation.",
    );
    /// `checkpoint_interval`.
    pub(crate) const CHECKPOINT_INTERVAL: Field = def(
        "checkpoint_interval",
        Kind::Duration,
        "\"30m\"",
        "Compute time between checkpoints.",
    );
    /// `checkpoint_cost`.
    pub(crate) const CHECKPOINT_COST: Field = opt(
        "checkpoint_cost",
        Kind::Duration,
        "`checkpoint_bytes` written at `storage_gbit`",
        "Time one checkpoint blocks training. Not with `checkpoint_bytes` or `storage_gbit`.",
    );
    /// `checkpoint_bytes`.
    pub(crate) const CHECKPOINT_BYTES: Field = opt(
        "checkpoint_bytes",
        Kind::PositiveNumber,
        "the full training state, 16 bytes per parameter",
        "Checkpoint size, bytes.",
    );
    /// `storage_gbit`.
    pub(crate) const STORAGE_GBIT: Field = def(
        "storage_gbit",
        Kind::PositiveNumber,
        "16000",
        "Storage write bandwidth available for checkpoints, Gbit/s.",
    );
    /// `restart_overhead`.
    pub(crate) const RESTART_OVERHEAD: Field = def(
        "restart_overhead",
        Kind::Duration,
        "\"10m\"",
        "Time from each (re)start to the first useful step: rescheduling, loading the last \
         checkpoint, warm-up.",
    );
    /// `priority`.
    pub(crate) const PRIORITY: Field = def(
        "priority",
        Kind::Int,
        "0",
        "Scheduling priority; higher goes first.",
    );
    /// `arrival`.
    pub(crate) const ARRIVAL: Field = def(
        "arrival",
        Kind::Duration,
        "\"0s\"",
        "When the job is submitted, as a duration since the start.",
    );
    /// `multi_site`.
    pub(crate) const MULTI_SITE: Field = def(
        "multi_site",
        Kind::Bool,
        "false",
        "Whether the job may span sites and clouds (paying a cross-site sync every step).",
    );
    /// `global_batch_tokens`.
    pub(crate) const GLOBAL_BATCH_TOKENS: Field = opt(
        "global_batch_tokens",
        Kind::PositiveNumber,
        "16777216 (16M)",
        "Tokens per optimiser step, for the per-step communication model.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[jobs.<job>]",
        doc: "Optional, any number. A synchronous training job. The table name is the job \
              name. Accelerator kinds are checked against the catalog when the run is built.",
        fields: &[
            PARAMS,
            TOKENS,
            DURATION,
            ACCELERATORS,
            KINDS,
            MFU,
            CHECKPOINT_INTERVAL,
            CHECKPOINT_COST,
            CHECKPOINT_BYTES,
            STORAGE_GBIT,
            RESTART_OVERHEAD,
            PRIORITY,
            ARRIVAL,
            MULTI_SITE,
            GLOBAL_BATCH_TOKENS,
        ],
        children: &[],
    };
}

/// `[job_generators.<prefix>]`: Poisson arrivals of jobs from a recipe.
pub(crate) mod generator {
    use super::job::*;
    use super::*;

    /// `mean_interarrival`.
    pub(crate) const MEAN_INTERARRIVAL: Field = req(
        "mean_interarrival",
        Kind::PositiveDuration,
        "Mean time between arrivals (a Poisson process).",
    );
    /// `sizes`.
    pub(crate) const SIZES: Field = req(
        "sizes",
        Kind::SizeTable,
        "Accelerators per job and their weights, e.g. `[[8, 0.6], [64, 0.3], [512, 0.1]]`.",
    );
    /// `tokens`.
    pub(crate) const TOKENS: Field = opt(
        "tokens",
        Kind::PositiveNumber,
        "another work key",
        "Every job trains on this many tokens. Exactly one work form: `tokens`, \
         `tokens_median` + `tokens_p90`, `duration`, or `duration_median` + `duration_p90`.",
    );
    /// `tokens_median`.
    pub(crate) const TOKENS_MEDIAN: Field = opt(
        "tokens_median",
        Kind::PositiveNumber,
        "another work key",
        "Median token budget of a log-normal, with `tokens_p90`.",
    );
    /// `tokens_p90`.
    pub(crate) const TOKENS_P90: Field = opt(
        "tokens_p90",
        Kind::PositiveNumber,
        "another work key",
        "90th percentile of the token budget, above `tokens_median`.",
    );
    /// `duration`.
    pub(crate) const DURATION: Field = opt(
        "duration",
        Kind::PositiveDuration,
        "another work key",
        "Every job needs this much useful compute time.",
    );
    /// `duration_median`.
    pub(crate) const DURATION_MEDIAN: Field = opt(
        "duration_median",
        Kind::PositiveDuration,
        "another work key",
        "Median useful compute time of a log-normal, with `duration_p90`.",
    );
    /// `duration_p90`.
    pub(crate) const DURATION_P90: Field = opt(
        "duration_p90",
        Kind::PositiveDuration,
        "another work key",
        "90th percentile of the useful compute time, above `duration_median`.",
    );
    /// `arrival`.
    pub(crate) const ARRIVAL: Field = def(
        "arrival",
        Kind::Duration,
        "\"0s\"",
        "When the arrival process starts, as a duration since the start.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[job_generators.<prefix>]",
        doc: "Optional, any number. Training jobs arriving at random: jobs are named \
              `<prefix>-0001`, `<prefix>-0002`, ...; their size and work are drawn, every \
              other key is as in `[jobs.<job>]`.",
        fields: &[
            MEAN_INTERARRIVAL,
            SIZES,
            TOKENS,
            TOKENS_MEDIAN,
            TOKENS_P90,
            DURATION,
            DURATION_MEDIAN,
            DURATION_P90,
            PARAMS,
            KINDS,
            MFU,
            CHECKPOINT_INTERVAL,
            CHECKPOINT_COST,
            CHECKPOINT_BYTES,
            STORAGE_GBIT,
            RESTART_OVERHEAD,
            PRIORITY,
            ARRIVAL,
            MULTI_SITE,
            GLOBAL_BATCH_TOKENS,
        ],
        children: &[],
    };
}

/// `[failures]` and `[failures.categories.<category>]`.
pub(crate) mod failures {
    use super::*;

    /// `model`.
    pub(crate) const MODEL: Field = def(
        "model",
        Kind::Str,
        "\"none\"",
        "Failure model by name: `none`, `llama3-h100` or one a plug-in binary registers \
         (see [Models](#models); checked when the run is built).",
    );
    /// `rate_scale`.
    pub(crate) const RATE_SCALE: Field = def(
        "rate_scale",
        Kind::NonNegativeNumber,
        "1",
        "Multiplies every failure rate; `0` turns failures off.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[failures]",
        doc: "Optional, once. Random component failures; none when absent.",
        fields: &[MODEL, RATE_SCALE],
        children: &["categories", "params"],
    };
    /// The table.
    pub(crate) const PARAMS: Table = Table {
        header: "[failures.params]",
        doc: "Optional, once. Parameters of the failure model, passed to it as written: \
              numbers, strings and tables of them. The built-in models take none; an \
              unknown or invalid parameter is reported here.",
        fields: &[],
        children: &[],
    };

    /// Scope names, as `FailureScope::name` spells them.
    pub(crate) const SCOPES: &[&str] = &["accelerator", "node", "rack"];
    /// `scope`.
    pub(crate) const SCOPE: Field = req(
        "scope",
        Kind::OneOf(SCOPES),
        "What one failure takes down: the accelerator, its node or its rack.",
    );
    /// `rate_per_accel_hour`.
    pub(crate) const RATE_PER_ACCEL_HOUR: Field = req(
        "rate_per_accel_hour",
        Kind::NonNegativeNumber,
        "Failures per accelerator-hour.",
    );
    /// `ttf_shape`.
    pub(crate) const TTF_SHAPE: Field = opt(
        "ttf_shape",
        Kind::PositiveNumber,
        "1: exponential times to failure",
        "Weibull shape of the time to failure (below 1: infant mortality, above 1: \
         wear-out); the scale keeps the mean at 1 / rate. Simulated as one renewal timer \
         per node.",
    );
    /// `repair`.
    pub(crate) const REPAIR: Field = opt(
        "repair",
        Kind::Duration,
        "give `repair_median` and `repair_p90`",
        "Constant time to repair.",
    );
    /// `repair_median`.
    pub(crate) const REPAIR_MEDIAN: Field = opt(
        "repair_median",
        Kind::PositiveDuration,
        "give `repair`",
        "Median time to repair of a log-normal, with `repair_p90`.",
    );
    /// `repair_p90`.
    pub(crate) const REPAIR_P90: Field = opt(
        "repair_p90",
        Kind::PositiveDuration,
        "give `repair`",
        "90th percentile of the time to repair, above `repair_median`.",
    );
    /// The table.
    pub(crate) const CATEGORY: Table = Table {
        header: "[failures.categories.<category>]",
        doc: "Optional, any number. A failure category; one named like a category of the \
              model replaces it, any other is added. Exactly one of `repair` and \
              `repair_median` + `repair_p90`.",
        fields: &[
            SCOPE,
            RATE_PER_ACCEL_HOUR,
            TTF_SHAPE,
            REPAIR,
            REPAIR_MEDIAN,
            REPAIR_P90,
        ],
        children: &[],
    };
}

/// `[policy]`, `[policy.placement_params]` and `[policy.failover_params]`.
pub(crate) mod policy {
    use super::*;

    /// Default of `placement`.
    pub(crate) const DEFAULT_PLACEMENT: &str = "first-fit";
    /// Default of `failover`.
    pub(crate) const DEFAULT_FAILOVER: &str = "restart";
    /// Default of `decision_options`.
    pub(crate) const DEFAULT_DECISION_OPTIONS: usize = 8;

    /// `placement`.
    pub(crate) const PLACEMENT: Field = def(
        "placement",
        Kind::Str,
        "\"first-fit\"",
        "Where jobs (and replicas without a fixed cluster) go: a placement policy by name \
         (see [Models](#models)).",
    );
    /// `failover`.
    pub(crate) const FAILOVER: Field = def(
        "failover",
        Kind::Str,
        "\"restart\"",
        "What a job interrupted by a failure or outage does: a failover policy by name \
         (see [Models](#models)).",
    );
    /// `decisions`.
    pub(crate) const DECISIONS: Field = def(
        "decisions",
        Kind::Bool,
        "false",
        "Keep every placement and failover decision, with the options scored, for \
         `decisions.csv` (`run --out`).",
    );
    /// `decision_options`.
    pub(crate) const DECISION_OPTIONS: Field = def(
        "decision_options",
        Kind::PositiveInt,
        "8",
        "Options kept per decision, best first.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[policy]",
        doc: "Optional, once. The placement and failover policies of the run; `first-fit` \
              and `restart` when absent. Names are checked against the models of the \
              binary (`fabricsim models`), with a \"did you mean\".",
        fields: &[PLACEMENT, FAILOVER, DECISIONS, DECISION_OPTIONS],
        children: &["placement_params", "failover_params"],
    };
    /// The table.
    pub(crate) const PLACEMENT_PARAMS: Table = Table {
        header: "[policy.placement_params]",
        doc: "Optional, once. Parameters of the placement policy, passed to it as written: \
              numbers, strings and tables of them (e.g. `max_share = 0.5`, or \
              `[policy.placement_params.throughput.llama]` for `heterogeneity-aware`). \
              Which keys a policy takes is in its summary under [Models](#models); an \
              unknown or invalid one is reported here.",
        fields: &[],
        children: &[],
    };
    /// The table.
    pub(crate) const FAILOVER_PARAMS: Table = Table {
        header: "[policy.failover_params]",
        doc: "Optional, once. Parameters of the failover policy, as for \
              `[policy.placement_params]` (e.g. `max_wait = \"2h\"` for `threshold`).",
        fields: &[],
        children: &[],
    };
}

/// `[[outages]]`, `[[background_outages]]` and `[[maintenance]]`.
pub(crate) mod outage {
    use super::*;

    const SCOPE_DOC: &str = "The failure domain, as a domain key: `cloud:aws`, \
                             `region:aws/us-east-1`, `site:aws-use1`, \
                             `cluster:aws-use1/h100-a`, `rack:aws-use1/h100-a/3`, ... \
                             (checked against the fabric when the run is built).";

    /// `scope`.
    pub(crate) const SCOPE: Field = req("scope", Kind::Str, SCOPE_DOC);
    /// `at`.
    pub(crate) const AT: Field = req(
        "at",
        Kind::Duration,
        "When it goes down, as a duration since the start.",
    );
    /// `duration`.
    pub(crate) const DURATION: Field = req(
        "duration",
        Kind::PositiveDuration,
        "How long it stays down.",
    );
    /// The array-of-tables element.
    pub(crate) const SCRIPTED: Table = Table {
        header: "[[outages]]",
        doc: "Optional, any number. A scripted outage: one domain down at a fixed time.",
        fields: &[SCOPE, AT, DURATION],
        children: &[],
    };

    /// Level names, as `OutageLevel::name` spells them.
    pub(crate) const LEVELS: &[&str] = &["rack", "site", "region", "cloud"];
    /// `level`.
    pub(crate) const LEVEL: Field = req(
        "level",
        Kind::OneOf(LEVELS),
        "Which domains fail: every instance of this level gets its own Poisson process.",
    );
    const CALIBRATED: &str = "calibrated for the level (`data/outages.csv`)";
    /// `rate_per_year`.
    pub(crate) const RATE_PER_YEAR: Field = opt(
        "rate_per_year",
        Kind::NonNegativeNumber,
        CALIBRATED,
        "Outages per instance per year; `0` turns the process off.",
    );
    /// `duration_median`.
    pub(crate) const DURATION_MEDIAN: Field = opt(
        "duration_median",
        Kind::PositiveDuration,
        CALIBRATED,
        "Median outage duration of a log-normal, with `duration_p90`.",
    );
    /// `duration_p90`.
    pub(crate) const DURATION_P90: Field = opt(
        "duration_p90",
        Kind::PositiveDuration,
        CALIBRATED,
        "90th percentile of the outage duration, above `duration_median`.",
    );
    /// The array-of-tables element.
    pub(crate) const BACKGROUND: Table = Table {
        header: "[[background_outages]]",
        doc: "Optional, any number. Random outages of every domain of one level. Give \
              `duration_median` and `duration_p90` together or not at all.",
        fields: &[LEVEL, RATE_PER_YEAR, DURATION_MEDIAN, DURATION_P90],
        children: &[],
    };

    /// Spread names.
    pub(crate) const SPREADS: &[&str] = &["even", "random"];
    /// `count`.
    pub(crate) const COUNT: Field = opt(
        "count",
        Kind::PositiveInt,
        "give `every`",
        "Number of windows, in equal slots from `first_at` to the horizon. Exactly one of \
         `count` and `every`.",
    );
    /// `every`.
    pub(crate) const EVERY: Field = opt(
        "every",
        Kind::PositiveDuration,
        "give `count`",
        "One window per slot of this length, from `first_at` while before the horizon.",
    );
    /// `duration` of a window.
    pub(crate) const WINDOW: Field = req(
        "duration",
        Kind::PositiveDuration,
        "How long each window lasts.",
    );
    /// `first_at`.
    pub(crate) const FIRST_AT: Field = def(
        "first_at",
        Kind::Duration,
        "\"0s\"",
        "Start of the first slot, as a duration since the start.",
    );
    /// `spread`.
    pub(crate) const SPREAD: Field = def(
        "spread",
        Kind::OneOf(SPREADS),
        "\"even\"",
        "Where each window starts in its slot: at the start, or at a uniform random time.",
    );
    /// The array-of-tables element.
    pub(crate) const MAINTENANCE: Table = Table {
        header: "[[maintenance]]",
        doc: "Optional, any number. Planned maintenance windows of one domain.",
        fields: &[SCOPE, COUNT, EVERY, WINDOW, FIRST_AT, SPREAD],
        children: &[],
    };
}

/// `[power.sites.<site>]`, `[[curtailments]]`, `[[random_curtailments]]` and
/// `[[grid_outages]]`: what each site does when its power is cut or capped.
pub(crate) mod power {
    use super::*;

    /// `[power]` itself.
    pub(crate) const TABLE: Table = Table {
        header: "[power]",
        doc: "Optional. Per-site power behaviour; sites without a table keep the defaults.",
        fields: &[],
        children: &["sites"],
    };

    /// Policy names, in the order of `SitePower::policy`'s documentation.
    pub(crate) const POLICIES: &[&str] = &["throttle", "refuse", "preempt"];
    /// `policy`.
    pub(crate) const POLICY: Field = def(
        "policy",
        Kind::OneOf(POLICIES),
        "\"throttle\"",
        "What the site does when its draw would exceed the power available: `throttle` \
         slows every running job, `refuse` starts no job that would not fit, `preempt` \
         stops the lowest-priority jobs until the rest fit.",
    );
    /// `backup_fraction`.
    pub(crate) const BACKUP_FRACTION: Field = opt(
        "backup_fraction",
        Kind::Fraction,
        "no backup power",
        "Fraction of the site's power cap that its backup power supplies during a grid \
         outage.",
    );
    /// The table.
    pub(crate) const SITE: Table = Table {
        header: "[power.sites.<site>]",
        doc: "Optional, at most one per site. The table name is a site key of this file.",
        fields: &[POLICY, BACKUP_FRACTION],
        children: &[],
    };

    const SITE_DOC: &str = "The site: a site key of this file.";
    /// `site` of a scripted event.
    pub(crate) const SITE_KEY: Field = req("site", Kind::Str, SITE_DOC);
    /// `at`.
    pub(crate) const AT: Field = req(
        "at",
        Kind::Duration,
        "When it starts, as a duration since the start.",
    );
    /// `duration`.
    pub(crate) const DURATION: Field =
        req("duration", Kind::PositiveDuration, "How long it lasts.");
    /// `cap_fraction`.
    pub(crate) const CAP_FRACTION: Field = req(
        "cap_fraction",
        Kind::FractionBelowOne,
        "Power available meanwhile, as a fraction of the site's power cap (`0`: none).",
    );
    /// The array-of-tables element.
    pub(crate) const CURTAILMENT: Table = Table {
        header: "[[curtailments]]",
        doc: "Optional, any number. A scripted curtailment: the grid caps one site's power \
              for a while.",
        fields: &[SITE_KEY, AT, DURATION, CAP_FRACTION],
        children: &[],
    };

    /// `site` of a random process.
    pub(crate) const ANY_SITE: Field = opt(
        "site",
        Kind::Str,
        "every site",
        "The site: a site key of this file.",
    );
    /// `rate_per_year`.
    pub(crate) const RATE_PER_YEAR: Field = req(
        "rate_per_year",
        Kind::NonNegativeNumber,
        "Curtailments per site per year (a Poisson process); `0` turns it off.",
    );
    /// `duration_median`.
    pub(crate) const DURATION_MEDIAN: Field = req(
        "duration_median",
        Kind::PositiveDuration,
        "Median curtailment duration of a log-normal, with `duration_p90`.",
    );
    /// `duration_p90`.
    pub(crate) const DURATION_P90: Field = req(
        "duration_p90",
        Kind::PositiveDuration,
        "90th percentile of the curtailment duration, above `duration_median`.",
    );
    /// The array-of-tables element.
    pub(crate) const RANDOM_CURTAILMENT: Table = Table {
        header: "[[random_curtailments]]",
        doc: "Optional, any number. Random curtailments of one site, or of every site (each \
              with its own process) when `site` is absent.",
        fields: &[
            ANY_SITE,
            RATE_PER_YEAR,
            DURATION_MEDIAN,
            DURATION_P90,
            CAP_FRACTION,
        ],
        children: &[],
    };

    /// The array-of-tables element.
    pub(crate) const GRID_OUTAGE: Table = Table {
        header: "[[grid_outages]]",
        doc: "Optional, any number. A scripted loss of grid power at one site: it runs on \
              its backup power (`backup_fraction` of its cap), if it has any.",
        fields: &[SITE_KEY, AT, DURATION],
        children: &[],
    };
}

/// `[commitments.<cloud>]`: committed spend with a cloud.
pub(crate) mod commitment {
    use super::*;

    /// `total_usd`.
    pub(crate) const TOTAL_USD: Field = opt(
        "total_usd",
        Kind::PositiveNumber,
        "give `accelerator` and `count` (a capacity commitment)",
        "Committed spend over the whole period, USD.",
    );
    /// `accelerator`.
    pub(crate) const ACCELERATOR: Field = opt(
        "accelerator",
        Kind::Str,
        "give `total_usd`",
        "Accelerator key of a capacity commitment (with `count`).",
    );
    /// `count`.
    pub(crate) const COUNT: Field = opt(
        "count",
        Kind::PositiveInt,
        "give `total_usd`",
        "Accelerators committed for the whole period (with `accelerator`).",
    );
    /// `usd_per_chip_hour`.
    pub(crate) const USD_PER_CHIP_HOUR: Field = opt(
        "usd_per_chip_hour",
        Kind::PositiveNumber,
        "the catalog's on-demand price of that accelerator in that cloud",
        "Committed price of a capacity commitment.",
    );
    /// `start`.
    pub(crate) const START: Field = def(
        "start",
        Kind::Duration,
        "\"0s\"",
        "When the commitment starts, as a duration since the start.",
    );
    /// `period`.
    pub(crate) const PERIOD: Field = req(
        "period",
        Kind::PositiveDuration,
        "Length of the commitment, e.g. `\"1095d\"` (3 years) or `\"2555d\"` (7 years).",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[commitments.<cloud>]",
        doc: "Optional, at most one per cloud. A commitment with a cloud, either of spend \
              (`total_usd`) or of capacity (`accelerator` + `count`, valued at the price over \
              the period); the table name is the cloud key (checked against the catalog when \
              the run is built). The jobs' on-demand spend in that cloud burns it down.",
        fields: &[
            TOTAL_USD,
            ACCELERATOR,
            COUNT,
            USD_PER_CHIP_HOUR,
            START,
            PERIOD,
        ],
        children: &[],
    };
}

/// `[carbon.<cloud>.<region>]`: hourly grid carbon intensity.
pub(crate) mod carbon {
    use super::*;

    /// `hourly_g_per_kwh`.
    pub(crate) const HOURLY_G_PER_KWH: Field = req(
        "hourly_g_per_kwh",
        Kind::Profile,
        "Grid carbon intensity, gCO2e/kWh, one value per hour; hour `h` of the run uses \
         value `h mod length`: 24 values are a daily cycle, 8760 a year.",
    );
    /// The table.
    pub(crate) const PROFILE: Table = Table {
        header: "[carbon.<cloud>.<region>]",
        doc: "Optional, at most one per region. Replaces the region's constant \
              `carbon_g_per_kwh` by an hourly profile; cloud, then region (checked against \
              the catalog when the run is built).",
        fields: &[HOURLY_G_PER_KWH],
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
    buildout::TABLE,
    catalog::TABLE,
    catalog::ACCELERATOR,
    catalog::CLOUD,
    catalog::REGION,
    catalog::OFFERING,
    job::TABLE,
    generator::TABLE,
    failures::TABLE,
    failures::CATEGORY,
    failures::PARAMS,
    policy::TABLE,
    policy::PLACEMENT_PARAMS,
    policy::FAILOVER_PARAMS,
    outage::SCRIPTED,
    outage::BACKGROUND,
    outage::MAINTENANCE,
    power::TABLE,
    power::SITE,
    power::CURTAILMENT,
    power::RANDOM_CURTAILMENT,
    power::GRID_OUTAGE,
    commitment::TABLE,
    carbon::PROFILE,
    serving::SERVING,
    serving::SERVICE,
    serving::TOKEN_DIST,
    serving::REPLICAS,
    serving::USERS,
    serving::PARTITION,
    serving::RANDOM_PARTITIONS,
];
