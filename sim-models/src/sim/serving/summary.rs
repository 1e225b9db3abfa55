//! The end of a run on the serving side: the flow fidelity and every replica's books
//! brought to the horizon, and the report of every service.

use sim_core::time::{SimDuration, SimTime};

use super::figures::{FINE_ALPHA, FiguresAcc};
use super::report::{RegionReport, RequestRecord, ServiceReport, ServiceWindow, ServingFigures};
use super::{ReplicaState, Serving, WINDOW};

impl Serving {
    /// Ends the run at `horizon`: the report of every service and the sampled requests.
    pub(crate) fn finish(&mut self) -> ServingOutput {
        let horizon = self.horizon;
        self.flow_advance(horizon);
        for r in 0..self.replicas.len() as u32 {
            if self.replicas[r as usize].state == ReplicaState::Up {
                self.account(r, horizon);
            }
            self.release_nodes(r, horizon);
        }
        let horizon_s = horizon.as_secs_f64();
        let flow_util = self.flow.as_ref().map(|f| f.busy_slot_seconds().to_vec());
        let mut reports = Vec::with_capacity(self.services.len());
        for si in 0..self.services.len() {
            reports.push(self.service_report(si, flow_util.as_deref(), horizon_s));
        }
        let total = (!self.services.is_empty()).then(|| {
            let mut all = FiguresAcc::new(FINE_ALPHA);
            for svc in &self.services {
                all.merge(&svc.figures);
            }
            all.report()
        });
        ServingOutput {
            services: reports,
            total,
            requests: std::mem::take(&mut self.log),
        }
    }

    /// The report of service `si` at the horizon (`horizon_s` seconds), given the flow
    /// fidelity's busy slot-seconds per service (`None` in request mode).
    fn service_report(
        &self,
        si: usize,
        flow_util: Option<&[f64]>,
        horizon_s: f64,
    ) -> ServiceReport {
        let svc = &self.services[si];
        let reps = &self.replicas[svc.replicas.start as usize..svc.replicas.end as usize];
        let live_slot_s: f64 = reps.iter().map(|r| r.up_s * f64::from(r.slots)).sum();
        let busy_slot_s: f64 = match flow_util {
            Some(b) => b[si],
            None => reps.iter().map(|r| r.busy_area).sum(),
        };
        let energy_j: f64 = reps
            .iter()
            .map(|r| {
                let util_area = if r.up_s > 0.0 && live_slot_s > 0.0 {
                    // Flow mode spreads the service's busy slot-time over live time.
                    match flow_util {
                        Some(_) => busy_slot_s * (r.up_s * f64::from(r.slots)) / live_slot_s,
                        None => r.busy_area,
                    }
                } else {
                    0.0
                };
                r.watts_idle * r.up_s + r.watts_slope * util_area / f64::from(r.slots)
            })
            .sum();
        // Replicas never up count as down for the whole run.
        let never_up: f64 = 0.0;
        let up_total: f64 = reps.iter().map(|r| r.up_s).sum();
        let down_s = (reps.len() as f64 * horizon_s - up_total).max(0.0) + never_up;
        let figures = svc.figures.report();
        let tokens = figures.tokens_out;
        let energy_kwh = energy_j / 3.6e6;
        let cost_usd = reps.iter().map(|r| r.cost_usd).sum::<f64>() + 0.0;
        ServiceReport {
            name: svc.service.name.clone(),
            regions: svc
                .service
                .users
                .iter()
                .zip(&svc.regions)
                .zip(&svc.region_windows)
                .map(|((u, acc), windows)| RegionReport {
                    region: u.region_key.clone(),
                    figures: acc.report(),
                    timeline: timeline(windows),
                })
                .collect(),
            timeline: svc
                .windows
                .iter()
                .enumerate()
                .map(|(i, w)| ServiceWindow {
                    start: SimTime::ZERO
                        .saturating_add(SimDuration::from_nanos(WINDOW.as_nanos() * i as u64)),
                    figures: w.report(),
                })
                .collect(),
            tokens_per_s: if horizon_s > 0.0 {
                tokens / horizon_s
            } else {
                0.0
            },
            utilisation: if live_slot_s > 0.0 {
                busy_slot_s / live_slot_s
            } else {
                0.0
            },
            replica_down_h: down_s / crate::units::HOUR_SECS,
            energy_kwh,
            wh_per_1k_tokens: if tokens > 0.0 {
                energy_kwh * 1e3 / (tokens / 1e3)
            } else {
                f64::NAN
            },
            cost_usd,
            usd_per_m_tokens: if tokens > 0.0 {
                cost_usd / (tokens / 1e6)
            } else {
                f64::NAN
            },
            figures,
        }
    }
}

/// What the serving side hands to the run summary.
pub(crate) struct ServingOutput {
    pub services: Vec<ServiceReport>,
    pub total: Option<ServingFigures>,
    pub requests: Vec<RequestRecord>,
}

/// Timeline rows from hourly accumulators.
fn timeline(windows: &[FiguresAcc]) -> Vec<ServiceWindow> {
    windows
        .iter()
        .enumerate()
        .map(|(i, w)| ServiceWindow {
            start: SimTime::from_nanos(WINDOW.as_nanos().saturating_mul(i as u64)),
            figures: w.report(),
        })
        .collect()
}
