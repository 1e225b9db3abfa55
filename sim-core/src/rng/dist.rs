//! Sampling distributions for durations and other non-negative quantities.
//!
//! Each distribution is a small validated struct that samples an `f64` (in whatever unit
//! its parameters use) from any [`Rng`]; [`DurationDist`] gathers them, reads the unit
//! as seconds and returns a [`SimDuration`]. Constructors check their parameters once and
//! return [`DistError`]; sampling then never fails, never panics and never allocates.

use rand::Rng;
use rand::distr::Distribution;
use rand_distr::Exp1;
use thiserror::Error;

use crate::time::SimDuration;

/// Why a distribution could not be built from its parameters.
///
/// All variants arise at build time, before a run starts: the distribution does not
/// exist and the run cannot start until the input is fixed.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum DistError {
    /// A parameter is out of range; fix the value named in the message.
    #[error("{dist} {param} must be {expected}, got {got}")]
    InvalidParameter {
        /// The distribution, e.g. `"Weibull"`.
        dist: &'static str,
        /// The parameter, e.g. `"shape"`.
        param: &'static str,
        /// The accepted range, e.g. `"finite and > 0"`.
        expected: &'static str,
        /// The rejected value.
        got: f64,
    },
    /// A table has no usable entry; give at least one.
    #[error("{dist} needs at least one {what}, got none")]
    Empty {
        /// The distribution, e.g. `"empirical"`.
        dist: &'static str,
        /// What is missing, e.g. `"(value, weight) entry with weight > 0"`.
        what: &'static str,
    },
    /// A table column goes down; sort the points so it never decreases.
    #[error(
        "{dist} {column} must be non-decreasing, \
         but point {index} ({got}) is below point {} ({prev})",
        index - 1
    )]
    NotSorted {
        /// The distribution, e.g. `"piecewise-linear CDF"`.
        dist: &'static str,
        /// The column, `"values"` or `"cumulative probabilities"`.
        column: &'static str,
        /// Zero-based index of the offending point.
        index: usize,
        /// The value at `index - 1`.
        prev: f64,
        /// The value at `index`.
        got: f64,
    },
    /// A piecewise-linear CDF stops short of 1 (or overshoots it); end the table at 1.
    #[error("piecewise-linear CDF must end at cumulative probability 1 (within 1e-9), got {got}")]
    CdfDoesNotEndAtOne {
        /// The last cumulative probability given.
        got: f64,
    },
    /// Log-normal quantiles in the wrong order; the p90 must exceed the median.
    #[error("log-normal needs 0 < median < p90 (both finite), got median {median} and p90 {p90}")]
    QuantilesOutOfOrder {
        /// The median given.
        median: f64,
        /// The 90th percentile given.
        p90: f64,
    },
}

/// Checks `ok(got)`, else names the parameter and its accepted range.
fn check(
    dist: &'static str,
    param: &'static str,
    expected: &'static str,
    got: f64,
    ok: impl Fn(f64) -> bool,
) -> Result<f64, DistError> {
    if ok(got) {
        Ok(got)
    } else {
        Err(DistError::InvalidParameter {
            dist,
            param,
            expected,
            got,
        })
    }
}

fn positive(dist: &'static str, param: &'static str, got: f64) -> Result<f64, DistError> {
    check(dist, param, "finite and > 0", got, |x| {
        x.is_finite() && x > 0.0
    })
}

fn non_negative(dist: &'static str, param: &'static str, got: f64) -> Result<f64, DistError> {
    check(dist, param, "finite and >= 0", got, |x| {
        x.is_finite() && x >= 0.0
    })
}

/// Exponential distribution with the given mean (rate `1 / mean`): memoryless
/// inter-arrival and time-to-failure.
///
/// ```
/// use sim_core::rng::{Exponential, RngStreams};
/// let mtbf = Exponential::new(3600.0).unwrap();
/// let t = mtbf.sample(&mut RngStreams::new(1).stream("failure/node"));
/// assert!(t >= 0.0);
/// assert_eq!(mtbf.mean(), 3600.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    mean: f64,
}

impl Exponential {
    /// An exponential distribution with this mean; `mean` must be finite and > 0.
    pub fn new(mean: f64) -> Result<Self, DistError> {
        Ok(Self {
            mean: positive("exponential", "mean", mean)?,
        })
    }

    /// The mean, `1 / rate`.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// One draw, >= 0.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Scaling a unit exponential by the mean avoids rounding 1 / (1 / mean).
        let unit: f64 = rng.sample(Exp1);
        unit * self.mean
    }
}

