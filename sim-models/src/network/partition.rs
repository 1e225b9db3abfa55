//! Network partitions between regions: while one lasts, no request crosses it.
//!
//! A partition cuts region `a` from region `b`, or (with no `b`) isolates `a` from every
//! other region. Partitions are scripted (`[[partitions]]`) or random: a Poisson process of
//! isolations at `rate_per_year` per region, each lasting a log-normal time given by its
//! median and 90th percentile, drawn on the stream `partition/<cloud>/<region>` of each
//! candidate region (so adding a region does not move the others' draws). Traffic inside a
//! region is never cut. Partitions affect request routing; they do not (yet) stop the
//! gradient traffic of training jobs spanning sites.

use rand::Rng;
use sim_core::rng::{LogNormal, RngStreams};
use sim_core::time::{SimDuration, SimTime};

use crate::ModelError;
use crate::catalog::{Catalog, RegionId};
use crate::suggest::closest;
use crate::units::YEAR_SECS;

/// A scripted partition, as a scenario gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionSpec {
    /// One side, `cloud/region`.
    pub a: String,
    /// The other side, `cloud/region`; `None` isolates `a` from every other region.
    pub b: Option<String>,
    /// When it starts.
    pub start: SimTime,
    /// How long it lasts (> 0).
    pub duration: SimDuration,
}

/// Random isolations of single regions.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomPartitionSpec {
    /// Expected isolations per region per year (>= 0).
    pub rate_per_year: f64,
    /// Median duration.
    pub median: SimDuration,
    /// 90th-percentile duration (> median).
    pub p90: SimDuration,
}

/// One partition of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Partition {
    /// When it starts.
    pub start: SimTime,
    /// When it ends.
    pub end: SimTime,
    /// One side.
    pub a: RegionId,
    /// The other side; `None` isolates `a`.
    pub b: Option<RegionId>,
}

/// Every partition of a run, sorted by start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartitionPlan {
    partitions: Vec<Partition>,
}

/// The most random partitions a spec may be expected to generate (a guard against unit
/// mistakes, as for outages).
pub const MAX_EXPECTED_PARTITIONS: f64 = 1_000_000.0;

fn region(catalog: &Catalog, key: &str, path: &[&str]) -> Result<RegionId, ModelError> {
    key.split_once('/')
        .and_then(|(c, r)| catalog.region_id(c, r))
        .ok_or_else(|| {
            let keys: Vec<String> = catalog
                .regions()
                .iter()
                .map(|r| format!("{}/{}", r.cloud, r.name))
                .collect();
            ModelError::new(
                path,
                format!("no catalog region {key:?} (expected cloud/region)"),
            )
            .with_suggestion(closest(key, keys.iter().map(String::as_str)))
        })
}

