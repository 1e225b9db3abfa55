//! Reads `[serving]`, `[[services]]`, `[[partitions]]` and `[random_partitions]`.
//!
//! A service's keys are located under its name (`services.<name>.max_batch`), as
//! `ServiceSpec::resolve` names them: once the name is read, the service's table is indexed
//! a second time under `["services", name]`. A service whose name is missing, invalid or
//! taken stays under its index (`services[1]`) and goes by that index, so builder errors
//! about it land there too. Keys that apply to one variant only (`hourly` to a diurnal
//! profile, `flow_interval` to the flow fidelity, `mean` to a geometric distribution) are
//! errors elsewhere, never silently ignored.

use sim_core::time::{SimDuration, SimTime};
use sim_models::inference::arrival::RateProfile;
use sim_models::inference::service::{
    DEFAULT_MAX_RETRIES, DEFAULT_PREFILL_MFU, DEFAULT_STARTUP, ReplicaGroupSpec, Routing,
    ServedModel, ServiceSpec,
};
use sim_models::inference::tokens::TokenDist;
use sim_models::network::{PartitionSpec, RandomPartitionSpec};
use sim_models::sim::serving::{DEFAULT_FLOW_INTERVAL, Fidelity};
use toml::de::{DeTable, DeValue};

use super::{Walker, closest, index, join};
use crate::scenario::diagnostic::{dotted, is_bare_key};
use crate::scenario::schema::serving as s;
use crate::scenario::schema::{Field, Kind, Table};
use crate::scenario::serving::{ServiceSection, ServingSection, UserArrivals, UserSection};

/// Default SLO on the time to first token: 2 s (MLPerf Inference rules, Llama 2 70B server
/// scenario; MLCommons; recalled, published-unverified).
pub(crate) const DEFAULT_SLO_TTFT: SimDuration = SimDuration::from_secs(2);
/// Default SLO on the time per output token: 200 ms (same source).
pub(crate) const DEFAULT_SLO_TPOT: SimDuration = SimDuration::from_millis(200);

const DIURNAL_ONLY: &str = "applies to profile = \"diurnal\" only";
const SINUSOID_ONLY: &str = "applies to profile = \"sinusoid\" only";

impl Walker {
    /// The serving sections of the document; empty when it has none.
    pub(super) fn serving_section(&mut self, root: &DeTable<'_>) -> ServingSection {
        let mut out = ServingSection::default();
        if let Some(t) = self.optional_table(root, &[], "serving", s::SERVING.header) {
            self.serving_settings(t, &mut out);
        }
        let mut taken: Vec<(String, Vec<String>)> = Vec::new();
        for (t, p) in self.array_tables(root, "services", s::SERVICE.header) {
            let service = self.service(t, &p, &mut taken);
            out.services.push(service);
        }
        out.partitions = self
            .array_tables(root, "partitions", s::PARTITION.header)
            .into_iter()
            .map(|(t, p)| self.partition(t, &p))
            .collect();
        if let Some(t) = self.optional_table(root, &[], "random_partitions", "[random_partitions]")
        {
            out.random_partitions = Some(self.random_partitions(t));
        }
        out
    }