/// Weibull distribution, `P(X > x) = exp(-(x / scale)^shape)`: shape < 1 models infant
/// mortality, shape = 1 is exponential, shape > 1 wear-out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weibull {
    shape: f64,
    scale: f64,
    inner: rand_distr::Weibull<f64>,
}

impl Weibull {
    /// A Weibull distribution; `shape` and `scale` must be finite and > 0.
    ///
    /// Note the argument order (shape first) differs from `rand_distr::Weibull::new`.
    pub fn new(shape: f64, scale: f64) -> Result<Self, DistError> {
        let shape = positive("Weibull", "shape", shape)?;
        let scale = positive("Weibull", "scale", scale)?;
        let inner =
            rand_distr::Weibull::new(scale, shape).expect("Weibull parameters checked above");
        Ok(Self {
            shape,
            scale,
            inner,
        })
    }

    /// The shape parameter `k`.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// The scale parameter `λ` (the 63.2nd percentile).
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The mean, `scale * Γ(1 + 1 / shape)`; may be `+inf` for a tiny shape.
    pub fn mean(&self) -> f64 {
        self.scale * ln_gamma(1.0 + 1.0 / self.shape).exp()
    }

    /// One draw, >= 0.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

/// Log-normal distribution: `ln X ~ Normal(mu, sigma)`. Repair times and job sizes
/// are often log-normal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogNormal {
    mu: f64,
    sigma: f64,
    inner: rand_distr::LogNormal<f64>,
}

/// The standard normal's 90th percentile, `Φ⁻¹(0.9)`.
const Z90: f64 = 1.281_551_565_544_600_5;

impl LogNormal {
    /// A log-normal distribution from the mean `mu` (finite) and standard deviation
    /// `sigma` (finite and >= 0) of `ln X`.
    pub fn new(mu: f64, sigma: f64) -> Result<Self, DistError> {
        let mu = check("log-normal", "mu", "finite", mu, f64::is_finite)?;
        let sigma = non_negative("log-normal", "sigma", sigma)?;
        let inner =
            rand_distr::LogNormal::new(mu, sigma).expect("log-normal parameters checked above");
        Ok(Self { mu, sigma, inner })
    }

    /// The log-normal with this median and 90th percentile (`0 < median < p90`):
    /// `mu = ln(median)`, `sigma = ln(p90 / median) / Φ⁻¹(0.9)`.
    pub fn from_median_p90(median: f64, p90: f64) -> Result<Self, DistError> {
        let ordered = median.is_finite() && p90.is_finite() && 0.0 < median && median < p90;
        if !ordered {
            return Err(DistError::QuantilesOutOfOrder { median, p90 });
        }
        Self::new(median.ln(), (p90 / median).ln() / Z90)
    }

    /// The log-normal with this mean (finite, > 0) and standard deviation (finite, >= 0):
    /// `sigma² = ln(1 + (stddev / mean)²)`, `mu = ln(mean) - sigma² / 2`.
    pub fn from_mean_stddev(mean: f64, stddev: f64) -> Result<Self, DistError> {
        let mean = positive("log-normal", "mean", mean)?;
        let stddev = non_negative("log-normal", "stddev", stddev)?;
        let cv = stddev / mean;
        let sigma2 = cv.mul_add(cv, 1.0).ln();
        Self::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt())
    }

    /// The mean of `ln X`.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// The standard deviation of `ln X`.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// The median, `exp(mu)`.
    pub fn median(&self) -> f64 {
        self.mu.exp()
    }

    /// The mean, `exp(mu + sigma² / 2)`.
    pub fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    /// One draw, >= 0 (possibly `+inf` for extreme parameters).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

/// A discrete distribution over weighted values, such as a failure taxonomy's repair
/// times. Sampling is a binary search of a precomputed cumulative table:
/// *O*(log *n*) time, no allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Empirical {
    /// Values with weight > 0, in input order.
    values: Box<[f64]>,
    /// `cumulative[i]` = total weight of `values[..=i]` / total weight; the last is exactly 1.
    cumulative: Box<[f64]>,
    mean: f64,
}

