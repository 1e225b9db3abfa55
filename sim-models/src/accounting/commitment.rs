//! Committed cloud spend and its burn-down.

use sim_core::time::{SimDuration, SimTime};

use super::{CompensatedSum, NS_PER_HOUR, overlap_ns};
use crate::ModelError;
use crate::catalog::{Catalog, CloudId};
use crate::suggest::closest;

/// A commitment to one cloud, as a scenario states it.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentSpec {
    /// Catalog name of the cloud (e.g. `"aws"`).
    pub cloud: String,
    /// What is committed, and over which window.
    pub kind: CommitmentKind,
}

/// What a commitment promises.
#[derive(Clone, Debug, PartialEq)]
pub enum CommitmentKind {
    /// A dollar total over a period, e.g. $38 B over 7 years.
    Spend {
        /// Committed total over the whole period, $.
        total_usd: f64,
        /// When the commitment starts (simulated time).
        start: SimTime,
        /// How long it lasts.
        period: SimDuration,
    },
    /// A committed capacity: `count` chips of one kind for the whole period, valued at
    /// `count × price × period` dollars (see [`CommitmentLedger`] for how it is drawn).
    Capacity {
        /// Catalog name of the accelerator kind (e.g. `"h100"`).
        accelerator: String,
        /// Committed chips.
        count: u32,
        /// Committed price per chip-hour, $; `None` takes the catalog offering's price.
        usd_per_chip_hour: Option<f64>,
        /// When the commitment starts (simulated time).
        start: SimTime,
        /// How long it lasts.
        period: SimDuration,
    },
}

impl CommitmentKind {
    /// Start and duration of the commitment window.
    pub fn window(&self) -> (SimTime, SimDuration) {
        match self {
            Self::Spend { start, period, .. } | Self::Capacity { start, period, .. } => {
                (*start, *period)
            }
        }
    }
}

/// Burn-down of one commitment at a horizon: how much of it was used, how much lapsed,
/// and what was spent on demand above it. All in $.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BurnDown {
    /// The commitment pro-rated to the simulated part of its window.
    pub committed_usd: f64,
    /// Spend drawn from the commitment: `min(spend in window, committed)`.
    pub used_usd: f64,
    /// Commitment not spent: `committed - used` (lost: use it or lose it).
    pub unused_usd: f64,
    /// Spend above the commitment: in-window spend beyond `committed`, plus all spend
    /// outside the window.
    pub on_demand_above_usd: f64,
}

impl BurnDown {
    /// Burn-down of a commitment of `total_usd` over `[start, start + period)`, for a run
    /// simulated over `[0, horizon)` that spent `spend_in_window_usd` inside the window
    /// and `spend_outside_usd` outside it.
    ///
    /// The commitment accrues linearly, `total / period` per unit time, so
    /// `committed = total × |[start, start + period) ∩ [0, horizon)| / period`; the
    /// in-window spend draws from it first, cumulatively.
    pub fn compute(
        total_usd: f64,
        start: SimTime,
        period: SimDuration,
        horizon: SimTime,
        spend_in_window_usd: f64,
        spend_outside_usd: f64,
    ) -> Self {
        let end = start.saturating_add(period);
        let simulated = overlap_ns(start, end, SimTime::ZERO, horizon);
        let committed_usd = if period.is_zero() {
            0.0
        } else {
            total_usd * (simulated as f64 / period.as_nanos() as f64)
        };
        let used_usd = spend_in_window_usd.min(committed_usd);
        Self {
            committed_usd,
            used_usd,
            unused_usd: committed_usd - used_usd,
            on_demand_above_usd: (spend_in_window_usd - used_usd) + spend_outside_usd,
        }
    }
}

/// The burn-down of one commitment of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct BurnDownReport {
    /// Cloud name.
    pub cloud: String,
    /// Cloud id in the catalog.
    pub cloud_id: CloudId,
    /// The whole commitment over its full period, $ (capacity valued at its price).
    pub contract_usd: f64,
    /// Start of the commitment window.
    pub start: SimTime,
    /// End of the commitment window (exclusive).
    pub end: SimTime,
    /// Total spend of the cloud over the run, $ (`used + on_demand_above`).
    pub spend_usd: f64,
    /// Used, unused and on-demand figures at the horizon.
    pub burn: BurnDown,
}

