//! Command-line arguments of `fabricsim`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// fabricsim: a discrete-event simulator of a heterogeneous AI compute fabric.
#[derive(Debug, Parser)]
#[command(name = "fabricsim", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Common invocations, shown at the end of `fabricsim --help`.
const EXAMPLES: &str = "\
Examples:
  fabricsim run experiments/llama3-reliability/scenario.toml --out results/llama3
  fabricsim validate my-scenario.toml
  fabricsim sweep experiments/llama3-reliability/sweep.toml --out results/ckpt
  fabricsim compare-policies experiments/placement-policies/scenario.toml --policies first-fit,cheapest
  fabricsim report results/ckpt
  fabricsim models

Each command's --help shows its options and examples (fabricsim run --help).
Exit codes: 0 ok, 1 a check failed (a run or an --assert), 2 an error, 130 interrupted.";

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
    ComparePolicies(sim_study::args::CompareArgs),
    /// Run a sweep: a base scenario with keys overridden along axes, times seeds, in parallel.
    ///
    /// Example: fabricsim sweep experiments/llama3-reliability/sweep.toml --out results/ckpt
    ///
    /// Example (CI): fabricsim sweep sweep.toml --out out --assert 'ettr >= 0.9' --json
    ///
    /// Example (4 machines): fabricsim sweep sweep.toml --shard 2/4 --out shard-2
    ///          then: fabricsim merge shard-1 shard-2 shard-3 shard-4 --out all
    ///
    /// The sweep file (docs/sweep-format.md) names `base` (a scenario, relative to the
    /// sweep file), `seeds` (N for 1..=N, or a list) and `[axes]` such as
    /// "policy.placement" = ["first-fit", "cheapest"] or "outages[0].duration" = ["1h", "6h"];
    /// `[[zip]]` groups vary together. Every point is checked as a scenario before anything
    /// runs; a bad value is reported at its line and column in the sweep file. Each run
    /// (point x seed) has an id hashed from its parameters. DIR (default results/<name>)
    /// gets runs.csv (one row per run: ids, axis values, seed, status, every summary.csv
    /// figure) and aggregate.csv (per point: n, and each figure's mean, sd and 95% CI
    /// half-width), byte-identical for any --jobs, rewritten atomically as runs finish;
    /// runs.journal (the log that makes a sweep resumable) and sweep.toml (a copy). Running
    /// the same command again skips finished runs. Ctrl-C stops after the runs in progress
    /// (exit 130; run again to resume). Exit code 1 if a run failed or an --assert did not
    /// hold, 2 on invalid input.
    #[command(verbatim_doc_comment)]
    Sweep(sim_study::args::SweepArgs),
    /// Join the output folders of a sharded sweep into one, as if one machine had run it.
    ///
    /// Example: fabricsim merge shard-1 shard-2 shard-3 shard-4 --out all --assert 'ettr >= 0.9'
    ///
    /// The folders must come from the same sweep (same sweep definition and base scenario,
    /// as recorded in each DIR/sweep.toml); every run must be in exactly one of them, or the
    /// missing and duplicated runs are listed and nothing is written. --out gets runs.csv and
    /// aggregate.csv byte-identical to an unsharded sweep's, runs.journal and sweep.toml.
    /// Exit codes as for sweep.
    #[command(verbatim_doc_comment)]
    Merge(sim_study::args::MergeArgs),
    /// Report which figures moved between two sweeps (their aggregate.csv).
    ///
    /// Example: fabricsim compare results/main results/branch --tolerance 2%
    ///
    /// Points are matched by point id (the same axis values); for every figure both have,
    /// a mean whose relative change exceeds the tolerance is listed, with whether the change
    /// also exceeds the two 95% confidence half-widths combined. Points or figures on one
    /// side only are listed. Exit code 1 if any figure moved, 0 otherwise, 2 if the two
    /// have no point in common (nothing could be compared).
    #[command(verbatim_doc_comment)]
    Compare(sim_study::args::CompareSweepsArgs),
    /// Write DIR/report.html: one self-contained page (tables and charts inline) from the
    /// files a run, a sweep or a policy comparison wrote in DIR.
    ///
    /// Example: fabricsim report results/llama3-ckpt
    ///
    /// A sweep folder (aggregate.csv, runs.csv, sweep.toml) or a compare-policies folder
    /// (runs.csv, paired.csv) gets a chart per figure against the first axis, a line per
    /// value of the other axes with 95% CI bars, a heatmap for two-axis sweeps and tables
    /// per point. A run folder (summary.csv, power.csv, components.csv, ...) gets its
    /// headline figures, power per site over time, the timeline of failures, outages and
    /// interruptions, and tables. The page fetches nothing (no script, stylesheet or font)
    /// and holds no date: the same files give the same bytes.
    #[command(verbatim_doc_comment)]
    Report(ReportArgs),
    /// Run a sweep on a Slurm cluster: a job array of shards, then their merge.
    ///
    /// Example: fabricsim slurm study/sweep.toml --out /scratch/study
    ///          --tasks 16 --cpus-per-task 8 --partition batch --time 2:00:00 --submit
    ///
    /// Writes DIR/slurm/sweep.sbatch, a job array of N tasks: task i runs
    /// `fabricsim sweep FILE --jobs C --shard (i+1)/N --out DIR/shards/i`; and
    /// DIR/slurm/merge.sbatch: `fabricsim merge DIR/shards/0 ... --out DIR`, which writes
    /// DIR/runs.csv and DIR/aggregate.csv, byte-identical to `fabricsim sweep FILE --out DIR`
    /// on one machine. Logs go to DIR/slurm/logs. With --submit, submits the array with
    /// sbatch and the merge with --dependency=afterok:ARRAY_JOB and prints both job ids;
    /// without it, prints the command that does.
    #[command(verbatim_doc_comment)]
    Slurm(sim_study::slurm::SlurmArgs),
    /// Engine and model benchmarks: PHOLD, fabric build, serving, whole-fabric scaling.
    ///
    /// Example: fabricsim bench phold --entities 100000 --per-entity 10 --events 10000000
    ///
    /// Example: fabricsim bench scale --accelerators 100000 --horizon 30d
    ///
    /// Each prints one line of key=value figures; `fabricsim bench COMMAND --help` says
    /// which. Measure with a release build (cargo build --release).
    #[command(subcommand, verbatim_doc_comment)]
    Bench(BenchCommand),
}