impl Empirical {
    /// A distribution that draws each `value` with probability `weight / total weight`.
    ///
    /// Values and weights must be finite and >= 0; entries of weight 0 are dropped, and
    /// at least one must remain. Weights need not sum to 1.
    pub fn new(entries: impl IntoIterator<Item = (f64, f64)>) -> Result<Self, DistError> {
        let mut values = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        let mut weighted_sum = 0.0;
        for (value, weight) in entries {
            let value = non_negative("empirical", "value", value)?;
            let weight = non_negative("empirical", "weight", weight)?;
            if weight > 0.0 {
                total += weight;
                weighted_sum += weight * value;
                values.push(value);
                cumulative.push(total);
            }
        }
        if values.is_empty() {
            return Err(DistError::Empty {
                dist: "empirical",
                what: "(value, weight) entry with weight > 0",
            });
        }
        check("empirical", "total weight", "finite", total, f64::is_finite)?;
        for c in &mut cumulative {
            *c /= total;
        }
        // Rounding may leave the last entry at 0.999...; a draw u in [0, 1) must always
        // find an entry with cumulative > u.
        *cumulative.last_mut().expect("non-empty") = 1.0;
        Ok(Self {
            values: values.into_boxed_slice(),
            cumulative: cumulative.into_boxed_slice(),
            mean: weighted_sum / total,
        })
    }

    /// The weighted mean of the values.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// One of the values, chosen by weight. *O*(log *n*).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        let i = self.cumulative.partition_point(|&c| c <= u);
        // cumulative ends at 1.0 > u, so i < len; `min` keeps this panic-free regardless.
        self.values[i.min(self.values.len() - 1)]
    }
}

/// A continuous distribution given by its CDF at a few points, linear in between
/// (inverse-transform sampling).
///
/// Points are `(value, cumulative_probability)`. If the first probability is above 0,
/// the first value is an atom with that probability; equal consecutive values make a jump.
/// Sampling is *O*(log *n*), no allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct PiecewiseLinear {
    values: Box<[f64]>,
    /// Non-decreasing, last exactly 1.
    cumulative: Box<[f64]>,
    mean: f64,
}

impl PiecewiseLinear {
    /// A distribution from `(value, cumulative_probability)` points.
    ///
    /// Values must be finite, >= 0 and non-decreasing; probabilities in `[0, 1]`,
    /// non-decreasing, the last within 1e-9 of 1.
    pub fn new(points: impl IntoIterator<Item = (f64, f64)>) -> Result<Self, DistError> {
        const DIST: &str = "piecewise-linear CDF";
        let mut values: Vec<f64> = Vec::new();
        let mut cumulative: Vec<f64> = Vec::new();
        for (index, (value, p)) in points.into_iter().enumerate() {
            let value = non_negative(DIST, "value", value)?;
            let p = check(DIST, "cumulative probability", "in [0, 1]", p, |p| {
                (0.0..=1.0).contains(&p)
            })?;
            if let (Some(&prev_v), Some(&prev_p)) = (values.last(), cumulative.last()) {
                let not_sorted = |column, prev, got| DistError::NotSorted {
                    dist: DIST,
                    column,
                    index,
                    prev,
                    got,
                };
                if value < prev_v {
                    return Err(not_sorted("values", prev_v, value));
                }
                if p < prev_p {
                    return Err(not_sorted("cumulative probabilities", prev_p, p));
                }
            }
            values.push(value);
            cumulative.push(p);
        }
        let Some(last) = cumulative.last_mut() else {
            return Err(DistError::Empty {
                dist: DIST,
                what: "(value, cumulative probability) point",
            });
        };
        if (*last - 1.0).abs() > 1e-9 {
            return Err(DistError::CdfDoesNotEndAtOne { got: *last });
        }
        *last = 1.0;
        // Atom at the first value, then the midpoint of each linear segment.
        let mut mean = cumulative[0] * values[0];
        for i in 1..values.len() {
            mean += (cumulative[i] - cumulative[i - 1]) * (values[i - 1] + values[i]) / 2.0;
        }
        Ok(Self {
            values: values.into_boxed_slice(),
            cumulative: cumulative.into_boxed_slice(),
            mean,
        })
    }

    /// The mean: the first point's atom plus each segment's probability times its midpoint.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// One draw by inverting the CDF. *O*(log *n*).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        // First point whose cumulative probability exceeds u; exists since the last is 1.
        let i = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.values.len() - 1);
        if i == 0 {
            return self.values[0];
        }
        let (p0, p1) = (self.cumulative[i - 1], self.cumulative[i]);
        let (v0, v1) = (self.values[i - 1], self.values[i]);
        // p0 <= u < p1, so the division is safe and t is in [0, 1).
        let t = (u - p0) / (p1 - p0);
        v0 + t * (v1 - v0)
    }
}

macro_rules! impl_distribution_f64 {
    ($($t:ty),*) => {$(
        impl Distribution<f64> for $t {
            #[inline]
            fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
                <$t>::sample(self, rng)
            }
        }
    )*};
}

