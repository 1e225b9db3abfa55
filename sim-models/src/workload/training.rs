//! A training job as a scenario describes it: [`TrainingJobSpec`], its work and checkpoint
//! cost, the defaults for omitted fields, and validation against a catalog.

use sim_core::time::{SimDuration, SimTime};

use super::checkpoint::CheckpointTimeline;
use super::rate::JobRate;
use crate::ModelError;
use crate::catalog::Catalog;
use crate::suggest::closest;

/// Training FLOPs per parameter per token: `6 N D` (forward 2, backward 4).
///
/// Source: Kaplan et al. 2020, *Scaling Laws for Neural Language Models* (used by the
/// Llama 3 paper: 6 × 405e9 × 15.6e12 = 3.79e25, published as 3.8e25).
pub const FLOPS_PER_PARAM_TOKEN: f64 = 6.0;

/// Default model FLOP utilisation: 0.40, the middle of the 38-43 % BF16 MFU that Llama 3
/// 405B reached on 8K-16K H100 (*The Llama 3 Herd of Models*, Meta 2024,
/// arXiv 2407.21783), rounded down.
pub const DEFAULT_MFU: f64 = 0.40;

/// Default global batch, tokens per optimiser step: 16M = 2,048 sequences of 8,192
/// tokens, Llama 3 405B's final batch (Llama 3 paper, Sec. 3.4.1: 4M, then 8M, then 16M
/// tokens). Published, but recalled: not re-read when this data was compiled.
pub const DEFAULT_GLOBAL_BATCH_TOKENS: f64 = 16_777_216.0;

/// Bytes of training state per parameter: BF16 weights and gradients plus FP32 Adam master
/// weights and two moments (standard mixed-precision Adam; 405B gives 6.48 TB).
pub const TRAINING_STATE_BYTES_PER_PARAM: f64 = 16.0;

/// Default checkpoint storage bandwidth, Gbit/s: 16,000 = 2 TB/s, Meta's Tectonic
/// sustained checkpoint bandwidth for Llama 3 (Llama 3 paper Sec. 3.3.1: 2 TB/s
/// sustained, 7 TB/s peak).
pub const DEFAULT_CHECKPOINT_STORAGE_GBIT: f64 = 16_000.0;

/// Default checkpoint interval: 30 min. Estimate, near the Young/Daly interval for the
/// Llama 3 job (whole-job MTBF 3.1 h from `failures_llama3.csv`, a checkpoint of a minute
/// or two gives 19-27 min).
pub const DEFAULT_CHECKPOINT_INTERVAL: SimDuration = SimDuration::from_mins(30);

/// Default restart overhead (reschedule, reload the checkpoint, warm up): 10 min.
/// Estimate; override it per job.
pub const DEFAULT_RESTART_OVERHEAD: SimDuration = SimDuration::from_mins(10);

/// How much a job has to do.
#[derive(Clone, Debug, PartialEq)]
pub enum JobWork {
    /// Train on this many tokens: `6 × params × tokens` FLOPs.
    Tokens(f64),
    /// Run for this much useful compute time, whatever the rate (restarts, checkpoints and
    /// lost work do not count toward it).
    Duration(SimDuration),
}

/// What writing one checkpoint costs the job (it blocks training for that long).
#[derive(Clone, Debug, PartialEq)]
pub enum CheckpointCost {
    /// A fixed time.
    Time(SimDuration),
    /// `bytes` written at `storage_gbit`: `8 × bytes / (storage_gbit × 1e9)` s.
    Size {
        /// Checkpoint size, bytes.
        bytes: f64,
        /// Storage write bandwidth available to the job, Gbit/s.
        storage_gbit: f64,
    },
}

impl CheckpointCost {
    /// The full training state of a `params` model ([`TRAINING_STATE_BYTES_PER_PARAM`]
    /// bytes each) written at `storage_gbit`.
    pub fn full_state(params: f64, storage_gbit: f64) -> Self {
        Self::Size {
            bytes: TRAINING_STATE_BYTES_PER_PARAM * params,
            storage_gbit,
        }
    }

    /// The time one checkpoint blocks training, rounded to the nanosecond;
    /// [`SimDuration::MAX`] for a zero bandwidth or a time that does not fit.
    pub fn time(&self) -> SimDuration {
        match *self {
            Self::Time(d) => d,
            Self::Size {
                bytes,
                storage_gbit,
            } => SimDuration::from_secs_f64(8.0 * bytes / (storage_gbit * 1e9))
                .unwrap_or(SimDuration::MAX),
        }
    }
}

