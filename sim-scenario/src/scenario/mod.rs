//! Scenario files: one TOML file describing a fabric and a study, read into the sim-models
//! spec types with every error located by file, line, column and key path.
//!
//! # Format
//!
//! ```toml
//! [sim]                       # required: what to run
//! name = "default"            # optional
//! horizon = "30d"             # required duration, > 0
//! seed = 42                   # required integer >= 0
//!
//! [network]                   # optional
//! wan_gbit_default = 400      # Gbit/s between regions; 100 when absent
//! [[network.links]]           # any number; one per pair of sites
//! a = "aws-use1"              # site keys of this file
//! b = "gcp-usc1"
//! gbit = 800
//! rtt_ms = 30                 # optional
//!
//! [sites.aws-use1]            # one table per site; the table name is the site key
//! cloud = "aws"
//! region = "us-east-1"
//! power_cap_mw = 120
//! pue = 1.12                  # optional: the region's PUE
//! online_from = "0s"          # optional, "0s"
//!
//! [sites.aws-use1.clusters.h100-a]   # at least one per site; key unique within it
//! accelerator = "h100"
//! count = 16384
//! node_size = 8               # optional: the accelerator's instance size
//! rack_nodes = 4              # optional, 4
//! scaleup_domain = 8          # optional: the accelerator's
//!
//! [catalog.accelerators.h100]          # patch any field, or add a new accelerator
//! tdp_w = 650
//! [catalog.clouds.lambda]              # incl. offers = ["h100"]
//! [catalog.regions.lambda.us-tx-1]     # cloud, then region
//! [catalog.offerings.lambda.h100]      # cloud, then accelerator
//! usd_per_chip_hour = 2.49
//!
//! [jobs.llama-405b]           # any number; the table name is the job name
//! params = 405e9
//! tokens = 15.6e12            # or duration = "7d": exactly one
//! accelerators = 16384
//! kinds = ["h100"]            # optional: any kind
//! mfu = 0.38                  # optional: 0.4
//! checkpoint_interval = "30m" # optional, "30m"
//! checkpoint_cost = "20s"     # optional; or checkpoint_bytes (16 B/param) + storage_gbit (16000)
//! restart_overhead = "10m"    # optional, "10m"
//! priority = 0                # optional, 0
//! arrival = "0s"              # optional, "0s"
//! multi_site = false          # optional, false
//! global_batch_tokens = 16e6  # optional: 16M
//!
//! [job_generators.research]   # any number; jobs named research-0001, ...
//! mean_interarrival = "6h"
//! sizes = [[8, 0.6], [64, 0.4]]       # [accelerators, weight] pairs
//! duration_median = "12h"     # work: tokens | tokens_median + tokens_p90 | duration
//! duration_p90 = "3d"         #       | duration_median + duration_p90
//! params = 8e9                # then any job key but tokens/duration/accelerators;
//!                             # arrival = when the arrivals start
//!
//! [failures]                  # optional; no failures when absent
//! model = "llama3-h100"       # optional, "none"; any failure model of the registry
//! rate_scale = 1.0            # optional, 1
//! [failures.params]           # optional: passed to the model's factory
//! [failures.categories.optics]        # replaces or adds a category
//! scope = "node"              # accelerator | node | rack
//! rate_per_accel_hour = 1e-6
//! repair_median = "2h"        # with repair_p90; or repair = "4h"
//! repair_p90 = "8h"
//!
//! [policy]                    # optional
//! placement = "cheapest"      # optional, "first-fit"; any placement policy of the registry
//! failover = "threshold"      # optional, "restart"; any failover policy of the registry
//! decisions = true            # optional, false: keep decisions for decisions.csv
//! decision_options = 8        # optional, 8: options kept per decision
//! [policy.placement_params]   # optional, free-form: numbers, strings, tables
//! amortise_h = 48
//! [policy.failover_params]    # optional, free-form
//! max_wait = "2h"
//!
//! [[outages]]                 # scripted
//! scope = "region:aws/us-east-1"      # a domain key
//! at = "12d"
//! duration = "6h"
//! [[background_outages]]      # random; calibrated rate and durations per level
//! level = "region"            # rack | site | region | cloud
//! rate_per_year = 0.5         # optional; duration_median + duration_p90 optional
//! [[maintenance]]
//! scope = "cluster:aws-use1/h100-a"
//! count = 47                  # or every = "7d": exactly one
//! duration = "30m"
//! first_at = "0s"             # optional, "0s"
//! spread = "even"             # optional: even | random
//!
//! [power.sites.aws-use1]      # optional, per site key of this file
//! policy = "throttle"         # optional: throttle | refuse | preempt
//! backup_fraction = 0.5       # optional, in (0, 1]: no backup power when absent
//! [[curtailments]]            # scripted grid power caps
//! site = "aws-use1"           # a site key of this file
//! at = "3d"
//! duration = "4h"             # > 0
//! cap_fraction = 0.6          # in [0, 1): power left, share of power_cap_mw
//! [[random_curtailments]]     # Poisson curtailments
//! site = "aws-use1"           # optional: every site
//! rate_per_year = 6           # >= 0
//! duration_median = "2h"      # log-normal, p90 above the median
//! duration_p90 = "8h"
//! cap_fraction = 0.5
//! [[grid_outages]]
//! site = "aws-use1"
//! at = "20d"
//! duration = "2h"
//!
//! [commitments.aws]           # one per cloud key
//! total_usd = 2.5e9           # > 0
//! start = "0s"                # optional, "0s"
//! period = "2555d"            # > 0
//!
//! [carbon.aws.us-east-1]      # cloud, then region
//! hourly_g_per_kwh = [380, 370, ...]  # non-empty, >= 0; 24 = a day, 8760 = a year
//!
//! [serving]                   # optional
//! fidelity = "request"        # optional: request | flow
//! flow_interval = "1h"        # flow only; optional, "1h"
//! sample_requests = 100       # request only: 1 request in N to requests.csv; 0 = none
//! [[services]]                # any number
//! name = "chat"               # unique; errors are under services.<name>
//! model = "llama3-70b"        # a preset; or params + kv_bytes_per_token
//! prompt_tokens = "azure-conv"        # preset, or { dist = "lognormal", median, p90, max }
//! max_batch = 32              # + slo_ttft, slo_tpot, routing, max_retries, startup, ...
//! [[services.replicas]]       # at least one
//! site = "aws-use1"
//! cluster = "h100-a"
//! count = 4
//! chips = 8
//! [[services.users]]          # at least one
//! region = "aws/us-east-1"    # catalog cloud/region
//! rate_per_s = 20             # or trace = "traces/chat.csv" (relative to this file)
//! profile = "diurnal"         # optional: constant | diurnal (hourly) | sinusoid
//! hourly = [0.4, 0.3, ...]    # exactly 24; weekly = [...] (7) scales each day
//! [[partitions]]
//! a = "aws/us-east-1"
//! b = "azure/westeurope"      # optional: a is cut from every region
//! at = "2d"
//! duration = "2h"
//! [random_partitions]         # optional
//! rate_per_year = 2
//! duration_median = "30m"
//! duration_p90 = "4h"
//! ```
//!
//! Durations are strings of numbers and units with no space (`"90s"`, `"1.5h"`, `"1h30m"`;
//! units ns, us, ms, s, m, h, d, w). Integers are accepted wherever a number is expected,
//! never the reverse. Unknown keys are errors with a "did you mean". Parameter tables
//! (`[policy.placement_params]`, `[policy.failover_params]`, `[failures.params]`) take any
//! key: the policy or model checks its own (`PolicyParams::only`).
//! Array-of-tables elements are located by index (`outages[0].scope`, key path
//! `["outages", "0", "scope"]`; `curtailments[0].site`), named tables by their names
//! (`["power", "sites", "<site>", "policy"]`, `["commitments", "<cloud>",
//! "total_usd"]`, `["carbon", "<cloud>", "<region>"]`), and services by their `name`
//! (`["services", "chat", "replicas", "0", "site"]`, shown `services.chat.replicas[0].site`;
//! by index while the name is missing or invalid), as `ServiceSpec::resolve` reports. The full reference,
//! `docs/scenario-format.md`, is generated from `schema` by [`reference::markdown`]
//! (a test fails when it is stale; `FABRICSIM_BLESS=1` rewrites it).
//!
//! # Checking
//!
//! [`parse`] reports syntax errors (all of them, and nothing else: a half-read file would
//! produce misleading schema errors), else every schema error: types, ranges, required and
//! unknown keys, names, links between sites, site keys named by the power sections (with a
//! "did you mean" over the file's sites), alternatives given twice or not at all.
//! Cross-references into the catalog (is `accelerator` or a job's `kinds` known, does the
//! cloud offer it, does the region exist; the clouds and regions of `[commitments.*]` and
//! `[carbon.*.*]`, of services' users and of partitions), outage scopes and services'
//! sites and clusters are checked by the sim-models builders, policy and failure model
//! names and parameters by the binary's registry, trace files by the run (`trace`); [`Scenario::diagnose`] maps their [`ModelError`] key
//! paths back to positions in the file.
//!
//! ```text
//! text --toml::de::DeTable (spanned)--> syntax errors?  --> Diagnostics
//!                                        | no
//!                                        v
//!                 walk::Walker + schema tables ---------> Diagnostics (all at once)
//!                                        | none
//!                                        v
//!   Scenario { specs, CatalogOverrides, SourceMap } --builders--> ModelError --diagnose--> Diagnostics
//! ```

