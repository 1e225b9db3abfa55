//! Correlated outages and planned maintenance: whole racks, sites, regions or clouds down
//! at once, as scripted injections, a background random process, or scheduled windows.
//!
//! # Concepts
//!
//! An [`Outage`] takes one [`FailureDomain`] down from `start` for `duration`. Capacity
//! under a dead domain cannot run; it returns at repair (`start + duration`). A scenario
//! describes outages three ways, and [`OutagePlan::build`] turns all of them into one
//! sorted list before the run starts:
//!
//! * [`ScriptedOutageSpec`] ([`OutageKind::Scripted`]): "region aws/us-east-1 down at day
//!   12 for 6 h": `{ scope = "region:aws/us-east-1", at = "12d", duration = "6h" }`. The
//!   scope is a [`Fabric::domain_key`] key of any level.
//! * [`BackgroundOutageSpec`] ([`OutageKind::Background`]): every rack, site, region or
//!   cloud of the fabric fails as an independent Poisson process of `rate_per_year`
//!   (per instance, 8 760 h years), with a [`DurationDist`](sim_core::rng::DurationDist)
//!   time to repair. [`BackgroundOutageSpec::calibrated`] gives defaults (see
//!   [Calibration](#calibration)). Only instances holding capacity count: the clouds and
//!   regions of the fabric's sites, its sites, its racks.
//! * [`MaintenanceSpec`] ([`OutageKind::Planned`]): `count` windows (or one `every` so
//!   often) of a domain, from `first_at`, evenly spaced or at a random time within each
//!   slot. The Llama 3 validation uses 47 planned interruptions over 54 days on one
//!   16 384-GPU job.
//!
//! ```text
//! scenario ──► ScriptedOutageSpec ─┐
//!              BackgroundOutageSpec ├─► OutagePlan::build(fabric, horizon, .., streams)
//!              MaintenanceSpec ─────┘            │
//!                                                ▼
//!                    [Outage { domain, start, duration, kind, spec }], sorted by start
//! ```
//!
//! # Overlaps: a down-counter per domain
//!
//! Outages of the same domain may overlap (a background region outage during a scripted
//! one, two maintenance plans on one cluster), and outages of nested domains may too. The
//! simulator therefore keeps a down-counter per domain: +1 at each `start`, -1 at each
//! `end()`; an accelerator can run only while every one of its
//! [`ancestors`](crate::topology::Fabric::ancestors) has a counter of zero. It never
//! "repairs" a domain that another outage still holds down, and the plan needs no merging.
//!
//! # Streams
//!
//! Each background domain instance draws from its own stream, keyed by the scenario's
//! names, never by ids or iteration order: `outage/cloud/aws`,
//! `outage/region/aws/us-east-1`, `outage/site/aws-use1`, and for racks the indexed
//! family `outage/rack/aws-use1/h100-a` with the rack's index within its cluster. Adding
//! a site, region or cluster therefore leaves every other instance's outages unchanged.
//! A second background spec of the same level uses `outage/region#1/...` (and so on), so
//! it is independent of the first. Random maintenance draws from
//! `outage/maintenance/<level>/<name>` (`#1` etc. for a further spec on the same scope).
//! Each stream alternates gap, duration, gap, duration, ...
//!
//! # Calibration
//!
//! `data/outages.csv` (embedded) holds one row per level: incidents counted, instance-years
//! of exposure, rate = incidents / exposure, and a log-normal duration (median, sigma of
//! ln hours). Durations are the **core** impact windows of the incidents its rows cite
//! (the long recovery tail is not counted: the capacity is usable again, if degraded). The
//! reference window is the 4 years Dec 2021 – Nov 2025 that its incidents span.
//!
//! | level | rate per instance-year | duration (log-normal) | status |
//! |---|---|---|---|
//! | cloud | 3 / (4 clouds × 4 y) = 0.1875 | median 1.25 h, σ 0.644 (mean 1.54 h) | derived |
//! | region | 5 / (3 regions × 4 y) = 0.417 | median 3.52 h, σ 0.964 (mean 5.60 h) | derived |
//! | site | 1 / 504 site-years = 0.00198 | median 480 h, σ 1.0 | estimate |
//! | rack | 8.75 / 75.75 rack-years = 0.1155 | median 4 h, σ 1.0 | estimate |
//!
//! * **Cloud**: the global or all-regions incidents gcp-2025-06-12 (2.0 h core),
//!   azure-2024-09-27 (all US Gov regions, 1.63 h) and oci-2024-01-16 (0.6 h), over the
//!   four clouds AWS, Azure, GCP, OCI. Fit: `mu` = mean of ln h = 0.2236, `sigma` = sample
//!   standard deviation of ln h = 0.6442.
//! * **Region**: aws-2021-12-07 (9.2 h), aws-2021-12-10 (1 h aftershock), aws-2025-10-20
//!   (2.9 h), the region-wide phase of gcp-2023-04-26 (counted; its "hours" has no number,
//!   so it is not fitted) and azure-2024-07-18 (5.75 h), over the 3 regions they name.
//!   Fit on 9.2, 1, 2.9, 5.75 h: `mu` = 1.2583, `sigma` = 0.9635. This rate is biased
//!   high (the regions are listed because they failed, and us-east-1 is the busiest);
//!   cross-check: 0.417 × 5.60 h = 2.3 h down per region-year (99.97 %), against 0.876 h
//!   for a met 99.99 % region SLA. Set `rate_per_year = 0.16` to model a met SLA.
//! * **Site** (estimate): one physical zone loss, europe-west9-a (fire; down > 3 weeks,
//!   so the median is set to that 480 h lower bound), over an assumed 42 regions
//!   (`data/regions.csv`) × 3 zones × 4 years; sigma 1.0 is a guess from one event.
//! * **Rack** (estimate; not in outages.csv): a quarter of Llama 3's 35 "Network
//!   Switch/Cable" interruptions (54 days, 16 384 GPUs) assumed to be top-of-rack switch
//!   or rack power losses, per 32-GPU rack: 8.75 / (512 racks × 54/365 y). Median 4 h,
//!   sigma 1.0 are guesses. This overlaps the component-failure taxonomy: enable one or
//!   the other for switch failures, not both.
//!
//! All defaults treat the incident as a full loss of the domain's capacity, which is
//! pessimistic for control-plane incidents (running instances often kept running).
//!
//! # Errors
//!
//! [`OutagePlan::build`] reports every problem at once, at key paths under
//! [`SCRIPTED_SECTION`], [`BACKGROUND_SECTION`] and [`MAINTENANCE_SECTION`], e.g.
//! `outages.0.scope` with a "did you mean" over the fabric's keys of the same level.
//!
//! ```
//! # use sim_models::catalog::Catalog;
//! # use sim_models::topology::*;
//! # use sim_models::sim_core::time::{SimDuration, SimTime};
//! use sim_models::outage::*;
//! use sim_models::sim_core::rng::RngStreams;
//! # let spec = FabricSpec { sites: vec![SiteSpec {
//! #     name: "aws-use1".into(), cloud: "aws".into(), region: "us-east-1".into(),
//! #     power_cap_mw: 100.0, pue: None, online_from: SimTime::ZERO,
//! #     clusters: vec![ClusterSpec {
//! online_from: sim_core::time::SimTime::ZERO, name: "h100-a".into(), accelerator: "h100".into(),
//! #         count: 16_384, node_size: None, rack_nodes: 4, scaleup_domain: None }],
//! # }] };
//! # let fabric = spec.build(&Catalog::builtin()).unwrap();
//! let day = SimDuration::DAY;
//! let plan = OutagePlan::build(
//!     &fabric,
//!     SimTime::ZERO + day * 54,
//!     &[ScriptedOutageSpec {
//!         scope: "region:aws/us-east-1".into(),
//!         at: "12d".parse()?,
//!         duration: "6h".parse()?,
//!     }],
//!     &[BackgroundOutageSpec::calibrated(OutageLevel::Rack)],
//!     &[MaintenanceSpec {
//!         scope: "cluster:aws-use1/h100-a".into(),
//!         cadence: MaintenanceCadence::Count(47),
//!         duration: SimDuration::from_mins(30),
//!         first_at: SimTime::ZERO,
//!         spread: Spread::Even,
//!     }],
//!     &RngStreams::new(7),
//! )
//! .expect("valid outages");
//! assert_eq!(plan.count(OutageKind::Scripted), 1);
//! assert_eq!(plan.count(OutageKind::Planned), 47);
//! assert!(plan.outages().windows(2).all(|w| w[0].start <= w[1].start));
//!
//! let typo = ScriptedOutageSpec { scope: "region:aws/us-east1".into(), ..Default::default() };
//! let errors = OutagePlan::build(&fabric, SimTime::ZERO + day, &[typo], &[], &[],
//!     &RngStreams::new(7)).unwrap_err();
//! assert_eq!(errors[0].dotted_path(), "outages.0.scope");
//! assert_eq!(errors[0].suggestion.as_deref(), Some("region:aws/us-east-1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calibration;
mod plan;
mod scope;
mod spec;