impl_distribution_f64!(Exponential, Weibull, LogNormal, Empirical, PiecewiseLinear);

/// `ln Γ(x)` for `x >= 0.5` by the Lanczos approximation (g = 7, 9 terms), relative
/// error below 1e-14. Used for the Weibull mean; `std` has no stable gamma function.
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    debug_assert!(
        x >= 0.5,
        "ln_gamma is only implemented for x >= 0.5, got {x}"
    );
    let x = x - 1.0;
    let t = x + G + 0.5;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// A distribution of durations, with parameters in seconds.
///
/// Samples are rounded to the nearest nanosecond and saturate at the ends of
/// [`SimDuration`] (zero and [`SimDuration::MAX`]): never negative, never a panic,
/// never an allocation.
///
/// ```
/// use sim_core::rng::{DurationDist, LogNormal, RngStreams};
/// let repair = DurationDist::from(LogNormal::from_median_p90(1800.0, 7200.0).unwrap());
/// let mut rng = RngStreams::new(1).stream("repair/node");
/// let d = repair.sample(&mut rng);
/// assert!(d.as_secs_f64() >= 0.0);
/// assert!(repair.mean_secs() > 1800.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DurationDist {
    /// Always the same duration.
    Constant(SimDuration),
    /// Exponential with the given mean (seconds).
    Exponential(Exponential),
    /// Weibull with the given shape and scale (seconds).
    Weibull(Weibull),
    /// Log-normal; `exp(mu)` is the median in seconds.
    LogNormal(LogNormal),
    /// Weighted discrete values (seconds).
    Empirical(Empirical),
    /// Piecewise-linear CDF over values in seconds.
    PiecewiseLinear(PiecewiseLinear),
}

impl DurationDist {
    /// One draw in seconds, before rounding to a [`SimDuration`].
    #[inline]
    pub fn sample_secs<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Self::Constant(d) => d.as_secs_f64(),
            Self::Exponential(d) => d.sample(rng),
            Self::Weibull(d) => d.sample(rng),
            Self::LogNormal(d) => d.sample(rng),
            Self::Empirical(d) => d.sample(rng),
            Self::PiecewiseLinear(d) => d.sample(rng),
        }
    }

    /// One duration. A constant is returned exactly; other draws are rounded to the
    /// nearest nanosecond and clamped to `[ZERO, MAX]`.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        match self {
            Self::Constant(d) => *d,
            _ => secs_to_duration_saturating(self.sample_secs(rng)),
        }
    }

    /// The analytic mean in seconds.
    pub fn mean_secs(&self) -> f64 {
        match self {
            Self::Constant(d) => d.as_secs_f64(),
            Self::Exponential(d) => d.mean(),
            Self::Weibull(d) => d.mean(),
            Self::LogNormal(d) => d.mean(),
            Self::Empirical(d) => d.mean(),
            Self::PiecewiseLinear(d) => d.mean(),
        }
    }
}

/// The smallest `f64` number of seconds past [`SimDuration::MAX`] (`u64::MAX` ns, about
/// 584.5 years): every finite value below it converts without overflow.
const SECS_PAST_MAX: f64 = 18_446_744_073.709_553;

/// Seconds to the nearest nanosecond (by [`SimDuration::from_secs_f64`]), clamped:
/// NaN and negatives give zero, anything past the end gives [`SimDuration::MAX`].
/// Out-of-range inputs are caught before the conversion, whose error path would allocate.
#[inline]
fn secs_to_duration_saturating(secs: f64) -> SimDuration {
    if secs.is_nan() || secs <= 0.0 {
        SimDuration::ZERO
    } else if secs >= SECS_PAST_MAX {
        SimDuration::MAX
    } else {
        SimDuration::from_secs_f64(secs).unwrap_or(SimDuration::MAX)
    }
}

impl Distribution<SimDuration> for DurationDist {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        DurationDist::sample(self, rng)
    }
}

macro_rules! impl_from_for_duration_dist {
    ($($t:ident),*) => {$(
        impl From<$t> for DurationDist {
            fn from(d: $t) -> Self {
                Self::$t(d)
            }
        }
    )*};
}

impl_from_for_duration_dist!(Exponential, Weibull, LogNormal, Empirical, PiecewiseLinear);

