//! Streaming mean and variance (Welford), mergeable across threads (Chan et al.).

use super::student_t::t_975;

/// Running count, mean, sample variance, min and max of a stream of `f64` samples.
///
/// Uses Welford's update, which stays accurate where the textbook `Σx² − n·x̄²` cancels
/// catastrophically (large mean, small spread). Two accumulators combine exactly with
/// [`merge`](Self::merge) (Chan, Golub & LeVeque's pairwise formula), so per-thread or
/// per-replication accumulators can be folded together in any grouping.
///
/// Cost: 40 bytes, *O*(1) and allocation-free per [`insert`](Self::insert).
///
/// Empty accumulators answer `None` rather than `NaN`; spread-based statistics
/// ([`variance`](Self::variance), [`std_dev`](Self::std_dev),
/// [`std_error`](Self::std_error), [`ci95_half_width`](Self::ci95_half_width)) need at
/// least two samples.
///
/// ```
/// # use sim_core::stats::Welford;
/// let mut w = Welford::new();
/// for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
///     w.insert(x);
/// }
/// assert!((w.mean().unwrap() - 5.0).abs() < 1e-12);
/// assert!((w.variance().unwrap() - 32.0 / 7.0).abs() < 1e-12);
/// assert_eq!((w.min(), w.max()), (Some(2.0), Some(9.0)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Welford {
    count: u64,
    mean: f64,
    /// Sum of squared deviations from the current mean.
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Welford {
    fn default() -> Self {
        Self::new()
    }
}

impl Welford {
    /// An empty accumulator.
    pub const fn new() -> Self {
        Self {
            count: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Records one sample. *O*(1), no allocation.
    ///
    /// A non-finite sample is a programming error: debug builds panic, release builds
    /// drop it so one bad value cannot poison the whole run's statistics.
    #[inline]
    pub fn insert(&mut self, x: f64) {
        debug_assert!(
            x.is_finite(),
            "Welford::insert: samples must be finite, got {x}"
        );
        if !x.is_finite() {
            return;
        }
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Folds `other` into `self`, as if every sample of `other` had been inserted here.
    ///
    /// The result matches sequential insertion up to floating-point rounding, whatever the
    /// order and grouping of merges. *O*(1).
    pub fn merge(&mut self, other: &Self) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let count = self.count + other.count;
        let n = count as f64;
        let delta = other.mean - self.mean;
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * nb / n);
        self.count = count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of samples recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Arithmetic mean, or `None` if empty.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }

    /// Sum of the samples (`mean · count`), `0.0` if empty.
    pub fn sum(&self) -> f64 {
        self.mean * self.count as f64
    }

    /// Unbiased sample variance (divides by `n − 1`), or `None` with fewer than two samples.
    pub fn variance(&self) -> Option<f64> {
        // Rounding can leave m2 a hair below zero when all samples are equal.
        (self.count > 1).then(|| (self.m2 / (self.count - 1) as f64).max(0.0))
    }

    /// Population variance (divides by `n`), or `None` if empty.
    pub fn population_variance(&self) -> Option<f64> {
        (self.count > 0).then(|| (self.m2 / self.count as f64).max(0.0))
    }

    /// Sample standard deviation, `√variance`, or `None` with fewer than two samples.
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Standard error of the mean, `s/√n`, or `None` with fewer than two samples.
    pub fn std_error(&self) -> Option<f64> {
        self.std_dev().map(|s| s / (self.count as f64).sqrt())
    }

    /// Half-width `h` of the two-sided 95% confidence interval `mean ± h` for the true
    /// mean, `h = t(0.975, n−1) · s/√n`, or `None` with fewer than two samples.
    ///
    /// The interval assumes independent, roughly normal samples — true of replication
    /// means, not of successive events inside one run. The t quantile is tabulated
    /// exactly (12 digits) for `n ≤ 31` and approximated within a relative 2e-8 beyond.
    pub fn ci95_half_width(&self) -> Option<f64> {
        self.std_error().map(|se| t_975(self.count - 1) * se)
    }

    /// Smallest sample, or `None` if empty.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest sample, or `None` if empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }
}

impl Extend<f64> for Welford {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, iter: I) {
        for x in iter {
            self.insert(x);
        }
    }
}

impl FromIterator<f64> for Welford {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut w = Self::new();
        w.extend(iter);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn empty_answers_none() {
        let w = Welford::new();
        assert_eq!(w.count(), 0);
        assert_eq!(w.mean(), None);
        assert_eq!(w.variance(), None);
        assert_eq!(w.population_variance(), None);
        assert_eq!(w.ci95_half_width(), None);
        assert_eq!((w.min(), w.max()), (None, None));
        assert_eq!(w.sum(), 0.0);
    }

    #[test]
    fn one_sample_has_mean_but_no_spread() {
        let w: Welford = [3.5].into_iter().collect();
        assert_eq!(w.mean(), Some(3.5));
        assert_eq!(w.population_variance(), Some(0.0));
        assert_eq!(w.variance(), None);
        assert_eq!(w.std_error(), None);
    }

    #[test]
    fn ci_half_width_by_hand() {
        // n = 4, mean 2.5, s² = 5/3, se = sqrt(5/12), t(0.975, 3) = 3.182446305.
        let w: Welford = [1.0, 2.0, 3.0, 4.0].into_iter().collect();
        let se = (5.0_f64 / 12.0).sqrt();
        assert_relative_eq!(w.std_error().unwrap(), se, max_relative = 1e-15);
        assert_relative_eq!(
            w.ci95_half_width().unwrap(),
            3.182_446_305 * se,
            max_relative = 1e-9
        );
    }

    #[test]
    fn large_offset_does_not_cancel() {
        // Naive Σx² − n·x̄² loses every digit here; Welford keeps them.
        let w: Welford = [1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0]
            .into_iter()
            .collect();
        assert_relative_eq!(w.variance().unwrap(), 30.0, max_relative = 1e-12);
    }

    #[test]
    fn merge_with_empty_is_identity() {
        let a: Welford = [1.0, 5.0].into_iter().collect();
        let mut b = a;
        b.merge(&Welford::new());
        assert_eq!(a, b);
        let mut e = Welford::new();
        e.merge(&a);
        assert_eq!(a, e);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "samples must be finite")]
    fn nan_panics_in_debug() {
        Welford::new().insert(f64::NAN);
    }
}
