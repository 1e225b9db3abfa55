//! `[commitments.<cloud>]`: committed spend or capacity with a cloud.

use sim_core::time::{SimDuration, SimTime};
use toml::de::DeTable;

use crate::scenario::power::Commitment;
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::Walker;

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
    D::Duration(SimDuration::ZERO),
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

impl Walker {
    /// `[commitments.<cloud>]`, in file order.
    pub(crate) fn commitments(&mut self, root: &DeTable<'_>) -> Vec<Commitment> {
        let mut out = Vec::new();
        if let Some(v) = root.get("commitments") {
            let path = vec!["commitments".to_owned()];
            for (cloud, t, p) in self.named(v, &path, TABLE.header, "cloud") {
                let c = self.commitment(cloud, t, &p);
                out.push(c);
            }
        }
        out
    }

    /// One `[commitments.<cloud>]` table.
    pub(crate) fn commitment(
        &mut self,
        cloud: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> Commitment {
        self.check_keys(t, path, &TABLE);
        let total_usd = self.number(t, path, &TOTAL_USD);
        let accelerator = self.str(t, path, &ACCELERATOR);
        let count = self.u32(t, path, &COUNT);
        let price = self.number(t, path, &USD_PER_CHIP_HOUR);
        let groups: &[&[&str]] = &[&["total_usd"], &["accelerator", "count"]];
        let capacity = match self.exclusive(t, path, groups, "the commitment", true) {
            Some(1) => accelerator.zip(count).map(|(a, n)| (a, n, price)),
            _ => None,
        };
        Commitment {
            cloud,
            total_usd: if capacity.is_some() { None } else { total_usd },
            capacity,
            start: SimTime::ZERO + self.duration(t, path, &START).unwrap_or_default(),
            period: self.duration(t, path, &PERIOD).unwrap_or_default(),
        }
    }
}
