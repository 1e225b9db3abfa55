//! `[[partitions]]` and `[random_partitions]`: network partitions between regions.

use sim_core::time::{SimDuration, SimTime};
use sim_models::network::{PartitionSpec, RandomPartitionSpec};
use toml::de::DeTable;

use crate::scenario::schema::{Field, Kind, Table, opt, req};
use crate::scenario::walk::{Walker, join};

/// `a`.
pub(crate) const A: Field = req(
    "a",
    Kind::Str,
    "One side, a catalog `cloud/region` (checked when the run is built).",
);
/// `b`.
pub(crate) const B: Field = opt(
    "b",
    Kind::Str,
    "`a` is cut from every other region",
    "The other side, a catalog `cloud/region`.",
);
/// `at`.
pub(crate) const AT: Field = req(
    "at",
    Kind::Duration,
    "When it starts, as a duration since the start.",
);
/// `duration`.
pub(crate) const DURATION: Field = req("duration", Kind::PositiveDuration, "How long it lasts.");
/// `[[partitions]]`.
pub(crate) const PARTITION: Table = Table {
    header: "[[partitions]]",
    doc: "Optional, any number. A scripted network partition: no request crosses between \
          the two regions (or out of `a`) while it lasts. Traffic within a region is never \
          cut.",
    fields: &[A, B, AT, DURATION],
    children: &[],
};

/// `rate_per_year`.
pub(crate) const RATE_PER_YEAR: Field = req(
    "rate_per_year",
    Kind::NonNegativeNumber,
    "Isolations per region per year (a Poisson process per region); `0` turns it off.",
);
/// `duration_median`.
pub(crate) const DURATION_MEDIAN: Field = req(
    "duration_median",
    Kind::PositiveDuration,
    "Median isolation time of a log-normal, with `duration_p90`.",
);
/// `duration_p90`.
pub(crate) const DURATION_P90: Field = req(
    "duration_p90",
    Kind::PositiveDuration,
    "90th percentile of the isolation time, above `duration_median`.",
);
/// `[random_partitions]`.
pub(crate) const RANDOM_PARTITIONS: Table = Table {
    header: "[random_partitions]",
    doc: "Optional, once. Random isolations of single regions. The regions at risk are \
          those of every site and of every service's users, each with its own random \
          stream (`partition/<cloud>/<region>`).",
    fields: &[RATE_PER_YEAR, DURATION_MEDIAN, DURATION_P90],
    children: &[],
};

impl Walker {
    /// One `[[partitions]]` element.
    pub(crate) fn partition(&mut self, t: &DeTable<'_>, path: &[String]) -> PartitionSpec {
        self.check_keys_as(t, path, &PARTITION);
        PartitionSpec {
            a: self.str(t, path, &A).unwrap_or_default(),
            b: self.str(t, path, &B),
            start: SimTime::ZERO + self.duration(t, path, &AT).unwrap_or_default(),
            duration: self.duration(t, path, &DURATION).unwrap_or_default(),
        }
    }

    /// `[random_partitions]` (the table `t`).
    pub(crate) fn random_partitions(&mut self, t: &DeTable<'_>) -> RandomPartitionSpec {
        let path = vec!["random_partitions".to_owned()];
        self.check_keys(t, &path, &RANDOM_PARTITIONS);
        let rate_per_year = self.number(t, &path, &RATE_PER_YEAR).unwrap_or(0.0);
        let median = self.duration(t, &path, &DURATION_MEDIAN);
        let p90 = self.duration(t, &path, &DURATION_P90);
        self.alias(&path, &["median"], &["duration_median"]);
        self.alias(&path, &["p90"], &["duration_p90"]);
        let valid = match (median, p90) {
            (Some(m), Some(p)) => self
                .lognormal(
                    &join(&path, "duration_p90"),
                    m.as_secs_f64(),
                    p.as_secs_f64(),
                )
                .map(|_| (m, p)),
            _ => None,
        };
        // Placeholders keep the builder from repeating a problem reported here.
        let (median, p90) = valid.unwrap_or((SimDuration::SECOND, SimDuration::from_secs(2)));
        RandomPartitionSpec {
            rate_per_year,
            median,
            p90,
        }
    }
}
