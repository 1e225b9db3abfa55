//! Interruptions: jobs and replicas hit by a failure, an outage or a power preemption
//! stop; each job's failover policy decides how it restarts (`restart` anywhere, `wait`
//! for its own nodes, `migrate` with a copy of its checkpoint), and it is queued again.

use sim_core::engine::Context;
use sim_core::time::{SimDuration, SimTime};

use super::FabricSim;
use super::events::Ev;
use super::report::{Cause, InterruptionRecord};
use super::serving;
use crate::network::TransferParams;
use crate::outage::OutageKind;
use crate::policy::{FailoverContext, FailoverDecision};
use crate::topology::{ClusterId, FailureDomain, SiteId};
use crate::workload::TRAINING_STATE_BYTES_PER_PARAM;

impl FabricSim<'_> {
    /// Interrupts every job and replica in `self.hit` because of `cause` in `domain`,
    /// expected back after `expected_repair`; each interrupted job's failover policy
    /// decides where it restarts (a power preemption simply requeues).
    pub(super) fn interrupt_hit(
        &mut self,
        cause: Cause,
        domain: FailureDomain,
        expected_repair: SimDuration,
        ctx: &mut Context<'_, Ev>,
    ) {
        let hit = std::mem::take(&mut self.hit);
        if hit.iter().any(|&j| j < serving::REPLICA_OWNER_BASE) && cause != Cause::Power {
            self.refresh_view(ctx.now());
        }
        for &job in &hit {
            if job >= serving::REPLICA_OWNER_BASE {
                self.replica_hit(job - serving::REPLICA_OWNER_BASE, ctx);
                continue;
            }
            self.interrupt_job(job, cause, domain, expected_repair, ctx);
        }
        self.hit = hit;
        self.hit.clear();
        self.flush_release(ctx);
    }

    /// Interrupts `job` if it is running: stops its segment, asks its failover policy, logs
    /// the interruption and queues it again.
    fn interrupt_job(
        &mut self,
        job: u32,
        cause: Cause,
        domain: FailureDomain,
        expected_repair: SimDuration,
        ctx: &mut Context<'_, Ev>,
    ) {
        let Some(finish) = self.jobs[job as usize].segment.as_ref().map(|s| s.finish) else {
            return;
        };
        ctx.cancel(finish);
        let fabric = self.run.fabric;
        let held: Vec<(ClusterId, u32)> = self.jobs[job as usize]
            .held
            .iter()
            .map(|&(c, n)| (ClusterId(c), n / fabric.cluster(ClusterId(c)).node_size))
            .collect();
        let home = held
            .first()
            .map_or(SiteId(0), |&(c, _)| fabric.cluster(c).site);
        let planned = cause == Cause::Outage(OutageKind::Planned);
        let lost = self.stop_segment(job, ctx.now(), planned);
        let decision = if cause == Cause::Power {
            FailoverDecision::Restart
        } else {
            let spec = &self.run.jobs[job as usize];
            let view = fabric_view!(self, ctx.now());
            let context = FailoverContext {
                subject: &spec.name,
                domain,
                expected_repair,
                home,
                accelerators: spec.accelerators,
                checkpoint_bytes: TRAINING_STATE_BYTES_PER_PARAM * spec.params,
            };
            self.policies
                .failover
                .decide(&view, &context, &mut self.policies.decisions)
        };
        let state = &mut self.jobs[job as usize];
        match decision {
            FailoverDecision::Wait => state.pinned = held,
            FailoverDecision::Restart => {}
            FailoverDecision::Migrate => state.migrate_from = Some(home),
        }
        self.jobs[job as usize].report.count(cause);
        self.interruptions.push(InterruptionRecord {
            time: ctx.now(),
            domain,
            cause,
            job,
            lost_accel_h: lost,
        });
        self.enqueue(job);
    }

    /// Failover `migrate`: when `job` restarts at `new_site`, not the site its checkpoint is
    /// at, the checkpoint is copied over the WAN first (egress billed to the old site's
    /// cloud); the copy's duration, `None` if nothing is copied.
    pub(super) fn migrate_checkpoint(
        &mut self,
        job: u32,
        new_site: SiteId,
        now: SimTime,
    ) -> Option<SimDuration> {
        let fabric = self.run.fabric;
        let spec = &self.run.jobs[job as usize];
        let state = &mut self.jobs[job as usize];
        let home = state.migrate_from.take()?;
        if home == new_site {
            return None;
        }
        let net = self.run.network;
        let path = net
            .wan
            .path(home.0 as usize, new_site.0 as usize, net.rtt, net.prices);
        let bytes = TRAINING_STATE_BYTES_PER_PARAM * spec.params;
        let copy = path.transfer_time(bytes, &TransferParams::default());
        let usd = path.transfer_usd(bytes);
        state.report.egress_usd += usd;
        state.report.migrations += 1;
        self.ledger.add_spend(now, fabric.site(home).cloud, usd);
        Some(copy)
    }
}
