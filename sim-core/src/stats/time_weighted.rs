//! Time-weighted average of a piecewise-constant signal (utilisation, queue length, power).

use crate::time::SimTime;

/// Integral and time average of a level that changes at events and holds in between.
///
/// Between two updates the level is constant, so the integral grows by exactly
/// `value × elapsed`: nothing is sampled or ticked, and the result does not depend on how
/// often you look. The running integral is kept in value·nanoseconds with Neumaier
/// compensated summation, so millions of small steps lose no more than a few ulps overall.
///
/// Cost: 56 bytes, *O*(1) and allocation-free per update.
///
/// # Invariant
///
/// Updates and queries must not go back in time: `now` is never earlier than the previous
/// update. Debug builds panic on a violation; release builds treat the elapsed time as zero
/// (the value changes, nothing is integrated, the last update time stays put).
///
/// ```
/// # use sim_core::stats::TimeWeighted;
/// # use sim_core::time::SimTime;
/// let s = SimTime::from_nanos;
/// let mut power_w = TimeWeighted::new(s(0), 100.0);
/// power_w.set(s(2_000_000_000), 300.0); // 100 W for 2 s
/// power_w.add(s(3_000_000_000), -50.0); // 300 W for 1 s, then 250 W
/// let end = s(4_000_000_000);           // 250 W for 1 s
/// assert_eq!(power_w.integral_until(end), 750.0); // joules
/// assert_eq!(power_w.mean_until(end), Some(187.5)); // watts
/// assert_eq!((power_w.min(), power_w.max()), (100.0, 300.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeWeighted {
    start: SimTime,
    last: SimTime,
    value: f64,
    /// `∫ value dt` from `start` to `last`, in value·ns, plus its compensation term.
    integral_ns: f64,
    compensation: f64,
    min: f64,
    max: f64,
}

impl TimeWeighted {
    /// Starts integrating at `start` with the level at `initial_value`.
    ///
    /// # Panics
    ///
    /// If `initial_value` is not finite.
    pub fn new(start: SimTime, initial_value: f64) -> Self {
        assert!(
            initial_value.is_finite(),
            "TimeWeighted::new: the initial value must be finite, got {initial_value}"
        );
        Self {
            start,
            last: start,
            value: initial_value,
            integral_ns: 0.0,
            compensation: 0.0,
            min: initial_value,
            max: initial_value,
        }
    }

    /// Nanoseconds from the last update to `now`, clamped at zero (see the invariant).
    #[inline]
    fn elapsed_ns(&self, now: SimTime, caller: &str) -> f64 {
        debug_assert!(
            now >= self.last,
            "TimeWeighted::{caller}: time must not go backwards (now {now:?} < last update {:?})",
            self.last
        );
        now.saturating_duration_since(self.last).as_nanos() as f64
    }

    /// The level changes to `value` at `now`. *O*(1).
    ///
    /// A non-finite value is a programming error: debug builds panic, release builds
    /// ignore the call.
    #[inline]
    pub fn set(&mut self, now: SimTime, value: f64) {
        debug_assert!(
            value.is_finite(),
            "TimeWeighted::set: the value must be finite, got {value}"
        );
        if !value.is_finite() {
            return;
        }
        let term = self.value * self.elapsed_ns(now, "set");
        // Neumaier: keep the low-order bits that `integral_ns + term` rounds away.
        let sum = self.integral_ns + term;
        self.compensation += if self.integral_ns.abs() >= term.abs() {
            (self.integral_ns - sum) + term
        } else {
            (term - sum) + self.integral_ns
        };
        self.integral_ns = sum;
        self.last = self.last.max(now);
        self.value = value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    /// The level changes by `delta` at `now` (e.g. `+1.0` when a server turns busy). *O*(1).
    #[inline]
    pub fn add(&mut self, now: SimTime, delta: f64) {
        self.set(now, self.value + delta);
    }

    /// The current level.
    pub fn current(&self) -> f64 {
        self.value
    }

    /// `∫ value dt` from the start to `now`, in value × seconds (W → J, busy GPUs →
    /// GPU·seconds), assuming the current level holds until `now`.
    pub fn integral_until(&self, now: SimTime) -> f64 {
        self.integral_ns_until(now) * 1e-9
    }

    fn integral_ns_until(&self, now: SimTime) -> f64 {
        let pending = self.value * self.elapsed_ns(now, "integral_until");
        self.integral_ns + self.compensation + pending
    }

    /// Time average from the start to `now`, or `None` if no time has passed.
    pub fn mean_until(&self, now: SimTime) -> Option<f64> {
        let span_ns = now.saturating_duration_since(self.start).as_nanos() as f64;
        (span_ns > 0.0).then(|| self.integral_ns_until(now) / span_ns)
    }

    /// Smallest level set so far, the initial one included (even if held for no time).
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Largest level set so far, the initial one included (even if held for no time).
    pub fn max(&self) -> f64 {
        self.max
    }

    /// When integration started.
    pub fn start(&self) -> SimTime {
        self.start
    }

    /// Time of the latest update (the start if there was none).
    pub fn last_update(&self) -> SimTime {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn t(ns: u64) -> SimTime {
        SimTime::from_nanos(ns)
    }

    #[test]
    fn utilisation_by_hand() {
        // 0 busy for 1 s, 2 busy for 0.5 s, 1 busy for 2.5 s: 0 + 1 + 2.5 = 3.5 busy·s.
        let mut busy = TimeWeighted::new(t(0), 0.0);
        busy.add(t(1_000_000_000), 1.0);
        busy.add(t(1_000_000_000), 1.0);
        busy.add(t(1_500_000_000), -1.0);
        let end = t(4_000_000_000);
        assert_relative_eq!(busy.integral_until(end), 3.5, max_relative = 1e-15);
        assert_relative_eq!(busy.mean_until(end).unwrap(), 0.875, max_relative = 1e-15);
        assert_eq!(busy.current(), 1.0);
        assert_eq!((busy.min(), busy.max()), (0.0, 2.0));
        assert_eq!(busy.last_update(), t(1_500_000_000));
    }

    #[test]
    fn starting_late_counts_only_from_start() {
        let mut w = TimeWeighted::new(t(10), 4.0);
        assert_eq!(w.mean_until(t(10)), None);
        assert_eq!(w.integral_until(t(10)), 0.0);
        w.set(t(20), 0.0);
        assert_eq!(w.mean_until(t(30)), Some(2.0));
        assert_eq!(w.start(), t(10));
    }

    #[test]
    fn many_tiny_steps_do_not_drift() {
        // A million 1 ns steps of 0.1: naive summation drifts in the 10th digit.
        let mut w = TimeWeighted::new(t(0), 0.1);
        let n = 1_000_000;
        for i in 1..=n {
            w.set(t(i), 0.1);
        }
        assert_relative_eq!(
            w.integral_until(t(n)),
            0.1 * n as f64 * 1e-9,
            max_relative = 1e-15
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "time must not go backwards")]
    fn going_back_in_time_panics_in_debug() {
        let mut w = TimeWeighted::new(t(0), 1.0);
        w.set(t(10), 2.0);
        w.set(t(5), 3.0);
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn going_back_in_time_integrates_nothing_in_release() {
        let mut w = TimeWeighted::new(t(0), 1.0);
        w.set(t(10), 2.0);
        w.set(t(5), 3.0);
        assert_eq!(w.last_update(), t(10));
        assert_relative_eq!(w.integral_until(t(20)), (10.0 + 30.0) * 1e-9);
    }
}