impl PartitionPlan {
    /// Resolves the scripted partitions (errors at `partitions.<i>.*`) and draws random
    /// isolations of each region in `candidates` over `[0, horizon)` (errors at
    /// `random_partitions.*`).
    pub fn build(
        catalog: &Catalog,
        scripted: &[PartitionSpec],
        random: Option<&RandomPartitionSpec>,
        candidates: &[RegionId],
        horizon: SimTime,
        streams: &RngStreams,
    ) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        let mut partitions = Vec::new();
        for (i, p) in scripted.iter().enumerate() {
            let idx = i.to_string();
            let at = |f: &'static str| ["partitions", idx.as_str(), f];
            let a = region(catalog, &p.a, &at("a"))
                .map_err(|e| errors.push(e))
                .ok();
            let b = match &p.b {
                Some(b) => region(catalog, b, &at("b"))
                    .map_err(|e| errors.push(e))
                    .ok()
                    .map(Some),
                None => Some(None),
            };
            if p.duration.is_zero() {
                errors.push(ModelError::new(
                    &at("duration"),
                    "a partition must last a positive time, e.g. \"2h\"",
                ));
                continue;
            }
            if let (Some(a), Some(b)) = (a, b) {
                if b == Some(a) {
                    errors.push(ModelError::new(
                        &at("b"),
                        "a region cannot be partitioned from itself",
                    ));
                    continue;
                }
                partitions.push(Partition {
                    start: p.start,
                    end: p.start.saturating_add(p.duration),
                    a,
                    b,
                });
            }
        }
        if let Some(r) = random {
            let at = |f: &'static str| ["random_partitions", f];
            if !(r.rate_per_year.is_finite() && r.rate_per_year >= 0.0) {
                errors.push(ModelError::new(
                    &at("rate_per_year"),
                    format!("must be finite and >= 0, got {}", r.rate_per_year),
                ));
            }
            let expected =
                r.rate_per_year * candidates.len() as f64 * horizon.as_secs_f64() / YEAR_SECS;
            if expected > MAX_EXPECTED_PARTITIONS {
                errors.push(ModelError::new(
                    &at("rate_per_year"),
                    format!("would draw about {expected:.0} partitions (limit {MAX_EXPECTED_PARTITIONS:.0}); is the rate per year?"),
                ));
            }
            let dist = LogNormal::from_median_p90(r.median.as_secs_f64(), r.p90.as_secs_f64())
                .map_err(|e| errors.push(ModelError::new(&at("p90"), format!("{e}"))))
                .ok();
            if let (Some(dist), true) = (dist, errors.is_empty() && r.rate_per_year > 0.0) {
                let mean_gap = YEAR_SECS / r.rate_per_year;
                for &c in candidates {
                    let spec = catalog.region(c);
                    let mut rng =
                        streams.stream(&format!("partition/{}/{}", spec.cloud, spec.name));
                    let mut t = 0.0;
                    loop {
                        let u: f64 = rng.random();
                        t += -(1.0 - u).ln() * mean_gap;
                        let Ok(start) = SimDuration::from_secs_f64(t) else {
                            break;
                        };
                        let start = SimTime::ZERO.saturating_add(start);
                        if start >= horizon {
                            break;
                        }
                        let d = SimDuration::from_secs_f64(dist.sample(&mut rng))
                            .unwrap_or(SimDuration::MAX)
                            .max(SimDuration::SECOND);
                        partitions.push(Partition {
                            start,
                            end: start.saturating_add(d),
                            a: c,
                            b: None,
                        });
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        partitions.sort_unstable();
        Ok(Self { partitions })
    }

    /// A plan of these partitions (sorted here).
    pub fn from_partitions(mut partitions: Vec<Partition>) -> Self {
        partitions.sort_unstable();
        Self { partitions }
    }

    /// The partitions, sorted by start.
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.partitions.is_empty()
    }
}

/// Which region pairs are cut now: counters of active partitions, O(1) to update and query.
#[derive(Clone, Debug)]
pub struct Reachability {
    regions: usize,
    /// Active pair partitions, `regions x regions` (symmetric).
    pair: Vec<u16>,
    /// Active isolations per region.
    isolated: Vec<u16>,
}

impl Reachability {
    /// Everything reachable, over `regions` catalog regions.
    pub fn new(regions: usize) -> Self {
        Self {
            regions,
            pair: vec![0; regions * regions],
            isolated: vec![0; regions],
        }
    }

    /// Applies the start (`active = true`) or end of `p`.
    pub fn apply(&mut self, p: &Partition, active: bool) {
        let bump = |c: &mut u16| {
            *c = if active {
                c.saturating_add(1)
            } else {
                c.saturating_sub(1)
            };
        };
        let a = p.a.0 as usize;
        match p.b {
            Some(b) => {
                let b = b.0 as usize;
                bump(&mut self.pair[a * self.regions + b]);
                bump(&mut self.pair[b * self.regions + a]);
            }
            None => bump(&mut self.isolated[a]),
        }
    }

    /// Whether traffic flows between regions `a` and `b` now.
    #[inline]
    pub fn connected(&self, a: RegionId, b: RegionId) -> bool {
        let (a, b) = (a.0 as usize, b.0 as usize);
        a == b
            || (self.isolated[a] == 0
                && self.isolated[b] == 0
                && self.pair[a * self.regions + b] == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::builtin()
    }

    #[test]
    fn scripted_partitions_resolve_and_cut() {
        let cat = catalog();
        let spec = PartitionSpec {
            a: "aws/us-east-1".into(),
            b: Some("azure/westeurope".into()),
            start: SimTime::ZERO + SimDuration::from_secs(10),
            duration: SimDuration::from_secs(20),
        };
        let plan = PartitionPlan::build(
            &cat,
            &[spec],
            None,
            &[],
            SimTime::ZERO + SimDuration::from_secs(100),
            &RngStreams::new(1),
        )
        .unwrap();
        let p = plan.partitions()[0];
        let mut r = Reachability::new(cat.regions().len());
        let use1 = cat.region_id("aws", "us-east-1").unwrap();
        let weu = cat.region_id("azure", "westeurope").unwrap();
        let other = cat.region_id("gcp", "us-central1").unwrap();
        assert!(r.connected(use1, weu));
        r.apply(&p, true);
        assert!(!r.connected(use1, weu) && !r.connected(weu, use1));
        assert!(r.connected(use1, other) && r.connected(use1, use1));
        r.apply(&p, false);
        assert!(r.connected(use1, weu));
    }

    #[test]
    fn isolation_cuts_every_other_region() {
        let cat = catalog();
        let use1 = cat.region_id("aws", "us-east-1").unwrap();
        let other = cat.region_id("gcp", "us-central1").unwrap();
        let p = Partition {
            start: SimTime::ZERO,
            end: SimTime::ZERO + SimDuration::from_secs(1),
            a: use1,
            b: None,
        };
        let mut r = Reachability::new(cat.regions().len());
        r.apply(&p, true);
        assert!(!r.connected(other, use1) && r.connected(use1, use1));
    }

    #[test]
    fn bad_partitions_are_reported_together() {
        let cat = catalog();
        let bad = [
            PartitionSpec {
                a: "aws/us-east-9".into(),
                b: None,
                start: SimTime::ZERO,
                duration: SimDuration::from_secs(1),
            },
            PartitionSpec {
                a: "aws/us-east-1".into(),
                b: Some("aws/us-east-1".into()),
                start: SimTime::ZERO,
                duration: SimDuration::from_secs(1),
            },
        ];
        let e = PartitionPlan::build(
            &cat,
            &bad,
            None,
            &[],
            SimTime::ZERO + SimDuration::from_secs(10),
            &RngStreams::new(1),
        )
        .unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].dotted_path(), "partitions.0.a");
        assert_eq!(e[0].suggestion.as_deref(), Some("aws/us-east-1"));
        assert_eq!(e[1].dotted_path(), "partitions.1.b");
    }

    #[test]
    fn random_isolations_follow_their_rate_and_are_stable_per_region() {
        let cat = catalog();
        let a = cat.region_id("aws", "us-east-1").unwrap();
        let b = cat.region_id("gcp", "us-central1").unwrap();
        let spec = RandomPartitionSpec {
            rate_per_year: 50.0,
            median: SimDuration::from_secs(600),
            p90: SimDuration::from_secs(3600),
        };
        let year = SimTime::ZERO + SimDuration::from_secs(YEAR_SECS as u64 * 20);
        let streams = RngStreams::new(3);
        let both = PartitionPlan::build(&cat, &[], Some(&spec), &[a, b], year, &streams).unwrap();
        let only_a = PartitionPlan::build(&cat, &[], Some(&spec), &[a], year, &streams).unwrap();
        let of_a: Vec<_> = both
            .partitions()
            .iter()
            .filter(|p| p.a == a)
            .copied()
            .collect();
        assert_eq!(of_a, only_a.partitions());
        let n = of_a.len() as f64;
        assert!(
            (n - 1000.0).abs() < 5.0 * 1000f64.sqrt(),
            "{n} isolations in 20 years at 50/yr"
        );
    }
}
