//! Entry points for fuzzing the scenario and sweep parsers (not a stable API).
//!
//! Each entry point runs what `fabricsim validate` (or the checks `fabricsim sweep` does
//! before its first run) would run on an in-memory text and says whether it gave a result
//! or an error. The fuzzer (`fuzz/`, binary `fabricsim-fuzz`) and the regression tests
//! (`sim-cli/tests/fuzz_regressions.rs`) call them with every input; whatever they do, an
//! input must end in [`Outcome::Ok`] or [`Outcome::Err`] with a clear message: never a
//! panic, a hang or an unbounded allocation.
//!
//! ```text
//! scenario(text) --parse + resolve--> Resolved --modest?--> FabricSim::new (not run)
//! sweep(text, dir) --spec::parse--> SweepSpec --load base--> Plan::new --> points::prepare
//!                                                               (first MAX_POINTS points)
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sim_models::policy::Registry;
use sim_models::sim::FabricSim;

use crate::sweep::{plan, points, spec};
use sim_scenario::resolve::{self, Resolved, Source};
use sim_scenario::scenario::Diagnostics;

/// The name inputs are given in messages.
pub const SCENARIO_NAME: &str = "fuzz.toml";

/// The most nodes a resolved fabric may have for [`scenario`] to build the model on it
/// (building a bigger one is correct but slow, and the fuzzer wants many inputs a second).
pub const MODEST_NODES: u32 = 200_000;

/// The most jobs (explicit and generated) for [`scenario`] to build the model.
pub const MODEST_JOBS: usize = 20_000;

/// The most inference replicas (all services together) for [`scenario`] to build the
/// model.
pub const MODEST_REPLICAS: u64 = 100_000;

/// The most points of a sweep [`sweep`] checks against the base scenario (the plan is
/// built whole; checking a point costs one `validate`).
pub const MAX_POINTS: usize = 4;

/// What an input gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A valid scenario or sweep.
    Ok,
    /// A clear error: every line names where and what (the message is non-empty).
    Err(String),
    /// An error whose message is empty or says nothing: a bug to fix. Holds what there is.
    Unclear(String),
}

impl Outcome {
    /// Whether this outcome is a finding (an unclear error).
    pub fn is_finding(&self) -> bool {
        matches!(self, Outcome::Unclear(_))
    }
}

/// An error message as an outcome: [`Outcome::Unclear`] when it is blank.
fn error(message: String) -> Outcome {
    if message.trim().is_empty() {
        Outcome::Unclear(message)
    } else {
        Outcome::Err(message)
    }
}

/// Diagnostics as an outcome: every one must say what is wrong.
fn diagnostics(d: &Diagnostics) -> Outcome {
    let text = d.to_string();
    if d.0.is_empty()
        || d.0
            .iter()
            .any(|d| d.message.trim().is_empty() || d.line == 0)
    {
        Outcome::Unclear(format!("{} diagnostics: {text}", d.0.len()))
    } else {
        Outcome::Err(text)
    }
}

/// Runs the `fabricsim validate` pipeline on scenario `text`: parse, resolve against
/// `registry` (catalog, fabric, outages, power, serving, policies), and, when the resolved
/// scenario is modest ([`MODEST_NODES`], [`MODEST_JOBS`], [`MODEST_REPLICAS`]), builds the
/// model with `FabricSim::new` (its own checks) without running it. Trace files are
/// looked up under a folder that does not exist, so every `trace` is an error.
pub fn scenario(text: &str, registry: &Registry) -> Outcome {
    let source = Source {
        name: SCENARIO_NAME.to_owned(),
        text: text.to_owned(),
        dir: PathBuf::from("/nonexistent/fabricsim-fuzz"),
    };
    let resolved = match resolve::resolve(&source, None, registry) {
        Ok(r) => r,
        Err(d) => return diagnostics(&d),
    };
    build_model(&resolved)
}

/// Builds the model of a resolved scenario when it is modest; never runs it.
fn build_model(r: &Resolved) -> Outcome {
    let replicas: u64 = r
        .serving
        .services
        .iter()
        .map(|s| u64::from(s.replica_count()))
        .sum();
    if r.fabric.node_count() > MODEST_NODES
        || r.jobs.len() > MODEST_JOBS
        || replicas > MODEST_REPLICAS
    {
        return Outcome::Ok;
    }
    let policies = match r.policies() {
        Ok(p) => p,
        Err(e) => return error(format!("{e:#}")),
    };
    let run = r.fabric_run();
    match FabricSim::new(run, policies) {
        Ok(_) => Outcome::Ok,
        Err(errors) => {
            if errors.is_empty() || errors.iter().any(|e| e.message.trim().is_empty()) {
                return Outcome::Unclear(format!("{errors:?}"));
            }
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            error(lines.join("\n"))
        }
    }
}

/// Runs the checks `fabricsim sweep` makes before its first run on sweep file `text`
/// (as if it were `base_dir/sweep.toml`): the file's own checks, reading the base scenario
/// it names (relative to `base_dir`), the plan (points x seeds, refused when too big), and
/// every one of the first [`MAX_POINTS`] points checked as a scenario against `registry`.
pub fn sweep(text: &str, base_dir: &Path, registry: &Registry) -> Outcome {
    let file_name = base_dir.join("sweep.toml").display().to_string();
    let spec = match spec::parse(&file_name, text, base_dir) {
        Ok(s) => s,
        Err(d) => return diagnostics(&d),
    };
    let base = match resolve::load(Some(&spec.base)) {
        Ok(b) => b,
        Err(e) => {
            return error(format!(
                "{file_name}: base: cannot read the base scenario {}: {e:#}",
                spec.base.display()
            ));
        }
    };
    let mut plan = match plan::Plan::new(&spec, plan::hash(&base.text)) {
        Ok(p) => p,
        Err(e) => return error(format!("{file_name}: {e:#}")),
    };
    plan.points.truncate(MAX_POINTS);
    match points::prepare(&spec, &plan, &base, registry, pool()) {
        Ok(p) if p.sources.len() == plan.points.len() => Outcome::Ok,
        Ok(p) => Outcome::Unclear(format!(
            "{} points but {} scenarios",
            plan.points.len(),
            p.sources.len()
        )),
        Err(points::Invalid::Base(d) | points::Invalid::Sweep(d)) => diagnostics(&d),
    }
}

/// One worker thread for checking points (a pool per input would cost more than the
/// input).
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|i| format!("fuzz-points-{i}"))
            .build()
            .expect("a one-thread pool starts")
    })
}
