//! Superposed Poisson failures of a whole population: one pending event, *O*(1) in the
//! population size.

use std::ops::Range;

use rand::Rng;
use sim_core::rng::{DurationDist, Exponential};
use sim_core::time::SimTime;

use super::FailureModel;

/// One failure drawn by a sampler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureDraw {
    /// When it happens.
    pub at: SimTime,
    /// Index into [`FailureModel::categories`].
    pub category: usize,
    /// The failing accelerator's index (an `AcceleratorId` value) in the sampler's range.
    pub victim: u32,
}

/// The exponential categories of a [`FailureModel`] over a population of accelerators,
/// superposed into one Poisson process (see the [module docs](super) for why this is
/// exact with thinning).
///
/// Each [`PoissonFailures::next`] draws, in this order: the gap, Exp with mean
/// `1 / (n × Σ rate)`; the category, by rate weight (binary search of a cumulative
/// table); the victim, uniform over the range. *O*(log categories), no allocation,
/// nothing depends on the population size `n`. The sampler is immutable: the
/// simulator keeps exactly one pending draw per sampler and asks for the next one when
/// it fires, whether the victim was up or not.
#[derive(Clone, Debug, PartialEq)]
pub struct PoissonFailures {
    population: Range<u32>,
    /// Gap between events; `None` when nothing can fail.
    gap: Option<DurationDist>,
    /// Model indices of the exponential categories with a positive rate.
    categories: Box<[usize]>,
    /// `cumulative[i]` = share of `categories[..=i]` in the total rate; the last is 1.
    cumulative: Box<[f64]>,
    rate_per_hour: f64,
}

impl PoissonFailures {
    /// The sampler of `model`'s exponential categories (shape 1, rate > 0) over the
    /// accelerator indices `population`. *O*(categories).
    pub fn new(model: &FailureModel, population: Range<u32>) -> Self {
        let mut categories = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (i, c) in model.categories.iter().enumerate() {
            if c.is_exponential() && c.rate_per_accel_hour > 0.0 {
                total += c.rate_per_accel_hour;
                categories.push(i);
                cumulative.push(total);
            }
        }
        for c in &mut cumulative {
            *c /= total;
        }
        if let Some(last) = cumulative.last_mut() {
            // A draw u in [0, 1) must always find an entry with cumulative > u.
            *last = 1.0;
        }
        let n = f64::from(population.end.saturating_sub(population.start));
        let rate_per_hour = n * total;
        let gap = Exponential::new(crate::units::HOUR_SECS / rate_per_hour)
            .ok()
            .map(DurationDist::from);
        Self {
            population,
            rate_per_hour: if gap.is_some() { rate_per_hour } else { 0.0 },
            gap,
            categories: categories.into_boxed_slice(),
            cumulative: cumulative.into_boxed_slice(),
        }
    }

    /// The accelerator indices this sampler draws victims from.
    pub fn population(&self) -> Range<u32> {
        self.population.clone()
    }

    /// Events per hour over the whole population, `n × Σ rate` (0 if nothing can fail).
    pub fn rate_per_hour(&self) -> f64 {
        self.rate_per_hour
    }

    /// The first failure after `now`, or `None` if the population never fails (no
    /// accelerators or no exponential category with a positive rate). Times saturate at
    /// [`SimTime::MAX`].
    #[inline]
    pub fn next<R: Rng + ?Sized>(&self, now: SimTime, rng: &mut R) -> Option<FailureDraw> {
        let gap = self.gap.as_ref()?.sample(rng);
        let u: f64 = rng.random();
        let i = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.categories.len() - 1);
        let victim = rng.random_range(self.population.clone());
        Some(FailureDraw {
            at: now.saturating_add(gap),
            category: self.categories[i],
            victim,
        })
    }
}
