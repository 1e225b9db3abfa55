//! Per-component random failures: what fails, how often, what it takes down, how long
//! the repair takes, and fleet-size-independent samplers for when and whom.
//!
//! # Concepts
//!
//! A [`FailureModel`] is a named list of [`FailureCategory`]s (the Llama 3 taxonomy has
//! 18: faulty GPU, HBM3, software bug, network switch/cable, ...). Each category has
//!
//! * a rate per accelerator-hour (the fleet's failures of that kind scale linearly with
//!   its accelerator count, as the Llama 3 figures assume),
//! * a time-to-failure shape: `1.0` is exponential (memoryless); otherwise Weibull, with
//!   the scale chosen so the mean time to failure stays `1 / rate`,
//! * a [`FailureScope`]: what one event takes down (an accelerator, its node, its rack),
//! * a repair-time distribution ([`DurationDist`]: log-normal, empirical, ...),
//! * its provenance.
//!
//! A scenario names a model with a [`FailureSpec`] (`model = "llama3-h100"`,
//! `rate_scale`, optional explicit categories); [`FailureSpec::resolve`] checks it and
//! returns the [`FailureModel`]. Built-ins: [`FailureModel::builtin_names`].
//!
//! ```text
//!  FailureSpec --resolve--> FailureModel --poisson(range)--> PoissonFailures  (exponential categories)
//!                                        --weibull_renewal(m)--> WeibullRenewal (Weibull categories)
//!  draw = (at, category, victim accelerator) --scope--> FailureDomain down --repair--> up
//! ```
//!
//! # Samplers and their cost
//!
//! One accelerator failing among a million must be as cheap as among eight, so no sampler
//! touches per-accelerator state:
//!
//! * [`PoissonFailures`] covers every exponential category of a population of `n`
//!   accelerators (e.g. one cluster's index range) with a single pending event.
//!   Superposition: independent Poisson processes of rates `r_c` per accelerator sum to
//!   one Poisson process of rate `n × Σ r_c`; each event is category `c` with probability
//!   `r_c / Σ r`, and the victim is uniform over the population. Per event: one
//!   exponential draw, one uniform and a binary search over the categories (*O*(log
//!   categories)), one uniform for the victim, independent of `n`.
//!
//!   *Thinning.* The process always runs over all `n` accelerators, including the ones
//!   already down; the simulator ignores a draw whose victim is down (or whose node or
//!   rack is, for those scopes). For exponential times this is exact: by memorylessness
//!   the process restricted to the up accelerators is Poisson with rate `up × Σ r`, which
//!   is what per-accelerator timers would give, and the population size never changes, so
//!   the sampler never needs rebuilding.
//! * [`WeibullRenewal`] covers the Weibull categories (shape != 1), which have memory and
//!   cannot be thinned: the simulator keeps one timer per node (per *unit*), drawn at the
//!   unit's (re)start and redrawn after its repair ("as good as new" renewal of the whole
//!   unit). Cost: *O*(nodes) pending events, *O*(Weibull categories) per event.
//! * [`FailureModel::sample_repair`]: one draw of the category's repair distribution.
//!
//! Suggested stream keys (see `sim_core::rng`): `"failure/cluster/<site>/<cluster>"` for a
//! cluster's [`PoissonFailures`], `("failure/node", node_id)` for renewals and
//! `"repair/cluster/<site>/<cluster>"` for repairs, so the times of failures do not
//! depend on how many repairs were drawn.
//!
//! # Scope: what one failure takes down
//!
//! A draw names a victim *accelerator*; [`FailureScope::domain`] widens it to the
//! [`FailureDomain`] that goes down until repaired:
//!
//! * [`FailureScope::Accelerator`]: the GPU alone. Its node's other accelerators stay up
//!   for independent work, but a synchronous (gang) training job holding the node loses
//!   the whole node's share: the simulator interrupts the job and reallocates it without
//!   the failed accelerator, which in practice means without its node.
//! * [`FailureScope::Node`]: the server and all its accelerators.
//! * [`FailureScope::Rack`]: every node of the rack (a top-of-rack switch).
//!
//! # The built-in `llama3-h100` (`data/failures_llama3.csv`)
//!
//! Llama 3 405B pre-training saw 419 unexpected interruptions on 16,384 H100s in 54 days
//! (*The Llama 3 Herd of Models*, Meta 2024, arXiv 2407.21783, Table 5). Each of the 18
//! categories gets `rate = count / (16384 × 54 × 24 GPU-h)`, so the model reproduces
//! every count in expectation at that scale (one interruption every 3.09 h). The 47
//! planned interruptions (firmware, configuration) are not random failures: they belong to
//! scheduled maintenance (`outage`). Every field below that the paper does not give is an
//! `estimate`, following these rules (named in each row's `source`):
//!
//! * **R-scope-gpu** (component `GPU`: faulty GPU, HBM3, SRAM, system processor, thermal
//!   interface/sensor, silent data corruption) → `accelerator`: the fault is on one GPU
//!   package; HBM and SRAM are on it.
//! * **R-scope-node** (`Host`: NIC, SSD, power supply, chassis, IO board, CPU, DIMM;
//!   `Unplanned Maintenance`; `Dependency` and `Unknown`: software bug, dependency, NCCL
//!   watchdog) → `node`: host parts take the server down; a crashed process or hung
//!   collective is attributed to the node where it surfaced, which is drained and
//!   health-checked before rejoining.
//! * **R-scope-network** (`Network`: switch/cable) → `rack`. In Meta's Llama 3 RoCE
//!   cluster a rack is two 8-GPU servers under one ToR switch, so a switch fault takes down
//!   16 GPUs and a cable fault 8: the rack is the switch's blast radius and only twice the
//!   cable's. Racks in a fabricsim scenario may hold more nodes; override the category
//!   (scope `node`) where that overstates it.
//! * **R-ttf-exp**: shape 1 (exponential). The paper gives counts, not inter-failure
//!   times; no shape can be fitted.
//! * Repair times, log-normal from a median and a 90th percentile. They govern when the
//!   *capacity* returns, not when a job restarts: Crusoe reports detecting and replacing a
//!   failed node from spares in < 5 min and Lablup a median retry after 11 min
//!   (crusoe.ai blog "AutoClusters"; Lablup technical report, arXiv 2605.09370).
//!   * **R-gpu-swap** (GPU categories): median 24 h, p90 72 h: drain, diagnose, a
//!     technician swaps the GPU or baseboard, burn-in.
//!   * **R-host-fru** (host parts): median 12 h, p90 48 h: a field-replaceable unit; hot
//!     swaps (PSU, SSD) are faster, CPU and chassis slower.
//!   * **R-network** (switch/cable): median 4 h, p90 24 h: reseat or replace a cable,
//!     or swap a switch from on-site spares.
//!   * **R-maintenance** (unplanned host maintenance): median 2 h, p90 8 h: reboot,
//!     reimage or firmware fix.
//!   * **R-restart** (software bug, dependency, NCCL watchdog): median 10 min, p90 30 min:
//!     reboot and health check, matching the measured ~11 min retry interval.

