//! Why a policy decided what it did: the options it scored and its choice.

use sim_core::time::SimTime;

/// One option a policy considered, with its score (lower is better unless the policy says
/// otherwise in its docs).
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredOption {
    /// What the option is, e.g. `aws-use1/h100-a x 128 nodes` or `wait`.
    pub option: String,
    /// Its score.
    pub score: f64,
}

/// One decision (a row of `decisions.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRecord {
    /// When.
    pub time: SimTime,
    /// The policy's role and name, e.g. `placement:cheapest`.
    pub policy: String,
    /// Who it was for: a job or a replica (`service/chat#3`).
    pub subject: String,
    /// The options scored, best first.
    pub options: Vec<ScoredOption>,
    /// The option chosen, or `none` when nothing fit.
    pub choice: String,
}

/// Where decisions are written; disabled by default (a run keeps none).
#[derive(Clone, Debug, Default)]
pub struct DecisionLog {
    enabled: bool,
    /// Options kept per decision at most (the best ones).
    max_options: usize,
    records: Vec<DecisionRecord>,
}

impl DecisionLog {
    /// A log that keeps every decision with up to `max_options` options each.
    pub fn enabled(max_options: usize) -> Self {
        Self {
            enabled: true,
            max_options: max_options.max(1),
            records: Vec::new(),
        }
    }

    /// Whether decisions are being kept (policies skip formatting options when not).
    #[inline]
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Keeps `record` (its options sorted best first and cut to the limit).
    pub fn push(&mut self, mut record: DecisionRecord) {
        if !self.enabled {
            return;
        }
        record.options.sort_by(|a, b| a.score.total_cmp(&b.score));
        record.options.truncate(self.max_options);
        self.records.push(record);
    }

    /// The decisions kept, in time order.
    pub fn records(&self) -> &[DecisionRecord] {
        &self.records
    }

    /// Takes the decisions kept.
    pub fn take(&mut self) -> Vec<DecisionRecord> {
        std::mem::take(&mut self.records)
    }
}
