//! Power: accelerator draw by state, site demand against a facility cap, the throttle /
//! refuse / preempt policies, curtailments and grid outages.
//!
//! # Concepts
//!
//! ```text
//! AcceleratorSpec ──► AcceleratorPower::draw_w(Idle | Busy{u} | Down, limit)   IT W per chip
//!                            │  x chips by state, per kind
//!                            ▼
//!                     SitePower: demand_it_w ──x PUE──► demand_facility_w  vs  cap (MW)
//!                            │ over the cap: the site's PowerPolicy
//!        ┌───────────────────┼───────────────────────────┐
//!     throttle            refuse                       preempt
//!  throttle_for_cap   fits / headroom_w              busy_to_stop
//!  limit -> CapCurve   (no new placements)   (stop lowest-priority work)
//!  -> throughput
//! ```
//!
//! * [`AcceleratorPower`]: board power idle, busy (linear in utilisation between idle and
//!   TDP, capped by a per-chip power limit) or down (0), plus the node's host share
//!   (catalog `host_w_per_chip` at full load; half of it idle, an estimate).
//! * [`CapCurve`]: throughput under a power cap, interpolated from the embedded
//!   `data/power_capping.csv` (the DVFS-model training rows; see
//!   [`catalog::cap_curve`](crate::catalog::cap_curve) for which rows and why). An accelerator kind can bring its own curve
//!   ([`Catalog::cap_curve`](crate::catalog::Catalog::cap_curve), set by a plug-in crate
//!   through [`Registry::add_accelerator`](crate::policy::Registry::add_accelerator)); its
//!   throttled chips follow that curve instead ([`KindLoad::curve`]).
//! * [`SitePower`]: a site's chips by kind and state, its PUE and curve. The cap is
//!   facility power. [`SitePower::throttle_for_cap`] returns the [`ThrottleDecision`]
//!   that keeps the accounted draw at or below the cap, always.
//! * [`PowerPolicy`] and [`SitePowerSpec`]: what a site does over its cap, and its backup
//!   power.
//! * [`CurtailmentPlan`]: scripted ([`CurtailmentSpec`]) and random
//!   ([`RandomCurtailmentSpec`]) windows that lower a cap, and grid outages
//!   ([`GridOutageSpec`]) that put a site on backup power ([`DEFAULT_BACKUP_FRACTION`] of
//!   its cap by default) for their duration. Overlapping windows take the lowest fraction.
//!
//! Every draw and decision is *O*(kinds at the site); nothing allocates after building.
//!
//! # Rule of thumb: 1,000 H100 need about a megawatt
//!
//! From the built-in catalog, one H100 busy at TDP draws 700 W (board) + 575 W (host share
//! of a DGX H100's 10.2 kW) = 1,275 W of IT power. A thousand of them draw **1.275 MW IT**;
//! at AWS's PUE of 1.15 (`regions.csv`) that is **1.466 MW at the facility** (0.70 MW for
//! the boards alone, 0.805 MW boards x PUE). "About a megawatt" holds for the boards plus
//! cooling; node overheads add 80 %.
//!
//! ```
//! use sim_models::catalog::Catalog;
//! use sim_models::power::{AcceleratorPower, ChipState, SitePower};
//! let catalog = Catalog::builtin();
//! let h100 = AcceleratorPower::from_spec(
//!     catalog.accelerator(catalog.accelerator_id("h100").unwrap()));
//! let pue = catalog.region(catalog.region_id("aws", "us-east-1").unwrap()).pue;
//! let site = SitePower::new(pue).with(h100, ChipState::Busy { utilisation: 1.0 }, 1_000);
//! assert_eq!(site.demand_it_w(), 1_275_000.0);
//! assert!((site.demand_facility_w() - 1_466_250.0).abs() < 1e-6);
//!
//! // A 1.2 MW cap: the boards get (1.2 MW / 1.15 - 575 kW host) / 1000 = 468 W each, a
//! // limit of 0.669 of TDP, so training runs at 0.842 of full speed.
//! let d = site.throttle_for_cap(1.2e6);
//! assert!(d.draw_facility_w <= 1.2e6);
//! assert!((d.limit_fraction - 0.669).abs() < 0.001);
//! assert!((d.throughput_fraction - 0.842).abs() < 0.001);
//! ```
//!
//! # Errors
//!
//! [`PowerPolicy::parse`], [`SitePowerSpec::validate`] and [`CurtailmentPlan::build`]
//! return [`ModelError`]s at key paths (e.g. `curtailments.0.site`) with a "did you mean"
//! for misspelled names.

