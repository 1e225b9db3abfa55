//! Failover: what an interrupted training job does.
//!
//! * `wait`: stay put; restart on the same clusters once they are back.
//! * `restart`: restart wherever placement finds room, from the last checkpoint (checkpoints
//!   are assumed replicated to every region: no copy at failover time).
//! * `migrate`: restart wherever placement finds room; if that is another site, first copy
//!   the checkpoint there over the WAN (time from bytes, bandwidth and RTT; cost from egress).
//! * `threshold`: `wait` if the expected repair is shorter than `max_wait`, else `migrate`.
//!
//! The first three are one policy, [`Fixed`] (`fixed.rs`); `threshold` is [`Threshold`]
//! (`threshold.rs`).

mod fixed;
mod threshold;

use sim_core::time::SimDuration;

use crate::topology::{FailureDomain, SiteId};

use super::decision::{DecisionLog, DecisionRecord, ScoredOption};
use super::registry::Registry;
use super::view::FabricView;

pub use fixed::Fixed;
pub use threshold::{DEFAULT_MAX_WAIT, Threshold};

/// What to do with an interrupted job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailoverDecision {
    /// Restart only on the clusters it held, when they are back.
    Wait,
    /// Restart anywhere from the last checkpoint (replicated storage, no copy).
    Restart,
    /// Restart anywhere; copy the checkpoint if the new site differs.
    Migrate,
}

impl FailoverDecision {
    /// The name written to `decisions.csv`.
    pub fn name(self) -> &'static str {
        match self {
            FailoverDecision::Wait => "wait",
            FailoverDecision::Restart => "restart",
            FailoverDecision::Migrate => "migrate",
        }
    }
}

/// What the policy knows about an interruption.
#[derive(Clone, Copy, Debug)]
pub struct FailoverContext<'a> {
    /// The job.
    pub subject: &'a str,
    /// What went down.
    pub domain: FailureDomain,
    /// Expected time until it is back: the failure category's mean repair time, or the
    /// outage's announced duration.
    pub expected_repair: SimDuration,
    /// Site the job ran at (the first, if it spanned several).
    pub home: SiteId,
    /// Its accelerators.
    pub accelerators: u32,
    /// Bytes of its checkpoint.
    pub checkpoint_bytes: f64,
}

/// A failover policy.
pub trait Failover {
    /// The policy's name (as in scenario files).
    fn name(&self) -> &str;

    /// Decides what the job in `ctx` does.
    fn decide(
        &mut self,
        view: &FabricView<'_>,
        ctx: &FailoverContext<'_>,
        log: &mut DecisionLog,
    ) -> FailoverDecision;
}

/// Registers every built-in failover policy, in this order: `wait`, `restart`,
/// `migrate`, `threshold`.
pub fn register(r: &mut Registry) {
    fixed::register(r);
    threshold::register(r);
}

/// Records failover decision `choice` in `log` (when enabled) with `options` as
/// `(name, score)`.
fn record(
    log: &mut DecisionLog,
    view: &FabricView<'_>,
    policy: &str,
    ctx: &FailoverContext<'_>,
    options: &[(&str, f64)],
    choice: FailoverDecision,
) {
    if !log.is_enabled() {
        return;
    }
    log.push(DecisionRecord {
        time: view.now,
        policy: format!("failover:{policy}"),
        subject: ctx.subject.to_owned(),
        options: options
            .iter()
            .map(|&(option, score)| ScoredOption {
                option: option.to_owned(),
                score,
            })
            .collect(),
        choice: choice.name().to_owned(),
    });
}