//!
//! # Per-kind scaling (`data/failure_kind_factors.csv`)
//!
//! Category rates are per accelerator-hour **of an H100**, the accelerator the Llama 3
//! figures were measured on. On a cluster of another kind the simulator samples
//! [`FailureModel::for_cluster`]: the rates of the [`FailureScope::Accelerator`]
//! categories are multiplied by the kind's failure-rate factor
//! ([`Catalog::failure_rate_factor`](crate::catalog::Catalog::failure_rate_factor)); the
//! node- and rack-scope categories (host parts, unplanned maintenance, software, NCCL
//! hangs, switches and cables) keep their per-accelerator-hour rates on every kind. A
//! cluster is one kind, so each cluster's samplers are built once from its own model and
//! sampling stays *O*(1) per event. Rules:
//!
//! * **R-fk-scope**: only accelerator-scope categories scale. In the Llama 3 taxonomy these
//!   are exactly the `GPU` component (faulty GPU, HBM3, SRAM, system processor, thermal
//!   interface, silent data corruption: 268 of 419 interruptions): faults on the package,
//!   which is what differs between kinds. The published comparisons (Lablup, NCSA Delta)
//!   count GPU faults only, so they say nothing about hosts, fabrics or software, which
//!   depend on the operator more than on the chip. Per-node normalisation of host rates was
//!   rejected: it would change H100 runs whose node or rack sizes differ from Meta's.
//! * **H100 is exactly 1**, so every H100-only run is unchanged bit for bit.
//! * **Derived** where a per-GPU failure count was published against a known fleet and
//!   window: **B200 1.191** = Lablup's 10 XID GPU failures on 504 B200 in 55 days (15.03
//!   per 1M GPU-h) over Llama 3's 268 GPU-component interruptions on 16,384 H100 in 54
//!   days (12.62 per 1M GPU-h). Ten events give a 95 % interval of 0.57-2.19.
//! * **R-fk-same-die** (estimate): a kind with the same GPU die as a measured one takes its
//!   factor: H200 = H100's 1 (Crusoe's H200 mix, 61 % GPU faults, matches Llama 3's 64 %;
//!   the absolute count behind it is a third party's inference, not used), GB200 = B200's.
//! * **R-fk-none** (estimate): A100, MI300X, Trainium, Inferentia and TPUs keep 1. No
//!   per-chip failure rate is published for them (job uptimes such as AWS HLAT's 98.81 % or
//!   Gemini's goodput mix failure rate with recovery speed). Board power and HBM stacks were
//!   considered as proxies and rejected because both kinds with data contradict them: B200
//!   has 1.43x H100's TDP and 1.6x its HBM stacks yet only 1.19x its GPU failure rate, and
//!   NCSA Delta found H100's memory errors 3.2x as frequent as A100's at the same 80 GB.
//!
//! A kind added by a scenario or plug-in gets
//! [`DEFAULT_FAILURE_RATE_FACTOR`](crate::catalog::DEFAULT_FAILURE_RATE_FACTOR) (1); any
//! kind's factor can be overridden with
//! [`Catalog::set_failure_rate_factor`](crate::catalog::Catalog::set_failure_rate_factor) or
//! [`CatalogOverrides::failure_rate_factors`](crate::catalog::CatalogOverrides). The same
//! scaling applies to any failure model's accelerator-scope categories, custom ones
//! included: their rates are read as H100 rates. The expected failures per hour of a
//! cluster after scaling: [`FailureModel::cluster_failures_per_hour`].

