//! `[[services]]`, `[[services.replicas]]` and `[[services.users]]`.

use sim_core::time::SimDuration;
use sim_models::inference::arrival::RateProfile;
use sim_models::inference::service::{
    DEFAULT_MAX_RETRIES, DEFAULT_PREFILL_MFU, DEFAULT_STARTUP, ReplicaGroupSpec, Routing,
    ServedModel, ServiceSpec,
};
use toml::de::{DeTable, DeValue};

use super::tokens::TOKEN_PRESETS;
use crate::scenario::diagnostic::{dotted, is_bare_key};
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::serving::{ServiceSection, UserArrivals, UserSection};
use crate::scenario::walk::{Walker, index, join};

/// Default SLO on the time to first token: 2 s (MLPerf Inference rules, Llama 2 70B server
/// scenario; MLCommons; recalled, published-unverified).
pub(crate) const DEFAULT_SLO_TTFT: SimDuration = SimDuration::from_secs(2);
/// Default SLO on the time per output token: 200 ms (same source).
pub(crate) const DEFAULT_SLO_TPOT: SimDuration = SimDuration::from_millis(200);

/// Bytes per weight when neither `bytes_per_param` nor `model` gives it (BF16).
pub(crate) const DEFAULT_BYTES_PER_PARAM: f64 = 2.0;

/// `name`.
pub(crate) const NAME: Field = req(
    "name",
    Kind::Str,
    "Service name, unique: letters, digits, `-` and `_`, not only digits. Errors about the \
     service are reported under `services.<name>`.",
);
/// `model`.
pub(crate) const MODEL: Field = opt(
    "model",
    Kind::OneOf(&ServedModel::PRESETS),
    "give `params` and `kv_bytes_per_token`",
    "A built-in model (parameters and KV-cache size from the Llama 3 paper); the keys below \
     override its values.",
);
/// `params`.
pub(crate) const PARAMS: Field = opt(
    "params",
    Kind::PositiveNumber,
    "the model's; required without `model`",
    "Model parameters, e.g. `70.6e9`.",
);
/// `bytes_per_param`.
pub(crate) const BYTES_PER_PARAM: Field = def(
    "bytes_per_param",
    Kind::PositiveNumber,
    D::Number(DEFAULT_BYTES_PER_PARAM),
    "Bytes per weight: 2 for BF16, 1 for FP8.",
);
/// `kv_bytes_per_token`.
pub(crate) const KV_BYTES_PER_TOKEN: Field = opt(
    "kv_bytes_per_token",
    Kind::PositiveNumber,
    "the model's; required without `model`",
    "KV-cache bytes per token of context: `2 x layers x kv_heads x head_dim x bytes` \
     (327680 for Llama 3 70B in BF16).",
);
/// `mfu`.
pub(crate) const MFU: Field = def(
    "mfu",
    Kind::Fraction,
    D::Number(DEFAULT_PREFILL_MFU),
    "Model FLOP utilisation of prefill (an estimate; decode is bound by HBM bandwidth).",
);
/// `prompt_tokens`.
pub(crate) const PROMPT_TOKENS: Field = def(
    "prompt_tokens",
    Kind::TokenDist,
    D::Str(TOKEN_PRESETS[0]),
    "Prompt length distribution: a preset fitted to the Azure LLM inference traces of \
     November 2023 (`azure-conv`: median 1,020, p90 2,734; `azure-code`: median 1,469, p90 \
     5,186), or a `{ dist = ... }` table. Unused by trace users.",
);
/// `output_tokens`.
pub(crate) const OUTPUT_TOKENS: Field = def(
    "output_tokens",
    Kind::TokenDist,
    D::Str(TOKEN_PRESETS[0]),
    "Output length distribution, as `prompt_tokens` (`azure-conv`: median 129, p90 424; \
     `azure-code`: median 13, p90 55).",
);
/// `max_batch`.
pub(crate) const MAX_BATCH: Field = req(
    "max_batch",
    Kind::PositiveInt,
    "Requests one replica decodes at once (continuous-batching slots).",
);
/// `slo_ttft`.
pub(crate) const SLO_TTFT: Field = def(
    "slo_ttft",
    Kind::PositiveDuration,
    D::Duration(DEFAULT_SLO_TTFT),
    "SLO on the time to first token, network round trip included (default: the MLPerf \
     Llama 2 70B server scenario).",
);
/// `slo_tpot`.
pub(crate) const SLO_TPOT: Field = def(
    "slo_tpot",
    Kind::PositiveDuration,
    D::Duration(DEFAULT_SLO_TPOT),
    "SLO on the time per output token (default: the MLPerf Llama 2 70B server scenario).",
);
/// Routing names, as `Routing::name` spells them.
pub(crate) const ROUTINGS: &[&str] = &["nearest", "least-loaded", "latency-aware"];
/// `routing`.
pub(crate) const ROUTING: Field = def(
    "routing",
    Kind::OneOf(ROUTINGS),
    D::Str(ROUTINGS[0]),
    "How a request picks a replica: the nearest reachable site with a live replica, the \
     least-loaded live replica anywhere, or the lowest round trip plus estimated queueing.",
);
/// `max_retries`.
pub(crate) const MAX_RETRIES: Field = def(
    "max_retries",
    Kind::NonNegativeInt,
    D::Int(DEFAULT_MAX_RETRIES as u64),
    "Times a request whose replica dies is sent elsewhere before it is dropped.",
);
/// `startup`.
pub(crate) const STARTUP: Field = def(
    "startup",
    Kind::Duration,
    D::Duration(DEFAULT_STARTUP),
    "Time a replica takes to (re)start once its nodes are up (loading weights, warm-up).",
);
/// `[[services]]`.
pub(crate) const SERVICE: Table = Table {
    header: "[[services]]",
    doc: "Optional, any number. An inference service: a model, its replicas \
          (`[[services.replicas]]`, at least one) and its users (`[[services.users]]`, at \
          least one). Give `model`, or `params` and `kv_bytes_per_token`.",
    fields: &[
        NAME,
        MODEL,
        PARAMS,
        BYTES_PER_PARAM,
        KV_BYTES_PER_TOKEN,
        MFU,
        PROMPT_TOKENS,
        OUTPUT_TOKENS,
        MAX_BATCH,
        SLO_TTFT,
        SLO_TPOT,
        ROUTING,
        MAX_RETRIES,
        STARTUP,
    ],
    children: &["replicas", "users"],
};

