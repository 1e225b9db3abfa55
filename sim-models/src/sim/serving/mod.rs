//! The serving side of the fabric simulation: inference services whose replicas hold nodes
//! of the same fleet as the training jobs, hit by the same failures, outages and power
//! throttles, plus network partitions.

mod report;

use sim_core::time::SimDuration;

use crate::inference::service::Service;
use crate::network::PartitionPlan;

pub use report::{
    LatencySummary, Outcome, RegionReport, RequestRecord, ServiceReport, ServiceWindow,
    ServingFigures,
};

/// How finely requests are simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fidelity {
    /// Every request is an entity with its own events: exact, for hours to days.
    Request,
    /// Rates are held constant over each interval (and between state changes); latency
    /// comes from a queueing approximation: for months to years.
    Flow {
        /// Length of the rate intervals.
        interval: SimDuration,
    },
}

/// Default flow interval: one hour (diurnal profiles are hourly).
pub const DEFAULT_FLOW_INTERVAL: SimDuration = SimDuration::from_secs(3600);

/// Everything the serving side of a run needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ServingRun {
    /// The services, resolved.
    pub services: Vec<Service>,
    /// Network partitions between regions.
    pub partitions: PartitionPlan,
    /// Request or flow.
    pub fidelity: Fidelity,
    /// In request mode, keep one request in this many for `requests.csv` (0: none).
    pub sample_every: u64,
}

impl Default for ServingRun {
    fn default() -> Self {
        Self {
            services: Vec::new(),
            partitions: PartitionPlan::default(),
            fidelity: Fidelity::Request,
            sample_every: 0,
        }
    }
}
