//! Command-line arguments of the study commands (`sweep`, `merge`, `compare`,
//! `compare-policies`) and the resource limits every command that runs scenarios takes.
//!
//! The doc comments of the fields are also the `--help` text, written for a terminal
//! (`<sweep name>` is a placeholder, not HTML).
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::Args;
use sim_scenario::guard::Limits;

/// Arguments of `fabricsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML; see docs/sweep-format.md).
    pub file: PathBuf,
    /// Worker threads, one run each at a time (default: the available parallelism).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub jobs: Option<u64>,
    /// Output folder (created if missing; default results/<sweep name>). Finished runs
    /// found there are not run again.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only shard K of N (1-based): the runs whose id modulo N is K - 1.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::sweep::Shard>,
    /// A check over every point's aggregate, e.g. 'ettr >= 0.9' or 'cost_usd_sd < 1e6'
    /// (FIGURE OP NUMBER, OP one of >= <= > < == !=); repeatable. Exit code 1 if one fails.
    #[arg(long = "assert", value_name = "EXPR")]
    pub asserts: Vec<String>,
    /// Print a JSON summary (runs, per point its figures' mean/sd/ci95, assertions) on
    /// stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Check the sweep and every point, list the points, and run nothing. The first line
    /// reads "sweep NAME over BASE: P points x S seeds = R runs..."; with --json, a JSON
    /// object with `runs`, `shard_runs` and the points instead.
    #[arg(long)]
    pub dry_run: bool,
    /// Resource limits checked before anything runs.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Arguments of `fabricsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of the shards (`fabricsim sweep --shard K/N --out DIR`).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged runs.csv, aggregate.csv, runs.journal and sweep.toml.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A check over every point's aggregate, as for `sweep --assert`; repeatable.
    #[arg(long = "assert", value_name = "EXPR")]
    pub asserts: Vec<String>,
    /// Print a JSON summary on stdout, as `sweep --json` does.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `fabricsim compare`.
#[derive(Debug, Args)]
pub struct CompareSweepsArgs {
    /// The reference sweep's output folder (or its aggregate.csv).
    pub base: PathBuf,
    /// The sweep to check against it.
    pub new: PathBuf,
    /// Largest relative change of a mean that is not a move: a percentage (2%) or a
    /// fraction (0.02).
    #[arg(long, default_value = "2%", value_name = "TOL")]
    pub tolerance: crate::sweep::Tolerance,
    /// Print a JSON summary on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
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
    #[arg(long, default_value_t = 1, value_parser = parse_seed)]
    pub first_seed: u64,
    /// Worker threads (default: the available parallelism).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub jobs: Option<u64>,
    /// Folder for runs.csv, paired.csv and paired.svg (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Resource limits checked before anything runs.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The resource guard's limits: a run whose estimated events or memory exceed them is
/// refused before it starts, with the estimate and the flag that allows it.
#[derive(Clone, Copy, Debug, Args)]
pub struct LimitArgs {
    /// Refuse a run estimated to process more events than this (default 2e9, about
    /// 10 minutes of wall time); raise it to run a bigger scenario anyway.
    #[arg(long, value_name = "N", default_value = "2e9", value_parser = parse_count)]
    pub max_events: u64,
    /// Refuse a run estimated to need more memory than this, e.g. "16GiB" (default: 8 GiB);
    /// raise it to run a bigger scenario anyway.
    #[arg(long, value_name = "SIZE", default_value = "8GiB", value_parser = parse_size)]
    pub max_memory: u64,
}

impl Default for LimitArgs {
    /// The command line's defaults: 2e9 events, 8 GiB ([`Limits::default`]).
    fn default() -> Self {
        let Limits {
            max_events,
            max_memory,
        } = Limits::default();
        Self {
            max_events,
            max_memory,
        }
    }
}

impl LimitArgs {
    /// The limits the resource guard checks.
    pub fn limits(&self) -> Limits {
        Limits {
            max_events: self.max_events,
            max_memory: self.max_memory,
        }
    }
}

/// Parses a seed: a whole number from 0 to 2^64 - 1 (`_` separators allowed).
pub fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().replace('_', "").parse::<u64>().map_err(|_| {
        format!("expected a whole number from 0 to 18446744073709551615 such as 7, got {text:?}")
    })
}

/// Parses a count such as `2000000`, `2e9` or `1.5e6`; must be a whole number >= 1.
fn parse_count(text: &str) -> Result<u64, String> {
    let value: f64 = text
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("expected a count such as 2e9 or 500000000, got {text:?}"))?;
    if !((1.0..=1.8e19).contains(&value) && value.fract() == 0.0) {
        return Err(format!(
            "expected a whole count >= 1 such as 2e9, got {text:?}"
        ));
    }
    Ok(value as u64)
}

/// Parses a memory size such as `8GiB`, `512MiB`, `4GB` or a byte count.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => {
            return Err(format!(
                "unknown unit in {text:?}: expected B, KiB, MiB, GiB, TiB, KB, MB, GB or TB, e.g. 16GiB"
            ));
        }
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("expected a size such as 16GiB or 512MiB, got {text:?}"))?;
    let bytes = value * factor;
    if !(1.0..=1.8e19).contains(&bytes) {
        return Err(format!(
            "expected a positive size such as 16GiB, got {text:?}"
        ));
    }
    Ok(bytes as u64)
}
