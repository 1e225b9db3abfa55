//! Inter-region round-trip times: measured where the catalog has a measurement, otherwise
//! a great-circle estimate with a route-inflation factor fitted on the measured pairs.
//!
//! Lookups read a dense `regions x regions` matrix filled once on construction, so
//! [`RttModel::rtt_ms`] is two array reads; building is O(R² + M²) for R regions and M
//! measured pairs (both below 100).

use std::collections::HashMap;

use crate::ModelError;
use crate::catalog::{Catalog, DataStatus, MeasuredRtt, RegionId, RegionSpec};

use super::geo::{fibre_rtt_ms, great_circle_km};

/// RTT between two sites in one region (different availability zones, usually), ms.
///
/// An estimate between Azure's measured same-zone mean (0.9 ms) and cross-zone mean
/// (1.6 ms; simonpainter.com `azure-latency-1`), inside AWS's measured cross-AZ range
/// (0.25-3.37 ms; xkyle.com `Measuring-AWS-Region-and-AZ-Latency`).
pub const SAME_REGION_RTT_MS: f64 = 1.0;

/// RTT between two regions in one metro (usually of different clouds), ms.
///
/// An estimate: 1-5 ms for AWS us-east-1 to Azure East US (an estimate itself) and
/// 0.5-2 ms over the OCI-Azure interconnect (Oracle's claim, blogs.oracle.com); no
/// cross-cloud same-metro RTT was measured.
pub const SAME_METRO_RTT_MS: f64 = 2.0;

/// Two regions whose metro centroids are at most this far apart, km, are in one metro
/// even when their metro names differ (centroids are approximate).
pub const SAME_METRO_RADIUS_KM: f64 = 50.0;

/// Fewer usable measured pairs than this and [`RttFit::DEFAULT`] is used instead of a fit.
pub const MIN_FIT_PAIRS: usize = 3;

/// Where an RTT value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RttBasis {
    /// A measurement from the catalog (mean of duplicates, symmetric).
    Measured,
    /// A value from the catalog's RTT table whose status is `estimate` (e.g. the
    /// cross-cloud same-metro rows): used as given, never fitted, and only where the pair
    /// has no measurement.
    CatalogEstimate,
    /// Two sites in one region: [`SAME_REGION_RTT_MS`].
    SameRegion,
    /// Two regions in one metro: [`SAME_METRO_RTT_MS`].
    SameMetro,
    /// The fitted great-circle estimate, [`RttFit::estimate_ms`].
    GreatCircle,
    /// A per-link override in the scenario (see [`super::WanModel::path`]).
    Scenario,
}

/// A round-trip time and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RttEstimate {
    /// Round-trip time, ms.
    pub ms: f64,
    /// Where the value comes from.
    pub basis: RttBasis,
}

/// Summary of relative errors `|estimate - measured| / measured` over the fitted pairs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelErrorStats {
    /// Median absolute relative error (NaN when no pair was usable).
    pub median: f64,
    /// Largest absolute relative error (NaN when no pair was usable).
    pub max: f64,
    /// Root mean square of the relative errors (NaN when no pair was usable).
    pub rms: f64,
}

impl RelErrorStats {
    /// Statistics of the signed relative errors `errs`.
    fn of(errs: &[f64]) -> Self {
        if errs.is_empty() {
            return Self {
                median: f64::NAN,
                max: f64::NAN,
                rms: f64::NAN,
            };
        }
        let mut abs: Vec<f64> = errs.iter().map(|e| e.abs()).collect();
        abs.sort_by(f64::total_cmp);
        let n = abs.len();
        let median = if n % 2 == 1 {
            abs[n / 2]
        } else {
            (abs[n / 2 - 1] + abs[n / 2]) / 2.0
        };
        let rms = (abs.iter().map(|e| e * e).sum::<f64>() / n as f64).sqrt();
        Self {
            median,
            max: abs[n - 1],
            rms,
        }
    }
}