/// Spend of one cloud, split by its commitment window.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CloudSpend {
    window_start: SimTime,
    window_end: SimTime,
    rate_usd_per_hour: f64,
    last: SimTime,
    in_window: CompensatedSum,
    outside: CompensatedSum,
}

impl CloudSpend {
    /// Spend of the current rate over `[last, now)`, split (in window, outside).
    #[inline]
    fn pending(&self, now: SimTime) -> (f64, f64) {
        if self.rate_usd_per_hour == 0.0 || now <= self.last {
            return (0.0, 0.0);
        }
        let all = now.saturating_duration_since(self.last).as_nanos();
        let inside = overlap_ns(self.last, now, self.window_start, self.window_end);
        let per_ns = self.rate_usd_per_hour / NS_PER_HOUR;
        (inside as f64 * per_ns, (all - inside) as f64 * per_ns)
    }

    #[inline]
    fn in_window(&self, t: SimTime) -> bool {
        self.window_start <= t && t < self.window_end
    }
}

/// A resolved commitment.
#[derive(Clone, Debug, PartialEq)]
struct Commitment {
    cloud: String,
    cloud_id: CloudId,
    total_usd: f64,
    start: SimTime,
    period: SimDuration,
}

/// Spend per cloud over a run, and the burn-down of each cloud's commitment.
///
/// # Accrual rule
///
/// * A commitment of `total` over `[start, start + period)` accrues linearly at
///   `total / period` per unit time ("use it or lose it", pro-rated). The part the run
///   can use is the commitment pro-rated to the simulated part of its window,
///   `[start, start + period) ∩ [0, horizon)`.
/// * Spend of the cloud at a time inside the window draws from the commitment first.
///   Spend and commitment are compared **once, cumulatively, over the simulated part of
///   the window** at the horizon (not hour by hour or month by month): spending early
///   what accrues later is covered, as with a total-over-term contract. Hence
///   `used = min(in-window spend, committed)`, `unused = committed - used`, and
///   `on_demand_above = (in-window spend - used) + spend outside the window`.
/// * A capacity commitment of `count` chips is valued at `count × price × period hours`
///   and then drawn exactly like a spend commitment, by all of the cloud's spend: a
///   dollar-equivalent model, which treats usage above `count` at one time and below it
///   at another as netting out.
/// * At most one commitment per cloud (merge several into one).
///
/// Spend arrives two ways, both *O*(1) and allocation-free: lumps with
/// [`add_spend`](Self::add_spend) (egress, a one-off charge), counted in the window if
/// `start <= now < end`; and a continuous rate with [`set_rate`](Self::set_rate)
/// (chips × price, e.g. [`CostMeter::usd_per_hour`](super::CostMeter::usd_per_hour)),
/// integrated exactly and split at the window's ends. Sums are Neumaier-compensated.
/// Simulated time starts at zero; every update must be at or before the horizon passed
/// to [`report`](Self::report).
///
/// ```
/// # use sim_models::accounting::{CommitmentKind, CommitmentLedger, CommitmentSpec};
/// # use sim_models::catalog::Catalog;
/// # use sim_core::time::{SimDuration, SimTime};
/// let catalog = Catalog::builtin();
/// let year = SimDuration::from_hours(8760);
/// let spec = CommitmentSpec {
///     cloud: "aws".into(),
///     kind: CommitmentKind::Spend { total_usd: 70e9, start: SimTime::ZERO, period: year * 7 },
/// };
/// let mut ledger = CommitmentLedger::build(&[spec], &catalog).unwrap();
/// let aws = catalog.cloud_id("aws").unwrap();
/// ledger.add_spend(SimTime::ZERO, aws, 4e9);
/// let r = &ledger.report(SimTime::ZERO + year)[0];
/// assert_eq!(r.burn.committed_usd, 10e9); // one year of seven
/// assert_eq!((r.burn.used_usd, r.burn.unused_usd, r.burn.on_demand_above_usd), (4e9, 6e9, 0.0));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentLedger {
    commitments: Vec<Commitment>,
    clouds: Vec<CloudSpend>,
}

