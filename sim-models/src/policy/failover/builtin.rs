//! The built-in failover policies: [`Fixed`] (`wait`, `restart`, `migrate`) and
//! [`Threshold`].

use sim_core::time::SimDuration;

use super::super::decision::{DecisionLog, DecisionRecord, ScoredOption};
use super::super::registry::{ParamValue, PolicyParams, Registry};
use super::super::view::FabricView;
use super::{Failover, FailoverContext, FailoverDecision};

/// Default `max_wait` of `threshold`.
pub const DEFAULT_MAX_WAIT: SimDuration = SimDuration::from_hours(1);

/// Registers every built-in failover policy.
pub fn register(r: &mut Registry) {
    for (decision, summary) in [
        (
            FailoverDecision::Wait,
            "wait for the failed capacity to come back, then restart in place",
        ),
        (
            FailoverDecision::Restart,
            "restart anywhere from the last checkpoint (replicated checkpoints)",
        ),
        (
            FailoverDecision::Migrate,
            "restart anywhere, copying the checkpoint over the WAN to a new site",
        ),
    ] {
        r.add_failover(decision.name(), summary, move |p: &PolicyParams| {
            p.only(&[])?;
            Ok(Box::new(Fixed(decision)) as Box<dyn Failover>)
        });
    }
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

/// Always the same decision (`wait`, `restart`, `migrate`); logged as its only option,
/// scored 0.
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub FailoverDecision);

impl Failover for Fixed {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn decide(
        &mut self,
        view: &FabricView<'_>,
        ctx: &FailoverContext<'_>,
        log: &mut DecisionLog,
    ) -> FailoverDecision {
        record(
            log,
            view,
            self.0.name(),
            ctx,
            &[(self.0.name(), 0.0)],
            self.0,
        );
        self.0
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
