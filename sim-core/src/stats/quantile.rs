//! Quantiles with a guaranteed relative error: a DDSketch-style log-bucketed histogram.
//!
//! # Algorithm
//!
//! Fix a relative accuracy `α` and let `γ = (1 + α) / (1 − α)`. A positive sample `x` goes
//! to bucket `k = ⌈log_γ x⌉`, which holds exactly the values in `(γ^(k−1), γ^k]`. The
//! bucket's representative `r = 2γ^k / (γ + 1)` satisfies `(1 − α)·x ≤ r ≤ (1 + α)·x` for
//! every `x` in the bucket, because `2/(γ+1) = 1 − α` and `2γ/(γ+1) = 1 + α`. Buckets are
//! ordered like their values, so walking the counts up to a rank finds the bucket holding
//! the sample of that rank, and its representative is within `α` of that sample.
//! (Masson, Rim & Lee, "DDSketch", VLDB 2019.)
//!
//! Counts live in a dense `Vec<u64>` indexed by `k − offset`: no hashing, and an insert is
//! a logarithm, a subtraction and an increment. Values `≤ 0` share one extra counter.

use std::fmt;

/// Smallest accepted relative accuracy. Keeps every bucket key of every positive `f64`
/// inside `i32` (|ln x| ≤ 745, ln γ ≥ 2e-6 gives |k| ≤ 3.8e8).
const MIN_ALPHA: f64 = 1e-6;

/// Buckets added at least per growth step, so early inserts do not reallocate one by one.
const MIN_GROWTH: i64 = 64;

/// Why a [`QuantileSketch`] could not be built or merged.
///
/// All variants come from configuration, not from data: fix the arguments and retry. The
/// sketch involved is unchanged, so a run can continue.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SketchError {
    /// The relative accuracy is outside `[1e-6, 1)`.
    #[error(
        "relative accuracy alpha must be in [1e-6, 1), got {alpha}; 0.01 (1%) is a good default"
    )]
    InvalidAlpha {
        /// The rejected value.
        alpha: f64,
    },
    /// The preallocated value range is empty, non-positive or not finite.
    #[error(
        "preallocated range must satisfy 0 < min_value <= max_value < inf, got [{min_value}, {max_value}]; \
         use QuantileSketch::new to grow on demand instead"
    )]
    InvalidRange {
        /// The rejected lower end.
        min_value: f64,
        /// The rejected upper end.
        max_value: f64,
    },
    /// Two sketches with different accuracies cannot share buckets.
    #[error(
        "cannot merge sketches with different relative accuracy ({left} vs {right}); \
         build both with the same alpha"
    )]
    AlphaMismatch {
        /// Accuracy of the sketch merged into.
        left: f64,
        /// Accuracy of the sketch being merged.
        right: f64,
    },
}

/// A latency (or any non-negative quantity) quantile estimator with relative error at
/// most `α`.
///
/// # Guarantee
///
/// For `n` inserted samples sorted ascending as `x₀ ≤ … ≤ x_{n−1}`, `quantile(q)` estimates
/// the sample at 0-based rank `r = ⌈q·(n−1)⌉` and returns `v` with
/// `|v − x_r| ≤ α·x_r`, up to floating-point rounding (a further relative ~1e-12). This
/// holds for any data, any `n` and any `q`, without distributional assumptions, and
/// survives [`merge`](Self::merge). Ranks `0` and `n−1` return the exact minimum and
/// maximum. The bound is proved for positive normal floats (`≥ 2.2e-308`) and for exact
/// zeros; negative samples are counted as zero and carry no guarantee for quantiles.
///
/// # Memory and cost
///
/// One `u64` per bucket between the smallest and largest positive key seen, i.e. about
/// `ln(max/min) / (2α)` buckets: at `α = 1%`, twelve decades (1 ns to 1e12 ns, or
/// 1e-3..1e9) take 1 383 buckets, 11 KiB. Memory depends on the value range, never on `n`.
///
/// [`insert`](Self::insert) is *O*(1) and allocates only when a sample falls outside every
/// bucket allocated so far (growth adds slack of half the current size, so it is
/// amortised and stops once the range is known). Build with
/// [`with_range`](Self::with_range) to preallocate and never allocate in the loop.
/// [`quantile`](Self::quantile) and [`merge`](Self::merge) are *O*(buckets).
///
/// ```
/// # use sim_core::stats::QuantileSketch;
/// let mut latency_ns = QuantileSketch::with_range(0.01, 1.0, 1e12)?;
/// for x in 1..=1000 {
///     latency_ns.insert(f64::from(x));
/// }
/// let p99 = latency_ns.quantile(0.99).unwrap();
/// // The exact rank-⌈0.99·999⌉ = 990 value is 991.
/// assert!((p99 - 991.0).abs() <= 0.01 * 991.0);
/// assert_eq!(latency_ns.quantile(1.0), Some(1000.0));
/// # Ok::<(), sim_core::stats::SketchError>(())
/// ```
#[derive(Clone)]
pub struct QuantileSketch {
    alpha: f64,
    /// `ln γ`; bucket boundaries are `exp(k · ln_gamma)`.
    ln_gamma: f64,
    /// `1 / ln γ`, so a key costs one `ln` and one multiply.
    inv_ln_gamma: f64,
    /// `counts[i]` counts samples with key `offset + i`.
    counts: Vec<u64>,
    offset: i32,
    /// Samples `≤ 0`.
    zero_count: u64,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Default for QuantileSketch {
    /// A 1%-accurate sketch that grows on demand.
    fn default() -> Self {
        Self::new(0.01).expect("alpha 0.01 is valid")
    }
}

impl fmt::Debug for QuantileSketch {
    // The bucket array is long and unreadable; show the summary instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuantileSketch")
            .field("alpha", &self.alpha)
            .field("count", &self.count)
            .field("min", &self.min())
            .field("max", &self.max())
            .field("buckets", &self.counts.len())
            .finish_non_exhaustive()
    }
}

