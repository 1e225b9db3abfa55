//! The model's private state per job ([`JobState`] and its running [`Segment`]) and per
//! site ([`SiteState`]), and how each starts.

use sim_core::queue::EventHandle;
use sim_core::time::SimTime;

use super::FabricRun;
use super::progress::Progress;
use super::report::{JobReport, PowerRecord};
use crate::accounting::{CarbonMeter, CarbonProfile, EnergyMeter};
use crate::power::{PowerPolicy, SitePower};
use crate::topology::{ClusterId, Site, SiteId};
use crate::workload::{CheckpointTimeline, JobWork, TrainingJobSpec};

/// A running job's current segment.
#[derive(Clone, Debug)]
pub(super) struct Segment {
    pub(super) start: SimTime,
    /// Work units per compute-second at full speed (FLOP/s, or 1 for fixed-duration jobs,
    /// whose work is compute-seconds at full speed).
    pub(super) full_rate: f64,
    /// FLOPs per work unit (1, or the useful FLOP/s for fixed-duration jobs).
    pub(super) flops_per_unit: f64,
    /// Throughput fraction of the power throttle in force (1 = full speed).
    pub(super) throttle: f64,
    pub(super) timeline: CheckpointTimeline,
    pub(super) finish: EventHandle,
    /// On-demand price of the allocation, USD per hour (accelerators with a known price).
    pub(super) usd_per_h: f64,
    /// Accelerators of the allocation with no known price.
    pub(super) unpriced: u32,
    /// WAN egress cost per useful FLOP of a job spanning sites (0 within one site).
    pub(super) egress_usd_per_flop: f64,
}

/// A job's state during the run.
#[derive(Clone, Debug)]
pub(super) struct JobState {
    /// Remaining work: FLOPs for token jobs, useful compute seconds for fixed-duration ones.
    pub(super) remaining: f64,
    pub(super) segment: Option<Segment>,
    /// Work as a function of compute time in the current segment.
    pub(super) progress: Progress,
    /// (cluster, accelerators) held in the current segment.
    pub(super) held: Vec<(u32, u32)>,
    /// The job's own draw: its busy chips at their sites' limits, and its facility share.
    pub(super) energy: EnergyMeter,
    pub(super) nodes: Vec<u32>,
    pub(super) accelerators_held: u32,
    pub(super) waiting: bool,
    pub(super) started_once: bool,
    /// Failover `wait`: restart only on exactly these (cluster, nodes).
    pub(super) pinned: Vec<(ClusterId, u32)>,
    /// Failover `migrate`: the site its checkpoint is at (copied if it restarts elsewhere).
    pub(super) migrate_from: Option<SiteId>,
    /// The site of its last segment (the first, if it spanned several).
    pub(super) last_site: Option<SiteId>,
    pub(super) report: JobReport,
}

/// A site's power state.
#[derive(Clone, Debug)]
pub(super) struct SiteState {
    pub(super) power: SitePower,
    pub(super) policy: PowerPolicy,
    /// Throughput fraction applied to its jobs (1 = full speed).
    pub(super) throttle: f64,
    /// Fraction of the nominal cap in force (updated when a curtailment starts or ends).
    pub(super) cap_fraction: f64,
    /// Per-chip power limit (fraction of TDP) and share of busy chips running, as solved.
    pub(super) limit: f64,
    pub(super) running: f64,
    /// Share of the site's non-down chips powered (1 unless even all-idle is over the cap).
    pub(super) powered: f64,
    pub(super) meter: EnergyMeter,
    /// Carbon of the facility draw at the site's grid intensity (constant or hourly).
    pub(super) carbon: CarbonMeter,
    /// Site's accelerator-hours throttled (busy chips × hours under a throttle below 1).
    pub(super) throttled_accel_h: f64,
    /// Time of, and busy chips after, the last re-solve.
    pub(super) last_change: SimTime,
    pub(super) last_busy: u32,
    /// The last row written to the power log for this site.
    pub(super) last_record: Option<PowerRecord>,
}

impl JobState {
    /// Job `spec` before its arrival: all its work remaining, nothing held.
    pub(super) fn new(spec: &TrainingJobSpec, categories: usize) -> Self {
        Self {
            remaining: match spec.work {
                JobWork::Tokens(_) => spec.total_flops().unwrap_or(0.0),
                JobWork::Duration(d) => d.as_secs_f64(),
            },
            segment: None,
            progress: Progress::default(),
            held: Vec::new(),
            energy: EnergyMeter::new(SimTime::ZERO),
            nodes: Vec::new(),
            accelerators_held: 0,
            waiting: false,
            started_once: false,
            pinned: Vec::new(),
            migrate_from: None,
            last_site: None,
            report: JobReport::new(spec, categories),
        }
    }
}

impl SiteState {
    /// Site `site` of `run` at time zero: full speed, nominal cap, meters at zero (its
    /// first re-solve is an event at time zero).
    pub(super) fn new(run: &FabricRun<'_>, site: &Site) -> Self {
        Self {
            power: SitePower::for_site(run.fabric, run.catalog, site.id),
            policy: run
                .power
                .get(site.id.0 as usize)
                .map_or(PowerPolicy::Throttle, |p| p.policy),
            throttle: 1.0,
            cap_fraction: 1.0,
            limit: 1.0,
            running: 1.0,
            powered: 1.0,
            meter: EnergyMeter::new(SimTime::ZERO),
            carbon: CarbonMeter::new(
                SimTime::ZERO,
                run.carbon
                    .get(site.id.0 as usize)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| {
                        CarbonProfile::constant(run.catalog.region(site.region).carbon_g_per_kwh)
                    }),
            ),
            throttled_accel_h: 0.0,
            last_change: SimTime::ZERO,
            last_busy: 0,
            last_record: None,
        }
    }
}
