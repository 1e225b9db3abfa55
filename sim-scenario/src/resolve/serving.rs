//! The serving side of a run: trace files read, services resolved against the fabric, and
//! partitions planned.
//!
//! Random partitions put at risk every region a request can start or end in: the regions
//! of all the fabric's sites and of every service's users, sorted and deduplicated (each
//! draws on its own stream, so the set only decides which regions are drawn for).

use std::path::Path;

use sim_core::rng::RngStreams;
use sim_core::time::SimTime;
use sim_models::ModelError;
use sim_models::catalog::{Catalog, RegionId};
use sim_models::inference::service::{Arrivals, UserSpec};
use sim_models::network::PartitionPlan;
use sim_models::sim::serving::ServingRun;
use sim_models::topology::Fabric;

use crate::scenario::serving::{ServingSection, UserArrivals};
use crate::scenario::trace;

/// What resolving the serving sections needs from the rest of the run.
pub(super) struct Inputs<'a> {
    /// The built fabric.
    pub(super) fabric: &'a Fabric,
    /// The catalog with the scenario's changes.
    pub(super) catalog: &'a Catalog,
    /// The scenario file's folder: trace paths are relative to it.
    pub(super) dir: &'a Path,
    /// End of the run.
    pub(super) horizon: SimTime,
    /// The run's random streams.
    pub(super) streams: &'a RngStreams,
}

/// The services (traces read) and partitions, or `None` with `errors` filled.
pub(super) fn serving_run(
    section: &ServingSection,
    inputs: &Inputs<'_>,
    errors: &mut Vec<ModelError>,
) -> Option<ServingRun> {
    let mut services = Vec::new();
    let mut resolved = true;
    for s in &section.services {
        let mut spec = s.spec.clone();
        spec.users = s
            .users
            .iter()
            .enumerate()
            .map(|(j, u)| UserSpec {
                region: u.region.clone(),
                arrivals: arrivals(&spec.name, j, &u.arrivals, inputs.dir, errors),
            })
            .collect();
        match spec.resolve(inputs.fabric, inputs.catalog) {
            Ok(service) => services.push(service),
            Err(e) => {
                resolved = false;
                errors.extend(e);
            }
        }
    }
    let mut candidates: Vec<RegionId> = inputs
        .fabric
        .sites()
        .iter()
        .map(|s| s.region)
        .chain(
            services
                .iter()
                .flat_map(|s| s.users.iter().map(|u| u.region)),
        )
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let partitions = PartitionPlan::build(
        inputs.catalog,
        &section.partitions,
        section.random_partitions.as_ref(),
        &candidates,
        inputs.horizon,
        inputs.streams,
    )
    .map_err(|e| errors.extend(e))
    .ok();
    match partitions {
        Some(partitions) if resolved => Some(ServingRun {
            services,
            partitions,
            fidelity: section.fidelity,
            sample_every: section.sample_requests,
        }),
        _ => None,
    }
}

/// A user population's arrivals, its trace read from `dir`; a trace that cannot be read is
/// reported at `services.<service>.users.<index>.trace` and replaced by an empty one.
fn arrivals(
    service: &str,
    index: usize,
    given: &UserArrivals,
    dir: &Path,
    errors: &mut Vec<ModelError>,
) -> Arrivals {
    match given {
        UserArrivals::Profile(p) => Arrivals::Profile(p.clone()),
        UserArrivals::TraceFile(file) => match trace::read(&dir.join(file), file) {
            Ok(records) => Arrivals::Trace(records),
            Err(problems) => {
                let i = index.to_string();
                let path = ["services", service, "users", i.as_str(), "trace"];
                errors.extend(problems.iter().map(|m| ModelError::new(&path, m.as_str())));
                Arrivals::Trace(Vec::new())
            }
        },
    }
}
