//! The `fabricsim` binary and the sim-cli library, driven as a user drives them: one test
//! binary, one module per behaviour.

mod bench_scale;
mod cli;
mod common;
mod errors;
mod failure_factor;
mod fuzz_regressions;
mod guard;
mod help;
mod inference_outage;
mod layering;
mod placement_policies;
mod policy;
mod report;
mod run;
mod slurm;
mod sweep;
mod sweep_kill;
mod validate;
