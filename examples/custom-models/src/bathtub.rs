//! The `bathtub` failure model: infant mortality, a constant random rate, and wear-out.
//!
//! # The hazard
//!
//! The classic reliability "bathtub": a new node fails often at first (bad parts that
//! burn-in did not catch), then rarely and at random for most of its life, then more
//! and more often as it wears out. As a hazard (failures per node-hour at age `t` hours
//! since the node's last (re)start):
//!
//! ```text
//! h(t) = (ki / li) (t / li)^(ki - 1)   infant mortality: Weibull, shape ki < 1 (falling)
//!      + r                             random: constant (exponential)
//!      + (kw / lw) (t / lw)^(kw - 1)   wear-out: Weibull, shape kw > 1 (rising)
//!
//!  h |\
//!    | \                                             /
//!    |  \__                                        _/
//!    |     ‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾
//!    +-------------------------------------------------- t
//! ```
//!
//! # How it maps onto fabricsim's failure categories
//!
//! Each term is one [`FailureCategory`] of scope `node`: `infant-mortality` (Weibull shape
//! `ki`), `random` (shape 1: exponential) and `wear-out` (shape `kw`). fabricsim gives a
//! category a rate per accelerator-hour and a shape; a Weibull category is simulated as
//! one renewal timer per node whose time to failure has that shape and mean
//! `1 / (node size × rate)`. So the rate of a Weibull term is
//! `1 / (node_accelerators × l × Γ(1 + 1/k))`, which gives a node of `node_accelerators`
//! chips exactly the scale `l`; a node of another size gets the same mean time to failure
//! per accelerator. The random term's rate is `r / node_accelerators`.
//!
//! A node is renewed "as good as new" whenever it comes back from any repair (the failed
//! part was replaced): its age, and so its infant-mortality hazard, starts again at 0.
//! The whole fleet is new at the start of a run: a run starts at commissioning.
//!
//! # Parameters (`[failures.params]`)
//!
//! | key | default | meaning |
//! |---|---|---|
//! | `infant_shape` | 0.5 | `ki`, in (0, 1) |
//! | `infant_scale_h` | 50,000 | `li`, hours: about 11 % of new nodes fail in their first month |
//! | `random_rate_per_h` | 1e-4 | `r`, failures per node-hour (a node fails about once in 14 months) |
//! | `wearout_shape` | 5 | `kw`, > 1 |
//! | `wearout_scale_h` | 40,000 | `lw`, hours (about 4.6 years) |
//! | `node_accelerators` | 8 | chips per node the scales and `r` describe |
//! | `repair_median_h`, `repair_p90_h` | 12, 48 | log-normal repair time, hours |
//!
//! **Every default is an estimate.** The random rate is of the order of the Llama 3
//! figures (419 interruptions on 2,048 8-GPU nodes in 54 days, 1.6e-4 per node-hour); the
//! infant-mortality and wear-out terms are illustrative, not fitted to any fleet.

use sim_models::failure::{FailureCategory, FailureModel, FailureScope};
use sim_models::policy::PolicyParams;
use sim_models::sim_core::rng::{DurationDist, LogNormal, Weibull};

/// The model's name in scenario files (`[failures] model = "bathtub"`).
pub const BATHTUB: &str = "bathtub";

/// The parameter keys `bathtub` accepts.
pub const PARAMS: [&str; 8] = [
    "infant_shape",
    "infant_scale_h",
    "random_rate_per_h",
    "wearout_shape",
    "wearout_scale_h",
    "node_accelerators",
    "repair_median_h",
    "repair_p90_h",
];

/// The parameters of a bathtub hazard (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bathtub {
    /// Weibull shape of infant mortality, in (0, 1).
    pub infant_shape: f64,
    /// Weibull scale of infant mortality for a node, hours.
    pub infant_scale_h: f64,
    /// Constant failure rate of a node, per hour.
    pub random_rate_per_h: f64,
    /// Weibull shape of wear-out, above 1.
    pub wearout_shape: f64,
    /// Weibull scale of wear-out for a node, hours.
    pub wearout_scale_h: f64,
    /// Accelerators in the node the scales and the random rate describe.
    pub node_accelerators: u32,
    /// Median repair time, hours.
    pub repair_median_h: f64,
    /// 90th percentile of the repair time, hours.
    pub repair_p90_h: f64,
}

impl Default for Bathtub {
    /// The defaults of the [module docs](self) (estimates).
    fn default() -> Self {
        Self {
            infant_shape: 0.5,
            infant_scale_h: 50_000.0,
            random_rate_per_h: 1e-4,
            wearout_shape: 5.0,
            wearout_scale_h: 40_000.0,
            node_accelerators: 8,
            repair_median_h: 12.0,
            repair_p90_h: 48.0,
        }
    }
}

