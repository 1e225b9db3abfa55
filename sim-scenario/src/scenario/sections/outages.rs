//! `[[outages]]`, `[[background_outages]]` and `[[maintenance]]`: domains down.

use sim_core::time::{SimDuration, SimTime};
use sim_models::outage::{
    BackgroundOutageSpec, MaintenanceCadence, MaintenanceSpec, OutageLevel, ScriptedOutageSpec,
    Spread,
};
use toml::de::DeTable;

use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::{Parts, Walker, join};

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
    D::Duration(SimDuration::ZERO),
    "Start of the first slot, as a duration since the start.",
);
/// `spread`.
pub(crate) const SPREAD: Field = def(
    "spread",
    Kind::OneOf(SPREADS),
    D::Str(SPREADS[0]),
    "Where each window starts in its slot: at the start, or at a uniform random time.",
);
/// The array-of-tables element.
pub(crate) const MAINTENANCE: Table = Table {
    header: "[[maintenance]]",
    doc: "Optional, any number. Planned maintenance windows of one domain.",
    fields: &[SCOPE, COUNT, EVERY, WINDOW, FIRST_AT, SPREAD],
    children: &[],
};

impl Walker {
    /// `[[outages]]`, `[[background_outages]]` and `[[maintenance]]`, in file order.
    pub(crate) fn outage_sections(&mut self, root: &DeTable<'_>, parts: &mut Parts) {
        parts.outages = self
            .array_tables(root, "outages", SCRIPTED.header)
            .into_iter()
            .map(|(t, p)| self.scripted_outage(t, &p))
            .collect();
        parts.background_outages = self
            .array_tables(root, "background_outages", BACKGROUND.header)
            .into_iter()
            .map(|(t, p)| self.background_outage(t, &p))
            .collect();
        parts.maintenance = self
            .array_tables(root, "maintenance", MAINTENANCE.header)
            .into_iter()
            .map(|(t, p)| self.maintenance(t, &p))
            .collect();
    }

    /// One `[[outages]]` element.
    pub(crate) fn scripted_outage(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
    ) -> ScriptedOutageSpec {
        self.check_keys(t, path, &SCRIPTED);
        ScriptedOutageSpec {
            scope: self.str(t, path, &SCOPE).unwrap_or_default(),
            at: SimTime::ZERO + self.duration(t, path, &AT).unwrap_or_default(),
            duration: self.duration(t, path, &DURATION).unwrap_or_default(),
        }
    }

    /// One `[[background_outages]]` element, calibrated values filled in.
    pub(crate) fn background_outage(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
    ) -> BackgroundOutageSpec {
        self.check_keys(t, path, &BACKGROUND);
        let level = self
            .choice(t, path, &LEVEL)
            .map_or(OutageLevel::Rack, |i| OutageLevel::ALL[i]);
        let mut spec = BackgroundOutageSpec::calibrated(level);
        if let Some(x) = self.number(t, path, &RATE_PER_YEAR) {
            spec.rate_per_year = x;
        }
        let median = self.duration(t, path, &DURATION_MEDIAN);
        let p90 = self.duration(t, path, &DURATION_P90);
        let groups: &[&[&str]] = &[&["duration_median", "duration_p90"]];
        self.exclusive(t, path, groups, "the outage duration", false);
        if let (Some(m), Some(p)) = (median, p90)
            && let Some(d) = self.lognormal(
                &join(path, "duration_p90"),
                m.as_secs_f64(),
                p.as_secs_f64(),
            )
        {
            spec.duration = d.into();
        }
        self.alias(path, &["duration"], &["duration_median"]);
        spec
    }

    /// One `[[maintenance]]` element.
    pub(crate) fn maintenance(&mut self, t: &DeTable<'_>, path: &[String]) -> MaintenanceSpec {
        self.check_keys(t, path, &MAINTENANCE);
        let scope = self.str(t, path, &SCOPE).unwrap_or_default();
        let count = self.u32(t, path, &COUNT);
        let every = self.duration(t, path, &EVERY);
        let groups: &[&[&str]] = &[&["count"], &["every"]];
        // Left at zero when missing or invalid: the builder flags it under the path
        // already reported.
        let cadence = match self.exclusive(t, path, groups, "the cadence", true) {
            Some(1) => MaintenanceCadence::Every(every.unwrap_or_default()),
            _ => MaintenanceCadence::Count(count.unwrap_or_default()),
        };
        let spread = match self.choice(t, path, &SPREAD) {
            Some(1) => Spread::Random,
            _ => Spread::Even,
        };
        MaintenanceSpec {
            scope,
            cadence,
            duration: self.duration(t, path, &WINDOW).unwrap_or_default(),
            first_at: SimTime::ZERO + self.duration(t, path, &FIRST_AT).unwrap_or_default(),
            spread,
        }
    }
}
