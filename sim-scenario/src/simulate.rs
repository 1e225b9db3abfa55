//! Runs a resolved scenario: builds the model from it and simulates to the horizon.

use std::time::Instant;

use sim_models::sim::{FabricSim, Policies, RunSummary};

use crate::resolve::Resolved;

/// The outcome of a run: the summary and how long it took.
pub struct RunOutput {
    /// What the model reports.
    pub summary: RunSummary,
    /// Wall time of the simulation itself, s.
    pub wall_s: f64,
}

/// Simulates `r` to its horizon under `policies` (fresh ones: [`Resolved::policies`]).
pub fn simulate(r: &Resolved, policies: Policies) -> anyhow::Result<RunOutput> {
    let run = r.fabric_run();
    let model = FabricSim::new(run, policies).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the scenario cannot run:\n{}", lines.join("\n"))
    })?;
    let start = Instant::now();
    let summary = model.run();
    Ok(RunOutput {
        summary,
        wall_s: start.elapsed().as_secs_f64(),
    })
}
