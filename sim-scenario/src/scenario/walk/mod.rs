//! The schema walker: reads a parsed, spanned TOML document into the scenario's spec types
//! through the [`schema`] tables, collecting every error instead of stopping
//! at the first.
//!
//! Checks here are the ones a file can fail on its own: types, ranges, required and unknown
//! keys, reserved sections, key syntax, references between parts of the file (a link's
//! site keys, the sites the power sections name), and alternatives (a job's `tokens` or `duration`) given twice, in part or not
//! at all. Where a sim-models builder names a field differently from the file's key
//! (`checkpoint_cost.bytes` for `checkpoint_bytes`, a generator's `template.*`), the walker
//! records an alias so the builder's error lands on the key the file uses. References into the catalog (accelerator, cloud, region, offerings) are the
//! sim-models builders' to check; [`SourceMap::diagnose`] locates their errors.

mod policy;
mod serving;

use std::ops::Range;

use sim_core::rng::{DurationDist, LogNormal};
use sim_core::time::{SimDuration, SimTime};
use sim_models::catalog::{
    AcceleratorPatch, CatalogOverrides, CloudPatch, OfferingPatch, RegionPatch,
};
use sim_models::failure::{FailureCategory, FailureScope, FailureSpec};
use sim_models::network::{LinkSpec, NetworkSpec};
use sim_models::outage::{
    BackgroundOutageSpec, MaintenanceCadence, MaintenanceSpec, OutageLevel, ScriptedOutageSpec,
    Spread,
};
use sim_models::topology::{ClusterSpec, FabricSpec, SiteSpec};
use sim_models::workload::{
    CheckpointCost, DEFAULT_CHECKPOINT_STORAGE_GBIT, JobGeneratorSpec, JobWork, TokenDist,
    TrainingJobSpec, WorkDist,
};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, SourceMap, dotted, is_bare_key};
use super::policy::PolicySection;
use super::power::{
    CarbonProfile, Commitment, Curtailment, GridOutage, PowerSection, RandomCurtailment, SitePower,
};
use super::schema::{
    self, Field, Kind, Presence, Table, carbon, catalog, commitment, failures, generator, job,
    network, outage, power, site,
};
use super::serving::ServingSection;

