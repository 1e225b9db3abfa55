//! sim-models integration tests: one binary, one module per behaviour.

mod catalog;
mod failure;
mod network;
mod outage;
mod sim;
mod topology;
mod workload;
