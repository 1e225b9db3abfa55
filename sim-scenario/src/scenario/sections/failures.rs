//! `[failures]` and `[failures.categories.<category>]`: random component failures.

use sim_core::rng::DurationDist;
use sim_core::time::SimDuration;
use sim_models::failure::{FailureCategory, FailureScope, FailureSpec};
use toml::de::DeTable;

use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::{Parts, Walker, join};

/// `model`.
pub(crate) const MODEL: Field = def(
    "model",
    Kind::Str,
    D::Str("none"),
    "Failure model by name: `none`, `llama3-h100` or one a plug-in binary registers \
     (see [Models](#models); checked when the run is built).",
);
/// `rate_scale`.
pub(crate) const RATE_SCALE: Field = def(
    "rate_scale",
    Kind::NonNegativeNumber,
    D::Text("1"),
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

impl Walker {
    /// `[failures]` with `[failures.params]`, if the document has them.
    pub(crate) fn failures_section(&mut self, root: &DeTable<'_>, parts: &mut Parts) {
        if let Some(t) = self.optional_table(root, &[], "failures", TABLE.header) {
            parts.failures = self.failures(t);
            if let Some(v) = t.get("params") {
                let path = ["failures".to_owned(), "params".to_owned()];
                parts.failure_params = self.params(v, &path, PARAMS.header);
            }
        }
    }

    /// `[failures]` (the table `t`) with its categories.
    pub(crate) fn failures(&mut self, t: &DeTable<'_>) -> FailureSpec {
        let path = vec!["failures".to_owned()];
        self.check_keys(t, &path, &TABLE);
        let mut spec = FailureSpec::default();
        if let Some(model) = self.str(t, &path, &MODEL) {
            spec.model = model;
        }
        if let Some(x) = self.number(t, &path, &RATE_SCALE) {
            spec.rate_scale = x;
        }
        if let Some(v) = t.get("categories") {
            let cp = join(&path, "categories");
            let header = CATEGORY.header;
            for (name, t, p) in self.named(v, &cp, header, "failure category") {
                let category = self.failure_category(name, t, &p);
                spec.categories.push(category);
            }
        }
        spec
    }

    /// One `[failures.categories.<category>]` table.
    pub(crate) fn failure_category(
        &mut self,
        name: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> FailureCategory {
        self.check_keys(t, path, &CATEGORY);
        let scope = self
            .choice(t, path, &SCOPE)
            .map_or(FailureScope::Accelerator, |i| FailureScope::ALL[i]);
        let rate = self.number(t, path, &RATE_PER_ACCEL_HOUR).unwrap_or(0.0);
        let shape = self.number(t, path, &TTF_SHAPE).unwrap_or(1.0);
        let repair = self.duration(t, path, &REPAIR);
        let median = self.duration(t, path, &REPAIR_MEDIAN);
        let p90 = self.duration(t, path, &REPAIR_P90);
        let groups: &[&[&str]] = &[&["repair"], &["repair_median", "repair_p90"]];
        let repair = match self.exclusive(t, path, groups, "the repair time", true) {
            Some(0) => repair.map(DurationDist::Constant),
            Some(_) => match (median, p90) {
                (Some(m), Some(p)) => self
                    .lognormal(&join(path, "repair_p90"), m.as_secs_f64(), p.as_secs_f64())
                    .map(DurationDist::from),
                _ => None,
            },
            None => None,
        };
        let repair = repair.unwrap_or(DurationDist::Constant(SimDuration::ZERO));
        let mut category = FailureCategory::new(name, scope, rate, repair);
        category.ttf_shape = shape;
        category
    }
}
