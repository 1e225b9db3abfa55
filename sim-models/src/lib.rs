//! # sim-models: the domain of fabricsim
//!
//! What the engine (`sim-core`) simulates: accelerators, clouds and regions, the fabric
//! built from them, and the network joining it. Later modules add power, failures,
//! workloads and policies.
//!
//! * [`catalog`]: accelerator specs, clouds, regions, which cloud offers which accelerator
//!   at what price, and measured round-trip times; shipped as data inside the crate
//!   (`data/*.csv`, every row citing its source), overridable and extensible by a scenario.
//! * [`topology`]: cloud -> region -> site -> cluster -> rack -> node -> accelerator, built
//!   from a [`topology::FabricSpec`] against a catalog; every level is a failure domain with
//!   a stable id, and accelerators are index ranges, never objects.
//! * [`network`]: inter-region RTT (measured, else a fitted great-circle estimate), WAN
//!   bandwidth and egress price, transfer times, and alpha-beta collective times.
//!
//! This crate reads no files and prints nothing: the CLI parses scenarios into the `*Spec`
//! and `*Patch` types here and reports the errors these types return.

#![forbid(unsafe_code)]

pub mod accounting;
pub mod capacity;
pub mod catalog;
mod data;
mod error;
pub mod failure;
pub mod inference;
pub mod network;
pub mod outage;
pub mod policy;
pub mod power;
pub mod sim;
pub mod suggest;
pub mod topology;
pub mod workload;

pub use error::ModelError;
pub use sim_core;
