//! The walker engine: reads a parsed, spanned TOML document into the scenario's spec types
//! through the [`schema`](super::schema) tables, collecting every error instead of stopping
//! at the first.
//!
//! Checks here are the ones a file can fail on its own: types, ranges, required and unknown
//! keys, reserved sections, key syntax, references between parts of the file (a link's
//! site keys, the sites the power sections name), and alternatives (a job's `tokens` or `duration`) given twice, in part or not
//! at all. Where a sim-models builder names a field differently from the file's key
//! (`checkpoint_cost.bytes` for `checkpoint_bytes`, a generator's `template.*`), the walker
//! records an alias so the builder's error lands on the key the file uses. References into the catalog (accelerator, cloud, region, offerings) are the
//! sim-models builders' to check; [`SourceMap::diagnose`] locates their errors.
//!
//! This module holds the engine ([`Walker`], its structural helpers and the top-level
//! dispatch), [`read`] the value readers (one per schema [`Kind`]); each section's walker
//! sits with its schema in [`super::sections`].

mod read;

use std::ops::Range;

use sim_core::rng::LogNormal;
use sim_core::time::SimDuration;
use sim_models::catalog::CatalogOverrides;
use sim_models::failure::FailureSpec;
use sim_models::network::NetworkSpec;
use sim_models::outage::{BackgroundOutageSpec, MaintenanceSpec, ScriptedOutageSpec};
use sim_models::topology::{BuildoutSpec, FabricSpec};
use sim_models::workload::{JobGeneratorSpec, TrainingJobSpec};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, SourceMap, dotted, is_bare_key};
use super::policy::PolicySection;
use super::power::PowerSection;
use super::schema::{self, Kind, Table};
use super::sections::{network, sim};
use super::serving::ServingSection;

/// A TOML value with its byte span.
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// What a file without errors describes (the [`Scenario`](super::Scenario) minus its
/// source map).
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) name: Option<String>,
    pub(crate) horizon: SimDuration,
    pub(crate) seed: u64,
    pub(crate) catalog: CatalogOverrides,
    pub(crate) fabric: FabricSpec,
    pub(crate) network: NetworkSpec,
    pub(crate) jobs: Vec<TrainingJobSpec>,
    pub(crate) generators: Vec<JobGeneratorSpec>,
    pub(crate) failures: FailureSpec,
    pub(crate) failure_params: sim_models::policy::PolicyParams,
    pub(crate) policy: PolicySection,
    pub(crate) outages: Vec<ScriptedOutageSpec>,
    pub(crate) buildouts: Vec<BuildoutSpec>,
    pub(crate) background_outages: Vec<BackgroundOutageSpec>,
    pub(crate) maintenance: Vec<MaintenanceSpec>,
    pub(crate) power: PowerSection,
    pub(crate) serving: ServingSection,
}

impl Default for Parts {
    fn default() -> Self {
        Self {
            name: None,
            horizon: SimDuration::ZERO,
            seed: 0,
            catalog: CatalogOverrides::default(),
            fabric: FabricSpec::default(),
            network: NetworkSpec {
                wan_gbit_default: network::DEFAULT_WAN_GBIT,
                links: Vec::new(),
            },
            jobs: Vec::new(),
            generators: Vec::new(),
            failures: FailureSpec::default(),
            failure_params: sim_models::policy::PolicyParams::default(),
            policy: PolicySection::default(),
            outages: Vec::new(),
            buildouts: Vec::new(),
            background_outages: Vec::new(),
            maintenance: Vec::new(),
            power: PowerSection::default(),
            serving: ServingSection::default(),
        }
    }
}