    fn serving_settings(&mut self, t: &DeTable<'_>, out: &mut ServingSection) {
        let path = vec!["serving".to_owned()];
        self.check_keys(t, &path, &s::SERVING);
        let fidelity = self.choice(t, &path, &s::FIDELITY);
        let interval = self.duration(t, &path, &s::FLOW_INTERVAL);
        let sample = self.integer(t, &path, &s::SAMPLE_REQUESTS);
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
    fn not_here(&mut self, t: &DeTable<'_>, path: &[String], key: &str, why: &str) {
        if t.get(key).is_none() {
            return;
        }
        let p = join(path, key);
        let span = self.map.span(&p);
        self.error(span, &p, format!("`{key}` {why}; remove it"), None);
    }

    /// Reports a key that a variant requires (`needed_for`, e.g. `for profile =
    /// "diurnal"`) when it is absent.
    fn needed(
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

    /// The name of service `index_path` if it is valid and not taken (then recorded in
    /// `taken`), reported otherwise.
    fn service_name(
        &mut self,
        t: &DeTable<'_>,
        index_path: &[String],
        taken: &mut Vec<(String, Vec<String>)>,
    ) -> Option<String> {
        let name = self.str(t, index_path, &s::NAME)?;
        let p = join(index_path, "name");
        let span = self.map.span(&p);
        if !is_bare_key(&name) || name.bytes().all(|b| b.is_ascii_digit()) {
            self.error(
                span,
                &p,
                format!(
                    "expected a service name made of letters, digits, '-' and '_' (not only \
                     digits), found {name:?}"
                ),
                None,
            );
            return None;
        }
        if let Some((_, first)) = taken.iter().find(|(n, _)| *n == name) {
            let (line, _) = self.map.line_column(self.map.span(first).start);
            let message = format!(
                "a second service named `{name}` (the first is {} at line {line}); give each \
                 service its own name",
                dotted(first)
            );
            self.error(span, &p, message, None);
            return None;
        }
        taken.push((name.clone(), index_path.to_vec()));
        Some(name)
    }

    fn service(
        &mut self,
        t: &DeTable<'_>,
        index_path: &[String],
        taken: &mut Vec<(String, Vec<String>)>,
    ) -> ServiceSection {
        let name = self.service_name(t, index_path, taken);
        let (name, path) = match name {
            Some(name) => {
                let path = vec!["services".to_owned(), name.clone()];
                index(&mut self.map, t, &path);
                self.map.alias(&path, index_path);
                (name, path)
            }
            None => (index_path[1].clone(), index_path.to_vec()),
        };
        self.unknown_keys(
            t,
            &path,
            &s::SERVICE.keys(),
            &format!("[[services]] `{name}`"),
        );
        let model = self.served_model(t, &path);
        let prompt_tokens = self.token_dist(t, &path, &s::PROMPT_TOKENS, true);
        let output_tokens = self.token_dist(t, &path, &s::OUTPUT_TOKENS, false);
        let routing = self
            .choice(t, &path, &s::ROUTING)
            .map_or(Routing::Nearest, |i| {
                Routing::from_name(s::ROUTINGS[i]).unwrap_or_default()
            });
        let spec = ServiceSpec {
            name,
            model,
            prompt_tokens,
            output_tokens,
            max_batch: self.u32(t, &path, &s::MAX_BATCH).unwrap_or(1),
            slo_ttft: self
                .duration(t, &path, &s::SLO_TTFT)
                .unwrap_or(DEFAULT_SLO_TTFT),
            slo_tpot: self
                .duration(t, &path, &s::SLO_TPOT)
                .unwrap_or(DEFAULT_SLO_TPOT),
            routing,
            max_retries: self
                .small_count(t, &path, &s::MAX_RETRIES)
                .unwrap_or(DEFAULT_MAX_RETRIES),
            startup: self
                .duration(t, &path, &s::STARTUP)
                .unwrap_or(DEFAULT_STARTUP),
            replicas: self.replicas(t, &path),
            users: Vec::new(),
        };
        let users = self.members(t, &path, "users", s::USERS.header, "user population");
        let users = users.into_iter().map(|(t, p)| self.user(t, &p)).collect();
        ServiceSection { spec, users }
    }

    /// A `NonNegativeInt` field that must fit `u32`.
    fn small_count(&mut self, t: &DeTable<'_>, path: &[String], field: &Field) -> Option<u32> {
        let (v, p) = self.value(t, path, field)?;
        let n = self.integer_value(v, &p, field.kind)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.out_of_range(v, &p, field.kind, &format!(", more than {}", u32::MAX));
                None
            }
        }
    }

    /// `model` and the keys that override or replace it. Missing or invalid values are
    /// left at harmless placeholders (the run is refused anyway).
    fn served_model(&mut self, t: &DeTable<'_>, path: &[String]) -> ServedModel {
        let preset = self
            .choice(t, path, &s::MODEL)
            .and_then(|i| ServedModel::preset(ServedModel::PRESETS[i]));
        let params = self.number(t, path, &s::PARAMS);
        let bytes_per_param = self.number(t, path, &s::BYTES_PER_PARAM);
        let kv_bytes_per_token = self.number(t, path, &s::KV_BYTES_PER_TOKEN);
        let mfu = self.number(t, path, &s::MFU);
        if t.get("model").is_none() {
            for field in [&s::PARAMS, &s::KV_BYTES_PER_TOKEN] {
                self.needed(t, path, field, "(a service without `model` needs it)");
            }
        }
        ServedModel {
            params: params.or(preset.map(|m| m.params)).unwrap_or(1.0),
            bytes_per_param: bytes_per_param
                .or(preset.map(|m| m.bytes_per_param))
                .unwrap_or(2.0),
            kv_bytes_per_token: kv_bytes_per_token
                .or(preset.map(|m| m.kv_bytes_per_token))
                .unwrap_or(1.0),
            mfu: mfu.unwrap_or(DEFAULT_PREFILL_MFU),
        }
    }

