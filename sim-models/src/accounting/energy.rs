//! Energy (IT and facility) and accelerator-hour cost meters.

use sim_core::stats::TimeWeighted;
use sim_core::time::SimTime;

/// Joules per megawatt-hour.
pub const J_PER_MWH: f64 = 3.6e9;

/// Energy of one site, cloud or job: IT power and facility power (IT × PUE), both
/// piecewise constant, integrated exactly as `power × elapsed` between changes.
///
/// Built on two [`TimeWeighted`] integrators (value·ns, Neumaier-compensated), so energy
/// is exact up to f64 rounding whatever the number of changes. 112 bytes, *O*(1) and
/// allocation-free per update.
///
/// Time must not go backwards: debug builds panic, release builds integrate nothing for
/// the backward step. A non-finite power is a programming error (debug panic, release
/// ignore).
///
/// ```
/// # use sim_models::accounting::EnergyMeter;
/// # use sim_core::time::{SimDuration, SimTime};
/// let h = |n| SimTime::ZERO + SimDuration::from_hours(n);
/// let mut m = EnergyMeter::new(SimTime::ZERO);
/// m.set_power(h(0), 1e6, 1.2); // 1 MW IT, PUE 1.2
/// m.set_power(h(2), 0.0, 1.2); // off after 2 h
/// assert_eq!(m.energy_it_mwh(h(5)), 2.0);
/// assert!((m.energy_facility_mwh(h(5)) - 2.4).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnergyMeter {
    it_w: TimeWeighted,
    facility_w: TimeWeighted,
}

impl EnergyMeter {
    /// Starts at `start` with zero power.
    pub fn new(start: SimTime) -> Self {
        Self {
            it_w: TimeWeighted::new(start, 0.0),
            facility_w: TimeWeighted::new(start, 0.0),
        }
    }

    /// From `now` on, IT power is `it_w` watts and facility power `it_w × pue`. *O*(1).
    #[inline]
    pub fn set_power(&mut self, now: SimTime, it_w: f64, pue: f64) {
        self.set(now, it_w, it_w * pue);
    }

    /// From `now` on, IT power is `it_w` and facility power `facility_w` watts. *O*(1).
    #[inline]
    pub fn set(&mut self, now: SimTime, it_w: f64, facility_w: f64) {
        self.it_w.set(now, it_w);
        self.facility_w.set(now, facility_w);
    }

    /// Current IT power, W.
    pub fn it_w(&self) -> f64 {
        self.it_w.current()
    }

    /// Current facility power, W.
    pub fn facility_w(&self) -> f64 {
        self.facility_w.current()
    }

    /// IT energy from the start to `now`, J.
    pub fn energy_it_j(&self, now: SimTime) -> f64 {
        self.it_w.integral_until(now)
    }

    /// Facility energy (IT × PUE) from the start to `now`, J.
    pub fn energy_facility_j(&self, now: SimTime) -> f64 {
        self.facility_w.integral_until(now)
    }

    /// IT energy from the start to `now`, MWh.
    pub fn energy_it_mwh(&self, now: SimTime) -> f64 {
        self.energy_it_j(now) / J_PER_MWH
    }

    /// Facility energy from the start to `now`, MWh.
    pub fn energy_facility_mwh(&self, now: SimTime) -> f64 {
        self.energy_facility_j(now) / J_PER_MWH
    }

    /// Time-average IT power from the start to `now`, W (`None` if no time passed).
    pub fn mean_it_w(&self, now: SimTime) -> Option<f64> {
        self.it_w.mean_until(now)
    }
}

/// Accelerator-hours and their cost for one (cloud, accelerator kind): chips in use,
/// piecewise constant, times a price per chip-hour.
///
/// 64 bytes, *O*(1) and allocation-free per update; exact like [`EnergyMeter`]. Keep one
/// per (cloud, kind) in a dense `Vec`; the price comes from the catalog offering or a
/// scenario override.
///
/// ```
/// # use sim_models::accounting::CostMeter;
/// # use sim_core::time::{SimDuration, SimTime};
/// let mut m = CostMeter::new(SimTime::ZERO, 2.0);
/// m.set_chips(SimTime::ZERO, 8);
/// let t = SimTime::ZERO + SimDuration::from_hours(3);
/// assert_eq!(m.accel_hours(t), 24.0);
/// assert_eq!(m.cost_usd(t), 48.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostMeter {
    chips: TimeWeighted,
    usd_per_chip_hour: f64,
}

impl CostMeter {
    /// Starts at `start` with no chips in use, billed at `usd_per_chip_hour`.
    ///
    /// # Panics
    ///
    /// If the price is negative or not finite.
    pub fn new(start: SimTime, usd_per_chip_hour: f64) -> Self {
        assert!(
            usd_per_chip_hour.is_finite() && usd_per_chip_hour >= 0.0,
            "CostMeter::new: the price must be finite and >= 0, got {usd_per_chip_hour}"
        );
        Self {
            chips: TimeWeighted::new(start, 0.0),
            usd_per_chip_hour,
        }
    }

    /// From `now` on, `chips` chips are in use (billed). *O*(1).
    #[inline]
    pub fn set_chips(&mut self, now: SimTime, chips: u32) {
        self.chips.set(now, f64::from(chips));
    }

    /// Chips in use now.
    pub fn chips(&self) -> u32 {
        self.chips.current() as u32
    }

    /// Price per chip-hour, $.
    pub fn usd_per_chip_hour(&self) -> f64 {
        self.usd_per_chip_hour
    }

    /// Current spend rate, $/h (chips × price): feed it to
    /// [`CommitmentLedger::set_rate`](super::CommitmentLedger::set_rate).
    pub fn usd_per_hour(&self) -> f64 {
        self.chips.current() * self.usd_per_chip_hour
    }

    /// Accelerator-hours from the start to `now`.
    pub fn accel_hours(&self, now: SimTime) -> f64 {
        self.chips.integral_until(now) / crate::units::HOUR_SECS
    }

    /// Cost from the start to `now`, $.
    pub fn cost_usd(&self, now: SimTime) -> f64 {
        self.accel_hours(now) * self.usd_per_chip_hour
    }
}
