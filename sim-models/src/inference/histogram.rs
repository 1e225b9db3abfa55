//! A weighted, log-bucketed histogram for latency quantiles (DDSketch-style mapping).
//!
//! With relative accuracy `α`, let `γ = (1 + α) / (1 - α)`. A value `x > 0` falls in bucket
//! `i = ceil(ln x / ln γ)`, which covers `(γ^(i-1), γ^i]`; the bucket reports
//! `2 γ^i / (γ + 1)`, within a factor `1 ± α` of every value in it (Masson, Rim and Lee,
//! "DDSketch", VLDB 2019). Values below [`MIN_POSITIVE`] (and exact zeros) go to a separate
//! zero bucket and report 0.
//!
//! Weights are non-negative `f64` (expected request counts in the flow fidelity, 1 per
//! request in the request fidelity). A quantile is the reported value of the first bucket,
//! in increasing order, whose cumulative weight reaches `q x total`; so it is within `α`
//! (relative) of a value whose weighted rank is exactly `q`. The weighted mean is kept
//! exactly on the side.
//!
//! Buckets live in one `Vec<f64>` indexed from the smallest bucket seen, grown at either
//! end on demand: no hashing; [`WeightedHistogram::add`] is O(1) except when the range
//! grows; [`WeightedHistogram::quantile`] is O(buckets). At 1 % accuracy one decade takes
//! 116 buckets, so 1 µs to 1 hour is about 1,100 buckets (9 KB).

/// Default relative accuracy: 1 %.
pub const DEFAULT_ALPHA: f64 = 0.01;

/// Values below this go to the zero bucket (and report 0).
pub const MIN_POSITIVE: f64 = 1e-9;

/// A weighted log-bucketed histogram; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedHistogram {
    alpha: f64,
    /// `ln γ`.
    ln_gamma: f64,
    /// `2 / (γ + 1)`: a bucket reports `γ^i x` this.
    mid_factor: f64,
    /// Bucket index of `buckets[0]`.
    offset: i32,
    buckets: Vec<f64>,
    zero: f64,
    total: f64,
    weighted_sum: f64,
}

impl Default for WeightedHistogram {
    /// An empty histogram with [`DEFAULT_ALPHA`].
    fn default() -> Self {
        Self::new(DEFAULT_ALPHA)
    }
}

impl WeightedHistogram {
    /// An empty histogram with relative accuracy `alpha` in `(0, 1)` (e.g. 0.01 for 1 %).
    ///
    /// # Panics
    /// If `alpha` is not in `(0, 1)`.
    pub fn new(alpha: f64) -> Self {
        assert!(
            alpha > 0.0 && alpha < 1.0,
            "histogram relative accuracy must be in (0, 1), got {alpha}"
        );
        let gamma = (1.0 + alpha) / (1.0 - alpha);
        Self {
            alpha,
            ln_gamma: gamma.ln(),
            mid_factor: 2.0 / (gamma + 1.0),
            offset: 0,
            buckets: Vec::new(),
            zero: 0.0,
            total: 0.0,
            weighted_sum: 0.0,
        }
    }

    /// The relative accuracy this histogram was made with.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Adds value `x >= 0` with weight `w >= 0` (both finite). Zero weights are ignored.
    pub fn add(&mut self, x: f64, w: f64) {
        debug_assert!(
            x.is_finite() && x >= 0.0,
            "histogram values must be >= 0, got {x}"
        );
        debug_assert!(
            w.is_finite() && w >= 0.0,
            "histogram weights must be >= 0, got {w}"
        );
        if w <= 0.0 {
            return;
        }
        self.total += w;
        self.weighted_sum += w * x;
        if x < MIN_POSITIVE {
            self.zero += w;
            return;
        }
        let i = self.index(x);
        let slot = self.slot(i);
        self.buckets[slot] += w;
    }