mod builtin;
mod poisson;
mod renewal;
mod spec;

use rand::Rng;
use sim_core::rng::{DistError, DurationDist, Weibull};
use sim_core::time::SimDuration;

use crate::ModelError;
use crate::catalog::Catalog;
use crate::topology::{AcceleratorId, ClusterId, Fabric, FailureDomain};

pub use poisson::{FailureDraw, PoissonFailures};
pub use renewal::WeibullRenewal;
pub use spec::FailureSpec;

/// What one failure event takes down until it is repaired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureScope {
    /// The victim accelerator only (a gang job on its node still loses the node).
    Accelerator,
    /// The victim's node (server) and all its accelerators.
    Node,
    /// The victim's rack and all its nodes.
    Rack,
}

impl FailureScope {
    /// Every scope, narrowest first.
    pub const ALL: [FailureScope; 3] = [Self::Accelerator, Self::Node, Self::Rack];

    /// The scope's name in data and scenario files: `accelerator`, `node` or `rack`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Accelerator => "accelerator",
            Self::Node => "node",
            Self::Rack => "rack",
        }
    }

    /// The scope named `name` (as [`FailureScope::name`] spells it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The failure domain that goes down when `victim` fails with this scope.
    /// *O*(log clusters).
    pub fn domain(self, fabric: &Fabric, victim: AcceleratorId) -> FailureDomain {
        match self {
            Self::Accelerator => FailureDomain::Accelerator(victim),
            Self::Node => FailureDomain::Node(fabric.node_of(victim)),
            Self::Rack => FailureDomain::Rack(fabric.rack_of(victim)),
        }
    }
}

/// One kind of failure: its rate, time-to-failure shape, blast radius and repair time.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureCategory {
    /// Stable kebab-case key, unique in its model, e.g. `faulty-gpu`; recorded with every
    /// interruption.
    pub name: String,
    /// The component class of the source taxonomy, e.g. `GPU`, `Host`, `Network`.
    pub component: String,
    /// What one event takes down.
    pub scope: FailureScope,
    /// Events per accelerator-hour (finite, >= 0); the mean time to failure of one
    /// accelerator is `1 / rate` hours.
    pub rate_per_accel_hour: f64,
    /// Time-to-failure shape (finite, > 0): `1.0` is exponential, anything else Weibull
    /// with the scale that keeps the mean `1 / rate`.
    pub ttf_shape: f64,
    /// Time from failure until the scope is back in service.
    pub repair: DurationDist,
    /// Where the numbers come from.
    pub provenance: String,
}

