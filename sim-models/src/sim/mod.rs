//! The training simulation: synchronous training jobs on a fabric, hit by component
//! failures and correlated outages, restarting from checkpoints.
//!
//! [`TrainingSim`] is a `sim_core` [`Model`]. Its events are few and small:
//!
//! ```text
//!   Arrive(job)            a job enters the queue and is placed if capacity allows
//!   Finish(job)            a running job's work completes (cancelled when it is interrupted)
//!   Failure(cluster)       the next random failure of a cluster (one pending per cluster)
//!   Repair(domain)         a failed accelerator / node / rack comes back
//!   OutageStart / End(i)   outage i of the outage plan (scripted, background, planned)
//!   SiteOnline(site)       a site's online-from time
//! ```
//!
//! Progress is computed between events, never step by step: a running job's segment has a
//! start, a rate (useful FLOP/s from [`JobRate`]) and a [`CheckpointTimeline`]; its finish
//! time is known in closed form, and an interruption at any time yields the compute done,
//! the compute committed by completed checkpoints, and so the work lost. Gang semantics:
//! any failure or outage under any node of a job interrupts the whole job; it goes back to
//! the queue and restarts (paying its restart overhead) when capacity allows, on spare
//! nodes, after repair, or elsewhere.
//!
//! Failures of a cluster's accelerators are one Poisson process per cluster for the
//! exponential categories (exact, see [`crate::failure`]), with the accelerator-scope
//! rates scaled by the cluster's kind ([`FailureModel::for_cluster`]): a failure event costs
//! O(log categories + jobs it hits), independent of fleet size. A draw whose victim is
//! already down is ignored (thinning). Weibull categories (shape != 1) have memory, so each
//! node keeps one renewal timer ([`WeibullRenewal`]): drawn at the start, and again from the
//! end of each repair it causes, so O(nodes) timers are pending. Simplification: a node
//! down for another reason keeps its Weibull timer; a timer firing while its node is down
//! is ignored and redrawn from that moment.
//!
//! Placement is first fit behind the [`Placement`] trait: a job takes whole nodes of one
//! cluster whose kind it allows, else (if it may span) of several clusters of one site, or
//! of several sites when `multi_site` is set; jobs that fit nowhere wait in arrival order
//! (higher priority first).

pub mod estimate;
mod progress;
mod report;
pub mod serving;

use sim_core::engine::{Context, Model, Simulation};
use sim_core::queue::EventHandle;
use sim_core::rng::{RngStreams, StreamRng};
use sim_core::stats::TimeWeighted;
use sim_core::time::{SimDuration, SimTime};

use crate::ModelError;
use crate::accounting::{
    CarbonMeter, CarbonProfile, CommitmentLedger, CommitmentSpec, EnergyMeter,
};
use crate::capacity::Capacity;
use crate::catalog::{AcceleratorSpec, Catalog};
use crate::failure::{FailureDraw, FailureModel, PoissonFailures, WeibullRenewal};
use crate::network::{EgressPrices, RttModel, TransferParams, WanModel};
use crate::outage::{OutageKind, OutagePlan};
use crate::policy::{
    DecisionLog, FabricView, Failover, FailoverContext, FailoverDecision, Placement,
    PlacementRequest,
};
use crate::power::{CurtailmentPlan, PowerPolicy, SitePower, SitePowerSpec};
use crate::topology::{ClusterId, Fabric, FailureDomain, SiteId};
use crate::workload::{
    Allocation, CheckpointTimeline, JobRate, JobWork, TRAINING_STATE_BYTES_PER_PARAM,
    TrainingJobSpec, WanSpan,
};

use progress::Progress;
pub use report::{
    Cause, ComponentEvent, ComponentRecord, InterruptionRecord, JobReport, PowerRecord, RunSummary,
    SiteReport,
};

/// The network models a multi-site job needs.
#[derive(Clone, Copy, Debug)]
pub struct Network<'a> {
    /// Site-to-site bandwidth and overrides (sites in fabric order).
    pub wan: &'a WanModel,
    /// Region-to-region RTT.
    pub rtt: &'a RttModel,
    /// Transfer prices.
    pub prices: &'a EgressPrices,
}

/// Everything a training run needs.
#[derive(Clone, Debug)]
pub struct TrainingRun<'a> {
    /// The fabric.
    pub fabric: &'a Fabric,
    /// The catalog it was built against.
    pub catalog: &'a Catalog,
    /// The network between its sites.
    pub network: Network<'a>,
    /// The jobs (explicit and generated), in a stable order.
    pub jobs: Vec<TrainingJobSpec>,
    /// Per-accelerator random failures.
    pub failures: FailureModel,
    /// Outages and maintenance windows.
    pub outages: OutagePlan,
    /// End of the simulated period.
    pub horizon: SimTime,
    /// Master seed of the RNG streams.
    pub seed: u64,
    /// Each site's power policy, in fabric site order (empty: `throttle` everywhere).
    pub power: Vec<SitePowerSpec>,
    /// Windows in which a site's cap is lowered (curtailments, grid outages).
    pub curtailments: CurtailmentPlan,
    /// Committed spend per cloud, burned down by the jobs' on-demand cost.
    pub commitments: Vec<CommitmentSpec>,
    /// Grid carbon intensity per site (fabric order) where the scenario gives an hourly
    /// profile; a missing or `None` entry uses the region's catalog intensity.
    pub carbon: Vec<Option<CarbonProfile>>,
    /// Inference services and network partitions (empty: training only).
    pub serving: serving::ServingRun,
}

pub use crate::policy::placement::builtin::FirstFit;

/// The policies of a run and where their decisions go.
pub struct Policies {
    /// Where jobs (and replicas without a fixed cluster) go.
    pub placement: Box<dyn Placement>,
    /// What an interrupted job does.
    pub failover: Box<dyn Failover>,
    /// Decisions kept for `decisions.csv` (disabled by default).
    pub decisions: DecisionLog,
}

impl Default for Policies {
    /// `first-fit` placement, `restart` failover, no decision log.
    fn default() -> Self {
        Self {
            placement: Box::new(FirstFit),
            failover: Box::new(crate::policy::failover::builtin::Fixed(
                FailoverDecision::Restart,
            )),
            decisions: DecisionLog::default(),
        }
    }
}

impl std::fmt::Debug for Policies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policies")
            .field("placement", &self.placement.name())
            .field("failover", &self.failover.name())
            .finish()
    }
}

/// The simulation's events (16 bytes, stored inline in the queue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainingEvent {
    /// Job `i` arrives.
    Arrive(u32),
    /// Job `i`'s work completes (cancelled if it is interrupted first).
    Finish(u32),
    /// The pending random failure of cluster `i` happens.
    Failure(u32),
    /// A failed domain comes back.
    Repair(FailureDomain),
    /// Outage `i` of the plan begins.
    OutageStart(u32),
    /// Outage `i` of the plan ends.
    OutageEnd(u32),
    /// Cluster `i` comes online (capacity growth).
    ClusterOnline(u32),
    /// The pending Weibull failure of node `i` happens.
    NodeFailure(u32),
    /// Site `i`'s power cap changes (a curtailment starts or ends).
    CapChange(u16),
    /// An event of the inference services.
    Serve(serving::ServeEvent),
}

type Ev = TrainingEvent;

/// The [`FabricView`] policies see, borrowing the fields of a [`TrainingSim`] one by one
/// (so the policies themselves can be borrowed mutably beside it).
macro_rules! fabric_view {
    ($sim:expr, $now:expr) => {
        FabricView {
            now: $now,
            fabric: $sim.run.fabric,
            catalog: $sim.run.catalog,
            capacity: &$sim.capacity,
            usd_per_chip_hour: &$sim.price,
            carbon_g_per_kwh: &$sim.view_carbon,
            power_headroom_w: &$sim.view_headroom,
            pue: &$sim.view_pue,
            commitment_left_usd: &$sim.view_commitment,
            rtt: $sim.run.network.rtt,
            prices: $sim.run.network.prices,
            wan: $sim.run.network.wan,
        }
    };
}

/// A running job's current segment.
#[derive(Clone, Debug)]
struct Segment {
    start: SimTime,
    /// Work units per compute-second at full speed (FLOP/s, or 1 for fixed-duration jobs,
    /// whose work is compute-seconds at full speed).
    full_rate: f64,
    /// FLOPs per work unit (1, or the useful FLOP/s for fixed-duration jobs).
    flops_per_unit: f64,
    /// Throughput fraction of the power throttle in force (1 = full speed).
    throttle: f64,
    timeline: CheckpointTimeline,
    finish: EventHandle,
    /// On-demand price of the allocation, USD per hour (accelerators with a known price).
    usd_per_h: f64,
    /// Accelerators of the allocation with no known price.
    unpriced: u32,
    /// WAN egress cost per useful FLOP of a job spanning sites (0 within one site).
    egress_usd_per_flop: f64,
}

