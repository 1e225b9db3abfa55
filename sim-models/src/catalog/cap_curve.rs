//! The power-cap to throughput curve, embedded from `data/power_capping.csv`.
//!
//! It lives in the catalog because it is hardware data like the accelerator specs: shipped
//! as a CSV with a source per row, and carried per accelerator kind
//! ([`Catalog::cap_curve`](super::Catalog::cap_curve)) when a plug-in kind brings its own.
//! [`power`](crate::power), which throttles chips along it, re-exports it as
//! [`power::CapCurve`](crate::power::CapCurve); the catalog never imports `power`.
//!
//! # Which rows, and why
//!
//! `data/power_capping.csv` keeps 6 of the 12 rows of a power-capping table (all 12 with
//! their sources in `data/README.md`; `status` kept, `source` cites): the ones that give one
//! training-throughput value at one cap fraction, consistent with each other.
//!
//! | cap_fraction | throughput_fraction | status | row |
//! |---|---|---|---|
//! | 0.50 | 0.72 | estimate (model) | `model_train_0.5` |
//! | 0.60 | 0.80 | estimate (model) | `model_train_0.6` |
//! | 0.70 | 0.86 | estimate (model) | `model_train_0.7` |
//! | 0.80 | 0.915 | estimate (model) | `model_train_0.8` |
//! | 0.90 | 0.96 | estimate (model) | `model_train_0.9` |
//! | 1.00 | 1.00 | definition | `uncapped` |
//!
//! The `model_train_*` rows are a simple DVFS model: power `P = 0.25 + 0.75 x^2.5`
//! and step time `0.7 / x + 0.3` at clock ratio `x = f / f0` (30 % of a step memory- or
//! communication-bound); the unit tests re-derive every point from these formulas. **No
//! measured H100/A100 cap-vs-training-throughput curve** was found that could be
//! cited; replace these rows when one is found. Left out:
//!
//! * `mcdonald2022` (V100, cap 0.6): training, but its throughput is a range (0.90-0.97)
//!   marked estimate; it is kept as a cross-check (the model's 0.80 is pessimistic against
//!   it, so throttled jobs here are slowed at least as much as measured).
//! * `factryze_h100` (cap 0.857, 0.85-0.90): low-confidence third-party guidance, a range,
//!   and below the model's 0.94 there: mixing both would make the curve non-monotone.
//! * `mit_llsc` (cap 0.6-0.8, "~1.0"), `llama3_dvfs` (no cap): no single point.
//! * `polca2023`, `ma2026_decode`, `factryze_h100_inf`: inference or decode, which is
//!   memory-bound and hardly slowed by caps; not a training curve.
//!
//! # Energy
//!
//! The table has no energy column for the model rows, so [`CapCurve::energy_fraction`] is
//! derived: a chip held at its cap draws `cap` of nominal power for `1 / throughput` of the
//! time, so board energy per unit of work is `cap / throughput` (0.694 at a cap of 0.5,
//! 0.937 at 0.9). Cross-check: McDonald et al. measured 0.863 at 0.6 on a V100, the model
//! gives 0.75.

use std::sync::OnceLock;

use crate::ModelError;
use crate::data::{DataError, Table};

/// The table's text, compiled in.
const POWER_CAPPING: &str = include_str!("../../data/power_capping.csv");

/// One point of a [`CapCurve`].
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    /// Power cap as a fraction of nominal board power (TDP), in (0, 1].
    pub cap_fraction: f64,
    /// Throughput relative to uncapped, in (0, 1].
    pub throughput_fraction: f64,
    /// Row key in the data (`source_id`), or `scenario` for a scenario's curve.
    pub source_id: String,
    /// The row's `status` column as written (e.g. `estimate (model)`).
    pub status: String,
}

/// A piecewise-linear, non-decreasing map from power-cap fraction to throughput fraction.
///
/// Points are sorted by cap fraction (strictly increasing), throughput never decreases,
/// and the last point is `(1, 1)`. Queries clamp: above a cap of 1 the cap does not bind
/// (throughput 1); below the lowest point ([`CapCurve::min_cap`]) the curve has no data, so
/// the value at the lowest point is returned and the power model never sets a limit below
/// it (see [`SitePower::throttle_for_cap`](crate::power::SitePower::throttle_for_cap)).
/// Every query is *O*(points), with 6 points built in.
#[derive(Clone, Debug, PartialEq)]
pub struct CapCurve {
    points: Box<[CurvePoint]>,
}