/// The great-circle RTT estimate and how well it reproduces the measured pairs.
///
/// `estimate_ms(d) = max(intercept_ms + inflation · fibre_rtt_ms(d), fibre_rtt_ms(d))`,
/// where `fibre_rtt_ms(d) = 2 d / (2/3 c)` is the RTT of fibre along the great circle.
/// `inflation` is how much longer (and slower) real routes are than the great circle;
/// `intercept_ms` collects what does not grow with distance (metro backhaul, routers,
/// queueing, and P95-vs-minimum, since most measurements are P95).
///
/// The fit minimises the sum of squared *relative* residuals (weighted least squares with
/// weights `1/measured²`, closed form): RTTs span 12-242 ms and a relative error is what
/// matters for a latency SLO, while unweighted least squares chases the long pairs. The
/// intercept is kept because short pairs need it (London-Amsterdam is 12 ms over 358 km,
/// 3.3x fibre). On the built-in pairs this choice gives 13 % median and 42 % worst error,
/// against 22 % / 57 % through the origin and 15 % / 59 % unweighted. If the fitted
/// intercept is negative the fit is redone through the origin; with fewer than
/// [`MIN_FIT_PAIRS`] pairs or a non-positive slope, [`RttFit::DEFAULT`] is used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RttFit {
    /// Distance-independent part of the estimate, ms.
    pub intercept_ms: f64,
    /// Route-inflation factor applied to the great-circle fibre RTT.
    pub inflation: f64,
    /// `false` when [`RttFit::DEFAULT`] was used instead of a fit on the pairs.
    pub fitted: bool,
    /// Measured pairs the fit used (distinct regions, not in one metro).
    pub pairs: usize,
    /// Errors of this fit on the pairs it was fitted on.
    pub in_sample: RelErrorStats,
    /// Errors on each pair of a fit on all the other pairs (leave-one-out): what to
    /// expect for a pair that was not measured.
    pub leave_one_out: RelErrorStats,
}

impl RttFit {
    /// The fit on the built-in catalog's 36 Azure P95 pairs, rounded (see the module docs
    /// of [`crate::network`]); used when a catalog has too few pairs to fit.
    pub const DEFAULT: RttFit = RttFit {
        intercept_ms: 8.71,
        inflation: 1.43,
        fitted: false,
        pairs: 0,
        in_sample: RelErrorStats {
            median: f64::NAN,
            max: f64::NAN,
            rms: f64::NAN,
        },
        leave_one_out: RelErrorStats {
            median: f64::NAN,
            max: f64::NAN,
            rms: f64::NAN,
        },
    };

    /// Estimated RTT in ms over a great-circle distance of `distance_km`; never below
    /// the fibre bound.
    pub fn estimate_ms(&self, distance_km: f64) -> f64 {
        let fibre = fibre_rtt_ms(distance_km);
        (self.intercept_ms + self.inflation * fibre).max(fibre)
    }
}

/// One measured pair used by the fit, with the fit's estimates for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitPair {
    /// One region.
    pub a: RegionId,
    /// The other region.
    pub b: RegionId,
    /// Great-circle distance, km.
    pub distance_km: f64,
    /// Measured RTT, ms.
    pub measured_ms: f64,
    /// Estimate of the fit on all pairs, ms.
    pub estimate_ms: f64,
    /// Estimate of the fit on all pairs but this one, ms.
    pub loo_estimate_ms: f64,
}

impl FitPair {
    /// Signed relative error of the in-sample estimate.
    pub fn rel_err(&self) -> f64 {
        (self.estimate_ms - self.measured_ms) / self.measured_ms
    }

    /// Signed relative error of the leave-one-out estimate.
    pub fn loo_rel_err(&self) -> f64 {
        (self.loo_estimate_ms - self.measured_ms) / self.measured_ms
    }
}