    /// A `prompt_tokens` / `output_tokens` value: a preset name or an inline table. Absent:
    /// the `azure-conv` preset; invalid: a placeholder (reported).
    fn token_dist(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
        prompt: bool,
    ) -> TokenDist {
        let placeholder = TokenDist::Fixed(1);
        let Some((v, p)) = self.value(t, path, field) else {
            return if prompt {
                TokenDist::azure_conv_prompt()
            } else {
                TokenDist::azure_conv_output()
            };
        };
        match v.get_ref() {
            DeValue::String(name) => match (name.as_ref(), prompt) {
                ("azure-conv", true) => TokenDist::azure_conv_prompt(),
                ("azure-conv", false) => TokenDist::azure_conv_output(),
                ("azure-code", true) => TokenDist::azure_code_prompt(),
                ("azure-code", false) => TokenDist::azure_code_output(),
                _ => {
                    self.error(
                        v.span(),
                        &p,
                        format!("expected {}, found {name:?}", field.kind.expected()),
                        closest(name, s::TOKEN_PRESETS),
                    );
                    placeholder
                }
            },
            DeValue::Table(table) => self.token_table(table, &p).unwrap_or(placeholder),
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                placeholder
            }
        }
    }

    /// `{ dist = ..., ... }`: only the keys of its `dist`, each required.
    fn token_table(&mut self, t: &DeTable<'_>, path: &[String]) -> Option<TokenDist> {
        let dist = self.choice(t, path, &s::DIST);
        let all = s::TOKEN_DIST.keys();
        let allowed: Vec<&str> = match dist {
            Some(d) => std::iter::once("dist")
                .chain(s::DIST_KEYS[d].iter().copied())
                .collect(),
            None => all.clone(),
        };
        for (key, _) in t.iter() {
            let k = key.get_ref().to_string();
            if allowed.contains(&k.as_str()) {
                continue;
            }
            let p = join(path, &k);
            let message = match dist {
                Some(d) if all.contains(&k.as_str()) => format!(
                    "`{k}` does not apply to dist = \"{}\"; it takes {}",
                    s::DISTS[d],
                    s::DIST_KEYS[d].join(", ")
                ),
                _ => format!(
                    "unknown key `{k}` in a token distribution; expected one of: {}",
                    allowed.join(", ")
                ),
            };
            self.error(key.span(), &p, message, closest(&k, &allowed));
        }
        let d = dist?;
        let needed_for = format!("for dist = \"{}\"", s::DISTS[d]);
        for key in s::DIST_KEYS[d] {
            let field = s::TOKEN_DIST
                .fields
                .iter()
                .find(|f| f.key == *key)
                .expect("invariant: DIST_KEYS name fields of TOKEN_DIST");
            self.needed(t, path, field, &needed_for);
        }
        let dist = match d {
            0 => TokenDist::Fixed(self.u32(t, path, &s::VALUE)?),
            1 => TokenDist::Geometric {
                mean: self.number(t, path, &s::MEAN)?,
            },
            2 => {
                let median = self.number(t, path, &s::MEDIAN);
                let p90 = self.number(t, path, &s::P90);
                let max = self.u32(t, path, &s::MAX);
                let (median, p90, max) = (median?, p90?, max?);
                if p90 <= median {
                    let m = "expected `p90` to be greater than `median`".to_owned();
                    self.error_at(path, "p90", m);
                    return None;
                }
                if f64::from(max) < median {
                    let m = format!("expected `max` to be at least `median` ({median})");
                    self.error_at(path, "max", m);
                    return None;
                }
                TokenDist::LogNormal { median, p90, max }
            }
            _ => {
                let values = self.token_counts(t, path, &s::VALUES);
                let weights = self.profile(t, path, &s::WEIGHTS);
                let (values, weights) = (values?, weights?);
                if values.len() != weights.len() {
                    let m = format!(
                        "expected as many `weights` as `values` ({}), found {}",
                        values.len(),
                        weights.len()
                    );
                    self.error_at(path, "weights", m);
                    return None;
                }
                if weights.iter().all(|w| *w == 0.0) {
                    let m = "expected `weights` not all zero".to_owned();
                    self.error_at(path, "weights", m);
                    return None;
                }
                TokenDist::Empirical(values.into_iter().zip(weights).collect())
            }
        };
        Some(dist)
    }

    /// `message` at `path.key`.
    fn error_at(&mut self, path: &[String], key: &str, message: String) {
        let p = join(path, key);
        let span = self.map.span(&p);
        self.error(span, &p, message, None);
    }

    /// A `TokenCounts` field: a non-empty array of integers >= 1 (fits `u32`).
    fn token_counts(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<u32>> {
        let (items, p) = self.non_empty_array(t, path, field)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = join(&p, &i.to_string());
            match self.integer_value(item, &ip, Kind::PositiveInt) {
                Some(n) => out.push(u32::try_from(n).unwrap_or(u32::MAX)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A `Multipliers(n)` field: exactly `n` numbers >= 0; every bad element is reported.
    fn multipliers(&mut self, t: &DeTable<'_>, path: &[String], field: &Field) -> Option<Vec<f64>> {
        let Kind::Multipliers(n) = field.kind else {
            unreachable!("{} is not a multipliers field", field.key);
        };
        let (v, p) = self.value(t, path, field)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let mut ok = true;
        if items.len() != n {
            let found = match items.len() {
                1 => "1 value".to_owned(),
                k => format!("{k} values"),
            };
            self.error(
                v.span(),
                &p,
                format!("expected {}, found {found}", field.kind.expected()),
                None,
            );
            ok = false;
        }
        let out = self.non_negative_numbers(items, &p);
        if ok { out } else { None }
    }

    /// The `[[<path>.<key>]]` tables of `t`, reporting an absent or empty array (a service
    /// needs at least one of each).
    fn members<'t, 'i>(
        &mut self,
        t: &'t DeTable<'i>,
        path: &[String],
        key: &str,
        header: &str,
        what: &str,
    ) -> Vec<(&'t DeTable<'i>, Vec<String>)> {
        let empty = match t.get(key).map(|v| v.get_ref()) {
            None => true,
            Some(DeValue::Array(items)) => items.is_empty(),
            Some(_) => false,
        };
        if empty {
            let p = join(path, key);
            let span = self.map.span(&p);
            self.error(
                span,
                &p,
                format!("a service needs at least one {what}: add a {header} table"),
                None,
            );
        }
        self.array_tables_in(t, path, key, header)
    }

    fn replicas(&mut self, t: &DeTable<'_>, path: &[String]) -> Vec<ReplicaGroupSpec> {
        let groups = self.members(t, path, "replicas", s::REPLICAS.header, "replica group");
        groups
            .into_iter()
            .map(|(t, p)| {
                self.check_keys_as(t, &p, &s::REPLICAS);
                let groups: &[&[&str]] = &[&["site", "cluster"], &["accelerator"]];
                let form = self.exclusive(t, &p, groups, "where the replicas run", true);
                let site = self.str(t, &p, &s::SITE);
                let cluster = self.str(t, &p, &s::CLUSTER);
                let accelerator = self.str(t, &p, &s::ACCELERATOR);
                if form == Some(0) && (site.is_none() || cluster.is_none()) {
                    let span = self.map.span(&p);
                    self.error(
                        span,
                        &p,
                        "give both `site` and `cluster` (or `accelerator` alone)".to_owned(),
                        None,
                    );
                }
                let fixed = form == Some(0);
                ReplicaGroupSpec {
                    site: if fixed {
                        Some(site.unwrap_or_default())
                    } else {
                        None
                    },
                    cluster: if fixed {
                        Some(cluster.unwrap_or_default())
                    } else {
                        None
                    },
                    accelerator: if fixed {
                        None
                    } else {
                        Some(accelerator.unwrap_or_default())
                    },
                    count: self.u32(t, &p, &s::COUNT).unwrap_or(1),
                    chips: self.u32(t, &p, &s::CHIPS).unwrap_or(1),
                }
            })
            .collect()
    }

    /// Unknown keys of an array-of-tables element, naming the table by its header.
    fn check_keys_as(&mut self, t: &DeTable<'_>, path: &[String], table: &Table) {
        self.unknown_keys(t, path, &table.keys(), table.header);
    }

    fn user(&mut self, t: &DeTable<'_>, path: &[String]) -> UserSection {
        self.check_keys_as(t, path, &s::USERS);
        let region = self.str(t, path, &s::REGION).unwrap_or_default();
        let rate = self.number(t, path, &s::RATE_PER_S);
        let trace = self.str(t, path, &s::TRACE);
        let groups: &[&[&str]] = &[&["rate_per_s"], &["trace"]];
        let form = self.exclusive(t, path, groups, "the users' arrivals", true);
        let profile = self.choice(t, path, &s::PROFILE);
        let hourly = self.multipliers(t, path, &s::HOURLY);
        let amplitude = self.number(t, path, &s::AMPLITUDE);
        let peak_hour = self.number(t, path, &s::PEAK_HOUR);
        let weekly = self.multipliers(t, path, &s::WEEKLY);
        if form == Some(1) {
            for key in s::RATE_KEYS {
                let why = "applies to `rate_per_s` users only, not to a replayed trace";
                self.not_here(t, path, key, why);
            }
            return UserSection {
                region,
                arrivals: UserArrivals::TraceFile(trace.unwrap_or_default()),
            };
        }
        let rate = rate.unwrap_or(0.0);
        let profile_given = t.get("profile").is_some();
        let inner = match profile {
            // An invalid profile was reported: its keys cannot be judged.
            None if profile_given => RateProfile::Constant { rate_per_s: rate },
            Some(1) => {
                self.needed(t, path, &s::HOURLY, "for profile = \"diurnal\"");
                for key in ["amplitude", "peak_hour"] {
                    self.not_here(t, path, key, SINUSOID_ONLY);
                }
                RateProfile::Diurnal {
                    base_rate_per_s: rate,
                    hourly: hourly.unwrap_or_else(|| vec![1.0; 24]),
                }
            }
            Some(2) => {
                for field in [&s::AMPLITUDE, &s::PEAK_HOUR] {
                    self.needed(t, path, field, "for profile = \"sinusoid\"");
                }
                self.not_here(t, path, "hourly", DIURNAL_ONLY);
                RateProfile::Sinusoid {
                    mean_rate_per_s: rate,
                    amplitude: amplitude.unwrap_or(0.0),
                    peak_hour: peak_hour.unwrap_or(0.0),
                }
            }
            _ => {
                self.not_here(t, path, "hourly", DIURNAL_ONLY);
                for key in ["amplitude", "peak_hour"] {
                    self.not_here(t, path, key, SINUSOID_ONLY);
                }
                RateProfile::Constant { rate_per_s: rate }
            }
        };
        // `RateProfile::validate` names the rate by variant and nests a weekly profile's
        // inner one under `inner`: all of them are written as this table's keys.
        for prefix in [&[][..], &["inner"][..]] {
            for (model_key, file_key) in [
                ("rate_per_s", "rate_per_s"),
                ("base_rate_per_s", "rate_per_s"),
                ("mean_rate_per_s", "rate_per_s"),
                ("hourly", "hourly"),
                ("amplitude", "amplitude"),
                ("peak_hour", "peak_hour"),
            ] {
                let mut to = prefix.to_vec();
                to.push(model_key);
                self.alias(path, &to, &[file_key]);
            }
        }
        self.alias(path, &["daily"], &["weekly"]);
        for i in 0..7 {
            let i = i.to_string();
            self.alias(path, &["daily", &i], &["weekly", &i]);
        }
        let profile = match weekly.and_then(|w| <[f64; 7]>::try_from(w).ok()) {
            Some(daily) => RateProfile::Weekly {
                daily,
                inner: Box::new(inner),
            },
            None => inner,
        };
        UserSection {
            region,
            arrivals: UserArrivals::Profile(profile),
        }
    }

    fn partition(&mut self, t: &DeTable<'_>, path: &[String]) -> PartitionSpec {
        self.check_keys_as(t, path, &s::PARTITION);
        PartitionSpec {
            a: self.str(t, path, &s::A).unwrap_or_default(),
            b: self.str(t, path, &s::B),
            start: SimTime::ZERO + self.duration(t, path, &s::AT).unwrap_or_default(),
            duration: self.duration(t, path, &s::DURATION).unwrap_or_default(),
        }
    }

    fn random_partitions(&mut self, t: &DeTable<'_>) -> RandomPartitionSpec {
        let path = vec!["random_partitions".to_owned()];
        self.check_keys(t, &path, &s::RANDOM_PARTITIONS);
        let rate_per_year = self.number(t, &path, &s::RATE_PER_YEAR).unwrap_or(0.0);
        let median = self.duration(t, &path, &s::DURATION_MEDIAN);
        let p90 = self.duration(t, &path, &s::DURATION_P90);
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