    /// Adds every value and weight of `other`, as if each had been added here.
    ///
    /// # Panics
    /// If the two histograms have different accuracies.
    pub fn merge(&mut self, other: &WeightedHistogram) {
        assert!(
            self.alpha == other.alpha,
            "merging histograms of different accuracy ({} and {})",
            self.alpha,
            other.alpha
        );
        self.total += other.total;
        self.weighted_sum += other.weighted_sum;
        self.zero += other.zero;
        let Some(first) = other.buckets.iter().position(|&w| w > 0.0) else {
            return;
        };
        let last = other
            .buckets
            .iter()
            .rposition(|&w| w > 0.0)
            .unwrap_or(first);
        // Grow once to cover both ends, then add bucket by bucket.
        self.slot(other.offset + last as i32);
        let base = self.slot(other.offset + first as i32);
        for (k, &w) in other.buckets[first..=last].iter().enumerate() {
            self.buckets[base + k] += w;
        }
    }

    /// The sum of all weights added.
    pub fn total_weight(&self) -> f64 {
        self.total
    }

    /// Whether no weight has been added.
    pub fn is_empty(&self) -> bool {
        self.total <= 0.0
    }

    /// The exact weighted mean `Σ w x / Σ w`; 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.weighted_sum / self.total
        }
    }

    /// The `q`-quantile (`q` clamped to `[0, 1]`), within the relative accuracy of a value
    /// of weighted rank `q`; `None` when empty. O(buckets).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.is_empty() {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * self.total;
        let mut cumulative = self.zero;
        if self.zero > 0.0 && cumulative >= rank {
            return Some(0.0);
        }
        let mut last = None;
        for (k, &w) in self.buckets.iter().enumerate() {
            if w <= 0.0 {
                continue;
            }
            cumulative += w;
            last = Some(k);
            if cumulative >= rank {
                break;
            }
        }
        // Rounding can leave the running sum a hair below `rank` at q = 1: the last
        // non-empty bucket is the answer then.
        Some(match last {
            Some(k) => self.value(self.offset + k as i32),
            None => 0.0,
        })
    }

    /// Empties the histogram, keeping its accuracy and its allocation.
    pub fn clear(&mut self) {
        self.buckets.clear();
        self.offset = 0;
        self.zero = 0.0;
        self.total = 0.0;
        self.weighted_sum = 0.0;
    }

    /// The bucket index of `x >= MIN_POSITIVE`.
    #[inline]
    fn index(&self, x: f64) -> i32 {
        // |ln x| <= ~710 and ln γ >= ~2e-16 only for absurd α; `as` saturates anyway.
        (x.ln() / self.ln_gamma).ceil() as i32
    }

    /// The value bucket `i` reports: `2 γ^i / (γ + 1)`.
    #[inline]
    fn value(&self, i: i32) -> f64 {
        (f64::from(i) * self.ln_gamma).exp() * self.mid_factor
    }

    /// The position of bucket `i` in `buckets`, growing the vector to hold it.
    fn slot(&mut self, i: i32) -> usize {
        if self.buckets.is_empty() {
            self.offset = i;
            self.buckets.push(0.0);
            return 0;
        }
        if i < self.offset {
            let extra = (self.offset - i) as usize;
            self.buckets.splice(0..0, std::iter::repeat_n(0.0, extra));
            self.offset = i;
        }
        let k = (i - self.offset) as usize;
        if k >= self.buckets.len() {
            self.buckets.resize(k + 1, 0.0);
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs()
    }

    #[test]
    fn quantiles_of_a_uniform_grid_are_within_alpha() {
        // 1..=10_000 with unit weights: the q-quantile is q x 10_000.
        let mut h = WeightedHistogram::new(0.01);
        for i in 1..=10_000 {
            h.add(f64::from(i), 1.0);
        }
        for q in [0.01, 0.1, 0.5, 0.9, 0.99, 0.999] {
            let want = q * 10_000.0;
            let got = h.quantile(q).unwrap();
            // Bucket error plus one rank of discreteness.
            assert!(
                close(got, want, 0.01 + 1.0 / want),
                "q {q}: {got} vs {want}"
            );
        }
        assert!(close(h.mean(), 5000.5, 1e-12));
        assert_eq!(h.total_weight(), 10_000.0);
    }

    #[test]
    fn quantiles_of_an_exponential_are_within_alpha() {
        // Stratified exponential with mean 0.2 s: quantile -0.2 ln(1 - q).
        let mut h = WeightedHistogram::default();
        let n = 100_000;
        for i in 0..n {
            let u = (f64::from(i) + 0.5) / f64::from(n);
            h.add(-0.2 * (1.0 - u).ln(), 2.5);
        }
        for q in [0.05_f64, 0.5, 0.9, 0.99, 0.999] {
            let want = -0.2 * (1.0 - q).ln();
            let got = h.quantile(q).unwrap();
            assert!(close(got, want, 0.011), "q {q}: {got} vs {want}");
        }
        assert!(close(h.mean(), 0.2, 1e-3));
    }

    #[test]
    fn weights_are_honoured() {
        let mut h = WeightedHistogram::new(0.01);
        h.add(1.0, 99.0);
        h.add(100.0, 1.0);
        assert!(close(h.quantile(0.5).unwrap(), 1.0, 0.01));
        assert!(close(h.quantile(0.99).unwrap(), 1.0, 0.01));
        assert!(close(h.quantile(0.995).unwrap(), 100.0, 0.01));
        assert!(close(h.quantile(1.0).unwrap(), 100.0, 0.01));
        assert!(close(h.mean(), 1.99, 1e-12));
        // Zero weights change nothing.
        h.add(1e6, 0.0);
        assert!(close(h.quantile(1.0).unwrap(), 100.0, 0.01));
    }

    #[test]
    fn zeros_and_tiny_values_report_zero() {
        let mut h = WeightedHistogram::new(0.01);
        h.add(0.0, 3.0);
        h.add(1e-12, 1.0);
        h.add(5.0, 1.0);
        assert_eq!(h.quantile(0.0), Some(0.0));
        assert_eq!(h.quantile(0.8), Some(0.0));
        assert!(close(h.quantile(0.81).unwrap(), 5.0, 0.01));
    }

    #[test]
    fn merge_equals_adding_everything() {
        let values: Vec<(f64, f64)> = (0..2000)
            .map(|i| {
                let x = 1e-4 * 1.01_f64.powi(i % 1500) + if i % 7 == 0 { 0.0 } else { 1e-6 };
                (if i % 97 == 0 { 0.0 } else { x }, 1.0 + f64::from(i % 5))
            })
            .collect();
        let mut all = WeightedHistogram::new(0.02);
        let (mut a, mut b) = (WeightedHistogram::new(0.02), WeightedHistogram::new(0.02));
        for (k, &(x, w)) in values.iter().enumerate() {
            all.add(x, w);
            // Interleave so that `b` covers both smaller and larger buckets than `a`.
            if (k / 300) % 2 == 0 { &mut a } else { &mut b }.add(x, w);
        }
        a.merge(&b);
        assert_eq!(
            a.buckets.iter().sum::<f64>(),
            all.buckets.iter().sum::<f64>()
        );
        assert_eq!(a.total_weight(), all.total_weight());
        assert!(close(a.mean(), all.mean(), 1e-12));
        for q in [0.0, 0.01, 0.3, 0.5, 0.77, 0.99, 1.0] {
            assert_eq!(a.quantile(q), all.quantile(q), "q {q}");
        }
        // Merging an empty histogram, and into an empty one, changes nothing.
        let before = a.clone();
        a.merge(&WeightedHistogram::new(0.02));
        assert_eq!(a.quantile(0.5), before.quantile(0.5));
        let mut empty = WeightedHistogram::new(0.02);
        empty.merge(&all);
        assert_eq!(empty.quantile(0.5), all.quantile(0.5));
    }

    #[test]
    fn empty_and_cleared_histograms_have_no_quantiles() {
        let mut h = WeightedHistogram::default();
        assert_eq!(h.quantile(0.5), None);
        assert_eq!(h.mean(), 0.0);
        h.add(3.0, 1.0);
        assert!(h.quantile(0.5).is_some());
        h.clear();
        assert!(h.is_empty());
        assert_eq!(h.quantile(0.5), None);
        h.add(0.001, 1.0);
        assert!(close(h.quantile(0.5).unwrap(), 0.001, 0.01));
    }
}
