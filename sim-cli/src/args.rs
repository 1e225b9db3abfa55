//! Command-line arguments of `fabricsim`.

use clap::{Args, Parser, Subcommand};

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
    /// Engine benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
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