/// Walks one document; owns the source map it fills and the diagnostics it collects.
pub(crate) struct Walker {
    pub(crate) map: SourceMap,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Walker {
    /// A walker over the file `map` describes.
    pub(crate) fn new(map: SourceMap) -> Self {
        Self {
            map,
            diagnostics: Vec::new(),
        }
    }

    /// Reads the whole document. The result is meaningful only if no diagnostics were
    /// collected (missing values are left at placeholders).
    pub(crate) fn scenario(&mut self, root: &DeTable<'_>) -> Parts {
        index(&mut self.map, root, &[]);
        self.top_level_keys(root);
        let mut parts = Parts::default();
        match root.get("sim") {
            None => self.error(
                0..0,
                &["sim".to_owned()],
                "the scenario defines no [sim] section; add one with `horizon` and `seed`",
                None,
            ),
            Some(v) => {
                if let Some(t) = self.table(v, &["sim".to_owned()], sim::TABLE.header) {
                    self.sim(t, &mut parts);
                }
            }
        }
        let sites = self.sites(root);
        parts.network = self.network(root, &sites);
        parts.fabric = FabricSpec { sites };
        if let Some(t) = self.optional_table(root, &[], "catalog", "[catalog]") {
            parts.catalog = self.catalog(t);
        }
        self.workloads(root, &mut parts);
        self.failures_section(root, &mut parts);
        self.policy_section(root, &mut parts);
        parts.buildouts = self.buildouts(root);
        self.outage_sections(root, &mut parts);
        let site_names: Vec<String> = parts.fabric.sites.iter().map(|s| s.name.clone()).collect();
        parts.power = self.power_section(root, &site_names);
        parts.serving = self.serving_section(root);
        parts
    }

    /// Records a diagnostic at `span` for `path`.
    pub(crate) fn error(
        &mut self,
        span: Range<usize>,
        path: &[String],
        message: impl Into<String>,
        suggestion: Option<String>,
    ) {
        let d = self.map.diagnostic(span, path, message.into(), suggestion);
        self.diagnostics.push(d);
    }

    /// "expected KIND, found TYPE (LITERAL)" at `v`.
    pub(crate) fn wrong_type(&mut self, v: &Value<'_>, path: &[String], expected: &str) {
        let found = describe(v.get_ref());
        self.error(
            v.span(),
            path,
            format!("expected {expected}, found {found}"),
            None,
        );
    }

    /// "expected KIND, found LITERAL" at `v` (right type, out of range).
    pub(crate) fn out_of_range(&mut self, v: &Value<'_>, path: &[String], kind: Kind, note: &str) {
        let literal = self.map.text.get(v.span()).unwrap_or_default().to_owned();
        self.error(
            v.span(),
            path,
            format!("expected {}, found {literal}{note}", kind.expected()),
            None,
        );
    }

    /// Reports keys of `table` that `allowed` does not list, with the nearest valid one.
    pub(crate) fn unknown_keys(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        allowed: &[&str],
        at: &str,
    ) {
        for (key, _) in table.iter() {
            let span = key.span();
            let key = key_str(key);
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let p = join(path, &key);
            self.error(
                span,
                &p,
                format!(
                    "unknown key `{key}` in {at}; expected one of: {}{}",
                    allowed.join(", "),
                    belongs_elsewhere(&key)
                ),
                closest(&key, allowed),
            );
        }
    }

    /// Checks `table`'s keys against the schema table `schema`.
    pub(crate) fn check_keys(&mut self, table: &DeTable<'_>, path: &[String], schema: &Table) {
        let at = if path.is_empty() {
            "the top level".to_owned()
        } else {
            format!("[{}]", dotted(path))
        };
        self.unknown_keys(table, path, &schema.keys(), &at);
    }

    /// Unknown keys of an array-of-tables element, naming the table by its header.
    pub(crate) fn check_keys_as(&mut self, t: &DeTable<'_>, path: &[String], table: &Table) {
        self.unknown_keys(t, path, &table.keys(), table.header);
    }

    /// Reports unknown and reserved top-level keys.
    pub(crate) fn top_level_keys(&mut self, root: &DeTable<'_>) {
        let mut candidates: Vec<&str> = schema::TOP_LEVEL.to_vec();
        candidates.extend(schema::RESERVED.iter().map(|(k, _)| *k));
        for (key, _) in root.iter() {
            let span = key.span();
            let key = key_str(key);
            let p = vec![key.clone()];
            if schema::TOP_LEVEL.contains(&key.as_str()) {
                continue;
            }
            if let Some((_, what)) = schema::RESERVED.iter().find(|(k, _)| *k == key) {
                self.error(
                    span,
                    &p,
                    format!(
                        "the [{key}] section is reserved: {what} not simulated yet (a later \
                         release); remove it for now"
                    ),
                    None,
                );
            } else {
                self.error(
                    span,
                    &p,
                    format!(
                        "unknown top-level key `{key}`; expected one of: {}{}",
                        schema::TOP_LEVEL.join(", "),
                        belongs_elsewhere(&key)
                    ),
                    closest(&key, &candidates).or_else(|| {
                        schema::RENAMED
                            .iter()
                            .find(|(written, _)| *written == key)
                            .map(|(_, meant)| (*meant).to_owned())
                    }),
                );
            }
        }
    }

    /// `table[key]` as a table if present; a type error if it is something else.
    pub(crate) fn optional_table<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &[String],
        key: &str,
        header: &str,
    ) -> Option<&'t DeTable<'i>> {
        let v = table.get(key)?;
        self.table(v, &join(path, key), header)
    }

