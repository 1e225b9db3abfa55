//! Integration tests of sim-core, one module per behaviour.
mod engine;
mod phold;
mod queue;
mod rng;
mod stats;
mod time;
