//! The fabric simulation: synchronous training jobs and inference services on a fabric,
//! hit by component failures and correlated outages, under power caps; jobs restart from
//! checkpoints and replicas on spare nodes.
//!
//! [`FabricSim`] is a `sim_core` [`Model`]. Its events are few and small:
//!
//! ```text
//!   Arrive(job)            a job enters the queue and is placed if capacity allows
//!   Finish(job)            a running job's work completes (cancelled when it is interrupted)
//!   Failure(cluster)       the next random failure of a cluster (one pending per cluster)
//!   NodeFailure(node)      the next Weibull failure of a node (one pending per node)
//!   Repair(domain)         a failed accelerator / node / rack comes back
//!   OutageStart / End(i)   outage i of the outage plan (scripted, background, planned)
//!   ClusterOnline(cluster) a cluster's online-from time (capacity growth)
//!   CapChange(site)        a site's power cap changes (a curtailment starts or ends)
//!   Serve(event)           an event of the inference services (see [`serving`])
//! ```
//!
//! Progress is computed between events, never step by step: a running job's segment has a
//! start, a rate (useful FLOP/s from [`JobRate`](crate::workload::JobRate)) and a
//! [`CheckpointTimeline`](crate::workload::CheckpointTimeline); its finish time is known in
//! closed form, and an interruption at any time yields the compute done, the compute
//! committed by completed checkpoints, and so the work lost. Gang semantics: any failure or
//! outage under any node of a job interrupts the whole job; it goes back to the queue and
//! restarts (paying its restart overhead) when capacity allows, on spare nodes, after
//! repair, or elsewhere.
//!
//! Failures of a cluster's accelerators are one Poisson process per cluster for the
//! exponential categories (exact, see [`crate::failure`]), with the accelerator-scope
//! rates scaled by the cluster's kind
//! ([`FailureModel::for_cluster`](crate::failure::FailureModel::for_cluster)): a failure
//! event costs O(log categories + jobs it hits), independent of fleet size. A draw whose
//! victim is already down is ignored (thinning). Weibull categories (shape != 1) have
//! memory, so each node keeps one renewal timer ([`WeibullRenewal`]): drawn at the start,
//! and again from the end of each repair it causes, so O(nodes) timers are pending.
//! Simplification: a node down for another reason keeps its Weibull timer; a timer firing
//! while its node is down is ignored and redrawn from that moment.
//!
//! Placement is first fit behind the [`Placement`](crate::policy::Placement) trait: a job
//! takes whole nodes of one cluster whose kind it allows, else (if it may span) of several
//! clusters of one site, or of several sites when `multi_site` is set; jobs that fit
//! nowhere wait in arrival order (higher priority first).
//!
//! # Where things are
//!
//! One model, [`FabricSim`], whose state is declared here and whose behaviour is split
//! by concern into child modules (each an `impl FabricSim` block that reaches its
//! private fields):
//!
//! ```text
//!   inputs      FabricRun, Network, Policies: what a run is given
//!   events      FabricEvent, the events above
//!   state       per-job (JobState, Segment) and per-site (SiteState) private state
//!   build       FabricSim::new (samplers, jobs, sites, prices, services) and the
//!               initial events
//!   view        the FabricView policies see (fabric_view!), refreshed before decisions
//!   jobs        the queue, starting a job (rate, segment, finish event), throttling,
//!               stopping, finishing
//!   placement   where a waiting job goes (pinned nodes, the placement policy, caps)
//!   power       site loads re-solved against caps, preemption, throttle, power log
//!   billing     accelerator-hours and cost of segments, commitments burn, sync egress
//!   failures    random failures, Weibull timers, repairs, outages, clusters online
//!   failover    interrupting jobs and replicas; wait / restart / migrate
//!   replicas    inference replicas taking, losing and retaking nodes
//!   summary     the end of a run: banking running jobs, the RunSummary
//!   audit       run_checked: invariants and the energy audit after every event
//!   report      the public report types (RunSummary, JobReport, records)
//!   progress    a segment's work as a function of compute time
//!   serving     the inference services (request and flow fidelity)
//!   estimate    the memory and event-count estimate of a run before it runs
//! ```

#[macro_use]
mod view;

mod audit;
mod billing;
mod build;
pub mod estimate;
mod events;
mod failover;
mod failures;
mod inputs;
mod jobs;
mod placement;
mod power;
mod progress;
mod replicas;
mod report;
pub mod serving;
mod state;
mod summary;

use sim_core::engine::{Context, Model};
use sim_core::rng::StreamRng;
use sim_core::stats::TimeWeighted;

use crate::accounting::CommitmentLedger;
use crate::capacity::Capacity;
use crate::failure::{FailureDraw, PoissonFailures, WeibullRenewal};
use crate::topology::ClusterId;

use events::Ev;
pub use events::FabricEvent;
pub use inputs::{FabricRun, Network, Policies};
pub use report::{
    Cause, ComponentEvent, ComponentRecord, InterruptionRecord, JobReport, PowerRecord, RunSummary,
    SiteReport,
};
use state::{JobState, SiteState};

pub use crate::policy::placement::FirstFit;

/// The fabric simulation model (training jobs and inference services); run it with
/// [`FabricSim::run`].
pub struct FabricSim<'a> {
    run: FabricRun<'a>,
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

impl FabricSim<'_> {
    /// Runs to the horizon and returns the summary and the simulation's event count.
    pub fn run(self) -> RunSummary {
        let horizon = self.run.horizon;
        let mut sim = self.into_simulation();
        sim.run_until(horizon);
        let events = sim.events_processed();
        sim.into_model().finish(horizon, events)
    }
}

impl Model for FabricSim<'_> {
    type Event = Ev;

    fn handle(&mut self, event: Ev, ctx: &mut Context<'_, Ev>) {
        match event {
            Ev::Arrive(job) => self.on_arrive(job, ctx),
            Ev::Finish(job) => self.on_finish(job, ctx),
            Ev::Failure(cluster) => self.on_failure(cluster, ctx),
            Ev::NodeFailure(node) => self.on_node_failure(node, ctx),
            Ev::Repair(domain) => self.on_repair(domain, ctx),
            Ev::OutageStart(i) => self.on_outage_start(i, ctx),
            Ev::OutageEnd(i) => self.on_outage_end(i, ctx),
            Ev::CapChange(site) => self.on_cap_change(site, ctx),
            Ev::Serve(serving::ServeEvent::Start) => self.on_serve_start(ctx),
            Ev::Serve(e) => self.serving.handle(e, ctx),
            Ev::ClusterOnline(cluster) => self.on_cluster_online(cluster, ctx),
        }
    }
}
