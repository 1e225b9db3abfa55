//! `[serving]`, `[[services]]` (with `[[services.replicas]]`, `[[services.users]]` and
//! their token distributions), `[[partitions]]` and `[random_partitions]`.

use sim_models::inference::service::ServedModel;

use super::*;

/// Fidelity names, in the order of [`FIDELITY`]'s documentation.
pub(crate) const FIDELITIES: &[&str] = &["request", "flow"];
/// `fidelity`.
pub(crate) const FIDELITY: Field = def(
    "fidelity",
    Kind::OneOf(FIDELITIES),
    "\"request\"",
    "`request`: every request is simulated (exact; hours to days). `flow`: rates are held \
     constant over each `flow_interval` and latencies come from a queueing approximation \
     (months to years).",
);
/// `flow_interval`.
pub(crate) const FLOW_INTERVAL: Field = def(
    "flow_interval",
    Kind::PositiveDuration,
    "\"1h\"",
    "Flow fidelity only: length of the intervals over which rates are held constant.",
);
/// `sample_requests`.
pub(crate) const SAMPLE_REQUESTS: Field = def(
    "sample_requests",
    Kind::NonNegativeInt,
    "0",
    "Request fidelity only: keep one request in this many for `requests.csv`; `0` keeps none.",
);
/// `[serving]`.
pub(crate) const SERVING: Table = Table {
    header: "[serving]",
    doc: "Optional, once. How inference services are simulated.",
    fields: &[FIDELITY, FLOW_INTERVAL, SAMPLE_REQUESTS],
    children: &[],
};

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
    "2",
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
    "0.5",
    "Model FLOP utilisation of prefill (an estimate; decode is bound by HBM bandwidth).",
);
/// Token-distribution preset names.
pub(crate) const TOKEN_PRESETS: &[&str] = &["azure-conv", "azure-code"];
/// `prompt_tokens`.
pub(crate) const PROMPT_TOKENS: Field = def(
    "prompt_tokens",
    Kind::TokenDist,
    "\"azure-conv\"",
    "Prompt length distribution: a preset fitted to the Azure LLM inference traces of \
     November 2023 (`azure-conv`: median 1,020, p90 2,734; `azure-code`: median 1,469, p90 \
     5,186), or a `{ dist = ... }` table. Unused by trace users.",
);
/// `output_tokens`.
pub(crate) const OUTPUT_TOKENS: Field = def(
    "output_tokens",
    Kind::TokenDist,
    "\"azure-conv\"",
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
    "\"2s\"",
    "SLO on the time to first token, network round trip included (default: the MLPerf \
     Llama 2 70B server scenario).",
);
/// `slo_tpot`.
pub(crate) const SLO_TPOT: Field = def(
    "slo_tpot",
    Kind::PositiveDuration,
    "\"200ms\"",
    "SLO on the time per output token (default: the MLPerf Llama 2 70B server scenario).",
);
/// Routing names, as `Routing::name` spells them.
pub(crate) const ROUTINGS: &[&str] = &["nearest", "least-loaded", "latency-aware"];
/// `routing`.
pub(crate) const ROUTING: Field = def(
    "routing",
    Kind::OneOf(ROUTINGS),
    "\"nearest\"",
    "How a request picks a replica: the nearest reachable site with a live replica, the \
     least-loaded live replica anywhere, or the lowest round trip plus estimated queueing.",
);
/// `max_retries`.
pub(crate) const MAX_RETRIES: Field = def(
    "max_retries",
    Kind::NonNegativeInt,
    "2",
    "Times a request whose replica dies is sent elsewhere before it is dropped.",
);
/// `startup`.
pub(crate) const STARTUP: Field = def(
    "startup",
    Kind::Duration,
    "\"5m\"",
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

/// Distribution names, in the order of [`DIST`]'s documentation.
pub(crate) const DISTS: &[&str] = &["fixed", "geometric", "lognormal", "empirical"];
/// `dist`.
pub(crate) const DIST: Field = req(
    "dist",
    Kind::OneOf(DISTS),
    "`fixed` (`value`), `geometric` (`mean`), `lognormal` (`median`, `p90`, `max`) or \
     `empirical` (`values`, `weights`); no other keys.",
);
/// `value`.
pub(crate) const VALUE: Field = opt(
    "value",
    Kind::PositiveInt,
    "required for `fixed`",
    "Every request has this many tokens.",
);
/// `mean`.
pub(crate) const MEAN: Field = opt(
    "mean",
    Kind::AtLeastOne,
    "required for `geometric`",
    "Mean of `1 + Geometric` (memoryless lengths).",
);
/// `median`.
pub(crate) const MEDIAN: Field = opt(
    "median",
    Kind::PositiveNumber,
    "required for `lognormal`",
    "Median of the log-normal.",
);
/// `p90`.
pub(crate) const P90: Field = opt(
    "p90",
    Kind::PositiveNumber,
    "required for `lognormal`",
    "90th percentile, above `median`.",
);
/// `max`.
pub(crate) const MAX: Field = opt(
    "max",
    Kind::PositiveInt,
    "required for `lognormal`",
    "Longest length drawn (the log-normal is truncated there), at least `median`.",
);
/// `values`.
pub(crate) const VALUES: Field = opt(
    "values",
    Kind::TokenCounts,
    "required for `empirical`",
    "Token counts, e.g. `[10, 100, 1000]`.",
);
/// `weights`.
pub(crate) const WEIGHTS: Field = opt(
    "weights",
    Kind::Profile,
    "required for `empirical`",
    "Relative weight of each value, as many as `values`, not all zero.",
);
/// The keys each distribution takes besides `dist`, in [`DISTS`] order.
pub(crate) const DIST_KEYS: [&[&str]; 4] = [
    &["value"],
    &["mean"],
    &["median", "p90", "max"],
    &["values", "weights"],
];
/// A `prompt_tokens` or `output_tokens` inline table.
pub(crate) const TOKEN_DIST: Table = Table {
    header: "[[services]] prompt_tokens / output_tokens = { dist = ... }",
    doc: "A token-length distribution written inline, e.g. `output_tokens = { dist = \
          \"lognormal\", median = 129, p90 = 424, max = 1000 }`. Every draw is an integer \
          >= 1.",
    fields: &[DIST, VALUE, MEAN, MEDIAN, P90, MAX, VALUES, WEIGHTS],
    children: &[],
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
    "\"constant\"",
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