impl From<SimDuration> for DurationDist {
    fn from(d: SimDuration) -> Self {
        Self::Constant(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn ln_gamma_matches_known_values() {
        assert_relative_eq!(ln_gamma(1.0), 0.0, epsilon = 1e-14);
        assert_relative_eq!(ln_gamma(2.0), 0.0, epsilon = 1e-14);
        assert_relative_eq!(ln_gamma(5.0).exp(), 24.0, max_relative = 1e-13);
        assert_relative_eq!(
            ln_gamma(1.5).exp(),
            std::f64::consts::PI.sqrt() / 2.0,
            max_relative = 1e-13
        );
        // Γ(11) = 10! = 3628800
        assert_relative_eq!(ln_gamma(11.0).exp(), 3_628_800.0, max_relative = 1e-13);
    }

    #[test]
    fn weibull_mean_has_closed_forms() {
        // shape 1: exponential with mean = scale; shape 2: scale * sqrt(pi) / 2;
        // shape 0.5: scale * Γ(3) = 2 * scale.
        let m = |k, s| Weibull::new(k, s).unwrap().mean();
        assert_relative_eq!(m(1.0, 10.0), 10.0, max_relative = 1e-13);
        assert_relative_eq!(
            m(2.0, 10.0),
            10.0 * std::f64::consts::PI.sqrt() / 2.0,
            max_relative = 1e-13
        );
        assert_relative_eq!(m(0.5, 10.0), 20.0, max_relative = 1e-13);
    }

    #[test]
    fn lognormal_constructors_agree() {
        let d = LogNormal::from_mean_stddev(100.0, 50.0).unwrap();
        assert_relative_eq!(d.mean(), 100.0, max_relative = 1e-12);
        let d = LogNormal::from_median_p90(30.0, 120.0).unwrap();
        assert_relative_eq!(d.median(), 30.0, max_relative = 1e-12);
        assert_relative_eq!((d.mu + Z90 * d.sigma).exp(), 120.0, max_relative = 1e-12);
        // Zero spread degenerates to a point mass at the mean.
        let d = LogNormal::from_mean_stddev(5.0, 0.0).unwrap();
        assert_eq!(d.sigma(), 0.0);
        assert_relative_eq!(d.mean(), 5.0, max_relative = 1e-12);
    }

    #[test]
    fn empirical_drops_zero_weights_and_normalises() {
        let d = Empirical::new([(1.0, 0.0), (2.0, 3.0), (4.0, 1.0), (8.0, 0.0)]).unwrap();
        assert_eq!(&*d.values, &[2.0, 4.0]);
        assert_eq!(&*d.cumulative, &[0.75, 1.0]);
        assert_relative_eq!(d.mean(), 2.5);
    }

    #[test]
    fn piecewise_linear_mean_counts_atom_and_segments() {
        // Atom 0.2 at 0, then uniform on [0, 10] for 0.8: mean = 0.8 * 5 = 4.
        let d = PiecewiseLinear::new([(0.0, 0.2), (10.0, 1.0)]).unwrap();
        assert_relative_eq!(d.mean(), 4.0);
        // A single point is a constant.
        let d = PiecewiseLinear::new([(3.0, 1.0)]).unwrap();
        assert_relative_eq!(d.mean(), 3.0);
    }

    #[test]
    fn error_messages_name_the_parameter_and_range() {
        let e = Weibull::new(-1.0, 1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Weibull shape must be finite and > 0, got -1"
        );
        let e = PiecewiseLinear::new([(0.0, 0.0), (5.0, 0.6), (4.0, 1.0)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "piecewise-linear CDF values must be non-decreasing, \
             but point 2 (4) is below point 1 (5)"
        );
    }

    #[test]
    fn saturating_conversion_never_panics() {
        assert_eq!(secs_to_duration_saturating(-3.0).as_nanos(), 0);
        assert_eq!(secs_to_duration_saturating(f64::NAN).as_nanos(), 0);
        assert_eq!(
            secs_to_duration_saturating(f64::INFINITY).as_nanos(),
            u64::MAX
        );
        assert_eq!(secs_to_duration_saturating(1.6e-9).as_nanos(), 2);
        assert_eq!(secs_to_duration_saturating(1.4e-9).as_nanos(), 1);
        assert_eq!(secs_to_duration_saturating(2.0).as_nanos(), 2_000_000_000);
        // The clamp threshold sits exactly at the conversion's overflow boundary.
        assert!(SimDuration::from_secs_f64(SECS_PAST_MAX).is_err());
        let below = SECS_PAST_MAX.next_down();
        assert!(SimDuration::from_secs_f64(below).is_ok());
        assert_eq!(
            secs_to_duration_saturating(below),
            SimDuration::from_secs_f64(below).unwrap()
        );
        assert_eq!(secs_to_duration_saturating(SECS_PAST_MAX), SimDuration::MAX);
    }
}
