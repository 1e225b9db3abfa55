//! The end of a run: what running jobs committed by the horizon is banked (without
//! interrupting them), and the model becomes its [`RunSummary`].

use sim_core::time::SimTime;

use super::FabricSim;
use super::report::{JobReport, RunSummary, SiteReport};

impl FabricSim<'_> {
    /// The run's summary at `horizon`, after `events` events.
    pub(super) fn finish(mut self, horizon: SimTime, events: u64) -> RunSummary {
        let serving = self.serving.finish();
        // Bank what running jobs have committed by the horizon, without interrupting them.
        for job in 0..self.jobs.len() as u32 {
            let state = &mut self.jobs[job as usize];
            if let Some(seg) = &state.segment {
                Self::bill(
                    &mut state.report,
                    &state.progress,
                    seg,
                    state.accelerators_held,
                    horizon,
                );
                let elapsed = horizon.saturating_duration_since(seg.start);
                let committed = seg.timeline.committed_compute(elapsed).as_secs_f64();
                state.report.useful_compute_s += committed;
                state.report.flops_done += state.progress.units_at(committed) * seg.flops_per_unit;
            }
        }
        let total = f64::from(self.run.fabric.accelerator_count());
        let busy_mean = self.busy_accelerators.mean_until(horizon).unwrap_or(0.0);
        let fabric = self.run.fabric;
        let catalog = self.run.catalog;
        let sites = fabric
            .sites()
            .iter()
            .zip(&mut self.sites)
            .map(|(site, state)| {
                if state.throttle < 1.0 {
                    state.throttled_accel_h += f64::from(state.last_busy)
                        * horizon
                            .saturating_duration_since(state.last_change)
                            .as_hours_f64();
                }
                let facility = state.meter.energy_facility_mwh(horizon);
                SiteReport {
                    name: site.name.clone(),
                    cloud: catalog.cloud(site.cloud).name.clone(),
                    energy_it_mwh: state.meter.energy_it_mwh(horizon),
                    energy_facility_mwh: facility,
                    co2_t: state.carbon.co2_t(horizon),
                    throttled_accel_h: state.throttled_accel_h,
                }
            })
            .collect();
        RunSummary {
            categories: self
                .run
                .failures
                .categories
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            jobs: self
                .jobs
                .into_iter()
                .map(|j| JobReport {
                    energy_facility_mwh: j.energy.energy_facility_mwh(horizon),
                    ..j.report
                })
                .collect(),
            interruptions: self.interruptions,
            utilisation: if total > 0.0 { busy_mean / total } else { 0.0 },
            sites,
            power: self.power_log,
            commitments: self.ledger.report(horizon),
            components: self.components,
            decisions: self.policies.decisions.take(),
            services: serving.services,
            serving: serving.total,
            requests: serving.requests,
            horizon,
            events,
        }
    }
}
