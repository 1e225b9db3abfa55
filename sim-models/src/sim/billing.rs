//! What runs cost: a segment's accelerator-hours, on-demand cost and WAN egress in its
//! job's report, the clouds' on-demand spend rates that burn commitments, and the egress
//! price of a multi-site job's gradient sync.

use sim_core::time::SimTime;

use super::FabricSim;
use super::progress::Progress;
use super::report::JobReport;
use super::state::Segment;
use crate::topology::{ClusterId, SiteId};
use crate::workload::TrainingJobSpec;

impl FabricSim<'_> {
    /// Bills a segment's allocation from its start to `now`: accelerator-hours and
    /// on-demand cost (restart, checkpoint and lost time are paid for too).
    pub(super) fn bill(
        report: &mut JobReport,
        progress: &Progress,
        seg: &Segment,
        held: u32,
        now: SimTime,
    ) {
        let elapsed = now.saturating_duration_since(seg.start);
        let hours = elapsed.as_hours_f64();
        report.accel_hours += hours * f64::from(held);
        report.unpriced_accel_hours += hours * f64::from(seg.unpriced);
        report.cost_usd += hours * seg.usd_per_h;
        // WAN egress follows the steps taken, kept or later lost.
        let units = progress.units_at(seg.timeline.compute_done(elapsed).as_secs_f64());
        report.egress_usd += units * seg.flops_per_unit * seg.egress_usd_per_flop;
    }

    /// `count` accelerators of cluster `cluster` become busy (or idle again) at `now`: its
    /// cloud's on-demand spend rate, which burns its commitments, follows (if the cluster's
    /// kind has a price there).
    pub(super) fn charge_cloud(&mut self, cluster: u32, count: u32, busy: bool, now: SimTime) {
        let fabric = self.run.fabric;
        if let Some(price) = self.price[cluster as usize] {
            let c = fabric.cluster(ClusterId(cluster));
            let cloud = fabric.site(c.site).cloud;
            let rate = &mut self.cloud_rate[cloud.0 as usize];
            *rate += if busy { price } else { -price } * f64::from(count);
            *rate = rate.max(0.0);
            self.ledger.set_rate(now, cloud, *rate);
        }
    }

    /// WAN egress cost per useful FLOP of job `spec` spanning `sites`, taking steps of
    /// `step_flops` (0 within one site). Cross-site sync: a ring over the sites, each
    /// sending 2(s-1)/s of the gradient to the next per step, priced by the network's
    /// egress model.
    pub(super) fn sync_egress_usd_per_flop(
        &self,
        spec: &TrainingJobSpec,
        sites: &[SiteId],
        step_flops: f64,
    ) -> f64 {
        let fabric = self.run.fabric;
        if sites.len() > 1 && step_flops > 0.0 {
            let n = sites.len();
            let gradient_gb = crate::workload::GRADIENT_BYTES_PER_PARAM * spec.params / 1e9;
            let share = 2.0 * (n as f64 - 1.0) / n as f64;
            let per_step: f64 = (0..n)
                .map(|i| {
                    let from = fabric.site(sites[i]).region;
                    let to = fabric.site(sites[(i + 1) % n]).region;
                    share * gradient_gb * self.run.network.prices.usd_per_gb(from, to)
                })
                .sum();
            per_step / step_flops
        } else {
            0.0
        }
    }
}
