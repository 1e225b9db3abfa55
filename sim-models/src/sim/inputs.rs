//! What a training run is given: the fabric and its network ([`FabricRun`],
//! [`Network`]) and the policies that decide for it ([`Policies`]).

use sim_core::time::SimTime;

use super::serving;
use crate::accounting::{CarbonProfile, CommitmentSpec};
use crate::catalog::Catalog;
use crate::failure::FailureModel;
use crate::network::{EgressPrices, RttModel, WanModel};
use crate::outage::OutagePlan;
use crate::policy::placement::FirstFit;
use crate::policy::{DecisionLog, Failover, FailoverDecision, Placement};
use crate::power::{CurtailmentPlan, SitePowerSpec};
use crate::topology::Fabric;
use crate::workload::TrainingJobSpec;
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

/// Everything a run of the fabric needs: the fabric, its network, jobs, services, failures,
/// outages, power, commitments and carbon, all borrowed (a run copies none of its inputs,
/// so many runs of one scenario share them).
#[derive(Clone, Debug)]
pub struct FabricRun<'a> {
    /// The fabric.
    pub fabric: &'a Fabric,
    /// The catalog it was built against.
    pub catalog: &'a Catalog,
    /// The network between its sites.
    pub network: Network<'a>,
    /// The jobs (explicit and generated), in a stable order.
    pub jobs: &'a [TrainingJobSpec],
    /// Per-accelerator random failures.
    pub failures: &'a FailureModel,
    /// Outages and maintenance windows.
    pub outages: &'a OutagePlan,
    /// End of the simulated period.
    pub horizon: SimTime,
    /// Master seed of the RNG streams.
    pub seed: u64,
    /// Each site's power policy, in fabric site order (empty: `throttle` everywhere).
    pub power: &'a [SitePowerSpec],
    /// Windows in which a site's cap is lowered (curtailments, grid outages).
    pub curtailments: &'a CurtailmentPlan,
    /// Committed spend per cloud, burned down by the jobs' on-demand cost.
    pub commitments: &'a [CommitmentSpec],
    /// Grid carbon intensity per site (fabric order) where the scenario gives an hourly
    /// profile; a missing or `None` entry uses the region's catalog intensity.
    pub carbon: &'a [Option<CarbonProfile>],
    /// Inference services and network partitions (empty: training only).
    pub serving: &'a serving::ServingRun,
}

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
            failover: Box::new(crate::policy::failover::Fixed(FailoverDecision::Restart)),
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
