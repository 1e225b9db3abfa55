//! Reproducible random streams and the distributions models sample from.
//!
//! # Why streams
//!
//! Every component draws from its own generator, derived from the run's master seed and
//! a stable key. A stream's draws depend on (master seed, key) only: adding, removing or
//! reordering other streams, or drawing more or less from them, never changes them.
//! That gives *common random numbers*: run two policies with the same master seed and
//! they face the same failures and the same arrivals, so their difference is the policy,
//! not the dice, and a comparison needs far fewer seeds. Models receive their stream;
//! they never make one.
//!
//! # Key convention
//!
//! Keys are slash-separated, stable, lowercase kebab-case names, from general to
//! specific: `"failure/site/aws-use1"`, `"arrival/training"`, `"repair/node"`. Name a
//! stream after *what it decides*, and derive the name from scenario content (ids and
//! names), never from iteration order. For one stream per entity use
//! [`RngStreams::stream_indexed`], e.g. `("failure/node", node_id)`, which formats no string.
//!
//! # Seeding recipe
//!
//! [`stream_seed`]: `h = FNV-1a-64(key)`, `seed = mix64(mix64(master_seed) ^ h)`, then
//! four [`SplitMix64`] outputs from `seed` become the 256-bit state of a Xoshiro256++
//! generator ([`StreamRng`]). Indexed streams hash `key`, a `0xFF` byte and the index's
//! 8 little-endian bytes ([`stream_seed_indexed`]). The recipe is pinned by golden tests:
//! changing it would change every simulation's random future.
//!
//! # Distributions
//!
//! [`DurationDist`] samples a [`SimDuration`](crate::time::SimDuration) from
//! [`Exponential`], [`Weibull`], [`LogNormal`], [`Empirical`] or [`PiecewiseLinear`]
//! parameters in seconds (or a constant); each of those also samples plain `f64`s for
//! non-time quantities. Constructors validate; sampling never fails.
//!
//! ```
//! use rand::Rng;
//! use sim_core::rng::{DurationDist, Exponential, RngStreams, Weibull};
//!
//! let streams = RngStreams::new(42);
//! let ttf = DurationDist::from(Weibull::new(0.8, 86_400.0)?);
//! let arrivals = DurationDist::from(Exponential::new(600.0)?);
//!
//! let mut site = streams.stream("failure/site/aws-use1");
//! let first_failure = ttf.sample(&mut site);
//!
//! // Drawing from other streams, or creating new ones, does not move "failure/site/aws-use1".
//! let mut jobs = streams.stream("arrival/training");
//! let _gap = arrivals.sample(&mut jobs);
//! let _node_coin: bool = streams.stream_indexed("failure/node", 1234).random();
//! assert_eq!(ttf.sample(&mut streams.stream("failure/site/aws-use1")), first_failure);
//! # Ok::<(), sim_core::rng::DistError>(())
//! ```

mod dist;
mod splitmix;
mod stream;

pub use dist::{
    DistError, DurationDist, Empirical, Exponential, LogNormal, PiecewiseLinear, Weibull,
};
pub use splitmix::{SplitMix64, mix64};
pub use stream::{RngStreams, StreamRng, stream_seed, stream_seed_indexed};