/// Round-trip times between all regions of a catalog.
///
/// Precedence for a pair `(a, b)`: a measurement of that pair (either order), else
/// [`RttBasis::SameRegion`] when `a == b`, else [`RttBasis::SameMetro`] when both are in
/// one metro, else the fitted [`RttBasis::GreatCircle`] estimate. Symmetric by
/// construction.
#[derive(Clone, Debug, PartialEq)]
pub struct RttModel {
    n: usize,
    ms: Vec<f64>,
    basis: Vec<RttBasis>,
    fit: RttFit,
    fit_pairs: Vec<FitPair>,
    skipped: usize,
}

impl RttModel {
    /// Builds the model for `regions` (indexed by [`RegionId`]) from `measured` pairs.
    ///
    /// Rows whose provenance status is [`DataStatus::Estimate`] give
    /// [`RttBasis::CatalogEstimate`] values and stay out of the fit. Rows naming a region
    /// not in `regions` (e.g. zone-level rows) are skipped and counted in
    /// [`RttModel::skipped_measurements`]. Errors, all reported at once: a latitude or
    /// longitude that is not a finite angle in range, an RTT that is not finite and
    /// positive.
    ///
    /// O(R² + M²) for R regions and M measured pairs (the leave-one-out refits).
    pub fn new(regions: &[RegionSpec], measured: &[MeasuredRtt]) -> Result<Self, Vec<ModelError>> {
        let n = regions.len();
        let mut errors = Vec::new();
        for r in regions {
            let key = format!("{}/{}", r.cloud, r.name);
            if !(r.lat.is_finite() && r.lat.abs() <= 90.0) {
                errors.push(ModelError::new(
                    &["catalog", "regions", &key, "lat"],
                    format!("latitude {} is not in [-90, 90] degrees", r.lat),
                ));
            }
            if !(r.lon.is_finite() && r.lon.abs() <= 180.0) {
                errors.push(ModelError::new(
                    &["catalog", "regions", &key, "lon"],
                    format!("longitude {} is not in [-180, 180] degrees", r.lon),
                ));
            }
        }

        let index: HashMap<(&str, &str), usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.cloud.as_str(), r.name.as_str()), i))
            .collect();
        // Sum and count per unordered pair (stored at [min][max]) to average duplicates;
        // measurements and catalog estimates apart.
        let mut sum = vec![0.0; n * n];
        let mut count = vec![0u32; n * n];
        let mut est_sum = vec![0.0; n * n];
        let mut est_count = vec![0u32; n * n];
        let mut skipped = 0;
        for (k, m) in measured.iter().enumerate() {
            if !(m.rtt_ms.is_finite() && m.rtt_ms > 0.0) {
                errors.push(ModelError::new(
                    &["catalog", "rtts", &k.to_string(), "rtt_ms"],
                    format!(
                        "RTT {} ms between {}/{} and {}/{} must be a positive number",
                        m.rtt_ms, m.a.0, m.a.1, m.b.0, m.b.1
                    ),
                ));
                continue;
            }
            let a = index.get(&(m.a.0.as_str(), m.a.1.as_str()));
            let b = index.get(&(m.b.0.as_str(), m.b.1.as_str()));
            let (Some(&a), Some(&b)) = (a, b) else {
                skipped += 1;
                continue;
            };
            let cell = a.min(b) * n + a.max(b);
            if m.provenance.status == DataStatus::Estimate {
                est_sum[cell] += m.rtt_ms;
                est_count[cell] += 1;
            } else {
                sum[cell] += m.rtt_ms;
                count[cell] += 1;
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let measured_ms = |a: usize, b: usize| {
            let cell = a.min(b) * n + a.max(b);
            (count[cell] > 0).then(|| sum[cell] / f64::from(count[cell]))
        };
        let estimated_ms = |a: usize, b: usize| {
            let cell = a.min(b) * n + a.max(b);
            (est_count[cell] > 0).then(|| est_sum[cell] / f64::from(est_count[cell]))
        };

        let mut distance = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..n {
                let (ra, rb) = (&regions[a], &regions[b]);
                distance[a * n + b] = great_circle_km(ra.lat, ra.lon, rb.lat, rb.lon);
            }
        }
        let same_metro = |a: usize, b: usize| {
            let (ma, mb) = (regions[a].metro.trim(), regions[b].metro.trim());
            (!ma.is_empty() && ma.eq_ignore_ascii_case(mb))
                || distance[a * n + b] <= SAME_METRO_RADIUS_KM
        };

        let mut fit_pairs = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                if let Some(ms) = measured_ms(a, b)
                    && !same_metro(a, b)
                {
                    fit_pairs.push(FitPair {
                        a: RegionId(a as u16),
                        b: RegionId(b as u16),
                        distance_km: distance[a * n + b],
                        measured_ms: ms,
                        estimate_ms: f64::NAN,
                        loo_estimate_ms: f64::NAN,
                    });
                }
            }
        }
        let points: Vec<(f64, f64)> = fit_pairs
            .iter()
            .map(|p| (fibre_rtt_ms(p.distance_km), p.measured_ms))
            .collect();
        let mut fit = fit_points(&points);
        let mut loo = Vec::with_capacity(points.len());
        for (k, p) in fit_pairs.iter_mut().enumerate() {
            p.estimate_ms = fit.estimate_ms(p.distance_km);
            let others: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != k)
                .map(|(_, &pt)| pt)
                .collect();
            p.loo_estimate_ms = fit_points(&others).estimate_ms(p.distance_km);
            loo.push(p.loo_rel_err());
        }
        let in_sample: Vec<f64> = fit_pairs.iter().map(FitPair::rel_err).collect();
        fit.pairs = fit_pairs.len();
        fit.in_sample = RelErrorStats::of(&in_sample);
        fit.leave_one_out = RelErrorStats::of(&loo);

        let mut ms = vec![0.0; n * n];
        let mut basis = vec![RttBasis::GreatCircle; n * n];
        for a in 0..n {
            for b in 0..n {
                let (v, why) = if let Some(m) = measured_ms(a, b) {
                    (m, RttBasis::Measured)
                } else if let Some(e) = estimated_ms(a, b) {
                    (e, RttBasis::CatalogEstimate)
                } else if a == b {
                    (SAME_REGION_RTT_MS, RttBasis::SameRegion)
                } else if same_metro(a, b) {
                    (SAME_METRO_RTT_MS, RttBasis::SameMetro)
                } else {
                    (fit.estimate_ms(distance[a * n + b]), RttBasis::GreatCircle)
                };
                ms[a * n + b] = v;
                basis[a * n + b] = why;
            }
        }
        Ok(Self {
            n,
            ms,
            basis,
            fit,
            fit_pairs,
            skipped,
        })
    }

    /// Builds the model from a catalog's regions and measured RTTs.
    pub fn from_catalog(catalog: &Catalog) -> Result<Self, Vec<ModelError>> {
        Self::new(catalog.regions(), catalog.measured_rtts())
    }

    /// Round-trip time between regions `a` and `b` (symmetric). O(1).
    ///
    /// Panics if either id is not a region of the catalog the model was built from.
    pub fn rtt_ms(&self, a: RegionId, b: RegionId) -> RttEstimate {
        let cell = self.cell(a, b);
        RttEstimate {
            ms: self.ms[cell],
            basis: self.basis[cell],
        }
    }

    /// The great-circle fit and its errors.
    pub fn fit(&self) -> &RttFit {
        &self.fit
    }

    /// The measured pairs the fit used, with in-sample and leave-one-out estimates.
    pub fn fit_pairs(&self) -> &[FitPair] {
        &self.fit_pairs
    }

    /// Measured rows skipped because a region they name is not in the catalog.
    pub fn skipped_measurements(&self) -> usize {
        self.skipped
    }

    /// Number of regions.
    pub fn region_count(&self) -> usize {
        self.n
    }

    fn cell(&self, a: RegionId, b: RegionId) -> usize {
        let (a, b) = (usize::from(a.0), usize::from(b.0));
        assert!(
            a < self.n && b < self.n,
            "RttModel: region id out of range ({a}, {b}; {} regions)",
            self.n
        );
        a * self.n + b
    }
}

