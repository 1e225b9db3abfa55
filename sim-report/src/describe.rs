//! A resolved scenario described in a few words for people: the policies in force, the
//! serving setup, where an RTT comes from.

use sim_models::network::RttBasis;
use sim_models::sim::serving::{Fidelity, ServingRun};
use sim_scenario::resolve::Resolved;

/// The policies in force, one line: `placement first-fit, failover restart` (parameters
/// in parentheses, e.g. `failover threshold (max_wait="2h")`).
pub fn policies_line(r: &Resolved) -> String {
    let p = &r.policy;
    format!(
        "placement {}{}, failover {}{}",
        p.placement,
        crate::records::params_note(&p.placement_params),
        p.failover,
        crate::records::params_note(&p.failover_params),
    )
}

/// The serving setup in a few words: fidelity, sampling and partitions.
pub fn serving_setup(serving: &ServingRun) -> String {
    let fidelity = match serving.fidelity {
        Fidelity::Request if serving.sample_every > 0 => format!(
            "request fidelity, 1 request in {} kept for requests.csv",
            serving.sample_every
        ),
        Fidelity::Request => "request fidelity".to_owned(),
        Fidelity::Flow { interval } => format!("flow fidelity, {interval} intervals"),
    };
    let n = serving.partitions.partitions().len();
    format!(
        "{fidelity}; {n} network partition{} planned or drawn",
        if n == 1 { "" } else { "s" }
    )
}

/// One-letter mark of where an RTT comes from.
pub fn basis_mark(basis: RttBasis) -> &'static str {
    match basis {
        RttBasis::Measured => "m",
        RttBasis::CatalogEstimate => "e",
        RttBasis::SameRegion => "r",
        RttBasis::SameMetro => "x",
        RttBasis::GreatCircle => "g",
        RttBasis::Scenario => "s",
    }
}