/// One synchronous training job.
///
/// Build one with [`TrainingJobSpec::new`] (defaults for everything but the essentials)
/// or field by field, then [`validate`](TrainingJobSpec::validate) it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingJobSpec {
    /// Unique job name (scenario key).
    pub name: String,
    /// Model parameters.
    pub params: f64,
    /// Token budget or fixed useful compute time.
    pub work: JobWork,
    /// Accelerators the job runs on (gang-scheduled: all or none).
    pub accelerators: u32,
    /// Accelerator kinds (catalog keys) it may use; empty means any.
    pub kinds: Vec<String>,
    /// Model FLOP utilisation in (0, 1]; `None` means [`DEFAULT_MFU`].
    pub mfu: Option<f64>,
    /// Compute time between checkpoints.
    pub checkpoint_interval: SimDuration,
    /// What one checkpoint costs.
    pub checkpoint_cost: CheckpointCost,
    /// Time from (re)start to the first useful step: rescheduling, loading the last
    /// checkpoint, warm-up. Paid at the first start too.
    pub restart_overhead: SimDuration,
    /// Scheduling priority; higher goes first.
    pub priority: i32,
    /// When the job is submitted.
    pub arrival: SimTime,
    /// Whether the job may span sites or clouds (and pay the cross-site sync per step).
    pub multi_site: bool,
    /// Tokens per optimiser step, for the per-step communication model; `None` means
    /// [`DEFAULT_GLOBAL_BATCH_TOKENS`].
    pub global_batch_tokens: Option<f64>,
}

impl TrainingJobSpec {
    /// A job with the defaults: any kind, [`DEFAULT_MFU`], checkpoints of the full training
    /// state every [`DEFAULT_CHECKPOINT_INTERVAL`] at [`DEFAULT_CHECKPOINT_STORAGE_GBIT`],
    /// [`DEFAULT_RESTART_OVERHEAD`], priority 0, arrival at time zero, one site, the
    /// default global batch.
    pub fn new(name: impl Into<String>, params: f64, work: JobWork, accelerators: u32) -> Self {
        Self {
            name: name.into(),
            params,
            work,
            accelerators,
            kinds: Vec::new(),
            mfu: None,
            checkpoint_interval: DEFAULT_CHECKPOINT_INTERVAL,
            checkpoint_cost: CheckpointCost::full_state(params, DEFAULT_CHECKPOINT_STORAGE_GBIT),
            restart_overhead: DEFAULT_RESTART_OVERHEAD,
            priority: 0,
            arrival: SimTime::ZERO,
            multi_site: false,
            global_batch_tokens: None,
        }
    }

    /// The MFU in use: the spec's, else [`DEFAULT_MFU`].
    pub fn mfu(&self) -> f64 {
        self.mfu.unwrap_or(DEFAULT_MFU)
    }

    /// The global batch in use, tokens: the spec's, else [`DEFAULT_GLOBAL_BATCH_TOKENS`].
    pub fn global_batch_tokens(&self) -> f64 {
        self.global_batch_tokens
            .unwrap_or(DEFAULT_GLOBAL_BATCH_TOKENS)
    }

    /// FLOPs of one optimiser step: `6 × params × global batch tokens`.
    pub fn step_flops(&self) -> f64 {
        FLOPS_PER_PARAM_TOKEN * self.params * self.global_batch_tokens()
    }

    /// Total training FLOPs, `6 × params × tokens`; `None` for a fixed-duration job.
    pub fn total_flops(&self) -> Option<f64> {
        match self.work {
            JobWork::Tokens(tokens) => Some(FLOPS_PER_PARAM_TOKEN * self.params * tokens),
            JobWork::Duration(_) => None,
        }
    }

    /// Useful compute time the whole job needs at `rate`, s: total FLOPs / useful FLOP/s
    /// (infinite at rate zero), or the fixed duration.
    pub fn compute_secs(&self, rate: &JobRate) -> f64 {
        match self.work {
            JobWork::Tokens(_) => {
                let flops = self.total_flops().unwrap_or(0.0);
                if rate.useful_flops_per_s > 0.0 {
                    flops / rate.useful_flops_per_s
                } else {
                    f64::INFINITY
                }
            }
            JobWork::Duration(d) => d.as_secs_f64(),
        }
    }

