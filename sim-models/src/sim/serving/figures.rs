//! Accumulators behind the serving report: outcome counts and latency histograms of a
//! group of requests, weighted (the flow fidelity adds expected counts).

use crate::inference::histogram::WeightedHistogram;

use super::report::{LatencySummary, ServingFigures};

/// Relative accuracy of service-wide and per-region latency quantiles.
pub(super) const FINE_ALPHA: f64 = 0.005;
/// Relative accuracy of hourly latency quantiles (kept small in memory for year-long runs).
pub(super) const COARSE_ALPHA: f64 = 0.05;

/// Outcomes and latencies of a group of requests.
#[derive(Clone, Debug)]
pub(super) struct FiguresAcc {
    pub requests: f64,
    pub completed: f64,
    pub dropped: f64,
    pub retried: f64,
    /// Completed within both SLOs.
    pub met: f64,
    pub tokens: f64,
    pub ttft: WeightedHistogram,
    pub tpot: WeightedHistogram,
}

impl FiguresAcc {
    pub fn new(alpha: f64) -> Self {
        Self {
            requests: 0.0,
            completed: 0.0,
            dropped: 0.0,
            retried: 0.0,
            met: 0.0,
            tokens: 0.0,
            ttft: WeightedHistogram::new(alpha),
            tpot: WeightedHistogram::new(alpha),
        }
    }

    /// `weight` requests completed with these latencies (seconds) and output tokens each.
    #[inline]
    pub fn complete(&mut self, ttft_s: f64, tpot_s: f64, weight: f64, met: bool, tokens: f64) {
        self.completed += weight;
        self.tokens += weight * tokens;
        if met {
            self.met += weight;
        }
        self.ttft.add(ttft_s, weight);
        self.tpot.add(tpot_s, weight);
    }

    /// Adds `other`'s requests (same accuracy).
    pub fn merge(&mut self, other: &FiguresAcc) {
        self.requests += other.requests;
        self.completed += other.completed;
        self.dropped += other.dropped;
        self.retried += other.retried;
        self.met += other.met;
        self.tokens += other.tokens;
        self.ttft.merge(&other.ttft);
        self.tpot.merge(&other.tpot);
    }

    /// `weight` requests completed, each with this TPOT and output tokens; their TTFTs are
    /// added separately ([`add_ttft`](Self::add_ttft)).
    #[inline]
    pub fn complete_untimed(&mut self, weight: f64, tpot_s: f64, tokens: f64) {
        self.completed += weight;
        self.tokens += weight * tokens;
        self.tpot.add(tpot_s, weight);
    }

    /// A TTFT draw standing for `weight` completed requests, `met` if within both SLOs.
    #[inline]
    pub fn add_ttft(&mut self, ttft_s: f64, weight: f64, met: bool) {
        if met {
            self.met += weight;
        }
        self.ttft.add(ttft_s, weight);
    }

    pub fn report(&self) -> ServingFigures {
        ServingFigures {
            requests: self.requests,
            completed: self.completed,
            dropped: self.dropped,
            retried: self.retried,
            ttft: summary(&self.ttft),
            tpot: summary(&self.tpot),
            slo_attainment: if self.requests > 0.0 {
                (self.met / self.requests).min(1.0)
            } else {
                f64::NAN
            },
            tokens_out: self.tokens,
        }
    }
}

fn summary(h: &WeightedHistogram) -> LatencySummary {
    let q = |p: f64| h.quantile(p).map_or(f64::NAN, |x| x * 1e3);
    if h.total_weight() <= 0.0 {
        return LatencySummary::EMPTY;
    }
    LatencySummary {
        count: h.total_weight(),
        mean_ms: h.mean() * 1e3,
        p50_ms: q(0.5),
        p90_ms: q(0.9),
        p99_ms: q(0.99),
    }
}
