//! `[jobs.<job>]` and `[job_generators.<prefix>]`: training jobs, given or drawn.

use sim_core::rng::DurationDist;
use sim_core::time::{SimDuration, SimTime};
use sim_models::workload::{
    CheckpointCost, DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_STORAGE_GBIT,
    DEFAULT_RESTART_OVERHEAD, JobGeneratorSpec, JobWork, TokenDist, TrainingJobSpec, WorkDist,
};
use toml::de::DeTable;

use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::{Parts, Walker, index, join};

/// `params`.
pub(crate) const PARAMS: Field = req(
    "params",
    Kind::PositiveNumber,
    "Model parameters, e.g. `405e9`.",
);
/// `tokens`.
pub(crate) const TOKENS: Field = opt(
    "tokens",
    Kind::PositiveNumber,
    "give `duration` instead",
    "Token budget: the job needs `6 × params × tokens` FLOPs. Exactly one of `tokens` \
     and `duration`.",
);
/// `duration`.
pub(crate) const DURATION: Field = opt(
    "duration",
    Kind::PositiveDuration,
    "give `tokens` instead",
    "Useful compute time the job needs, whatever its rate. Exactly one of `tokens` and \
     `duration`.",
);
/// `accelerators`.
pub(crate) const ACCELERATORS: Field = req(
    "accelerators",
    Kind::PositiveInt,
    "Accelerators the job runs on, gang-scheduled (all or none).",
);
/// `kinds`.
pub(crate) const KINDS: Field = opt(
    "kinds",
    Kind::StrList,
    "any kind",
    "Accelerator keys the job may run on, e.g. `[\"h100\", \"h200\"]`.",
);
/// `mfu`.
pub(crate) const MFU: Field = opt(
    "mfu",
    Kind::Fraction,
    "0.4 (Llama 3)",
    "Model FLOP utilisation.",
);
/// `checkpoint_interval`.
pub(crate) const CHECKPOINT_INTERVAL: Field = def(
    "checkpoint_interval",
    Kind::Duration,
    D::Duration(DEFAULT_CHECKPOINT_INTERVAL),
    "Compute time between checkpoints.",
);
/// `checkpoint_cost`.
pub(crate) const CHECKPOINT_COST: Field = opt(
    "checkpoint_cost",
    Kind::Duration,
    "`checkpoint_bytes` written at `storage_gbit`",
    "Time one checkpoint blocks training. Not with `checkpoint_bytes` or `storage_gbit`.",
);
/// `checkpoint_bytes`.
pub(crate) const CHECKPOINT_BYTES: Field = opt(
    "checkpoint_bytes",
    Kind::PositiveNumber,
    "the full training state, 16 bytes per parameter",
    "Checkpoint size, bytes.",
);
/// `storage_gbit`.
pub(crate) const STORAGE_GBIT: Field = def(
    "storage_gbit",
    Kind::PositiveNumber,
    D::Number(DEFAULT_CHECKPOINT_STORAGE_GBIT),
    "Storage write bandwidth available for checkpoints, Gbit/s.",
);
/// `restart_overhead`.
pub(crate) const RESTART_OVERHEAD: Field = def(
    "restart_overhead",
    Kind::Duration,
    D::Duration(DEFAULT_RESTART_OVERHEAD),
    "Time from each (re)start to the first useful step: rescheduling, loading the last \
     checkpoint, warm-up.",
);
/// `priority`.
pub(crate) const PRIORITY: Field = def(
    "priority",
    Kind::Int,
    D::Text("0"),
    "Scheduling priority; higher goes first.",
);
/// `arrival`.
pub(crate) const ARRIVAL: Field = def(
    "arrival",
    Kind::Duration,
    D::Duration(SimDuration::ZERO),
    "When the job is submitted, as a duration since the start.",
);
/// `multi_site`.
pub(crate) const MULTI_SITE: Field = def(
    "multi_site",
    Kind::Bool,
    D::Text("false"),
    "Whether the job may span sites and clouds (paying a cross-site sync every step).",
);
/// `global_batch_tokens`.
pub(crate) const GLOBAL_BATCH_TOKENS: Field = opt(
    "global_batch_tokens",
    Kind::PositiveNumber,
    "16777216 (16M)",
    "Tokens per optimiser step, for the per-step communication model.",
);
/// The table.
pub(crate) const TABLE: Table = Table {
    header: "[jobs.<job>]",
    doc: "Optional, any number. A synchronous training job. The table name is the job \
          name. Accelerator kinds are checked against the catalog when the run is built.",
    fields: &[
        PARAMS,
        TOKENS,
        DURATION,
        ACCELERATORS,
        KINDS,
        MFU,
        CHECKPOINT_INTERVAL,
        CHECKPOINT_COST,
        CHECKPOINT_BYTES,
        STORAGE_GBIT,
        RESTART_OVERHEAD,
        PRIORITY,
        ARRIVAL,
        MULTI_SITE,
        GLOBAL_BATCH_TOKENS,
    ],
    children: &[],
};

/// `[job_generators.<prefix>]`: Poisson arrivals of jobs from a recipe; the keys it
/// shares with `[jobs.<job>]` are the job's.
pub(crate) mod generator {
    use super::*;