mod diagnostic;
pub mod policy;
pub mod power;
pub mod reference;
pub(crate) mod schema;
mod sections;
pub mod serving;
mod syntax;
pub(crate) mod trace;
mod walk;

#[cfg(test)]
mod tests;

#[allow(unused_imports)] // `Diagnostic` is for the CLI commands to inspect
pub use diagnostic::{Diagnostic, Diagnostics, SourceMap};

use sim_core::time::SimDuration;
use sim_models::ModelError;
use sim_models::catalog::CatalogOverrides;
use sim_models::failure::FailureSpec;
use sim_models::network::NetworkSpec;
use sim_models::outage::{BackgroundOutageSpec, MaintenanceSpec, ScriptedOutageSpec};
use sim_models::policy::PolicyParams;
use sim_models::topology::FabricSpec;
use sim_models::workload::{JobGeneratorSpec, TrainingJobSpec};

pub use policy::PolicySection;
pub use power::PowerSection;
pub use serving::ServingSection;

/// A scenario file read and checked against the schema (not yet against the catalog).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `[sim] name`, if given.
    pub name: Option<String>,
    /// `[sim] horizon`: simulated time of one run (> 0).
    pub horizon: SimDuration,
    /// `[sim] seed`: the master seed.
    pub seed: u64,
    /// `[catalog.*]` patches, in file order; `source` is `"scenario FILE"`.
    pub catalog: CatalogOverrides,
    /// `[sites.*]` with their clusters, in file order.
    pub fabric: FabricSpec,
    /// `[network]`, with its defaults filled in.
    pub network: NetworkSpec,
    /// `[jobs.*]`, in file order, with their defaults filled in (not yet checked against
    /// the catalog: `TrainingJobSpec::validate` under `["jobs", name]`).
    pub jobs: Vec<TrainingJobSpec>,
    /// `[job_generators.*]`, in file order (checked by `JobGenerator::new` under
    /// `["job_generators", prefix]`).
    pub generators: Vec<JobGeneratorSpec>,
    /// `[failures]`; no failures when absent (resolved through the registry under
    /// `["failures"]`).
    pub failures: FailureSpec,
    /// `[failures.params]`: parameters of the failure model (empty when absent), passed to
    /// its factory in the registry; errors are reported under `["failures", "params"]`.
    pub failure_params: PolicyParams,
    /// `[policy]`: placement and failover policies by name, with their parameters
    /// (looked up in the registry when the run is built).
    pub policy: PolicySection,
    /// `[[outages]]`, in file order (checked by `OutagePlan::build`).
    pub outages: Vec<ScriptedOutageSpec>,
    /// `[[buildouts]]`, in file order (expanded into weekly clusters before the fabric is built).
    pub buildouts: Vec<sim_models::topology::BuildoutSpec>,
    /// `[[background_outages]]`, in file order, calibrated values filled in.
    pub background_outages: Vec<BackgroundOutageSpec>,
    /// `[[maintenance]]`, in file order.
    pub maintenance: Vec<MaintenanceSpec>,
    /// `[power.sites.*]`, `[[curtailments]]`, `[[random_curtailments]]`,
    /// `[[grid_outages]]`, `[commitments.*]` and `[carbon.*.*]`; empty when absent. Site
    /// keys are checked; cloud and region keys are the run's to check.
    pub power: PowerSection,
    /// `[serving]`, `[[services]]`, `[[partitions]]` and `[random_partitions]`; empty when
    /// absent. Names of sites, clusters and regions are the run's to check
    /// (`ServiceSpec::resolve`, `PartitionPlan::build`), and trace files the run's to read.
    pub serving: ServingSection,
    /// The file's text and where each key path is written in it.
    pub source: SourceMap,
}

