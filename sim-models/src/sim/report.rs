//! What a training run reports: per job, per interruption, and for the fleet.

use sim_core::time::SimTime;

use crate::outage::OutageKind;
use crate::topology::FailureDomain;
use crate::workload::TrainingJobSpec;

/// Why a job was interrupted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    /// A random failure of the given category (index into the failure model).
    Failure(u16),
    /// An outage of the given kind.
    Outage(OutageKind),
    /// Preempted by its site's `preempt` power policy.
    Power,
}

/// One interruption of one job (a row of `interruptions.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InterruptionRecord {
    /// When it happened.
    pub time: SimTime,
    /// What went down.
    pub domain: FailureDomain,
    /// Why.
    pub cause: Cause,
    /// Index of the job interrupted.
    pub job: u32,
    /// Accelerator-hours of work lost (done since the last completed checkpoint).
    pub lost_accel_h: f64,
}

/// What happened to a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComponentEvent {
    /// A random failure of the given category took the domain down.
    Failure(u16),
    /// The domain was repaired.
    Repair,
    /// An outage (or maintenance window) of the given kind began.
    OutageStart(OutageKind),
    /// The outage ended.
    OutageEnd(OutageKind),
}

/// A component failure, repair or outage (a row of `components.csv`). These do not depend
/// on any policy: two runs that differ only in policy have the same records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ComponentRecord {
    /// When.
    pub time: SimTime,
    /// What.
    pub domain: FailureDomain,
    /// What happened.
    pub event: ComponentEvent,
}

/// A change of one site's power state (a row of `power.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerRecord {
    /// When.
    pub time: SimTime,
    /// Site index.
    pub site: u16,
    /// Facility power the site's chips would draw unthrottled, W.
    pub demand_facility_w: f64,
    /// The site's cap in force, W.
    pub cap_w: f64,
    /// Facility power drawn, W (never above the cap).
    pub draw_facility_w: f64,
    /// Throughput fraction applied to its jobs.
    pub throttle: f64,
    /// Accelerators busy (held by jobs and replicas) at the site.
    pub busy: u32,
    /// Accelerators of the site.
    pub accelerators: u32,
}

/// Energy and carbon of one site over the run.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteReport {
    /// Site name.
    pub name: String,
    /// Cloud key.
    pub cloud: String,
    /// IT energy, MWh.
    pub energy_it_mwh: f64,
    /// Facility energy (IT × PUE), MWh.
    pub energy_facility_mwh: f64,
    /// Carbon of the facility energy at the region's grid intensity, t CO2e.
    pub co2_t: f64,
    /// Busy accelerator-hours under a throttle below 1.
    pub throttled_accel_h: f64,
}

/// The figures of one job.
#[derive(Clone, Debug, PartialEq)]
pub struct JobReport {
    /// Job name.
    pub name: String,
    /// Accelerators it asked for.
    pub accelerators: u32,
    /// Arrival time.
    pub arrival: SimTime,
    /// First start, if it ever started.
    pub first_start: Option<SimTime>,
    /// Completion time, if it completed within the horizon.
    pub completed_at: Option<SimTime>,
    /// Interruptions by failure category (index as in the failure model).
    pub failure_interruptions: Vec<u32>,
    /// Interruptions by outage kind: scripted, background, planned.
    pub outage_interruptions: [u32; 3],
    /// Times it was preempted by a power policy.
    pub preemptions: u32,
    /// Accelerator-hours of work thrown away by interruptions.
    pub lost_accel_h: f64,
    /// Useful compute time banked, s (work kept by checkpoints or completion).
    pub useful_compute_s: f64,
    /// Useful FLOPs banked.
    pub flops_done: f64,
    /// Accelerator-hours held (running, restarting, checkpointing, or lost).
    pub accel_hours: f64,
    /// On-demand cost of those hours, USD, at the catalog's price per chip-hour.
    pub cost_usd: f64,
    /// Accelerator-hours on kinds whose price in that cloud is unknown (not in `cost_usd`).
    pub unpriced_accel_hours: f64,
    /// Facility energy of its busy chips (at their sites' power limits, times PUE), MWh.
    pub energy_facility_mwh: f64,
    /// WAN egress cost of its cross-site gradient sync and checkpoint migrations, USD.
    pub egress_usd: f64,
    /// Restarts at another site that copied its checkpoint there (failover `migrate`).
    pub migrations: u32,
}

impl JobReport {
    /// An empty report for `spec` with `categories` failure categories.
    pub fn new(spec: &TrainingJobSpec, categories: usize) -> Self {
        Self {
            name: spec.name.clone(),
            accelerators: spec.accelerators,
            arrival: spec.arrival,
            first_start: None,
            completed_at: None,
            failure_interruptions: vec![0; categories],
            outage_interruptions: [0; 3],
            preemptions: 0,
            lost_accel_h: 0.0,
            useful_compute_s: 0.0,
            flops_done: 0.0,
            accel_hours: 0.0,
            cost_usd: 0.0,
            unpriced_accel_hours: 0.0,
            energy_facility_mwh: 0.0,
            egress_usd: 0.0,
            migrations: 0,
        }
    }

    /// Counts one interruption.
    pub fn count(&mut self, cause: Cause) {
        match cause {
            Cause::Failure(c) => self.failure_interruptions[c as usize] += 1,
            Cause::Outage(kind) => self.outage_interruptions[kind as usize] += 1,
            Cause::Power => self.preemptions += 1,
        }
    }

