//! How many tokens a request carries: prompt and output length distributions.
//!
//! The presets reproduce the Azure LLM inference traces of November 2023 (Splitwise,
//! ISCA'24; `Azure/AzurePublicDataset` `data/AzureLLMInferenceTrace_{code,conv}.csv`,
//! commit 7909210, statistics computed from the raw CSVs): a log-normal fitted
//! to each trace's published median and 90th percentile, truncated to its maximum. The
//! fit is an estimate: it matches the median and p90 by construction, not the mean or the
//! tail beyond p90.
//!
//! Every distribution draws integers `>= 1`, allocates nothing per draw, and knows its
//! exact first two moments (the flow fidelity needs them).

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::ModelError;

/// The standard normal's 90th percentile, `Φ⁻¹(0.9)`.
const Z90: f64 = 1.281_551_565_544_600_5;

/// Number of quantile midpoints used to integrate the moments of a truncated log-normal.
const MOMENT_GRID: usize = 20_000;

/// A distribution of token counts (each draw `>= 1`).
#[derive(Clone, Debug, PartialEq)]
pub enum TokenDist {
    /// Always `n`.
    Fixed(u32),
    /// `1 + Geometric`, with mean `mean >= 1`: the discrete analogue of an exponential
    /// (memoryless output lengths; what M/M/c checks need).
    Geometric {
        /// The mean, >= 1.
        mean: f64,
    },
    /// `round(exp(mu + sigma Z))`, clamped to `[1, max]`.
    LogNormal {
        /// Median (`exp(mu)`), > 0.
        median: f64,
        /// 90th percentile, > median.
        p90: f64,
        /// Largest value drawn (the distribution is truncated there).
        max: u32,
    },
    /// Values with relative weights.
    Empirical(Vec<(u32, f64)>),
}

/// A [`TokenDist`] checked and prepared for drawing; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct Tokens {
    dist: TokenDist,
    kind: Kind,
    mean: f64,
    mean_square: f64,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Fixed(u32),
    /// `ln(1 - p)` of the geometric part (`p = 1 / mean`); 0 for `mean == 1`.
    Geometric {
        ln_q: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
        max: f64,
    },
    /// Values and cumulative probabilities.
    Empirical {
        values: Vec<u32>,
        cumulative: Vec<f64>,
    },
}

impl TokenDist {
    /// Conversation prompts (Azure 2023 conv trace): median 1,020, p90 2,734, max 14,050.
    pub fn azure_conv_prompt() -> Self {
        Self::LogNormal {
            median: 1020.0,
            p90: 2734.0,
            max: 14_050,
        }
    }

    /// Conversation outputs (Azure 2023 conv trace): median 129, p90 424, max 1,000.
    pub fn azure_conv_output() -> Self {
        Self::LogNormal {
            median: 129.0,
            p90: 424.0,
            max: 1000,
        }
    }

    /// Code prompts (Azure 2023 code trace): median 1,469, p90 5,186, max 7,437.
    pub fn azure_code_prompt() -> Self {
        Self::LogNormal {
            median: 1469.0,
            p90: 5186.0,
            max: 7437,
        }
    }

    /// Code outputs (Azure 2023 code trace): median 13, p90 55, max 1,899.
    pub fn azure_code_output() -> Self {
        Self::LogNormal {
            median: 13.0,
            p90: 55.0,
            max: 1899,
        }
    }

    /// Checks the parameters and prepares the distribution; errors are reported at `path`.
    pub fn prepare(self, path: &[&str]) -> Result<Tokens, ModelError> {
        let err = |m: String| ModelError::new(path, m);
        let (kind, mean, mean_square) = match &self {
            TokenDist::Fixed(n) => {
                if *n == 0 {
                    return Err(err("a fixed token count must be >= 1".into()));
                }
                let x = f64::from(*n);
                (Kind::Fixed(*n), x, x * x)
            }
            TokenDist::Geometric { mean } => {
                if !(mean.is_finite() && *mean >= 1.0) {
                    return Err(err(format!("mean must be finite and >= 1, got {mean}")));
                }
                let p = 1.0 / mean;
                let ln_q = if p >= 1.0 { 0.0 } else { (1.0 - p).ln() };
                (Kind::Geometric { ln_q }, *mean, (2.0 - p) / (p * p))
            }
            TokenDist::LogNormal { median, p90, max } => {
                let ordered = median.is_finite() && p90.is_finite() && 0.0 < *median;
                if !(ordered && median < p90) {
                    return Err(err(format!(
                        "need 0 < median < p90, got median {median} and p90 {p90}"
                    )));
                }
                if *max == 0 || f64::from(*max) < *median {
                    return Err(err(format!("max ({max}) must be >= the median ({median})")));
                }
                let mu = median.ln();
                let sigma = (p90 / median).ln() / Z90;
                let max = f64::from(*max);
                let (m1, m2) = lognormal_moments(mu, sigma, max);
                (Kind::LogNormal { mu, sigma, max }, m1, m2)
            }
            TokenDist::Empirical(pairs) => {
                if pairs.is_empty() {
                    return Err(err(
                        "an empirical distribution needs at least one value".into()
                    ));
                }
                let mut total = 0.0;
                for &(v, w) in pairs {
                    if v == 0 || !(w.is_finite() && w >= 0.0) {
                        return Err(err(format!(
                            "each value must be >= 1 with a finite weight >= 0, got ({v}, {w})"
                        )));
                    }
                    total += w;
                }
                if total <= 0.0 {
                    return Err(err("the weights must not all be zero".into()));
                }
                let mut cumulative = Vec::with_capacity(pairs.len());
                let (mut acc, mut m1, mut m2) = (0.0, 0.0, 0.0);
                for &(v, w) in pairs {
                    acc += w / total;
                    cumulative.push(acc);
                    m1 += w / total * f64::from(v);
                    m2 += w / total * f64::from(v) * f64::from(v);
                }
                let values = pairs.iter().map(|&(v, _)| v).collect();
                (Kind::Empirical { values, cumulative }, m1, m2)
            }
        };
        Ok(Tokens {
            dist: self,
            kind,
            mean,
            mean_square,
        })
    }
}

