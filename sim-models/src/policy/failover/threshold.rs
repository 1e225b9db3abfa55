//! `threshold`: wait if the expected repair is at most `max_wait`, else migrate.

use sim_core::time::SimDuration;

use crate::policy::decision::DecisionLog;
use crate::policy::failover::{Failover, FailoverContext, FailoverDecision, record};
use crate::policy::params::{ParamValue, PolicyParams};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;

/// Default `max_wait` of `threshold`.
pub const DEFAULT_MAX_WAIT: SimDuration = SimDuration::from_hours(1);

/// Registers `threshold`.
pub(super) fn register(r: &mut Registry) {
    r.add_failover(
        "threshold",
        "wait if the expected repair is at most max_wait (default 1h), else migrate",
        |p: &PolicyParams| {
            p.only(&["max_wait"])?;
            Ok(Box::new(Threshold {
                max_wait: max_wait(p)?,
            }) as Box<dyn Failover>)
        },
    );
}

/// `max_wait`: a duration string (`"2h"`, `"90m"`) or a number of seconds.
fn max_wait(p: &PolicyParams) -> Result<SimDuration, String> {
    let bad = |e: &dyn std::fmt::Display| {
        format!("parameter \"max_wait\": {e}; expected a duration such as \"2h\" or seconds")
    };
    match p.values.get("max_wait") {
        None => Ok(DEFAULT_MAX_WAIT),
        Some(ParamValue::Text(s)) => s.parse().map_err(|e| bad(&e)),
        Some(ParamValue::Number(secs)) => SimDuration::from_secs_f64(*secs).map_err(|e| bad(&e)),
        Some(other) => Err(bad(&format!("got {other:?}"))),
    }
}

/// `threshold`: [`FailoverDecision::Wait`] if `ctx.expected_repair <= max_wait`, else
/// [`FailoverDecision::Migrate`]. Logged options, in seconds: `wait` scored by the expected
/// repair, `migrate` by `max_wait` (so the lower one is the choice; a tie waits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// Longest expected repair worth waiting for.
    pub max_wait: SimDuration,
}

impl Default for Threshold {
    fn default() -> Self {
        Self {
            max_wait: DEFAULT_MAX_WAIT,
        }
    }
}

impl Failover for Threshold {
    fn name(&self) -> &str {
        "threshold"
    }

    fn decide(
        &mut self,
        view: &FabricView<'_>,
        ctx: &FailoverContext<'_>,
        log: &mut DecisionLog,
    ) -> FailoverDecision {
        let choice = if ctx.expected_repair <= self.max_wait {
            FailoverDecision::Wait
        } else {
            FailoverDecision::Migrate
        };
        record(
            log,
            view,
            "threshold",
            ctx,
            &[
                ("wait", ctx.expected_repair.as_secs_f64()),
                ("migrate", self.max_wait.as_secs_f64()),
            ],
            choice,
        );
        choice
    }
}