impl QuantileSketch {
    /// An empty sketch with relative accuracy `alpha` (e.g. `0.01` for 1%) whose buckets
    /// are allocated as values arrive.
    ///
    /// # Errors
    ///
    /// [`SketchError::InvalidAlpha`] unless `1e-6 ≤ alpha < 1`.
    pub fn new(alpha: f64) -> Result<Self, SketchError> {
        if !(MIN_ALPHA..1.0).contains(&alpha) {
            return Err(SketchError::InvalidAlpha { alpha });
        }
        let ln_gamma = alpha.ln_1p() - (-alpha).ln_1p();
        Ok(Self {
            alpha,
            ln_gamma,
            inv_ln_gamma: ln_gamma.recip(),
            counts: Vec::new(),
            offset: 0,
            zero_count: 0,
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    /// An empty sketch with buckets preallocated for `[min_value, max_value]`, so inserting
    /// values in that range (or `≤ 0`) never allocates. Values outside still work; they
    /// grow the sketch.
    ///
    /// # Errors
    ///
    /// [`SketchError::InvalidAlpha`] as for [`new`](Self::new);
    /// [`SketchError::InvalidRange`] unless `0 < min_value ≤ max_value < ∞`.
    pub fn with_range(alpha: f64, min_value: f64, max_value: f64) -> Result<Self, SketchError> {
        let mut sketch = Self::new(alpha)?;
        // Written so that NaN fails too.
        if !(min_value > 0.0 && min_value <= max_value && max_value.is_finite()) {
            return Err(SketchError::InvalidRange {
                min_value,
                max_value,
            });
        }
        let (lo, hi) = (sketch.key(min_value), sketch.key(max_value));
        sketch.offset = lo;
        sketch.counts = vec![0; (i64::from(hi) - i64::from(lo) + 1) as usize];
        Ok(sketch)
    }

    /// The relative accuracy `α` this sketch guarantees.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Bucket key of a positive finite value: `⌈log_γ x⌉`.
    #[inline]
    fn key(&self, x: f64) -> i32 {
        // |ln x| ≤ 745 and inv_ln_gamma ≤ 5e5 (alpha ≥ 1e-6), so this fits i32.
        (x.ln() * self.inv_ln_gamma).ceil() as i32
    }

    /// Representative of bucket `key`: `2γ^k / (γ + 1) = (1 − α)·γ^k`.
    fn value(&self, key: i32) -> f64 {
        (1.0 - self.alpha) * (f64::from(key) * self.ln_gamma).exp()
    }

    /// Records one sample. *O*(1); allocates only when `x` is beyond every bucket so far.
    ///
    /// Samples `≤ 0` are counted in the zero bucket (quantiles report them as `0`, min,
    /// max and mean keep the true value). A non-finite sample is a programming error:
    /// debug builds panic, release builds drop it.
    #[inline]
    pub fn insert(&mut self, x: f64) {
        debug_assert!(
            x.is_finite(),
            "QuantileSketch::insert: samples must be finite, got {x}"
        );
        if !x.is_finite() {
            return;
        }
        self.count += 1;
        self.sum += x;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        if x > 0.0 {
            self.add_to_bucket(self.key(x), 1);
        } else {
            self.zero_count += 1;
        }
    }

    #[inline]
    fn add_to_bucket(&mut self, key: i32, n: u64) {
        let i = i64::from(key) - i64::from(self.offset);
        if i < 0 || i >= self.counts.len() as i64 {
            self.grow_to(key);
        }
        let i = (i64::from(key) - i64::from(self.offset)) as usize;
        self.counts[i] += n;
    }

    /// Extends `counts` to cover `key`, with slack in the direction of growth.
    #[cold]
    #[inline(never)]
    fn grow_to(&mut self, key: i32) {
        // Never allocate keys no positive finite f64 can reach.
        let key_floor = i64::from(self.key(f64::from_bits(1)));
        let key_ceil = i64::from(self.key(f64::MAX));
        let key = i64::from(key);
        let len = self.counts.len() as i64;
        let slack = (len / 2).max(MIN_GROWTH);
        let (old_lo, old_hi) = if len == 0 {
            (key, key)
        } else {
            (i64::from(self.offset), i64::from(self.offset) + len - 1)
        };
        let lo = if key < old_lo || len == 0 {
            (key - slack).max(key_floor)
        } else {
            old_lo
        };
        let hi = if key > old_hi || len == 0 {
            (key + slack).min(key_ceil)
        } else {
            old_hi
        };
        let mut counts = Vec::with_capacity((hi - lo + 1) as usize);
        if len > 0 {
            counts.resize((old_lo - lo) as usize, 0);
            counts.extend_from_slice(&self.counts);
        }
        counts.resize((hi - lo + 1) as usize, 0);
        self.counts = counts;
        // lo is between the keys of the smallest and largest f64, so it fits.
        self.offset = lo as i32;
    }

    /// Folds `other` into `self`, as if its samples had been inserted here. The guarantee
    /// holds for the result. *O*(buckets of `other`), plus one growth if needed.
    ///
    /// # Errors
    ///
    /// [`SketchError::AlphaMismatch`] if the accuracies differ; `self` is left unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), SketchError> {
        // Bitwise: bucket boundaries depend on every bit of alpha.
        if self.alpha.to_bits() != other.alpha.to_bits() {
            return Err(SketchError::AlphaMismatch {
                left: self.alpha,
                right: other.alpha,
            });
        }
        if other.count == 0 {
            return Ok(());
        }
        let first = other.counts.iter().position(|&c| c > 0);
        let last = other.counts.iter().rposition(|&c| c > 0);
        if let (Some(first), Some(last)) = (first, last) {
            // Grow once for the whole range rather than bucket by bucket.
            for i in [first, last] {
                let key = other.offset + i as i32;
                if self.counts.is_empty()
                    || key < self.offset
                    || i64::from(key) >= i64::from(self.offset) + self.counts.len() as i64
                {
                    self.grow_to(key);
                }
            }
            for (i, &c) in other.counts.iter().enumerate().take(last + 1).skip(first) {
                if c > 0 {
                    self.add_to_bucket(other.offset + i as i32, c);
                }
            }
        }
        self.zero_count += other.zero_count;
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// Forgets every sample but keeps the allocated buckets, e.g. after a warm-up period.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.zero_count = 0;
        self.count = 0;
        self.sum = 0.0;
        self.min = f64::INFINITY;
        self.max = f64::NEG_INFINITY;
    }

    /// Number of samples inserted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Estimate of the sample at 0-based rank `⌈q·(n−1)⌉` in ascending order, within
    /// relative error `α` of it (see the type-level guarantee); `None` if empty.
    /// `q = 0` and `q = 1` give the exact minimum and maximum. *O*(buckets).
    ///
    /// # Panics
    ///
    /// If `q` is not in `[0, 1]` (including NaN).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        assert!(
            (0.0..=1.0).contains(&q),
            "QuantileSketch::quantile: q must be in [0, 1], got {q}"
        );
        if self.count == 0 {
            return None;
        }
        let rank = (q * (self.count - 1) as f64).ceil() as u64;
        if rank == 0 {
            return Some(self.min);
        }
        if rank >= self.count - 1 {
            return Some(self.max);
        }
        if rank < self.zero_count {
            return Some(0.0_f64.clamp(self.min, self.max));
        }
        let mut seen = self.zero_count;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                // Clamping can only move the estimate towards the true value, which lies
                // in [min, max]; it also catches exp overflow near f64::MAX.
                let v = self.value(self.offset + i as i32);
                return Some(v.clamp(self.min, self.max));
            }
        }
        unreachable!("bucket counts sum to count - zero_count, which exceeds rank")
    }

    /// Smallest sample (exact), or `None` if empty.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest sample (exact), or `None` if empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Sum of the samples (exact values, not bucket estimates).
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Mean of the samples (exact values, not bucket estimates), or `None` if empty.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// Buckets currently allocated; memory is about 8 bytes each.
    pub fn allocated_buckets(&self) -> usize {
        self.counts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_at_rank(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).ceil() as usize]
    }

    #[test]
    fn rejects_bad_configuration() {
        for alpha in [0.0, -0.1, 1.0, 1e-7, f64::NAN] {
            assert!(matches!(
                QuantileSketch::new(alpha),
                Err(SketchError::InvalidAlpha { .. })
            ));
        }
        for (lo, hi) in [
            (0.0, 1.0),
            (2.0, 1.0),
            (1.0, f64::INFINITY),
            (f64::NAN, 1.0),
        ] {
            assert!(matches!(
                QuantileSketch::with_range(0.01, lo, hi),
                Err(SketchError::InvalidRange { .. })
            ));
        }
        let mut a = QuantileSketch::new(0.01).unwrap();
        let b = QuantileSketch::new(0.02).unwrap();
        assert_eq!(
            a.merge(&b),
            Err(SketchError::AlphaMismatch {
                left: 0.01,
                right: 0.02
            })
        );
    }

    #[test]
    fn empty_answers_none() {
        let s = QuantileSketch::default();
        assert_eq!(s.count(), 0);
        assert_eq!(s.quantile(0.5), None);
        assert_eq!((s.min(), s.max(), s.mean()), (None, None, None));
    }

    #[test]
    fn representative_is_within_alpha_of_bucket_edges() {
        let s = QuantileSketch::new(0.01).unwrap();
        for key in [-3000, -1, 0, 1, 17, 1000] {
            let upper = (f64::from(key) * s.ln_gamma).exp();
            let lower = (f64::from(key - 1) * s.ln_gamma).exp();
            let r = s.value(key);
            assert!((r - upper).abs() <= 0.01 * upper * (1.0 + 1e-9));
            assert!((r - lower).abs() <= 0.01 * lower * (1.0 + 1e-9));
        }
    }

    #[test]
    fn documented_memory_for_twelve_decades() {
        let s = QuantileSketch::with_range(0.01, 1.0, 1e12).unwrap();
        assert_eq!(s.allocated_buckets(), 1383);
        let s = QuantileSketch::with_range(0.01, 1e-3, 1e9).unwrap();
        assert_eq!(s.allocated_buckets(), 1383);
    }

    #[test]
    fn preallocated_range_never_grows() {
        let mut s = QuantileSketch::with_range(0.01, 1.0, 1e12).unwrap();
        let before = s.allocated_buckets();
        for x in [1.0, 1e12, 5e5, 0.0, -3.0] {
            s.insert(x);
        }
        assert_eq!(s.allocated_buckets(), before);
    }

    #[test]
    fn grows_both_ways_and_keeps_counts() {
        let mut s = QuantileSketch::new(0.01).unwrap();
        let data = [
            1.0,
            1e6,
            1e-6,
            1e300,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            42.0,
        ];
        for x in data {
            s.insert(x);
        }
        let mut sorted = data.to_vec();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] {
            let (v, t) = (s.quantile(q).unwrap(), exact_at_rank(&sorted, q));
            assert!(
                (v - t).abs() <= 0.01 * t * (1.0 + 1e-9),
                "q {q}: {v} vs {t}"
            );
        }
    }

    #[test]
    fn zeros_and_negatives_use_the_zero_bucket() {
        let mut s = QuantileSketch::default();
        for x in [0.0, 0.0, -1.0, 5.0, 10.0] {
            s.insert(x);
        }
        assert_eq!(s.min(), Some(-1.0));
        assert_eq!(s.quantile(0.25), Some(0.0));
        assert_eq!(s.quantile(0.5), Some(0.0));
        assert!((s.quantile(0.75).unwrap() - 5.0).abs() <= 0.05);
        assert_eq!(s.mean(), Some(14.0 / 5.0));
    }

    #[test]
    fn clear_keeps_buckets() {
        let mut s = QuantileSketch::default();
        s.insert(3.0);
        let buckets = s.allocated_buckets();
        s.clear();
        assert_eq!(s.count(), 0);
        assert_eq!(s.quantile(0.5), None);
        assert_eq!(s.allocated_buckets(), buckets);
    }

    #[test]
    #[should_panic(expected = "q must be in [0, 1]")]
    fn quantile_out_of_range_panics() {
        let mut s = QuantileSketch::default();
        s.insert(1.0);
        let _ = s.quantile(1.5);
    }
}