/// `site`.
pub(crate) const SITE: Field = opt(
    "site",
    Kind::Str,
    "give `accelerator`",
    "A site key of this file (checked when the run is built); with `cluster`, the replicas \
     always run there.",
);
/// `cluster`.
pub(crate) const CLUSTER: Field = opt(
    "cluster",
    Kind::Str,
    "give `accelerator`",
    "A cluster key of that site; its accelerator kind sets the replicas' speed.",
);
/// `accelerator`.
pub(crate) const ACCELERATOR: Field = opt(
    "accelerator",
    Kind::Str,
    "give `site` and `cluster`",
    "Instead of `site` and `cluster`: an accelerator kind; the placement policy \
     (`[policy] placement`) puts each replica on a cluster of that kind, and again \
     wherever it chooses each time the replica's nodes fail.",
);
/// `count`.
pub(crate) const COUNT: Field = req("count", Kind::PositiveInt, "Number of replicas.");
/// `chips`.
pub(crate) const CHIPS: Field = req(
    "chips",
    Kind::PositiveInt,
    "Accelerators per replica (placed as whole nodes); their HBM must hold the weights.",
);
/// `[[services.replicas]]`.
pub(crate) const REPLICAS: Table = Table {
    header: "[[services.replicas]]",
    doc: "At least one per service. Replicas of the service on one cluster (`site` and \
          `cluster`) or placed by the placement policy (`accelerator`); they hold their \
          nodes, share their failures, outages and power, and take nodes before training \
          jobs do.",
    fields: &[SITE, CLUSTER, ACCELERATOR, COUNT, CHIPS],
    children: &[],
};

