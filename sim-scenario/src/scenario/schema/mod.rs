//! The scenario schema as data: every table, its keys, their types, ranges and defaults.
//!
//! The walker ([`super::walk`]) reads each value through these [`Field`]s, checks unknown
//! keys against these lists, and [`super::reference`] renders the same tables as
//! `docs/scenario-format.md`, so the reference cannot drift from the parser.
//!
//! This module holds the vocabulary ([`Kind`], [`Presence`], [`DefaultValue`], [`Field`],
//! [`Table`]) and the list of tables; each section's fields are declared next to its walker
//! in [`super::sections`].

use std::fmt;

use sim_core::time::SimDuration;

use super::sections::serving::tokens::TOKEN_PRESETS;
use super::sections::serving::{self, partitions, services, tokens};
use super::sections::{
    buildouts, carbon, catalog, commitments, failures, jobs, network, outages, policy, power, sim,
    sites,
};

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
                quoted(TOKEN_PRESETS)
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
                let names: Vec<String> =
                    TOKEN_PRESETS.iter().map(|n| format!("`\"{n}\"`")).collect();
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
    /// May be absent; the value used then (shown as written in TOML, e.g. `4`).
    Default(DefaultValue),
}

/// The value of a key left out, as the reference writes it. Where sim-models (or the
/// walker) has the constant, the schema holds that constant, so the default is written
/// once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum DefaultValue {
    /// TOML text written as is, e.g. `false`.
    Text(&'static str),
    /// A string, written in quotes, e.g. `"first-fit"`.
    Str(&'static str),
    /// A duration, written in quotes in its canonical form, e.g. `"30m"`.
    Duration(SimDuration),
    /// A number, written as `f64` displays it, e.g. `16000` or `0.5`.
    Number(f64),
    /// An integer, e.g. `8`.
    Int(u64),
}

/// The TOML text of the default, e.g. `"30m"` (with the quotes) or `8`.
impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Text(text) => f.write_str(text),
            DefaultValue::Str(s) => write!(f, "\"{s}\""),
            DefaultValue::Duration(d) => write!(f, "\"{d}\""),
            DefaultValue::Number(x) => write!(f, "{x}"),
            DefaultValue::Int(n) => write!(f, "{n}"),
        }
    }
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

/// A required key.
pub(crate) const fn req(key: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        key,
        kind,
        presence: Presence::Required,
        doc,
    }
}

/// An optional key; `absent` says what its absence means.
pub(crate) const fn opt(
    key: &'static str,
    kind: Kind,
    absent: &'static str,
    doc: &'static str,
) -> Field {
    Field {
        key,
        kind,
        presence: Presence::Optional(absent),
        doc,
    }
}

/// A key with a default.
pub(crate) const fn def(
    key: &'static str,
    kind: Kind,
    default: DefaultValue,
    doc: &'static str,
) -> Field {
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

/// Every table, in the order of the reference.
pub(crate) const TABLES: &[Table] = &[
    sim::TABLE,
    network::TABLE,
    network::LINK,
    sites::SITE,
    sites::CLUSTER,
    buildouts::TABLE,
    catalog::TABLE,
    catalog::ACCELERATOR,
    catalog::CLOUD,
    catalog::REGION,
    catalog::OFFERING,
    jobs::TABLE,
    jobs::generator::TABLE,
    failures::TABLE,
    failures::CATEGORY,
    failures::PARAMS,
    policy::TABLE,
    policy::PLACEMENT_PARAMS,
    policy::FAILOVER_PARAMS,
    outages::SCRIPTED,
    outages::BACKGROUND,
    outages::MAINTENANCE,
    power::TABLE,
    power::SITE,
    power::CURTAILMENT,
    power::RANDOM_CURTAILMENT,
    power::GRID_OUTAGE,
    commitments::TABLE,
    carbon::PROFILE,
    serving::SERVING,
    services::SERVICE,
    tokens::TOKEN_DIST,
    services::REPLICAS,
    services::USERS,
    partitions::PARTITION,
    partitions::RANDOM_PARTITIONS,
];