/// A TOML value with its byte span.
type Value<'i> = Spanned<DeValue<'i>>;

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
    pub(crate) buildouts: Vec<sim_models::topology::BuildoutSpec>,
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
                if let Some(t) = self.table(v, &["sim".to_owned()], schema::sim::TABLE.header) {
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
        if let Some(t) = self.optional_table(root, &[], "failures", failures::TABLE.header) {
            parts.failures = self.failures(t);
            if let Some(v) = t.get("params") {
                let path = ["failures".to_owned(), "params".to_owned()];
                parts.failure_params = self.params(v, &path, failures::PARAMS.header);
            }
        }
        if let Some(t) = self.optional_table(root, &[], "policy", schema::policy::TABLE.header) {
            parts.policy = self.policy(t);
        }
        parts.buildouts = self
            .array_tables(root, "buildouts", schema::buildout::TABLE.header)
            .into_iter()
            .map(|(t, p)| self.buildout(t, &p))
            .collect();
        parts.outages = self
            .array_tables(root, "outages", outage::SCRIPTED.header)
            .into_iter()
            .map(|(t, p)| self.scripted_outage(t, &p))
            .collect();
        parts.background_outages = self
            .array_tables(root, "background_outages", outage::BACKGROUND.header)
            .into_iter()
            .map(|(t, p)| self.background_outage(t, &p))
            .collect();
        parts.maintenance = self
            .array_tables(root, "maintenance", outage::MAINTENANCE.header)
            .into_iter()
            .map(|(t, p)| self.maintenance(t, &p))
            .collect();
        let site_names: Vec<String> = parts.fabric.sites.iter().map(|s| s.name.clone()).collect();
        parts.power = self.power_section(root, &site_names);
        parts.serving = self.serving_section(root);
        parts
    }

    fn error(
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
    fn wrong_type(&mut self, v: &Value<'_>, path: &[String], expected: &str) {
        let found = describe(v.get_ref());
        self.error(
            v.span(),
            path,
            format!("expected {expected}, found {found}"),
            None,
        );
    }

    /// "expected KIND, found LITERAL" at `v` (right type, out of range).
    fn out_of_range(&mut self, v: &Value<'_>, path: &[String], kind: Kind, note: &str) {
        let literal = self.map.text.get(v.span()).unwrap_or_default().to_owned();
        self.error(
            v.span(),
            path,
            format!("expected {}, found {literal}{note}", kind.expected()),
            None,
        );
    }

    /// Reports keys of `table` that `allowed` does not list, with the nearest valid one.
    fn unknown_keys(&mut self, table: &DeTable<'_>, path: &[String], allowed: &[&str], at: &str) {
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
    fn check_keys(&mut self, table: &DeTable<'_>, path: &[String], schema: &Table) {
        let at = if path.is_empty() {
            "the top level".to_owned()
        } else {
            format!("[{}]", dotted(path))
        };
        self.unknown_keys(table, path, &schema.keys(), &at);
    }

    fn top_level_keys(&mut self, root: &DeTable<'_>) {
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
    fn optional_table<'t, 'i>(
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
    fn table<'t, 'i>(
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
    fn named<'t, 'i>(
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

    /// `table[field.key]` and its path, or `None` (reported if the field is required).
    fn value<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &[String],
        field: &Field,
    ) -> Option<(&'t Value<'i>, Vec<String>)> {
        let p = join(path, field.key);
        match table.get(field.key) {
            Some(v) => Some((v, p)),
            None => {
                if field.presence == Presence::Required {
                    let span = self.map.span(path);
                    self.error(
                        span,
                        &p,
                        format!(
                            "missing required key `{}`: expected {}",
                            field.key,
                            field.kind.expected()
                        ),
                        None,
                    );
                }
                None
            }
        }
    }

    fn str(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<String> {
        debug_assert_eq!(field.kind, Kind::Str, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        self.string_value(v, &p)
    }

    fn string_value(&mut self, v: &Value<'_>, path: &[String]) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(s.to_string()),
            DeValue::String(_) => {
                self.error(
                    v.span(),
                    path,
                    "expected a non-empty string, found an empty string",
                    None,
                );
                None
            }
            _ => {
                self.wrong_type(v, path, &Kind::Str.expected());
                None
            }
        }
    }

    fn duration(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<SimDuration> {
        debug_assert!(
            matches!(field.kind, Kind::Duration | Kind::PositiveDuration),
            "{}",
            field.key
        );
        let (v, p) = self.value(table, path, field)?;
        match v.get_ref() {
            DeValue::String(s) => match s.parse::<SimDuration>() {
                Ok(d) if d.is_zero() && field.kind == Kind::PositiveDuration => {
                    self.out_of_range(v, &p, field.kind, "");
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    self.error(v.span(), &p, e.to_string(), None);
                    None
                }
            },
            DeValue::Integer(_) | DeValue::Float(_) => {
                let literal = self.map.text.get(v.span()).unwrap_or_default();
                let message = format!(
                    "expected {}, found a number ({literal}); write the unit inside quotes, \
                     e.g. \"{literal}h\"",
                    field.kind.expected()
                );
                self.error(v.span(), &p, message, None);
                None
            }
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                None
            }
        }
    }

    /// An integer field of kind `NonNegativeInt` or `PositiveInt`, range-checked.
    fn integer(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<u64> {
        let (v, p) = self.value(table, path, field)?;
        self.integer_value(v, &p, field.kind)
    }

    /// [`Self::integer`] for a value already looked up.
    fn integer_value(&mut self, v: &Value<'_>, p: &[String], kind: Kind) -> Option<u64> {
        let (min, max) = match kind {
            Kind::NonNegativeInt => (0, u64::MAX),
            Kind::PositiveInt => (1, u64::from(u32::MAX)),
            other => unreachable!("{} is not an integer kind ({other:?})", dotted(p)),
        };
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(v, p, &kind.expected());
            return None;
        };
        let n = i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX);
        if n < i128::from(min) {
            self.out_of_range(v, p, kind, "");
            None
        } else if n > i128::from(max) {
            self.out_of_range(v, p, kind, &format!(", more than the maximum {max}"));
            None
        } else {
            u64::try_from(n).ok()
        }
    }

    fn u32(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<u32> {
        debug_assert_eq!(field.kind, Kind::PositiveInt, "{}", field.key);
        self.integer(table, path, field)
            .and_then(|n| u32::try_from(n).ok())
    }

    /// A number field (integers accepted), range-checked by its kind.
    fn number(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<f64> {
        let (v, p) = self.value(table, path, field)?;
        self.number_value(v, &p, field.kind)
    }

    /// [`Self::number`] for a value already looked up.
    fn number_value(&mut self, v: &Value<'_>, p: &[String], kind: Kind) -> Option<f64> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
                .map(|n| n as f64)
                .unwrap_or(f64::NAN),
            DeValue::Float(f) => f.as_str().parse::<f64>().unwrap_or(f64::NAN),
            _ => {
                self.wrong_type(v, p, &kind.expected());
                return None;
            }
        };
        let ok = x.is_finite()
            && match kind {
                Kind::PositiveNumber => x > 0.0,
                Kind::NonNegativeNumber => x >= 0.0,
                Kind::Pue => x >= 1.0,
                Kind::Range(lo, hi) => (lo..=hi).contains(&x),
                Kind::Fraction => x > 0.0 && x <= 1.0,
                Kind::FractionBelowOne => (0.0..1.0).contains(&x),
                Kind::HourOfDay => (0.0..24.0).contains(&x),
                Kind::AtLeastOne => x >= 1.0,
                other => unreachable!("{} is not a number kind ({other:?})", dotted(p)),
            };
        if ok {
            Some(x)
        } else {
            self.out_of_range(v, p, kind, "");
            None
        }
    }

    fn str_list(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<String>> {
        debug_assert_eq!(field.kind, Kind::StrList, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = join(&p, &i.to_string());
            match self.string_value(item, &ip) {
                Some(s) if out.contains(&s) => {
                    ok = false;
                    self.error(item.span(), &ip, format!("{s:?} is listed twice"), None);
                }
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// An integer field of kind `Int` (fits `i32`).
    fn i32(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<i32> {
        debug_assert_eq!(field.kind, Kind::Int, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let n = i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX);
        match i32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                let note = format!(", outside {} to {}", i32::MIN, i32::MAX);
                self.out_of_range(v, &p, field.kind, &note);
                None
            }
        }
    }

    fn bool(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<bool> {
        debug_assert_eq!(field.kind, Kind::Bool, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                None
            }
        }
    }

    /// A field of kind `OneOf(names)`: the index of the name given, with a "did you mean"
    /// for anything else.
    fn choice(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<usize> {
        let Kind::OneOf(names) = field.kind else {
            unreachable!("{} is not a choice field", field.key);
        };
        let (v, p) = self.value(table, path, field)?;
        let DeValue::String(s) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        if let Some(i) = names.iter().position(|n| *n == s.as_ref()) {
            return Some(i);
        }
        self.error(
            v.span(),
            &p,
            format!("expected {}, found {s:?}", field.kind.expected()),
            closest(s, names),
        );
        None
    }

    /// A `SizeTable` field: `[[accelerators, weight], ...]`. An invalid pair is reported
    /// and replaced by `(1, 1.0)`, so the rest can still be checked.
    fn sizes(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<(u32, f64)>> {
        debug_assert_eq!(field.kind, Kind::SizeTable, "{}", field.key);
        let (items, p) = self.non_empty_array(table, path, field)?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = join(&p, &i.to_string());
            let pair = match item.get_ref() {
                DeValue::Array(pair) if pair.len() == 2 => Some(pair),
                _ => None,
            };
            let Some(pair) = pair else {
                self.wrong_type(item, &ip, "an [accelerators, weight] pair such as [8, 0.6]");
                out.push((1, 1.0));
                continue;
            };
            let count = self.integer_value(&pair[0], &join(&ip, "0"), Kind::PositiveInt);
            let weight = self.number_value(&pair[1], &join(&ip, "1"), Kind::NonNegativeNumber);
            match (count.and_then(|c| u32::try_from(c).ok()), weight) {
                (Some(c), Some(w)) => out.push((c, w)),
                _ => out.push((1, 1.0)),
            }
        }
        Some(out)
    }

    /// The items of an array field that must not be empty (errors for another type or `[]`).
    fn non_empty_array<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &[String],
        field: &Field,
    ) -> Option<(&'t [Value<'i>], Vec<String>)> {
        let (v, p) = self.value(table, path, field)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        if items.is_empty() {
            self.error(
                v.span(),
                &p,
                format!("expected {}, found an empty array", field.kind.expected()),
                None,
            );
            return None;
        }
        Some((&items[..], p))
    }

    /// A `Profile` field: a non-empty array of numbers >= 0. Every bad element is reported.
    fn profile(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<Vec<f64>> {
        debug_assert_eq!(field.kind, Kind::Profile, "{}", field.key);
        let (items, p) = self.non_empty_array(table, path, field)?;
        self.non_negative_numbers(items, &p)
    }

    /// Every element of an array as a number >= 0, each bad one reported at `p.<i>`.
    fn non_negative_numbers(&mut self, items: &[Value<'_>], p: &[String]) -> Option<Vec<f64>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = join(p, &i.to_string());
            match self.number_value(item, &ip, Kind::NonNegativeNumber) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Checks that `t` gives exactly one of the alternative `groups` of keys (or at most
    /// one, unless `required`), each group whole. Reports a second group given ("conflicts
    /// with"), a group given in part (the missing key) and, if `required`, none given (at
    /// the first key). Returns the index of the first group given, if any.
    fn exclusive(
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
    fn lognormal(&mut self, p90_path: &[String], median: f64, p90: f64) -> Option<LogNormal> {
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
    fn alias(&mut self, path: &[String], to: &[&str], from: &[&str]) {
        let mut a = path.to_vec();
        a.extend(to.iter().map(|k| (*k).to_owned()));
        let mut f = path.to_vec();
        f.extend(from.iter().map(|k| (*k).to_owned()));
        self.map.alias(&a, &f);
    }

    /// The `[[key]]` array's tables with their paths (`key.<i>`).
    fn array_tables<'t, 'i>(
        &mut self,
        root: &'t DeTable<'i>,
        key: &str,
        header: &str,
    ) -> Vec<(&'t DeTable<'i>, Vec<String>)> {
        self.array_tables_in(root, &[], key, header)
    }

    /// The tables of the array `table[key]` (written at `path`) with their paths
    /// (`path.key.<i>`); a type error if it is not an array of tables.
    fn array_tables_in<'t, 'i>(
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

    fn sim(&mut self, t: &DeTable<'_>, parts: &mut Parts) {
        let path = ["sim".to_owned()];
        self.check_keys(t, &path, &schema::sim::TABLE);
        parts.name = self.str(t, &path, &schema::sim::NAME);
        if let Some(h) = self.duration(t, &path, &schema::sim::HORIZON) {
            if h.is_zero() {
                let p = join(&path, "horizon");
                let span = self.map.span(&p);
                self.error(span, &p, "expected a duration longer than 0s", None);
            }
            parts.horizon = h;
        }
        if let Some(seed) = self.integer(t, &path, &schema::sim::SEED) {
            parts.seed = seed;
        }
    }

    fn sites(&mut self, root: &DeTable<'_>) -> Vec<SiteSpec> {
        let path = vec!["sites".to_owned()];
        let no_sites = "the scenario defines no sites: add at least one [sites.<name>] table \
                        with a cluster";
        let Some(v) = root.get("sites") else {
            self.error(0..0, &path, no_sites, None);
            return Vec::new();
        };
        let named = self.named(v, &path, site::SITE.header, "site");
        if matches!(v.get_ref(), DeValue::Table(t) if t.is_empty()) {
            let span = self.map.span(&path);
            self.error(span, &path, no_sites, None);
        }
        named
            .into_iter()
            .map(|(name, t, p)| self.site(name, t, &p))
            .collect()
    }

    fn site(&mut self, name: String, t: &DeTable<'_>, path: &[String]) -> SiteSpec {
        self.check_keys(t, path, &site::SITE);
        let cloud = self.str(t, path, &site::CLOUD);
        let region = self.str(t, path, &site::REGION);
        let power_cap_mw = self.number(t, path, &site::POWER_CAP_MW);
        let pue = self.number(t, path, &site::PUE);
        let online_from = self.duration(t, path, &site::ONLINE_FROM);
        let cp = join(path, "clusters");
        let clusters = match t.get("clusters") {
            None => Vec::new(),
            Some(v) => self.named(v, &cp, site::CLUSTER.header, "cluster"),
        };
        let no_clusters = match t.get("clusters") {
            None => true,
            Some(v) => matches!(v.get_ref(), DeValue::Table(t) if t.is_empty()),
        };
        if no_clusters {
            let span = self.map.span(&cp);
            self.error(
                span,
                &cp,
                format!(
                    "site `{name}` has no clusters: add a [{}.<name>] table",
                    dotted(&cp)
                ),
                None,
            );
        }
        let clusters = clusters
            .into_iter()
            .map(|(name, t, p)| self.cluster(name, t, &p))
            .collect();
        SiteSpec {
            name,
            cloud: cloud.unwrap_or_default(),
            region: region.unwrap_or_default(),
            power_cap_mw: power_cap_mw.unwrap_or_default(),
            pue,
            online_from: SimTime::ZERO + online_from.unwrap_or(SimDuration::ZERO),
            clusters,
        }
    }

    fn cluster(&mut self, name: String, t: &DeTable<'_>, path: &[String]) -> ClusterSpec {
        self.check_keys(t, path, &site::CLUSTER);
        ClusterSpec {
            online_from: SimTime::ZERO
                + self
                    .duration(t, path, &site::CLUSTER_ONLINE_FROM)
                    .unwrap_or_default(),
            name,
            accelerator: self.str(t, path, &site::ACCELERATOR).unwrap_or_default(),
            count: self.u32(t, path, &site::COUNT).unwrap_or_default(),
            node_size: self.u32(t, path, &site::NODE_SIZE),
            rack_nodes: self
                .u32(t, path, &site::RACK_NODES)
                .unwrap_or(site::DEFAULT_RACK_NODES),
            scaleup_domain: self.u32(t, path, &site::SCALEUP_DOMAIN),
        }
    }

    fn network(&mut self, root: &DeTable<'_>, sites: &[SiteSpec]) -> NetworkSpec {
        let mut spec = NetworkSpec {
            wan_gbit_default: network::DEFAULT_WAN_GBIT,
            links: Vec::new(),
        };
        let path = vec!["network".to_owned()];
        let Some(t) = self.optional_table(root, &[], "network", network::TABLE.header) else {
            return spec;
        };
        self.check_keys(t, &path, &network::TABLE);
        if let Some(x) = self.number(t, &path, &network::WAN_GBIT_DEFAULT) {
            spec.wan_gbit_default = x;
        }
        let lp = join(&path, "links");
        let items = match t.get("links").map(|v| (v, v.get_ref())) {
            None => return spec,
            Some((_, DeValue::Array(items))) => items,
            Some((v, _)) => {
                self.wrong_type(v, &lp, "an array of tables [[network.links]]");
                return spec;
            }
        };
        // (unordered pair of site keys, path of the link that joined them first)
        let mut seen: Vec<((String, String), Vec<String>)> = Vec::new();
        let site_names: Vec<&str> = sites.iter().map(|s| s.name.as_str()).collect();
        for (i, item) in items.iter().enumerate() {
            let p = join(&lp, &i.to_string());
            let Some(t) = self.table(item, &p, network::LINK.header) else {
                continue;
            };
            self.check_keys(t, &p, &network::LINK);
            let a = self.str(t, &p, &network::A);
            let b = self.str(t, &p, &network::B);
            let gbit = self.number(t, &p, &network::GBIT);
            let rtt_ms = self.number(t, &p, &network::RTT_MS);
            for (end, key) in [(&a, "a"), (&b, "b")] {
                if let Some(name) = end
                    && !site_names.contains(&name.as_str())
                {
                    let kp = join(&p, key);
                    let span = self.map.span(&kp);
                    self.error(
                        span,
                        &kp,
                        format!(
                            "unknown site `{name}`: a link joins two site keys of this file \
                             ({})",
                            site_names.join(", ")
                        ),
                        closest(name, &site_names),
                    );
                }
            }
            if let (Some(a), Some(b)) = (&a, &b) {
                let pair = if a <= b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                if a == b {
                    let span = self.map.span(&p);
                    self.error(span, &p, format!("link joins site `{a}` to itself"), None);
                } else if let Some((_, first)) = seen.iter().find(|(q, _)| *q == pair) {
                    let (line, _) = self.map.line_column(self.map.span(first).start);
                    let message = format!(
                        "a second link between `{a}` and `{b}` (the first is {} at line \
                         {line}); give each pair of sites at most one link",
                        dotted(first)
                    );
                    let span = self.map.span(&p);
                    self.error(span, &p, message, None);
                } else {
                    seen.push((pair, p.clone()));
                }
            }
            spec.links.push(LinkSpec {
                a: a.unwrap_or_default(),
                b: b.unwrap_or_default(),
                gbit: gbit.unwrap_or_default(),
                rtt_ms,
            });
        }
        spec
    }

    fn catalog(&mut self, t: &DeTable<'_>) -> CatalogOverrides {
        let path = vec!["catalog".to_owned()];
        self.check_keys(t, &path, &catalog::TABLE);
        let mut out = CatalogOverrides::default();
        if let Some(v) = t.get("accelerators") {
            let p = join(&path, "accelerators");
            for (name, t, p) in self.named(v, &p, catalog::ACCELERATOR.header, "accelerator") {
                let patch = self.accelerator_patch(t, &p);
                if let Some(x) = self.number(t, &p, &catalog::FAILURE_RATE_FACTOR) {
                    out.failure_rate_factors.push((name.clone(), x));
                }
                out.accelerators.push((name, patch));
            }
        }
        if let Some(v) = t.get("clouds") {
            let p = join(&path, "clouds");
            for (name, t, p) in self.named(v, &p, catalog::CLOUD.header, "cloud") {
                self.check_keys(t, &p, &catalog::CLOUD);
                let patch = CloudPatch {
                    display_name: self.str(t, &p, &catalog::DISPLAY_NAME),
                    egress_usd_per_gb: self.number(t, &p, &catalog::EGRESS_USD_PER_GB),
                    inter_region_usd_per_gb: self.number(t, &p, &catalog::INTER_REGION_USD_PER_GB),
                    offers: self.str_list(t, &p, &catalog::OFFERS),
                };
                out.clouds.push((name, patch));
            }
        }
        if let Some(v) = t.get("regions") {
            let p = join(&path, "regions");
            for (cloud, t, p) in self.named(v, &p, "[catalog.regions.<cloud>]", "cloud") {
                for (region, t, p) in self.tables_in(t, &p, catalog::REGION.header, "region") {
                    self.check_keys(t, &p, &catalog::REGION);
                    let patch = RegionPatch {
                        metro: self.str(t, &p, &catalog::METRO),
                        lat: self.number(t, &p, &catalog::LAT),
                        lon: self.number(t, &p, &catalog::LON),
                        pue: self.number(t, &p, &catalog::PUE),
                        carbon_g_per_kwh: self.number(t, &p, &catalog::CARBON_G_PER_KWH),
                    };
                    out.regions.push(((cloud.clone(), region), patch));
                }
            }
        }
        if let Some(v) = t.get("offerings") {
            let p = join(&path, "offerings");
            for (cloud, t, p) in self.named(v, &p, "[catalog.offerings.<cloud>]", "cloud") {
                for (accel, t, p) in self.tables_in(t, &p, catalog::OFFERING.header, "accelerator")
                {
                    self.check_keys(t, &p, &catalog::OFFERING);
                    let patch = OfferingPatch {
                        usd_per_chip_hour: self.number(t, &p, &catalog::USD_PER_CHIP_HOUR),
                    };
                    out.offerings.push(((cloud.clone(), accel), patch));
                }
            }
        }
        out
    }

    /// [`Self::named`] for the entries of a table already known to be one.
    fn tables_in<'t, 'i>(
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

    fn accelerator_patch(&mut self, t: &DeTable<'_>, p: &[String]) -> AcceleratorPatch {
        use catalog as c;
        self.check_keys(t, p, &c::ACCELERATOR);
        AcceleratorPatch {
            display_name: self.str(t, p, &c::DISPLAY_NAME),
            vendor: self.str(t, p, &c::VENDOR),
            bf16_tflops: self.number(t, p, &c::BF16_TFLOPS),
            hbm_gb: self.number(t, p, &c::HBM_GB),
            hbm_tbps: self.number(t, p, &c::HBM_TBPS),
            tdp_w: self.number(t, p, &c::TDP_W),
            idle_w: self.number(t, p, &c::IDLE_W),
            host_w_per_chip: self.number(t, p, &c::HOST_W_PER_CHIP),
            scaleup_gbps: self.number(t, p, &c::SCALEUP_GBPS),
            scaleup_domain: self.u32(t, p, &c::SCALEUP_DOMAIN),
            scaleout_gbit: self.number(t, p, &c::SCALEOUT_GBIT),
            instance_chips: self.u32(t, p, &c::INSTANCE_CHIPS),
        }
    }

    /// `[jobs.*]` and `[job_generators.*]`, in file order.
    fn workloads(&mut self, root: &DeTable<'_>, parts: &mut Parts) {
        if let Some(v) = root.get("jobs") {
            let path = vec!["jobs".to_owned()];
            for (name, t, p) in self.named(v, &path, job::TABLE.header, "job") {
                let spec = self.job(name, t, &p);
                parts.jobs.push(spec);
            }
        }
        if let Some(v) = root.get("job_generators") {
            let path = vec!["job_generators".to_owned()];
            for (name, t, p) in self.named(v, &path, generator::TABLE.header, "generator") {
                let spec = self.generator(name, t, &p);
                parts.generators.push(spec);
            }
        }
    }

    fn job(&mut self, name: String, t: &DeTable<'_>, path: &[String]) -> TrainingJobSpec {
        self.check_keys(t, path, &job::TABLE);
        let tokens = self.number(t, path, &job::TOKENS);
        let duration = self.duration(t, path, &job::DURATION);
        let groups: &[&[&str]] = &[&["tokens"], &["duration"]];
        // A missing or invalid value leaves a zero the builder would flag under the
        // path already reported.
        let work = match self.exclusive(t, path, groups, "the job's work", true) {
            Some(1) => JobWork::Duration(duration.unwrap_or(SimDuration::ZERO)),
            _ => JobWork::Tokens(tokens.unwrap_or(0.0)),
        };
        let accelerators = self.u32(t, path, &job::ACCELERATORS).unwrap_or_default();
        self.job_template(name, work, accelerators, t, path, &job::ARRIVAL)
    }

    /// The keys a job and a generator's template share, `arrival` as `arrival`.
    fn job_template(
        &mut self,
        name: String,
        work: JobWork,
        accelerators: u32,
        t: &DeTable<'_>,
        path: &[String],
        arrival: &Field,
    ) -> TrainingJobSpec {
        let params = self.number(t, path, &job::PARAMS).unwrap_or(0.0);
        let mut spec = TrainingJobSpec::new(name, params, work, accelerators);
        spec.kinds = self.str_list(t, path, &job::KINDS).unwrap_or_default();
        spec.mfu = self.number(t, path, &job::MFU);
        if let Some(d) = self.duration(t, path, &job::CHECKPOINT_INTERVAL) {
            spec.checkpoint_interval = d;
        }
        let cost = self.duration(t, path, &job::CHECKPOINT_COST);
        let bytes = self.number(t, path, &job::CHECKPOINT_BYTES);
        let storage_gbit = self.number(t, path, &job::STORAGE_GBIT);
        let groups: &[&[&str]] = &[&["checkpoint_cost"], &["checkpoint_bytes"]];
        self.exclusive(t, path, groups, "the checkpoint cost", false);
        let groups: &[&[&str]] = &[&["checkpoint_cost"], &["storage_gbit"]];
        self.exclusive(t, path, groups, "the checkpoint cost", false);
        spec.checkpoint_cost = match cost {
            Some(d) => CheckpointCost::Time(d),
            None => {
                let storage_gbit = storage_gbit.unwrap_or(DEFAULT_CHECKPOINT_STORAGE_GBIT);
                match (CheckpointCost::full_state(params, storage_gbit), bytes) {
                    (CheckpointCost::Size { storage_gbit, .. }, Some(bytes)) => {
                        CheckpointCost::Size {
                            bytes,
                            storage_gbit,
                        }
                    }
                    (full, _) => full,
                }
            }
        };
        self.alias(path, &["checkpoint_cost", "bytes"], &["checkpoint_bytes"]);
        self.alias(
            path,
            &["checkpoint_cost", "storage_gbit"],
            &["storage_gbit"],
        );
        if let Some(d) = self.duration(t, path, &job::RESTART_OVERHEAD) {
            spec.restart_overhead = d;
        }
        spec.priority = self.i32(t, path, &job::PRIORITY).unwrap_or_default();
        spec.arrival = SimTime::ZERO + self.duration(t, path, arrival).unwrap_or_default();
        spec.multi_site = self.bool(t, path, &job::MULTI_SITE).unwrap_or_default();
        spec.global_batch_tokens = self.number(t, path, &job::GLOBAL_BATCH_TOKENS);
        spec
    }

    fn generator(&mut self, name: String, t: &DeTable<'_>, path: &[String]) -> JobGeneratorSpec {
        use generator as g;
        self.check_keys(t, path, &g::TABLE);
        let mean_interarrival = self.duration(t, path, &g::MEAN_INTERARRIVAL);
        let sizes = self.sizes(t, path, &g::SIZES);
        let tokens = self.number(t, path, &g::TOKENS);
        let tokens_median = self.number(t, path, &g::TOKENS_MEDIAN);
        let tokens_p90 = self.number(t, path, &g::TOKENS_P90);
        let duration = self.duration(t, path, &g::DURATION);
        let duration_median = self.duration(t, path, &g::DURATION_MEDIAN);
        let duration_p90 = self.duration(t, path, &g::DURATION_P90);
        let groups: &[&[&str]] = &[
            &["tokens"],
            &["tokens_median", "tokens_p90"],
            &["duration"],
            &["duration_median", "duration_p90"],
        ];
        let form = self.exclusive(t, path, groups, "the jobs' work", true);
        let p90_path = |key: &str| join(path, key);
        let work = match form {
            Some(0) => tokens.map(|t| WorkDist::Tokens(TokenDist::Constant(t))),
            Some(1) => match (tokens_median, tokens_p90) {
                (Some(m), Some(p)) => self
                    .lognormal(&p90_path("tokens_p90"), m, p)
                    .map(|d| WorkDist::Tokens(TokenDist::LogNormal(d))),
                _ => None,
            },
            Some(2) => duration.map(|d| WorkDist::Duration(DurationDist::Constant(d))),
            Some(3) => match (duration_median, duration_p90) {
                (Some(m), Some(p)) => self
                    .lognormal(&p90_path("duration_p90"), m.as_secs_f64(), p.as_secs_f64())
                    .map(|d| WorkDist::Duration(d.into())),
                _ => None,
            },
            _ => None,
        };
        // The generator replaces the template's work and size; these are placeholders.
        let template = self.job_template(
            name.clone(),
            JobWork::Duration(SimDuration::SECOND),
            1,
            t,
            path,
            &g::ARRIVAL,
        );
        // Builder errors name the template's keys under `template`, the pairs' elements
        // `accelerators` and `weight`, and a constant token budget `work.tokens`.
        let template_path = join(path, "template");
        index(&mut self.map, t, &template_path);
        self.alias(
            &template_path,
            &["checkpoint_cost", "bytes"],
            &["checkpoint_bytes"],
        );
        self.alias(
            &template_path,
            &["checkpoint_cost", "storage_gbit"],
            &["storage_gbit"],
        );
        self.alias(path, &["work", "tokens"], &["tokens"]);
        for i in 0..sizes.as_ref().map_or(0, Vec::len) {
            let i = i.to_string();
            self.alias(path, &["sizes", &i, "accelerators"], &["sizes", &i, "0"]);
            self.alias(path, &["sizes", &i, "weight"], &["sizes", &i, "1"]);
        }
        JobGeneratorSpec {
            name_prefix: name,
            mean_interarrival: mean_interarrival.unwrap_or(SimDuration::ZERO),
            sizes: sizes.unwrap_or_default(),
            work: work.unwrap_or(WorkDist::Duration(DurationDist::Constant(
                SimDuration::SECOND,
            ))),
            template,
        }
    }

    fn failures(&mut self, t: &DeTable<'_>) -> FailureSpec {
        let path = vec!["failures".to_owned()];
        self.check_keys(t, &path, &failures::TABLE);
        let mut spec = FailureSpec::default();
        if let Some(model) = self.str(t, &path, &failures::MODEL) {
            spec.model = model;
        }
        if let Some(x) = self.number(t, &path, &failures::RATE_SCALE) {
            spec.rate_scale = x;
        }
        if let Some(v) = t.get("categories") {
            let cp = join(&path, "categories");
            let header = failures::CATEGORY.header;
            for (name, t, p) in self.named(v, &cp, header, "failure category") {
                let category = self.failure_category(name, t, &p);
                spec.categories.push(category);
            }
        }
        spec
    }

    fn failure_category(
        &mut self,
        name: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> FailureCategory {
        use failures as f;
        self.check_keys(t, path, &f::CATEGORY);
        let scope = self
            .choice(t, path, &f::SCOPE)
            .map_or(FailureScope::Accelerator, |i| FailureScope::ALL[i]);
        let rate = self.number(t, path, &f::RATE_PER_ACCEL_HOUR).unwrap_or(0.0);
        let shape = self.number(t, path, &f::TTF_SHAPE).unwrap_or(1.0);
        let repair = self.duration(t, path, &f::REPAIR);
        let median = self.duration(t, path, &f::REPAIR_MEDIAN);
        let p90 = self.duration(t, path, &f::REPAIR_P90);
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

    fn buildout(&mut self, t: &DeTable<'_>, path: &[String]) -> sim_models::topology::BuildoutSpec {
        use schema::buildout as b;
        self.check_keys(t, path, &b::TABLE);
        sim_models::topology::BuildoutSpec {
            site: self.str(t, path, &b::SITE).unwrap_or_default(),
            accelerator: self.str(t, path, &b::ACCELERATOR).unwrap_or_default(),
            mw_per_week: self.number(t, path, &b::MW_PER_WEEK).unwrap_or(1.0),
            start: SimTime::ZERO + self.duration(t, path, &b::START).unwrap_or_default(),
            until: SimTime::ZERO + self.duration(t, path, &b::UNTIL).unwrap_or_default(),
            node_size: self.u32(t, path, &b::NODE_SIZE),
            rack_nodes: self.u32(t, path, &b::RACK_NODES).unwrap_or(4),
        }
    }

    fn scripted_outage(&mut self, t: &DeTable<'_>, path: &[String]) -> ScriptedOutageSpec {
        self.check_keys(t, path, &outage::SCRIPTED);
        ScriptedOutageSpec {
            scope: self.str(t, path, &outage::SCOPE).unwrap_or_default(),
            at: SimTime::ZERO + self.duration(t, path, &outage::AT).unwrap_or_default(),
            duration: self
                .duration(t, path, &outage::DURATION)
                .unwrap_or_default(),
        }
    }

    fn background_outage(&mut self, t: &DeTable<'_>, path: &[String]) -> BackgroundOutageSpec {
        use outage as o;
        self.check_keys(t, path, &o::BACKGROUND);
        let level = self
            .choice(t, path, &o::LEVEL)
            .map_or(OutageLevel::Rack, |i| OutageLevel::ALL[i]);
        let mut spec = BackgroundOutageSpec::calibrated(level);
        if let Some(x) = self.number(t, path, &o::RATE_PER_YEAR) {
            spec.rate_per_year = x;
        }
        let median = self.duration(t, path, &o::DURATION_MEDIAN);
        let p90 = self.duration(t, path, &o::DURATION_P90);
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

    fn maintenance(&mut self, t: &DeTable<'_>, path: &[String]) -> MaintenanceSpec {
        use outage as o;
        self.check_keys(t, path, &o::MAINTENANCE);
        let scope = self.str(t, path, &o::SCOPE).unwrap_or_default();
        let count = self.u32(t, path, &o::COUNT);
        let every = self.duration(t, path, &o::EVERY);
        let groups: &[&[&str]] = &[&["count"], &["every"]];
        // Left at zero when missing or invalid: the builder flags it under the path
        // already reported.
        let cadence = match self.exclusive(t, path, groups, "the cadence", true) {
            Some(1) => MaintenanceCadence::Every(every.unwrap_or_default()),
            _ => MaintenanceCadence::Count(count.unwrap_or_default()),
        };
        let spread = match self.choice(t, path, &o::SPREAD) {
            Some(1) => Spread::Random,
            _ => Spread::Even,
        };
        MaintenanceSpec {
            scope,
            cadence,
            duration: self.duration(t, path, &o::WINDOW).unwrap_or_default(),
            first_at: SimTime::ZERO + self.duration(t, path, &o::FIRST_AT).unwrap_or_default(),
            spread,
        }
    }

    /// `[power.sites.*]`, `[[curtailments]]`, `[[random_curtailments]]`, `[[grid_outages]]`,
    /// `[commitments.*]` and `[carbon.*.*]`. Site keys are checked against `sites` (the
    /// file's site keys) unless the file has none.
    fn power_section(&mut self, root: &DeTable<'_>, sites: &[String]) -> PowerSection {
        let sites: Vec<&str> = sites.iter().map(String::as_str).collect();
        let mut out = PowerSection::default();
        if let Some(t) = self.optional_table(root, &[], "power", power::TABLE.header) {
            let path = vec!["power".to_owned()];
            self.check_keys(t, &path, &power::TABLE);
            if let Some(v) = t.get("sites") {
                let sp = join(&path, "sites");
                for (name, t, p) in self.named(v, &sp, power::SITE.header, "site") {
                    self.site_ref(&name, &p, &sites);
                    out.sites.push(self.site_power(name, t, &p));
                }
            }
        }
        out.curtailments = self
            .array_tables(root, "curtailments", power::CURTAILMENT.header)
            .into_iter()
            .map(|(t, p)| self.curtailment(t, &p, &sites))
            .collect();
        out.random_curtailments = self
            .array_tables(
                root,
                "random_curtailments",
                power::RANDOM_CURTAILMENT.header,
            )
            .into_iter()
            .map(|(t, p)| self.random_curtailment(t, &p, &sites))
            .collect();
        out.grid_outages = self
            .array_tables(root, "grid_outages", power::GRID_OUTAGE.header)
            .into_iter()
            .map(|(t, p)| self.grid_outage(t, &p, &sites))
            .collect();
        if let Some(v) = root.get("commitments") {
            let path = vec!["commitments".to_owned()];
            for (cloud, t, p) in self.named(v, &path, commitment::TABLE.header, "cloud") {
                let c = self.commitment(cloud, t, &p);
                out.commitments.push(c);
            }
        }
        if let Some(v) = root.get("carbon") {
            let path = vec!["carbon".to_owned()];
            for (cloud, t, p) in self.named(v, &path, "[carbon.<cloud>]", "cloud") {
                for (region, t, p) in self.tables_in(t, &p, carbon::PROFILE.header, "region") {
                    self.check_keys(t, &p, &carbon::PROFILE);
                    let hourly = self.profile(t, &p, &carbon::HOURLY_G_PER_KWH);
                    out.carbon_profiles.push(CarbonProfile {
                        cloud: cloud.clone(),
                        region,
                        hourly_g_per_kwh: hourly.unwrap_or_default(),
                    });
                }
            }
        }
        out
    }

    /// Reports `name` (written at `path`) if the file has sites and it is not one of them.
    fn site_ref(&mut self, name: &str, path: &[String], sites: &[&str]) {
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
    fn site_field(
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

    fn site_power(&mut self, site: String, t: &DeTable<'_>, path: &[String]) -> SitePower {
        self.check_keys(t, path, &power::SITE);
        let policy = self.choice(t, path, &power::POLICY).unwrap_or(0);
        SitePower {
            site,
            policy: power::POLICIES[policy].to_owned(),
            backup_fraction: self.number(t, path, &power::BACKUP_FRACTION),
        }
    }

    fn curtailment(&mut self, t: &DeTable<'_>, path: &[String], sites: &[&str]) -> Curtailment {
        use power as w;
        self.check_keys(t, path, &w::CURTAILMENT);
        Curtailment {
            site: self
                .site_field(t, path, &w::SITE_KEY, sites)
                .unwrap_or_default(),
            at: SimTime::ZERO + self.duration(t, path, &w::AT).unwrap_or_default(),
            duration: self.duration(t, path, &w::DURATION).unwrap_or_default(),
            cap_fraction: self.number(t, path, &w::CAP_FRACTION).unwrap_or_default(),
        }
    }

    fn random_curtailment(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        sites: &[&str],
    ) -> RandomCurtailment {
        use power as w;
        self.check_keys(t, path, &w::RANDOM_CURTAILMENT);
        let site = self.site_field(t, path, &w::ANY_SITE, sites);
        let rate_per_year = self.number(t, path, &w::RATE_PER_YEAR).unwrap_or_default();
        let median = self.duration(t, path, &w::DURATION_MEDIAN);
        let p90 = self.duration(t, path, &w::DURATION_P90);
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
            cap_fraction: self.number(t, path, &w::CAP_FRACTION).unwrap_or_default(),
        }
    }

    fn grid_outage(&mut self, t: &DeTable<'_>, path: &[String], sites: &[&str]) -> GridOutage {
        use power as w;
        self.check_keys(t, path, &w::GRID_OUTAGE);
        GridOutage {
            site: self
                .site_field(t, path, &w::SITE_KEY, sites)
                .unwrap_or_default(),
            at: SimTime::ZERO + self.duration(t, path, &w::AT).unwrap_or_default(),
            duration: self.duration(t, path, &w::DURATION).unwrap_or_default(),
        }
    }

    fn commitment(&mut self, cloud: String, t: &DeTable<'_>, path: &[String]) -> Commitment {
        use commitment as c;
        self.check_keys(t, path, &c::TABLE);
        let total_usd = self.number(t, path, &c::TOTAL_USD);
        let accelerator = self.str(t, path, &c::ACCELERATOR);
        let count = self.u32(t, path, &c::COUNT);
        let price = self.number(t, path, &c::USD_PER_CHIP_HOUR);
        let groups: &[&[&str]] = &[&["total_usd"], &["accelerator", "count"]];
        let capacity = match self.exclusive(t, path, groups, "the commitment", true) {
            Some(1) => accelerator.zip(count).map(|(a, n)| (a, n, price)),
            _ => None,
        };
        Commitment {
            cloud,
            total_usd: if capacity.is_some() { None } else { total_usd },
            capacity,
            start: SimTime::ZERO + self.duration(t, path, &c::START).unwrap_or_default(),
            period: self.duration(t, path, &c::PERIOD).unwrap_or_default(),
        }
    }
}

/// Records the span of every key path of `table` (see [`SourceMap`] for which span).
fn index(map: &mut SourceMap, table: &DeTable<'_>, path: &[String]) {
    if path.is_empty() {
        map.record(path, 0..0);
    }
    for (key, v) in table.iter() {
        let p = join(path, key.get_ref());
        index_value(map, &p, key.span(), v);
    }
}

fn index_value(map: &mut SourceMap, path: &[String], key_span: Range<usize>, v: &Value<'_>) {
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

fn key_str(key: &Spanned<toml::de::DeString<'_>>) -> String {
    key.get_ref().to_string()
}

fn join(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_owned());
    p
}

/// A hint naming the table where `key` is valid, e.g. ``"; `pue` is a key of
/// [sites.<site>]"``, for a key written in the wrong table; empty if no table has it.
fn belongs_elsewhere(key: &str) -> String {
    schema::TABLES
        .iter()
        .find(|t| t.fields.iter().any(|f| f.key == key))
        .map(|t| format!("; `{key}` is a key of {}", t.header))
        .unwrap_or_default()
}

/// "a string (\"lots\")", "an integer (5)", ... for "found ..." messages.
fn describe(v: &DeValue<'_>) -> String {
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
fn closest(name: &str, candidates: &[&str]) -> Option<String> {
    sim_models::suggest::closest(name, candidates.iter().copied())
}