/// Fits `(fibre_ms, measured_ms)` points as described on [`RttFit`] (error fields unset).
fn fit_points(points: &[(f64, f64)]) -> RttFit {
    if points.len() < MIN_FIT_PAIRS {
        return RttFit::DEFAULT;
    }
    let (mut sw, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y) in points {
        let w = 1.0 / (y * y);
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
    }
    let det = sw * sxx - sx * sx;
    let with_intercept = (det > 1e-12 * sw * sxx).then(|| {
        let slope = (sw * sxy - sx * sy) / det;
        ((sy - slope * sx) / sw, slope)
    });
    let (intercept_ms, inflation) = match with_intercept {
        Some((a, f)) if a >= 0.0 => (a, f),
        _ if sxx > 0.0 => (0.0, sxy / sxx),
        _ => return RttFit::DEFAULT,
    };
    if !(inflation.is_finite() && inflation > 0.0 && intercept_ms.is_finite()) {
        return RttFit::DEFAULT;
    }
    RttFit {
        intercept_ms,
        inflation,
        fitted: true,
        ..RttFit::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DataStatus, Provenance};

    fn prov() -> Provenance {
        Provenance {
            status: DataStatus::Published,
            source: "test".into(),
        }
    }

    fn region(cloud: &str, name: &str, metro: &str, lat: f64, lon: f64) -> RegionSpec {
        RegionSpec {
            cloud: cloud.into(),
            name: name.into(),
            metro: metro.into(),
            lat,
            lon,
            pue: 1.1,
            carbon_g_per_kwh: 300.0,
            provenance: prov(),
        }
    }

    fn rtt(a: (&str, &str), b: (&str, &str), ms: f64) -> MeasuredRtt {
        MeasuredRtt {
            a: (a.0.into(), a.1.into()),
            b: (b.0.into(), b.1.into()),
            rtt_ms: ms,
            statistic: "p95".into(),
            provenance: prov(),
        }
    }

    /// Azure regions of `data/regions.csv` plus two other clouds.
    fn regions() -> Vec<RegionSpec> {
        vec![
            region("azure", "eastus", "Virginia", 36.67, -78.39), // 0
            region("azure", "westus2", "Quincy WA", 47.23, -119.85), // 1
            region("azure", "centralus", "Des Moines IA", 41.59, -93.62), // 2
            region("azure", "northeurope", "Dublin", 53.35, -6.26), // 3
            region("azure", "westeurope", "Amsterdam", 52.37, 4.9), // 4
            region("azure", "uksouth", "London", 51.51, -0.13),   // 5
            region("azure", "japaneast", "Tokyo", 35.68, 139.69), // 6
            region("azure", "southeastasia", "Singapore", 1.35, 103.82), // 7
            region("aws", "eu-west-1", "Dublin", 53.35, -6.26),   // 8
            region("gcp", "asia-northeast1", "Tokyo", 35.68, 139.69), // 9
            region("aws", "us-east-1", "Ashburn", 39.04, -77.49), // 10
        ]
    }

    /// Azure P95 RTTs (as in `data/region_rtt.csv`) between the regions above, plus one
    /// zone-level row that names no region.
    fn measured() -> Vec<MeasuredRtt> {
        let az = |r: &'static str| ("azure", r);
        vec![
            rtt(az("centralus"), az("eastus"), 35.0),
            rtt(az("westus2"), az("eastus"), 76.0),
            rtt(az("northeurope"), az("eastus"), 76.0),
            rtt(az("uksouth"), az("eastus"), 80.0),
            rtt(az("westeurope"), az("eastus"), 91.0),
            rtt(az("japaneast"), az("eastus"), 165.0),
            rtt(az("southeastasia"), az("eastus"), 229.0),
            rtt(az("centralus"), az("westus2"), 41.0),
            rtt(az("japaneast"), az("westus2"), 103.0),
            rtt(az("northeurope"), az("westeurope"), 19.0),
            rtt(az("uksouth"), az("westeurope"), 12.0),
            rtt(az("uksouth"), az("northeurope"), 14.0),
            rtt(az("southeastasia"), az("japaneast"), 74.0),
            rtt(az("uksouth zone A"), az("uksouth zone B"), 1.553),
        ]
    }

    fn model() -> RttModel {
        RttModel::new(&regions(), &measured()).expect("valid test data")
    }

    #[test]
    fn measured_pairs_are_returned_as_measured_in_both_orders() {
        let m = model();
        for (a, b, ms) in [(2, 0, 35.0), (5, 4, 12.0), (7, 6, 74.0)] {
            for (x, y) in [(a, b), (b, a)] {
                let e = m.rtt_ms(RegionId(x), RegionId(y));
                assert_eq!(e.basis, RttBasis::Measured);
                assert_eq!(e.ms, ms);
            }
        }
        assert_eq!(m.skipped_measurements(), 1);
    }

    #[test]
    fn every_pair_is_symmetric() {
        let m = model();
        for a in 0..m.region_count() as u16 {
            for b in 0..m.region_count() as u16 {
                assert_eq!(
                    m.rtt_ms(RegionId(a), RegionId(b)),
                    m.rtt_ms(RegionId(b), RegionId(a))
                );
            }
        }
    }

    #[test]
    fn same_region_and_same_metro_get_their_documented_estimates() {
        let m = model();
        let same = m.rtt_ms(RegionId(3), RegionId(3));
        assert_eq!(same.basis, RttBasis::SameRegion);
        assert_eq!(same.ms, SAME_REGION_RTT_MS);
        // Same metro name across clouds (Dublin), and same centroid with a different name.
        let dublin = m.rtt_ms(RegionId(3), RegionId(8));
        assert_eq!(dublin.basis, RttBasis::SameMetro);
        assert_eq!(dublin.ms, SAME_METRO_RTT_MS);
        assert_eq!(
            m.rtt_ms(RegionId(6), RegionId(9)).basis,
            RttBasis::SameMetro
        );
        // Ashburn vs Boydton-area "Virginia": ~280 km apart, so not one metro.
        assert_eq!(
            m.rtt_ms(RegionId(0), RegionId(10)).basis,
            RttBasis::GreatCircle
        );
    }

    #[test]
    fn unmeasured_pairs_use_the_fit() {
        let m = model();
        let e = m.rtt_ms(RegionId(8), RegionId(10)); // aws Dublin - aws Ashburn
        assert_eq!(e.basis, RttBasis::GreatCircle);
        let d = great_circle_km(53.35, -6.26, 39.04, -77.49);
        assert_eq!(e.ms, m.fit().estimate_ms(d));
        // Between the measured Virginia-Dublin P95 and the fibre bound.
        assert!(e.ms > fibre_rtt_ms(d) && e.ms < 100.0, "{e:?}");
    }

    #[test]
    fn fit_reproduces_the_measured_pairs_within_the_reported_error() {
        let m = model();
        let fit = m.fit();
        assert!(fit.fitted);
        assert_eq!(fit.pairs, 13);
        assert!(fit.intercept_ms > 0.0 && fit.intercept_ms < 20.0, "{fit:?}");
        assert!(fit.inflation > 1.0 && fit.inflation < 2.0, "{fit:?}");
        for p in m.fit_pairs() {
            assert!(p.rel_err().abs() <= fit.in_sample.max + 1e-12);
            assert!(p.loo_rel_err().abs() <= fit.leave_one_out.max + 1e-12);
        }
        assert!(fit.in_sample.median <= 0.2, "{fit:?}");
        assert!(fit.in_sample.max <= 0.3, "{fit:?}");
        assert!(fit.leave_one_out.max >= fit.in_sample.max * 0.99, "{fit:?}");
    }

    #[test]
    fn weighted_fit_recovers_exact_parameters() {
        let truth = |x: f64| 7.0 + 1.5 * x;
        let pts: Vec<(f64, f64)> = [5.0, 20.0, 60.0, 150.0].map(|x| (x, truth(x))).to_vec();
        let fit = fit_points(&pts);
        assert!(fit.fitted);
        assert!((fit.intercept_ms - 7.0).abs() < 1e-9, "{fit:?}");
        assert!((fit.inflation - 1.5).abs() < 1e-12, "{fit:?}");
    }

    #[test]
    fn negative_intercept_falls_back_to_the_origin_and_few_pairs_to_default() {
        let pts = [(10.0, 10.0), (20.0, 30.0), (40.0, 70.0)];
        let fit = fit_points(&pts);
        assert_eq!(fit.intercept_ms, 0.0);
        assert!(fit.inflation > 1.0);
        let few = fit_points(&pts[..2]);
        assert!(!few.fitted);
        assert_eq!(
            (few.intercept_ms, few.inflation),
            (RttFit::DEFAULT.intercept_ms, RttFit::DEFAULT.inflation)
        );
        let m = RttModel::new(&regions(), &measured()[..2]).unwrap();
        assert!(!m.fit().fitted);
        assert_eq!(m.fit().intercept_ms, RttFit::DEFAULT.intercept_ms);
        assert_eq!(m.fit().pairs, 2);
    }

    #[test]
    fn estimate_never_drops_below_fibre() {
        let fit = RttFit {
            intercept_ms: 1.0,
            inflation: 0.5,
            ..RttFit::DEFAULT
        };
        assert_eq!(fit.estimate_ms(10_000.0), fibre_rtt_ms(10_000.0));
    }

    #[test]
    fn duplicate_measurements_are_averaged() {
        let mut ms = measured();
        ms.push(rtt(("azure", "eastus"), ("azure", "centralus"), 37.0));
        let m = RttModel::new(&regions(), &ms).unwrap();
        assert_eq!(m.rtt_ms(RegionId(0), RegionId(2)).ms, 36.0);
    }

    #[test]
    fn a_measured_intra_region_value_replaces_the_estimate() {
        let mut ms = measured();
        ms.push(rtt(("azure", "uksouth"), ("azure", "uksouth"), 1.553));
        let m = RttModel::new(&regions(), &ms).unwrap();
        let e = m.rtt_ms(RegionId(5), RegionId(5));
        assert_eq!((e.ms, e.basis), (1.553, RttBasis::Measured));
    }

    #[test]
    fn catalog_estimates_are_used_but_not_fitted() {
        let mut est = rtt(("aws", "us-east-1"), ("azure", "eastus"), 3.0);
        est.provenance.status = DataStatus::Estimate;
        let mut ms = measured();
        ms.push(est.clone());
        // An estimate for a measured pair loses to the measurement.
        est.a = ("azure".into(), "centralus".into());
        ms.push(est);
        let m = RttModel::new(&regions(), &ms).unwrap();
        let e = m.rtt_ms(RegionId(10), RegionId(0));
        assert_eq!((e.ms, e.basis), (3.0, RttBasis::CatalogEstimate));
        assert_eq!(m.rtt_ms(RegionId(2), RegionId(0)).ms, 35.0);
        assert_eq!(m.fit(), model().fit());
    }

    #[test]
    fn bad_inputs_are_all_reported() {
        let mut rs = regions();
        rs[1].lat = 91.0;
        rs[2].lon = f64::NAN;
        let mut ms = measured();
        ms[0].rtt_ms = -3.0;
        let errs = RttModel::new(&rs, &ms).unwrap_err();
        let paths: Vec<String> = errs.iter().map(ModelError::dotted_path).collect();
        assert_eq!(
            paths,
            [
                "catalog.regions.azure/westus2.lat",
                "catalog.regions.azure/centralus.lon",
                "catalog.rtts.0.rtt_ms"
            ]
        );
    }

    #[test]
    #[should_panic(expected = "region id out of range")]
    fn out_of_range_ids_panic_with_a_message() {
        model().rtt_ms(RegionId(0), RegionId(99));
    }
}
