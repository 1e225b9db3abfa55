//! # sim_scenario: from a scenario file to a model ready to run
//!
//! fabricsim's input layer. A scenario is one TOML file (`docs/scenario-format.md`);
//! this crate reads it into the sim-models spec types, reporting every problem at once as
//! `file:line:column: key.path: message`, resolves names against a policy
//! [`Registry`](sim_models::policy::Registry), estimates the run's size before anything is
//! built, and runs it.
//!
//! ```text
//! text --scenario::parse--> Scenario --resolve::resolve--> Resolved --guard::check--> ok?
//!                                                             |
//!                                                             +--simulate::simulate--> RunOutput
//! ```
//!
//! | module | what it holds |
//! |---|---|
//! | [`scenario`] | the schema, the walker and its diagnostics, traces, the generated reference |
//! | [`resolve`] | catalog overrides, fabric, network, policies and services built from a scenario |
//! | [`guard`] | the resource guard: estimated events and memory against [`guard::Limits`] |
//! | [`simulate`] | runs a resolved scenario to its horizon |
//! | [`models`] | the registry's models by kind, for listings and the reference |
//! | [`numbers`] | every number formatter for people (messages, tables, CSV, charts, report) |
//!
//! ```
//! use sim_models::policy::Registry;
//! use sim_scenario::{resolve, simulate};
//!
//! let registry = Registry::builtin();
//! let source = resolve::load(None).unwrap(); // the embedded default scenario
//! let resolved = resolve::resolve(&source, None, &registry).unwrap();
//! assert!(resolved.fabric.accelerator_count() > 0);
//! # let _ = simulate::simulate; // running the default scenario takes seconds
//! ```

#![forbid(unsafe_code)]

pub mod guard;
pub mod models;
pub mod numbers;
pub mod resolve;
pub mod scenario;
pub mod simulate;

pub use sim_core;
pub use sim_models;