impl Bathtub {
    /// From `[failures.params]`: every key optional (defaults above); an unknown key or a
    /// value out of range is an error saying what was expected.
    pub fn from_params(p: &PolicyParams) -> Result<Self, String> {
        p.only(&PARAMS)?;
        let d = Self::default();
        let nodes = p.number("node_accelerators", f64::from(d.node_accelerators))?;
        if !(nodes >= 1.0 && nodes <= f64::from(u32::MAX) && nodes.fract() == 0.0) {
            return Err(format!(
                "parameter \"node_accelerators\" is {nodes}: expected a whole number >= 1, e.g. 8"
            ));
        }
        let b = Self {
            infant_shape: p.number("infant_shape", d.infant_shape)?,
            infant_scale_h: p.number("infant_scale_h", d.infant_scale_h)?,
            random_rate_per_h: p.number("random_rate_per_h", d.random_rate_per_h)?,
            wearout_shape: p.number("wearout_shape", d.wearout_shape)?,
            wearout_scale_h: p.number("wearout_scale_h", d.wearout_scale_h)?,
            node_accelerators: nodes as u32,
            repair_median_h: p.number("repair_median_h", d.repair_median_h)?,
            repair_p90_h: p.number("repair_p90_h", d.repair_p90_h)?,
        };
        b.check()?;
        Ok(b)
    }

    /// Every value in range, or the first one that is not.
    fn check(&self) -> Result<(), String> {
        let rules: [(&str, f64, bool, &str); 7] = [
            (
                "infant_shape",
                self.infant_shape,
                self.infant_shape > 0.0 && self.infant_shape < 1.0,
                "a shape in (0, 1): a falling hazard, e.g. 0.5",
            ),
            (
                "infant_scale_h",
                self.infant_scale_h,
                self.infant_scale_h > 0.0,
                "a positive number of hours, e.g. 50000",
            ),
            (
                "random_rate_per_h",
                self.random_rate_per_h,
                self.random_rate_per_h >= 0.0,
                "failures per node-hour >= 0, e.g. 1e-4",
            ),
            (
                "wearout_shape",
                self.wearout_shape,
                self.wearout_shape > 1.0,
                "a shape above 1: a rising hazard, e.g. 5",
            ),
            (
                "wearout_scale_h",
                self.wearout_scale_h,
                self.wearout_scale_h > 0.0,
                "a positive number of hours, e.g. 40000",
            ),
            (
                "repair_median_h",
                self.repair_median_h,
                self.repair_median_h > 0.0,
                "a positive number of hours, e.g. 12",
            ),
            (
                "repair_p90_h",
                self.repair_p90_h,
                self.repair_p90_h > self.repair_median_h,
                "hours above repair_median_h, e.g. 48",
            ),
        ];
        for (key, value, ok, expected) in rules {
            if !(value.is_finite() && ok) {
                return Err(format!("parameter {key:?} is {value}: expected {expected}"));
            }
        }
        Ok(())
    }

    /// The hazard of a node of `node_accelerators` chips at age `age_h` hours, failures
    /// per node-hour (the formula in the [module docs](self)); infinite at age 0 (the
    /// infant term), and meaningless for a negative age (NaN).
    pub fn hazard_per_h(&self, age_h: f64) -> f64 {
        let weibull = |k: f64, l: f64| (k / l) * (age_h / l).powf(k - 1.0);
        weibull(self.infant_shape, self.infant_scale_h)
            + self.random_rate_per_h
            + weibull(self.wearout_shape, self.wearout_scale_h)
    }

    /// Expected failures of one node between ages `from_h` and `to_h` if it is not
    /// renewed in between (the integral of [`Bathtub::hazard_per_h`]).
    pub fn expected_failures(&self, from_h: f64, to_h: f64) -> f64 {
        let cumulative = |t: f64| {
            (t / self.infant_scale_h).powf(self.infant_shape)
                + self.random_rate_per_h * t
                + (t / self.wearout_scale_h).powf(self.wearout_shape)
        };
        cumulative(to_h) - cumulative(from_h)
    }

    /// The [`FailureModel`]: three node-scope categories, `infant-mortality`, `random`
    /// and `wear-out` (see the [module docs](self) for the rates).
    pub fn model(&self) -> Result<FailureModel, String> {
        let n = f64::from(self.node_accelerators);
        let repair =
            LogNormal::from_median_p90(self.repair_median_h * 3600.0, self.repair_p90_h * 3600.0)
                .map_err(|e| format!("repair time: {e}"))?;
        let weibull_rate = |shape: f64, scale_h: f64| -> Result<f64, String> {
            let mean_h = Weibull::new(shape, scale_h)
                .map_err(|e| format!("Weibull({shape}, {scale_h}): {e}"))?
                .mean();
            Ok(1.0 / (n * mean_h))
        };
        let category = |name: &str, rate: f64, shape: f64, what: &str| FailureCategory {
            name: name.to_owned(),
            component: "node".to_owned(),
            scope: FailureScope::Node,
            rate_per_accel_hour: rate,
            ttf_shape: shape,
            repair: DurationDist::from(repair),
            provenance: format!("bathtub {what} (examples/custom-models; estimate)"),
        };
        let model = FailureModel {
            name: BATHTUB.to_owned(),
            categories: vec![
                category(
                    "infant-mortality",
                    weibull_rate(self.infant_shape, self.infant_scale_h)?,
                    self.infant_shape,
                    "infant mortality",
                ),
                category("random", self.random_rate_per_h / n, 1.0, "random failures"),
                category(
                    "wear-out",
                    weibull_rate(self.wearout_shape, self.wearout_scale_h)?,
                    self.wearout_shape,
                    "wear-out",
                ),
            ],
        };
        match model.validate(&[BATHTUB]).first() {
            Some(e) => Err(e.to_string()),
            None => Ok(model),
        }
    }
}
