//! # sim-models: the domain of fabricsim
//!
//! What the engine (`sim-core`) simulates: a fleet of AI accelerators spread over clouds,
//! regions and sites, the network joining them, their power, their failures and outages,
//! the training jobs and inference services they run, the policies deciding where work
//! goes, and the money, energy and carbon it all costs. The engine knows only events and
//! time; this crate is everything that gives them meaning.
//!
//! ## Concepts
//!
//! * **Data, then specs, then built models.** The built-in [`catalog`] is data shipped in
//!   `data/*.csv` (every row citing its source). A scenario is a set of `*Spec` values
//!   (a [`topology::FabricSpec`], jobs, services, outages, power, ...) checked and built
//!   against the catalog into the models a run uses: a [`topology::Fabric`], a network, an
//!   outage plan. Bad input is reported as [`ModelError`]s at key paths
//!   (`sites.0.clusters.1.accelerator`) with a "did you mean", all at once.
//! * **Ids, not objects.** Clouds, regions, accelerator kinds, sites, clusters, racks and
//!   nodes are small integer ids into the catalog and the fabric; accelerators are index
//!   ranges. A fabric of a million accelerators costs O(clusters) memory.
//! * **Failure domains.** Every level of cloud -> region -> site -> cluster -> rack ->
//!   node -> accelerator is a [`topology::FailureDomain`] with a stable key: failures,
//!   outages, partitions and `spread` placement all name domains.
//! * **One random stream per component.** Failures, outages, arrivals and curtailments draw
//!   from streams keyed by what they belong to (`sim_core::rng`), so two policies run with
//!   one seed face the same failures and arrivals (common random numbers).
//! * **Policies see a view and return a decision.** A [`policy::Placement`] or
//!   [`policy::Failover`] gets a read-only [`policy::FabricView`] and answers; a
//!   [`policy::Registry`] names every policy and failure model, and another crate can add
//!   its own (see `examples/custom-models` and `docs/writing-a-model-crate.md`).
//! * **A run is a value.** [`sim::FabricRun`] holds everything a simulation needs;
//!   [`sim::FabricSim`] runs it with [`sim::Policies`] and returns a
//!   [`sim::RunSummary`] of per-job, per-site and per-service figures.
//!
//! This crate reads no files and prints nothing: the CLI (`sim-cli`) parses scenarios into
//! the `*Spec` and `*Patch` types here, reports the errors they return, and writes the
//! results.
//!
//! ## Modules
//!
//! * [`catalog`]: accelerator specs, clouds, regions, offerings and prices, measured RTTs,
//!   power-capping curves ([`catalog::cap_curve`]); built-in data, overridable and
//!   extensible by a scenario or a plug-in crate.
//! * [`topology`]: cloud -> region -> site -> cluster -> rack -> node -> accelerator, built
//!   from a [`topology::FabricSpec`]; ids, failure domains and build-outs over time.
//! * [`network`]: inter-region RTT (measured, else fitted), WAN bandwidth and egress
//!   prices, transfer times, collective times, and network partitions.
//! * [`power`]: accelerator draw by state, site demand against a facility cap, the
//!   throttle / refuse / preempt policies, curtailments and grid outages.
//! * [`failure`]: failure models (categories with rates, scopes and repair times) and their
//!   Poisson and Weibull-renewal samplers.
//! * [`outage`]: correlated outages of whole domains (scripted, background, planned
//!   maintenance) drawn into an outage plan.
//! * [`workload`]: training jobs, their step rate on an allocation, checkpointing
//!   (Young/Daly) and job generators.
//! * [`inference`]: served models, token distributions, arrival processes, roofline
//!   replica speed, queueing formulas and latency histograms.
//! * [`policy`]: placement and failover policies, the fabric view they decide from, the
//!   decision log and the registry of everything a scenario can name.
//! * [`accounting`]: energy, carbon, egress and commitment burn-down.
//! * [`capacity`]: which nodes of each cluster are free, and who holds the others.
//! * [`sim`]: the simulation: training, serving and both together on one fleet, and the
//!   reports of a run.
//! * [`suggest`]: the "did you mean" of every error.
//! * [`units`]: time and unit constants (seconds per hour and per year, ...).
//! * [`testing`]: small fabrics, networks and views for tests (test support, not model
//!   API).
//!
//! ## A week of training, end to end
//!
//! Two H100 clusters in two AWS regions run one training job for a week, with the
//! failure rates Meta measured on Llama 3 pretraining; we check what the run reports.
//!
//! ```
//! # use sim_models::catalog::{Catalog, RegionId};
//! # use sim_models::failure::FailureModel;
//! # use sim_models::network::{EgressPrices, NetworkSpec, RttModel, WanModel};
//! # use sim_models::sim::{Network, Policies, FabricRun, FabricSim};
//! # use sim_models::sim_core::time::{SimDuration, SimTime};
//! # use sim_models::topology::{ClusterSpec, FabricSpec, SiteSpec};
//! # use sim_models::workload::{JobWork, TrainingJobSpec};
//! let catalog = Catalog::builtin();
//! let site = |name: &str, region: &str| SiteSpec {
//!     name: name.into(),
//!     cloud: "aws".into(),
//!     region: region.into(),
//!     power_cap_mw: 10.0,
//!     pue: None,
//!     online_from: SimTime::ZERO,
//!     clusters: vec![ClusterSpec {
//!         name: "h100".into(),
//!         accelerator: "h100".into(),
//!         count: 1_024,
//!         node_size: None, // the kind's: 8 per node
//!         rack_nodes: 4,
//!         scaleup_domain: None,
//!         online_from: SimTime::ZERO,
//!     }],
//! };
//! let fabric = FabricSpec { sites: vec![site("use1", "us-east-1"), site("usw2", "us-west-2")] }
//!     .build(&catalog)
//!     .expect("a valid fabric");
//! # let sites: Vec<(&str, RegionId)> =
//! #     fabric.sites().iter().map(|s| (s.name.as_str(), s.region)).collect();
//! # let wan = WanModel::new(&NetworkSpec { wan_gbit_default: 100.0, links: Vec::new() }, &sites)
//! #     .unwrap();
//! # let rtt = RttModel::from_catalog(&catalog).unwrap();
//! # let prices = EgressPrices::from_catalog(&catalog).unwrap();
//! // A 70B-parameter job on 512 accelerators that would need 30 days; we watch 7.
//! let job = TrainingJobSpec::new("llm", 70e9, JobWork::Duration(SimDuration::from_days(30)), 512);
//! let run = FabricRun {
//!     fabric: &fabric,
//!     catalog: &catalog,
//!     network: Network { wan: &wan, rtt: &rtt, prices: &prices },
//!     jobs: &[job],
//!     failures: &FailureModel::builtin("llama3-h100").expect("a built-in model"),
//!     outages: &Default::default(),
//!     horizon: SimTime::ZERO + SimDuration::from_days(7),
//!     seed: 42,
//!     power: &[],
//!     curtailments: &Default::default(),
//!     commitments: &[],
//!     carbon: &[],
//!     serving: &Default::default(),
//! };
//! let summary = FabricSim::new(run, Policies::default()).expect("a valid run").run();
//!
//! let job = &summary.jobs[0];
//! assert_eq!(job.first_start, Some(SimTime::ZERO)); // first-fit placed it at once
//! assert_eq!(job.completed_at, None); // 30 days of work do not fit in 7
//! // It held its 512 accelerators all week (restarts after failures included) ...
//! assert!((job.accel_hours - 512.0 * 7.0 * 24.0).abs() < 1.0, "{}", job.accel_hours);
//! // ... and paid for them at AWS's on-demand price.
//! let price = catalog.offering("aws", "h100").and_then(|o| o.usd_per_chip_hour).unwrap();
//! assert!((job.cost_usd / (job.accel_hours * price) - 1.0).abs() < 1e-9);
//! assert!(summary.sites.iter().all(|s| s.energy_facility_mwh >= 0.0));
//! ```

#![forbid(unsafe_code)]

pub mod accounting;
pub mod capacity;
pub mod catalog;
mod data;
mod error;
pub mod failure;
pub mod inference;
pub mod network;
pub mod outage;
pub mod policy;
pub mod power;
pub mod sim;
pub mod suggest;
pub mod testing;
pub mod topology;
pub mod units;
pub mod workload;

pub use error::ModelError;
pub use sim_core;
