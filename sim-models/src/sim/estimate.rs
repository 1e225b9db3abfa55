//! Up-front estimates of a run's event count and peak memory, for the CLI's resource guard.
//!
//! [`estimate`] looks at a [`FabricRun`] before anything is built and adds up, per source,
//! the events the run will process and the memory its state and records will take:
//!
//! | source | events | memory |
//! |---|---|---|
//! | fabric | clusters coming online | per node: capacity, holders, timers |
//! | failures | 2 per expected failure (failure, repair) | a component record each, plus power records |
//! | outages, curtailments, partitions | 2 each | a record each |
//! | jobs | arrive, finish, 1 per expected interruption | a report each |
//! | requests (request fidelity) | 3 per request (arrive, reach the site, last token) | hourly figures per region, sampled requests |
//! | flow (flow fidelity) | a tick per interval and per hour | hourly figures per service |
//!
//! Expected failures are each cluster's failure rate (the model's rates scaled for its
//! kind) times its online hours; expected requests are each user population's mean rate times the horizon
//! (a trace's length). The per-item byte costs are `size_of` the records kept plus
//! allocator overhead; [`BYTES_PER_NODE`], [`BYTES_PER_SERVICE_HOUR`] and [`BASE_BYTES`] were
//! measured with `fabricsim bench scale` (which prints the estimate beside the measured
//! events and peak RSS). Measured on the experiments and the scaling table of
//! `benches/README.md`, events are within 8 % and memory errs high (up to about 1.5x): it
//! guards against runs that would take hours or exhaust memory, not against a few percent.

use std::mem::size_of;

use super::serving::{Fidelity, RequestRecord};
use super::{ComponentRecord, FabricRun, InterruptionRecord, JobReport, PowerRecord};
use crate::inference::service::Arrivals;

/// Memory of the process before the run: code, catalog, tables (measured, rounded up).
pub const BASE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;
/// Memory per node of the fabric: capacity state, holder, free lists, with headroom (20 B
/// measured: peak RSS of `fabricsim bench scale --horizon 1h` at 4M against 10k accelerators).
pub const BYTES_PER_NODE: f64 = 24.0;
/// Memory per service-hour of hourly figures (a latency histogram and counters).
pub const BYTES_PER_SERVICE_HOUR: f64 = 1024.0;
/// Power records per training event: most events change one site's draw.
const POWER_RECORDS_PER_EVENT: f64 = 1.0;
/// Allocator and growth overhead on record vectors (a `Vec` doubles as it grows).
const VEC_GROWTH: f64 = 1.5;

/// One source of events and memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EstimateTerm {
    /// What it is: `failures`, `requests`, `fabric`, ...
    pub source: &'static str,
    /// How many of its items (failures, requests, nodes, ...) are expected.
    pub items: f64,
    /// Events they cause.
    pub events: f64,
    /// Bytes they hold at the end of the run.
    pub bytes: f64,
}

/// The estimate of a whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Per source, in a fixed order.
    pub terms: Vec<EstimateTerm>,
}

impl Estimate {
    /// Total events.
    pub fn events(&self) -> f64 {
        self.terms.iter().map(|t| t.events).sum()
    }

    /// Peak memory, bytes (the base included).
    pub fn memory_bytes(&self) -> f64 {
        BASE_BYTES + self.terms.iter().map(|t| t.bytes).sum::<f64>()
    }

    /// The source with the most events.
    pub fn largest_by_events(&self) -> Option<&EstimateTerm> {
        self.terms
            .iter()
            .max_by(|a, b| a.events.total_cmp(&b.events))
    }

    /// The source with the most memory.
    pub fn largest_by_memory(&self) -> Option<&EstimateTerm> {
        self.terms.iter().max_by(|a, b| a.bytes.total_cmp(&b.bytes))
    }
}

/// Estimates the events and memory of `run` without building anything.
pub fn estimate(run: &FabricRun<'_>) -> Estimate {
    let horizon_s = run.horizon.as_secs_f64();
    let horizon_h = horizon_s / crate::units::HOUR_SECS;
    let fabric = run.fabric;
    let mut terms = Vec::with_capacity(8);

    let nodes = f64::from(fabric.node_count());
    let clusters = fabric.clusters().len() as f64;
    terms.push(EstimateTerm {
        source: "fabric",
        items: nodes,
        events: clusters,
        bytes: nodes * BYTES_PER_NODE,
    });

    let failures: f64 = fabric
        .clusters()
        .iter()
        .map(|c| {
            let online_h =
                (horizon_s - c.online_from.as_secs_f64()).max(0.0) / crate::units::HOUR_SECS;
            run.failures
                .cluster_failures_per_hour(fabric, run.catalog, c.id)
                * online_h
        })
        .sum();
    let record_bytes = (size_of::<ComponentRecord>()
        + size_of::<InterruptionRecord>()
        + size_of::<PowerRecord>()) as f64;
    terms.push(EstimateTerm {
        source: "failures",
        items: failures,
        events: 2.0 * failures,
        bytes: 2.0 * failures * POWER_RECORDS_PER_EVENT * record_bytes * VEC_GROWTH,
    });

    let windows = (run.outages.outages().len()
        + run.curtailments.curtailments().len()
        + run.serving.partitions.partitions().len()) as f64;
    terms.push(EstimateTerm {
        source: "outages",
        items: windows,
        events: 2.0 * windows,
        bytes: 2.0 * windows * record_bytes * VEC_GROWTH,
    });

    // A job arrives, finishes, and restarts after each interruption; the interruptions are
    // among the failures above, so only the placements they cause are counted here.
    let jobs = run.jobs.len() as f64;
    terms.push(EstimateTerm {
        source: "jobs",
        items: jobs,
        events: 2.0 * jobs,
        bytes: jobs
            * (size_of::<JobReport>() as f64
                + 8.0 * run.failures.categories.len() as f64
                + 2.0 * size_of::<PowerRecord>() as f64)
            * VEC_GROWTH,
    });

    let services = run.serving.services.len() as f64;
    if services > 0.0 {
        let mut requests = 0.0;
        let mut populations = 0.0;
        for service in &run.serving.services {
            for users in &service.users {
                populations += 1.0;
                requests += match &users.arrivals {
                    Arrivals::Profile(profile) => profile.mean_rate() * horizon_s,
                    Arrivals::Trace(records) => records.len() as f64,
                };
            }
        }
        let hours = horizon_h.ceil().max(1.0);
        match run.serving.fidelity {
            Fidelity::Request => {
                let sampled = if run.serving.sample_every == 0 {
                    0.0
                } else {
                    requests / run.serving.sample_every as f64
                };
                terms.push(EstimateTerm {
                    source: "requests",
                    items: requests,
                    events: 3.0 * requests,
                    bytes: (services + populations) * hours * BYTES_PER_SERVICE_HOUR
                        + sampled * size_of::<RequestRecord>() as f64 * VEC_GROWTH,
                });
            }
            Fidelity::Flow { interval } => terms.push(EstimateTerm {
                source: "flow",
                items: services * hours,
                // A tick at every interval (cut at whole hours).
                events: hours.max(horizon_s / interval.as_secs_f64().max(1.0)),
                bytes: services * hours * BYTES_PER_SERVICE_HOUR,
            }),
        }
    }
    Estimate { terms }
}
