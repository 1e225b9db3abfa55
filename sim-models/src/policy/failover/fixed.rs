//! `wait`, `restart` and `migrate`: one policy, [`Fixed`], that always decides the same.

use crate::policy::decision::DecisionLog;
use crate::policy::failover::{Failover, FailoverContext, FailoverDecision, record};
use crate::policy::params::PolicyParams;
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;

/// Registers `wait`, `restart` and `migrate`, in this order.
pub(super) fn register(r: &mut Registry) {
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
