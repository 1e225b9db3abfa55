//! sim-models integration tests: one binary, one module per behaviour.

mod accounting;
mod catalog;
mod crn;
mod failure;
mod inference;
mod invariants;
mod network;
mod outage;
mod policy;
mod power;
mod serving;
mod sim;
mod topology;
mod workload;
