//! Weibull (non-exponential) failures: one renewal timer per unit (node).

use std::ops::Range;

use rand::Rng;
use sim_core::rng::DurationDist;
use sim_core::time::SimTime;

use super::{FailureDraw, FailureModel};

/// The Weibull categories (shape != 1) of a [`FailureModel`] for units of a fixed number
/// of accelerators, typically the nodes of one cluster.
///
/// Weibull times have memory, so they cannot be superposed and thinned like
/// [`PoissonFailures`](super::PoissonFailures). Instead the simulator keeps one pending
/// timer per unit: at the unit's start, and again when it returns from any repair,
/// it calls [`WeibullRenewal::next`], which draws each Weibull category's time to
/// failure for the whole unit (mean `1 / (accelerators × rate)`) and returns the
/// earliest. The unit is renewed "as good as new" at every restart, even when another
/// category took it down. Cost: *O*(units) pending events, *O*(Weibull categories) per
/// draw, no allocation. A unit taken down by something else should have its timer
/// cancelled and redrawn on return.
#[derive(Clone, Debug, PartialEq)]
pub struct WeibullRenewal {
    unit_accelerators: u32,
    /// (model index, time to failure of a whole unit) per Weibull category with rate > 0.
    ttfs: Box<[(usize, DurationDist)]>,
}

impl WeibullRenewal {
    /// The renewal sampler of `model`'s Weibull categories for units of
    /// `unit_accelerators` accelerators. Categories with an invalid shape or a zero rate
    /// are left out (validate the model first). *O*(categories).
    pub fn new(model: &FailureModel, unit_accelerators: u32) -> Self {
        let ttfs = model
            .categories
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_exponential())
            .filter_map(|(i, c)| {
                let ttf = c.ttf(unit_accelerators).ok().flatten()?;
                Some((i, DurationDist::from(ttf)))
            })
            .collect();
        Self {
            unit_accelerators,
            ttfs,
        }
    }

    /// Accelerators per unit.
    pub fn unit_accelerators(&self) -> u32 {
        self.unit_accelerators
    }

    /// Whether no Weibull category can fire, so the simulator needs no timers at all.
    pub fn is_empty(&self) -> bool {
        self.ttfs.is_empty()
    }

    /// The unit's next failure after a (re)start at `now`: the earliest of one time to
    /// failure per Weibull category (ties to the first category), with a victim uniform
    /// over `unit`, the unit's accelerator indices. `None` if no Weibull category can
    /// fire. Times saturate at [`SimTime::MAX`].
    #[inline]
    pub fn next<R: Rng + ?Sized>(
        &self,
        now: SimTime,
        unit: Range<u32>,
        rng: &mut R,
    ) -> Option<FailureDraw> {
        debug_assert_eq!(
            unit.end.saturating_sub(unit.start),
            self.unit_accelerators,
            "a WeibullRenewal draws for units of the size it was built for"
        );
        let mut best: Option<(sim_core::time::SimDuration, usize)> = None;
        for (category, ttf) in &self.ttfs {
            let t = ttf.sample(rng);
            if best.is_none_or(|(b, _)| t < b) {
                best = Some((t, *category));
            }
        }
        let (ttf, category) = best?;
        let victim = rng.random_range(unit);
        Some(FailureDraw {
            at: now.saturating_add(ttf),
            category,
            victim,
        })
    }
}