impl CapCurve {
    /// The built-in training curve from the embedded `data/power_capping.csv` (see the
    /// [module docs](self) for its rows). Parsed once.
    pub fn builtin() -> &'static CapCurve {
        static CURVE: OnceLock<CapCurve> = OnceLock::new();
        CURVE.get_or_init(|| parse().unwrap_or_else(|e| panic!("embedded power_capping.csv: {e}")))
    }

    /// A curve from `(cap_fraction, throughput_fraction)` points (any order), e.g. a
    /// scenario's measured curve; `(1, 1)` is added when missing. Errors are at `path`.
    ///
    /// Requires fractions in (0, 1], distinct caps, and throughput non-decreasing in cap
    /// and at most 1.
    pub fn new(
        points: impl IntoIterator<Item = (f64, f64)>,
        path: &[&str],
    ) -> Result<Self, ModelError> {
        let points = points
            .into_iter()
            .map(|(cap_fraction, throughput_fraction)| CurvePoint {
                cap_fraction,
                throughput_fraction,
                source_id: "scenario".into(),
                status: "scenario".into(),
            })
            .collect();
        Self::from_points(points).map_err(|message| ModelError::new(path, message))
    }

    /// Sorts, checks and completes `points`.
    fn from_points(mut points: Vec<CurvePoint>) -> Result<Self, String> {
        for p in &points {
            let ok = |x: f64| x.is_finite() && x > 0.0 && x <= 1.0;
            if !ok(p.cap_fraction) || !ok(p.throughput_fraction) {
                return Err(format!(
                    "point ({}, {}): cap and throughput fractions must be in (0, 1]",
                    p.cap_fraction, p.throughput_fraction
                ));
            }
        }
        points.sort_by(|a, b| a.cap_fraction.total_cmp(&b.cap_fraction));
        if points.last().is_none_or(|p| p.cap_fraction < 1.0) {
            points.push(CurvePoint {
                cap_fraction: 1.0,
                throughput_fraction: 1.0,
                source_id: "uncapped".into(),
                status: "definition".into(),
            });
        }
        for w in points.windows(2) {
            if w[0].cap_fraction == w[1].cap_fraction {
                return Err(format!("cap fraction {} appears twice", w[0].cap_fraction));
            }
            if w[1].throughput_fraction < w[0].throughput_fraction {
                return Err(format!(
                    "throughput falls from {} at cap {} to {} at cap {}; a curve must not \
                     decrease",
                    w[0].throughput_fraction,
                    w[0].cap_fraction,
                    w[1].throughput_fraction,
                    w[1].cap_fraction
                ));
            }
        }
        let last = points.last().expect("a point was added");
        if last.throughput_fraction != 1.0 {
            return Err(format!(
                "throughput at cap 1 is {}, expected 1 (uncapped)",
                last.throughput_fraction
            ));
        }
        Ok(Self {
            points: points.into_boxed_slice(),
        })
    }

    /// The points, by increasing cap fraction.
    pub fn points(&self) -> &[CurvePoint] {
        &self.points
    }

    /// The lowest cap fraction with data (0.5 built in): the deepest per-chip limit the
    /// power model applies.
    pub fn min_cap(&self) -> f64 {
        self.points[0].cap_fraction
    }

    /// Throughput relative to uncapped at `cap_fraction`, interpolated linearly between
    /// points and clamped (see the type's docs). NaN is treated as uncapped.
    pub fn throughput(&self, cap_fraction: f64) -> f64 {
        let c = self.clamp(cap_fraction);
        let i = self.points.partition_point(|p| p.cap_fraction < c);
        if i == 0 {
            return self.points[0].throughput_fraction;
        }
        let (a, b) = (&self.points[i - 1], &self.points[i]);
        let t = (c - a.cap_fraction) / (b.cap_fraction - a.cap_fraction);
        a.throughput_fraction + t * (b.throughput_fraction - a.throughput_fraction)
    }

    /// Board energy per unit of work relative to uncapped, `cap / throughput(cap)` at the
    /// clamped cap (derived; see the [module docs](self#energy)).
    pub fn energy_fraction(&self, cap_fraction: f64) -> f64 {
        let c = self.clamp(cap_fraction);
        c / self.throughput(c)
    }

    /// The lowest cap fraction (within the curve) giving at least `throughput_fraction`:
    /// the inverse of [`CapCurve::throughput`]. Targets at or below the lowest point give
    /// [`CapCurve::min_cap`]; at or above 1 give 1.
    pub fn cap_for_throughput(&self, throughput_fraction: f64) -> f64 {
        let t = throughput_fraction;
        if t.is_nan() || t >= 1.0 {
            return 1.0;
        }
        let i = self.points.partition_point(|p| p.throughput_fraction < t);
        if i == 0 {
            return self.min_cap();
        }
        let (a, b) = (&self.points[i - 1], &self.points[i]);
        // a.throughput < t <= b.throughput, so the span is positive.
        let s = (t - a.throughput_fraction) / (b.throughput_fraction - a.throughput_fraction);
        a.cap_fraction + s * (b.cap_fraction - a.cap_fraction)
    }

    /// `cap_fraction` clamped to `[min_cap, 1]`; NaN becomes 1.
    fn clamp(&self, cap_fraction: f64) -> f64 {
        if cap_fraction.is_nan() {
            1.0
        } else {
            cap_fraction.clamp(self.min_cap(), 1.0)
        }
    }
}

