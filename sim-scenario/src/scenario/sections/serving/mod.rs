//! `[serving]`, `[[services]]` (with `[[services.replicas]]`, `[[services.users]]` and
//! their token distributions), `[[partitions]]` and `[random_partitions]`.
//!
//! A service's keys are located under its name (`services.<name>.max_batch`), as
//! `ServiceSpec::resolve` names them: once the name is read, the service's table is indexed
//! a second time under `["services", name]`. A service whose name is missing, invalid or
//! taken stays under its index (`services[1]`) and goes by that index, so builder errors
//! about it land there too. Keys that apply to one variant only (`hourly` to a diurnal
//! profile, `flow_interval` to the flow fidelity, `mean` to a geometric distribution) are
//! errors elsewhere, never silently ignored.

pub(crate) mod partitions;
pub(crate) mod services;
pub(crate) mod tokens;

use sim_models::sim::serving::{DEFAULT_FLOW_INTERVAL, Fidelity};
use toml::de::DeTable;

use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def};
use crate::scenario::serving::ServingSection;
use crate::scenario::walk::{Walker, join};

/// Fidelity names, in the order of [`FIDELITY`]'s documentation.
pub(crate) const FIDELITIES: &[&str] = &["request", "flow"];
/// `fidelity`.
pub(crate) const FIDELITY: Field = def(
    "fidelity",
    Kind::OneOf(FIDELITIES),
    D::Str(FIDELITIES[0]),
    "`request`: every request is simulated (exact; hours to days). `flow`: rates are held \
     constant over each `flow_interval` and latencies come from a queueing approximation \
     (months to years).",
);
/// `flow_interval`.
pub(crate) const FLOW_INTERVAL: Field = def(
    "flow_interval",
    Kind::PositiveDuration,
    D::Duration(DEFAULT_FLOW_INTERVAL),
    "Flow fidelity only: length of the intervals over which rates are held constant.",
);
/// `sample_requests`.
pub(crate) const SAMPLE_REQUESTS: Field = def(
    "sample_requests",
    Kind::NonNegativeInt,
    D::Int(0),
    "Request fidelity only: keep one request in this many for `requests.csv`; `0` keeps none.",
);
/// `[serving]`.
pub(crate) const SERVING: Table = Table {
    header: "[serving]",
    doc: "Optional, once. How inference services are simulated.",
    fields: &[FIDELITY, FLOW_INTERVAL, SAMPLE_REQUESTS],
    children: &[],
};

impl Walker {
    /// The serving sections of the document; empty when it has none.
    pub(crate) fn serving_section(&mut self, root: &DeTable<'_>) -> ServingSection {
        let mut out = ServingSection::default();
        if let Some(t) = self.optional_table(root, &[], "serving", SERVING.header) {
            self.serving_settings(t, &mut out);
        }
        let mut taken: Vec<(String, Vec<String>)> = Vec::new();
        for (t, p) in self.array_tables(root, "services", services::SERVICE.header) {
            let service = self.service(t, &p, &mut taken);
            out.services.push(service);
        }
        out.partitions = self
            .array_tables(root, "partitions", partitions::PARTITION.header)
            .into_iter()
            .map(|(t, p)| self.partition(t, &p))
            .collect();
        if let Some(t) = self.optional_table(root, &[], "random_partitions", "[random_partitions]")
        {
            out.random_partitions = Some(self.random_partitions(t));
        }
        out
    }

    /// `[serving]` (the table `t`) into `out`.
    pub(crate) fn serving_settings(&mut self, t: &DeTable<'_>, out: &mut ServingSection) {
        let path = vec!["serving".to_owned()];
        self.check_keys(t, &path, &SERVING);
        let fidelity = self.choice(t, &path, &FIDELITY);
        let interval = self.duration(t, &path, &FLOW_INTERVAL);
        let sample = self.integer(t, &path, &SAMPLE_REQUESTS);
        out.sample_requests = sample.unwrap_or(0);
        match fidelity {
            Some(1) => {
                out.fidelity = Fidelity::Flow {
                    interval: interval.unwrap_or(DEFAULT_FLOW_INTERVAL),
                };
                if sample.is_some_and(|n| n > 0) {
                    let why = "applies to fidelity = \"request\" only";
                    self.not_here(t, &path, "sample_requests", why);
                }
            }
            // An invalid fidelity was reported: the other keys cannot be judged.
            None if t.get("fidelity").is_some() => {}
            _ => self.not_here(
                t,
                &path,
                "flow_interval",
                "applies to fidelity = \"flow\" only",
            ),
        }
    }

    /// Reports `key` of `t`, if written, as not applying here, `why` (e.g. `applies to
    /// fidelity = "flow" only`).
    pub(crate) fn not_here(&mut self, t: &DeTable<'_>, path: &[String], key: &str, why: &str) {
        if t.get(key).is_none() {
            return;
        }
        let p = join(path, key);
        let span = self.map.span(&p);
        self.error(span, &p, format!("`{key}` {why}; remove it"), None);
    }

    /// Reports a key that a variant requires (`needed_for`, e.g. `for profile =
    /// "diurnal"`) when it is absent.
    pub(crate) fn needed(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
        needed_for: &str,
    ) -> bool {
        if t.get(field.key).is_some() {
            return true;
        }
        let span = self.map.span(path);
        self.error(
            span,
            &join(path, field.key),
            format!(
                "missing `{}` {needed_for}: expected {}",
                field.key,
                field.kind.expected()
            ),
            None,
        );
        false
    }

    /// `message` at `path.key`.
    pub(crate) fn error_at(&mut self, path: &[String], key: &str, message: String) {
        let p = join(path, key);
        let span = self.map.span(&p);
        self.error(span, &p, message, None);
    }
}