mod chip;
mod curtail;
mod site;

use crate::ModelError;
use crate::suggest::closest;

/// The cap curve lives in the catalog (each accelerator kind may bring its own); it is
/// re-exported here, where it is used.
pub use crate::catalog::{CapCurve, CurvePoint};
pub use chip::{AcceleratorPower, ChipState, HOST_IDLE_FRACTION};
pub use curtail::{
    CURTAILMENT_SECTION, Curtailment, CurtailmentKind, CurtailmentPlan, CurtailmentSpec,
    CurtailmentSpecs, GRID_OUTAGE_SECTION, GridOutageSpec, RANDOM_CURTAILMENT_SECTION,
    RandomCurtailmentSpec,
};
pub use site::{KindLoad, SitePower, ThrottleDecision};

/// Backup power during a grid outage as a fraction of the site's cap. **Estimate**: on-site
/// generators and UPS sized for critical IT (network, storage, control plane and some
/// compute); the bulk GPU load of a training hall is commonly not generator-backed. No
/// sourced figure; set `backup_fraction` per site (1.0 for a fully backed Tier III site).
pub const DEFAULT_BACKUP_FRACTION: f64 = 0.25;

/// What a site does when demand would exceed its (possibly curtailed) cap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PowerPolicy {
    /// Lower a per-accelerator power limit on busy chips; jobs slow down by the
    /// [`CapCurve`] ([`SitePower::throttle_for_cap`]).
    #[default]
    Throttle,
    /// Place no new work that would take demand past the cap ([`SitePower::fits`]);
    /// running work continues (and is throttled if a curtailment pushes it over).
    Refuse,
    /// Stop the lowest-priority running work until demand fits
    /// ([`SitePower::busy_to_stop`]).
    Preempt,
}

impl PowerPolicy {
    /// Every policy, in declaration order.
    pub const ALL: [PowerPolicy; 3] = [Self::Throttle, Self::Refuse, Self::Preempt];

    /// The name in scenario files: `throttle`, `refuse` or `preempt`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Throttle => "throttle",
            Self::Refuse => "refuse",
            Self::Preempt => "preempt",
        }
    }

    /// The policy named `name` (exactly as [`PowerPolicy::name`] spells it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Like [`PowerPolicy::from_name`], with an error at `path` naming the valid
    /// policies and the closest one.
    ///
    /// ```
    /// use sim_models::power::PowerPolicy;
    /// let e = PowerPolicy::parse("throtle", &["sites", "aws-use1", "power_policy"]).unwrap_err();
    /// assert_eq!(e.suggestion.as_deref(), Some("throttle"));
    /// ```
    pub fn parse(name: &str, path: &[&str]) -> Result<Self, ModelError> {
        Self::from_name(name).ok_or_else(|| {
            ModelError::new(
                path,
                format!("unknown power policy `{name}`; expected throttle, refuse or preempt"),
            )
            .with_suggestion(closest(name, Self::ALL.map(Self::name)))
        })
    }
}

/// A site's power settings from the scenario (its cap and PUE live on the site itself).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SitePowerSpec {
    /// What the site does over its cap.
    pub policy: PowerPolicy,
    /// Backup power during a grid outage, as a fraction of the cap, in [0, 1].
    pub backup_fraction: f64,
}

impl Default for SitePowerSpec {
    /// `throttle`, with [`DEFAULT_BACKUP_FRACTION`].
    fn default() -> Self {
        Self {
            policy: PowerPolicy::Throttle,
            backup_fraction: DEFAULT_BACKUP_FRACTION,
        }
    }
}

impl SitePowerSpec {
    /// Checks `backup_fraction`; errors are at `path` + `backup_fraction`.
    pub fn validate(&self, path: &[&str]) -> Result<(), ModelError> {
        if (0.0..=1.0).contains(&self.backup_fraction) {
            Ok(())
        } else {
            let mut p = path.to_vec();
            p.push("backup_fraction");
            Err(ModelError::new(
                &p,
                format!(
                    "backup fraction {}: expected a fraction of the site's cap in [0, 1]",
                    self.backup_fraction
                ),
            ))
        }
    }
}
