//! The `[policy]` section and `[failures.params]` of a scenario file, as read: policy and
//! model names are the run's to look up in the binary's registry (key paths
//! `["policy", "placement"]`, `["policy", "failover"]`, `["failures", "model"]`), and
//! parameter errors the factories return are reported at the parameter tables
//! (`["policy", "placement_params"]`, `["policy", "failover_params"]`,
//! `["failures", "params"]`).

use sim_models::policy::PolicyParams;

use super::sections::policy::{DEFAULT_FAILOVER, DEFAULT_PLACEMENT};

/// `[policy]`: the run's placement and failover policies by name, with their parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicySection {
    /// `placement`: a placement policy name; `first-fit` when absent.
    pub placement: String,
    /// `[policy.placement_params]`; empty when absent.
    pub placement_params: PolicyParams,
    /// `failover`: a failover policy name; `restart` when absent.
    pub failover: String,
    /// `[policy.failover_params]`; empty when absent.
    pub failover_params: PolicyParams,
    /// Options kept per decision when `decisions = true` (`decision_options`, default 8);
    /// `None`: no decisions kept.
    pub decisions: Option<usize>,
}

impl Default for PolicySection {
    /// `first-fit` placement, `restart` failover, no parameters, no decision log.
    fn default() -> Self {
        Self {
            placement: DEFAULT_PLACEMENT.to_owned(),
            placement_params: PolicyParams::default(),
            failover: DEFAULT_FAILOVER.to_owned(),
            failover_params: PolicyParams::default(),
            decisions: None,
        }
    }
}
