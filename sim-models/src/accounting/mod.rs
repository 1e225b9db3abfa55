//! Accounting: energy, carbon, cost, WAN egress and committed-spend burn-down, integrated
//! between events, never ticked.
//!
//! Every quantity here is the integral of a rate that holds between two events (watts,
//! chips in use, dollars per hour), so each meter advances by `rate × elapsed` when the
//! rate changes and answers queries at any later time without being stepped. Elapsed
//! time is taken in integer nanoseconds ([`SimTime`]) and sums use Neumaier compensated
//! summation ([`TimeWeighted`](sim_core::stats::TimeWeighted) for power and chips), so a
//! run of millions of events loses no more than a few ulps: relative error below `1e-12`
//! for any realistic run.
//!
//! | Type | Integrates | Answers | Per update |
//! |---|---|---|---|
//! | [`EnergyMeter`] | IT and facility power (W) | J, MWh | *O*(1) |
//! | [`CarbonProfile`] | grid intensity (g/kWh), constant or hourly | `∫ intensity dt` | *O*(1) |
//! | [`CarbonMeter`] | facility power × intensity | g, t CO2 | *O*(1) |
//! | [`CostMeter`] | chips in use × price | accelerator-hours, $ | *O*(1) |
//! | [`EgressLedger`] | WAN bytes and $ between clouds | totals per cloud | *O*(1) |
//! | [`CommitmentLedger`] | spend per cloud, inside and outside its commitment window | [`BurnDownReport`] | *O*(1) |
//!
//! None allocates per update; the lead keeps one meter per site, job, or (cloud, kind) in
//! dense `Vec`s indexed by id and calls them from the event loop.
//!
//! # Units
//!
//! 1 MWh = 3.6e9 J. Carbon: `W × (g/kWh) × h / 1000 = g`, and 1 t = 1e6 g. Cost:
//! `chips × h × $/chip-h`. Hourly carbon profiles start at simulated time zero: value `i`
//! holds over hour `[i, i + 1)` of every period.
//!
//! # Committed spend
//!
//! See [`CommitmentLedger`] for the accrual rule: a commitment accrues linearly over its
//! period, and the spend of its cloud inside the simulated part of the window is compared
//! with the pro-rated commitment once, cumulatively, at the horizon.

mod carbon;
mod commitment;
mod egress;
mod energy;

pub use carbon::{CarbonMeter, CarbonProfile, CarbonProfileSpec};
pub use commitment::{BurnDown, BurnDownReport, CommitmentKind, CommitmentLedger, CommitmentSpec};
pub use egress::{EgressLedger, EgressTotals};
pub use energy::{CostMeter, EnergyMeter, J_PER_MWH};

use sim_core::time::SimTime;

/// Nanoseconds per hour, as `f64`.
const NS_PER_HOUR: f64 = 3.6e12;

/// A running sum with Neumaier compensation: `add` is *O*(1) and loses only the last ulp
/// or so over millions of terms.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    #[inline]
    fn add(&mut self, term: f64) {
        let sum = self.sum + term;
        self.compensation += if self.sum.abs() >= term.abs() {
            (self.sum - sum) + term
        } else {
            (term - sum) + self.sum
        };
        self.sum = sum;
    }

    #[inline]
    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Nanoseconds of `[a0, a1) ∩ [b0, b1)`.
#[inline]
fn overlap_ns(a0: SimTime, a1: SimTime, b0: SimTime, b1: SimTime) -> u64 {
    let lo = a0.max(b0);
    let hi = a1.min(b1);
    hi.saturating_duration_since(lo).as_nanos()
}