/// A job's state during the run.
#[derive(Clone, Debug)]
struct JobState {
    /// Remaining work: FLOPs for token jobs, useful compute seconds for fixed-duration ones.
    remaining: f64,
    segment: Option<Segment>,
    /// Work as a function of compute time in the current segment.
    progress: Progress,
    /// (cluster, accelerators) held in the current segment.
    held: Vec<(u32, u32)>,
    /// The job's own draw: its busy chips at their sites' limits, and its facility share.
    energy: EnergyMeter,
    nodes: Vec<u32>,
    accelerators_held: u32,
    waiting: bool,
    started_once: bool,
    /// Failover `wait`: restart only on exactly these (cluster, nodes).
    pinned: Vec<(ClusterId, u32)>,
    /// Failover `migrate`: the site its checkpoint is at (copied if it restarts elsewhere).
    migrate_from: Option<SiteId>,
    /// The site of its last segment (the first, if it spanned several).
    last_site: Option<SiteId>,
    report: JobReport,
}

/// A site's power state.
#[derive(Clone, Debug)]
struct SiteState {
    power: SitePower,
    policy: PowerPolicy,
    /// Throughput fraction applied to its jobs (1 = full speed).
    throttle: f64,
    /// Fraction of the nominal cap in force (updated when a curtailment starts or ends).
    cap_fraction: f64,
    /// Per-chip power limit (fraction of TDP) and share of busy chips running, as solved.
    limit: f64,
    running: f64,
    /// Share of the site's non-down chips powered (1 unless even all-idle is over the cap).
    powered: f64,
    meter: EnergyMeter,
    /// Carbon of the facility draw at the site's grid intensity (constant or hourly).
    carbon: CarbonMeter,
    /// Site's accelerator-hours throttled (busy chips × hours under a throttle below 1).
    throttled_accel_h: f64,
    /// Time of, and busy chips after, the last re-solve.
    last_change: SimTime,
    last_busy: u32,
    /// The last row written to the power log for this site.
    last_record: Option<PowerRecord>,
}

/// What [`TrainingSim::run_checked`]'s energy audit carries from one event to the next.
#[derive(Clone, Debug)]
struct EnergyAudit {
    /// Time of the previous check.
    last: SimTime,
    /// Per site, its IT draw since `last` as recomputed from its chips, W, and its integral
    /// from the start, J.
    site_it_w: Vec<f64>,
    site_it_j: Vec<f64>,
    /// Draw of replicas' and idle chips (sites' draw minus jobs'), W, and its integral, J.
    other_it_w: f64,
    other_it_j: f64,
    /// Per site, the power log integrated to `log_at`, J, and the draw of its last row, W.
    log_j: Vec<f64>,
    log_w: Vec<f64>,
    log_at: Vec<SimTime>,
    /// Power log rows read so far, and the time of the last.
    log_cursor: usize,
    log_last: SimTime,
    /// Component and interruption records read so far, and their last times.
    component_cursor: usize,
    component_last: SimTime,
    interruption_cursor: usize,
    interruption_last: SimTime,
    /// Per site, its IT energy at the previous check (energy never decreases).
    prev_site_it_j: Vec<f64>,
}

impl EnergyAudit {
    /// The audit of a model before its first event: everything at zero (meters start at
    /// zero power; the first re-solve of each site happens at time zero).
    fn new(sim: &TrainingSim<'_>) -> Self {
        let n = sim.sites.len();
        Self {
            last: SimTime::ZERO,
            site_it_w: vec![0.0; n],
            site_it_j: vec![0.0; n],
            other_it_w: 0.0,
            other_it_j: 0.0,
            log_j: vec![0.0; n],
            log_w: vec![0.0; n],
            log_at: vec![SimTime::ZERO; n],
            log_cursor: 0,
            log_last: SimTime::ZERO,
            component_cursor: 0,
            component_last: SimTime::ZERO,
            interruption_cursor: 0,
            interruption_last: SimTime::ZERO,
            prev_site_it_j: vec![0.0; n],
        }
    }
}

/// The training simulation model; run it with [`TrainingSim::run`].
pub struct TrainingSim<'a> {
    run: TrainingRun<'a>,
    policies: Policies,
    /// What policies see of the sites and clouds, refreshed before each round of decisions:
    /// per site carbon now, power headroom and PUE; per cloud unspent commitment.
    view_carbon: Vec<f64>,
    view_headroom: Vec<f64>,
    view_pue: Vec<f64>,
    view_commitment: Vec<f64>,
    /// Component failures, repairs and outages in time order (policy-independent).
    components: Vec<ComponentRecord>,
    capacity: Capacity,
    jobs: Vec<JobState>,
    /// Waiting jobs in placement order.
    queue: Vec<u32>,
    failure: Vec<Option<(PoissonFailures, StreamRng, StreamRng)>>,
    pending_draw: Vec<Option<FailureDraw>>,
    /// Per cluster, the Weibull renewal sampler and its stream (`None` if no Weibull category).
    weibull: Vec<Option<(WeibullRenewal, StreamRng)>>,
    /// Per node, its pending Weibull draw (empty when no cluster has Weibull categories).
    node_draw: Vec<Option<FailureDraw>>,
    interruptions: Vec<InterruptionRecord>,
    busy_accelerators: TimeWeighted,
    busy: f64,
    /// Per cluster, the on-demand price per accelerator-hour of its kind in its cloud.
    price: Vec<Option<f64>>,
    /// Per site: its chips by state, its current cap, throttle, policy and energy meter.
    sites: Vec<SiteState>,
    /// Every change of a site's power state (for `power.csv`).
    power_log: Vec<PowerRecord>,
    /// Accelerators freed by stopped segments, waiting to be returned to their sites' loads.
    pending_release: Vec<(u32, u32)>,
    /// Committed spend and what the jobs draw from it.
    ledger: CommitmentLedger,
    /// Per catalog cloud, the on-demand spend rate of running jobs, USD per hour.
    cloud_rate: Vec<f64>,
    /// Scratch buffers, reused across events.
    hit: Vec<u32>,
    placed: Vec<(ClusterId, u32)>,
    /// Inference services.
    serving: serving::Serving,
    /// Per replica, the nodes it holds.
    replica_nodes: Vec<Vec<u32>>,
    /// Scratch buffers for placing replicas by policy.
    scratch_users: Vec<(crate::catalog::RegionId, f64)>,
    scratch_group: Vec<(ClusterId, u32)>,
    /// Replicas waiting for nodes, in replica order.
    replica_wait: Vec<u32>,
}

