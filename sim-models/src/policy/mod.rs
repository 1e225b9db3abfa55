//! # Policies: where work goes and what happens when its capacity dies
//!
//! A policy sees a read-only [`FabricView`] of the fabric now (free capacity per cluster,
//! prices, grid carbon, power headroom, health, round trips, commitments) and returns a
//! decision; the simulation applies it. Each role is a trait with built-in
//! implementations, chosen by name through a [`Registry`] that a crate outside this one can
//! extend with its own policies, failure models and accelerators:
//!
//! * [`Placement`]: which clusters (and how many nodes of each) a training job or an
//!   inference replica gets. Built-ins: `first-fit`, `best-fit`, `cheapest`, `greenest`,
//!   `lowest-latency`, `power-headroom`, `spread`, `commitment-burn`,
//!   `heterogeneity-aware` ([`placement`]).
//! * [`Failover`]: what a training job does when a failure or outage interrupts it:
//!   `wait` for repair, `restart` elsewhere from its last checkpoint, `migrate` its
//!   checkpoint over the WAN, or `threshold` (wait if the expected repair is short)
//!   ([`failover`]).
//! * Power policies (`throttle`, `refuse`, `preempt`) are chosen per site
//!   ([`crate::power::PowerPolicy`]).
//!
//! Every decision can be explained: a policy given a [`DecisionLog`] records the options
//! it scored and the one it chose (`decisions.csv`).

pub mod decision;
pub mod failover;
pub mod params;
pub mod placement;
pub mod registry;
pub mod view;

pub use decision::{DecisionLog, DecisionRecord, ScoredOption};
pub use failover::{Failover, FailoverContext, FailoverDecision};
pub use params::{ParamValue, PolicyParams};
pub use placement::{Placement, PlacementRequest};
pub use registry::Registry;
pub use view::FabricView;
