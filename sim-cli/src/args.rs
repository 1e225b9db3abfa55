//! Command-line arguments of `fabricsim`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// fabricsim: a discrete-event simulator of a heterogeneous AI compute fabric.
#[derive(Debug, Parser)]
#[command(name = "fabricsim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario: training jobs and inference services under failures and outages.
    ///
    /// Example: fabricsim run experiments/llama3-reliability/scenario.toml --out results/llama3
    ///
    /// With no FILE, the embedded default scenario runs. Prints per job its completion
    /// time, interruptions, lost accelerator-hours, ETTR and goodput, and per service its
    /// requests, latencies and SLO attainment; with --out DIR also writes DIR/summary.csv,
    /// interruptions.csv, power.csv and components.csv (every failure, repair and outage),
    /// decisions.csv with `[policy] decisions = true`, and with services services.csv,
    /// service_timeline.csv and (request fidelity with sample_requests) requests.csv.
    #[command(verbatim_doc_comment)]
    Run(RunArgs),
    /// Check a scenario and print what fabricsim understood of it.
    ///
    /// Example: fabricsim validate experiments/default/scenario.toml
    ///
    /// With no FILE, the embedded default scenario is used. Every problem of the file is
    /// reported at once as file:line:column: key.path: message; the exit code is then 2.
    #[command(verbatim_doc_comment)]
    Validate(ValidateArgs),
    /// Print the scenario file format reference (markdown), generated from the schema.
    ///
    /// Example: fabricsim scenario-format > docs/scenario-format.md
    #[command(verbatim_doc_comment)]
    ScenarioFormat,
    /// Print the catalog as a table (built in, plus the binary's registered accelerators).
    ///
    /// Example: fabricsim catalog accelerators --csv > accelerators.csv
    #[command(verbatim_doc_comment)]
    Catalog(CatalogArgs),
    /// List the placement policies, failover policies and failure models scenario files
    /// can name, with one line on each.
    ///
    /// Example: fabricsim models
    ///
    /// A binary built with extra models (`fabricsim_cli::main_with`) lists them too.
    /// Use the names in `[policy] placement`, `[policy] failover` and `[failures] model`,
    /// and in `compare-policies --policies`.
    #[command(verbatim_doc_comment)]
    Models(ModelsArgs),
    /// Run a scenario under several placement policies on the same seeds and compare them
    /// pairwise against a baseline (common random numbers).
    ///
    /// Example: fabricsim compare-policies experiments/placement-policies/scenario.toml
    ///          --policies first-fit,cheapest,greenest,spread --seeds 20 --out results/cmp
    ///
    /// Every (policy, seed) pair is one run of FILE with `[policy] placement` replaced and
    /// `[sim] seed` set; everything else (failover included) comes from the file. Runs with
    /// the same seed see the same failures, outages and arrivals, so the paired differences
    /// have much tighter confidence intervals than unpaired ones. `[policy.placement_params]`
    /// apply to the policy the file names; the others run with their defaults.
    /// Prints the paired table; with --out DIR writes runs.csv (one row per run),
    /// paired.csv (per policy and figure: means, mean paired difference and its 95% CI)
    /// and paired.svg. Output is byte-identical for any --jobs.
    #[command(verbatim_doc_comment)]
    ComparePolicies(CompareArgs),
    /// Engine benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// Arguments of `fabricsim models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// CSV (kind,name,summary) for machines instead of tables.
    #[arg(long)]
    pub csv: bool,
}

/// Arguments of `fabricsim compare-policies`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Placement policies to run, comma-separated (see `fabricsim models`).
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B,...")]
    pub policies: Vec<String>,
    /// The policy the others are compared with (run too if not in --policies).
    #[arg(long, default_value = "first-fit", value_name = "POLICY")]
    pub baseline: String,
    /// Seeds per policy (at least 2 for a confidence interval).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub seeds: u64,
    /// The first seed; the runs use FIRST_SEED, FIRST_SEED + 1, ...
    #[arg(long, default_value_t = 1)]
    pub first_seed: u64,
    /// Worker threads (default: the available parallelism).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub jobs: Option<u64>,
    /// Folder for runs.csv, paired.csv and paired.svg (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Arguments of `fabricsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); the embedded default scenario when absent.
    pub file: Option<PathBuf>,
    /// Folder for summary.csv, interruptions.csv, power.csv, components.csv, decisions.csv
    /// and the serving files (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replaces the scenario's `[sim] seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write power.csv at this resolution (e.g. "1h": each site's state at every whole
    /// hour) instead of a row at every change.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub power_resolution: Option<sim_core::time::SimDuration>,
}

