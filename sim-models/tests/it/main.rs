//! sim-models integration tests: one binary, one module per behaviour.

mod catalog;
mod network;
mod topology;
