//! Grid carbon intensity (constant or hourly) and the carbon meter built on it.

use sim_core::time::SimTime;

use super::{CompensatedSum, NS_PER_HOUR};
use crate::ModelError;

const HOUR_NS: u64 = 3_600_000_000_000;

/// A region's grid carbon intensity as a scenario states it.
#[derive(Clone, Debug, PartialEq)]
pub enum CarbonProfileSpec {
    /// The same intensity all the time, g CO2/kWh (the catalog's `carbon_g_per_kwh`).
    Constant(f64),
    /// One value per hour, g CO2/kWh, repeating with its length as period (24: a diurnal
    /// profile, 8 760: a year). Value `i` holds over hour `[i, i + 1)` of each period,
    /// counted from simulated time zero.
    Hourly {
        /// Intensity of each hour of the period, g CO2/kWh.
        values: Vec<f64>,
    },
}

impl CarbonProfileSpec {
    /// Validates and builds the profile; errors are located under `path`.
    pub fn build(&self, path: &[&str]) -> Result<CarbonProfile, Vec<ModelError>> {
        match self {
            Self::Constant(g) => CarbonProfile::from_values(vec![*g], path),
            Self::Hourly { values } => CarbonProfile::from_values(values.clone(), path),
        }
    }
}

/// Grid carbon intensity over time, periodic with a whole number of hours, with
/// `∫ intensity dt` between any two times in *O*(1).
///
/// A constant intensity is a one-hour period. The integral uses a prefix-sum table over
/// one period: whole periods × the period sum, plus the partial hours at both ends; the
/// whole-period count is an integer, so long windows lose no precision to cancellation.
///
/// ```
/// # use sim_models::accounting::CarbonProfile;
/// # use sim_core::time::{SimDuration, SimTime};
/// let p = CarbonProfile::from_values(vec![100.0, 300.0], &["carbon"]).unwrap();
/// let h = |n| SimTime::ZERO + SimDuration::from_mins(n);
/// assert_eq!(p.intensity_at(h(90)), 300.0);
/// // 30 min at 100 + 60 min at 300 + 60 min at 100 + 30 min at 300 = 600 g/kWh·h:
/// assert!((p.integral_g_per_kwh_h(h(30), h(210)) - 600.0).abs() < 1e-9);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CarbonProfile {
    values: Vec<f64>,
    /// `prefix[i]` = sum of `values[..i]`, in g/kWh·h; `prefix[n]` is the period sum.
    prefix: Vec<f64>,
}

impl CarbonProfile {
    /// A constant intensity, g CO2/kWh.
    ///
    /// # Panics
    ///
    /// If `g_per_kwh` is negative or not finite (use [`CarbonProfile::from_values`] for
    /// user input).
    pub fn constant(g_per_kwh: f64) -> Self {
        Self::from_values(vec![g_per_kwh], &["carbon_g_per_kwh"])
            .unwrap_or_else(|e| panic!("CarbonProfile::constant: {}", e[0]))
    }

