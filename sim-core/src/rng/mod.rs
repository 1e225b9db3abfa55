//! RNG streams (in progress).
mod splitmix;
pub use splitmix::{SplitMix64, mix64};