/// Parses a `--power-resolution` value with fabricsim's duration grammar; must be positive.
fn parse_duration(text: &str) -> Result<sim_core::time::SimDuration, String> {
    match text.parse::<sim_core::time::SimDuration>() {
        Ok(d) if d.is_zero() => Err("the resolution must be positive, e.g. \"1h\"".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

/// Arguments of `fabricsim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML); the embedded default scenario when absent.
    pub file: Option<PathBuf>,
}

/// Arguments of `fabricsim catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// What to list.
    #[arg(value_enum)]
    pub what: CatalogWhat,
    /// CSV for machines instead of an aligned table.
    #[arg(long)]
    pub csv: bool,
    /// With `rtt`: every pair of regions (measured or estimated), not only the measured ones.
    #[arg(long)]
    pub all: bool,
}

/// Catalog listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CatalogWhat {
    /// Accelerator specs and which clouds offer them.
    Accelerators,
    /// Regions with coordinates, PUE and grid carbon intensity.
    Regions,
    /// Which cloud sells which accelerator, at what price per chip-hour.
    Offerings,
    /// Measured round-trip times against the fitted great-circle model (`--all`: every pair).
    Rtt,
}

/// The `bench` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// PHOLD/hold engine benchmark (shared/bench/PHOLD.md); prints one line of key=value figures.
    ///
    /// Example: fabricsim bench phold --entities 100000 --per-entity 10 --events 10000000
    ///
    /// Example (bit-exact reference check): fabricsim bench phold --entities 1000 --per-entity 1
    /// --events 100000 --reference
    #[command(verbatim_doc_comment)]
    Phold(PholdArgs),
    /// Builds a synthetic fabric of N accelerators and reports build time and memory.
    ///
    /// Example: fabricsim bench fabric --accelerators 1000000
    #[command(verbatim_doc_comment)]
    Fabric(FabricArgs),
    /// Times the serving model on synthetic scenarios; prints one line of key=value figures.
    ///
    /// `--fidelity request`: one llama3-70b service on REPLICAS replicas of 8 H100 with users
    /// in the same region at RATE requests/s, for HOURS simulated hours.
    /// `--fidelity flow`: SERVICES services over eight sites of the four clouds with diurnal
    /// users in four regions, for DAYS simulated days at 1-hour intervals.
    ///
    /// Example: fabricsim bench serve --fidelity request --hours 2
    ///
    /// Example: fabricsim bench serve --fidelity flow --services 20 --days 365
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
}

/// Parameters of `fabricsim bench serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// `request` or `flow`.
    #[arg(long, default_value = "request", value_parser = ["request", "flow"])]
    pub fidelity: String,
    /// Request fidelity: replicas of the single service.
    #[arg(long, default_value_t = 16)]
    pub replicas: u32,
    /// Request fidelity: requests per second (16 replicas sustain about 420).
    #[arg(long, default_value_t = 250.0)]
    pub rate: f64,
    /// Request fidelity: simulated hours.
    #[arg(long, default_value_t = 2)]
    pub hours: u64,
    /// Flow fidelity: number of services.
    #[arg(long, default_value_t = 20)]
    pub services: u32,
    /// Flow fidelity: simulated days.
    #[arg(long, default_value_t = 365)]
    pub days: u64,
    /// RNG seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Parameters of `fabricsim bench fabric`.
#[derive(Debug, Args)]
pub struct FabricArgs {
    /// Accelerators in the fabric (spread over sites of 10 clusters each).
    #[arg(long, default_value_t = 1_000_000)]
    pub accelerators: u32,
    /// Number of sites.
    #[arg(long, default_value_t = 10)]
    pub sites: u32,
}

/// Parameters of `fabricsim bench phold`. Defaults are the P100k standard point.
#[derive(Debug, Args)]
pub struct PholdArgs {
    /// Number of entities E.
    #[arg(long, default_value_t = 10_000)]
    pub entities: u32,
    /// Initial events per entity M (pending events P = E * M).
    #[arg(long, default_value_t = 10)]
    pub per_entity: u32,
    /// Events to process N.
    #[arg(long, default_value_t = 10_000_000)]
    pub events: u64,
    /// RNG seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Reference mode: SplitMix64 draws, bit-exact against PHOLD.md's integer-time values;
    /// exits with 1 if a published reference row exists for these parameters and differs.
    #[arg(long)]
    pub reference: bool,
}