/// Parses and checks [`POWER_CAPPING`].
fn parse() -> Result<CapCurve, DataError> {
    let table = Table::parse("power_capping.csv", POWER_CAPPING)?;
    let mut points = Vec::new();
    let mut first_line = 1;
    for row in table.rows() {
        if points.is_empty() {
            first_line = row.line();
        }
        if row.str("source")?.is_empty() || row.str("status")?.is_empty() {
            return Err(row.invalid("every row needs a status and a source"));
        }
        points.push(CurvePoint {
            cap_fraction: row.f64("cap_fraction")?,
            throughput_fraction: row.f64("throughput_fraction")?,
            source_id: row.str("source_id")?.to_owned(),
            status: row.str("status")?.to_owned(),
        });
        if let Some(e) = row.opt_f64("energy_fraction")?
            && !(e.is_finite() && e > 0.0)
        {
            return Err(row.invalid("energy_fraction must be positive"));
        }
    }
    CapCurve::from_points(points).map_err(|message| DataError {
        table: "power_capping.csv",
        line: first_line,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Throughput of the DVFS model at cap fraction `c`.
    fn dvfs_throughput(c: f64) -> f64 {
        let x = ((c - 0.25) / 0.75).powf(1.0 / 2.5);
        1.0 / (0.7 / x + 0.3)
    }

    #[test]
    fn builtin_parses_and_matches_the_dvfs_model() {
        let curve = parse().unwrap();
        assert_eq!(curve.points().len(), 6);
        assert_eq!(curve.min_cap(), 0.5);
        for p in curve.points() {
            let model = dvfs_throughput(p.cap_fraction);
            assert!(
                (p.throughput_fraction - model).abs() < 0.005,
                "{}: table {} vs model {model}",
                p.source_id,
                p.throughput_fraction
            );
        }
        assert!(
            curve.points()[..5]
                .iter()
                .all(|p| p.status == "estimate (model)")
        );
    }

    #[test]
    fn bad_curves_are_rejected() {
        assert!(CapCurve::new([(0.5, 0.9), (0.7, 0.8)], &["curve"]).is_err());
        assert!(CapCurve::new([(0.5, 0.9), (0.5, 0.95)], &["curve"]).is_err());
        assert!(CapCurve::new([(0.0, 0.5)], &["curve"]).is_err());
        assert!(CapCurve::new([(1.0, 0.9)], &["curve"]).is_err());
        let ok = CapCurve::new([(0.6, 0.7)], &["curve"]).unwrap();
        assert_eq!(ok.points().len(), 2);
        assert!((ok.throughput(0.8) - 0.85).abs() < 1e-12);
    }

    #[test]
    fn inverse_round_trips() {
        let curve = CapCurve::builtin();
        for c in [0.5, 0.55, 0.6, 0.73, 0.8, 0.9, 0.99, 1.0] {
            let back = curve.cap_for_throughput(curve.throughput(c));
            assert!((back - c).abs() < 1e-12, "{c} -> {back}");
        }
        assert_eq!(curve.cap_for_throughput(0.1), 0.5);
        assert_eq!(curve.cap_for_throughput(1.5), 1.0);
    }
}
