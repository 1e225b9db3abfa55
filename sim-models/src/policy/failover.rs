//! Failover: what an interrupted training job does.
//!
//! * `wait`: stay put; restart on the same clusters once they are back.
//! * `restart`: restart wherever placement finds room, from the last checkpoint (checkpoints
//!   are assumed replicated to every region: no copy at failover time).
//! * `migrate`: restart wherever placement finds room; if that is another site, first copy
//!   the checkpoint there over the WAN (time from bytes, bandwidth and RTT; cost from egress).
//! * `threshold`: `wait` if the expected repair is shorter than `max_wait`, else `migrate`.

pub mod builtin;

use sim_core::time::SimDuration;

use crate::topology::{FailureDomain, SiteId};

use super::decision::DecisionLog;
use super::view::FabricView;

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
