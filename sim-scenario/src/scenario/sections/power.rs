//! `[power.sites.<site>]`, `[[curtailments]]`, `[[random_curtailments]]` and
//! `[[grid_outages]]`: what each site does when its power is cut or capped.

use sim_core::time::SimTime;
use toml::de::DeTable;

use sim_models::power::{CurtailmentSpec, GridOutageSpec};

use crate::scenario::power::{PowerSection, RandomCurtailment, SitePowerEntry};
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::{Walker, closest, join};

/// `[power]` itself.
pub(crate) const TABLE: Table = Table {
    header: "[power]",
    doc: "Optional. Per-site power behaviour; sites without a table keep the defaults.",
    fields: &[],
    children: &["sites"],
};

/// Policy names, in the order of `SitePowerEntry::policy`'s documentation.
pub(crate) const POLICIES: &[&str] = &["throttle", "refuse", "preempt"];
/// `policy`.
pub(crate) const POLICY: Field = def(
    "policy",
    Kind::OneOf(POLICIES),
    D::Str(POLICIES[0]),
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
pub(crate) const DURATION: Field = req("duration", Kind::PositiveDuration, "How long it lasts.");
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

impl Walker {
    /// `[power.sites.*]`, `[[curtailments]]`, `[[random_curtailments]]`, `[[grid_outages]]`,
    /// `[commitments.*]` and `[carbon.*.*]`. Site keys are checked against `sites` (the
    /// file's site keys) unless the file has none.
    pub(crate) fn power_section(&mut self, root: &DeTable<'_>, sites: &[String]) -> PowerSection {
        let sites: Vec<&str> = sites.iter().map(String::as_str).collect();
        let mut out = PowerSection::default();
        if let Some(t) = self.optional_table(root, &[], "power", TABLE.header) {
            let path = vec!["power".to_owned()];
            self.check_keys(t, &path, &TABLE);
            if let Some(v) = t.get("sites") {
                let sp = join(&path, "sites");
                for (name, t, p) in self.named(v, &sp, SITE.header, "site") {
                    self.site_ref(&name, &p, &sites);
                    out.sites.push(self.site_power(name, t, &p));
                }
            }
        }
        out.curtailments = self
            .array_tables(root, "curtailments", CURTAILMENT.header)
            .into_iter()
            .map(|(t, p)| self.curtailment(t, &p, &sites))
            .collect();
        out.random_curtailments = self
            .array_tables(root, "random_curtailments", RANDOM_CURTAILMENT.header)
            .into_iter()
            .map(|(t, p)| self.random_curtailment(t, &p, &sites))
            .collect();
        out.grid_outages = self
            .array_tables(root, "grid_outages", GRID_OUTAGE.header)
            .into_iter()
            .map(|(t, p)| self.grid_outage(t, &p, &sites))
            .collect();
        out.commitments = self.commitments(root);
        out.carbon_profiles = self.carbon_profiles(root);
        out
    }

    /// Reports `name` (written at `path`) if the file has sites and it is not one of them.
    pub(crate) fn site_ref(&mut self, name: &str, path: &[String], sites: &[&str]) {
        if sites.is_empty() || sites.contains(&name) {
            return;
        }
        let span = self.map.span(path);
        self.error(
            span,
            path,
            format!(
                "unknown site `{name}`: expected a site key of this file ({})",
                sites.join(", ")
            ),
            closest(name, sites),
        );
    }

    /// The `site` field of an array-of-tables element, checked against `sites`.
    pub(crate) fn site_field(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
        sites: &[&str],
    ) -> Option<String> {
        let name = self.str(t, path, field)?;
        self.site_ref(&name, &join(path, field.key), sites);
        Some(name)
    }

    /// One `[power.sites.<site>]` table.
    pub(crate) fn site_power(
        &mut self,
        site: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> SitePowerEntry {
        self.check_keys(t, path, &SITE);
        let policy = self.choice(t, path, &POLICY).unwrap_or(0);
        SitePowerEntry {
            site,
            policy: POLICIES[policy].to_owned(),
            backup_fraction: self.number(t, path, &BACKUP_FRACTION),
        }
    }

    /// One `[[curtailments]]` element.
    pub(crate) fn curtailment(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        sites: &[&str],
    ) -> CurtailmentSpec {
        self.check_keys(t, path, &CURTAILMENT);
        CurtailmentSpec {
            site: self
                .site_field(t, path, &SITE_KEY, sites)
                .unwrap_or_default(),
            at: SimTime::ZERO + self.duration(t, path, &AT).unwrap_or_default(),
            duration: self.duration(t, path, &DURATION).unwrap_or_default(),
            cap_fraction: self.number(t, path, &CAP_FRACTION).unwrap_or_default(),
        }
    }

    /// One `[[random_curtailments]]` element.
    pub(crate) fn random_curtailment(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        sites: &[&str],
    ) -> RandomCurtailment {
        self.check_keys(t, path, &RANDOM_CURTAILMENT);
        let site = self.site_field(t, path, &ANY_SITE, sites);
        let rate_per_year = self.number(t, path, &RATE_PER_YEAR).unwrap_or_default();
        let median = self.duration(t, path, &DURATION_MEDIAN);
        let p90 = self.duration(t, path, &DURATION_P90);
        if let (Some(m), Some(p)) = (median, p90) {
            self.lognormal(
                &join(path, "duration_p90"),
                m.as_secs_f64(),
                p.as_secs_f64(),
            );
        }
        RandomCurtailment {
            site,
            rate_per_year,
            duration_median: median.unwrap_or_default(),
            duration_p90: p90.unwrap_or_default(),
            cap_fraction: self.number(t, path, &CAP_FRACTION).unwrap_or_default(),
        }
    }

    /// One `[[grid_outages]]` element.
    pub(crate) fn grid_outage(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        sites: &[&str],
    ) -> GridOutageSpec {
        self.check_keys(t, path, &GRID_OUTAGE);
        GridOutageSpec {
            site: self
                .site_field(t, path, &SITE_KEY, sites)
                .unwrap_or_default(),
            at: SimTime::ZERO + self.duration(t, path, &AT).unwrap_or_default(),
            duration: self.duration(t, path, &DURATION).unwrap_or_default(),
        }
    }
}