impl CommitmentLedger {
    /// Resolves `specs` against `catalog`. Errors (all of them) are located at
    /// `commitments.<i>.<field>`: unknown cloud or accelerator (with a suggestion), a
    /// second commitment for one cloud, a negative or non-finite amount or price, a zero
    /// period or count, a window ending after the end of time, or a capacity commitment
    /// without a price where the catalog has none.
    pub fn build(specs: &[CommitmentSpec], catalog: &Catalog) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        let mut commitments: Vec<Commitment> = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            let idx = i.to_string();
            let at = |field: &str, message: String| {
                ModelError::new(&["commitments", &idx, field], message)
            };
            let cloud_id = catalog.cloud_id(&spec.cloud);
            if cloud_id.is_none() {
                errors.push(
                    at(
                        "cloud",
                        format!("unknown cloud {:?}; use a catalog cloud name", spec.cloud),
                    )
                    .with_suggestion(closest(
                        &spec.cloud,
                        catalog.clouds().iter().map(|c| c.name.as_str()),
                    )),
                );
            } else if let Some(j) = specs[..i].iter().position(|s| s.cloud == spec.cloud) {
                errors.push(at(
                    "cloud",
                    format!(
                        "cloud {:?} already has a commitment (commitments.{j}); \
                         merge them into one",
                        spec.cloud
                    ),
                ));
            }
            let (start, period) = spec.kind.window();
            if period.is_zero() {
                errors.push(at(
                    "period",
                    "the period is zero; give a duration such as \"7y\" or \"61320h\"".into(),
                ));
            } else if start.checked_add(period).is_none() {
                errors.push(at(
                    "period",
                    "start + period is beyond the end of simulated time; shorten it".into(),
                ));
            }
            let total_usd = match &spec.kind {
                CommitmentKind::Spend { total_usd, .. } => {
                    if !(total_usd.is_finite() && *total_usd >= 0.0) {
                        errors.push(at(
                            "total_usd",
                            format!("{total_usd} is not a finite amount >= 0 dollars"),
                        ));
                    }
                    *total_usd
                }
                CommitmentKind::Capacity {
                    accelerator,
                    count,
                    usd_per_chip_hour,
                    ..
                } => {
                    if catalog.accelerator_id(accelerator).is_none() {
                        errors.push(
                            at(
                                "accelerator",
                                format!(
                                    "unknown accelerator {accelerator:?}; use a catalog \
                                     accelerator name"
                                ),
                            )
                            .with_suggestion(closest(
                                accelerator,
                                catalog.accelerators().iter().map(|a| a.name.as_str()),
                            )),
                        );
                    }
                    if *count == 0 {
                        errors.push(at(
                            "count",
                            "a capacity commitment needs at least 1 chip".into(),
                        ));
                    }
                    let price = usd_per_chip_hour.or_else(|| {
                        catalog
                            .offering(&spec.cloud, accelerator)
                            .and_then(|o| o.usd_per_chip_hour)
                    });
                    match price {
                        Some(p) if p.is_finite() && p >= 0.0 => {
                            f64::from(*count) * p * period.as_hours_f64()
                        }
                        Some(p) => {
                            errors.push(at(
                                "usd_per_chip_hour",
                                format!("{p} is not a finite price >= 0 $/chip-hour"),
                            ));
                            0.0
                        }
                        None => {
                            if cloud_id.is_some() {
                                errors.push(at(
                                    "usd_per_chip_hour",
                                    format!(
                                        "the catalog has no price for {accelerator:?} on \
                                         {:?}; give usd_per_chip_hour",
                                        spec.cloud
                                    ),
                                ));
                            }
                            0.0
                        }
                    }
                }
            };
            if let Some(cloud_id) = cloud_id {
                commitments.push(Commitment {
                    cloud: spec.cloud.clone(),
                    cloud_id,
                    total_usd,
                    start,
                    period,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let empty = CloudSpend {
            window_start: SimTime::ZERO,
            window_end: SimTime::ZERO,
            rate_usd_per_hour: 0.0,
            last: SimTime::ZERO,
            in_window: CompensatedSum::default(),
            outside: CompensatedSum::default(),
        };
        let mut clouds = vec![empty; catalog.clouds().len()];
        for c in &commitments {
            let s = &mut clouds[usize::from(c.cloud_id.0)];
            s.window_start = c.start;
            s.window_end = c.start.saturating_add(c.period);
        }
        Ok(Self {
            commitments,
            clouds,
        })
    }

    #[inline]
    fn advance(&mut self, now: SimTime, cloud: CloudId) -> &mut CloudSpend {
        let s = &mut self.clouds[usize::from(cloud.0)];
        debug_assert!(
            now >= s.last,
            "CommitmentLedger: time must not go backwards (now {now:?} < last update {:?})",
            s.last
        );
        let (inside, outside) = s.pending(now);
        s.in_window.add(inside);
        s.outside.add(outside);
        s.last = s.last.max(now);
        s
    }

    /// A lump of `usd` spent on `cloud` at `now` (egress, a one-off charge). *O*(1).
    ///
    /// # Panics
    ///
    /// If `cloud` is out of range. Debug builds also panic if time goes backwards or
    /// `usd` is not finite.
    #[inline]
    pub fn add_spend(&mut self, now: SimTime, cloud: CloudId, usd: f64) {
        debug_assert!(usd.is_finite(), "CommitmentLedger::add_spend: {usd} $");
        let s = self.advance(now, cloud);
        if s.in_window(now) {
            s.in_window.add(usd);
        } else {
            s.outside.add(usd);
        }
    }

    /// From `now` on, `cloud` spends continuously at `usd_per_hour` (chips in use ×
    /// price, summed over its kinds). *O*(1).
    ///
    /// # Panics
    ///
    /// If `cloud` is out of range. Debug builds also panic if time goes backwards or the
    /// rate is not finite.
    #[inline]
    pub fn set_rate(&mut self, now: SimTime, cloud: CloudId, usd_per_hour: f64) {
        debug_assert!(
            usd_per_hour.is_finite(),
            "CommitmentLedger::set_rate: {usd_per_hour} $/h"
        );
        self.advance(now, cloud).rate_usd_per_hour = usd_per_hour;
    }

    /// Current spend rate of `cloud`, $/h.
    pub fn rate(&self, cloud: CloudId) -> f64 {
        self.clouds[usize::from(cloud.0)].rate_usd_per_hour
    }

    /// Total spend of `cloud` from time zero to `now`, $, committed or not.
    pub fn spend_usd(&self, cloud: CloudId, now: SimTime) -> f64 {
        let s = &self.clouds[usize::from(cloud.0)];
        let (inside, outside) = s.pending(now);
        s.in_window.value() + s.outside.value() + inside + outside
    }

    /// Committed spend of `cloud` over the simulated part of its window (up to `horizon`)
    /// not yet used by `now`, $ (0 without a commitment): what a commitment-burning
    /// placement policy tries to use before it is lost.
    pub fn unspent_usd(&self, cloud: CloudId, now: SimTime, horizon: SimTime) -> f64 {
        let Some(c) = self.commitments.iter().find(|c| c.cloud_id == cloud) else {
            return 0.0;
        };
        let end = c.start.saturating_add(c.period).min(horizon);
        let simulated = end.saturating_duration_since(c.start).as_secs_f64();
        let period = c.period.as_secs_f64();
        if period <= 0.0 {
            return 0.0;
        }
        let committed = c.total_usd * simulated / period;
        let s = &self.clouds[usize::from(cloud.0)];
        let (inside, _) = s.pending(now);
        (committed - s.in_window.value() - inside).max(0.0)
    }

    /// One burn-down per commitment, in the order of the specs, for a run simulated over
    /// `[0, horizon)`; the current rates are assumed to hold until `horizon`.
    pub fn report(&self, horizon: SimTime) -> Vec<BurnDownReport> {
        self.commitments
            .iter()
            .map(|c| {
                let s = &self.clouds[usize::from(c.cloud_id.0)];
                debug_assert!(
                    s.last <= horizon,
                    "CommitmentLedger::report: an update ({:?}) is after the horizon {horizon:?}",
                    s.last
                );
                let (inside, outside) = s.pending(horizon);
                let in_window = s.in_window.value() + inside;
                let outside = s.outside.value() + outside;
                BurnDownReport {
                    cloud: c.cloud.clone(),
                    cloud_id: c.cloud_id,
                    contract_usd: c.total_usd,
                    start: c.start,
                    end: c.start.saturating_add(c.period),
                    spend_usd: in_window + outside,
                    burn: BurnDown::compute(
                        c.total_usd,
                        c.start,
                        c.period,
                        horizon,
                        in_window,
                        outside,
                    ),
                }
            })
            .collect()
    }
}