/// Profile names, in the order of [`PROFILE`]'s documentation.
pub(crate) const PROFILES: &[&str] = &["constant", "diurnal", "sinusoid"];
/// `region`.
pub(crate) const REGION: Field = req(
    "region",
    Kind::Str,
    "Where the users are, as a catalog `cloud/region`, e.g. `aws/us-east-1`; round trips \
     to the replicas are measured from there.",
);
/// `rate_per_s`.
pub(crate) const RATE_PER_S: Field = opt(
    "rate_per_s",
    Kind::NonNegativeNumber,
    "give `trace`",
    "Requests per second of a Poisson process: the rate (`constant`), the rate at \
     multiplier 1 (`diurnal`) or the daily mean (`sinusoid`). Exactly one of `rate_per_s` \
     and `trace`.",
);
/// `profile`.
pub(crate) const PROFILE: Field = def(
    "profile",
    Kind::OneOf(PROFILES),
    D::Str(PROFILES[0]),
    "With `rate_per_s`: `constant`, `diurnal` (`hourly` multipliers) or `sinusoid` \
     (`amplitude`, `peak_hour`). Time zero is Monday 00:00.",
);
/// `hourly`.
pub(crate) const HOURLY: Field = opt(
    "hourly",
    Kind::Multipliers(24),
    "required for `diurnal`",
    "Rate multiplier for each hour of the day, 00:00-01:00 first.",
);
/// `amplitude`.
pub(crate) const AMPLITUDE: Field = opt(
    "amplitude",
    Kind::Range(0.0, 1.0),
    "required for `sinusoid`",
    "Relative daily swing: `rate x (1 + amplitude x cos(2 pi (h - peak_hour) / 24))`.",
);
/// `peak_hour`.
pub(crate) const PEAK_HOUR: Field = opt(
    "peak_hour",
    Kind::HourOfDay,
    "required for `sinusoid`",
    "Hour of the daily peak.",
);
/// `weekly`.
pub(crate) const WEEKLY: Field = opt(
    "weekly",
    Kind::Multipliers(7),
    "the same every day",
    "With `rate_per_s`: a rate multiplier per day of the week, Monday first.",
);
/// `trace`.
pub(crate) const TRACE: Field = opt(
    "trace",
    Kind::Str,
    "give `rate_per_s`",
    "A request trace to replay: a CSV file, relative to the scenario file's folder (the \
     current folder for the embedded default), with the header \
     `timestamp_s,prompt_tokens,output_tokens`; times are seconds since the start, never \
     decreasing; token counts are integers >= 1.",
);
/// The keys that apply to `rate_per_s` users only.
pub(crate) const RATE_KEYS: &[&str] = &["profile", "hourly", "amplitude", "peak_hour", "weekly"];
/// `[[services.users]]`.
pub(crate) const USERS: Table = Table {
    header: "[[services.users]]",
    doc: "At least one per service. A population of users in one region: a Poisson \
          process (`rate_per_s`, shaped by `profile` and `weekly`) or a replayed trace.",
    fields: &[
        REGION, RATE_PER_S, PROFILE, HOURLY, AMPLITUDE, PEAK_HOUR, WEEKLY, TRACE,
    ],
    children: &[],
};

const DIURNAL_ONLY: &str = "applies to profile = \"diurnal\" only";
const SINUSOID_ONLY: &str = "applies to profile = \"sinusoid\" only";