impl Scenario {
    /// Locates errors a sim-models builder returned for this scenario (e.g. from
    /// `Catalog::apply` or `FabricSpec::build`), by their key paths, sorted by position.
    pub fn diagnose(&self, errors: &[ModelError]) -> Diagnostics {
        self.source.diagnose(errors)
    }
}

/// Reads scenario `text` (named `file_name` in messages): TOML syntax, then the schema.
/// Returns every problem found, sorted by position, or the scenario if there are none.
pub fn parse(file_name: &str, text: &str) -> Result<Scenario, Diagnostics> {
    match parse_lenient(file_name, text)? {
        (scenario, schema) if schema.0.is_empty() => Ok(scenario),
        (_, schema) => Err(schema),
    }
}

/// Like [`parse`], but a file whose TOML parses is returned even with schema problems,
/// together with them: invalid or missing values are left at neutral defaults, so the
/// model builders can still check the rest of the file and every problem is reported in
/// one pass. Keep builder errors under a path the schema already flagged out of the report
/// ([`Diagnostics::merge_model`]).
pub fn parse_lenient(file_name: &str, text: &str) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let map = SourceMap::new(file_name, text);
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(syntax::diagnostics(&map, &errors)));
    }
    let mut walker = walk::Walker::new(map);
    let parts = walker.scenario(doc.get_ref());
    let schema = Diagnostics::sorted(std::mem::take(&mut walker.diagnostics));
    let mut catalog = parts.catalog;
    catalog.source = format!("scenario {file_name}");
    let scenario = Scenario {
        name: parts.name,
        horizon: parts.horizon,
        seed: parts.seed,
        catalog,
        fabric: parts.fabric,
        network: parts.network,
        jobs: parts.jobs,
        generators: parts.generators,
        failures: parts.failures,
        failure_params: parts.failure_params,
        policy: parts.policy,
        outages: parts.outages,
        buildouts: parts.buildouts,
        background_outages: parts.background_outages,
        maintenance: parts.maintenance,
        power: parts.power,
        serving: parts.serving,
        source: walker.map,
    };
    Ok((scenario, schema))
}
