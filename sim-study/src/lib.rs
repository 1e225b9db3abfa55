//! # sim_study: many runs of one scenario, compared
//!
//! A single `fabricsim run` answers one "what if"; a study answers many. This crate holds
//! the commands that run a scenario many times and compare the outcomes:
//!
//! | module | command | what it does |
//! |---|---|---|
//! | [`sweep`] | `sweep`, `merge`, `compare` | axes x seeds in parallel, resumable; shards merged; two sweeps compared |
//! | [`compare_policies`] | `compare-policies` | placement policies on common random numbers, paired differences with CIs |
//! | [`slurm`] | `slurm` | an `sbatch --array` of sweep shards and their merge |
//! | [`args`] | | the command-line arguments of these commands and the resource limits |
//!
//! ```text
//! sweep file --spec--> SweepSpec --plan--> points x seeds --exec (parallel, journaled)--> runs.csv
//!                                                                    \--tables--> aggregate.csv
//! ```
//!
//! Runs go through sim-scenario (resolve, guard, simulate); tables, charts and files
//! through sim-report. Results are identical whatever the thread count.

#![forbid(unsafe_code)]

pub mod args;
pub mod compare_policies;
#[doc(hidden)]
pub mod fuzzing;
pub mod slurm;
pub mod sweep;