impl FailureCategory {
    /// An exponential category with component `custom` and provenance `scenario`.
    pub fn new(
        name: impl Into<String>,
        scope: FailureScope,
        rate_per_accel_hour: f64,
        repair: DurationDist,
    ) -> Self {
        Self {
            name: name.into(),
            component: "custom".into(),
            scope,
            rate_per_accel_hour,
            ttf_shape: 1.0,
            repair,
            provenance: "scenario".into(),
        }
    }

    /// Whether times to failure are exponential (shape exactly 1), so the category goes
    /// to [`PoissonFailures`] rather than [`WeibullRenewal`].
    pub fn is_exponential(&self) -> bool {
        self.ttf_shape == 1.0
    }

    /// The time to failure of a unit of `accelerators` accelerators from this category
    /// alone, as a Weibull of shape `ttf_shape` with mean `1 / (accelerators × rate)`
    /// hours (in seconds); `None` for a zero rate or no accelerators (never fails).
    pub fn ttf(&self, accelerators: u32) -> Result<Option<Weibull>, DistError> {
        let rate_per_s =
            self.rate_per_accel_hour * f64::from(accelerators) / crate::units::HOUR_SECS;
        if rate_per_s == 0.0 {
            return Ok(None);
        }
        // Weibull::new(k, 1).mean() is Γ(1 + 1/k): the scale giving mean 1 / rate.
        let gamma = Weibull::new(self.ttf_shape, 1.0)?.mean();
        Weibull::new(self.ttf_shape, 1.0 / (rate_per_s * gamma)).map(Some)
    }

    /// Every problem with this category, located under `path` (which should end with
    /// the category's name).
    pub fn validate(&self, path: &[&str]) -> Vec<ModelError> {
        let at = |key| child(path, key);
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(ModelError::new(
                &at("name"),
                "a failure category needs a non-empty name",
            ));
        }
        let rate = self.rate_per_accel_hour;
        if !(rate.is_finite() && rate >= 0.0) {
            errors.push(ModelError::new(
                &at("rate_per_accel_hour"),
                format!("must be finite and >= 0 (events per accelerator-hour), got {rate}"),
            ));
        }
        let shape = self.ttf_shape;
        if !(shape.is_finite() && shape > 0.0) {
            errors.push(ModelError::new(
                &at("ttf_shape"),
                format!("must be finite and > 0 (1 = exponential), got {shape}"),
            ));
        }
        errors
    }
}

/// A named set of failure categories, the whole random-failure behaviour of a fleet.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureModel {
    /// The model's name, e.g. `llama3-h100`.
    pub name: String,
    /// Its categories; draws and interruptions refer to them by index.
    pub categories: Vec<FailureCategory>,
}

impl FailureModel {
    /// The built-in model called `name` ([`FailureModel::builtin_names`]), if any.
    pub fn builtin(name: &str) -> Option<FailureModel> {
        builtin::model(name)
    }