/// Arguments of `fabricsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The folder a run (`run --out`), a sweep or `compare-policies --out` wrote.
    pub dir: PathBuf,
}

/// Arguments of `fabricsim models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// CSV (kind,name,summary) for machines instead of tables.
    #[arg(long)]
    pub csv: bool,
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
    /// Replaces the scenario's `[sim] seed` (a whole number from 0 to 2^64 - 1).
    #[arg(long, value_parser = sim_study::args::parse_seed)]
    pub seed: Option<u64>,
    /// Write power.csv at this resolution (e.g. "1h": each site's state at every whole
    /// hour) instead of a row at every change.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub power_resolution: Option<sim_core::time::SimDuration>,
    /// Resource limits checked before anything runs.
    #[command(flatten)]
    pub limits: sim_study::args::LimitArgs,
}

/// Parses a `--power-resolution` value with fabricsim's duration grammar; must be positive.
fn parse_duration(text: &str) -> Result<sim_core::time::SimDuration, String> {
    match text.parse::<sim_core::time::SimDuration>() {
        Ok(d) if d.is_zero() => Err("the resolution must be positive, e.g. \"1h\"".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

/// Parses `--job-size-factor`: a number in (0, 10].
fn parse_job_size_factor(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 10.0 => Ok(x),
        _ => Err(format!(
            "expected a number above 0 and at most 10, e.g. 0.25, got {text:?}"
        )),
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
    /// PHOLD/hold engine benchmark (benches/PHOLD.md); prints one line of key=value figures.
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
    /// Runs a generated fabric of N accelerators for a horizon and reports wall time,
    /// events and peak memory (the scaling table of benches/README.md).
    ///
    /// The fleet mixes the catalog's kinds over sites of the four clouds, with llama3-h100
    /// failures (scaled per kind), background outages, curtailments, a job generator sized
    /// to the fleet and flow-fidelity services. Run one size per process: peak memory is the
    /// process's.
    ///
    /// Example: fabricsim bench scale --accelerators 100000 --horizon 30d
    #[command(verbatim_doc_comment)]
    Scale(ScaleArgs),
}

/// Parameters of `fabricsim bench scale`.
#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// Accelerators in the generated fleet.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1_000..=10_000_000))]
    pub accelerators: u64,
    /// Simulated horizon, e.g. "7d", "30d", "365d".
    #[arg(long, default_value = "30d", value_parser = parse_duration)]
    pub horizon: sim_core::time::SimDuration,
    /// RNG seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Multiply the gigawatt's job sizes (1,024-16,384 accelerators) by this instead of by
    /// min(f, 1), e.g. 0.1428 to run 1M accelerators with the job sizes of 100k: the same
    /// work per job event at any fleet size.
    #[arg(long, value_name = "FACTOR", value_parser = parse_job_size_factor)]
    pub job_size_factor: Option<f64>,
    /// Print the generated scenario (TOML) instead of running it.
    #[arg(long)]
    pub print_scenario: bool,
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