impl Walker {
    /// The name of service `index_path` if it is valid and not taken (then recorded in
    /// `taken`), reported otherwise.
    pub(crate) fn service_name(
        &mut self,
        t: &DeTable<'_>,
        index_path: &[String],
        taken: &mut Vec<(String, Vec<String>)>,
    ) -> Option<String> {
        let name = self.str(t, index_path, &NAME)?;
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

    /// One `[[services]]` element (at `index_path`), located under its name once it is valid.
    pub(crate) fn service(
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
        self.unknown_keys(t, &path, &SERVICE.keys(), &format!("[[services]] `{name}`"));
        let model = self.served_model(t, &path);
        let prompt_tokens = self.token_dist(t, &path, &PROMPT_TOKENS, true);
        let output_tokens = self.token_dist(t, &path, &OUTPUT_TOKENS, false);
        let routing = self
            .choice(t, &path, &ROUTING)
            .map_or(Routing::Nearest, |i| {
                Routing::from_name(ROUTINGS[i]).unwrap_or_default()
            });
        let spec = ServiceSpec {
            name,
            model,
            prompt_tokens,
            output_tokens,
            max_batch: self.u32(t, &path, &MAX_BATCH).unwrap_or(1),
            slo_ttft: self
                .duration(t, &path, &SLO_TTFT)
                .unwrap_or(DEFAULT_SLO_TTFT),
            slo_tpot: self
                .duration(t, &path, &SLO_TPOT)
                .unwrap_or(DEFAULT_SLO_TPOT),
            routing,
            max_retries: self
                .small_count(t, &path, &MAX_RETRIES)
                .unwrap_or(DEFAULT_MAX_RETRIES),
            startup: self.duration(t, &path, &STARTUP).unwrap_or(DEFAULT_STARTUP),
            replicas: self.replicas(t, &path),
            users: Vec::new(),
        };
        let users = self.members(t, &path, "users", USERS.header, "user population");
        let users = users.into_iter().map(|(t, p)| self.user(t, &p)).collect();
        ServiceSection { spec, users }
    }

    /// `model` and the keys that override or replace it. Missing or invalid values are
    /// left at harmless placeholders (the run is refused anyway).
    pub(crate) fn served_model(&mut self, t: &DeTable<'_>, path: &[String]) -> ServedModel {
        let preset = self
            .choice(t, path, &MODEL)
            .and_then(|i| ServedModel::preset(ServedModel::PRESETS[i]));
        let params = self.number(t, path, &PARAMS);
        let bytes_per_param = self.number(t, path, &BYTES_PER_PARAM);
        let kv_bytes_per_token = self.number(t, path, &KV_BYTES_PER_TOKEN);
        let mfu = self.number(t, path, &MFU);
        if t.get("model").is_none() {
            for field in [&PARAMS, &KV_BYTES_PER_TOKEN] {
                self.needed(t, path, field, "(a service without `model` needs it)");
            }
        }
        ServedModel {
            params: params.or(preset.map(|m| m.params)).unwrap_or(1.0),
            bytes_per_param: bytes_per_param
                .or(preset.map(|m| m.bytes_per_param))
                .unwrap_or(DEFAULT_BYTES_PER_PARAM),
            kv_bytes_per_token: kv_bytes_per_token
                .or(preset.map(|m| m.kv_bytes_per_token))
                .unwrap_or(1.0),
            mfu: mfu.unwrap_or(DEFAULT_PREFILL_MFU),
        }
    }

    /// The `[[<path>.<key>]]` tables of `t`, reporting an absent or empty array (a service
    /// needs at least one of each).
    pub(crate) fn members<'t, 'i>(
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

    /// The `[[services.replicas]]` of a service.
    pub(crate) fn replicas(&mut self, t: &DeTable<'_>, path: &[String]) -> Vec<ReplicaGroupSpec> {
        let groups = self.members(t, path, "replicas", REPLICAS.header, "replica group");
        groups
            .into_iter()
            .map(|(t, p)| {
                self.check_keys_as(t, &p, &REPLICAS);
                let groups: &[&[&str]] = &[&["site", "cluster"], &["accelerator"]];
                let form = self.exclusive(t, &p, groups, "where the replicas run", true);
                let site = self.str(t, &p, &SITE);
                let cluster = self.str(t, &p, &CLUSTER);
                let accelerator = self.str(t, &p, &ACCELERATOR);
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
                    count: self.u32(t, &p, &COUNT).unwrap_or(1),
                    chips: self.u32(t, &p, &CHIPS).unwrap_or(1),
                }
            })
            .collect()
    }

    /// One `[[services.users]]` element.
    pub(crate) fn user(&mut self, t: &DeTable<'_>, path: &[String]) -> UserSection {
        self.check_keys_as(t, path, &USERS);
        let region = self.str(t, path, &REGION).unwrap_or_default();
        let rate = self.number(t, path, &RATE_PER_S);
        let trace = self.str(t, path, &TRACE);
        let groups: &[&[&str]] = &[&["rate_per_s"], &["trace"]];
        let form = self.exclusive(t, path, groups, "the users' arrivals", true);
        let profile = self.choice(t, path, &PROFILE);
        let hourly = self.multipliers(t, path, &HOURLY);
        let amplitude = self.number(t, path, &AMPLITUDE);
        let peak_hour = self.number(t, path, &PEAK_HOUR);
        let weekly = self.multipliers(t, path, &WEEKLY);
        if form == Some(1) {
            for key in RATE_KEYS {
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
                self.needed(t, path, &HOURLY, "for profile = \"diurnal\"");
                for key in ["amplitude", "peak_hour"] {
                    self.not_here(t, path, key, SINUSOID_ONLY);
                }
                RateProfile::Diurnal {
                    base_rate_per_s: rate,
                    hourly: hourly.unwrap_or_else(|| vec![1.0; 24]),
                }
            }
            Some(2) => {
                for field in [&AMPLITUDE, &PEAK_HOUR] {
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
}
