//! The schema walker: reads a parsed, spanned TOML document into the scenario's spec types
//! through the [`schema`] tables, collecting every error instead of stopping
//! at the first.
//!
//! Checks here are the ones a file can fail on its own: types, ranges, required and unknown
//! keys, reserved sections, key syntax, and references between parts of the file (a link's
//! site keys). References into the catalog (accelerator, cloud, region, offerings) are the
//! sim-models builders' to check; [`SourceMap::diagnose`] locates their errors.

use std::ops::Range;

use sim_core::time::{SimDuration, SimTime};
use sim_models::catalog::{
    AcceleratorPatch, CatalogOverrides, CloudPatch, OfferingPatch, RegionPatch,
};
use sim_models::network::{LinkSpec, NetworkSpec};
use sim_models::topology::{ClusterSpec, FabricSpec, SiteSpec};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, SourceMap, dotted, is_bare_key};
use super::schema::{self, Field, Kind, Presence, Table, catalog, network, site};

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
                    closest(&key, &candidates),
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
        debug_assert_eq!(field.kind, Kind::Duration, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        match v.get_ref() {
            DeValue::String(s) => match s.parse::<SimDuration>() {
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
                    Kind::Duration.expected()
                );
                self.error(v.span(), &p, message, None);
                None
            }
            _ => {
                self.wrong_type(v, &p, &Kind::Duration.expected());
                None
            }
        }
    }

    /// An integer field of kind `NonNegativeInt` or `PositiveInt`, range-checked.
    fn integer(&mut self, table: &DeTable<'_>, path: &[String], field: &Field) -> Option<u64> {
        let (v, p) = self.value(table, path, field)?;
        let (min, max) = match field.kind {
            Kind::NonNegativeInt => (0, u64::MAX),
            Kind::PositiveInt => (1, u64::from(u32::MAX)),
            other => unreachable!("{} is not an integer field ({other:?})", field.key),
        };
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let n = i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX);
        if n < i128::from(min) {
            self.out_of_range(v, &p, field.kind, "");
            None
        } else if n > i128::from(max) {
            self.out_of_range(v, &p, field.kind, &format!(", more than the maximum {max}"));
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
        let x = match v.get_ref() {
            DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
                .map(|n| n as f64)
                .unwrap_or(f64::NAN),
            DeValue::Float(f) => f.as_str().parse::<f64>().unwrap_or(f64::NAN),
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                return None;
            }
        };
        let ok = x.is_finite()
            && match field.kind {
                Kind::PositiveNumber => x > 0.0,
                Kind::NonNegativeNumber => x >= 0.0,
                Kind::Pue => x >= 1.0,
                Kind::Range(lo, hi) => (lo..=hi).contains(&x),
                other => unreachable!("{} is not a number field ({other:?})", field.key),
            };
        if ok {
            Some(x)
        } else {
            self.out_of_range(v, &p, field.kind, "");
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
