//! Setting a run up: [`FabricSim::new`] checks the inputs and builds the state (failure
//! samplers and their RNG streams, jobs, sites, prices, services), and the initial events
//! put a [`Simulation`] in motion.

use sim_core::engine::Simulation;
use sim_core::rng::{RngStreams, StreamRng};
use sim_core::stats::TimeWeighted;
use sim_core::time::SimTime;

use super::events::Ev;
use super::state::{JobState, SiteState};
use super::{FabricRun, FabricSim, Policies, serving};
use crate::ModelError;
use crate::accounting::CommitmentLedger;
use crate::capacity::Capacity;
use crate::failure::{FailureModel, PoissonFailures, WeibullRenewal};
use crate::topology::FailureDomain;

/// Per cluster, its Poisson failure sampler with its failure and repair streams (`None`
/// when it never fails).
type PoissonSamplers = Vec<Option<(PoissonFailures, StreamRng, StreamRng)>>;
/// Per cluster, its Weibull renewal sampler and stream (`None` if no Weibull category).
type WeibullSamplers = Vec<Option<(WeibullRenewal, StreamRng)>>;

impl<'a> FabricSim<'a> {
    /// Checks the inputs and sets up the model (no event is processed).
    pub fn new(run: FabricRun<'a>, policies: Policies) -> Result<Self, Vec<ModelError>> {
        let ledger = check_inputs(&run)?;
        let streams = RngStreams::new(run.seed);
        let fabric = run.fabric;
        let (failure, weibull) = failure_samplers(&run, &streams);
        let node_draw = if weibull.iter().any(Option::is_some) {
            vec![None; fabric.node_count() as usize]
        } else {
            Vec::new()
        };
        let jobs = run
            .jobs
            .iter()
            .map(|spec| JobState::new(spec, run.failures.categories.len()))
            .collect();
        let price = cluster_prices(&run);
        let sites = fabric
            .sites()
            .iter()
            .map(|site| SiteState::new(&run, site))
            .collect();
        let serving = serving::Serving::new(
            run.serving,
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

    /// A simulation of this model with its initial events up to the horizon scheduled.
    pub(super) fn into_simulation(self) -> Simulation<Self> {
        let horizon = self.run.horizon;
        let mut sim = Simulation::new(self);
        let initial = sim.model_mut().initial_events();
        for (at, ev) in initial {
            if at <= horizon {
                sim.schedule_at(at, ev)
                    .expect("invariant: initial events are at or after time zero");
            }
        }
        sim
    }

    /// Arrivals, the first failure of every cluster, outages and site online times.
    pub(super) fn initial_events(&mut self) -> Vec<(SimTime, Ev)> {
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
}

/// Validates every job and builds the commitment ledger; every error at once.
fn check_inputs(run: &FabricRun<'_>) -> Result<CommitmentLedger, Vec<ModelError>> {
    let mut errors = Vec::new();
    for job in run.jobs {
        if let Err(e) = job.validate(&["jobs", &job.name], run.catalog) {
            errors.extend(e);
        }
    }
    let ledger = CommitmentLedger::build(run.commitments, run.catalog)
        .map_err(|e| errors.extend(e))
        .ok();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ledger.expect("invariant: no errors means the ledger was built"))
}

/// Each cluster's failure samplers and their RNG streams (named after the cluster).
fn failure_samplers(
    run: &FabricRun<'_>,
    streams: &RngStreams,
) -> (PoissonSamplers, WeibullSamplers) {
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
    let weibull = fabric
        .clusters()
        .iter()
        .map(|c| {
            let key = fabric.domain_key(FailureDomain::Cluster(c.id));
            let renewal = cluster_models[c.id.0 as usize].weibull_renewal(c.node_size);
            (!renewal.is_empty())
                .then(|| (renewal, streams.stream(&format!("failure-weibull/{key}"))))
        })
        .collect();
    (failure, weibull)
}

/// Per cluster, the on-demand price per accelerator-hour of its kind in its cloud.
fn cluster_prices(run: &FabricRun<'_>) -> Vec<Option<f64>> {
    let fabric = run.fabric;
    fabric
        .clusters()
        .iter()
        .map(|c| {
            let cloud = &run.catalog.cloud(fabric.site(c.site).cloud).name;
            let kind = &run.catalog.accelerator(c.accelerator).name;
            run.catalog
                .offering(cloud, kind)
                .and_then(|o| o.usd_per_chip_hour)
        })
        .collect()
}