    /// Names of the built-in models: `none` (no failures) and `llama3-h100`.
    pub fn builtin_names() -> &'static [&'static str] {
        builtin::NAMES
    }

    /// Sum of the category rates, events per accelerator-hour.
    pub fn total_rate_per_accel_hour(&self) -> f64 {
        self.categories.iter().map(|c| c.rate_per_accel_hour).sum()
    }

    /// Mean time between failures of a population of `accelerators`, hours (`+inf` when
    /// nothing fails): `1 / (accelerators × Σ rate)`.
    pub fn mtbf_hours(&self, accelerators: u32) -> f64 {
        1.0 / (f64::from(accelerators) * self.total_rate_per_accel_hour())
    }

    /// Expected number of failures of `accelerators` accelerators over `hours`, all
    /// categories: `accelerators × hours × Σ rate`.
    pub fn expected_failures(&self, accelerators: u32, hours: f64) -> f64 {
        f64::from(accelerators) * hours * self.total_rate_per_accel_hour()
    }

    /// This model with every rate multiplied by `factor` (e.g. per accelerator kind);
    /// repair times and shapes unchanged.
    ///
    /// # Panics
    ///
    /// If `factor` is not finite and >= 0.
    pub fn scaled(&self, factor: f64) -> FailureModel {
        assert!(
            factor.is_finite() && factor >= 0.0,
            "failure rate scale must be finite and >= 0, got {factor}"
        );
        let mut model = self.clone();
        for c in &mut model.categories {
            c.rate_per_accel_hour *= factor;
        }
        model
    }

    /// This model on accelerators of a kind with failure-rate factor `factor`
    /// ([`Catalog::failure_rate_factor`]): the rates of the [`FailureScope::Accelerator`]
    /// categories multiplied by `factor`, every other category unchanged (see "Per-kind
    /// scaling" in the [module docs](self)). A factor of exactly 1 returns an identical
    /// model (x × 1.0 == x in IEEE arithmetic), so H100 runs keep their bytes.
    ///
    /// # Panics
    ///
    /// If `factor` is not finite and >= 0.
    ///
    /// ```
    /// # use sim_models::failure::{FailureModel, FailureScope};
    /// let m = FailureModel::builtin("llama3-h100").unwrap();
    /// let b = m.for_kind(1.5);
    /// let gpu = m.category_index("faulty-gpu").unwrap();
    /// let nic = m.category_index("nic").unwrap();
    /// assert_eq!(b.categories[gpu].rate_per_accel_hour, 1.5 * m.categories[gpu].rate_per_accel_hour);
    /// assert_eq!(b.categories[nic].rate_per_accel_hour, m.categories[nic].rate_per_accel_hour);
    /// assert_eq!(m.for_kind(1.0), m);
    /// ```
    pub fn for_kind(&self, factor: f64) -> FailureModel {
        assert!(
            factor.is_finite() && factor >= 0.0,
            "failure-rate factor of a kind must be finite and >= 0, got {factor}"
        );
        let mut model = self.clone();
        for c in &mut model.categories {
            if c.scope == FailureScope::Accelerator {
                c.rate_per_accel_hour *= factor;
            }
        }
        model
    }

    /// This model on cluster `cluster` of `fabric`: [`FailureModel::for_kind`] with the
    /// factor of the cluster's accelerator kind in `catalog` (the catalog the fabric was
    /// built against). What the simulator samples for the cluster.
    pub fn for_cluster(
        &self,
        fabric: &Fabric,
        catalog: &Catalog,
        cluster: ClusterId,
    ) -> FailureModel {
        let kind = fabric.cluster(cluster).accelerator;
        self.for_kind(catalog.failure_rate_factor(kind))
    }

    /// Expected failures per hour of the whole of cluster `cluster`, every category
    /// (exponential and Weibull, at their mean rates), after per-kind scaling:
    /// `accelerators × Σ rate` of [`FailureModel::for_cluster`]. *O*(categories); does not
    /// build a model. A sampler's [`PoissonFailures::rate_per_hour`] is the exponential
    /// part of this.
    ///
    /// ```
    /// # use sim_models::catalog::Catalog;
    /// # use sim_models::failure::FailureModel;
    /// # use sim_models::topology::{ClusterId, ClusterSpec, FabricSpec, SiteSpec};
    /// # use sim_core::time::SimTime;
    /// let catalog = Catalog::builtin();
    /// let cluster = |kind: &str| ClusterSpec {
    ///     name: kind.into(), accelerator: kind.into(), count: 1024, node_size: None,
    ///     rack_nodes: 4, scaleup_domain: None, online_from: SimTime::ZERO,
    /// };
    /// let fabric = FabricSpec { sites: vec![SiteSpec {
    ///     name: "s".into(), cloud: "aws".into(), region: "us-east-1".into(),
    ///     power_cap_mw: 100.0, pue: None, online_from: SimTime::ZERO,
    ///     clusters: vec![cluster("h100"), cluster("b200")],
    /// }] }.build(&catalog).unwrap();
    /// let m = FailureModel::builtin("llama3-h100").unwrap();
    /// let h100 = m.cluster_failures_per_hour(&fabric, &catalog, ClusterId(0));
    /// assert!((h100 - m.expected_failures(1024, 1.0)).abs() < 1e-15);
    /// assert!(m.cluster_failures_per_hour(&fabric, &catalog, ClusterId(1)) > h100);
    /// ```
    pub fn cluster_failures_per_hour(
        &self,
        fabric: &Fabric,
        catalog: &Catalog,
        cluster: ClusterId,
    ) -> f64 {
        let c = fabric.cluster(cluster);
        let factor = catalog.failure_rate_factor(c.accelerator);
        let per_accel: f64 = self
            .categories
            .iter()
            .map(|cat| match cat.scope {
                FailureScope::Accelerator => cat.rate_per_accel_hour * factor,
                _ => cat.rate_per_accel_hour,
            })
            .sum();
        f64::from(c.accelerator_count()) * per_accel
    }

    /// Index of the category named `name`.
    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }

    /// One repair time for category index `category`.
    ///
    /// # Panics
    ///
    /// If `category` is not an index of [`FailureModel::categories`].
    #[inline]
    pub fn sample_repair<R: Rng + ?Sized>(&self, category: usize, rng: &mut R) -> SimDuration {
        self.categories[category].repair.sample(rng)
    }

    /// The superposed sampler of this model's exponential categories over the
    /// accelerator index range `population` (see [`PoissonFailures`]).
    pub fn poisson(&self, population: std::ops::Range<u32>) -> PoissonFailures {
        PoissonFailures::new(self, population)
    }

    /// The renewal sampler of this model's Weibull categories for a unit (node) of
    /// `unit_accelerators` accelerators (see [`WeibullRenewal`]).
    pub fn weibull_renewal(&self, unit_accelerators: u32) -> WeibullRenewal {
        WeibullRenewal::new(self, unit_accelerators)
    }

    /// Every problem with the model, each located under `path`: invalid categories and
    /// duplicate names.
    pub fn validate(&self, path: &[&str]) -> Vec<ModelError> {
        let mut errors = Vec::new();
        for (i, c) in self.categories.iter().enumerate() {
            let mut p = path.to_vec();
            p.push("categories");
            p.push(&c.name);
            errors.extend(c.validate(&p));
            if self.categories[..i].iter().any(|d| d.name == c.name) {
                errors.push(ModelError::new(
                    &p,
                    format!(
                        "duplicate failure category {:?}: give each category a distinct name",
                        c.name
                    ),
                ));
            }
        }
        errors
    }
}

