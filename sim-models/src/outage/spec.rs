//! What a scenario says about outages: scripted injections, background processes and
//! planned maintenance.

use sim_core::rng::{DurationDist, LogNormal};
use sim_core::time::{SimDuration, SimTime};

use super::calibration;
use crate::units::HOUR_SECS;

/// One scripted outage: `scope` is down from `at` for `duration`.
///
/// In a scenario: `{ scope = "region:aws/us-east-1", at = "12d", duration = "6h" }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptedOutageSpec {
    /// The failure domain, as a [`Fabric::domain_key`](crate::topology::Fabric::domain_key)
    /// key: `cloud:aws`, `region:aws/us-east-1`, `site:aws-use1`, `cluster:aws-use1/h100-a`,
    /// `rack:aws-use1/h100-a/3`, ...
    pub scope: String,
    /// When it goes down.
    pub at: SimTime,
    /// How long it stays down (positive).
    pub duration: SimDuration,
}

/// The level a background outage process strikes: every instance of that level in the
/// fabric gets its own independent process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutageLevel {
    /// A rack (top-of-rack switch, rack power).
    Rack,
    /// A site (datacenter or zone: fire, flood, power, cooling).
    Site,
    /// A region (regional control plane, storage, network).
    Region,
    /// A whole cloud (global control plane, configuration pushed everywhere).
    Cloud,
}

impl OutageLevel {
    /// All levels, innermost first.
    pub const ALL: [OutageLevel; 4] = [Self::Rack, Self::Site, Self::Region, Self::Cloud];

    /// The level's name, as in [`FailureDomain::level`](crate::topology::FailureDomain::level)
    /// and in scenario files: `rack`, `site`, `region`, `cloud`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rack => "rack",
            Self::Site => "site",
            Self::Region => "region",
            Self::Cloud => "cloud",
        }
    }

    /// The level named `name` (exactly as [`OutageLevel::name`] prints it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// A background outage process: every domain instance of `level` goes down as a Poisson
/// process of `rate_per_year` (per instance, 8 760 h years) for `duration` each time.
#[derive(Clone, Debug, PartialEq)]
pub struct BackgroundOutageSpec {
    /// Which level's instances fail.
    pub level: OutageLevel,
    /// Outages per instance per year (finite, >= 0; 0 turns the process off).
    pub rate_per_year: f64,
    /// Time to repair of each outage (mean > 0).
    pub duration: DurationDist,
}

impl BackgroundOutageSpec {
    /// The default process of `level`, calibrated from the embedded `data/outages.csv`
    /// (see the [module docs](super#calibration) for the arithmetic): a rate per instance
    /// and year, and a log-normal duration.
    ///
    /// ```
    /// use sim_models::outage::{BackgroundOutageSpec, OutageLevel};
    /// let region = BackgroundOutageSpec::calibrated(OutageLevel::Region);
    /// assert!((region.rate_per_year - 5.0 / 12.0).abs() < 1e-4);
    /// assert!((region.duration.mean_secs() / 3600.0 - 5.6).abs() < 0.01);
    /// ```
    pub fn calibrated(level: OutageLevel) -> Self {
        let row = calibration::row(level);
        let duration = LogNormal::new((row.duration_median_h * HOUR_SECS).ln(), row.duration_sigma)
            .expect("outages.csv durations are positive and finite (unit-tested)");
        Self {
            level,
            rate_per_year: row.rate_per_year,
            duration: duration.into(),
        }
    }
}

/// How many maintenance events a [`MaintenanceSpec`] schedules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaintenanceCadence {
    /// Exactly this many (>= 1) in `[first_at, horizon)`, slots of equal length.
    Count(u32),
    /// One per slot of this length (positive), from `first_at` while before the horizon.
    Every(SimDuration),
}

/// Where in its slot each maintenance event starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Spread {
    /// At the start of its slot: evenly spaced, no randomness.
    #[default]
    Even,
    /// At a uniform random time within its slot (stratified: no two events share a slot).
    Random,
}

/// Planned maintenance of one domain: `cadence` events of `duration` each, from `first_at`.
///
/// Slot `k` (0-based) starts at `first_at + k * gap`, with `gap = (horizon - first_at) /
/// count` for [`MaintenanceCadence::Count`] (computed exactly in integer nanoseconds) and
/// `gap = every` for [`MaintenanceCadence::Every`]. The Llama 3 validation is
/// `count = 47` over a 54-day horizon on the job's cluster: a window every 27.6 h.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaintenanceSpec {
    /// The domain taken down, as a domain key (usually a `cluster:` or `site:` key).
    pub scope: String,
    /// How many events.
    pub cadence: MaintenanceCadence,
    /// How long each lasts (positive).
    pub duration: SimDuration,
    /// Start of the first slot (before the horizon).
    pub first_at: SimTime,
    /// Placement within each slot.
    pub spread: Spread,
}