    /// Unexpected interruptions: failures plus scripted and background outages.
    pub fn unexpected_interruptions(&self) -> u32 {
        self.failure_interruptions.iter().sum::<u32>()
            + self.outage_interruptions[OutageKind::Scripted as usize]
            + self.outage_interruptions[OutageKind::Background as usize]
    }

    /// Planned interruptions (maintenance).
    pub fn planned_interruptions(&self) -> u32 {
        self.outage_interruptions[OutageKind::Planned as usize]
    }

    /// Effective training time ratio: useful compute time over wall time from first start
    /// to completion (or to `horizon` if it did not complete). `None` if it never started.
    pub fn ettr(&self, horizon: SimTime) -> Option<f64> {
        let start = self.first_start?;
        let end = self.completed_at.unwrap_or(horizon);
        let wall = end.saturating_duration_since(start).as_secs_f64();
        (wall > 0.0).then(|| self.useful_compute_s / wall)
    }

    /// Job completion time from arrival, hours.
    pub fn jct_h(&self) -> Option<f64> {
        self.completed_at
            .map(|t| t.saturating_duration_since(self.arrival).as_hours_f64())
    }

    /// Goodput: useful FLOPs banked, in EFLOP (1e18).
    pub fn goodput_eflop(&self) -> f64 {
        self.flops_done / 1e18
    }
}

/// Everything a run of the fabric reports (jobs, sites, services, records).
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// Failure category names (index = `Cause::Failure` value).
    pub categories: Vec<String>,
    /// Per job, in input order.
    pub jobs: Vec<JobReport>,
    /// Every interruption, in time order.
    pub interruptions: Vec<InterruptionRecord>,
    /// Time-averaged fraction of the fleet's accelerators held by running jobs.
    pub utilisation: f64,
    /// Energy and carbon per site, in fabric order.
    pub sites: Vec<SiteReport>,
    /// Every change of a site's power state, in time order.
    pub power: Vec<PowerRecord>,
    /// Burn-down of each committed-spend contract.
    pub commitments: Vec<crate::accounting::BurnDownReport>,
    /// Component failures, repairs and outages, in time order.
    pub components: Vec<ComponentRecord>,
    /// Policy decisions kept (empty unless the decision log was enabled).
    pub decisions: Vec<crate::policy::DecisionRecord>,
    /// Per inference service, in input order.
    pub services: Vec<super::serving::ServiceReport>,
    /// Every service's requests together (`None` without services).
    pub serving: Option<super::serving::ServingFigures>,
    /// Sampled requests (request fidelity with sampling on), in completion order.
    pub requests: Vec<super::serving::RequestRecord>,
    /// End of the run.
    pub horizon: SimTime,
    /// Events the engine processed.
    pub events: u64,
}

impl RunSummary {
    /// Facility energy of all sites, MWh.
    pub fn energy_mwh(&self) -> f64 {
        self.sites
            .iter()
            .map(|s| s.energy_facility_mwh)
            .sum::<f64>()
            + 0.0
    }

    /// Carbon of all sites, t CO2e.
    pub fn co2_t(&self) -> f64 {
        self.sites.iter().map(|s| s.co2_t).sum::<f64>() + 0.0
    }

    /// Throttled accelerator-hours of all sites.
    pub fn throttled_accel_h(&self) -> f64 {
        self.sites.iter().map(|s| s.throttled_accel_h).sum::<f64>() + 0.0
    }

    /// Unexpected interruptions of all jobs.
    pub fn unexpected_interruptions(&self) -> u32 {
        self.jobs
            .iter()
            .map(JobReport::unexpected_interruptions)
            .sum()
    }

    /// Interruptions per failure category, summed over jobs.
    pub fn interruptions_by_category(&self) -> Vec<u32> {
        let mut total = vec![0; self.categories.len()];
        for job in &self.jobs {
            for (t, n) in total.iter_mut().zip(&job.failure_interruptions) {
                *t += n;
            }
        }
        total
    }

    /// Accelerator-hours lost over all jobs.
    pub fn lost_accel_h(&self) -> f64 {
        self.jobs.iter().map(|j| j.lost_accel_h).sum::<f64>() + 0.0
    }

    /// On-demand cost of all jobs, USD.
    pub fn cost_usd(&self) -> f64 {
        self.jobs.iter().map(|j| j.cost_usd).sum::<f64>() + 0.0
    }

    /// WAN egress cost of all jobs, USD.
    pub fn egress_usd(&self) -> f64 {
        self.jobs.iter().map(|j| j.egress_usd).sum::<f64>() + 0.0
    }

    /// Accelerator-hours held by all jobs.
    pub fn accel_hours(&self) -> f64 {
        self.jobs.iter().map(|j| j.accel_hours).sum::<f64>() + 0.0
    }

    /// Goodput over all jobs, EFLOP.
    pub fn goodput_eflop(&self) -> f64 {
        self.jobs.iter().map(JobReport::goodput_eflop).sum::<f64>() + 0.0
    }

    /// Mean ETTR over the jobs that started.
    pub fn mean_ettr(&self) -> Option<f64> {
        let values: Vec<f64> = self
            .jobs
            .iter()
            .filter_map(|j| j.ettr(self.horizon))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }
}