    /// `mean_interarrival`.
    pub(crate) const MEAN_INTERARRIVAL: Field = req(
        "mean_interarrival",
        Kind::PositiveDuration,
        "Mean time between arrivals (a Poisson process).",
    );
    /// `sizes`.
    pub(crate) const SIZES: Field = req(
        "sizes",
        Kind::SizeTable,
        "Accelerators per job and their weights, e.g. `[[8, 0.6], [64, 0.3], [512, 0.1]]`.",
    );
    /// `tokens`.
    pub(crate) const TOKENS: Field = opt(
        "tokens",
        Kind::PositiveNumber,
        "another work key",
        "Every job trains on this many tokens. Exactly one work form: `tokens`, \
         `tokens_median` + `tokens_p90`, `duration`, or `duration_median` + `duration_p90`.",
    );
    /// `tokens_median`.
    pub(crate) const TOKENS_MEDIAN: Field = opt(
        "tokens_median",
        Kind::PositiveNumber,
        "another work key",
        "Median token budget of a log-normal, with `tokens_p90`.",
    );
    /// `tokens_p90`.
    pub(crate) const TOKENS_P90: Field = opt(
        "tokens_p90",
        Kind::PositiveNumber,
        "another work key",
        "90th percentile of the token budget, above `tokens_median`.",
    );
    /// `duration`.
    pub(crate) const DURATION: Field = opt(
        "duration",
        Kind::PositiveDuration,
        "another work key",
        "Every job needs this much useful compute time.",
    );
    /// `duration_median`.
    pub(crate) const DURATION_MEDIAN: Field = opt(
        "duration_median",
        Kind::PositiveDuration,
        "another work key",
        "Median useful compute time of a log-normal, with `duration_p90`.",
    );
    /// `duration_p90`.
    pub(crate) const DURATION_P90: Field = opt(
        "duration_p90",
        Kind::PositiveDuration,
        "another work key",
        "90th percentile of the useful compute time, above `duration_median`.",
    );
    /// `arrival`.
    pub(crate) const ARRIVAL: Field = def(
        "arrival",
        Kind::Duration,
        D::Duration(SimDuration::ZERO),
        "When the arrival process starts, as a duration since the start.",
    );
    /// The table.
    pub(crate) const TABLE: Table = Table {
        header: "[job_generators.<prefix>]",
        doc: "Optional, any number. Training jobs arriving at random: jobs are named \
              `<prefix>-0001`, `<prefix>-0002`, ...; their size and work are drawn, every \
              other key is as in `[jobs.<job>]`.",
        fields: &[
            MEAN_INTERARRIVAL,
            SIZES,
            TOKENS,
            TOKENS_MEDIAN,
            TOKENS_P90,
            DURATION,
            DURATION_MEDIAN,
            DURATION_P90,
            PARAMS,
            KINDS,
            MFU,
            CHECKPOINT_INTERVAL,
            CHECKPOINT_COST,
            CHECKPOINT_BYTES,
            STORAGE_GBIT,
            RESTART_OVERHEAD,
            PRIORITY,
            ARRIVAL,
            MULTI_SITE,
            GLOBAL_BATCH_TOKENS,
        ],
        children: &[],
    };
}

impl Walker {
    /// `[jobs.*]` and `[job_generators.*]`, in file order.
    pub(crate) fn workloads(&mut self, root: &DeTable<'_>, parts: &mut Parts) {
        if let Some(v) = root.get("jobs") {
            let path = vec!["jobs".to_owned()];
            for (name, t, p) in self.named(v, &path, TABLE.header, "job") {
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

    /// One `[jobs.<job>]` table.
    pub(crate) fn job(
        &mut self,
        name: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> TrainingJobSpec {
        self.check_keys(t, path, &TABLE);
        let tokens = self.number(t, path, &TOKENS);
        let duration = self.duration(t, path, &DURATION);
        let groups: &[&[&str]] = &[&["tokens"], &["duration"]];
        // A missing or invalid value leaves a zero the builder would flag under the
        // path already reported.
        let work = match self.exclusive(t, path, groups, "the job's work", true) {
            Some(1) => JobWork::Duration(duration.unwrap_or(SimDuration::ZERO)),
            _ => JobWork::Tokens(tokens.unwrap_or(0.0)),
        };
        let accelerators = self.u32(t, path, &ACCELERATORS).unwrap_or_default();
        self.job_template(name, work, accelerators, t, path, &ARRIVAL)
    }

    /// The keys a job and a generator's template share, `arrival` as `arrival`.
    pub(crate) fn job_template(
        &mut self,
        name: String,
        work: JobWork,
        accelerators: u32,
        t: &DeTable<'_>,
        path: &[String],
        arrival: &Field,
    ) -> TrainingJobSpec {
        let params = self.number(t, path, &PARAMS).unwrap_or(0.0);
        let mut spec = TrainingJobSpec::new(name, params, work, accelerators);
        spec.kinds = self.str_list(t, path, &KINDS).unwrap_or_default();
        spec.mfu = self.number(t, path, &MFU);
        if let Some(d) = self.duration(t, path, &CHECKPOINT_INTERVAL) {
            spec.checkpoint_interval = d;
        }
        let cost = self.duration(t, path, &CHECKPOINT_COST);
        let bytes = self.number(t, path, &CHECKPOINT_BYTES);
        let storage_gbit = self.number(t, path, &STORAGE_GBIT);
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
        if let Some(d) = self.duration(t, path, &RESTART_OVERHEAD) {
            spec.restart_overhead = d;
        }
        spec.priority = self.i32(t, path, &PRIORITY).unwrap_or_default();
        spec.arrival = SimTime::ZERO + self.duration(t, path, arrival).unwrap_or_default();
        spec.multi_site = self.bool(t, path, &MULTI_SITE).unwrap_or_default();
        spec.global_batch_tokens = self.number(t, path, &GLOBAL_BATCH_TOKENS);
        spec
    }

    /// One `[job_generators.<prefix>]` table.
    pub(crate) fn generator(
        &mut self,
        name: String,
        t: &DeTable<'_>,
        path: &[String],
    ) -> JobGeneratorSpec {
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
}