    /// An hourly profile repeating with period `values.len()` hours.
    ///
    /// Errors (all of them, under `path`): an empty list, or a value (at `path.i`) that
    /// is negative or not finite.
    pub fn from_values(values: Vec<f64>, path: &[&str]) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        if values.is_empty() {
            errors.push(ModelError::new(
                path,
                "empty carbon intensity profile; give at least one value in g CO2/kWh \
                 (24 for a diurnal profile, 8760 for a year)",
            ));
        }
        for (i, v) in values.iter().enumerate() {
            if !(v.is_finite() && *v >= 0.0) {
                let key = i.to_string();
                let full: Vec<&str> = path.iter().copied().chain([key.as_str()]).collect();
                errors.push(ModelError::new(
                    &full,
                    format!("carbon intensity {v} is not a finite number >= 0 g CO2/kWh"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut prefix = Vec::with_capacity(values.len() + 1);
        let mut acc = CompensatedSum::default();
        prefix.push(0.0);
        for v in &values {
            acc.add(*v);
            prefix.push(acc.value());
        }
        Ok(Self { values, prefix })
    }

    /// The hourly values of one period (one value if constant), g CO2/kWh.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The period in hours (1 if constant).
    pub fn period_hours(&self) -> usize {
        self.values.len()
    }

    /// Mean intensity over a period, g CO2/kWh.
    pub fn mean_g_per_kwh(&self) -> f64 {
        self.period_sum() / self.values.len() as f64
    }

    fn period_sum(&self) -> f64 {
        self.prefix[self.values.len()]
    }

    /// Intensity at `t`, g CO2/kWh.
    pub fn intensity_at(&self, t: SimTime) -> f64 {
        let hour = t.as_nanos() / HOUR_NS;
        self.values[(hour % self.values.len() as u64) as usize]
    }

    /// `∫ intensity dt` from time zero to `t`, as (whole periods, remainder in g/kWh·h).
    #[inline]
    fn cumulative(&self, t: SimTime) -> (u64, f64) {
        let ns = t.as_nanos();
        let hour = ns / HOUR_NS;
        let frac = (ns % HOUR_NS) as f64 / NS_PER_HOUR;
        let n = self.values.len() as u64;
        let i = (hour % n) as usize;
        (hour / n, self.prefix[i] + self.values[i] * frac)
    }

    /// `∫ intensity dt` over `[t0, t1)`, in g/kWh·h (0 if `t1 <= t0`). *O*(1).
    ///
    /// Multiply by a constant power in kW to get grams.
    #[inline]
    pub fn integral_g_per_kwh_h(&self, t0: SimTime, t1: SimTime) -> f64 {
        if t1 <= t0 {
            return 0.0;
        }
        let (k0, r0) = self.cumulative(t0);
        let (k1, r1) = self.cumulative(t1);
        (k1 - k0) as f64 * self.period_sum() + (r1 - r0)
    }
}

/// CO2 of one site or region: piecewise-constant facility power times a (possibly
/// hourly) grid intensity, integrated exactly.
///
/// Over each interval of constant power `P` (W) it adds `P / 1000 × ∫ intensity dt`
/// ([`CarbonProfile::integral_g_per_kwh_h`]), so a varying profile and varying power are
/// both exact, whatever the number of events. Sums are Neumaier-compensated. *O*(1) and
/// allocation-free per update; the meter owns its profile (clone it per site at build
/// time).
///
/// Time must not go backwards: debug builds panic, release builds integrate nothing for
/// the backward step.
///
/// ```
/// # use sim_models::accounting::{CarbonMeter, CarbonProfile};
/// # use sim_core::time::{SimDuration, SimTime};
/// let mut m = CarbonMeter::new(SimTime::ZERO, CarbonProfile::constant(400.0));
/// m.set_power(SimTime::ZERO, 1e6); // 1 MW facility
/// let t = SimTime::ZERO + SimDuration::from_hours(10);
/// assert!((m.co2_t(t) - 4.0).abs() < 1e-12); // 10 MWh × 400 g/kWh
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CarbonMeter {
    profile: CarbonProfile,
    power_w: f64,
    last: SimTime,
    co2_g: CompensatedSum,
}

impl CarbonMeter {
    /// Starts at `start` with zero power.
    pub fn new(start: SimTime, profile: CarbonProfile) -> Self {
        Self {
            profile,
            power_w: 0.0,
            last: start,
            co2_g: CompensatedSum::default(),
        }
    }

    #[inline]
    fn pending_g(&self, now: SimTime) -> f64 {
        debug_assert!(
            now >= self.last,
            "CarbonMeter: time must not go backwards (now {now:?} < last update {:?})",
            self.last
        );
        self.power_w * 1e-3 * self.profile.integral_g_per_kwh_h(self.last, now)
    }

    /// From `now` on, facility power is `facility_w` watts. *O*(1).
    ///
    /// A non-finite power is a programming error: debug builds panic, release builds
    /// ignore the call.
    #[inline]
    pub fn set_power(&mut self, now: SimTime, facility_w: f64) {
        debug_assert!(
            facility_w.is_finite(),
            "CarbonMeter::set_power: power must be finite, got {facility_w}"
        );
        if !facility_w.is_finite() {
            return;
        }
        let g = self.pending_g(now);
        self.co2_g.add(g);
        self.last = self.last.max(now);
        self.power_w = facility_w;
    }

    /// Current facility power, W.
    pub fn power_w(&self) -> f64 {
        self.power_w
    }

    /// The intensity profile.
    pub fn profile(&self) -> &CarbonProfile {
        &self.profile
    }

    /// CO2 from the start to `now`, g.
    pub fn co2_g(&self, now: SimTime) -> f64 {
        self.co2_g.value() + self.pending_g(now)
    }

    /// CO2 from the start to `now`, metric tonnes.
    pub fn co2_t(&self, now: SimTime) -> f64 {
        self.co2_g(now) * 1e-6
    }
}