impl<'a> TrainingSim<'a> {
    /// Checks the inputs and sets up the model (no event is processed).
    pub fn new(run: TrainingRun<'a>, policies: Policies) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        for job in &run.jobs {
            if let Err(e) = job.validate(&["jobs", &job.name], run.catalog) {
                errors.extend(e);
            }
        }
        let ledger = CommitmentLedger::build(&run.commitments, run.catalog)
            .map_err(|e| errors.extend(e))
            .ok();
        if !errors.is_empty() {
            return Err(errors);
        }
        let ledger = ledger.expect("invariant: no errors means the ledger was built");
        let streams = RngStreams::new(run.seed);
        let fabric = run.fabric;
        // Per-kind scaling (see `crate::failure`): one cluster is one kind, so each
        // cluster's samplers are built once from its kind's model; sampling stays O(1).
        let cluster_models: Vec<FailureModel> = fabric
            .clusters()
            .iter()
            .map(|c| run.failures.for_cluster(fabric, run.catalog, c.id))
            .collect();
        let failure = fabric
            .clusters()
            .iter()
            .map(|c| {
                let key = fabric.domain_key(FailureDomain::Cluster(c.id));
                let sampler = cluster_models[c.id.0 as usize].poisson(c.accelerators.clone());
                (sampler.rate_per_hour() > 0.0).then(|| {
                    (
                        sampler,
                        streams.stream(&format!("failure/{key}")),
                        streams.stream(&format!("repair/{key}")),
                    )
                })
            })
            .collect();
        let weibull: Vec<_> = fabric
            .clusters()
            .iter()
            .map(|c| {
                let key = fabric.domain_key(FailureDomain::Cluster(c.id));
                let renewal = cluster_models[c.id.0 as usize].weibull_renewal(c.node_size);
                (!renewal.is_empty())
                    .then(|| (renewal, streams.stream(&format!("failure-weibull/{key}"))))
            })
            .collect();
        let node_draw = if weibull.iter().any(Option::is_some) {
            vec![None; fabric.node_count() as usize]
        } else {
            Vec::new()
        };
        let jobs = run
            .jobs
            .iter()
            .map(|spec| JobState {
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
                report: JobReport::new(spec, run.failures.categories.len()),
            })
            .collect();
        let price = fabric
            .clusters()
            .iter()
            .map(|c| {
                let cloud = &run.catalog.cloud(fabric.site(c.site).cloud).name;
                let kind = &run.catalog.accelerator(c.accelerator).name;
                run.catalog
                    .offering(cloud, kind)
                    .and_then(|o| o.usd_per_chip_hour)
            })
            .collect();
        let sites = fabric
            .sites()
            .iter()
            .map(|site| SiteState {
                power: SitePower::for_site(fabric, run.catalog, site.id),
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
                            CarbonProfile::constant(
                                run.catalog.region(site.region).carbon_g_per_kwh,
                            )
                        }),
                ),
                throttled_accel_h: 0.0,
                last_change: SimTime::ZERO,
                last_busy: 0,
                last_record: None,
            })
            .collect();
        let serving = serving::Serving::new(
            &run.serving,
            fabric,
            run.catalog,
            run.network.rtt,
            run.seed,
            run.horizon,
        );
        let view_pue = fabric.sites().iter().map(|s| s.pue).collect();
        Ok(Self {
            view_carbon: vec![0.0; fabric.sites().len()],
            view_headroom: vec![0.0; fabric.sites().len()],
            view_pue,
            view_commitment: vec![0.0; run.catalog.clouds().len()],
            components: Vec::new(),
            replica_nodes: vec![Vec::new(); serving.replica_count() as usize],
            replica_wait: Vec::new(),
            scratch_users: Vec::new(),
            scratch_group: Vec::new(),
            serving,
            price,
            sites,
            power_log: Vec::new(),
            pending_release: Vec::new(),
            ledger,
            cloud_rate: vec![0.0; run.catalog.clouds().len()],
            capacity: Capacity::new(fabric),
            pending_draw: vec![None; fabric.clusters().len()],
            failure,
            weibull,
            node_draw,
            jobs,
            queue: Vec::new(),
            interruptions: Vec::new(),
            busy_accelerators: TimeWeighted::new(SimTime::ZERO, 0.0),
            busy: 0.0,
            hit: Vec::new(),
            placed: Vec::new(),
            policies,
            run,
        })
    }

    /// Runs to the horizon and returns the summary and the simulation's event count.
    pub fn run(self) -> RunSummary {
        let horizon = self.run.horizon;
        let mut sim = Simulation::new(self);
        let initial = sim.model_mut().initial_events();
        for (at, ev) in initial {
            if at <= horizon {
                sim.schedule_at(at, ev)
                    .expect("invariant: initial events are at or after time zero");
            }
        }
        sim.run_until(horizon);
        let events = sim.events_processed();
        sim.into_model().finish(horizon, events)
    }

    /// [`run`](Self::run), checking the model's invariants after every event
    /// ([`check_invariants`](Self::check_invariants)) and auditing its energy accounting
    /// (every site's meter against the integral of its chips' draw and of its power log,
    /// and the split into jobs, replicas and idle chips; time order of every log; see
    /// `TrainingSim::audit`); returns the first violation with the time it was found.
    /// O(nodes + jobs + sites x kinds) per event: for tests, not for studies.
    pub fn run_checked(self) -> Result<RunSummary, String> {
        let horizon = self.run.horizon;
        let mut sim = Simulation::new(self);
        let initial = sim.model_mut().initial_events();
        for (at, ev) in initial {
            if at <= horizon {
                sim.schedule_at(at, ev)
                    .expect("invariant: initial events are at or after time zero");
            }
        }
        let mut audit = EnergyAudit::new(sim.model());
        if let Some(v) = Self::run_audited(&mut sim, &mut audit, horizon) {
            return Err(v);
        }
        let events = sim.events_processed();
        Ok(sim.into_model().finish(horizon, events))
    }

    /// Runs `sim` to `until`, checking [`check_invariants`](Self::check_invariants) and the
    /// energy audit after every event; the first violation, with its time.
    fn run_audited(
        sim: &mut Simulation<Self>,
        audit: &mut EnergyAudit,
        until: SimTime,
    ) -> Option<String> {
        let mut violation = None;
        let limits = sim_core::engine::RunLimits {
            until: Some(until),
            ..Default::default()
        };
        sim.run_with(
            limits,
            |model, now| match model
                .check_invariants(now)
                .and_then(|()| model.audit(now, audit))
            {
                Ok(()) => false,
                Err(e) => {
                    violation = Some(format!("at {now}: {e}"));
                    true
                }
            },
            |_| {},
        );
        violation
    }

    /// The per-chip IT draw of load `load` of site `s` in its site's current state: (a busy
    /// chip, an idle chip), W, both times the powered share. What the site meter and the
    /// job meters must add up to.
    fn chip_draws_w(&self, s: usize, load: usize) -> (f64, f64) {
        let site = &self.sites[s];
        let l = &site.power.loads[load];
        let busy = l.power.draw_w(
            crate::power::ChipState::Busy {
                utilisation: l.utilisation,
            },
            Some(site.limit),
        );
        let idle = l.power.idle_draw_w();
        (
            site.powered * (site.running * busy + (1.0 - site.running) * idle),
            site.powered * idle,
        )
    }

    /// Energy conservation and time order, checked against `audit` (the state carried from
    /// the previous check) at `now`, after an event; updates `audit`. *O*(sites x kinds +
    /// jobs' and replicas' allocations + records since the last check).
    ///
    /// * time never goes backwards, and the power log, component log and interruption log
    ///   are in time order and not in the future;
    /// * each site's meter energy (IT and facility) equals the audit's own integral of the
    ///   site's draw recomputed from its chips by state (busy at the site's limit and
    ///   running share, idle, down; times the powered share), facility = IT x PUE, and the
    ///   power log integrated over time (draw x duration per row) gives the same facility
    ///   energy;
    /// * the site's current draw equals that recomputation, each running job's meter draws
    ///   exactly its held chips at their sites' busy draw (nothing when it holds none), and
    ///   every busy chip of a cluster is held by a job or a replica (no more, no fewer);
    /// * the split adds up: the jobs' metered energy plus the audit's integral of the
    ///   replicas' and idle chips' draw equals the sites' IT energy;
    /// * no job's accounted time, energy or work is negative, token jobs' work is conserved
    ///   (done + remaining = total: no progress past 100 %), and no start or completion is
    ///   in the future or before the job's arrival.
    ///
    /// Tolerances are relative 1e-9 (plus 1e-6 J or W absolute): float rounding, not
    /// modelling slack.
    fn audit(&self, now: SimTime, audit: &mut EnergyAudit) -> Result<(), String> {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-6;
        if now < audit.last {
            return Err(format!("time went backwards from {} to {now}", audit.last));
        }
        let dt = now.saturating_duration_since(audit.last).as_secs_f64();
        // Integrate what the state since the previous check drew.
        for (s, w) in audit.site_it_w.iter().enumerate() {
            audit.site_it_j[s] += w * dt;
        }
        audit.other_it_j += audit.other_it_w * dt;
        // The power log since the last check: in time order, at or before now.
        for r in &self.power_log[audit.log_cursor..] {
            let s = r.site as usize;
            if r.time > now || r.time < audit.log_at[s] || r.time < audit.log_last {
                return Err(format!(
                    "power record of site {s} at {} out of order (last {}, now {now})",
                    r.time, audit.log_at[s]
                ));
            }
            let held = r
                .time
                .saturating_duration_since(audit.log_at[s])
                .as_secs_f64();
            audit.log_j[s] += audit.log_w[s] * held;
            audit.log_w[s] = r.draw_facility_w;
            audit.log_at[s] = r.time;
            audit.log_last = r.time;
        }
        audit.log_cursor = self.power_log.len();
        for (what, times) in [
            (
                "component record",
                &mut self.components[audit.component_cursor..]
                    .iter()
                    .map(|c| c.time) as &mut dyn Iterator<Item = SimTime>,
            ),
            (
                "interruption",
                &mut self.interruptions[audit.interruption_cursor..]
                    .iter()
                    .map(|c| c.time),
            ),
        ] {
            let last = if what == "interruption" {
                &mut audit.interruption_last
            } else {
                &mut audit.component_last
            };
            for t in times {
                if t < *last || t > now {
                    return Err(format!(
                        "{what} at {t} out of order (last {last}, now {now})"
                    ));
                }
                *last = t;
            }
        }
        audit.component_cursor = self.components.len();
        audit.interruption_cursor = self.interruptions.len();
        // Metered energy against the audit's integrals.
        let mut sites_it_j = 0.0;
        for (s, site) in self.sites.iter().enumerate() {
            let it = site.meter.energy_it_j(now);
            let facility = site.meter.energy_facility_j(now);
            sites_it_j += it;
            if !close(it, audit.site_it_j[s]) {
                return Err(format!(
                    "site {s} metered {it} J of IT energy, its chips drew {} J",
                    audit.site_it_j[s]
                ));
            }
            if !close(facility, it * site.power.pue) {
                return Err(format!(
                    "site {s} facility energy {facility} J is not IT {it} J x PUE {}",
                    site.power.pue
                ));
            }
            let logged = audit.log_j[s]
                + audit.log_w[s] * now.saturating_duration_since(audit.log_at[s]).as_secs_f64();
            if !close(facility, logged) {
                return Err(format!(
                    "site {s} metered {facility} J at the facility, its power log integrates to {logged} J"
                ));
            }
            let prev = audit.prev_site_it_j[s];
            if it < prev - (1e-12 * prev + 1e-6) {
                return Err(format!(
                    "site {s}'s IT energy went down from {prev} J to {it} J"
                ));
            }
            audit.prev_site_it_j[s] = it;
        }
        let jobs_it_j: f64 = self.jobs.iter().map(|j| j.energy.energy_it_j(now)).sum();
        if !close(jobs_it_j + audit.other_it_j, sites_it_j) {
            return Err(format!(
                "jobs' {jobs_it_j} J + replicas' and idle chips' {} J != sites' {sites_it_j} J",
                audit.other_it_j
            ));
        }
        // The draw from now on, recomputed from the chips' states.
        let fabric = self.run.fabric;
        let mut held = vec![0u64; fabric.clusters().len()];
        let mut jobs_w = 0.0;
        for (j, state) in self.jobs.iter().enumerate() {
            let mut expected = 0.0;
            for &(cluster, count) in &state.held {
                let c = fabric.cluster(ClusterId(cluster));
                let load = (cluster - fabric.site(c.site).clusters.start) as usize;
                expected += f64::from(count) * self.chip_draws_w(c.site.0 as usize, load).0;
                held[cluster as usize] += u64::from(count);
            }
            if !close(state.energy.it_w(), expected) {
                return Err(format!(
                    "job {j} meters {} W, its {} held chips draw {expected} W",
                    state.energy.it_w(),
                    state.accelerators_held
                ));
            }
            jobs_w += expected;
            let r = &state.report;
            let spec = &self.run.jobs[j];
            for (what, x) in [
                ("accel_hours", r.accel_hours),
                ("lost_accel_h", r.lost_accel_h),
                ("useful_compute_s", r.useful_compute_s),
                ("flops_done", r.flops_done),
                ("cost_usd", r.cost_usd),
                ("egress_usd", r.egress_usd),
                ("energy", state.energy.energy_it_j(now)),
            ] {
                if !(x.is_finite() && x >= 0.0) {
                    return Err(format!("job {j} has {what} {x}"));
                }
            }
            if let JobWork::Tokens(_) = spec.work {
                let total = spec.total_flops().unwrap_or(0.0);
                if !close(r.flops_done + state.remaining, total)
                    || r.flops_done > total * (1.0 + 1e-9)
                {
                    return Err(format!(
                        "job {j}: {} FLOPs done + {} remaining != {total}",
                        r.flops_done, state.remaining
                    ));
                }
            }
            for t in [r.first_start, r.completed_at].into_iter().flatten() {
                if t > now || t < spec.arrival {
                    return Err(format!(
                        "job {j} has a start or end at {t} (arrival {}, now {now})",
                        spec.arrival
                    ));
                }
            }
        }
        for nodes in &self.replica_nodes {
            for &n in nodes {
                let c = fabric.cluster_of_node(crate::topology::NodeId(n));
                held[c.0 as usize] += u64::from(fabric.cluster(c).node_size);
            }
        }
        let mut sites_w = 0.0;
        for (s, site) in self.sites.iter().enumerate() {
            let first = fabric.sites()[s].clusters.start;
            let mut expected = 0.0;
            for (i, load) in site.power.loads.iter().enumerate() {
                let cluster = first as usize + i;
                if u64::from(load.busy) != held[cluster] {
                    return Err(format!(
                        "cluster {cluster} has {} busy chips, jobs and replicas hold {}",
                        load.busy, held[cluster]
                    ));
                }
                let (busy_w, idle_w) = self.chip_draws_w(s, i);
                expected += f64::from(load.busy) * busy_w + f64::from(load.idle) * idle_w;
            }
            if site.last_record.is_none() {
                // Not yet solved (its first re-solve is an event at time zero): it draws
                // nothing until then, for no time.
                expected = 0.0;
            }
            if !close(site.meter.it_w(), expected) {
                return Err(format!(
                    "site {s} meters {} W, its chips draw {expected} W",
                    site.meter.it_w()
                ));
            }
            audit.site_it_w[s] = expected;
            sites_w += expected;
        }
        audit.other_it_w = sites_w - jobs_w;
        audit.last = now;
        Ok(())
    }

    /// The model's invariants at time `now`:
    ///
    /// * every node is held by at most one job or replica, and capacity agrees on who;
    /// * a job is running (has a segment) or waiting (queued), never both;
    /// * a running job's segment did not start in the future, and its remaining work is
    ///   neither negative nor more than it started with;
    /// * the fleet's busy count is the sum of what running jobs hold;
    /// * every site's power draw and energy are finite and non-negative.
    pub fn check_invariants(&self, now: SimTime) -> Result<(), String> {
        let fabric = self.run.fabric;
        let mut holder = vec![u32::MAX; fabric.node_count() as usize];
        let mut claim = |node: u32, who: u32| -> Result<(), String> {
            let slot = &mut holder[node as usize];
            if *slot != u32::MAX {
                return Err(format!("node {node} held by both {} and {who}", *slot));
            }
            *slot = who;
            Ok(())
        };
        let mut busy = 0u64;
        for (j, state) in self.jobs.iter().enumerate() {
            for &n in &state.nodes {
                claim(n, j as u32)?;
            }
            let queued = self.queue.contains(&(j as u32));
            match (&state.segment, queued || state.waiting) {
                (Some(_), true) => return Err(format!("job {j} is both running and queued")),
                (Some(seg), false) => {
                    if seg.start > now {
                        return Err(format!("job {j}'s segment starts in the future"));
                    }
                    busy += u64::from(state.accelerators_held);
                }
                (None, _) => {
                    if !state.nodes.is_empty() {
                        return Err(format!("job {j} holds nodes without running"));
                    }
                }
            }
            let total = match self.run.jobs[j].work {
                JobWork::Tokens(_) => self.run.jobs[j].total_flops().unwrap_or(0.0),
                JobWork::Duration(d) => d.as_secs_f64(),
            };
            if !(state.remaining >= 0.0 && state.remaining <= total * (1.0 + 1e-9)) {
                return Err(format!(
                    "job {j} has {} of {total} work remaining",
                    state.remaining
                ));
            }
        }
        for (r, nodes) in self.replica_nodes.iter().enumerate() {
            for &n in nodes {
                claim(n, serving::REPLICA_OWNER_BASE + r as u32)?;
            }
        }
        for (n, &who) in holder.iter().enumerate() {
            let owner = self.capacity.owner(crate::topology::NodeId(n as u32));
            let expected = if who == u32::MAX {
                crate::capacity::FREE
            } else {
                who
            };
            if owner != expected {
                return Err(format!(
                    "node {n}: capacity says {owner}, holders say {expected}"
                ));
            }
        }
        self.capacity.check(fabric)?;
        if (self.busy - busy as f64).abs() > 0.5 {
            return Err(format!("busy count {} but jobs hold {busy}", self.busy));
        }
        for (i, site) in self.sites.iter().enumerate() {
            let it = site.meter.energy_it_mwh(now);
            if !(it.is_finite() && it >= 0.0) {
                return Err(format!("site {i} has IT energy {it} MWh"));
            }
        }
        Ok(())
    }

    /// Arrivals, the first failure of every cluster, outages and site online times.
    fn initial_events(&mut self) -> Vec<(SimTime, Ev)> {
        let mut events = Vec::new();
        if !self.serving.is_empty() {
            // First of all at time zero: replicas take their nodes before any job.
            events.push((SimTime::ZERO, Ev::Serve(serving::ServeEvent::Start)));
        }
        for (i, job) in self.run.jobs.iter().enumerate() {
            events.push((job.arrival, Ev::Arrive(i as u32)));
        }
        for (c, slot) in self.failure.iter_mut().enumerate() {
            if let Some((sampler, rng, _)) = slot
                && let Some(draw) = sampler.next(SimTime::ZERO, rng)
            {
                events.push((draw.at, Ev::Failure(c as u32)));
                self.pending_draw[c] = Some(draw);
            }
        }
        for cluster in self.run.fabric.clusters() {
            for node in cluster.nodes.clone() {
                if let Some(draw) = self.draw_weibull(node, SimTime::ZERO) {
                    events.push((draw, Ev::NodeFailure(node)));
                }
            }
        }
        for site in 0..self.sites.len() {
            events.push((SimTime::ZERO, Ev::CapChange(site as u16)));
        }
        for c in self.run.curtailments.curtailments() {
            events.push((c.start, Ev::CapChange(c.site as u16)));
            events.push((c.end(), Ev::CapChange(c.site as u16)));
        }
        for (i, o) in self.run.outages.outages().iter().enumerate() {
            events.push((o.start, Ev::OutageStart(i as u32)));
            events.push((o.end(), Ev::OutageEnd(i as u32)));
        }
        // Capacity growth: a cluster before its online time can neither run nor draw.
        let fabric = self.run.fabric;
        for cluster in fabric.clusters() {
            if cluster.online_from > SimTime::ZERO {
                self.capacity.take_down(
                    fabric,
                    FailureDomain::Cluster(cluster.id),
                    &mut Vec::new(),
                );
                let load = self.load_mut(cluster.id);
                load.down += load.idle;
                load.idle = 0;
                events.push((cluster.online_from, Ev::ClusterOnline(cluster.id.0)));
            }
        }
        events
    }

    /// Mean repair time of failure category `category` (what a failover policy expects).
    fn expected_repair(&self, category: usize) -> SimDuration {
        let mean = self.run.failures.categories[category].repair.mean_secs();
        SimDuration::from_secs_f64(mean).unwrap_or(SimDuration::MAX)
    }

    /// Refreshes what policies see of sites and clouds: carbon intensity now, power
    /// headroom under the cap in force, unspent commitments. O(sites + clouds).
    fn refresh_view(&mut self, now: SimTime) {
        for s in 0..self.sites.len() {
            self.view_carbon[s] = self.sites[s].carbon.profile().intensity_at(now);
            self.view_headroom[s] = self.cap_w(s) - self.sites[s].power.demand_facility_w();
        }
        for (c, left) in self.view_commitment.iter_mut().enumerate() {
            *left =
                self.ledger
                    .unspent_usd(crate::catalog::CloudId(c as u16), now, self.run.horizon);
        }
    }

    /// Gives nodes to every waiting replica that can have them (replica order): a fixed
    /// replica on its cluster, the others where the placement policy puts them. A `warm`
    /// replica serves at once (time zero), the others after their start-up time.
    fn place_replicas(&mut self, warm: bool, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let mut refreshed = false;
        let mut i = 0;
        while i < self.replica_wait.len() {
            let r = self.replica_wait[i];
            let at = match self.serving.replica_needs(r) {
                serving::ReplicaNeed::Fixed { cluster, nodes } => Some((cluster, nodes)),
                serving::ReplicaNeed::Policy { kind, chips } => {
                    if !refreshed {
                        self.refresh_view(ctx.now());
                        refreshed = true;
                    }
                    self.place_replica_by_policy(r, kind, chips, ctx.now())
                }
            };
            let held = &mut self.replica_nodes[r as usize];
            held.clear();
            let owner = serving::REPLICA_OWNER_BASE + r;
            match at {
                Some((cluster, nodes))
                    if self.capacity.allocate(fabric, cluster, nodes, owner, held) =>
                {
                    self.replica_wait.remove(i);
                    let chips = nodes * fabric.cluster(cluster).node_size;
                    self.change_load(&[(cluster.0, chips)], true, ctx);
                    self.serving.replica_placed(
                        r,
                        (cluster, nodes),
                        fabric,
                        self.run.catalog,
                        warm,
                        ctx,
                    );
                }
                _ => i += 1,
            }
        }
    }

    /// Where the placement policy puts replica `r` (one cluster), if anywhere now.
    fn place_replica_by_policy(
        &mut self,
        r: u32,
        kind: crate::catalog::AccelKindId,
        chips: u32,
        now: SimTime,
    ) -> Option<(ClusterId, u32)> {
        let fabric = self.run.fabric;
        let subject = self.serving.replica_name(r);
        let kinds = [self.run.catalog.accelerator(kind).name.clone()];
        let mut users = std::mem::take(&mut self.scratch_users);
        let mut group = std::mem::take(&mut self.scratch_group);
        self.serving.replica_users(r, &mut users);
        let total = self.serving.service_holdings(r, fabric, &mut group);
        let request = PlacementRequest {
            subject: &subject,
            accelerators: chips,
            kinds: &kinds,
            span_clusters: false,
            multi_site: false,
            params: 0.0,
            home: None,
            checkpoint_bytes: 0.0,
            users: &users,
            group: &group,
            group_total: total,
        };
        let view = fabric_view!(self, now);
        let placed = self.policies.placement.place(
            &view,
            &request,
            &mut self.placed,
            &mut self.policies.decisions,
        );
        self.scratch_users = users;
        self.scratch_group = group;
        (placed && self.placed.len() == 1).then(|| self.placed[0])
    }

    /// Replica `r`'s nodes were hit: it frees them, dies, and waits for nodes again.
    fn replica_hit(&mut self, r: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let held = std::mem::take(&mut self.replica_nodes[r as usize]);
        if held.is_empty() {
            return;
        }
        self.capacity.release(fabric, &held);
        let cluster = fabric.cluster_of_node(crate::topology::NodeId(held[0]));
        let chips = held.len() as u32 * fabric.cluster(cluster).node_size;
        self.replica_nodes[r as usize] = held;
        self.replica_nodes[r as usize].clear();
        self.pending_release.push((cluster.0, chips));
        self.serving.replica_down(r, ctx);
        let at = self.replica_wait.partition_point(|&w| w < r);
        self.replica_wait.insert(at, r);
    }

    /// Tries to place every waiting replica, then every waiting job, in queue order.
    fn schedule_waiting(&mut self, ctx: &mut Context<'_, Ev>) {
        if !self.replica_wait.is_empty() {
            self.place_replicas(false, ctx);
        }
        if !self.queue.is_empty() {
            self.refresh_view(ctx.now());
        }
        let mut i = 0;
        while i < self.queue.len() {
            let job = self.queue[i];
            if self.try_start(job, ctx) {
                self.queue.remove(i);
            } else {
                i += 1;
            }
        }
    }

    fn enqueue(&mut self, job: u32) {
        let state = &mut self.jobs[job as usize];
        if state.waiting {
            return;
        }
        state.waiting = true;
        let key = |j: u32| {
            let spec = &self.run.jobs[j as usize];
            (std::cmp::Reverse(spec.priority), spec.arrival, j)
        };
        let at = self.queue.partition_point(|&other| key(other) <= key(job));
        self.queue.insert(at, job);
    }

    /// Places and starts `job` if capacity allows.
    fn try_start(&mut self, job: u32, ctx: &mut Context<'_, Ev>) -> bool {
        let fabric = self.run.fabric;
        let catalog = self.run.catalog;
        let spec = &self.run.jobs[job as usize];
        let pinned = &self.jobs[job as usize].pinned;
        if !pinned.is_empty() {
            // Failover `wait`: only its own clusters, once they are back.
            let back = pinned.iter().all(|&(c, n)| {
                self.capacity.cluster_reachable(fabric, c) && self.capacity.allocatable(c) >= n
            });
            if !back {
                return false;
            }
            self.placed.clear();
            self.placed.extend_from_slice(pinned);
        } else {
            // Necessary for any policy: enough free accelerators of allowed kinds in one
            // site (or anywhere, for work that may span sites). O(clusters), cheap next to
            // a policy's scoring; most waiting jobs stop here while the fleet is full.
            let spans = self.policies.placement.may_span_sites(spec.multi_site);
            let (mut best, mut total, mut site_free, mut site) = (0u64, 0u64, 0u64, None);
            for c in fabric.clusters() {
                if site != Some(c.site) {
                    best = best.max(site_free);
                    site_free = 0;
                    site = Some(c.site);
                }
                if spec.allows(&catalog.accelerator(c.accelerator).name)
                    && self.capacity.cluster_reachable(fabric, c.id)
                {
                    let free = u64::from(self.capacity.allocatable(c.id)) * u64::from(c.node_size);
                    site_free += free;
                    total += free;
                }
            }
            best = best.max(site_free);
            if (if spans { total } else { best }) < u64::from(spec.accelerators) {
                return false;
            }
            let state = &self.jobs[job as usize];
            let view = fabric_view!(self, ctx.now());
            let request = PlacementRequest {
                subject: &spec.name,
                accelerators: spec.accelerators,
                kinds: &spec.kinds,
                span_clusters: true,
                multi_site: spec.multi_site,
                params: spec.params,
                home: state.migrate_from.or(state.last_site),
                checkpoint_bytes: TRAINING_STATE_BYTES_PER_PARAM * spec.params,
                users: &[],
                group: &[],
                group_total: spec.accelerators,
            };
            if !self.policies.placement.place(
                &view,
                &request,
                &mut self.placed,
                &mut self.policies.decisions,
            ) {
                return false;
            }
        }
        // Under `refuse` and `preempt`, no placement past a site's cap.
        for &(cluster, nodes) in &self.placed {
            let c = fabric.cluster(cluster);
            let site = &self.sites[c.site.0 as usize];
            if site.policy != PowerPolicy::Throttle {
                let load = (cluster.0 - fabric.site(c.site).clusters.start) as usize;
                if !site
                    .power
                    .fits(load, nodes * c.node_size, self.cap_w(c.site.0 as usize))
                {
                    return false;
                }
            }
        }
        let state = &mut self.jobs[job as usize];
        state.nodes.clear();
        for &(cluster, nodes) in &self.placed {
            if !self
                .capacity
                .allocate(fabric, cluster, nodes, job, &mut state.nodes)
            {
                // A rack outage hid nodes the placement counted: give back and wait.
                self.capacity.release(fabric, &state.nodes);
                state.nodes.clear();
                return false;
            }
        }
        // The allocation by kind, and the sites it spans.
        let mut parts: Vec<(&AcceleratorSpec, u32)> = Vec::new();
        let mut sites: Vec<SiteId> = Vec::new();
        let mut held = 0;
        let (mut usd_per_h, mut unpriced) = (0.0, 0);
        for &(cluster, nodes) in &self.placed {
            let c = fabric.cluster(cluster);
            let count = nodes * c.node_size;
            held += count;
            match self.price[cluster.0 as usize] {
                Some(p) => usd_per_h += p * f64::from(count),
                None => unpriced += count,
            }
            let kind = catalog.accelerator(c.accelerator);
            match parts.iter_mut().find(|(k, _)| k.name == kind.name) {
                Some(p) => p.1 += count,
                None => parts.push((kind, count)),
            }
            if !sites.contains(&c.site) {
                sites.push(c.site);
            }
        }
        let mut alloc = Allocation::new(&parts);
        if sites.len() > 1 {
            let net = self.run.network;
            let slowest = sites
                .iter()
                .flat_map(|&a| sites.iter().map(move |&b| (a, b)))
                .filter(|(a, b)| a < b)
                .map(|(a, b)| {
                    net.wan
                        .path(a.0 as usize, b.0 as usize, net.rtt, net.prices)
                })
                .min_by(|x, y| {
                    (x.gbit, -x.rtt.ms)
                        .partial_cmp(&(y.gbit, -y.rtt.ms))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .expect("invariant: two or more sites give at least one pair");
            alloc = alloc.with_span(WanSpan::from_path(sites.len() as u32, &slowest));
        }
        let rate = JobRate::new(spec, &alloc);
        // Cross-site sync: a ring over the sites, each sending 2(s-1)/s of the gradient
        // to the next per step, priced by the network's egress model.
        let egress_usd_per_flop = if sites.len() > 1 && rate.step_flops > 0.0 {
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
            per_step / rate.step_flops
        } else {
            0.0
        };
        let (full_rate, flops_per_unit) = match spec.work {
            JobWork::Tokens(_) => (rate.useful_flops_per_s, 1.0),
            JobWork::Duration(_) => (1.0, rate.useful_flops_per_s),
        };
        let throttle = 1.0;
        state.progress.reset(full_rate * throttle);
        let mut restart = if state.started_once {
            spec.restart_overhead
        } else {
            SimDuration::ZERO
        };
        // Failover `migrate`: a restart at another site first copies the checkpoint there.
        let new_site = fabric.cluster(self.placed[0].0).site;
        if let Some(home) = state.migrate_from.take()
            && home != new_site
        {
            let net = self.run.network;
            let path = net
                .wan
                .path(home.0 as usize, new_site.0 as usize, net.rtt, net.prices);
            let bytes = TRAINING_STATE_BYTES_PER_PARAM * spec.params;
            restart = restart.saturating_add(path.transfer_time(bytes, &TransferParams::default()));
            let usd = path.transfer_usd(bytes);
            state.report.egress_usd += usd;
            state.report.migrations += 1;
            self.ledger
                .add_spend(ctx.now(), fabric.site(home).cloud, usd);
        }
        state.pinned.clear();
        state.last_site = Some(new_site);
        let timeline = CheckpointTimeline::new(
            spec.checkpoint_interval,
            spec.checkpoint_cost.time(),
            restart,
        );
        let compute = SimDuration::from_secs_f64(state.progress.compute_for(state.remaining))
            .unwrap_or(SimDuration::MAX);
        let finish_at = ctx
            .now()
            .saturating_add(timeline.elapsed_to_finish(compute));
        let finish = ctx
            .schedule_cancellable_at(finish_at, Ev::Finish(job))
            .expect("invariant: a finish time is not in the past");
        if state.report.first_start.is_none() {
            state.report.first_start = Some(ctx.now());
        }
        state.started_once = true;
        state.waiting = false;
        state.accelerators_held = held;
        state.segment = Some(Segment {
            start: ctx.now(),
            full_rate,
            flops_per_unit,
            throttle,
            timeline,
            finish,
            usd_per_h,
            unpriced,
            egress_usd_per_flop,
        });
        let mut held_now = std::mem::take(&mut state.held);
        held_now.clear();
        for &(cluster, nodes) in &self.placed {
            held_now.push((cluster.0, nodes * fabric.cluster(cluster).node_size));
        }
        self.set_busy(ctx.now(), f64::from(held));
        self.change_load(&held_now, true, ctx);
        self.jobs[job as usize].held = held_now;
        let t = self.job_throttle(job);
        self.set_throttle(job, t, ctx);
        self.update_job_power(job, ctx.now());
        true
    }

    /// The cap of site `s` now, W: nominal × the lowest active curtailment fraction.
    fn cap_w(&self, s: usize) -> f64 {
        self.run.fabric.sites()[s].power_cap_w * self.sites[s].cap_fraction
    }

    /// Marks the accelerators of `held` busy (or idle again) and re-solves their sites' power.
    fn change_load(&mut self, held: &[(u32, u32)], busy: bool, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let mut touched: [u16; 8] = [u16::MAX; 8];
        let mut n = 0;
        for &(cluster, count) in held {
            let c = fabric.cluster(ClusterId(cluster));
            let s = c.site.0 as usize;
            let load = &mut self.sites[s].power.loads
                [(cluster - fabric.site(c.site).clusters.start) as usize];
            if busy {
                load.busy += count;
                load.idle -= count.min(load.idle);
            } else {
                load.busy -= count.min(load.busy);
                load.idle += count;
            }
            if let Some(price) = self.price[cluster as usize] {
                let cloud = fabric.site(c.site).cloud;
                let rate = &mut self.cloud_rate[cloud.0 as usize];
                *rate += if busy { price } else { -price } * f64::from(count);
                *rate = rate.max(0.0);
                self.ledger.set_rate(ctx.now(), cloud, *rate);
            }
            if !touched[..n].contains(&c.site.0) && n < touched.len() {
                touched[n] = c.site.0;
                n += 1;
            }
        }
        for &s in &touched[..n] {
            self.recompute_site(s as usize, ctx);
        }
        if n == touched.len() {
            // More sites than the buffer holds: re-solve every site (rare: very wide jobs).
            for s in 0..self.sites.len() {
                self.recompute_site(s, ctx);
            }
        }
    }

    /// Re-solves site `s`'s power against its cap: preempts under `preempt`, throttles the
    /// rest, meters the draw, and applies the throttle to the jobs running there.
    fn recompute_site(&mut self, s: usize, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let cap = self.cap_w(s);
        if self.sites[s].policy == PowerPolicy::Preempt {
            while self.sites[s].power.demand_facility_w() > cap {
                let victim = (0..self.jobs.len() as u32)
                    .filter(|&j| self.job_on_site(j, s))
                    .min_by_key(|&j| (self.run.jobs[j as usize].priority, std::cmp::Reverse(j)));
                let Some(victim) = victim else { break };
                self.hit.push(victim);
                self.interrupt_hit(
                    Cause::Power,
                    FailureDomain::Site(SiteId(s as u16)),
                    SimDuration::ZERO,
                    ctx,
                );
            }
        }
        self.refresh_loads(s, now);
        let site = &mut self.sites[s];
        let decision = site.power.throttle_for_cap(cap);
        let throttle = decision.throughput_fraction * decision.running_fraction;
        if site.throttle < 1.0 {
            site.throttled_accel_h += f64::from(site.last_busy)
                * now
                    .saturating_duration_since(site.last_change)
                    .as_hours_f64();
        }
        site.last_change = now;
        site.last_busy = site.power.loads.iter().map(|l| l.busy).sum();
        site.meter
            .set(now, decision.draw_it_w, decision.draw_facility_w);
        site.carbon.set_power(now, decision.draw_facility_w);
        let changed = (throttle - site.throttle).abs() > 1e-12;
        // A job's draw follows the limit and the running and powered shares, which can move
        // while the throttle does not (a flat stretch of the curve, or chips switched off
        // with none running): re-meter its jobs on any of them.
        let draw_changed = (
            decision.limit_fraction,
            decision.running_fraction,
            decision.powered_fraction,
        ) != (site.limit, site.running, site.powered);
        site.throttle = throttle;
        site.limit = decision.limit_fraction;
        site.running = decision.running_fraction;
        site.powered = decision.powered_fraction;
        let record = PowerRecord {
            time: now,
            site: s as u16,
            demand_facility_w: site.power.demand_facility_w(),
            cap_w: cap,
            draw_facility_w: decision.draw_facility_w,
            throttle,
            busy: site.last_busy,
            accelerators: self.run.fabric.sites()[s].accelerator_count(),
        };
        // One row per actual change: a re-solve that changes nothing writes nothing.
        let same = |p: &PowerRecord| {
            (p.demand_facility_w, p.cap_w, p.draw_facility_w, p.throttle)
                == (
                    record.demand_facility_w,
                    record.cap_w,
                    record.draw_facility_w,
                    record.throttle,
                )
        };
        if site.last_record.as_ref().is_none_or(|p| !same(p)) {
            site.last_record = Some(record);
            self.power_log.push(record);
        }
        if changed {
            self.serving.set_throttle(s, throttle, now);
        }
        if changed || draw_changed {
            for j in 0..self.jobs.len() as u32 {
                if self.job_on_site(j, s) {
                    if changed {
                        let t = self.job_throttle(j);
                        self.set_throttle(j, t, ctx);
                    }
                    self.update_job_power(j, now);
                }
            }
        }
    }

    /// Re-meters job `j`'s draw from its held chips at their sites' current limits (zero
    /// when it holds none).
    fn update_job_power(&mut self, j: u32, now: SimTime) {
        let fabric = self.run.fabric;
        let (mut it_w, mut facility_w) = (0.0, 0.0);
        for &(cluster, count) in &self.jobs[j as usize].held {
            let c = fabric.cluster(ClusterId(cluster));
            let site = &self.sites[c.site.0 as usize];
            let load = &site.power.loads[(cluster - fabric.site(c.site).clusters.start) as usize];
            let busy = load.power.draw_w(
                crate::power::ChipState::Busy {
                    utilisation: load.utilisation,
                },
                Some(site.limit),
            );
            let chip = site.powered
                * (site.running * busy + (1.0 - site.running) * load.power.idle_draw_w());
            it_w += f64::from(count) * chip;
            facility_w += f64::from(count) * chip * site.power.pue;
        }
        self.jobs[j as usize].energy.set(now, it_w, facility_w);
    }

    /// Sets each cluster load's idle and down counts of site `s` from capacity: chips of a
    /// cluster not yet online, and of nodes held down by a failure, draw nothing.
    fn refresh_loads(&mut self, s: usize, now: SimTime) {
        let fabric = self.run.fabric;
        let site = fabric.site(SiteId(s as u16));
        for (i, c) in fabric.clusters_of(site.id).iter().enumerate() {
            let count = c.accelerator_count();
            let down = if c.online_from > now {
                count
            } else {
                (self.capacity.down_nodes(c.id) * c.node_size).min(count)
            };
            let load = &mut self.sites[s].power.loads[i];
            load.down = down;
            load.idle = count.saturating_sub(load.busy + down);
        }
    }

    /// The site of a node-level or rack-level failure domain.
    fn site_of(&self, domain: FailureDomain) -> Option<usize> {
        let fabric = self.run.fabric;
        let cluster = match domain {
            FailureDomain::Accelerator(a) => fabric.cluster_of_accelerator(a),
            FailureDomain::Node(n) => fabric.cluster_of_node(n),
            FailureDomain::Rack(r) => fabric.cluster_of_rack(r),
            _ => return None,
        };
        Some(fabric.cluster(cluster).site.0 as usize)
    }

    /// The power load of cluster `id` in its site.
    fn load_mut(&mut self, id: ClusterId) -> &mut crate::power::KindLoad {
        let fabric = self.run.fabric;
        let c = fabric.cluster(id);
        let index = (id.0 - fabric.site(c.site).clusters.start) as usize;
        &mut self.sites[c.site.0 as usize].power.loads[index]
    }

    /// Whether running job `j` holds accelerators at site `s`.
    fn job_on_site(&self, j: u32, s: usize) -> bool {
        let state = &self.jobs[j as usize];
        state.segment.is_some()
            && state
                .held
                .iter()
                .any(|&(c, _)| self.run.fabric.cluster(ClusterId(c)).site.0 as usize == s)
    }

    /// A job's throttle: the slowest of its sites (a synchronous job waits for it).
    fn job_throttle(&self, j: u32) -> f64 {
        self.jobs[j as usize]
            .held
            .iter()
            .map(|&(c, _)| {
                self.sites[self.run.fabric.cluster(ClusterId(c)).site.0 as usize].throttle
            })
            .fold(1.0, f64::min)
    }

    fn set_busy(&mut self, now: SimTime, delta: f64) {
        self.busy += delta;
        self.busy_accelerators.set(now, self.busy);
    }

    /// Runs `job` at `throttle` (throughput fraction) from now on: banks its progress at the
    /// old rate and moves its finish event. No effect on a job that is not running.
    fn set_throttle(&mut self, job: u32, throttle: f64, ctx: &mut Context<'_, Ev>) {
        let state = &mut self.jobs[job as usize];
        let Some(seg) = state.segment.as_mut() else {
            return;
        };
        if seg.throttle == throttle {
            return;
        }
        let elapsed = ctx.now().saturating_duration_since(seg.start);
        let compute = seg.timeline.compute_done(elapsed).as_secs_f64();
        let committed = seg.timeline.committed_compute(elapsed).as_secs_f64();
        state
            .progress
            .set_rate(compute, seg.full_rate * throttle, committed);
        seg.throttle = throttle;
        ctx.cancel(seg.finish);
        let total = SimDuration::from_secs_f64(state.progress.compute_for(state.remaining))
            .unwrap_or(SimDuration::MAX);
        let finish_at = seg
            .start
            .saturating_add(seg.timeline.elapsed_to_finish(total));
        seg.finish = ctx
            .schedule_cancellable_at(finish_at.max(ctx.now()), Ev::Finish(job))
            .expect("invariant: a finish time is not in the past");
    }

    /// Bills a segment's allocation from its start to `now`: accelerator-hours and
    /// on-demand cost (restart, checkpoint and lost time are paid for too).
    fn bill(report: &mut JobReport, progress: &Progress, seg: &Segment, held: u32, now: SimTime) {
        let elapsed = now.saturating_duration_since(seg.start);
        let hours = elapsed.as_hours_f64();
        report.accel_hours += hours * f64::from(held);
        report.unpriced_accel_hours += hours * f64::from(seg.unpriced);
        report.cost_usd += hours * seg.usd_per_h;
        // WAN egress follows the steps taken, kept or later lost.
        let units = progress.units_at(seg.timeline.compute_done(elapsed).as_secs_f64());
        report.egress_usd += units * seg.flops_per_unit * seg.egress_usd_per_flop;
    }

    /// Ends `job`'s segment at `now`: banks the committed work, counts the lost work, frees
    /// its nodes. `planned` means a checkpoint was taken just before (nothing is lost).
    fn stop_segment(&mut self, job: u32, now: SimTime, planned: bool) -> f64 {
        let state = &mut self.jobs[job as usize];
        let Some(seg) = state.segment.take() else {
            return 0.0;
        };
        Self::bill(
            &mut state.report,
            &state.progress,
            &seg,
            state.accelerators_held,
            now,
        );
        let elapsed = now.saturating_duration_since(seg.start);
        let done = seg.timeline.compute_done(elapsed).as_secs_f64();
        let committed = if planned {
            done
        } else {
            seg.timeline.committed_compute(elapsed).as_secs_f64()
        };
        let units = state.progress.units_at(committed);
        state.remaining = (state.remaining - units).max(0.0);
        state.report.useful_compute_s += committed;
        state.report.flops_done += units * seg.flops_per_unit;
        let lost_h = (done - committed) * f64::from(state.accelerators_held) / 3600.0;
        state.report.lost_accel_h += lost_h;
        self.free_allocation(job, now);
        lost_h
    }

    /// Frees a stopped job's nodes and stops metering it; its accelerators wait in
    /// `pending_release` until [`flush_release`](Self::flush_release) returns them to their
    /// sites' loads.
    fn free_allocation(&mut self, job: u32, now: SimTime) {
        let state = &mut self.jobs[job as usize];
        self.capacity.release(self.run.fabric, &state.nodes);
        state.nodes.clear();
        let held = state.accelerators_held;
        state.accelerators_held = 0;
        self.pending_release.extend_from_slice(&state.held);
        state.held.clear();
        state.energy.set(now, 0.0, 0.0);
        self.set_busy(now, -f64::from(held));
    }

    /// Returns the accelerators freed since the last flush to their sites' loads.
    fn flush_release(&mut self, ctx: &mut Context<'_, Ev>) {
        let freed = std::mem::take(&mut self.pending_release);
        self.change_load(&freed, false, ctx);
        self.pending_release = freed;
        self.pending_release.clear();
    }

    /// Interrupts every job in `self.hit` because of `cause` in `domain`.
    /// Interrupts every job and replica in `self.hit` because of `cause` in `domain`,
    /// expected back after `expected_repair`; each interrupted job's failover policy
    /// decides where it restarts (a power preemption simply requeues).
    fn interrupt_hit(
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
            let Some(finish) = self.jobs[job as usize].segment.as_ref().map(|s| s.finish) else {
                continue;
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
        self.hit = hit;
        self.hit.clear();
        self.flush_release(ctx);
    }

    fn on_failure(&mut self, cluster: u32, ctx: &mut Context<'_, Ev>) {
        let c = cluster as usize;
        let fabric = self.run.fabric;
        let Some(draw) = self.pending_draw[c].take() else {
            return;
        };
        let category = &self.run.failures.categories[draw.category];
        let victim = crate::topology::AcceleratorId(draw.victim);
        // Thinning: a victim already down cannot fail again (exact for exponential times).
        if self.capacity.node_up(fabric, fabric.node_of(victim)) {
            let domain = category.scope.domain(fabric, victim);
            self.capacity.take_down(fabric, domain, &mut self.hit);
            if let Some(site) = self.site_of(domain) {
                self.recompute_site(site, ctx);
            }
            let (_, _, repair_rng) = self.failure[c]
                .as_mut()
                .expect("a pending draw has a sampler");
            let repair = self.run.failures.sample_repair(draw.category, repair_rng);
            ctx.schedule_in(repair, Ev::Repair(domain))
                .expect("invariant: repair times fit in SimTime");
            let expected = self.expected_repair(draw.category);
            self.components.push(ComponentRecord {
                time: ctx.now(),
                domain,
                event: ComponentEvent::Failure(draw.category as u16),
            });
            self.interrupt_hit(Cause::Failure(draw.category as u16), domain, expected, ctx);
        }
        let (sampler, rng, _) = self.failure[c]
            .as_mut()
            .expect("a pending draw has a sampler");
        if let Some(next) = sampler.next(ctx.now(), rng) {
            ctx.schedule_at(next.at, Ev::Failure(cluster))
                .expect("invariant: the next failure is in the future");
            self.pending_draw[c] = Some(next);
        }
        self.schedule_waiting(ctx);
    }

    /// Draws node `node`'s next Weibull failure after a (re)start at `from`, stores it, and
    /// returns its time (`None` if its cluster has no Weibull category).
    fn draw_weibull(&mut self, node: u32, from: SimTime) -> Option<SimTime> {
        let fabric = self.run.fabric;
        let c = fabric.cluster_of_node(crate::topology::NodeId(node));
        let (renewal, rng) = self.weibull[c.0 as usize].as_mut()?;
        let cluster = fabric.cluster(c);
        let first = cluster.accelerators.start + (node - cluster.nodes.start) * cluster.node_size;
        let draw = renewal.next(from, first..first + cluster.node_size, rng)?;
        self.node_draw[node as usize] = Some(draw);
        Some(draw.at)
    }

    fn on_node_failure(&mut self, node: u32, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        let Some(draw) = self.node_draw[node as usize].take() else {
            return;
        };
        let mut restart_from = ctx.now();
        if self.capacity.node_up(fabric, crate::topology::NodeId(node)) {
            let victim = crate::topology::AcceleratorId(draw.victim);
            let domain = self.run.failures.categories[draw.category]
                .scope
                .domain(fabric, victim);
            self.capacity.take_down(fabric, domain, &mut self.hit);
            if let Some(site) = self.site_of(domain) {
                self.recompute_site(site, ctx);
            }
            let c = fabric.cluster_of_node(crate::topology::NodeId(node)).0 as usize;
            let (_, rng) = self.weibull[c].as_mut().expect("a node draw has a sampler");
            let repair = self.run.failures.sample_repair(draw.category, rng);
            ctx.schedule_in(repair, Ev::Repair(domain))
                .expect("invariant: repair times fit in SimTime");
            restart_from = ctx.now().saturating_add(repair);
            let expected = self.expected_repair(draw.category);
            self.components.push(ComponentRecord {
                time: ctx.now(),
                domain,
                event: ComponentEvent::Failure(draw.category as u16),
            });
            self.interrupt_hit(Cause::Failure(draw.category as u16), domain, expected, ctx);
        }
        if let Some(at) = self.draw_weibull(node, restart_from) {
            ctx.schedule_at(at, Ev::NodeFailure(node))
                .expect("invariant: the next failure is in the future");
        }
        self.schedule_waiting(ctx);
    }

    fn finish(mut self, horizon: SimTime, events: u64) -> RunSummary {
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

impl Model for TrainingSim<'_> {
    type Event = Ev;

    fn handle(&mut self, event: Ev, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        match event {
            Ev::Arrive(job) => {
                self.enqueue(job);
                self.schedule_waiting(ctx);
            }
            Ev::Finish(job) => {
                let now = ctx.now();
                let state = &mut self.jobs[job as usize];
                if let Some(seg) = &state.segment {
                    Self::bill(
                        &mut state.report,
                        &state.progress,
                        seg,
                        state.accelerators_held,
                        now,
                    );
                    let elapsed = now.saturating_duration_since(seg.start);
                    let done = seg.timeline.compute_done(elapsed).as_secs_f64();
                    state.report.useful_compute_s += done;
                    state.report.flops_done += state.remaining * seg.flops_per_unit;
                    state.remaining = 0.0;
                    state.report.completed_at = Some(now);
                    state.segment = None;
                    self.free_allocation(job, now);
                    self.flush_release(ctx);
                }
                self.schedule_waiting(ctx);
            }
            Ev::Failure(cluster) => self.on_failure(cluster, ctx),
            Ev::NodeFailure(node) => self.on_node_failure(node, ctx),
            Ev::Repair(domain) => {
                self.components.push(ComponentRecord {
                    time: ctx.now(),
                    domain,
                    event: ComponentEvent::Repair,
                });
                self.capacity.bring_up(fabric, domain);
                if let Some(site) = self.site_of(domain) {
                    self.recompute_site(site, ctx);
                }
                self.schedule_waiting(ctx);
            }
            Ev::OutageStart(i) => {
                let o = self.run.outages.outages()[i as usize];
                self.capacity.take_down(fabric, o.domain, &mut self.hit);
                self.components.push(ComponentRecord {
                    time: ctx.now(),
                    domain: o.domain,
                    event: ComponentEvent::OutageStart(o.kind),
                });
                self.interrupt_hit(Cause::Outage(o.kind), o.domain, o.duration, ctx);
                if !self.replica_wait.is_empty() {
                    // Replicas move to spare nodes at once (jobs wait for the next event).
                    self.place_replicas(false, ctx);
                }
            }
            Ev::OutageEnd(i) => {
                let o = self.run.outages.outages()[i as usize];
                self.components.push(ComponentRecord {
                    time: ctx.now(),
                    domain: o.domain,
                    event: ComponentEvent::OutageEnd(o.kind),
                });
                self.capacity.bring_up(fabric, o.domain);
                self.schedule_waiting(ctx);
            }
            Ev::CapChange(site) => {
                let s = site as usize;
                self.sites[s].cap_fraction = self.run.curtailments.cap_fraction_at(s, ctx.now());
                self.recompute_site(s, ctx);
                self.schedule_waiting(ctx);
            }
            Ev::Serve(serving::ServeEvent::Start) => {
                self.replica_wait = (0..self.serving.replica_count()).collect();
                self.place_replicas(true, ctx);
                self.serving.start(ctx);
            }
            Ev::Serve(e) => self.serving.handle(e, ctx),
            Ev::ClusterOnline(cluster) => {
                let id = ClusterId(cluster);
                self.capacity.bring_up(fabric, FailureDomain::Cluster(id));
                let load = self.load_mut(id);
                load.idle += load.down;
                load.down = 0;
                let site = fabric.cluster(id).site.0 as usize;
                self.recompute_site(site, ctx);
                self.schedule_waiting(ctx);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{NetworkSpec, PartitionPlan};
    use crate::topology::FabricSpec;

    /// One H100 site running one job from time zero, for `hours`, audited at every event;
    /// `corrupt` breaks the model's books at the halfway point.
    fn audited(corrupt: impl FnOnce(&mut TrainingSim<'_>)) -> Option<String> {
        let catalog = Catalog::builtin();
        let spec = FabricSpec {
            sites: vec![serving::synthetic::site(
                "aws-use1",
                "aws",
                "us-east-1",
                "h100",
                8,
                8,
            )],
        };
        let fabric = spec.build(&catalog).unwrap();
        let sites = [("aws-use1", fabric.sites()[0].region)];
        let wan = WanModel::new(
            &NetworkSpec {
                wan_gbit_default: 100.0,
                links: Vec::new(),
            },
            &sites,
        )
        .unwrap();
        let rtt = RttModel::from_catalog(&catalog).unwrap();
        let prices = EgressPrices::from_catalog(&catalog).unwrap();
        let job =
            TrainingJobSpec::new("j", 8e9, JobWork::Duration(SimDuration::from_hours(10)), 32);
        let horizon = SimTime::ZERO + SimDuration::from_hours(20);
        let run = TrainingRun {
            fabric: &fabric,
            catalog: &catalog,
            network: Network {
                wan: &wan,
                rtt: &rtt,
                prices: &prices,
            },
            jobs: vec![job],
            failures: FailureModel::builtin("none").unwrap(),
            outages: OutagePlan::default(),
            horizon,
            seed: 1,
            power: Vec::new(),
            curtailments: CurtailmentPlan::default(),
            commitments: Vec::new(),
            carbon: Vec::new(),
            serving: serving::ServingRun {
                services: Vec::new(),
                partitions: PartitionPlan::default(),
                fidelity: serving::Fidelity::Request,
                sample_every: 0,
            },
        };
        let model = TrainingSim::new(run, Policies::default()).unwrap();
        let mut sim = Simulation::new(model);
        for (at, ev) in sim.model_mut().initial_events() {
            sim.schedule_at(at, ev).unwrap();
        }
        // A mid-run event to audit after the corruption.
        let half = SimTime::ZERO + SimDuration::from_hours(5);
        sim.schedule_at(half, Ev::CapChange(0)).unwrap();
        let mut audit = EnergyAudit::new(sim.model());
        let quarter = SimTime::ZERO + SimDuration::from_hours(3);
        if let Some(v) = TrainingSim::run_audited(&mut sim, &mut audit, quarter) {
            return Some(format!("before the corruption: {v}"));
        }
        corrupt(sim.model_mut());
        TrainingSim::run_audited(&mut sim, &mut audit, horizon)
    }

    #[test]
    fn the_audit_passes_honest_books() {
        assert_eq!(audited(|_| {}), None);
    }

    #[test]
    fn the_audit_catches_broken_energy_accounting() {
        let at = SimTime::ZERO + SimDuration::from_hours(3);
        // A job meter that stops counting while its chips keep drawing.
        let v = audited(|m| m.jobs[0].energy.set(at, 0.0, 0.0)).unwrap();
        assert!(v.contains("jobs' ") || v.contains("job 0 meters"), "{v}");
        // A site meter drawing more than its chips (and than its power log says).
        let v = audited(|m| {
            let (it, f) = (m.sites[0].meter.it_w(), m.sites[0].meter.facility_w());
            m.sites[0].meter.set(at, it + 1e3, f + 1e3);
        })
        .unwrap();
        assert!(v.contains("site 0"), "{v}");
        // A busy chip nobody holds (double-booked or leaked).
        let v = audited(|m| m.sites[0].power.loads[0].busy += 8).unwrap();
        assert!(v.contains("busy chips"), "{v}");
        // Token-job style progress past its total.
        let v = audited(|m| m.jobs[0].remaining = -1.0).unwrap();
        assert!(v.contains("remaining"), "{v}");
    }
}