    /// Whether the job may run on accelerator kind `kind` (any, if `kinds` is empty).
    pub fn allows(&self, kind: &str) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind)
    }

    /// The checkpoint timeline of one run segment of this job.
    ///
    /// Panics if `checkpoint_interval` is zero; [`validate`](Self::validate) first.
    pub fn timeline(&self) -> CheckpointTimeline {
        CheckpointTimeline::new(
            self.checkpoint_interval,
            self.checkpoint_cost.time(),
            self.restart_overhead,
        )
    }

    /// Checks the spec; every error is located under `path` (e.g. `["jobs", "llama"]`).
    ///
    /// Errors, all reported at once: an empty name; `params`, tokens, global batch or a
    /// checkpoint size that is not finite and positive (size: non-negative); a zero
    /// duration, accelerator count or checkpoint interval; an MFU outside (0, 1]; a
    /// storage bandwidth that is not finite and positive; an unknown or repeated
    /// accelerator kind (with a suggestion).
    pub fn validate(&self, path: &[&str], catalog: &Catalog) -> Result<(), Vec<ModelError>> {
        let mut errors = Vec::new();
        let at = |keys: &[&str], message: String| {
            let full: Vec<&str> = path.iter().chain(keys).copied().collect();
            ModelError::new(&full, message)
        };
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if self.name.trim().is_empty() {
            errors.push(at(
                &["name"],
                "empty job name; give every job a name".into(),
            ));
        }
        if !positive(self.params) {
            errors.push(at(
                &["params"],
                format!(
                    "{}: expected a positive parameter count, e.g. 405e9",
                    self.params
                ),
            ));
        }
        match self.work {
            JobWork::Tokens(t) if !positive(t) => errors.push(at(
                &["tokens"],
                format!("{t}: expected a positive token budget, e.g. 15.6e12"),
            )),
            JobWork::Duration(d) if d.is_zero() => errors.push(at(
                &["duration"],
                "0s: expected a positive useful compute time, e.g. \"7d\"".into(),
            )),
            _ => {}
        }
        if self.accelerators == 0 {
            errors.push(at(
                &["accelerators"],
                "0: expected at least one accelerator".into(),
            ));
        }
        let names = || catalog.accelerators().iter().map(|a| a.name.as_str());
        for (i, kind) in self.kinds.iter().enumerate() {
            let key = i.to_string();
            if catalog.accelerator_id(kind).is_none() {
                errors.push(
                    at(
                        &["kinds", &key],
                        format!(
                            "unknown accelerator {kind:?}; expected a catalog key such as \
                             \"h100\" (see `fabricsim catalog`)"
                        ),
                    )
                    .with_suggestion(closest(kind, names())),
                );
            } else if self.kinds[..i].contains(kind) {
                errors.push(at(
                    &["kinds", &key],
                    format!("{kind:?} is listed twice; list each kind once"),
                ));
            }
        }
        if let Some(m) = self.mfu
            && !(m.is_finite() && m > 0.0 && m <= 1.0)
        {
            errors.push(at(
                &["mfu"],
                format!("{m}: expected a fraction in (0, 1], e.g. {DEFAULT_MFU}"),
            ));
        }
        if self.checkpoint_interval.is_zero() {
            errors.push(at(
                &["checkpoint_interval"],
                "0s: expected a positive compute time between checkpoints, e.g. \"30m\"".into(),
            ));
        }
        if let CheckpointCost::Size {
            bytes,
            storage_gbit,
        } = self.checkpoint_cost
        {
            if !(bytes.is_finite() && bytes >= 0.0) {
                errors.push(at(
                    &["checkpoint_cost", "bytes"],
                    format!("{bytes}: expected a checkpoint size in bytes, >= 0"),
                ));
            }
            if !positive(storage_gbit) {
                errors.push(at(
                    &["checkpoint_cost", "storage_gbit"],
                    format!(
                        "{storage_gbit}: expected a positive storage bandwidth in Gbit/s, \
                         e.g. {DEFAULT_CHECKPOINT_STORAGE_GBIT}"
                    ),
                ));
            }
        }
        if let Some(b) = self.global_batch_tokens
            && !positive(b)
        {
            errors.push(at(
                &["global_batch_tokens"],
                format!("{b}: expected a positive number of tokens per step, e.g. 16e6"),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llama3_flops_and_checkpoint_defaults() {
        let job = TrainingJobSpec::new("llama", 405e9, JobWork::Tokens(15.6e12), 16_384);
        // 6 N D = 3.79e25 (Llama 3 paper: 3.8e25 training FLOPs).
        let flops = job.total_flops().unwrap();
        assert!((flops / 3.7908e25 - 1.0).abs() < 1e-4, "{flops}");
        // 6.48 TB at 2 TB/s = 3.24 s.
        assert_eq!(job.checkpoint_cost.time(), SimDuration::from_millis(3_240));
        assert_eq!(job.mfu(), 0.40);
        assert!(job.allows("anything"));
        let d = TrainingJobSpec::new("d", 1e9, JobWork::Duration(SimDuration::HOUR), 8);
        assert_eq!(d.total_flops(), None);
    }

    #[test]
    fn checkpoint_size_with_zero_bandwidth_never_finishes() {
        let c = CheckpointCost::Size {
            bytes: 1.0,
            storage_gbit: 0.0,
        };
        assert_eq!(c.time(), SimDuration::MAX);
    }
}
