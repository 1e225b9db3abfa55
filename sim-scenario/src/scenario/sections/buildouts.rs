//! `[[buildouts]]`: capacity added to a site at a rate.

use sim_core::time::{SimDuration, SimTime};
use sim_models::topology::BuildoutSpec;
use toml::de::DeTable;

use super::sites::DEFAULT_RACK_NODES;
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::Walker;

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
    D::Duration(SimDuration::ZERO),
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
pub(crate) const RACK_NODES: Field = def(
    "rack_nodes",
    Kind::PositiveInt,
    D::Int(DEFAULT_RACK_NODES as u64),
    "Nodes per rack.",
);
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

impl Walker {
    /// `[[buildouts]]`, in file order.
    pub(crate) fn buildouts(&mut self, root: &DeTable<'_>) -> Vec<BuildoutSpec> {
        self.array_tables(root, "buildouts", TABLE.header)
            .into_iter()
            .map(|(t, p)| self.buildout(t, &p))
            .collect()
    }

    /// One `[[buildouts]]` element.
    pub(crate) fn buildout(&mut self, t: &DeTable<'_>, path: &[String]) -> BuildoutSpec {
        self.check_keys(t, path, &TABLE);
        BuildoutSpec {
            site: self.str(t, path, &SITE).unwrap_or_default(),
            accelerator: self.str(t, path, &ACCELERATOR).unwrap_or_default(),
            mw_per_week: self.number(t, path, &MW_PER_WEEK).unwrap_or(1.0),
            start: SimTime::ZERO + self.duration(t, path, &START).unwrap_or_default(),
            until: SimTime::ZERO + self.duration(t, path, &UNTIL).unwrap_or_default(),
            node_size: self.u32(t, path, &NODE_SIZE),
            rack_nodes: self.u32(t, path, &RACK_NODES).unwrap_or(DEFAULT_RACK_NODES),
        }
    }
}