    /// `v` as a table, or a type error naming the table expected (`header`).
    pub(crate) fn table<'t, 'i>(
        &mut self,
        v: &'t Value<'i>,
        path: &[String],
        header: &str,
    ) -> Option<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(v, path, &format!("a table {header}"));
                None
            }
        }
    }

    /// The tables under `v`, keyed by name (sites, clusters, catalog entries), each with its
    /// path. Reports a non-table `v`, non-table entries and names that are not bare keys.
    pub(crate) fn named<'t, 'i>(
        &mut self,
        v: &'t Value<'i>,
        path: &[String],
        header: &str,
        what: &str,
    ) -> Vec<(String, &'t DeTable<'i>, Vec<String>)> {
        let parent = format!("of {header} tables, one per {what}");
        match self.table(v, path, &parent) {
            Some(t) => self.tables_in(t, path, header, what),
            None => Vec::new(),
        }
    }

    /// Checks that `t` gives exactly one of the alternative `groups` of keys (or at most
    /// one, unless `required`), each group whole. Reports a second group given ("conflicts
    /// with"), a group given in part (the missing key) and, if `required`, none given (at
    /// the first key). Returns the index of the first group given, if any.
    pub(crate) fn exclusive(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        groups: &[&[&str]],
        what: &str,
        required: bool,
    ) -> Option<usize> {
        let present = |k: &str| t.get(k).is_some();
        let given: Vec<usize> = (0..groups.len())
            .filter(|&g| groups[g].iter().any(|k| present(k)))
            .collect();
        let alternatives = groups
            .iter()
            .map(|g| {
                let keys: Vec<String> = g.iter().map(|k| format!("`{k}`")).collect();
                keys.join(" and ")
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let Some(&first) = given.first() else {
            if required {
                let p = join(path, groups[0][0]);
                let span = self.map.span(path);
                self.error(
                    span,
                    &p,
                    format!("missing {what}: give {alternatives}"),
                    None,
                );
            }
            return None;
        };
        let first_key = groups[first]
            .iter()
            .find(|k| present(k))
            .copied()
            .unwrap_or_default();
        for &g in &given[1..] {
            let key = groups[g]
                .iter()
                .find(|k| present(k))
                .copied()
                .unwrap_or_default();
            let p = join(path, key);
            let span = self.map.span(&p);
            self.error(
                span,
                &p,
                format!(
                    "`{key}` conflicts with `{first_key}`: give exactly one of {alternatives} \
                     ({what})"
                ),
                None,
            );
        }
        for &g in &given {
            let Some(have) = groups[g].iter().find(|k| present(k)) else {
                continue;
            };
            for missing in groups[g].iter().filter(|k| !present(k)) {
                let p = join(path, missing);
                let span = self.map.span(path);
                self.error(
                    span,
                    &p,
                    format!("`{have}` needs `{missing}` too ({what})"),
                    None,
                );
            }
        }
        Some(first)
    }

    /// The log-normal with this median and 90th percentile, or an error at `p90_path`.
    pub(crate) fn lognormal(
        &mut self,
        p90_path: &[String],
        median: f64,
        p90: f64,
    ) -> Option<LogNormal> {
        match LogNormal::from_median_p90(median, p90) {
            Ok(d) => Some(d),
            Err(_) => {
                let key = p90_path.last().cloned().unwrap_or_default();
                let median_key = key.replace("p90", "median");
                let span = self.map.span(p90_path);
                self.error(
                    span,
                    p90_path,
                    format!("expected `{key}` to be greater than `{median_key}`"),
                    None,
                );
                None
            }
        }
    }

    /// Records `path/to` as written where `path/from` is, so builder errors under the
    /// sim-models field names land on the key the file uses.
    pub(crate) fn alias(&mut self, path: &[String], to: &[&str], from: &[&str]) {
        let mut a = path.to_vec();
        a.extend(to.iter().map(|k| (*k).to_owned()));
        let mut f = path.to_vec();
        f.extend(from.iter().map(|k| (*k).to_owned()));
        self.map.alias(&a, &f);
    }

    /// The `[[key]]` array's tables with their paths (`key.<i>`).
    pub(crate) fn array_tables<'t, 'i>(
        &mut self,
        root: &'t DeTable<'i>,
        key: &str,
        header: &str,
    ) -> Vec<(&'t DeTable<'i>, Vec<String>)> {
        self.array_tables_in(root, &[], key, header)
    }

    /// The tables of the array `table[key]` (written at `path`) with their paths
    /// (`path.key.<i>`); a type error if it is not an array of tables.
    pub(crate) fn array_tables_in<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &[String],
        key: &str,
        header: &str,
    ) -> Vec<(&'t DeTable<'i>, Vec<String>)> {
        let path = join(path, key);
        let items = match table.get(key).map(|v| (v, v.get_ref())) {
            None => return Vec::new(),
            Some((_, DeValue::Array(items))) => items,
            Some((v, _)) => {
                self.wrong_type(v, &path, &format!("an array of tables {header}"));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = join(&path, &i.to_string());
            if let Some(t) = self.table(item, &p, header) {
                out.push((t, p));
            }
        }
        out
    }

    /// [`Self::named`] for the entries of a table already known to be one.
    pub(crate) fn tables_in<'t, 'i>(
        &mut self,
        t: &'t DeTable<'i>,
        path: &[String],
        header: &str,
        what: &str,
    ) -> Vec<(String, &'t DeTable<'i>, Vec<String>)> {
        let mut out = Vec::new();
        for (key, v) in t.iter() {
            let name = key_str(key);
            let p = join(path, &name);
            if !is_bare_key(&name) {
                self.error(
                    key.span(),
                    &p,
                    format!(
                        "the {what} key {name:?} is not a valid name: use only letters, \
                         digits, '-' and '_'"
                    ),
                    None,
                );
            }
            if let Some(t) = self.table(v, &p, header) {
                out.push((name, t, p));
            }
        }
        out
    }
}

/// Records the span of every key path of `table` (see [`SourceMap`] for which span).
pub(crate) fn index(map: &mut SourceMap, table: &DeTable<'_>, path: &[String]) {
    if path.is_empty() {
        map.record(path, 0..0);
    }
    for (key, v) in table.iter() {
        let p = join(path, key.get_ref());
        index_value(map, &p, key.span(), v);
    }
}

/// Records the span of `path` (value `v`, key at `key_span`) and of everything under it.
pub(crate) fn index_value(
    map: &mut SourceMap,
    path: &[String],
    key_span: Range<usize>,
    v: &Value<'_>,
) {
    match v.get_ref() {
        DeValue::Table(t) => {
            map.record(path, key_span);
            index(map, t, path);
        }
        DeValue::Array(items) => {
            map.record(path, v.span());
            for (i, item) in items.iter().enumerate() {
                index_value(map, &join(path, &i.to_string()), item.span(), item);
            }
        }
        _ => map.record(path, v.span()),
    }
}

/// The text of a key.
pub(crate) fn key_str(key: &Spanned<toml::de::DeString<'_>>) -> String {
    key.get_ref().to_string()
}

/// `path` with `key` appended.
pub(crate) fn join(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_owned());
    p
}

/// A hint naming the table where `key` is valid, e.g. ``"; `pue` is a key of
/// [sites.<site>]"``, for a key written in the wrong table; empty if no table has it.
pub(crate) fn belongs_elsewhere(key: &str) -> String {
    schema::TABLES
        .iter()
        .find(|t| t.fields.iter().any(|f| f.key == key))
        .map(|t| format!("; `{key}` is a key of {}", t.header))
        .unwrap_or_default()
}

/// "a string (\"lots\")", "an integer (5)", ... for "found ..." messages.
pub(crate) fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("a string ({s:?})"),
        DeValue::Integer(i) => format!("an integer ({i})"),
        DeValue::Float(f) => format!("a float ({f})"),
        DeValue::Boolean(b) => format!("a boolean ({b})"),
        DeValue::Datetime(d) => format!("a date-time ({d})"),
        DeValue::Array(items)
            if !items.is_empty() && items.iter().all(|i| i.get_ref().is_table()) =>
        {
            "an array of tables".to_owned()
        }
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

/// The valid name nearest to `name`, for "did you mean" (keys and site names alike).
pub(crate) fn closest(name: &str, candidates: &[&str]) -> Option<String> {
    sim_models::suggest::closest(name, candidates.iter().copied())
}