/// `path` followed by `key`.
fn child<'a>(path: &[&'a str], key: &'a str) -> Vec<&'a str> {
    let mut p = path.to_vec();
    p.push(key);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(shape: f64) -> FailureCategory {
        FailureCategory {
            ttf_shape: shape,
            ..FailureCategory::new(
                "x",
                FailureScope::Node,
                1e-4,
                DurationDist::from(SimDuration::HOUR),
            )
        }
    }

    #[test]
    fn scope_names_round_trip() {
        for s in FailureScope::ALL {
            assert_eq!(FailureScope::from_name(s.name()), Some(s));
        }
        assert_eq!(FailureScope::from_name("site"), None);
    }

    #[test]
    fn ttf_mean_is_inverse_rate_for_any_shape() {
        for shape in [0.5, 0.7, 1.0, 1.5, 3.0] {
            let w = custom(shape).ttf(8).unwrap().unwrap();
            let expected_s = 3600.0 / (8.0 * 1e-4);
            assert!(
                (w.mean() / expected_s - 1.0).abs() < 1e-12,
                "shape {shape}: mean {} vs {expected_s}",
                w.mean()
            );
        }
        assert_eq!(custom(1.0).ttf(0).unwrap(), None);
    }

    #[test]
    fn validation_names_the_bad_fields() {
        let mut model = FailureModel {
            name: "m".into(),
            categories: vec![custom(1.0), custom(0.0)],
        };
        model.categories[0].rate_per_accel_hour = -1.0;
        let errors = model.validate(&["failures"]);
        let paths: Vec<String> = errors.iter().map(ModelError::dotted_path).collect();
        assert_eq!(
            paths,
            [
                "failures.categories.x.rate_per_accel_hour",
                "failures.categories.x.ttf_shape",
                "failures.categories.x",
            ]
        );
        assert!(errors[2].message.contains("duplicate"));
    }

    #[test]
    fn scaling_multiplies_rates_only() {
        let m = FailureModel::builtin("llama3-h100").unwrap();
        let s = m.scaled(2.0);
        assert!(
            (s.total_rate_per_accel_hour() / m.total_rate_per_accel_hour() - 2.0).abs() < 1e-12
        );
        assert_eq!(s.categories[0].repair, m.categories[0].repair);
        assert!(m.scaled(0.0).mtbf_hours(16_384).is_infinite());
    }
}
