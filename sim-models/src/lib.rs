//! fabricsim's domain models: hardware catalog, fabric topology, network, power, failures,
//! workloads and policies, built on the `sim-core` engine.
//!
//! The models land with the fabric issue; this crate currently only re-exports the engine
//! so that dependants compile against the final dependency direction
//! (`sim-cli -> sim-models -> sim-core`).

pub use sim_core;