/// Mean and mean square of `clamp(round(exp(mu + sigma Z)), 1, max)`, integrated over
/// [`MOMENT_GRID`] quantile midpoints.
fn lognormal_moments(mu: f64, sigma: f64, max: f64) -> (f64, f64) {
    let (mut m1, mut m2) = (0.0, 0.0);
    for i in 0..MOMENT_GRID {
        let u = (i as f64 + 0.5) / MOMENT_GRID as f64;
        let x = clamp_round(mu + sigma * normal_quantile(u), max);
        m1 += x;
        m2 += x * x;
    }
    (m1 / MOMENT_GRID as f64, m2 / MOMENT_GRID as f64)
}

#[inline]
fn clamp_round(log_x: f64, max: f64) -> f64 {
    log_x.exp().round().clamp(1.0, max)
}

/// `Φ⁻¹(u)` for `u` in `(0, 1)` (Acklam's rational approximation, relative error < 1.2e-9).
pub(crate) fn normal_quantile(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if u < LOW {
        tail(u)
    } else if u > 1.0 - LOW {
        -tail(1.0 - u)
    } else {
        let q = u - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

impl Tokens {
    /// The distribution as given.
    pub fn dist(&self) -> &TokenDist {
        &self.dist
    }

    /// The exact mean (the truncated log-normal's to the accuracy of a 20,000-point grid).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// `E[X²]`.
    pub fn mean_square(&self) -> f64 {
        self.mean_square
    }

    /// One draw, `>= 1`.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        match &self.kind {
            Kind::Fixed(n) => *n,
            Kind::Geometric { ln_q } => {
                if *ln_q == 0.0 {
                    return 1;
                }
                let u: f64 = rng.random();
                // Failures before the first success of a Bernoulli(p): floor(ln U / ln q).
                let extra = ((1.0 - u).ln() / ln_q).floor();
                (1.0 + extra).min(f64::from(u32::MAX)) as u32
            }
            Kind::LogNormal { mu, sigma, max } => {
                let z: f64 = StandardNormal.sample(rng);
                clamp_round(mu + sigma * z, *max) as u32
            }
            Kind::Empirical { values, cumulative } => {
                let u: f64 = rng.random();
                let i = cumulative.partition_point(|&c| c <= u);
                values[i.min(values.len() - 1)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::rng::RngStreams;

    fn sample_mean(t: &Tokens, n: usize) -> (f64, f64) {
        let mut rng = RngStreams::new(7).stream("tokens");
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = f64::from(t.sample(&mut rng));
            assert!(x >= 1.0);
            s1 += x;
            s2 += x * x;
        }
        (s1 / n as f64, s2 / n as f64)
    }

    #[test]
    fn moments_match_draws() {
        let dists = [
            TokenDist::Fixed(5),
            TokenDist::Geometric { mean: 200.0 },
            TokenDist::Geometric { mean: 1.0 },
            TokenDist::azure_conv_prompt(),
            TokenDist::azure_code_output(),
            TokenDist::Empirical(vec![(10, 1.0), (100, 3.0)]),
        ];
        for d in dists {
            let t = d.clone().prepare(&["x"]).unwrap();
            let (m1, m2) = sample_mean(&t, 400_000);
            assert!(
                (m1 - t.mean()).abs() <= 0.01 * t.mean(),
                "{d:?}: {m1} vs {}",
                t.mean()
            );
            assert!(
                (m2 - t.mean_square()).abs() <= 0.03 * t.mean_square(),
                "{d:?}: {m2} vs {}",
                t.mean_square()
            );
        }
    }

    #[test]
    fn presets_reproduce_the_published_median_and_p90() {
        let t = TokenDist::azure_conv_prompt().prepare(&["x"]).unwrap();
        let mut rng = RngStreams::new(1).stream("tokens");
        let mut v: Vec<u32> = (0..200_001).map(|_| t.sample(&mut rng)).collect();
        v.sort_unstable();
        let median = f64::from(v[100_000]);
        let p90 = f64::from(v[180_000]);
        assert!((median - 1020.0).abs() / 1020.0 < 0.02, "median {median}");
        assert!((p90 - 2734.0).abs() / 2734.0 < 0.02, "p90 {p90}");
        assert!(*v.last().unwrap() <= 14_050);
    }

    #[test]
    fn normal_quantile_is_accurate() {
        assert!(normal_quantile(0.5).abs() < 1e-9);
        assert!((normal_quantile(0.9) - Z90).abs() < 1e-8);
        assert!((normal_quantile(0.01) + 2.326_347_874_040_841).abs() < 1e-8);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(TokenDist::Fixed(0).prepare(&["p"]).is_err());
        assert!(TokenDist::Geometric { mean: 0.5 }.prepare(&["p"]).is_err());
        let e = TokenDist::LogNormal {
            median: 10.0,
            p90: 5.0,
            max: 100,
        }
        .prepare(&["services", "chat", "prompt_tokens"])
        .unwrap_err();
        assert_eq!(e.dotted_path(), "services.chat.prompt_tokens");
        assert!(TokenDist::Empirical(vec![]).prepare(&["p"]).is_err());
        assert!(
            TokenDist::Empirical(vec![(1, 0.0)])
                .prepare(&["p"])
                .is_err()
        );
    }
}