use sim_core::time::{SimDuration, SimTime};

#[cfg(doc)]
use crate::topology::Fabric;
use crate::topology::FailureDomain;

pub use plan::{MAX_EXPECTED_OUTAGES, MAX_RUN_OUTAGES, MIN_OUTAGE};
pub use spec::*;

/// Key-path root of scripted outages in errors: `outages.<i>.<field>`.
pub const SCRIPTED_SECTION: &str = "outages";
/// Key-path root of background processes in errors: `background_outages.<i>.<field>`.
pub const BACKGROUND_SECTION: &str = "background_outages";
/// Key-path root of maintenance plans in errors: `maintenance.<i>.<field>`.
pub const MAINTENANCE_SECTION: &str = "maintenance";

/// Where an outage came from. Ordered as declared, which is the tie-break after start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutageKind {
    /// Injected by the scenario at a fixed time.
    Scripted,
    /// Drawn from a background random process.
    Background,
    /// A planned maintenance window.
    Planned,
}

/// One domain down for a while. Capacity under `domain` cannot run in
/// `[start, start + duration)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outage {
    /// What is down.
    pub domain: FailureDomain,
    /// When it goes down.
    pub start: SimTime,
    /// How long until repair (positive).
    pub duration: SimDuration,
    /// Scripted, background or planned.
    pub kind: OutageKind,
    /// Index of the spec that produced it, in the list of its kind passed to
    /// [`OutagePlan::build`]: the outage's label, with no string per outage.
    pub spec: u32,
}

impl Outage {
    /// When capacity returns, `start + duration` (saturating at [`SimTime::MAX`]).
    pub fn end(&self) -> SimTime {
        self.start.saturating_add(self.duration)
    }
}

/// Every outage of a run, sorted by (start, kind, spec, domain, duration). Made by
/// [`OutagePlan::build`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutagePlan {
    outages: Vec<Outage>,
}

impl OutagePlan {
    /// All outages, sorted by start (ties as in the type's docs).
    pub fn outages(&self) -> &[Outage] {
        &self.outages
    }

    /// Number of outages of `kind`. O(outages).
    pub fn count(&self, kind: OutageKind) -> usize {
        self.outages.iter().filter(|o| o.kind == kind).count()
    }

    /// Number of outages.
    pub fn len(&self) -> usize {
        self.outages.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.outages.is_empty()
    }

    /// The outages of exactly `domain` (not of its ancestors or descendants), in order.
    /// O(outages).
    pub fn of_domain(&self, domain: FailureDomain) -> impl Iterator<Item = &Outage> + '_ {
        self.outages.iter().filter(move |o| o.domain == domain)
    }
}
